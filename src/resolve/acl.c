/* Placeholder until the module is written. */
#include "resolve/acl.h"
