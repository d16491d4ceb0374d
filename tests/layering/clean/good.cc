// Fixture for the layering test: a pk-level file that includes only downwards.
#include "base/error.h"
