// Restates ros-perception/laser_filters pull request #197, after: the
// message filter is built with the constructor that takes the node's
// interfaces (plain references), no owner of the node is needed.
#include <memory>
#include <string>

struct Node {};
template <class M> struct MessageFilter {
  MessageFilter(int &sub, int &buffer, std::string frame, int queue, Node &node);
};

class ScanToCloudFilterChain : public Node,
                               public std::enable_shared_from_this<ScanToCloudFilterChain> {
public:
  ScanToCloudFilterChain() {
    filter_ = std::make_shared<MessageFilter<int>>(sub_, buffer_, "base", 50, *this);
  }

private:
  int sub_ = 0, buffer_ = 0;
  std::shared_ptr<MessageFilter<int>> filter_;
};
