/* Negative trust anchors at run time (RFC 7646; banchi-ctl nta-add,
 * nta-remove, nta-list): zones whose data is not validated for a while,
 * because their signatures are broken and the operator knows it. Each
 * change builds the settings snapshot again from the config in memory
 * (the config file is not parsed again; the files it names are read as
 * at a reload), with the anchors as insecure zones, and drops
 * the zone's cached answers so that bogus ones go at once. They expire
 * on their own (rnta_expire, called from the main thread's loop), and
 * survive a reload, not a restart. Main thread only. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/ctl.h"
#include "daemon/log.h"
#include "resolve/cache.h"
#include "resolverd/control.h"
#include "resolverd/daemon.h"

#define NTA_DEFAULT_S 3600      /* BIND's rndc nta default */
#define NTA_MAX_S 604800        /* a week, as BIND's nta-lifetime cap */

/* The snapshot again with x->nta; 0 or -1 (logged, old one kept). */
static int republish(struct rdaemon *x)
{
	char err[CONFIG_ERR_MAX];
	struct rsnap *s;

	x->cfg.nta = x->nta;
	x->cfg.nnta = x->nnta;
	if (rsnap_build(&x->cfg, &s, err) < 0) {
		log_err("negative trust anchors: %s; old settings kept", err);
		return -1;
	}
	rserver_publish(&x->srv, s);
	return 0;
}

static ssize_t find(const struct rdaemon *x, const uint8_t *zone)
{
	for (size_t i = 0; i < x->nnta; i++)
		if (name_equal(x->nta[i].zone, zone))
			return (ssize_t)i;
	return -1;
}

/* "ZONE [SECONDS]" */
static int parse(const char *value, uint8_t *zone, long *secs,
		 struct ctl_reply *r)
{
	char buf[1100], *end, *sp;

	snprintf(buf, sizeof(buf), "%s", value ? value : "");
	sp = strchr(buf, ' ');
	*secs = NTA_DEFAULT_S;
	if (sp) {
		*sp++ = '\0';
		*secs = strtol(sp, &end, 10);
		if (*end || end == sp || *secs < 1 || *secs > NTA_MAX_S) {
			ctl_fail(r, "'%.50s' is not a lifetime in seconds "
				 "(1-%d)", sp, NTA_MAX_S);
			return -1;
		}
	}
	if (!*buf || name_from_text(zone, buf, strlen(buf),
				    (const uint8_t *)"") < 0) {
		ctl_fail(r, "'%.300s' is not a zone name", buf);
		return -1;
	}
	name_to_lower(zone);
	return 0;
}

/* zone and until: members of the reply, or an object of a list. */
static void put_one(struct ctl_reply *r, const struct rnta *n, bool item)
{
	char text[NAME_TEXT_MAX];

	name_to_text(text, sizeof(text), n->zone);
	if (item)
		ctl_open_obj(r, NULL);
	ctl_put_str(r, "zone", text);
	ctl_put_time(r, "until", n->until);
	if (item)
		ctl_close(r);
}

void rcontrol_nta_add(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;
	uint8_t zone[NAME_MAXLEN];
	char text[NAME_TEXT_MAX];
	struct rnta *v;
	ssize_t i;
	long secs;

	if (parse(value, zone, &secs, r) < 0)
		return;
	i = find(x, zone);
	if (i < 0) {
		v = realloc(x->nta, (x->nnta + 1) * sizeof(*v));
		if (!v) {
			ctl_fail(r, "out of memory");
			return;
		}
		x->nta = v;
		i = (ssize_t)x->nnta++;
		memcpy(x->nta[i].zone, zone, (size_t)name_length(zone));
	}
	x->nta[i].until = time(NULL) + secs;
	if (republish(x) < 0) {
		ctl_fail(r, "the settings could not be built again (logged)");
		return;
	}
	cache_flush_name(x->srv.cache, zone);
	put_one(r, &x->nta[i], false);
	name_to_text(text, sizeof(text), zone);
	log_info("negative trust anchor %s for %ld s: its data is not "
		 "validated", text, secs);
}

/* Drops entry i; the settings again, the zone's answers out. */
static int drop(struct rdaemon *x, size_t i)
{
	uint8_t zone[NAME_MAXLEN];

	memcpy(zone, x->nta[i].zone, NAME_MAXLEN);
	x->nta[i] = x->nta[--x->nnta];
	if (republish(x) < 0)
		return -1;
	cache_flush_name(x->srv.cache, zone);
	return 0;
}

void rcontrol_nta_remove(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;
	uint8_t zone[NAME_MAXLEN];
	char text[NAME_TEXT_MAX];
	ssize_t i;
	long secs;

	if (parse(value, zone, &secs, r) < 0)
		return;
	name_to_text(text, sizeof(text), zone);
	i = find(x, zone);
	if (i < 0) {
		ctl_fail(r, "%s has no negative trust anchor", text);
		return;
	}
	if (drop(x, (size_t)i) < 0)
		ctl_fail(r, "the settings could not be built again (logged)");
	ctl_put_str(r, "removed", text);
	log_info("negative trust anchor %s removed: validated again", text);
}

void rcontrol_nta_list(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;

	(void)value;
	ctl_open_arr(r, "anchors");
	for (size_t i = 0; i < x->nnta; i++)
		put_one(r, &x->nta[i], true);
	ctl_close(r);
}

void rnta_expire(struct rdaemon *x)
{
	char text[NAME_TEXT_MAX];
	time_t now = time(NULL);

	for (size_t i = 0; i < x->nnta;) {
		if (x->nta[i].until > now) {
			i++;
			continue;
		}
		name_to_text(text, sizeof(text), x->nta[i].zone);
		log_info("negative trust anchor %s expired: validated again",
			 text);
		drop(x, i);
	}
}
