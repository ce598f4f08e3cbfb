/* A control request as read from its line (doc/control.md): one JSON
 * object whose members are all scalars (string, number, true, false,
 * null), at most CTL_MEMBERS_MAX of them, each key once. Strings are
 * checked to be UTF-8 and unescaped into the request's own storage, so
 * parsing allocates nothing; what the input cannot be is said with its
 * offset. */
#ifndef BANCHI_CTL_CTL_JSON_H
#define BANCHI_CTL_CTL_JSON_H

#include <stddef.h>

/* Octets in one request line, its newline included. */
#define CTL_REQUEST_MAX 4096
#define CTL_REQUEST_MAX_TEXT "4096"
#define CTL_MEMBERS_MAX 8

enum ctl_type { CTL_T_STRING, CTL_T_NUMBER, CTL_T_TRUE, CTL_T_FALSE,
		CTL_T_NULL };

struct ctl_member {
	const char *key;
	const char *val;        /* unescaped (a number: as written) */
	enum ctl_type type;
};

struct ctl_request {
	struct ctl_member m[CTL_MEMBERS_MAX];
	size_t n;
	/* keys and values, each NUL-terminated: never longer than the
	 * text they come from */
	char store[CTL_REQUEST_MAX + 8];
	size_t used;
};

/* Parses text[0 .. len) (the line without its newline; whitespace
 * around the object is allowed). 0, or -1 with a sentence in err (cap
 * octets), such as "expected ':' at offset 12". */
int ctl_request_parse(struct ctl_request *rq, const char *text, size_t len,
		      char *err, size_t cap);

/* The member of that key, or NULL. */
const struct ctl_member *ctl_request_get(const struct ctl_request *rq,
					 const char *key);

/* The length of the UTF-8 sequence at s (n octets left): 1-4, or 0
 * when it is not one (overlong, surrogate, past U+10FFFF, cut). */
size_t ctl_utf8_len(const unsigned char *s, size_t n);

#endif
