// Restates microsoft/terminal pull request #3835, after: the constructor no
// longer binds the handlers; BindEventHandlers() does it once the Tab is
// owned (the page calls it right after make_shared).
#include <functional>
#include <memory>
#include <vector>

class Tab : public std::enable_shared_from_this<Tab> {
public:
  Tab() = default;
  void BindEventHandlers() { _AttachEventHandlersToControl(); }
  void _AttachEventHandlersToControl() {
    std::weak_ptr<Tab> weakThis{shared_from_this()};
    handlers_.push_back([weakThis] { if (auto t = weakThis.lock()) t->Focus(); });
  }
  void Focus();

private:
  std::vector<std::function<void()>> handlers_;
};

std::shared_ptr<Tab> makeTab() {
  auto tab = std::make_shared<Tab>();
  tab->BindEventHandlers();
  return tab;
}
