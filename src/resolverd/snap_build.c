/* Builds the resolver's snapshot (struct rsnap) from a struct rconfig:
 * resolver settings with hints and forwarders, local data read from the
 * hosts and block-list files, the client ACL. Runs in the main thread at
 * start and on every reload; a failure leaves nothing behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resolverd/config.h"
#include "resolverd/server.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)
#define FILE_MAX (256u << 20)   /* block lists run to a few million lines */

static int build_fwd(struct res_conf *rc, const struct rconfig *c,
		     char *err)
{
	size_t i, j;

	if (c->nfwd == 0)
		return 0;
	rc->fwd = calloc(c->nfwd, sizeof(*rc->fwd));
	if (!rc->fwd)
		return ERR("out of memory");
	for (i = 0; i < c->nfwd; i++, rc->nfwd++) {
		const struct rcfg_fwd *f = &c->fwd[i];
		struct res_fwd *r = &rc->fwd[i];

		memcpy(r->zone, f->name, name_length(f->name));
		r->stub = f->stub;
		r->addrs = calloc(f->nto, sizeof(*r->addrs));
		if (!r->addrs)
			return ERR("out of memory");
		for (j = 0; j < f->nto; j++) {
			memcpy(&r->addrs[j].sa, &f->to[j].sa, f->to[j].salen);
			r->addrs[j].len = f->to[j].salen;
		}
		r->naddrs = f->nto;
	}
	return 0;
}

/* A lab on purpose: loopback hints or forwarders let delegations to
 * loopback addresses be followed. */
static bool any_loopback(const struct res_conf *rc)
{
	size_t i, j;

	for (i = 0; i < rc->nhints; i++)
		if (res_addr_is_loopback((const struct sockaddr *)
					 &rc->hints[i].addr.sa))
			return true;
	for (i = 0; i < rc->nfwd; i++)
		for (j = 0; j < rc->fwd[i].naddrs; j++)
			if (res_addr_is_loopback((const struct sockaddr *)
						 &rc->fwd[i].addrs[j].sa))
				return true;
	return false;
}

/* The trust anchors: the file's DS/DNSKEY records, the keys the RFC
 * 5011 point trusts now (the daemon's text), or IANA's root DS built
 * in. Read whenever a file is named, so that a bad one is an error
 * before validation is turned on. */
static int build_anchors(struct res_conf *rc, const struct rconfig *c,
			 char *err)
{
	const char *path;
	char *text;
	size_t len;
	int ret;

	rc->dnssec = c->dnssec_validate;
	rc->aggressive_nsec = c->aggressive_nsec;
	if (c->trust_anchor && c->auto_trust_anchor)
		return ERR("dnssec: trust-anchor and auto-trust-anchor: one "
			   "or the other");
	if (c->auto_ta) {
		ret = dnssec_anchors_add_text(&rc->anchors, c->auto_ta,
					      strlen(c->auto_ta),
					      c->auto_trust_anchor, err);
		return ret < 0 ? -1 : 0;
	}
	if (!c->trust_anchor)
		return res_conf_root_anchor(rc) < 0 ? ERR("out of memory") : 0;
	path = rconfig_open_path(c, c->trust_anchor);
	if (rconfig_slurp(path, FILE_MAX, &text, &len, err) < 0)
		return -1;
	ret = dnssec_anchors_add_text(&rc->anchors, text, len,
				      c->trust_anchor, err);
	free(text);
	if (ret == BN_ENOTFOUND)
		return ERR("%s: no DS or DNSKEY record", c->trust_anchor);
	return ret < 0 ? -1 : 0;
}

/* The zones given as insecure: anchors without records. */
static int build_insecure(struct res_conf *rc, const struct rconfig *c,
			  char *err)
{
	uint8_t name[NAME_MAXLEN];

	for (size_t i = 0; i < c->domain_insecure.n; i++) {
		const char *z = c->domain_insecure.v[i];

		if (!*z || name_from_text(name, z, strlen(z),
					  (const uint8_t *)"") < 0)
			return ERR("domain-insecure: '%s' is not a domain name",
				   z);
		if (dnssec_anchors_add_insecure(&rc->anchors, name) < 0)
			return ERR("out of memory");
	}
	for (size_t i = 0; i < c->nnta; i++)
		if (c->nta[i].until > time(NULL) &&
		    dnssec_anchors_add_insecure(&rc->anchors,
						c->nta[i].zone) < 0)
			return ERR("out of memory");
	return 0;
}

