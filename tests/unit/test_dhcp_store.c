/* banchi-dhcp's lease store and its readers (src/dhcpd/store.c, why.c):
 * a lease's last UPDATE outcome written and read back, not loaded for
 * another DNS server, a version 2 file upgraded in place, and the
 * sentence 'why' makes of each outcome. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcp/ddns.h"
#include "dhcpd/store.h"
#include "wire/msg.h"
#include "check.h"

#define NET 0x0a4d0000u         /* 10.77.0.0/24 */
#define T0 1796619803           /* 2026-12-07T05:03:23Z */

static char dir[] = "/tmp/banchi-test-store-XXXXXX";
static char path[sizeof(dir) + 24];
static struct dhcp_conf conf;

static void pool_init(struct dhcp_pool *p)
{
	memset(&conf, 0, sizeof(conf));
	conf.net = NET;
	conf.mask = 0xffffff00;
	conf.first = NET | 50;
	conf.last = NET | 59;
	CHECK(dhcp_pool_init(p, &conf) == 0);
}

/* A bound lease of host "alpha" at .50 whose names were registered. */
static void put_lease(struct store *s)
{
	struct dhcp_pool p;
	struct dhcp_lease *e;

	pool_init(&p);
	e = dhcp_pool_find(&p, NET | 50);
	e->state = DL_BOUND;
	e->expires = T0 + 600;
	e->cid[0] = 1;
	e->cidlen = 7;
	strcpy(e->host, "alpha");
	e->dns = DNS_OK;
	e->last = (struct dhcp_dns_last){ T0, RCODE_NOERROR, DNSR_ADDED,
					  DDNS_PTR_SET, 0 };
	CHECK(store_put_rows(s, e, 1) == 0);
	dhcp_pool_clear(&p);
}

/* .50's last outcome as loaded by a daemon of that server. */
static struct dhcp_dns_last load_last(const char *server)
{
	struct dhcp_pool p;
	struct dhcp_dns_last l;
	struct store *s = store_open(path);
	size_t loaded, skipped;

	CHECK(s != NULL);
	if (!s)
		return (struct dhcp_dns_last){ 0 };
	store_set_server(s, server);
	pool_init(&p);
	CHECK(store_load(s, &p, &loaded, &skipped) == 0 && loaded == 1);
	l = dhcp_pool_find(&p, NET | 50)->last;
	dhcp_pool_clear(&p);
	store_close(s);
	return l;
}

static void test_round_trip(void)
{
	struct store *s = store_open(path);
	struct dhcp_dns_last l;

	CHECK(s != NULL);
	if (!s)
		return;
	store_set_server(s, "127.0.0.1:53");
	put_lease(s);
	store_close(s);
	l = load_last("127.0.0.1:53");
	CHECK(l.at == T0 && l.rcode == 0 && l.res == DNSR_ADDED &&
	      l.step == DDNS_PTR_SET && l.retry == 0);
	/* another server's answer says nothing of this one's */
	l = load_last("192.0.2.1:53");
	CHECK(l.at == 0 && l.res == DNSR_NONE);
	unlink(path);
}

static void test_upgrade(void)
{
	sqlite3 *db;
	struct dhcp_dns_last l;
	sqlite3_stmt *st;
	int v = 0;

	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE TABLE lease (addr INTEGER PRIMARY "
			   "KEY, state TEXT NOT NULL, expires INTEGER NOT "
			   "NULL, hwaddr TEXT NOT NULL, client_id BLOB NOT "
			   "NULL, hostname TEXT NOT NULL, is_static INTEGER "
			   "NOT NULL, updated INTEGER NOT NULL, cid_opt "
			   "INTEGER NOT NULL DEFAULT 0, dns TEXT NOT NULL "
			   "DEFAULT '');"
			   "INSERT INTO lease VALUES (172818482, 'bound', "
			   "1796620403, '02:00:00:00:00:01', x'01', 'alpha', "
			   "0, 0, 0, 'ok');"
			   "PRAGMA user_version=2;", NULL, NULL, NULL) ==
	      SQLITE_OK);
	sqlite3_close(db);
	l = load_last("127.0.0.1:53");
	CHECK(l.at == 0 && l.res == DNSR_NONE);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	      SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	CHECK(v == 3);
	unlink(path);
}

