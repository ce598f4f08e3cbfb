/* What a daemon's top-level YAML hook (struct cfg_schema.top) may use of
 * the shared loader: nodes, scalars and FILE:LINE messages. */
#ifndef BANCHI_DAEMON_CFG_YAML_H
#define BANCHI_DAEMON_CFG_YAML_H

#include <yaml.h>

#include "daemon/cfg.h"

/* The struct being loaded (the base pointer given to cfg_load_text). */
void *cfg_yaml_base(const struct cfg_yaml *y);
yaml_node_t *cfg_yaml_node(const struct cfg_yaml *y, int id);
/* The scalar's text, or NULL when n is not a scalar. */
const char *cfg_yaml_scalar(const yaml_node_t *n);
/* Writes "FILE:LINE: message" (n's line) to the error; returns -1. */
__attribute__((format(printf, 3, 4)))
int cfg_yaml_fail(struct cfg_yaml *y, const yaml_node_t *n,
		  const char *fmt, ...);

#endif
