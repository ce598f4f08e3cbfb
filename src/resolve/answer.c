/* Placeholder until the module is written. */
#include "resolve/answer.h"
