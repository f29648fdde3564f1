// Restates Black-Tek/BlackTek-Server issue #75 ("Crash during destruction of
// Creature object"): the Creature destructor reaches shared_from_this()
// through its clean-up helpers (releasing summons tells each one its master
// is gone, which asks for an owner of the master): three calls deep, beyond
// the destructor walk's own depth, found through the function summaries.
#include <memory>
#include <vector>

class Creature : public std::enable_shared_from_this<Creature> {
public:
  ~Creature() { removeSummons(); } // expected-warning{{'shared_from_this()' through 'removeSummons' in the destructor of 'Creature' throws std::bad_weak_ptr}}
  void removeSummons() {
    for (auto &s : summons_)
      releaseSummon(s); // expected-note{{'removeSummons' calls 'releaseSummon' here, in the call chain from '~Creature'}}
    summons_.clear();
  }
  void releaseSummon(const std::shared_ptr<Creature> &s) { notifyMasterGone(s); } // expected-note{{'releaseSummon' calls 'notifyMasterGone' here, in the call chain from '~Creature'}}
  void notifyMasterGone(const std::shared_ptr<Creature> &s) {
    s->onMasterLost(shared_from_this()); // expected-note{{'notifyMasterGone' does it here}}
  }
  void onMasterLost(std::shared_ptr<Creature> master);

private:
  std::vector<std::shared_ptr<Creature>> summons_;
};
