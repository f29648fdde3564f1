// Restates Black-Tek/BlackTek-Server issue #75, after: the destructor tells
// the summons with a raw pointer (no owner of a dying object is needed).
#include <memory>
#include <vector>

class Creature : public std::enable_shared_from_this<Creature> {
public:
  ~Creature() { removeSummons(); }
  void removeSummons() {
    for (auto &s : summons_)
      releaseSummon(s);
    summons_.clear();
  }
  void releaseSummon(const std::shared_ptr<Creature> &s) { notifyMasterGone(s); }
  void notifyMasterGone(const std::shared_ptr<Creature> &s) { s->onMasterLost(this); }
  void onMasterLost(Creature *master);

private:
  std::vector<std::shared_ptr<Creature>> summons_;
};
