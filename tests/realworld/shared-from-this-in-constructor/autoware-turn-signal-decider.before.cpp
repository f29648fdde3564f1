// Restates tier4/AutowareArchitectureProposal.iv pull request #109
// ("[turn_signal_decider] change weak_ptr to raw pointer"): the node's
// constructor handed a weak_ptr built from shared_from_this() to the
// data manager it creates: terminate with std::bad_weak_ptr at launch.
#include <memory>

class TurnSignalDecider;
class DataManager {
public:
  explicit DataManager(std::weak_ptr<TurnSignalDecider> node) : node_(node) {}

private:
  std::weak_ptr<TurnSignalDecider> node_;
};

class TurnSignalDecider : public std::enable_shared_from_this<TurnSignalDecider> {
public:
  TurnSignalDecider() : data_(std::weak_ptr<TurnSignalDecider>(shared_from_this())) {} // expected-warning{{'shared_from_this()' in the constructor of 'TurnSignalDecider' throws std::bad_weak_ptr}}

private:
  DataManager data_;
};
