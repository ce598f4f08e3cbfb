/* The replay's runtime: banchi's resolver core (cache, infra, one
 * iterator per question being resolved, as the daemon's requests) on a
 * fake clock, the fake upstream answering from the scenario's entries,
 * the client answers waiting for their CHECK_ANSWER, and the verdict. */
#ifndef BANCHI_TESTS_RPL_RUN_H
#define BANCHI_TESTS_RPL_RUN_H

#include "resolve/iter.h"
#include "rpl.h"
#include "rpl_conf.h"

#define RPL_LOG_MAX 1024        /* upstream queries remembered */
#define RPL_POOL_MAX 256        /* REPLY entries reached */

/* A client waiting for a resolution (the daemon's rwaiter). */
struct rpl_client {
	struct rpl_client *next;
	struct msg_query q;             /* options dropped, as the daemon does */
	bool tcp;
	int step;                       /* its QUERY step */
};

/* A question being resolved (the daemon's rreq). */
struct rpl_req {
	struct rpl_req *next;
	struct iter *it;
	uint8_t qname[NAME_MAXLEN];     /* lowercase */
	uint16_t qtype, qclass;
	bool prefetch;
	bool waiting;                   /* q is out */
	bool deaf;                      /* its reply was ignored: only a timeout ends the wait */
	uint64_t deadline;
	unsigned seq;                   /* when q went out: oldest first */
	struct iter_query q;
	struct rpl_client *clients;
};

/* A reply given to a client, waiting for its CHECK_ANSWER. */
struct rpl_answer {
	struct rpl_answer *next;
	int step;                       /* the QUERY step */
	size_t len;
	uint8_t pkt[];
};

struct rpl_pool {
	const struct rpl_entry *e;
	int step;
	bool used;
};

struct rpl_sent {
	struct res_addr to;
	bool tcp;
	uint16_t len;
	uint8_t pkt[ITER_QUERY_MAX];
};

struct rpl_run {
	const struct rpl_scen *s;
	struct rpl_setup *su;
	struct cache *cache;
	struct infra *infra;
	struct res_env env;
	uint64_t now_ms;
	int stepnum;                    /* ranges are valid by this step number */
	unsigned seq;
	struct rpl_req *reqs;
	struct rpl_answer *answers;
	struct rpl_pool pool[RPL_POOL_MAX];
	size_t npool;
	struct rpl_sent *sent;          /* RPL_LOG_MAX */
	size_t nsent;
	unsigned out_unmet;             /* CHECK_OUT_QUERY never seen */
	struct answer *ans;             /* scratch */
	bool verbose;
	FILE *log;
	bool failed;
	int fail_step;                  /* the CHECK_ANSWER step that failed, -1 */
	char fail[2048];                /* the first failure: step and diff */
};

/* rpl_run.c: plays the scenario; 0 passed, 1 failed (r->fail says
 * where and how). */
int rpl_run(struct rpl_run *r, const struct rpl_scen *s,
	    struct rpl_setup *su, bool verbose);
void rpl_run_free(struct rpl_run *r);
void rpl_failf(struct rpl_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* rpl_req.c: requests and their clients. */
void rpl_req_start(struct rpl_run *r, const uint8_t *lname, uint16_t qtype,
		   uint16_t qclass, bool prefetch, struct rpl_client *c);
/* Steps req after a reply or a timeout: the next query, or the end. */
void rpl_req_drive(struct rpl_run *r, struct rpl_req *q);
void rpl_req_timeout(struct rpl_run *r, struct rpl_req *q);
/* The oldest request with a query out (with clients only: want_client). */
struct rpl_req *rpl_req_oldest(struct rpl_run *r, bool want_client);
void rpl_answer_add(struct rpl_run *r, int step, const uint8_t *pkt,
		    size_t len);

/* rpl_net.c: answers every query out that an entry answers now. */
void rpl_net_run(struct rpl_run *r);
/* Does the query packet (sent to addr, over tcp) match entry e? */
bool rpl_net_match(const struct rpl_entry *e, const uint8_t *pkt, size_t len,
		   bool tcp);
/* Was a query matching e sent so far? */
bool rpl_net_seen(const struct rpl_run *r, const struct rpl_entry *e,
		  const struct rpl_addr *to);

/* rpl_front.c: a client query, in the daemon's order. */
void rpl_front_query(struct rpl_run *r, const struct rpl_step *st);

/* rpl_check.c: does the answer satisfy the CHECK_ANSWER entry e? When
 * not, a short diff goes to diff. */
bool rpl_check(const struct rpl_entry *e, const uint8_t *pkt, size_t len,
	       char *diff, size_t cap);

/* A query or reply in one line, for -v. */
void rpl_describe(const uint8_t *pkt, size_t len, char *out, size_t cap);
void rpl_addr_text(const struct res_addr *a, char *out, size_t cap);

#endif
