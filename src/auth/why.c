/* banchi-ctl why for banchi-auth (why.h): the decisions the engine noted
 * while answering, told as sentences, then the reply's sections. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

static void copy_name(uint8_t *dst, const uint8_t *src)
{
	int len = src ? name_length(src) : 0;

	if (len > 0)
		memcpy(dst, src, (size_t)len);
	else
		dst[0] = 0;
}

void auth_why_note(struct auth_why *w, enum auth_why_kind k,
		   const struct zdb_zone *z, const uint8_t *node,
		   const uint8_t *name, uint16_t type,
		   const struct zdb_rrset *set)
{
	struct auth_why_step *s;

	if (w->n >= AUTH_WHY_MAX) {
		w->full = true;
		return;
	}
	s = &w->step[w->n++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	copy_name(s->zone, z ? zdb_zone_origin(z) : NULL);
	s->serial = z ? zdb_zone_serial(z) : 0;
	copy_name(s->node, node);
	copy_name(s->name, name);
	s->type = type;
	s->count = set ? set->count : 0;
	s->ttl = set ? set->ttl : 0;
}

/* One sentence, formatted, to the caller. */
struct teller {
	auth_why_line_fn *line;
	void *ctx;
	char buf[4 * NAME_TEXT_MAX];
};

static void say(struct teller *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct teller *t, const char *fmt, ...)
{
	va_list ap;

	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf, sizeof(t->buf), fmt, ap);
	va_end(ap);
	/* a sentence that ends with a name ends with its dot */
	if (n >= 2 && (size_t)n < sizeof(t->buf) && t->buf[n - 1] == '.' &&
	    t->buf[n - 2] == '.' && (n < 3 || t->buf[n - 3] != '\\'))
		t->buf[n - 1] = '\0';
	t->line(t->ctx, t->buf);
}

/* The names and type of a step as text. */
struct words {
	char zone[NAME_TEXT_MAX], node[NAME_TEXT_MAX], name[NAME_TEXT_MAX];
	char tb[16];
	const char *type;
};

static void words_of(struct words *w, const struct auth_why_step *s)
{
	name_to_text(w->zone, sizeof(w->zone), s->zone);
	name_to_text(w->node, sizeof(w->node), s->node);
	name_to_text(w->name, sizeof(w->name), s->name);
	w->type = rrtype_to_text(s->type, w->tb);
}

static void tell_zone(struct teller *t, const struct auth_why_step *s,
		      const struct words *w)
{
	switch (s->kind) {
	case WHY_NO_ZONE:
		say(t, "No zone served here holds %s: REFUSED (banchi-auth "
		    "answers only for its own zones, as NSD and Knot do).",
		    w->name);
		break;
	case WHY_ZONE_DEAD:
		say(t, "%s is under a zone configured here that cannot be "
		    "served now (a secondary not transferred yet, or "
		    "expired): SERVFAIL (RFC 1034 4.3.5).", w->name);
		break;
	case WHY_ZONE_DS:
		say(t, "DS records belong to the parent side of a "
		    "delegation: zone %s (serial %u) answers, not the child "
		    "zone %s that is served here too.", w->zone, s->serial,
		    w->name);
		break;
	default:
		say(t, "Zone %s (serial %u) is the deepest zone served here "
		    "that holds %s.", w->zone, s->serial, w->name);
	}
}

static void tell_place(struct teller *t, const struct auth_why_step *s,
		       const struct words *w)
{
	switch (s->kind) {
	case WHY_REFERRAL:
		say(t, "%s is a delegation (a zone cut): the name is at or "
		    "below it, so the answer is a referral: its NS set (%u "
		    "record%s) in authority, without AA; the child zone's "
		    "servers have the answer.", w->node, s->count,
		    s->count == 1 ? "" : "s");
		break;
	case WHY_EXACT:
		say(t, "%s exists in the zone.", w->name);
		break;
	case WHY_WILDCARD:
		say(t, "%s does not exist in the zone, but the wildcard %s "
		    "covers it (RFC 4592): its records answer, with %s as "
		    "their owner.", w->name, w->node, w->name);
		break;
	case WHY_NXDOMAIN:
		say(t, "%s does not exist in the zone: its closest existing "
		    "ancestor is %s, which has no wildcard child: NXDOMAIN, "
		    "with the zone's SOA in authority (RFC 2308).", w->name,
		    w->node);
		break;
	case WHY_ENT:
		say(t, "%s is an empty non-terminal (names exist below it, "
		    "no records at it): NOERROR without records (NODATA), "
		    "with the zone's SOA in authority.", w->node);
		break;
	case WHY_NODATA:
		say(t, "%s has no %s records: NOERROR without records "
		    "(NODATA), with the zone's SOA in authority (RFC 2308).",
		    w->node, w->type);
		break;
	default:
		break;
	}
}

