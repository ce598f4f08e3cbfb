/* A request line against the daemon's command table: parsed, its
 * "command" found, its members checked (the command's one argument,
 * "id"), each mistake said in one sentence that names what to send. */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

#define CTL_ID_MAX 256          /* octets of an "id" as sent */

static const struct ctl_cmd *find(const struct ctl_conf *c, const char *n)
{
	for (size_t i = 0; i < c->ncmds; i++)
		if (!strcmp(c->cmds[i].name, n))
			return &c->cmds[i];
	return NULL;
}

static void unknown(const struct ctl_conf *c, const char *name,
		    struct ctl_reply *r)
{
	char list[512];
	size_t n = 0;

	list[0] = '\0';
	for (size_t i = 0; i < c->ncmds && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i ? ", " : "", c->cmds[i].name);
	ctl_fail(r, "unknown command '%.100s' (%s takes: %s)", name,
		 c->daemon, list);
}

/* "id": echoed as sent (a string re-quoted, a number as written). */
static int take_id(const struct ctl_member *m, char *id, size_t cap,
		   struct ctl_reply *r)
{
	id[0] = '\0';
	if (!m)
		return 0;
	if (m->type != CTL_T_STRING && m->type != CTL_T_NUMBER) {
		ctl_fail(r, "'id' must be a string or a number");
		return -1;
	}
	if (strlen(m->val) > CTL_ID_MAX) {
		ctl_fail(r, "'id' longer than %d octets", CTL_ID_MAX);
		return -1;
	}
	if (m->type == CTL_T_NUMBER) {
		snprintf(id, cap, "%s", m->val);
		return 0;
	}
	if (!ctl_json_quote(id, cap, m->val)) {
		ctl_fail(r, "'id' too long");
		return -1;
	}
	return 0;
}

/* Every member is "command", "id" or the command's argument. */
static int members(const struct ctl_request *rq, const struct ctl_cmd *k,
		   struct ctl_reply *r)
{
	for (size_t i = 0; i < rq->n; i++) {
		const char *key = rq->m[i].key;
		if (!strcmp(key, "command") || !strcmp(key, "id"))
			continue;
		if (!k->arg || strcmp(key, k->arg)) {
			ctl_fail(r, "command '%s' takes no \"%.64s\"%s%s%s",
				 k->name, key, k->arg ? " (only \"" : "",
				 k->arg ? k->arg : "", k->arg ? "\")" : "");
			return -1;
		}
		if (rq->m[i].type != CTL_T_STRING) {
			ctl_fail(r, "'%s' must be a string", k->arg);
			return -1;
		}
	}
	return 0;
}

int ctl_request_check(const struct ctl_conf *c, struct ctl_request *rq,
		      const char *line, size_t len,
		      const struct ctl_cmd **cmd, const char **value,
		      char *id, size_t cap, struct ctl_reply *r)
{
	const struct ctl_member *m;
	char err[160];

	id[0] = '\0';
	*cmd = NULL;
	*value = NULL;
	if (ctl_request_parse(rq, line, len, err, sizeof(err)) < 0) {
		ctl_fail(r, "malformed request: %s", err);
		return -1;
	}
	if (take_id(ctl_request_get(rq, "id"), id, cap, r) < 0)
		return -1;
	m = ctl_request_get(rq, "command");
	if (!m || m->type != CTL_T_STRING) {
		ctl_fail(r, "no \"command\" string in the request");
		return -1;
	}
	*cmd = find(c, m->val);
	if (!*cmd) {
		unknown(c, m->val, r);
		return -1;
	}
	if (members(rq, *cmd, r) < 0)
		return -1;
	m = (*cmd)->arg ? ctl_request_get(rq, (*cmd)->arg) : NULL;
	if (!m && (*cmd)->need == CTL_ARG_REQUIRED) {
		ctl_fail(r, "command '%s' needs \"%s\"", (*cmd)->name,
			 (*cmd)->arg);
		return -1;
	}
	*value = m ? m->val : NULL;
	return 0;
}
