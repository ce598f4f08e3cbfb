/* Unit tests for the control channel (src/ctl): the request parser's
 * acceptances and refusals, the reply writer's escaping (read back by
 * the parser), the table checks, the server on a socket of its own
 * (pipelined requests, a command run by the main thread while others
 * are answered, a silent client and a flood of connections that do not
 * hold it, the size bound), and the control key of banchi-auth's config
 * with its FILE:LINE messages. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "authd/config.h"
#include "check.h"
#include "ctl/ctl.h"
#include "ctl/ctl_sock.h"

static int parse(struct ctl_request *rq, const char *s, char *err)
{
	return ctl_request_parse(rq, s, strlen(s), err, 160);
}

static void test_parse_ok(void)
{
	struct ctl_request rq;
	char err[160];

	CHECK(parse(&rq, " {\"command\" : \"zone-status\", \"zone\":"
		    "\"a\\u00e9\\ud83d\\ude00\\n\", \"id\": -1.5e3} \r",
		    err) == 0 && rq.n == 3);
	CHECK(!strcmp(ctl_request_get(&rq, "command")->val, "zone-status"));
	CHECK(!strcmp(ctl_request_get(&rq, "zone")->val,
		      "a\xc3\xa9\xf0\x9f\x98\x80\n"));
	CHECK(ctl_request_get(&rq, "id")->type == CTL_T_NUMBER &&
	      !strcmp(ctl_request_get(&rq, "id")->val, "-1.5e3"));
	CHECK(parse(&rq, "{}", err) == 0 && rq.n == 0);
	CHECK(parse(&rq, "{\"a\":true,\"b\":false,\"c\":null,\"d\":0}",
		    err) == 0 && rq.n == 4 &&
	      ctl_request_get(&rq, "c")->type == CTL_T_NULL);
	CHECK(parse(&rq, "{\"k\":\"\xe2\x82\xac\"}", err) == 0);
}

static void refused(const char *s, const char *want)
{
	struct ctl_request rq;
	char err[160] = "";

	CHECKF(parse(&rq, s, err) < 0 && strstr(err, want), "%s -> %s", s,
	       err);
}

static void test_parse_refused(void)
{
	char big[CTL_REQUEST_MAX + 10];

	refused("", "empty request at offset 0");
	refused("[1]", "expected '{'");
	refused("{\"a\":1,}", "expected a member name at offset 7");
	refused("{\"a\" 1}", "expected ':'");
	refused("{\"a\":{}}", "objects and arrays are not taken");
	refused("{\"a\":[1]}", "objects and arrays are not taken");
	refused("{\"a\":1,\"a\":2}", "given twice");
	refused("{\"a\":01}", "expected ',' or '}'");
	refused("{\"a\":1.}", "bad number");
	refused("{\"a\":-}", "bad number");
	refused("{\"a\":tru}", "expected a value");
	refused("{\"a\":\"x}", "unterminated string");
	refused("{\"a\":\"\x01\"}", "control character");
	refused("{\"a\":\"\\x\"}", "bad escape");
	refused("{\"a\":\"\\u12g4\"}", "bad \\u escape");
	refused("{\"a\":\"\\u0000\"}", "NUL");
	refused("{\"a\":\"\\udc00\"}", "lone low surrogate");
	refused("{\"a\":\"\\ud800x\"}", "without its low one");
	refused("{\"a\":\"\xc3\"}", "invalid UTF-8");
	refused("{\"a\":\"\xc0\xaf\"}", "invalid UTF-8");
	refused("{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8");
	refused("{\"a\":1} x", "text after the object");
	refused("{\"1\":1,\"2\":1,\"3\":1,\"4\":1,\"5\":1,\"6\":1,\"7\":1,"
		"\"8\":1,\"9\":1}", "more than 8 members");
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refused(big, "request over 4096 octets");
}

/* A string through the writer comes back the same through the parser
 * (invalid UTF-8 as U+FFFD). */
