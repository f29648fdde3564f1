//===-- WeakrefTidyModule.cpp - the weakref clang-tidy module ------------===//
//
// Registers every weakref-* check. Keep the list sorted by check name;
// scripts/new-check inserts new lines in order.
//
//===----------------------------------------------------------------------===//

#include "CallbackArityCheck.h"
#include "CallbackUsesDeadReferentCheck.h"
#include "CapiBorrowedGetobjectCheck.h"
#include "CapiClearWeakrefsCheck.h"
#include "DeadOnArrivalCheck.h"
#include "DestructorResurrectionCheck.h"
#include "ExpiredThenLockCheck.h"
#include "FinalizerCapturesReferentCheck.h"
#include "LostCallbackCheck.h"
#include "NonPublicEnableSharedFromThisCheck.h"
#include "SelfCaptureCycleCheck.h"
#include "SharedFromThisInConstructorCheck.h"
#include "UncheckedLockCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace clang::tidy::weakref {

class WeakrefModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    // BEGIN CHECK REGISTRATIONS (sorted)
    Factories.registerCheck<CallbackArityCheck>("weakref-callback-arity");
    Factories.registerCheck<CallbackUsesDeadReferentCheck>("weakref-callback-uses-dead-referent");
    Factories.registerCheck<CapiBorrowedGetobjectCheck>("weakref-capi-borrowed-getobject");
    Factories.registerCheck<CapiClearWeakrefsCheck>("weakref-capi-clear-weakrefs");
    Factories.registerCheck<DeadOnArrivalCheck>("weakref-dead-on-arrival");
    Factories.registerCheck<DestructorResurrectionCheck>("weakref-destructor-resurrection");
    Factories.registerCheck<ExpiredThenLockCheck>("weakref-expired-then-lock");
    Factories.registerCheck<FinalizerCapturesReferentCheck>("weakref-finalizer-captures-referent");
    Factories.registerCheck<LostCallbackCheck>("weakref-lost-callback");
    Factories.registerCheck<NonPublicEnableSharedFromThisCheck>("weakref-non-public-enable-shared-from-this");
    Factories.registerCheck<SelfCaptureCycleCheck>("weakref-self-capture-cycle");
    Factories.registerCheck<SharedFromThisInConstructorCheck>("weakref-shared-from-this-in-constructor");
    Factories.registerCheck<UncheckedLockCheck>("weakref-unchecked-lock");
    // END CHECK REGISTRATIONS
  }
};

static ClangTidyModuleRegistry::Add<WeakrefModule>
    X("weakref-module", "Checks for misuse of weak references.");

} // namespace clang::tidy::weakref

