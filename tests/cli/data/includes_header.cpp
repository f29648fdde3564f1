#include "in_header.h"
void user() { header_bug(); }
