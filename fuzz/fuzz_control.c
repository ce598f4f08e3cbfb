/* libFuzzer target for the control channel's parsers: the input is a
 * request line, checked against a table as the daemon checks it
 * (ctl_request_check); whatever it is, the reply line made of it parses
 * as a reply, and when it parsed, each string member written back into
 * a reply reads back the same (the writer's escaping against the
 * parser's unescaping). The same input is also read as a reply by
 * banchi-ctl's reader, which must only accept or refuse it, and as the
 * head of a request to the metrics endpoint (ctl_http_parse), whole
 * and cut at every length the connection could have read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd/ctl/ctlcmd.h"
#include "ctl/ctl.h"
#include "ctl/ctl_int.h"

#define ASSERT(c)                                                        \
	do {                                                             \
		if (!(c)) {                                              \
			fprintf(stderr, "fuzz_control.c:%d: %s\n",       \
				__LINE__, #c);                           \
			abort();                                         \
		}                                                        \
	} while (0)

static void noop(void *arg, const char *value, struct ctl_reply *r)
{
	(void)arg;
	ctl_put_str(r, "value", value ? value : "");
}

static const struct ctl_cmd table[] = {
	{ "status", NULL, CTL_NO_ARG, false, false, noop },
	{ "reload", "zone", CTL_ARG_OPTIONAL, true, true, noop },
	{ "log-level", "level", CTL_ARG_REQUIRED, false, true, noop },
};
static const struct ctl_conf conf = { "fuzz", NULL, NULL, table, 3, NULL,
				      NULL, NULL };

static struct ctl_request rq, checked, back;
static char id[1600], err[CTL_ERROR_MAX];

/* A reply line must parse, flat, with "ok" first, as a request would. */
static void reply_parses(const struct ctl_reply *r, bool with_id)
{
	size_t len = 0;
	char *line = ctl_reply_line(r, with_id && id[0] ? id : NULL, &len);
	char e[160];

	if (!line)
		return;         /* over the bound: refused as a whole */
	ASSERT(len && line[len - 1] == '\n');
	ASSERT(reply_print(line, len - 1, NULL, err, sizeof(err)) >= 0);
	if (len - 1 < CTL_REQUEST_MAX) {
		int ret = ctl_request_parse(&back, line, len - 1, e, sizeof(e));
		ASSERT(ret == 0);
		ASSERT(back.n >= 1 && !strcmp(back.m[0].key, "ok"));
	}
	free(line);
}

/* Each string member of rq, written and read back, is unchanged. */
static void round_trip(void)
{
	for (size_t i = 0; i < rq.n; i++) {
		struct ctl_reply r;
		const struct ctl_member *m;
		if (rq.m[i].type != CTL_T_STRING)
			continue;
		ctl_reply_init(&r);
		ctl_put_str(&r, "v", rq.m[i].val);
		reply_parses(&r, false);
		{
			size_t len = 0;
			char *line = ctl_reply_line(&r, NULL, &len);
			char e[160];
			if (line && len - 1 < CTL_REQUEST_MAX) {
				ASSERT(ctl_request_parse(&back, line, len - 1,
							 e, sizeof(e)) == 0);
				m = ctl_request_get(&back, "v");
				ASSERT(m && !strcmp(m->val, rq.m[i].val));
			}
			free(line);
		}
		ctl_reply_clear(&r);
	}
}

/* A connection's buffer holds at most CTL_REQUEST_MAX octets. */
static void http(const uint8_t *data, size_t size)
{
	static char in[CTL_REQUEST_MAX];
	size_t n = size < sizeof(in) ? size : sizeof(in);
	enum ctl_http w;

	for (size_t cut = n > 64 ? n - 64 : 0; cut <= n; cut++) {
		memcpy(in, data, cut);
		w = ctl_http_parse(in, cut, sizeof(in), cut == n);
		ASSERT(w <= CTL_HTTP_HEAD);
		ASSERT(w != CTL_HTTP_MORE || cut < sizeof(in));
		if (w == CTL_HTTP_GET || w == CTL_HTTP_HEAD)
			ASSERT(memmem(data, cut, "/metrics", 8) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ctl_cmd *k;
	const char *value;
	struct ctl_reply r;
	int ret;

	if (ctl_request_parse(&rq, (const char *)data, size, err,
			      sizeof(err)) == 0)
		round_trip();
	ctl_reply_init(&r);
	ret = ctl_request_check(&conf, &checked, (const char *)data, size, &k,
				&value, id, sizeof(id), &r);
	ASSERT(ret == 0 ? k != NULL && !r.failed : r.failed && r.error[0]);
	if (ret == 0)
		k->fn(NULL, value, &r);
	reply_parses(&r, true);
	ctl_reply_clear(&r);
	reply_print((const char *)data, size, NULL, err, sizeof(err));
	http(data, size);
	return 0;
}