/* The sentence of an outcome at T0 + 2 (retry: seconds after T0). */
static const char *text(int res, int rcode, int step, unsigned retry)
{
	static char buf[512];
	struct dhcp_lease e = { .last = { T0, (int16_t)rcode, (uint8_t)res,
					  (uint8_t)step,
					  (uint16_t)retry } };

	store_last_text(buf, sizeof(buf), &e, "127.0.0.1:53", T0 + 2);
	return buf;
}

#define AT "NOERROR from 127.0.0.1:53 at 2026-12-07T05:03:23Z "

static void test_texts(void)
{
	struct dhcp_lease none = { 0 };
	char buf[64] = "x";

	store_last_text(buf, sizeof(buf), &none, "127.0.0.1:53", T0);
	CHECK(buf[0] == 0);
	CHECK(!strcmp(text(DNSR_ADDED, 0, DDNS_PTR_SET, 0),
		      AT "(registered A, DHCID, PTR)"));
	CHECK(!strcmp(text(DNSR_ADDED, 0, DDNS_A_NEW, 0),
		      AT "(registered A, DHCID; no reverse zone for a PTR)"));
	CHECK(!strcmp(text(DNSR_REMOVED, 0, DDNS_PTR_DEL, 0),
		      AT "(removed A, DHCID, PTR)"));
	CHECK(strstr(text(DNSR_KEPT, RCODE_YXRRSET, DDNS_PTR_DEL, 0),
		     "YXRRSET from 127.0.0.1:53") &&
	      strstr(text(DNSR_KEPT, RCODE_YXRRSET, DDNS_PTR_DEL, 0),
		     "the DHCID stays"));
	CHECK(strstr(text(DNSR_LEFT, RCODE_NXRRSET, DDNS_PTR_DEL, 0),
		     "NXRRSET from") &&
	      strstr(text(DNSR_LEFT, RCODE_NXRRSET, DDNS_PTR_DEL, 0),
		     "left alone; PTR removed"));
	CHECK(!strncmp(text(DNSR_REFUSED, RCODE_NXRRSET, DDNS_A_OURS, 0),
		       "YXDOMAIN, then NXRRSET from 127.0.0.1:53", 40));
	CHECK(!strcmp(text(DNSR_FAILED, DNSR_TIMEOUT, DDNS_A_NEW, 8),
		      "no answer from 127.0.0.1:53 at 2026-12-07T05:03:23Z "
		      "(add A (new name): timeout: the server is down, or a "
		      "firewall drops it), retrying in 6 s"));
	CHECK(strstr(text(DNSR_FAILED, RCODE_NOTAUTH, DDNS_PTR_SET, 1),
		     "NOTAUTH from 127.0.0.1:53") &&
	      strstr(text(DNSR_FAILED, RCODE_NOTAUTH, DDNS_PTR_SET, 1),
		     "(set PTR: not authoritative for the zone, or the TSIG "
		     "key refused?), retry due at 2026-12-07T05:03:24Z"));
	CHECK(!strncmp(text(DNSR_FAILED, RCODE_BADKEY, DDNS_A_NEW, 4),
		       "NOTAUTH (BADKEY) from", 21));
	CHECK(strstr(text(DNSR_FAILED, RCODE_REFUSED, DDNS_A_NEW, 4),
		     "REFUSED from") != NULL);
	CHECK(strstr(text(DNSR_FAILED, DNSR_UNREACH, DDNS_A_DEL, 4),
		     "(delete A: port unreachable") != NULL);
	CHECK(!strcmp(store_rcode_text(RCODE_SERVFAIL), "SERVFAIL"));
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/leases.db", dir);
	test_round_trip();
	test_upgrade();
	test_texts();
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	strcpy(path + strlen(path) - 3, "shm");
	unlink(path);
	CHECK(rmdir(dir) == 0);
	return check_done();
}
