/* banchi-ctl: one command to a daemon's control socket (doc/control.md)
 * and its reply, printed. The exit status says what happened: 0 done,
 * 1 refused or failed (the reason on standard error), 2 usage, 3 the
 * daemon could not be reached or did not answer. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "ctl/ctl_sock.h"
#include "ctlcmd.h"

enum { EXIT_DONE = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

static const char usage[] =
"NAME\n"
"    banchi-ctl - control a running banchi-auth, banchi-resolver or\n"
"    banchi-dhcp\n"
"\n"
"SYNOPSIS\n"
"    banchi-ctl [-s PATH | -r | -d] [-t SECONDS] [-j] COMMAND [ARGUMENT]\n"
"\n"
"DESCRIPTION\n"
"    Sends COMMAND to the daemon's control socket and prints its reply\n"
"    as \"key: value\" lines (-j: the JSON line as received). The\n"
"    socket is /run/banchi/auth.ctl unless -s, -r or -d says otherwise\n"
"    (flush, dump-cache, nta-*, trust-anchors:\n"
"    /run/banchi/resolver.ctl; leases, lease-release:\n"
"    /run/banchi/dhcp.ctl).\n"
"    Using it takes root or group banchi. The protocol is in\n"
"    doc/control.md: scripts may speak it without this tool.\n"
"\n"
"COMMANDS\n"
"    status              daemon, version, pid, uptime; zones served\n"
"                        (banchi-auth), cache size (banchi-resolver),\n"
"                        interfaces and leases (banchi-dhcp)\n"
"    stats               the counters the daemon keeps\n"
"    reload [ZONE]       what SIGHUP does: the config and every changed\n"
"                        zone file read again; with ZONE (banchi-auth),\n"
"                        that zone's file alone, the config as it is.\n"
"                        banchi-dhcp: static leases, options, ranges\n"
"                        and limits; a config that does not load\n"
"                        changes nothing (exit status 1, FILE:LINE)\n"
"    zone-status ZONE    serial, where it is loaded from, last change,\n"
"                        journal, for a secondary zone its refreshes,\n"
"                        and each secondary of ours with its serial and\n"
"                        lag (banchi-auth)\n"
"    zone-flush ZONE     write a zone that takes updates (the version\n"
"                        served, which holds its journal's changes)\n"
"                        over its zone file, atomically (banchi-auth)\n"
"    zone-refresh ZONE   refresh a secondary zone now, as on a NOTIFY\n"
"                        (banchi-auth)\n"
"    flush [NAME]        drop NAME and the names under it from the\n"
"                        cache, or the whole cache (banchi-resolver)\n"
"    log-level LEVEL     error, warning, info or debug, until the next\n"
"                        reload\n"
"    dump-cache [NAME]   the cached records at and under NAME, or all,\n"
"                        as zone-file lines with TTL left, rank, DNSSEC\n"
"                        status; negative entries as comments; cut\n"
"                        after about a megabyte (banchi-resolver)\n"
"    nta-add ZONE [SECONDS]\n"
"                        a negative trust anchor (RFC 7646): ZONE's data\n"
"                        is not validated for SECONDS (3600), its cached\n"
"                        answers dropped; kept across a reload, not a\n"
"                        restart (banchi-resolver)\n"
"    nta-remove ZONE     validated again at once (banchi-resolver)\n"
"    nta-list            the negative trust anchors and until when\n"
"                        (banchi-resolver)\n"
"    trust-anchors       whether DNSSEC validation is on, and the DS and\n"
"                        DNSKEY records it starts from (banchi-resolver)\n"
"    leases [--all]      the leases in effect, or every row of the\n"
"                        lease database (banchi-dhcp): what\n"
"                        'banchi-dhcp leases' lists\n"
"    lease-release ADDR|MAC\n"
"                        give back the lease of this address or MAC as\n"
"                        its client's RELEASE would: stored before the\n"
"                        reply, its names removed from DNS (a static\n"
"                        lease's stay); 1 when no lease is in effect\n"
"                        for it (banchi-dhcp)\n"
"    why NAME [TYPE] [+dnssec]\n"
"                        how banchi-auth answers NAME TYPE (A when not\n"
"                        given; +dnssec: as to a DO query): the zone\n"
"                        chosen, each node, wildcard, CNAME or DNAME\n"
"                        step, delegation, glue or additional rule, the\n"
"                        records of each section and why the rcode is\n"
"                        what it is. With -r, banchi-resolver's view\n"
"                        (NAME [TYPE]): local data, each cached link\n"
"                        with TTL left, rank and DNSSEC status, or where\n"
"                        a resolution starts and what is known of those\n"
"                        servers\n"
"\n"
"OPTIONS\n"
"    -s PATH     the control socket\n"
"    -r          the resolver's socket, /run/banchi/resolver.ctl\n"
"    -d          banchi-dhcp's socket, /run/banchi/dhcp.ctl\n"
"    -t SECONDS  how long to wait for the reply (60; a reload of large\n"
"                zones takes a while)\n"
"    -j          print the reply as the JSON line received\n"
"    -h, --help  this text\n"
"    --version   the version\n"
"\n"
"EXIT STATUS\n"
"    0 done; 1 refused or failed, the reason on standard error (an\n"
"    unknown zone, a zone that is not a secondary, a zone file that\n"
"    does not load, no lease for that address, a command the daemon\n"
"    does not have); 2 usage; 3\n"
"    the daemon could not be reached (not running, no permission) or\n"
"    did not answer in time.\n";

enum need { NONE, OPTIONAL, REQUIRED, WORDS };  /* WORDS: 1 to 3, joined */

