/* A scenario's unbound.conf lines as banchi's resolver settings: struct
 * res_conf (stub and forward zones, hints, QNAME minimisation, 0x20),
 * struct cache_conf (TTL caps, serve-expired, prefetch), local data and
 * the client ACL; or the reason the scenario cannot be run (a skip
 * group: a feature or option banchi does not have). */
#ifndef BANCHI_TESTS_RPL_CONF_H
#define BANCHI_TESTS_RPL_CONF_H

#include "base/acl.h"
#include "resolve/cache.h"
#include "resolve/conf.h"
#include "resolve/local.h"
#include "rpl.h"
#include "wire/chaos.h"

struct rpl_setup {
	struct res_conf rc;
	struct cache_conf cc;
	struct local_data *local;
	struct acl *acl;
	struct acl *snoop;              /* allow_snoop: RD=0 reads the cache */
	uint16_t max_payload;           /* banchi's default, 1232 */
	/* DNSSEC scenarios run (rpl_dnssec_runs): the wall clock of
	 * val-override-date (seconds since 1970), rc.dnssec set */
	uint32_t wall;
	unsigned max_pending;           /* resolutions at once (the daemon's 1024) */
	struct chaos_ident chaos;       /* identity, version (RFC 4892) */
	char group[128];                /* skip group; "" when runnable */
};

/* 0: runnable (su filled); 1: skipped (su->group says why); -1: the
 * config could not be applied (su->group says why). */
int rpl_setup(struct rpl_setup *su, const struct rpl_scen *s);
void rpl_setup_clear(struct rpl_setup *su);

/* Whether the DNSSEC scenario named base (file name) is run: those
 * whose answers banchi's validation gives as Unbound's (the others of
 * the val_* group stay skipped). */
bool rpl_dnssec_runs(const char *base);

/* rpl_conf_map.c: the options of a runnable scenario into su (whose
 * defaults are set). 0, or -1 with su->group saying why. */
int rpl_conf_map(struct rpl_setup *su, const struct rpl_scen *s);

#endif
