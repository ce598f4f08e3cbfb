/* A control reply being written (doc/control.md): a command puts its
 * members (scalars, objects, arrays) and may fail with a sentence; the
 * line is then {"ok":BOOL[,"id":ID][,"error":TEXT],MEMBERS...}. Strings
 * are escaped as JSON wants (control characters as \u00XX, octets that
 * are not UTF-8 as U+FFFD). Bounded: a reply over CTL_REPLY_MAX becomes
 * an error. */
#ifndef BANCHI_CTL_CTL_REPLY_H
#define BANCHI_CTL_CTL_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CTL_REPLY_MAX (1u << 20)
#define CTL_DEPTH_MAX 8
#define CTL_ERROR_MAX 600

struct ctl_reply {
	char *buf;                      /* the members, each after a comma */
	size_t len, cap;
	char error[CTL_ERROR_MAX];      /* set by ctl_fail */
	bool failed;
	bool overflow;                  /* out of memory or over the bound */
	unsigned depth, excess;         /* levels open (over the bound) */
	bool first[CTL_DEPTH_MAX + 1];  /* nothing in this level yet */
	char closer[CTL_DEPTH_MAX + 1]; /* what closes it: } or ] */
};

void ctl_reply_init(struct ctl_reply *r);
void ctl_reply_clear(struct ctl_reply *r);

/* Members: key is NULL inside an array. */
void ctl_put_str(struct ctl_reply *r, const char *key, const char *val);
void ctl_put_u64(struct ctl_reply *r, const char *key, uint64_t v);
void ctl_put_i64(struct ctl_reply *r, const char *key, int64_t v);
void ctl_put_bool(struct ctl_reply *r, const char *key, bool v);
void ctl_put_null(struct ctl_reply *r, const char *key);
/* Seconds with 3 decimals. */
void ctl_put_secs(struct ctl_reply *r, const char *key, double v);
/* A wall-clock time as "YYYY-MM-DDTHH:MM:SSZ", null when t is 0. */
void ctl_put_time(struct ctl_reply *r, const char *key, time_t t);
/* A member already in JSON form (ctl_json_quote's output, a number). */
void ctl_put_raw(struct ctl_reply *r, const char *key, const char *json);
void ctl_open_obj(struct ctl_reply *r, const char *key);
void ctl_open_arr(struct ctl_reply *r, const char *key);
void ctl_close(struct ctl_reply *r);

/* The command failed: "ok":false with this sentence (the first one
 * given stays); the members put stay too. */
void ctl_fail(struct ctl_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The whole line, newline included, in a malloc'd buffer (*len octets,
 * then a NUL); id is the request's "id" in JSON form or NULL. NULL when
 * out of memory. */
char *ctl_reply_line(const struct ctl_reply *r, const char *id, size_t *len);

/* s as a JSON string (quotes included) into out (cap octets, at least
 * 6 * strlen(s) + 3 is always enough): its length, or 0 when it did
 * not fit. */
size_t ctl_json_quote(char *out, size_t cap, const char *s);

#endif
