/* 'banchi-dhcp why HOST-OR-MAC' (store.h): answers "why has this host no
 * name, or this address?" from the lease file alone, so that it works
 * whether the daemon runs or not. */
#include <arpa/inet.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dhcpd/store.h"

static void addr_text(char *buf, uint32_t a)
{
	struct in_addr in = { htonl(a) };

	inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* Who else's lease has the name registered (dns ok), if one does. */
static void holder(sqlite3 *db, const struct dhcp_lease *e, FILE *out)
{
	sqlite3_stmt *st;
	struct dhcp_lease h;
	char a[INET_ADDRSTRLEN], hw[16 * 3 + 1];
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT * FROM lease WHERE hostname = ?1"
			       " AND dns = 'ok' AND addr != ?2", -1, &st,
			       NULL))
		return;
	sqlite3_bind_text(st, 1, e->host, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, e->addr);
	while (sqlite3_step(st) == SQLITE_ROW) {
		store_read_row(st, &h);
		addr_text(a, h.addr);
		store_hw_text(hw, h.hw, h.hwlen);
		fprintf(out, "    the name is held by %s lease %s of %s\n",
			h.is_static ? "the static" : "the", a, hw);
		found = true;
	}
	sqlite3_finalize(st);
	if (!found)
		fprintf(out, "    the name is held by a record made by hand, "
			"another server's client or a static lease not "
			"yet seen\n");
}

static const char *const dns_why[] = {
	[DNS_NONE] = "no name in DNS",
	[DNS_ADD] = "name queued (DNS server not reached yet: see the log)",
	[DNS_OK] = "name registered (A, DHCID, PTR)",
	[DNS_REFUSED] = "name refused: it is not this lease's (RFC 4703)",
	[DNS_DEL] = "name queued for removal",
};

static void explain(sqlite3 *db, const struct dhcp_lease *e, FILE *out)
{
	char a[INET_ADDRSTRLEN], hw[16 * 3 + 1], when[32];
	time_t t = (time_t)e->expires;
	struct tm tm;

	addr_text(a, e->addr);
	store_hw_text(hw, e->hw, e->hwlen);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "%s (host %s): %s%s lease %s, %s %s\n", hw[0] ? hw : "-",
		e->host[0] ? e->host : "-", e->is_static ? "static " : "",
		dhcp_lstate_name(e->state), a,
		e->state == DL_BOUND ? "until" : "since", when);
	if (!e->host[0])
		fprintf(out, "    no name: the client sent no host name "
			"(option 12 or 81)\n");
	else
		fprintf(out, "    %s\n", dns_why[e->dns <= DNS_DEL ? e->dns :
						   DNS_NONE]);
	if (e->dns == DNS_REFUSED)
		holder(db, e, out);
}

int store_why(const char *path, const char *who, FILE *out)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	struct dhcp_lease e;
	int n = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ||
	    sqlite3_prepare_v2(db, "SELECT * FROM lease WHERE hostname = "
			       "lower(?1) OR hwaddr = lower(?1) ORDER BY "
			       "updated DESC", -1, &st, NULL)) {
		fprintf(stderr, "banchi-dhcp: %s: %s\n", path,
			sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	sqlite3_busy_timeout(db, 2000);
	sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		store_read_row(st, &e);
		explain(db, &e, out);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (!n)
		fprintf(out, "no lease of %s in %s: the client never got one "
			"(see the log for NAKs and refusals)\n", who, path);
	return n ? 0 : 1;
}
