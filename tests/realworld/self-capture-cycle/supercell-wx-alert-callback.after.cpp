// Restates dpaulat/supercell-wx pull request #392, after the fix: the
// callback references the draw item through a weak_ptr.
#include <functional>
#include <memory>

class DrawItem {
public:
  void SetHoverCallback(std::function<void()> cb) { Assign(std::move(cb)); }
  void Highlight();

private:
  void Assign(std::function<void()> cb) { hover_ = std::move(cb); }
  std::function<void()> hover_;
};

void OnHover(const std::weak_ptr<DrawItem> &item);

void AddLine() {
  auto di = std::make_shared<DrawItem>();
  di->SetHoverCallback(std::bind(&OnHover, std::weak_ptr<DrawItem>(di)));
}
