// Restates ros-perception/laser_filters pull request #197 ("Don't use
// shared_from_this in the constructor"): the filter-chain node's
// constructor built a tf2 message filter and passed shared_from_this() for
// the node: std::bad_weak_ptr at start-up (introduced by #188).
#include <memory>
#include <string>

struct Node {};
template <class M> struct MessageFilter {
  MessageFilter(int &sub, int &buffer, std::string frame, int queue,
                std::shared_ptr<Node> node);
};

class ScanToCloudFilterChain : public Node,
                               public std::enable_shared_from_this<ScanToCloudFilterChain> {
public:
  ScanToCloudFilterChain() {
    filter_ = std::make_shared<MessageFilter<int>>(sub_, buffer_, "base", 50, shared_from_this()); // expected-warning{{'shared_from_this()' in the constructor of 'ScanToCloudFilterChain' throws std::bad_weak_ptr}}
  }

private:
  int sub_ = 0, buffer_ = 0;
  std::shared_ptr<MessageFilter<int>> filter_;
};