static void round_trip(const char *in, const char *want)
{
	struct ctl_request rq;
	struct ctl_reply r;
	char err[160], *line;
	size_t len = 0;

	ctl_reply_init(&r);
	ctl_put_str(&r, "v", in);
	line = ctl_reply_line(&r, "\"x\"", &len);
	CHECK(line && len && line[len - 1] == '\n');
	CHECKF(line && ctl_request_parse(&rq, line, len - 1, err,
					 sizeof(err)) == 0 &&
	       !strcmp(ctl_request_get(&rq, "v")->val, want) &&
	       ctl_request_get(&rq, "ok")->type == CTL_T_TRUE, "%s", err);
	free(line);
	ctl_reply_clear(&r);
}

static void test_reply(void)
{
	struct ctl_reply r;
	char *line;
	size_t len;

	round_trip("plain", "plain");
	round_trip("q\"b\\s/\x01\x1f\x7f\n", "q\"b\\s/\x01\x1f\x7f\n");
	round_trip("\xc3\xa9\xf0\x9f\x98\x80", "\xc3\xa9\xf0\x9f\x98\x80");
	round_trip("a\xff" "b", "a\xef\xbf\xbd" "b");
	ctl_reply_init(&r);
	ctl_put_u64(&r, "n", 18446744073709551615u);
	ctl_open_arr(&r, "l");
	ctl_open_obj(&r, NULL);
	ctl_put_bool(&r, "b", true);
	ctl_close(&r);
	ctl_put_i64(&r, NULL, -3);
	ctl_close(&r);
	ctl_put_time(&r, "t", 86400);
	ctl_put_time(&r, "never", 0);
	ctl_fail(&r, "it %s", "broke");
	ctl_fail(&r, "not this one");
	line = ctl_reply_line(&r, NULL, &len);
	CHECKF(line && !strcmp(line, "{\"ok\":false,\"error\":\"it broke\","
			       "\"n\":18446744073709551615,\"l\":[{\"b\":"
			       "true},-3],\"t\":\"1970-01-02T00:00:00Z\","
			       "\"never\":null}\n"), "%s", line);
	free(line);
	ctl_reply_clear(&r);
	/* left open: an error, not a broken line */
	ctl_reply_init(&r);
	ctl_open_obj(&r, "o");
	line = ctl_reply_line(&r, "7", &len);
	CHECK(line && !strncmp(line, "{\"ok\":false,\"id\":7,\"error\":", 27));
	free(line);
	ctl_reply_clear(&r);
}

/* A table for the checks and the server. */
static int main_runs;

static void cmd_echo(void *arg, const char *value, struct ctl_reply *r)
{
	(void)arg;
	ctl_put_str(r, "echo", value ? value : "(none)");
}

static void cmd_slow(void *arg, const char *value, struct ctl_reply *r)
{
	(void)arg;
	(void)value;
	main_runs++;
	ctl_put_bool(r, "main", true);
}

static void cmd_fail(void *arg, const char *value, struct ctl_reply *r)
{
	(void)arg;
	ctl_fail(r, "no such thing: %s", value);
}

static const struct ctl_cmd table[] = {
	{ "echo", "name", CTL_ARG_OPTIONAL, false, false, cmd_echo },
	{ "slow", NULL, CTL_NO_ARG, true, true, cmd_slow },
	{ "fail", "zone", CTL_ARG_REQUIRED, false, false, cmd_fail },
};

static struct ctl_conf conf = { "test-daemon", NULL, NULL, table, 3, NULL,
				NULL, NULL };

static void checked(const char *line, const char *want_err,
		    const char *want_id)
{
	struct ctl_request rq;
	struct ctl_reply r;
	const struct ctl_cmd *k;
	const char *v;
	char id[1600];
	int ret;

	ctl_reply_init(&r);
	ret = ctl_request_check(&conf, &rq, line, strlen(line), &k, &v, id,
				sizeof(id), &r);
	if (want_err)
		CHECKF(ret < 0 && strstr(r.error, want_err), "%s -> %s", line,
		       r.error);
	else
		CHECKF(ret == 0 && k, "%s -> %s", line, r.error);
	CHECKF(!strcmp(id, want_id), "%s: id %s", line, id);
	ctl_reply_clear(&r);
}

