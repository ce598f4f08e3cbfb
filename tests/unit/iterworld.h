/* The world the iterator tests run in (iterworld.c): servers on a fake
 * network (fakenet.h) serving a root, tld., other., second-level zones
 * and misbehaving servers; the iterator, cache and infra under test;
 * helpers to look at what happened. One world at a time: world_up()
 * makes it, world_down() frees it. */
#ifndef BANCHI_TESTS_ITERWORLD_H
#define BANCHI_TESTS_ITERWORLD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "fakenet.h"
#include "resolve/conf.h"
#include "resolve/iter.h"

extern struct fakenet net;
extern struct res_conf rc;
extern struct cache *cache;
extern struct infra *infra;
extern struct iter *it;
extern int s_root, s_tld1, s_tld2, s_other, s_sld, s_sld2, s_loop, s_v6;
extern int s_bind;                      /* bind.tld.: loops, odd names */
extern struct res_env env;
extern const char tld_zone[], sld_zone[];

void world_up(void);
void world_down(void);
/* The address of server i. */
const struct sockaddr *srv_sa(int i);
/* Makes server i look slow so that the others are chosen first. */
void make_slow(int i);
/* Which TLD server is asked first (the other one only after it). */
void tld_first(int i);
/* Is (name, type) in the cache (any rank, live)? */
bool cached(const char *name, uint16_t type);
/* Does the last answer hold a set of type at owner in section sec? */
bool has_set(const char *owner, uint16_t type, int sec);
/* The queries sent in the last resolution, to stderr. */
void dump_log(void);
/* Upstream queries of the last resolution. */
unsigned upstream(void);

#endif