static void tell_data(struct teller *t, const struct auth_why_step *s,
		      const struct words *w)
{
	switch (s->kind) {
	case WHY_ANSWER:
		say(t, "%s has %s: %u record%s, TTL %u: the answer (AA set).",
		    w->node, w->type, s->count, s->count == 1 ? "" : "s",
		    s->ttl);
		break;
	case WHY_ANY:
		say(t, "ANY is answered with one RRset (RFC 8482): %s, the "
		    "first type at %s.", w->type, w->node);
		break;
	case WHY_CNAME:
		say(t, "%s is an alias: CNAME to %s (TTL %u), which is "
		    "answered next (RFC 1034 4.3.2).", w->node, w->name,
		    s->ttl);
		break;
	case WHY_DNAME:
		say(t, "%s has a DNAME (RFC 6672): the name is below it, so a "
		    "CNAME to %s is made (TTL %u) and followed.", w->node,
		    w->name, s->ttl);
		break;
	case WHY_YXDOMAIN:
		say(t, "%s has a DNAME, but substituting its target in %s "
		    "makes a name over 255 octets: YXDOMAIN (RFC 6672 2.2).",
		    w->node, w->name);
		break;
	default:
		break;
	}
}

static void tell_rest(struct teller *t, const struct auth_why_step *s,
		      const struct words *w)
{
	switch (s->kind) {
	case WHY_CHAIN_LIMIT:
		say(t, "The chain stops before %s: %d CNAME/DNAME links is "
		    "the most banchi-auth follows in one answer (as Knot).",
		    w->name, AUTH_MAX_CHAIN);
		break;
	case WHY_LOOP:
		say(t, "The chain stops at %s: that name is already in this "
		    "answer (a CNAME loop).", w->name);
		break;
	case WHY_LEAVES_ZONE:
		say(t, "The chain stops at %s: it is outside the zone, so a "
		    "resolver asks for it itself (banchi-auth, as Knot and "
		    "BIND, follows chains only inside the zone).", w->name);
		break;
	case WHY_APEX_NS:
		say(t, "The zone's NS set (%u record%s) goes in authority: "
		    "full responses (minimal-responses is off).", s->count,
		    s->count == 1 ? "" : "s");
		break;
	case WHY_ADDITIONAL:
		say(t, "%s %s in additional: the address of a target named "
		    "by an NS, MX, SRV, SVCB or HTTPS record above.", w->name,
		    w->type);
		break;
	case WHY_GLUE:
		say(t, "%s %s in additional is glue: the address of a name "
		    "server at or below the cut, which a resolver could not "
		    "find otherwise.", w->name, w->type);
		break;
	case WHY_TC:
		say(t, "%s %s does not fit in the reply: TC set (RFC 2181 9), "
		    "the client should ask over TCP.", w->name, w->type);
		break;
	default:
		break;
	}
}

static void tell_step(struct teller *t, const struct auth_why_step *s)
{
	struct words *w = malloc(sizeof(*w));

	if (!w)
		return;
	words_of(w, s);
	if (s->kind <= WHY_ZONE_DS)
		tell_zone(t, s, w);
	else if (s->kind <= WHY_NODATA && s->kind != WHY_DNAME &&
		 s->kind != WHY_YXDOMAIN)
		tell_place(t, s, w);
	else if (s->kind <= WHY_CNAME)
		tell_data(t, s, w);
	else
		tell_rest(t, s, w);
	free(w);
}

/* The query a client would send: one question, RD clear, OPT with DO
 * when dnssec (a payload of 1232 octets). */
static size_t make_query(uint8_t *q, size_t cap, const uint8_t *qname,
			 uint16_t qtype, bool dnssec)
{
	struct msg_writer mw;
	struct msg_hdr h = { .id = 0x7768 };
	struct edns e;
	int len;

	edns_init(&e, 1232);
	if (dnssec)
		e.flags |= EDNS_FLAG_DO;
	if (msg_writer_init(&mw, q, cap, &h, true) < 0 ||
	    msg_writer_question(&mw, qname, qtype, CLASS_IN) < 0 ||
	    msg_writer_opt(&mw, &e) < 0)
		return 0;
	len = msg_writer_finish(&mw);
	return len < 0 ? 0 : (size_t)len;
}

