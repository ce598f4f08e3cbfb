/* The replay runner's model of an Unbound testbound scenario (.rpl):
 * the config lines, RANGE blocks of scripted upstream answers, and the
 * STEPs (client queries, answer checks, replies, timeouts, time). Read by
 * rpl_parse.c and rpl_entry.c, played by rpl_run.c against banchi's
 * resolver core. Nothing here is Unbound's code: the format was learnt
 * from the scenario files and testcode/replay.c, testpkts.c. */
#ifndef BANCHI_TESTS_RPL_H
#define BANCHI_TESTS_RPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "resolve/conf.h"
#include "wire/msg.h"
#include "wire/name.h"

/* MATCH keywords of an entry. */
enum {
	RM_OPCODE = 1u << 0, RM_QTYPE = 1u << 1, RM_QNAME = 1u << 2,
	RM_SUBDOMAIN = 1u << 3, RM_RCODE = 1u << 4, RM_QUESTION = 1u << 5,
	RM_ANSWER = 1u << 6, RM_ALL = 1u << 7, RM_ALL_NOEDNS = 1u << 8,
	RM_TTL = 1u << 9, RM_DO = 1u << 10, RM_NOEDNS = 1u << 11,
	RM_EDNSDATA = 1u << 12, RM_UDP = 1u << 13, RM_TCP = 1u << 14,
	RM_EDE = 1u << 15, RM_COOKIE = 1u << 16, RM_SERIAL = 1u << 17,
	RM_CO = 1u << 18,
};

/* ADJUST keywords. */
enum { RA_COPY_ID = 1u << 0, RA_COPY_QUERY = 1u << 1, RA_SLEEP = 1u << 2,
       RA_ECS = 1u << 3 };

struct rpl_rr {
	uint8_t section;                /* enum msg_section, not QUESTION */
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t owner[NAME_MAXLEN];
	uint8_t *rdata;                 /* stored form (uncompressed) */
};

/* One ENTRY_BEGIN .. ENTRY_END: what to match and the packet it gives. */
struct rpl_entry {
	struct rpl_entry *next;
	unsigned line;
	uint32_t match;                 /* RM_* */
	uint32_t adjust;                /* RA_* */
	uint16_t flags;                 /* header word: QR, opcode, flags, rcode */
	bool do_bit;                    /* REPLY DO: an OPT with DO */
	bool has_question;
	uint8_t qname[NAME_MAXLEN];
	uint16_t qtype, qclass;
	struct rpl_rr *rrs;
	size_t nrr, caprr;
	uint8_t *hex;                   /* HEX_ANSWER packet, NULL when none */
	size_t hexlen;
	uint8_t *ednsdata;              /* HEX_EDNSDATA: raw options */
	size_t ednslen;
	unsigned extra;                 /* EXTRA_PACKETs (only the first is used) */
};

struct rpl_addr {
	bool set;
	struct res_addr a;
};

struct rpl_range {
	struct rpl_range *next;
	int start, end;
	struct rpl_addr addr;
	struct rpl_entry *entries;
};

enum rpl_kind {
	ST_NOTHING = 0, ST_QUERY, ST_CHECK_ANSWER, ST_CHECK_OUT, ST_REPLY,
	ST_TIMEOUT, ST_TIME_PASSES, ST_TRAFFIC, ST_ERROR, ST_INFRA_RTT,
	ST_FLUSH, ST_EXPIRE, ST_ASSIGN, ST_CHECK_AUTOTRUST, ST_CHECK_TEMPFILE,
};

struct rpl_step {
	int num;
	enum rpl_kind kind;
	unsigned line;
	struct rpl_entry *entry;        /* QUERY, CHECK_*, REPLY */
	struct rpl_addr addr;
	double elapse;                  /* TIME_PASSES ELAPSE, seconds */
	bool eval;                      /* TIME_PASSES EVAL (macros) */
	char arg[256];                  /* INFRA_RTT / FLUSH args, as written */
};

/* One "key: value" of the config, with the clause it sits in. */
struct rpl_opt {
	char clause[32];                /* "server", "stub-zone", ... */
	unsigned block;                 /* which clause of that name (1, 2 ...) */
	char key[48];
	char val[512];                  /* tokens joined by one space, unquoted */
	unsigned line;
};

struct rpl_scen {
	char path[512];
	const char *base;               /* file name inside path */
	char title[256];
	struct rpl_opt *opts;
	size_t nopts, capopts;
	bool tempfile, autotrust, macros, cmdline;
	struct rpl_range *ranges;
	struct rpl_step *steps;
	size_t nsteps, capsteps;
	char err[256];                  /* why it could not be read */
};

/* Text/number parse state shared by the entries of one file. */
struct rpl_pstate {
	uint8_t origin[NAME_MAXLEN];
	uint32_t ttl;
	unsigned line;
	FILE *f;
	char buf[8192];
	char err[256];
};

/* rpl_parse.c: 0, or -1 with s->err set. */
int rpl_read(struct rpl_scen *s, const char *path);
void rpl_free(struct rpl_scen *s);
/* "1.2.3.4", "2001:db8::1", optionally "@port": 0 or -1. */
int rpl_addr_parse(struct res_addr *a, const char *text);

/* rpl_entry.c: reads the entry whose ENTRY_BEGIN was just read. */
struct rpl_entry *rpl_entry_read(struct rpl_pstate *ps);
void rpl_entry_free(struct rpl_entry *e);
/* Reads the next line into ps->buf: its first non-blank character, or
 * NULL at the end of the file. Comment and blank lines are skipped. */
char *rpl_line(struct rpl_pstate *ps);
/* True when *p starts with the keyword kw (then *p moves past it and
 * the blanks after it). */
bool rpl_kw(char **p, const char *kw);
/* $ORIGIN and $TTL lines, wherever they are: 1 when p was one, 0 when
 * not, -1 when it does not read. */
int rpl_directive(struct rpl_pstate *ps, char *p);

/* rpl_pkt.c: the packet an entry describes. With q (a query packet),
 * ADJUST copy_id and copy_query take the ID and question from it.
 * Returns the length, 0 when it cannot be built. */
size_t rpl_entry_packet(const struct rpl_entry *e, const uint8_t *q,
			size_t qlen, uint8_t *out, size_t cap);

/* A packet's records as rpl_rr (owners and names kept as sent). */
struct rpl_msg {
	struct msg_hdr hdr;
	bool has_q, has_opt, do_bit;
	uint8_t qname[NAME_MAXLEN];
	uint16_t qtype, qclass;
	struct rpl_rr rr[256];
	uint8_t rdata[65536];
	size_t nrr, used;
};
/* 0, or -1 when the packet does not parse. */
int rpl_msg_parse(struct rpl_msg *m, const uint8_t *pkt, size_t len);

/* One record in presentation form, "owner ttl class type rdata". */
void rpl_rr_text(const struct rpl_rr *r, bool ttl, char *out, size_t cap);

#endif
