/* zone-status (banchi-ctl): one zone as served (serial, records, where
 * from, when it last changed), its journal, for a secondary zone what
 * its refresher knows, and each secondary of ours with the serial it
 * has and how far behind it is. Main thread. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "authd/control_int.h"
#include "authd/daemon.h"
#include "authd/tsig_note.h"
#include "authd/updater_int.h"
#include "authd/zone_dir.h"

static const char *source(const struct control_what *w)
{
	if (w->catalog)
		return "catalog (made here)";
	if (w->db)
		return "database";
	if (w->kind == LOADER_SECONDARY)
		return "secondary";
	if (w->kind == LOADER_MEMBER)
		return "secondary (catalog member)";
	return "file";
}

static time_t mtime(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mtime : 0;
}

/* The journal of a zone that takes updates; when it last changed. */
static time_t put_journal(struct daemon *x, const struct control_what *w,
			  struct ctl_reply *r)
{
	struct upd_zone *uz = updater_zone(&x->upd, w->origin);
	char path[4200];

	if (!uz || !uz->j || !x->upd.dir)
		return 0;
	zone_dir_path(path, sizeof(path), x->upd.dir, w->origin, "jnl");
	ctl_open_obj(r, "journal");
	ctl_put_str(r, "file", path);
	ctl_put_u64(r, "bytes", journal_bytes(uz->j));
	ctl_put_u64(r, "changes", journal_count(uz->j));
	if (journal_count(uz->j)) {
		ctl_put_u64(r, "first_serial", journal_first(uz->j));
		ctl_put_u64(r, "last_serial", journal_last(uz->j));
	}
	ctl_close(r);
	return journal_count(uz->j) ? mtime(path) : 0;
}

/* A secondary zone: its primaries and refreshes; its stored copy. */
static time_t put_upstream(struct daemon *x, const struct control_what *w,
			   struct ctl_reply *r)
{
	struct sec_info *i = malloc(sizeof(*i));
	time_t t = 0;

	if (!i || !secondary_info(&x->sec, w->origin, i)) {
		free(i);
		return 0;
	}
	ctl_open_obj(r, "upstream");
	ctl_open_arr(r, "primaries");
	for (size_t k = 0; k < i->nprimary; k++)
		ctl_put_str(r, NULL, i->primary[k]);
	ctl_close(r);
	if (i->member)
		ctl_put_str(r, "member_of", i->member_of);
	ctl_put_bool(r, "catalog", i->catalog);
	ctl_put_time(r, "last_refresh", i->last_ok);
	ctl_put_time(r, "next_refresh", i->next_try);
	ctl_put_u64(r, "failures", i->fails);
	if (i->last_err[0])
		ctl_put_str(r, "last_error", i->last_err);
	ctl_put_str(r, "stored", i->path);
	ctl_close(r);
	ctl_open_obj(r, "journal");
	ctl_put_str(r, "file", i->jpath);
	ctl_put_u64(r, "bytes", i->jbytes);
	ctl_put_u64(r, "changes", i->jcount);
	ctl_close(r);
	t = i->stored_at;
	free(i);
	return t;
}

/* One secondary of ours (a transfer out noted in the health table). */
static void put_peer(struct daemon *x, const struct control_what *w,
		     const struct xfr_peer *p, uint64_t now,
		     struct ctl_reply *r)
{
	char addr[INET6_ADDRSTRLEN + 8];
	uint64_t hash;
	long n;

	tsig_note_addr(&p->addr, addr, sizeof(addr), &hash);
	ctl_open_obj(r, NULL);
	ctl_put_str(r, "address", addr);
	ctl_put_u64(r, "serial", p->serial);
	if (!w->served) {
		ctl_put_str(r, "lag", "zone not served");
	} else if (p->serial == w->serial) {
		ctl_put_str(r, "lag", "in sync");
	} else if (serial_after(p->serial, w->serial)) {
		ctl_put_str(r, "lag", "ahead of us");
	} else if ((n = xfr_health_changes_since(&x->upd, w->origin,
						 p->serial)) >= 0) {
		ctl_put_str(r, "lag", "changes behind");
		ctl_put_i64(r, "changes_behind", n);
	} else {
		ctl_put_str(r, "lag", "serials behind");
		ctl_put_u64(r, "serials_behind", w->serial - p->serial);
	}
	ctl_put_str(r, "last", p->how);
	ctl_put_u64(r, "last_seconds_ago", (now - p->when) / 1000);
	ctl_put_u64(r, "transfers", p->nxfr);
	ctl_close(r);
}

/* The secondaries' entries copied out of the table (its lock is the
 * workers' too: held only to copy). */
static void put_downstream(struct daemon *x, const struct control_what *w,
			   struct ctl_reply *r)
{
	struct xfr_health *h = &x->health;
	struct xfr_peer *v = NULL;
	size_t n = 0;
	uint64_t now = xfr_health_now();

	pthread_mutex_lock(&h->mu);
	if (h->n)
		v = malloc(h->n * sizeof(*v));
	for (size_t i = 0; v && i < h->n; i++)
		if (name_equal(h->p[i].origin, w->origin))
			v[n++] = h->p[i];
	pthread_mutex_unlock(&h->mu);
	ctl_open_arr(r, "downstream");
	for (size_t i = 0; i < n; i++)
		put_peer(x, w, &v[i], now, r);
	ctl_close(r);
	free(v);
}

void control_zone_status(void *arg, const char *value, struct ctl_reply *r)
{
	struct daemon *x = arg;
	uint8_t origin[NAME_MAXLEN];
	char name[NAME_TEXT_MAX];
	struct control_what w;
	time_t last, t;

	if (control_zone_arg(value, origin, name, r) < 0)
		return;
	ctl_put_str(r, "zone", name);
	control_what(x, origin, &w);
	if (w.kind == LOADER_NONE && !w.catalog && !w.served) {
		ctl_fail(r, "zone %s is not served here", name);
		return;
	}
	ctl_put_bool(r, "served", w.served);
	if (w.served)
		ctl_put_u64(r, "serial", w.serial);
	else
		ctl_put_null(r, "serial");
	ctl_put_u64(r, "records", w.records);
	ctl_put_str(r, "source", source(&w));
	last = w.file_time;
	if (w.kind == LOADER_FILE) {
		ctl_put_str(r, "file", w.path);
		ctl_put_time(r, "file_time", w.file_time);
	}
	ctl_put_bool(r, "takes_updates", w.dynamic);
	t = w.dynamic ? put_journal(x, &w, r) : put_upstream(x, &w, r);
	ctl_put_time(r, "last_change", t > last ? t : last);
	put_downstream(x, &w, r);
	control_what_clear(&w);
}