static const char *const section_names[] = {
	[MSG_ANSWER] = "Answer section", [MSG_AUTHORITY] = "Authority section",
	[MSG_ADDITIONAL] = "Additional section",
};

/* One record as a zone file line. */
static void tell_rr(struct teller *t, const struct msg *m,
		    const struct msg_rr *rr, char *text, size_t cap)
{
	uint8_t owner[NAME_MAXLEN], rd[65535];
	char on[NAME_TEXT_MAX], tb[16];
	int n = msg_rr_owner(m, rr, owner);
	int rl = n < 0 ? n : msg_rr_rdata(m, rr, rd, sizeof(rd));

	if (rl < 0 || name_to_text(on, sizeof(on), owner) < 0 ||
	    rdata_to_text(rr->type, rd, (size_t)rl, text, cap) < 0)
		snprintf(text, cap, "(unreadable)");
	say(t, "  %s %u IN %s %s", on, rr->ttl, rrtype_to_text(rr->type, tb),
	    text);
}

static void tell_sections(struct teller *t, const struct msg *m)
{
	char *text = malloc(65536 * 4);

	if (!text)
		return;
	for (int s = MSG_ANSWER; s <= MSG_ADDITIONAL; s++) {
		uint16_t n = msg_section_count(m, (enum msg_section)s);
		uint16_t shown = 0;

		for (uint16_t i = 0; i < n; i++) {
			const struct msg_rr *rr =
				msg_section_rr(m, (enum msg_section)s, i);
			if (rr->type == RR_OPT)
				continue;
			if (!shown++)
				say(t, "%s:", section_names[s]);
			tell_rr(t, m, rr, text, 65536 * 4);
		}
	}
	free(text);
}

static void tell_end(struct teller *t, const struct msg *m,
		     const struct auth_why *w)
{
	uint16_t rcode = msg_hdr_rcode(&m->hdr);

	if (m->has_opt)
		rcode |= (uint16_t)(m->edns.ext_rcode << 4);
	if (!w->n)
		say(t, "The question was answered before any zone was "
		    "looked at (its class, opcode or form).");
	if (w->full)
		say(t, "(More decisions were taken than are told here.)");
	say(t, "Result: %s%s%s; records: %u answer, %u authority, %u "
	    "additional.", rcode_name(rcode), msg_hdr_aa(&m->hdr) ?
	    ", AA (authoritative)" : ", no AA", msg_hdr_tc(&m->hdr) ?
	    ", TC" : "", msg_section_count(m, MSG_ANSWER),
	    msg_section_count(m, MSG_AUTHORITY),
	    msg_section_count(m, MSG_ADDITIONAL) - (m->has_opt ? 1 : 0));
}

/* The heap holds what a reply needs: the reply, its parsed records. */
struct why_mem {
	struct auth_why w;
	struct msg m;
	struct msg_rr rr[4096];
	uint8_t q[512];
	uint8_t out[65535];
};

int auth_why(const struct zonedb *db, const struct auth_conf *conf,
	     const uint8_t *qname, uint16_t qtype, bool dnssec,
	     auth_why_line_fn *line, void *ctx)
{
	struct why_mem *x = calloc(1, sizeof(*x));
	struct teller *t = malloc(sizeof(*t));
	size_t qlen, n;
	int ret = 0;

	if (!x || !t) {
		free(x);
		free(t);
		return BN_ENOMEM;
	}
	t->line = line;
	t->ctx = ctx;
	qlen = make_query(x->q, sizeof(x->q), qname, qtype, dnssec);
	/* over TCP: the whole answer, nothing cut for a UDP size */
	n = qlen ? auth_answer_why(db, conf, x->q, qlen, AUTH_TCP, x->out,
				   sizeof(x->out), &x->w) : 0;
	if (!n || msg_parse(&x->m, x->out, n, x->rr, 4096) < 0) {
		ret = BN_EINVAL;
	} else {
		for (unsigned i = 0; i < x->w.n; i++)
			tell_step(t, &x->w.step[i]);
		tell_sections(t, &x->m);
		tell_end(t, &x->m, &x->w);
	}
	free(t);
	free(x);
	return ret;
}
