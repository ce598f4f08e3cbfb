/* banchi-auth's identity (identity.c): CHAOS answers and the NSID. */
#ifndef BANCHI_AUTHD_IDENTITY_H
#define BANCHI_AUTHD_IDENTITY_H

#include "auth/answer.h"
#include "daemon/cfg.h"

struct config;

/* server.nsid / --nsid: TEXT, 0xHEX, identity or none, checked. */
int config_nsid_flag(void *base, const struct cfg_opt *o, const char *v,
		     char *err);

/* ac's identity answers and NSID from the config c. */
void identity_apply(struct auth_conf *ac, const struct config *c);

#endif