static void test_check(void)
{
	checked("{\"command\":\"echo\"}", NULL, "");
	checked("{\"command\":\"echo\",\"name\":\"x\",\"id\":\"a\\\"b\"}", NULL,
		"\"a\\\"b\"");
	checked("{\"command\":\"fail\",\"zone\":\"z\",\"id\":12}", NULL, "12");
	checked("{\"command\":\"nope\",\"id\":1}",
		"unknown command 'nope' (test-daemon takes: echo, slow, fail)",
		"1");
	checked("{\"zone\":\"x\"}", "no \"command\" string", "");
	checked("{\"command\":7}", "no \"command\" string", "");
	checked("{\"command\":\"fail\"}", "command 'fail' needs \"zone\"", "");
	checked("{\"command\":\"slow\",\"zone\":\"x\"}",
		"command 'slow' takes no \"zone\"", "");
	checked("{\"command\":\"echo\",\"zone\":\"x\"}",
		"takes no \"zone\" (only \"name\")", "");
	checked("{\"command\":\"echo\",\"name\":3}", "'name' must be a string",
		"");
	checked("{\"command\":\"echo\",\"id\":true}", "'id' must be a string",
		"");
	checked("{\"command\"", "malformed request: expected ':' at offset 10",
		"");
}

/* The server side: a socket in a folder of its own. */
static char dir[64], path[128];

static int client(void)
{
	return ctl_sock_connect(path, 2000);
}

/* One reply line (cap octets), or "" on close / timeout. */
static void get_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	while (n + 1 < cap) {
		ssize_t k = recv(fd, buf + n, 1, 0);
		if (k <= 0)
			break;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
}

static void say(int fd, const char *s)
{
	CHECK(send(fd, s, strlen(s), MSG_NOSIGNAL) == (ssize_t)strlen(s));
}

/* The main thread's part: waits for ctl_signal, runs what waits. */
static void serve_main(struct ctl_server *s, int ms)
{
	struct timespec ts = { 0, 20 * 1000000 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, ctl_signal());
	for (int i = 0; i < ms / 20; i++)
		if (sigtimedwait(&set, NULL, &ts) == ctl_signal())
			ctl_run_main(s);
}

static void test_server_basics(struct ctl_server *s)
{
	char line[8192];
	int a = client(), b = client();

	CHECK(a >= 0 && b >= 0);
	/* two requests in one write: two replies, in order */
	say(a, "{\"command\":\"echo\",\"name\":\"1\"}\n{\"command\":\"echo\","
	       "\"name\":\"2\",\"id\":\"x\"}\n");
	get_line(a, line, sizeof(line));
	CHECKF(!strcmp(line, "{\"ok\":true,\"echo\":\"1\"}\n"), "%s", line);
	get_line(a, line, sizeof(line));
	CHECKF(!strcmp(line, "{\"ok\":true,\"id\":\"x\",\"echo\":\"2\"}\n"),
	       "%s", line);
	/* a main-thread command: b is answered while a waits */
	say(a, "{\"command\":\"slow\"}\n");
	say(b, "{\"command\":\"echo\"}\n");
	get_line(b, line, sizeof(line));
	CHECKF(!strcmp(line, "{\"ok\":true,\"echo\":\"(none)\"}\n"), "%s",
	       line);
	serve_main(s, 200);
	get_line(a, line, sizeof(line));
	CHECKF(!strcmp(line, "{\"ok\":true,\"main\":true}\n") &&
	       main_runs == 1, "%s", line);
	/* a malformed line: an error, the connection stays */
	say(a, "nonsense\n{\"command\":\"fail\",\"zone\":\"q\"}\n");
	get_line(a, line, sizeof(line));
	CHECKF(strstr(line, "\"ok\":false") && strstr(line, "malformed"),
	       "%s", line);
	get_line(a, line, sizeof(line));
	CHECKF(!strcmp(line, "{\"ok\":false,\"error\":\"no such thing: "
			     "q\"}\n"), "%s", line);
	/* the last request without a newline, then end of input */
	say(b, "{\"command\":\"echo\",\"name\":\"last\"}");
	shutdown(b, SHUT_WR);
	get_line(b, line, sizeof(line));
	CHECKF(!strcmp(line, "{\"ok\":true,\"echo\":\"last\"}\n"), "%s", line);
	get_line(b, line, sizeof(line));
	CHECK(line[0] == '\0');         /* then closed */
	close(a);
	close(b);
}

