/* dump-cache [NAME] (banchi-ctl): the cache's entries at and under NAME,
 * or all, as zone-file lines with what the cache knows of each (rank,
 * DNSSEC status, stale), read as the workers read it (cache_walk). A
 * reply holds at most about a megabyte: past that the dump says it was
 * cut. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "resolve/cache.h"
#include "resolverd/control.h"
#include "resolverd/daemon.h"
#include "resolverd/server_int.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

#define DUMP_MAX (CTL_REPLY_MAX - 80 * 1024)

struct dump {
	struct ctl_reply *r;
	size_t lines;
	bool cut;
	char owner[NAME_TEXT_MAX], rd[4 * 65536];
	char line[NAME_TEXT_MAX + 4 * 65536 + 128];
};

static const char *const ranks[] = { "none", "additional", "glue",
				     "authority", "answer-nonauth", "answer",
				     "local" };
static const char *const secs[] = { "unchecked", "secure", "insecure",
				    "bogus" };

/* The line's end: rank, DNSSEC status when checked, stale. */
static void tail(struct dump *d, const struct cache_item *it)
{
	size_t n = strlen(d->line);

	snprintf(d->line + n, sizeof(d->line) - n, " ; %s%s%s%s",
		 it->rank < 7 ? ranks[it->rank] : "?", it->sec ? " " : "",
		 it->sec ? (it->sec < 4 ? secs[it->sec] : "?") : "",
		 it->stale ? " stale" : "");
	ctl_put_str(d->r, NULL, d->line);
	d->lines++;
}

static void put(struct dump *d, const struct cache_item *it,
		const char *rdata)
{
	char tb[16];

	snprintf(d->line, sizeof(d->line), "%s %u IN %s %s", d->owner,
		 it->ttl_left, rrtype_to_text(it->type, tb), rdata);
	tail(d, it);
}

/* A negative entry as a comment: NXDOMAIN holds for every type. */
static void put_negative(struct dump *d, const struct cache_item *it)
{
	char zone[NAME_TEXT_MAX] = "?", tb[16];

	if (it->soa_owner)
		name_to_text(zone, sizeof(zone), it->soa_owner);
	if (it->kind == RRSET_NXDOMAIN)
		snprintf(d->line, sizeof(d->line), "; %s %u NXDOMAIN (SOA of "
			 "%s)", d->owner, it->ttl_left, zone);
	else
		snprintf(d->line, sizeof(d->line), "; %s %u %s NODATA (SOA of "
			 "%s)", d->owner, it->ttl_left,
			 rrtype_to_text(it->type, tb), zone);
	tail(d, it);
}

static int one(void *ctx, const struct cache_item *it)
{
	struct dump *d = ctx;
	const uint8_t *p = it->rdata, *end = it->rdata + it->rdata_len;

	if (d->r->len > DUMP_MAX) {
		d->cut = true;
		return 1;
	}
	name_to_text(d->owner, sizeof(d->owner), it->owner);
	if (it->kind != RRSET_POSITIVE) {
		put_negative(d, it);
		return 0;
	}
	for (uint16_t i = 0; i < it->count && end - p >= 2; i++) {
		uint16_t len = (uint16_t)(p[0] << 8 | p[1]);
		if (len > end - p - 2 ||
		    rdata_to_text(it->type, p + 2, len, d->rd,
				  sizeof(d->rd)) < 0)
			snprintf(d->rd, sizeof(d->rd), "(unreadable)");
		put(d, it, d->rd);
		p += 2 + len;
	}
	return 0;
}

void rcontrol_dump_cache(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;
	uint8_t name[NAME_MAXLEN];
	struct dump *d;
	size_t n;

	if (value && (!*value || name_from_text(name, value, strlen(value),
						(const uint8_t *)"") < 0)) {
		ctl_fail(r, "'%.300s' is not a domain name", value);
		return;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		ctl_fail(r, "out of memory");
		return;
	}
	if (value)
		name_to_lower(name);
	d->r = r;
	ctl_open_arr(r, "records");
	n = cache_walk(x->srv.cache, value ? name : NULL, rnow_ms(), one, d);
	ctl_close(r);
	ctl_put_u64(r, "entries", n);
	ctl_put_u64(r, "lines", d->lines);
	ctl_put_bool(r, "truncated", d->cut);
	free(d);
}
