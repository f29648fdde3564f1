// Restates microsoft/terminal pull request #3835 ("Fixed self reference
// capture in Tab and TerminalPage"): Tab is created by make_shared, and its
// constructor, through the helpers that attach the pane's event handlers,
// took a weak reference from shared_from_this(): std::bad_weak_ptr, since
// no owner exists yet. Three calls deep: found through the summaries.
#include <functional>
#include <memory>
#include <vector>

class Tab : public std::enable_shared_from_this<Tab> {
public:
  Tab() { _MakeRootPane(); } // expected-warning{{'shared_from_this()' through '_MakeRootPane' in the constructor of 'Tab' throws std::bad_weak_ptr}}
  void _MakeRootPane() { _AttachEventHandlersToPane(); } // expected-note{{'_MakeRootPane' calls '_AttachEventHandlersToPane' here, in the call chain from 'Tab'}}
  void _AttachEventHandlersToPane() { _AttachEventHandlersToControl(); } // expected-note{{'_AttachEventHandlersToPane' calls '_AttachEventHandlersToControl' here, in the call chain from 'Tab'}}
  void _AttachEventHandlersToControl() {
    std::weak_ptr<Tab> weakThis{shared_from_this()}; // expected-note{{'_AttachEventHandlersToControl' does it here}}
    handlers_.push_back([weakThis] { if (auto t = weakThis.lock()) t->Focus(); });
  }
  void Focus();

private:
  std::vector<std::function<void()>> handlers_;
};
