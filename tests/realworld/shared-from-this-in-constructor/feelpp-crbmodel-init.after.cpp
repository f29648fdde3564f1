// Restates feelpp/feelpp issue #361, after: the constructor does only what
// needs no owner; a factory creates the owner and then runs the composite
// registration.
#include <memory>
#include <vector>

class CRBModel;
struct SubModel {
  void attach(std::shared_ptr<CRBModel> parent);
};

class CRBModel : public std::enable_shared_from_this<CRBModel> {
public:
  explicit CRBModel(bool composite) : composite_(composite) {}
  static std::shared_ptr<CRBModel> create(bool composite) {
    auto m = std::make_shared<CRBModel>(composite);
    m->init();
    return m;
  }
  void init() {
    if (composite_)
      initComposite();
  }
  void initComposite() { registerSubModels(); }
  void registerSubModels() {
    for (SubModel &m : subs_)
      m.attach(shared_from_this());
  }

private:
  bool composite_;
  std::vector<SubModel> subs_;
};
