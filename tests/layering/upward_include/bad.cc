// Fixture for the layering test: a pk-level file that reaches up into the command line.
#include "cli/commands.h"
