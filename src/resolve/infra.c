/* Placeholder until the module is written. */
#include "resolve/infra.h"