struct cmd {
	const char *name;
	const char *member;     /* its argument in the request */
	enum need need;
	const char *socket;     /* default socket */
};

static const struct cmd cmds[] = {
	{ "status", NULL, NONE, CTL_AUTH_PATH },
	{ "stats", NULL, NONE, CTL_AUTH_PATH },
	{ "reload", "zone", OPTIONAL, CTL_AUTH_PATH },
	{ "zone-status", "zone", REQUIRED, CTL_AUTH_PATH },
	{ "zone-flush", "zone", REQUIRED, CTL_AUTH_PATH },
	{ "zone-refresh", "zone", REQUIRED, CTL_AUTH_PATH },
	{ "flush", "name", OPTIONAL, CTL_RESOLVER_PATH },
	{ "log-level", "level", REQUIRED, CTL_AUTH_PATH },
	{ "why", "query", WORDS, CTL_AUTH_PATH },
	{ "trust-anchors", NULL, NONE, CTL_RESOLVER_PATH },
	{ "dump-cache", "name", OPTIONAL, CTL_RESOLVER_PATH },
	{ "nta-add", "zone", WORDS, CTL_RESOLVER_PATH },
	{ "nta-remove", "zone", REQUIRED, CTL_RESOLVER_PATH },
	{ "nta-list", NULL, NONE, CTL_RESOLVER_PATH },
	{ "leases", "which", OPTIONAL, CTL_DHCP_PATH },
	{ "lease-release", "lease", REQUIRED, CTL_DHCP_PATH },
};

struct opts {
	const char *path;
	int timeout_ms;
	bool json;
	const struct cmd *cmd;
	const char *arg;
	char words[1100];               /* a WORDS argument */
};

