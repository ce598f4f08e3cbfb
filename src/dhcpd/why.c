/* 'banchi-dhcp why HOST-OR-MAC' (store.h): answers "why has this host no
 * name, or this address?" from the lease file alone, so that it works
 * whether the daemon runs or not; and says what the DNS server last
 * answered to a lease's UPDATEs (store_last_text, also for the control
 * channel). */
#include <arpa/inet.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dhcp/ddns.h"
#include "dhcpd/store.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

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

static void time_text(char *buf, size_t cap, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The answer's name: an rcode, a TSIG error (the server refused our
 * key), or what came instead of an answer. */
const char *store_rcode_text(int rcode)
{
	switch (rcode) {
	case DNSR_TIMEOUT:
	case DNSR_UNREACH:
		return "no answer";
	case DNSR_BADANSWER:
		return "an answer failing our TSIG check";
	case DNSR_NOSEND:
		return "nothing sent";
	case RCODE_BADSIG:
		return "NOTAUTH (BADSIG)";
	case RCODE_BADKEY:
		return "NOTAUTH (BADKEY)";
	case RCODE_BADTIME:
		return "NOTAUTH (BADTIME)";
	}
	return rcode_name((uint16_t)rcode);
}

/* Why a try failed, as far as the answer tells. */
static const char *fail_hint(int rcode)
{
	switch (rcode) {
	case DNSR_TIMEOUT:
		return "timeout: the server is down, or a firewall drops it";
	case DNSR_UNREACH:
		return "port unreachable: no DNS server listens there";
	case DNSR_BADANSWER:
		return "a forged answer, or the server's key is another";
	case DNSR_NOSEND:
		return "the UPDATE could not be sent: see the log";
	case RCODE_NOTAUTH:
		return "not authoritative for the zone, or the TSIG key "
		       "refused?";
	case RCODE_BADKEY:
		return "the server does not know the TSIG key (--key)";
	case RCODE_BADSIG:
		return "the server's secret for the TSIG key is not ours";
	case RCODE_BADTIME:
		return "the clocks differ by more than the fudge (300 s)";
	case RCODE_REFUSED:
		return "updates refused: not allowed for this key or zone?";
	case RCODE_NOTZONE:
		return "the name is not in the zone (--forward-zone, "
		       "--reverse-zone?)";
	case RCODE_SERVFAIL:
		return "the server failed: see its log";
	}
	return "the server does not take this UPDATE";
}

/* What a finished piece of work did (ptr: its PTR was handled). */
static const char *done_text(const struct dhcp_dns_last *l)
{
	bool ptr = l->step == DDNS_PTR_SET || l->step == DDNS_PTR_DEL;

	switch (l->res) {
	case DNSR_ADDED:
		return ptr ? "registered A, DHCID, PTR" :
		       "registered A, DHCID; no reverse zone for a PTR";
	case DNSR_REMOVED:
		return ptr ? "removed A, DHCID, PTR" : "removed A, DHCID";
	case DNSR_KEPT:
		return ptr ? "removed A, PTR; the DHCID stays: the name has "
		       "another address" : "removed A; the DHCID stays: "
		       "the name has another address";
	case DNSR_LEFT:
		return ptr ? "the name is not this lease's (no DHCID of it): "
		       "left alone; PTR removed" : "the name is not this "
		       "lease's (no DHCID of it): left alone";
	case DNSR_REFUSED:
		return "the name exists and is held by another client's "
		       "DHCID, or was made by hand";
	}
	return "?";
}

void store_last_text(char *buf, size_t cap, const struct dhcp_lease *e,
		     const char *server, int64_t now)
{
	const struct dhcp_dns_last *l = &e->last;
	char at[32], when[32], due[48];
	int64_t left = l->at + l->retry - now;

	buf[0] = 0;
	if (!l->at)
		return;
	time_text(at, sizeof(at), l->at);
	if (l->res != DNSR_FAILED) {
		snprintf(buf, cap, "%s%s from %s at %s (%s)",
			 l->res == DNSR_REFUSED ? "YXDOMAIN, then " : "",
			 store_rcode_text(l->rcode), server, at, done_text(l));
		return;
	}
	/* a retry in the past: the daemon is not running, or its newer
	 * outcome is not written yet */
	time_text(when, sizeof(when), l->at + l->retry);
	if (left > 0)
		snprintf(due, sizeof(due), "retrying in %lld s",
			 (long long)left);
	else
		snprintf(due, sizeof(due), "retry due at %s", when);
	snprintf(buf, cap, "%s from %s at %s (%s: %s), %s",
		 store_rcode_text(l->rcode), server, at, ddns_step_name(l->step),
		 fail_hint(l->rcode), due);
}

static const char *const dns_why[] = {
	[DNS_NONE] = "no name in DNS",
	[DNS_ADD] = "name queued (not registered yet)",
	[DNS_OK] = "name registered (A, DHCID, PTR)",
	[DNS_REFUSED] = "name refused: it is not this lease's (RFC 4703)",
	[DNS_DEL] = "name queued for removal",
};

/* The last UPDATE's answer, for a lease with a name. */
static void last_update(const struct dhcp_lease *e, const char *server,
			FILE *out)
{
	char text[512];

	store_last_text(text, sizeof(text), e, server, (int64_t)time(NULL));
	if (text[0])
		fprintf(out, "    last DNS update: %s\n", text);
	else if (e->dns != DNS_NONE)
		fprintf(out, "    last DNS update: none yet\n");
}

static void explain(sqlite3 *db, const struct dhcp_lease *e,
		    const char *server, FILE *out)
{
	char a[INET_ADDRSTRLEN], hw[16 * 3 + 1], when[32];
	bool ahead = e->state == DL_BOUND || e->state == DL_DECLINED;

	addr_text(a, e->addr);
	store_hw_text(hw, e->hw, e->hwlen);
	time_text(when, sizeof(when), e->expires);
	fprintf(out, "%s (host %s): %s%s lease %s, %s %s\n", hw[0] ? hw : "-",
		e->host[0] ? e->host : "-", e->is_static ? "static " : "",
		dhcp_lstate_name(e->state), a, ahead ? "until" : "since",
		when);
	if (!e->host[0]) {
		fprintf(out, "    no name: the client sent no host name "
			"(option 12 or 81)\n");
		return;
	}
	fprintf(out, "    %s\n", dns_why[e->dns <= DNS_DEL ? e->dns :
					   DNS_NONE]);
	if (e->dns == DNS_REFUSED)
		holder(db, e, out);
	last_update(e, server, out);
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
		explain(db, &e, store_row_server(st), out);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (!n)
		fprintf(out, "no lease of %s in %s: the client never got one "
			"(see the log for NAKs and refusals)\n", who, path);
	return n ? 0 : 1;
}
