/* NOTIFY to the zone's NS names (--notify-ns, as BIND's notify yes):
 * each time a version is notified, the apex NS set of that version is
 * read again and each name's A and AAAA taken from the zones served
 * (the zone's own glue, or another zone of ours): a name is never
 * resolved, so nothing is asked of the system resolver. Left out, as
 * RFC 1996 3.6 and BIND do: the SOA MNAME (the primary itself), and an
 * address this server listens on at port 53, where the NOTIFY would
 * come back to us. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/notify_int.h"
#include "daemon/log.h"
#include "net/sock.h"
#include "wire/rrtype.h"

#define NS_PORT 53
#define NS_TARGETS_MAX 256              /* per zone: addresses of all NS */

static bool is_wild(const struct sockaddr_storage *sa)
{
	static const struct in6_addr any6 = IN6ADDR_ANY_INIT;

	if (sa->ss_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr ==
		       htonl(INADDR_ANY);
	return !memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, &any6,
		       sizeof(any6));
}

static uint16_t port_of(const struct sockaddr_storage *sa)
{
	return ntohs(sa->ss_family == AF_INET ?
		     ((const struct sockaddr_in *)sa)->sin_port :
		     ((const struct sockaddr_in6 *)sa)->sin6_port);
}

static int self_add(struct notify_self *s, const struct sockaddr *sa,
		    size_t len)
{
	struct sockaddr_storage *v;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		v = realloc(s->addr, cap * sizeof(*v));
		if (!v)
			return -1;
		s->addr = v;
		s->cap = cap;
	}
	memset(&s->addr[s->n], 0, sizeof(s->addr[0]));
	memcpy(&s->addr[s->n++], sa, len);
	return 0;
}

/* A wildcard listener of that family: every local address is ours. */
static int self_locals(struct notify_self *s, int family)
{
	struct ifaddrs *ifa, *i;
	int ret = 0;

	if (getifaddrs(&ifa) < 0) {
		log_warn("notify-ns: cannot list the local addresses; only "
			 "the loopback ones count as ours");
		return 0;
	}
	for (i = ifa; i && ret == 0; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == family)
			ret = self_add(s, i->ifa_addr, family == AF_INET ?
				       sizeof(struct sockaddr_in) :
				       sizeof(struct sockaddr_in6));
	freeifaddrs(ifa);
	return ret;
}

int notify_self_build(struct notify_self *s, const struct config *c)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < c->nlisten; i++) {
		const struct cfg_listen *l = &c->listen[i];
		int fam = l->sa.ss_family;

		if (port_of(&l->sa) != NS_PORT)
			continue;
		if (!is_wild(&l->sa)) {
			if (self_add(s, (const struct sockaddr *)&l->sa,
				     l->salen) < 0)
				return -1;
			continue;
		}
		if (fam == AF_INET)
			s->lo4 = true;  /* 127/8 reaches a 0.0.0.0 listener */
		if (self_locals(s, fam) < 0)
			return -1;
	}
	return 0;
}

void notify_self_clear(struct notify_self *s)
{
	free(s->addr);
	memset(s, 0, sizeof(*s));
}

static bool is_self(const struct notify_self *s,
		    const struct sockaddr_storage *a)
{
	if (s->lo4 && a->ss_family == AF_INET &&
	    (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) ==
	    127)
		return true;
	for (size_t i = 0; i < s->n; i++)
		if (net_same_ip(&s->addr[i], a))
			return true;
	return false;
}

static bool listed(const struct notify_tlist *l,
		   const struct sockaddr_storage *a)
{
	for (size_t i = 0; i < l->n; i++)
		if (net_same_ip(&l->t[i].sa, a) && port_of(&l->t[i].sa) == NS_PORT)
			return true;
	return false;
}

int notify_tlist_add(struct notify_tlist *l, const struct notify_target *t)
{
	struct notify_target *v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		v = realloc(l->t, cap * sizeof(*v));
		if (!v)
			return -1;
		l->t = v;
		l->cap = cap;
	}
	l->t[l->n++] = *t;
	return 0;
}

/* One address of an NS name: a target unless ours or already there. */
static void add_addr(struct notify_tlist *l, const struct notify_self *self,
		     const struct notify_zone *nz, const char *ns,
		     uint16_t type, const uint8_t *rd)
{
	struct notify_target t = { .salen = sizeof(struct sockaddr_in) };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&t.sa;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&t.sa;
	char ip[INET6_ADDRSTRLEN], key[NAME_TEXT_MAX] = "";

	if (type == RR_A) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(NS_PORT);
		memcpy(&a4->sin_addr, rd, 4);
	} else {
		t.salen = sizeof(*a6);
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(NS_PORT);
		memcpy(&a6->sin6_addr, rd, 16);
	}
	inet_ntop(t.sa.ss_family, type == RR_A ? (const void *)&a4->sin_addr :
		  (const void *)&a6->sin6_addr, ip, sizeof(ip));
	if (is_self(self, &t.sa)) {
		log_debug("notify-ns: %s (%s) is ours: not notified", ip, ns);
		return;
	}
	if (listed(l, &t.sa) || l->n >= NS_TARGETS_MAX)
		return;
	if (nz->ns_keyed) {
		memcpy(t.key, nz->ns_key, NAME_MAXLEN);
		key[0] = '@';
		name_to_text(key + 1, sizeof(key) - 1, nz->ns_key);
		key[strlen(key) - 1] = '\0';   /* as --notify's: no dot */
	}
	snprintf(t.text, sizeof(t.text), "%s%.24s (%.40s)", ip, key, ns);
	if (notify_tlist_add(l, &t) < 0)
		log_err("notify-ns: out of memory; %s not notified", ip);
}

/* The A and AAAA of name in the zones of s; how many. */
static size_t add_name(struct notify_tlist *l, const struct notify_self *self,
		       const struct notify_zone *nz, const struct served *s,
		       const uint8_t *name, const char *text)
{
	static const uint16_t types[] = { RR_A, RR_AAAA };
	const struct zdb_zone *z = zonedb_find(s->db, name);
	const struct zdb_node *node = z ? zdb_zone_find(z, name) : NULL;
	size_t cnt = 0;

	for (size_t k = 0; node && k < 2; k++) {
		const struct zdb_rrset *rs = zdb_node_rrset(node, types[k]);

		for (size_t i = 0; rs && i < rs->count; i++)
			if (rs->rr[i].len == (types[k] == RR_A ? 4 : 16)) {
				add_addr(l, self, nz, text, types[k],
					 rs->rr[i].data);
				cnt++;
			}
	}
	return cnt;
}

void notify_ns_targets(struct notify_tlist *l, const struct notify_self *self,
		       const struct notify_zone *nz, const struct served *s,
		       const struct zdb_zone *z)
{
	const struct zdb_node *apex = zdb_zone_apex(z);
	const struct zdb_rrset *ns = zdb_node_rrset(apex, RR_NS);
	const struct zdb_rrset *soa = zdb_node_rrset(apex, RR_SOA);
	char text[NAME_TEXT_MAX];

	for (size_t i = 0; ns && i < ns->count; i++) {
		const uint8_t *name = ns->rr[i].data;

		name_to_text(text, sizeof(text), name);
		if (soa && name_equal(name, soa->rr[0].data)) {
			log_debug("notify-ns: %s is the SOA MNAME: not "
				  "notified", text);
			continue;
		}
		if (!add_name(l, self, nz, s, name, text))
			log_debug("notify-ns: %s has no address in the zones "
				  "served: not notified", text);
	}
}
