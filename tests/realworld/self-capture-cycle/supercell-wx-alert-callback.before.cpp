// Restates dpaulat/supercell-wx pull request #392 ("Fix alert layer circular
// reference"): AlertLayer::AddLine gave a draw item a hover callback with
// the item's own shared_ptr bound into it; the item keeps the callback.
// The setter is camelCase and stores through a second member function.
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

void OnHover(const std::shared_ptr<DrawItem> &item);

void AddLine() {
  auto di = std::make_shared<DrawItem>();
  di->SetHoverCallback(std::bind(&OnHover, di)); // expected-warning{{bound argument 'di' owns 'di', which stores this callable}} expected-note{{stored in 'di'}}
  // expected-note@-13{{'SetHoverCallback' hands it to 'Assign' here}} expected-note@-9{{'Assign' stores it in 'hover_' here}}
}
