// The worked examples of docs/runtime.md, kept compiling and true.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "test_types.hpp"

namespace {
struct LockBox : weakref::enable_weakref<LockBox> {
  explicit LockBox(int id) : id(id) {}
  int id;
};
std::vector<int> released;
void release_lock(int id) { released.push_back(id); }

struct Widget : weakref::enable_weakref<Widget> {};
struct Layout {
  int x, y;
};
struct Button : weakref::enable_weakref<Button> {
  int clicks = 0;
  void click(int n) { clicks += n; }
};
}  // namespace

TEST(Examples, LockBoxFinalizer) {
  released.clear();
  auto box = std::make_shared<LockBox>(10);
  weakref::finalize fin(box, release_lock, box->id);
  EXPECT_TRUE(fin.alive());
  {
    auto [obj, f, args] = *fin.peek();
    EXPECT_EQ(obj, box);
    EXPECT_EQ(*f, &release_lock);
    EXPECT_EQ(std::get<0>(*args), 10);
    box.reset();
    EXPECT_TRUE(released.empty());  // peek's owner still holds it
  }
  EXPECT_EQ(released, std::vector<int>{10});
  EXPECT_FALSE(fin.alive());
}

TEST(Examples, WeakSetOfTemporariesIsEmpty) {
  weakref::weak_set<LockBox> boxes{std::make_shared<LockBox>(10), std::make_shared<LockBox>(20)};
  EXPECT_EQ(boxes.size(), 0u);
}

TEST(Examples, WeakKeySideTable) {
  weakref::weak_key_dict<Widget, Layout> layout;
  auto w = std::make_shared<Widget>();
  layout.insert_or_assign(w, Layout{10, 20});
  layout.at(w).x += 5;
  int seen = 0;
  for (auto [widget, l] : layout) {
    EXPECT_EQ(widget, w);
    seen += l.x + l.y;
  }
  EXPECT_EQ(seen, 35);
  w.reset();
  EXPECT_EQ(layout.size(), 0u);
}

TEST(Examples, WeakMethodButton) {
  auto b = std::make_shared<Button>();
  weakref::weak_method on_click(b, &Button::click);
  EXPECT_TRUE(on_click(3));
  EXPECT_EQ(b->clicks, 3);
  b.reset();
  EXPECT_FALSE(on_click(3));
  EXPECT_THROW(on_click.call(3), weakref::reference_error);
}

TEST(Examples, RefWithCallbackSession) {
  struct Session : weakref::enable_weakref<Session> {
    std::string user;
  };
  auto s = std::make_shared<Session>();
  bool closed = false;
  weakref::ref<Session> watch(s, [&](weakref::ref<Session>& dead) { closed = dead() == nullptr; });
  if (auto p = watch()) p->user = "ann";
  EXPECT_EQ(s->user, "ann");
  weakref::proxy<Session> px(s);
  px->user = "bob";
  EXPECT_EQ(s->user, "bob");
  s.reset();
  EXPECT_TRUE(closed);
  EXPECT_THROW((void)px->user, weakref::reference_error);
}
