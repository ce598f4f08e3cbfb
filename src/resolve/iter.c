/* Placeholder until the module is written. */
#include "resolve/iter.h"
