/* The query logs' options as both daemons read them (the rows of
 * CFG_OPTS_QLOG): the dnstap output's form and the message names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qlog/qlog.h"

static const struct {
	const char *name;
	enum qlog_msg t;
} names[] = {
	{ "auth-query", QLOG_AUTH_QUERY },
	{ "auth-response", QLOG_AUTH_RESPONSE },
	{ "resolver-query", QLOG_RESOLVER_QUERY },
	{ "resolver-response", QLOG_RESOLVER_RESPONSE },
	{ "client-query", QLOG_CLIENT_QUERY },
	{ "client-response", QLOG_CLIENT_RESPONSE },
};

/* The mask of a list ("a,b c"); *bad: the first unknown name. */
static unsigned parse(const char *list, char *bad, size_t cap)
{
	unsigned mask = 0;
	const char *p = list;
	size_t n, i;

	while (*p) {
		n = strcspn(p, ", ");
		for (i = 0; n && i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n &&
			    !strncmp(names[i].name, p, n))
				break;
		if (n && i == sizeof(names) / sizeof(names[0])) {
			snprintf(bad, cap, "%.*s", (int)n, p);
			return 0;
		}
		if (n)
			mask |= QLOG_MSG_BIT(names[i].t);
		p += n;
		p += strspn(p, ", ");
	}
	return mask;
}

unsigned qlog_conf_messages(const struct qlog_conf *c, unsigned def)
{
	char bad[64];

	if (!c->dnstap_messages || !c->dnstap_messages[0])
		return def;
	return parse(c->dnstap_messages, bad, sizeof(bad));
}

int qlog_conf_check(const struct qlog_conf *c, unsigned allowed, char *err)
{
	char bad[64] = "";
	unsigned m;

	if (c->dnstap && strncmp(c->dnstap, "unix:", 5) &&
	    strncmp(c->dnstap, "file:", 5))
		return snprintf(err, CONFIG_ERR_MAX, "dnstap: expected "
				"unix:PATH or file:PATH, not \"%s\"",
				c->dnstap), -1;
	if (c->dnstap && !c->dnstap[5])
		return snprintf(err, CONFIG_ERR_MAX, "dnstap: empty path"), -1;
	if (!c->dnstap_messages || !c->dnstap_messages[0])
		return 0;
	m = parse(c->dnstap_messages, bad, sizeof(bad));
	if (!m && bad[0])
		return snprintf(err, CONFIG_ERR_MAX, "dnstap-messages: unknown "
				"message \"%s\"", bad), -1;
	if (m & ~allowed)
		return snprintf(err, CONFIG_ERR_MAX, "dnstap-messages: \"%s\" "
				"names messages this server does not make",
				c->dnstap_messages), -1;
	return 0;
}

bool qlog_conf_on(const struct qlog_conf *c)
{
	return c->dnstap || c->query_log;
}

void qlog_conf_clear(struct qlog_conf *c)
{
	free(c->dnstap);
	free(c->dnstap_messages);
	free(c->dnstap_identity);
	free(c->query_log);
	c->dnstap = c->dnstap_messages = c->dnstap_identity = NULL;
	c->query_log = NULL;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool qlog_conf_same(const struct qlog_conf *a, const struct qlog_conf *b)
{
	return same_str(a->dnstap, b->dnstap) &&
	       same_str(a->dnstap_messages, b->dnstap_messages) &&
	       same_str(a->dnstap_identity, b->dnstap_identity) &&
	       same_str(a->query_log, b->query_log) &&
	       a->sample == b->sample && a->rate == b->rate;
}