static void test_server_bounds(void)
{
	char line[8192], big[CTL_REQUEST_MAX + 100];
	int fds[CTL_CONN_MAX], silent = client(), over, c;
	struct timespec t0, t1;

	/* a silent client holds one slot: the others are served */
	CHECK(silent >= 0);
	c = client();
	say(c, "{\"command\":\"echo\"}\n");
	get_line(c, line, sizeof(line));
	CHECK(strstr(line, "\"ok\":true") != NULL);
	close(c);
	/* over the bound: told, closed */
	over = client();
	memset(big, 'x', sizeof(big));
	CHECK(send(over, big, sizeof(big), MSG_NOSIGNAL) > 0);
	get_line(over, line, sizeof(line));
	CHECKF(strstr(line, "request over 4096 octets"), "%s", line);
	get_line(over, line, sizeof(line));
	CHECK(line[0] == '\0');
	close(over);
	/* every slot taken: the next one is told so, at once */
	for (int i = 0; i < CTL_CONN_MAX - 1; i++)
		fds[i] = client();
	usleep(100000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = client();
	get_line(c, line, sizeof(line));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECKF(strstr(line, "too many control connections"), "%s", line);
	CHECK(t1.tv_sec - t0.tv_sec < 2);
	close(c);
	for (int i = 0; i < CTL_CONN_MAX - 1; i++)
		close(fds[i]);
	close(silent);
}

static void test_server(void)
{
	struct ctl_server *s = NULL;
	struct ctl_conf c = conf;
	struct stat st;
	sigset_t set;

	snprintf(dir, sizeof(dir), "/tmp/banchi-ctl-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/sub/t.ctl", dir);
	sigemptyset(&set);
	sigaddset(&set, ctl_signal());
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	c.path = path;
	CHECK(ctl_open(&s, &c) == 0 && s && ctl_start(s) == 0);
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	      (st.st_mode & 0777) == 0660);
	/* a second daemon on the same socket is refused */
	{
		struct ctl_server *t = NULL;
		CHECK(ctl_open(&t, &c) < 0 && !t);
	}
	if (s) {
		test_server_basics(s);
		test_server_bounds();
	}
	ctl_stop(s);
	CHECK(access(path, F_OK) < 0);  /* removed: still ours */
	/* a stale socket is replaced; a file that is not one is kept */
	{
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		struct ctl_server *t = NULL;
		strcpy(sa.sun_path, path);
		CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
		close(fd);
		CHECK(ctl_open(&t, &c) == 0 && t);
		ctl_stop(t);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		close(fd);
		c.path = NULL;
		c.def = path;   /* the default: off with a warning, no error */
		CHECK(ctl_open(&t, &c) == 0 && !t);
		CHECK(access(path, F_OK) == 0);
		unlink(path);
	}
	c.path = "none";
	CHECK(ctl_open(&s, &c) == 0 && !s);
	CHECK(ctl_sock_connect(path, 100) < 0 && errno == ENOENT);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

static void conf_err(const char *yaml, const char *want)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config c;

	config_init(&c);
	CHECKF(config_load_text(&c, yaml, strlen(yaml), "t.yaml", err) < 0 &&
	       strstr(err, want), "%s", err);
	config_clear(&c);
}

static void test_config(void)
{
	char err[CONFIG_ERR_MAX];
	struct config c;
	char yaml[400];

	config_init(&c);
	CHECK(!c.control);
	snprintf(yaml, sizeof(yaml), "server:\n  control: none\n");
	CHECK(config_load_text(&c, yaml, strlen(yaml), "t.yaml", err) == 0 &&
	      !strcmp(c.control, "none"));
	config_clear(&c);
	conf_err("server:\n  listen: 127.0.0.1:53\n  control: ''\n",
		 "t.yaml:3: server.control: empty value");
	snprintf(yaml, sizeof(yaml), "server:\n  control: /%0120d\n", 0);
	conf_err(yaml, "t.yaml:2: server.control: '/000");
	conf_err(yaml, "is longer than 107 octets (a UNIX socket path)");
}

int main(void)
{
	test_parse_ok();
	test_parse_refused();
	test_reply();
	test_check();
	test_server();
	test_config();
	return check_done();
}
