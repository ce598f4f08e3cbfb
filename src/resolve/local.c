/* Placeholder until the module is written. */
#include "resolve/local.h"