static int build_conf(struct res_conf *rc, const struct rconfig *c,
		      char *err)
{
	int ret;

	res_conf_init(rc);
	if (c->root_hints)
		ret = res_conf_load_hints(rc,
					  rconfig_open_path(c, c->root_hints),
					  err);
	else if (res_conf_builtin_hints(rc) < 0)
		ret = ERR("out of memory");
	else
		ret = 0;
	if (ret < 0 || build_fwd(rc, c, err) < 0 ||
	    build_anchors(rc, c, err) < 0 || build_insecure(rc, c, err) < 0)
		return -1;
	rc->qname_min = c->qname_min;
	rc->use_0x20 = c->use_0x20;
	rc->query_loopback = any_loopback(rc);
	rc->edns_payload = (uint16_t)c->edns_payload;
	rc->max_upstream = (unsigned)c->max_upstream;
	rc->max_depth = (unsigned)c->max_depth;
	rc->max_cname = (unsigned)c->max_cname;
	rc->max_time_ms = (unsigned)c->max_time;
	return 0;
}

static int allow_zone(struct local_data *ld, const char *zone, char *err)
{
	uint8_t name[NAME_MAXLEN];

	if (!*zone || name_from_text(name, zone, strlen(zone),
				     (const uint8_t *)"") < 0)
		return ERR("allow-special: '%s' is not a domain name", zone);
	name_to_lower(name);
	if (local_allow(ld, name) < 0)
		return ERR("out of memory");
	return 0;
}

/* A hosts or block-list file into ld; problems as "FILE:LINE: ...". */
static int load_file(struct local_data *ld, const struct rconfig *c,
		     const char *path, bool block, char *err)
{
	const char *p = rconfig_open_path(c, path);
	size_t len;
	char *text;
	int ret;

	if (rconfig_slurp(p, FILE_MAX, &text, &len, err) < 0)
		return -1;
	if (block)
		ret = local_load_blocklist(ld, text, len, path,
					   c->block_has4 ? c->block4 : NULL,
					   c->block_has6 ? c->block6 : NULL,
					   err);
	else
		ret = local_load_hosts(ld, text, len, path, err);
	free(text);
	return ret < 0 ? -1 : 0;
}

static int build_local(struct local_data *ld, const struct rconfig *c,
		       char *err)
{
	size_t i;

	if (local_add_special(ld) < 0)
		return ERR("out of memory");
	for (i = 0; i < c->allow_special.n; i++)
		if (allow_zone(ld, c->allow_special.v[i], err) < 0)
			return -1;
	for (i = 0; i < c->nfwd; i++)
		if (local_allow(ld, c->fwd[i].name) < 0)
			return ERR("out of memory");
	if (c->hosts && load_file(ld, c, c->hosts, false, err) < 0)
		return -1;
	for (i = 0; i < c->local_data.n; i++) {
		char msg[LOCAL_ERR_MAX];

		if (local_add_text(ld, c->local_data.v[i], msg) < 0)
			return ERR("local-data '%s': %s",
				   c->local_data.v[i], msg);
	}
	if (c->blocklist && load_file(ld, c, c->blocklist, true, err) < 0)
		return -1;
	return 0;
}

/* By default loopback only; --allow: exactly its list; open: all. */
static int build_acl(struct acl *a, const struct rconfig *c, char *err)
{
	size_t i;

	if (c->open_resolver) {
		if (acl_add(a, "0.0.0.0/0") < 0 || acl_add(a, "::/0") < 0)
			return ERR("out of memory");
		return 0;
	}
	if (!c->allow_exact && acl_add_loopback(a) < 0)
		return ERR("out of memory");
	for (i = 0; i < c->allow.n; i++)
		if (acl_add(a, c->allow.v[i]) < 0)
			return ERR("allow: '%s' is not an address or CIDR",
				   c->allow.v[i]);
	return 0;
}

/* Who may read the cache with RD=0 (Unbound's allow_snoop): only what
 * is listed, loopback included (snooping reveals other clients' names). */
static int build_snoop(struct acl *a, const struct rconfig *c, char *err)
{
	size_t i;

	for (i = 0; i < c->allow_snoop.n; i++)
		if (acl_add(a, c->allow_snoop.v[i]) < 0)
			return ERR("allow-snoop: '%s' is not an address or "
				   "CIDR", c->allow_snoop.v[i]);
	return 0;
}

int rsnap_build(const struct rconfig *c, struct rsnap **out, char *err)
{
	struct rsnap *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return ERR("out of memory");
	s->local = local_new();
	s->acl = acl_new();
	s->snoop = acl_new();
	if (!s->local || !s->acl || !s->snoop) {
		snprintf(err, CONFIG_ERR_MAX, "out of memory");
		goto fail;
	}
	if (build_conf(&s->conf, c, err) < 0 ||
	    build_local(s->local, c, err) < 0 ||
	    build_acl(s->acl, c, err) < 0 || build_snoop(s->snoop, c, err) < 0)
		goto fail;
	s->max_payload = (uint16_t)c->udp_payload;
	s->tcp_idle = c->tcp_idle;
	s->tcp_max = c->tcp_max;
	s->tcp_per_client = c->tcp_per_client;
	s->udp_coalesce = c->udp_coalesce;
	s->max_pending = (unsigned)c->max_pending;
	cfg_chaos_ident(&s->chaos, c->identity, c->version_text);
	atomic_init(&s->refs, 1);
	*out = s;
	return 0;
fail:
	rsnap_free(s);
	return -1;
}