static int bad_usage(const char *fmt, const char *what)
{
	fprintf(stderr, "banchi-ctl: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, " (see banchi-ctl --help)\n");
	return EXIT_USAGE;
}

static const struct cmd *find(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/* why NAME [TYPE] [+dnssec], nta-add ZONE [SECONDS]: the words as one
 * argument. */
static int words(struct opts *o, int argc, char **argv)
{
	bool nta = !strcmp(o->cmd->name, "nta-add");
	size_t len = 0;
	int n = argc - optind - 1;

	if (n < 1 || n > (nta ? 2 : 3))
		return bad_usage(nta ? "%s takes ZONE [SECONDS]" :
				 "%s takes NAME [TYPE] [+dnssec]",
				 o->cmd->name);
	o->words[0] = '\0';
	for (int i = optind + 1; i < argc; i++) {
		int w = snprintf(o->words + len, sizeof(o->words) - len,
				 "%s%s", len ? " " : "", argv[i]);
		if (!*argv[i] || w < 0 || (size_t)w >= sizeof(o->words) - len)
			return bad_usage("bad or too long argument for %s",
					 o->cmd->name);
		len += (size_t)w;
	}
	o->arg = o->words;
	return -1;
}

/* The command and its argument after the options. */
static int command(struct opts *o, int argc, char **argv)
{
	static const char *const levels[] = { "error", "warning", "info",
					      "debug" };
	int n = argc - optind;

	if (n < 1)
		return bad_usage("no command%s", "");
	o->cmd = find(argv[optind]);
	if (!o->cmd)
		return bad_usage("unknown command '%s'", argv[optind]);
	if (o->cmd->need == WORDS)
		return words(o, argc, argv);
	if (n > 2 || (n == 2 && o->cmd->need == NONE))
		return bad_usage("too many arguments for %s", o->cmd->name);
	if (n == 1 && o->cmd->need == REQUIRED)
		return bad_usage("%s needs an argument", o->cmd->name);
	o->arg = n == 2 ? argv[optind + 1] : NULL;
	if (o->arg && !*o->arg)
		return bad_usage("empty argument for %s", o->cmd->name);
	if (!strcmp(o->cmd->name, "leases") && o->arg &&
	    strcmp(o->arg, "--all") && strcmp(o->arg, "all"))
		return bad_usage("leases takes nothing or --all, not '%s'",
				 o->arg);
	if (!strcmp(o->cmd->name, "log-level")) {
		for (size_t i = 0; i < 4; i++)
			if (!strcmp(o->arg, levels[i]))
				return -1;
		return bad_usage("log level '%s': error, warning, info or "
				 "debug", o->arg);
	}
	return -1;
}

/* -1 when the command is to be sent, else the exit status. */
static int options(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { 0 } };
	char *end;
	long t;
	int c;

	while ((c = getopt_long(argc, argv, "+s:rdt:jh", lo, NULL)) != -1) {
		switch (c) {
		case 's': o->path = optarg; break;
		case 'r': o->path = CTL_RESOLVER_PATH; break;
		case 'd': o->path = CTL_DHCP_PATH; break;
		case 'j': o->json = true; break;
		case 'h': fputs(usage, stdout); return EXIT_DONE;
		case 'V': puts("banchi-ctl " BANCHI_VERSION); return EXIT_DONE;
		case 't':
			t = strtol(optarg, &end, 10);
			if (*end || end == optarg || t < 1 || t > 86400)
				return bad_usage("-t '%s': seconds, 1-86400",
						 optarg);
			o->timeout_ms = (int)t * 1000;
			break;
		default:
			return bad_usage("bad option%s", "");
		}
	}
	return command(o, argc, argv);
}

/* {"command":NAME[,MEMBER:ARG]}\n into buf; its length, 0 too long. */
static size_t request(const struct opts *o, char *buf, size_t cap)
{
	char arg[6 * CTL_REQUEST_MAX + 3];
	int n;

	if (o->arg && !ctl_json_quote(arg, sizeof(arg), o->arg))
		return 0;
	n = snprintf(buf, cap, "{\"command\":\"%s\"%s%s%s%s}\n", o->cmd->name,
		     o->arg ? ",\"" : "", o->arg ? o->cmd->member : "",
		     o->arg ? "\":" : "", o->arg ? arg : "");
	return n > 0 && (size_t)n < cap && (size_t)n <= CTL_REQUEST_MAX ?
	       (size_t)n : 0;
}

static int unreachable(const char *path, int e)
{
	const char *hint = e == ENOENT ? " (is the daemon running? -s names "
					 "another socket)" :
			   e == ECONNREFUSED ? " (the daemon is not running; "
					       "the socket is left from "
					       "before)" :
			   e == EACCES ? " (root or group banchi may use it)" :
			   e == ETIMEDOUT || e == EAGAIN ? " (no answer in "
							   "time)" : "";

	fprintf(stderr, "banchi-ctl: %s: %s%s\n", path,
		e == EAGAIN ? strerror(ETIMEDOUT) : strerror(e), hint);
	return EXIT_UNREACHABLE;
}

/* The reply line (malloc'd, without its newline), or NULL with errno. */
static char *read_line(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t k;

	if (!buf)
		return NULL;
	for (;;) {
		char *nl = memchr(buf, '\n', n);
		if (nl) {
			*len = (size_t)(nl - buf);
			return buf;
		}
		if (n == cap) {
			nb = cap < CTL_REPLY_MAX + 4096 ? realloc(buf, cap * 2)
							 : NULL;
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		k = recv(fd, buf + n, cap - n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = ECONNRESET;
			break;
		}
		n += (size_t)k;
	}
	free(buf);
	return NULL;
}

static int show(const struct opts *o, const char *line, size_t len)
{
	char err[CTL_ERROR_MAX];
	int ok = reply_print(line, len, NULL, err, sizeof(err));

	if (ok < 0) {
		fprintf(stderr, "banchi-ctl: %s: the reply is not one: "
			"%.200s\n", o->cmd->name, line);
		return EXIT_FAILED;
	}
	if (o->json)
		printf("%.*s\n", (int)len, line);
	else
		reply_print(line, len, stdout, err, sizeof(err));
	if (!ok)
		fprintf(stderr, "banchi-ctl: %s: %s\n", o->cmd->name, err);
	return ok ? EXIT_DONE : EXIT_FAILED;
}

int main(int argc, char **argv)
{
	struct opts o = { .timeout_ms = 60000 };
	char req[CTL_REQUEST_MAX + 1], *line;
	size_t n, len;
	int ret = options(&o, argc, argv), fd;

	if (ret >= 0)
		return ret;
	if (!o.path)
		o.path = o.cmd->socket;
	n = request(&o, req, sizeof(req));
	if (!n)
		return bad_usage("argument too long%s", "");
	fd = ctl_sock_connect(o.path, o.timeout_ms);
	if (fd < 0)
		return unreachable(o.path, errno);
	if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n) {
		ret = unreachable(o.path, errno);
		close(fd);
		return ret;
	}
	line = read_line(fd, &len);
	if (!line)
		ret = unreachable(o.path, errno);
	else
		ret = show(&o, line, len);
	free(line);
	close(fd);
	return ret;
}
