/* Placeholder until the module is written. */
#include "resolve/cache.h"
