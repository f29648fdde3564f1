#include <memory>
void f() {
  this is not C++;
}
