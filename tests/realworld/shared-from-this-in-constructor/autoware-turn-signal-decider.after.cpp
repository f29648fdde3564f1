// Restates tier4/AutowareArchitectureProposal.iv pull request #109, after:
// the data manager keeps a raw pointer to the node that owns it.
#include <memory>

class TurnSignalDecider;
class DataManager {
public:
  explicit DataManager(TurnSignalDecider *node) : node_(node) {}

private:
  TurnSignalDecider *node_;
};

class TurnSignalDecider : public std::enable_shared_from_this<TurnSignalDecider> {
public:
  TurnSignalDecider() : data_(this) {}

private:
  DataManager data_;
};
