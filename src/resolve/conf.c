/* Placeholder until the module is written. */
#include "resolve/conf.h"
