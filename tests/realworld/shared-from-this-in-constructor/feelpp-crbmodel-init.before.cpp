// Restates feelpp/feelpp issue #361 ("Bug in initialisation of CRBModel in
// composite case"): the model's constructor runs its initialisation, which
// in the composite case registers the model with its sub-models through
// shared_from_this(): std::bad_weak_ptr during construction.
#include <memory>
#include <vector>

class CRBModel;
struct SubModel {
  void attach(std::shared_ptr<CRBModel> parent);
};

class CRBModel : public std::enable_shared_from_this<CRBModel> {
public:
  explicit CRBModel(bool composite) : composite_(composite) { init(); } // expected-warning{{'shared_from_this()' through 'init' in the constructor of 'CRBModel' throws std::bad_weak_ptr}}
  void init() {
    if (composite_)
      initComposite(); // expected-note{{'init' calls 'initComposite' here, in the call chain from 'CRBModel'}}
  }
  void initComposite() { registerSubModels(); } // expected-note{{'initComposite' calls 'registerSubModels' here, in the call chain from 'CRBModel'}}
  void registerSubModels() {
    for (SubModel &m : subs_)
      m.attach(shared_from_this()); // expected-note{{'registerSubModels' does it here}}
  }

private:
  bool composite_;
  std::vector<SubModel> subs_;
};
