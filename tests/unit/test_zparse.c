/* Unit tests for the zone parser: small in-memory zones with the exact
 * records and messages expected (BIND 9.18's reading of the same text),
 * $INCLUDE files from tests/data/zparse, and a no-crash run over Knot's
 * zscanner corpus when it is present. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "wire/name.h"
#include "wire/rrtype.h"
#include "zparse/zparse.h"

/* Everything a run produced, one line per record or message:
 * "owner ttl CLASS TYPE hex" or "E<line> msg" / "W<line> msg". */
struct out {
	char buf[65536];
	size_t len;
	unsigned records, errors, warnings, stop_after;
	bool bad_line;          /* a message without a line number */
};

static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, sizeof(o->buf) - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
	if (o->len >= sizeof(o->buf))
		o->len = sizeof(o->buf) - 1;
}

static int on_rr(void *ctx, const struct zrr *rr)
{
	struct out *o = ctx;
	char name[NAME_TEXT_MAX], t[16], c[16];

	name_to_text(name, sizeof(name), rr->owner);
	outf(o, "%s %u%s %s %s ", name, rr->ttl, rr->ttl_explicit ? "" : "d",
	     rrclass_to_text(rr->rclass, c), rrtype_to_text(rr->type, t));
	for (unsigned i = 0; i < rr->rdlen; i++)
		outf(o, "%02x", rr->rdata[i]);
	outf(o, "\n");
	o->records++;
	if (o->stop_after && o->records == o->stop_after)
		return -42;
	return 0;
}

static void on_msg(void *ctx, const char *file, unsigned line, bool warning,
		   const char *msg)
{
	struct out *o = ctx;

	(void)file;
	if (line == 0)
		o->bad_line = true;
	o->errors += !warning;
	o->warnings += warning;
	outf(o, "%c%u %s\n", warning ? 'W' : 'E', line, msg);
}

static uint8_t origin_ex[] = { 2, 'e', 'x', 0 };

static int run_len(struct out *o, const char *text, size_t len,
		   struct zparse_opts *opt)
{
	struct zparse_opts def = { 0 };

	if (!opt)
		opt = &def;
	if (!opt->origin)
		opt->origin = origin_ex;
	opt->on_rr = on_rr;
	opt->on_msg = on_msg;
	opt->ctx = o;
	o->len = 0;
	o->buf[0] = '\0';
	o->records = o->errors = 0;
	return zparse_text(text, len, "t", opt);
}

static int run(struct out *o, const char *text, struct zparse_opts *opt)
{
	return run_len(o, text, strlen(text), opt);
}

/* Line-wise compare; an expected line ending in '*' matches a prefix
 * (for messages whose wording belongs to the RDATA code). */
static bool same(const char *got, const char *want)
{
	while (*got || *want) {
		const char *ge = strchr(got, '\n'), *we = strchr(want, '\n');
		size_t gl = ge ? (size_t)(ge - got) : strlen(got);
		size_t wl = we ? (size_t)(we - want) : strlen(want);

		if (wl && want[wl - 1] == '*') {
			if (gl < wl - 1 || memcmp(got, want, wl - 1))
				return false;
		} else if (gl != wl || memcmp(got, want, wl)) {
			return false;
		}
		got += gl + (ge != NULL);
		want += wl + (we != NULL);
	}
	return true;
}

#define EXPECT(text, want, ret) expect(__LINE__, text, want, ret, NULL)

static void expect(int line, const char *text, const char *want, int ret,
		   struct zparse_opts *opt)
{
	static struct out o;
	int got = run(&o, text, opt);

	CHECKF(same(o.buf, want) && got == ret,
	       "test at line %d: ret %d (want %d), got:\n%s--- want:\n%s",
	       line, got, ret, o.buf, want);
}

#define SOA "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n"
#define SOA_RR "ex. 60d IN SOA 026e730265780002686d02657800" \
	"0000000100000002000000030000000400000005\n"

static void test_basic(void)
{
	EXPECT(SOA "@ NS ns\nns A 1.2.3.4\nabs.ex. A 10.0.0.1\n",
	       SOA_RR
	       "ex. 60d IN NS 026e7302657800\n"
	       "ns.ex. 60d IN A 01020304\n"
	       "abs.ex. 60d IN A 0a000001\n", 0);
	/* blank owner inherits; TTL and class in either order */
	EXPECT(SOA "a 10 IN A 1.1.1.1\n\tA 1.1.1.2\n IN 20 A 1.1.1.3\n"
	       "b IN A 1.1.1.4\nc 1h30m A 1.1.1.5\nd 1W in a 1.1.1.6\n",
	       SOA_RR
	       "a.ex. 10 IN A 01010101\n"
	       "a.ex. 60d IN A 01010102\n"
	       "a.ex. 20 IN A 01010103\n"
	       "b.ex. 60d IN A 01010104\n"
	       "c.ex. 5400 IN A 01010105\n"
	       "d.ex. 604800 IN A 01010106\n", 0);
	EXPECT("$TTL 1h30m\nx A 1.1.1.1\n$ttl 2d\ny A 1.1.1.2\n",
	       "x.ex. 5400d IN A 01010101\ny.ex. 172800d IN A 01010102\n", 0);
	/* MX and TXT with escapes and quoted strings */
	EXPECT(SOA "m MX 10 mail\nt TXT \"a\\\"b\" c\\;d \"\\065\"\n",
	       SOA_RR
	       "m.ex. 60d IN MX 000a046d61696c02657800\n"
	       "t.ex. 60d IN TXT 0361226203633b640141\n", 0);
	/* quoted owner, escaped dot in owner, CLASS1 is IN */
	EXPECT(SOA "\"q\" A 1.1.1.1\na\\.b CLASS1 A 1.1.1.2\n",
	       SOA_RR "q.ex. 60d IN A 01010101\n"
	       "a\\.b.ex. 60d IN A 01010102\n", 0);
}

static void test_ttl_defaults(void)
{
	/* the SOA MINIMUM becomes the default, not a "previous TTL" */
	EXPECT("@ IN SOA ns hm 1 2 3 4 5\n@ NS ns\nns 30 A 1.2.3.4\n"
	       "x A 1.1.1.1\n",
	       "W1 no TTL specified; using SOA MINTTL instead\n"
	       "ex. 5d IN SOA 026e730265780002686d02657800"
	       "0000000100000002000000030000000400000005\n"
	       "ex. 5d IN NS 026e7302657800\n"
	       "ns.ex. 30 IN A 01020304\nx.ex. 5d IN A 01010101\n", 0);
	EXPECT("@ SOA ns hm 1 2 3 4 4294967295\nx A 1.1.1.1\n",
	       "W1 no TTL specified; using SOA MINTTL instead\n"
	       "W1 $TTL 4294967295 > MAXTTL, setting $TTL to 0\n"
	       "ex. 0d IN SOA 026e730265780002686d02657800"
	       "00000001000000020000000300000004ffffffff\n"
	       "x.ex. 0d IN A 01010101\n", 0);
	EXPECT("@ 3600 IN SOA ns hm 1 2 3 4 5\n@ NS ns\nx A 1.1.1.1\n",
	       "ex. 3600 IN SOA 026e730265780002686d02657800"
	       "0000000100000002000000030000000400000005\n"
	       "W2 using RFC1035 TTL semantics\n"
	       "ex. 3600d IN NS 026e7302657800\n"
	       "x.ex. 3600d IN A 01010101\n", 0);
	EXPECT("x A 1.1.1.1\ny 30 A 1.1.1.2\nz A 1.1.1.3\n",
	       "E1 no TTL specified; zone rejected\n"
	       "y.ex. 30 IN A 01010102\n"
	       "W3 using RFC1035 TTL semantics\n"
	       "z.ex. 30d IN A 01010103\n", 1);
	EXPECT(SOA "x 4294967295 A 1.1.1.1\n$TTL 2147483648\ny A 1.1.1.2\n"
	       "z 2147483647 A 1.1.1.3\n",
	       SOA_RR "W3 TTL 4294967295 > MAXTTL, setting TTL to 0\n"
	       "x.ex. 0 IN A 01010101\n"
	       "W4 $TTL 2147483648 > MAXTTL, setting $TTL to 0\n"
	       "y.ex. 0d IN A 01010102\n"
	       "z.ex. 2147483647 IN A 01010103\n", 0);
	struct zparse_opts o = { .has_default_ttl = true, .default_ttl = 77 };

	expect(__LINE__, "x A 1.1.1.1\n", "x.ex. 77d IN A 01010101\n", 0, &o);
}

static void test_errors(void)
{
	EXPECT(SOA "ns CH A 1.2.3.4\nx AAA 1.2.3.4\nb 1x A 1.1.1.1\n"
	       "c 1h1 A 1.1.1.1\nd IN IN A 1.1.1.1\ne A 1.1.1.1\n",
	       SOA_RR "E3 class 'CH' != zone class 'IN'\n"
	       "E4 unknown RR type 'AAA'\n"
	       "E5 unknown RR type '1x'\n"
	       "E6 unknown RR type '1h1'\n"
	       "E7 unknown RR type 'IN'\n"
	       "e.ex. 60d IN A 01010101\n", 5);
	EXPECT(" 3600 IN SOA ns hm 1 2 3 4 5\n@ NS ns\n",
	       "E1 no current owner name\n"
	       "E2 no TTL specified; zone rejected\n", 2);
	EXPECT(SOA "y OPT \\# 0\nz AXFR \\# 0\nw ANY \\# 0\n",
	       SOA_RR "E3 type 'OPT': invalid use of a meta type\n"
	       "E4 type 'AXFR': invalid use of a meta type\n"
	       "E5 unknown RR type '\\#'\n", 3);
	EXPECT(SOA "x TXT \"abc\ny A 1.1.1.1\n",
	       SOA_RR "E3 unbalanced quotes\ny.ex. 60d IN A 01010101\n", 1);
	EXPECT(SOA "x TXT ( \"abc\"\n\n",
	       SOA_RR "E5 unbalanced parentheses at end of file\n", 1);
	EXPECT(SOA "x A 1.1.1.1 )\ny A 1.1.1.2\n",
	       SOA_RR "E3 unbalanced parentheses\n"
	       "y.ex. 60d IN A 01010102\n", 1);
	/* an error inside parentheses is reported at its own line and the
	 * whole record is skipped */
	EXPECT(SOA "x ( A\n 1.1.1.1 ) y\nz A 2.2.2.2.2\nw A 1.1.1.1\n",
	       SOA_RR "E4 extra input text 'y'*\nE5 *\n"
	       "w.ex. 60d IN A 01010101\n", 2);
	/* BIND's line for a bad token: where the token before it sits */
	EXPECT(SOA "x A (\n 1.1.1\n )\ny (\n\n AAA 1.1.1.1 )\n"
	       "z ( MX\n 10\n\n )\nw TYPE0 \\# 0\n",
	       SOA_RR "E3 bad IPv4*\nE6 unknown RR type 'AAA'\n"
	       "E10 *\nE13 type 'TYPE0': invalid use of a meta type\n", 4);
	static const char nul[] = SOA "n\0 A 1.1.1.1\nm A \"\0\"\nk A 1.1.1.1\n";
	static struct out o;

	CHECK(run_len(&o, nul, sizeof(nul) - 1, NULL) == 2);
	CHECKF(same(o.buf, SOA_RR "E3 NUL octet in input\n"
		    "E4 NUL octet in input\nk.ex. 60d IN A 01010101\n"),
	       "%s", o.buf);
}

static void test_names(void)
{
	char text[1024];

	snprintf(text, sizeof(text), SOA "%0*d A 1.1.1.1\n"
		 "%0*d.%0*d.%0*d.%0*d A 1.1.1.1\nok A 1.1.1.1\n",
		 64, 0, 63, 0, 63, 0, 63, 0, 63, 0);
	EXPECT(text, SOA_RR "E3 bad owner name '0000*\n"
	       "E4 bad owner name '0000*\n"
	       "ok.ex. 60d IN A 01010101\n", 2);
	EXPECT(SOA "$ORIGIN sub\na A 1.1.1.1\n$ORIGIN sub2.ex.\nb A 1.1.1.1\n"
	       "$ORIGIN @\nc A 1.1.1.1\n@ A 1.1.1.2\n",
	       SOA_RR "a.sub.ex. 60d IN A 01010101\n"
	       "b.sub2.ex. 60d IN A 01010101\n"
	       "c.sub2.ex. 60d IN A 01010101\n"
	       "sub2.ex. 60d IN A 01010102\n", 0);
}

static void test_origin_warning(void)
{
	EXPECT(SOA "b A 1.1.1.1\n$ORIGIN sub.ex.\n A 1.1.1.2\n A 1.1.1.3\n",
	       SOA_RR "b.ex. 60d IN A 01010101\n"
	       "W5 record with inherited owner (b.ex) immediately after "
	       "$ORIGIN (sub.ex)\n"
	       "b.ex. 60d IN A 01010102\nb.ex. 60d IN A 01010103\n", 0);
}

static void test_lexer(void)
{
	/* parentheses across lines with comments; the record's line is
	 * the line it starts on */
	EXPECT("$TTL 60\n@ SOA ns hm ( 1 ; serial\n 2 ; refresh\n"
	       " 3 4 5 )\nx ( A ) ( 1.1.1.1 ) ; c\n",
	       SOA_RR "x.ex. 60d IN A 01010101\n", 0);
	/* CRLF line ends, and no final newline */
	EXPECT("$TTL 60\r\nx A 1.1.1.1\r\n\r\ny\tA 1.1.1.2\r\nz A 1.1.1.3",
	       "x.ex. 60d IN A 01010101\ny.ex. 60d IN A 01010102\n"
	       "z.ex. 60d IN A 01010103\nW5 file does not end with newline\n",
	       0);
	/* "(" in column 0 is not a blank; an escaped newline is only
	 * allowed inside quotes */
	EXPECT("$TTL 60\n(x A 1.1.1.1)\ny TXT \"a\\\nb\"\nz TXT a\\\nw A 1.1.1.1\n",
	       "x.ex. 60d IN A 01010101\ny.ex. 60d IN TXT 03610a62\n"
	       "E5 escaped newline outside quotes\n"
	       "w.ex. 60d IN A 01010101\n", 1);
	EXPECT("", "", 0);
	EXPECT("; only a comment", "W1 file does not end with newline\n", 0);
	EXPECT("\n\n   \n\t; c\n", "", 0);
}

static void test_generic(void)
{
	EXPECT(SOA "x TYPE65280 \\# 3 abcdef\ny A \\# 4 01020304\n"
	       "z TYPE1 1.2.3.4\n",
	       SOA_RR "x.ex. 60d IN TYPE65280 abcdef\n"
	       "y.ex. 60d IN A 01020304\nz.ex. 60d IN A 01020304\n", 0);
}

static void test_directives(void)
{
	EXPECT(SOA "$TTL 1x\n$TTL\n$TTL 10 20\n$FOO 10\n$ORIGIN\n"
	       "$ORIGIN a b\nx A 1.1.1.1\n",
	       SOA_RR "E3 bad TTL '1x'\n"
	       "E4 unexpected end of line after '$TTL'\n"
	       "E5 extra input text '20'\n"
	       "E6 unknown $ directive '$FOO'\n"
	       "E7 unexpected end of line after '$ORIGIN'\n"
	       "E8 extra input text 'b'\n"
	       "x.ex. 60d IN A 01010101\n", 6);
}

static void test_quoted_words(void)
{
	EXPECT(SOA "w \"A\" 1.1.1.1\nv 30 \"IN\" A 1.1.1.1\n$ORIGIN \"foo\"\n"
	       "$TTL \"30\"\n$INCLUDE \"tests/data/zparse/inc1.zone\" \"s\"\n"
	       "$GENERATE \"1-2\" a$ A 1.1.1.$\n$GENERATE 1-2 \"a$\" A 1.1.1.1\n",
	       SOA_RR "E3 syntax error: unexpected quoted string \"A\"\n"
	       "E4 syntax error: unexpected quoted string \"IN\"\n"
	       "E5 syntax error: unexpected quoted string \"foo\"\n"
	       "E6 syntax error: unexpected quoted string \"30\"\n"
	       "E7 syntax error: unexpected quoted string \"s\"\n"
	       "E8 syntax error: unexpected quoted string \"1-2\"\n"
	       "E9 syntax error: unexpected quoted string \"a$\"\n", 7);
}

static void test_generate(void)
{
	EXPECT(SOA "$GENERATE 1-3 host$ A 10.0.0.$\n",
	       SOA_RR "host1.ex. 60d IN A 0a000001\n"
	       "host2.ex. 60d IN A 0a000002\n"
	       "host3.ex. 60d IN A 0a000003\n", 0);
	EXPECT(SOA "$GENERATE 1-10/4 h${0,3,d}-${10,2,x}-${0,4,X}-${0,0,o}"
	       " PTR x$.${1,3,n}\n",
	       SOA_RR "h001-0b-0001-1.ex. 60d IN PTR 0278310132013002657800\n"
	       "h005-0f-0005-5.ex. 60d IN PTR 0278350136013002657800\n"
	       "h009-13-0009-11.ex. 60d IN PTR 0278390161013002657800\n", 0);
	EXPECT(SOA "$GENERATE 10-11 ${0,3,N} CNAME $$\n"
	       "$GENERATE 1-1 a\\$ TXT \"\\$ $\"\n",
	       SOA_RR "A.0.ex. 60d IN CNAME 012402657800\n"
	       "B.0.ex. 60d IN CNAME 012402657800\n"
	       "a\\$.ex. 60d IN TXT 01240131\n", 0);
	/* ttl and class in either order; rhs of several fields quoted;
	 * a blank owner after $GENERATE is the owner before it */
	EXPECT(SOA "o A 9.9.9.9\n$GENERATE 1-2 a$ 300 IN A 1.1.1.$\n"
	       "$GENERATE 1-1 b${-1} IN 30 MX \"10 m$\" ; c\n A 9.9.9.8\n",
	       SOA_RR "o.ex. 60d IN A 09090909\n"
	       "a1.ex. 300 IN A 01010101\na2.ex. 300 IN A 01010102\n"
	       "b0.ex. 30 IN MX 000a026d3102657800\n"
	       "o.ex. 60d IN A 09090908\n", 0);
	EXPECT(SOA "$GENERATE 3-1 a$ A 1.1.1.$\n$GENERATE 1-2/0 a$ A 1.1.1.1\n"
	       "$GENERATE 1-4294967295 a$ A 1.1.1.1\n$GENERATE 1 a A 1.1.1.1\n"
	       "$GENERATE 1-2 a$ A 1.1.1.$ junk\n$GENERATE 1-2 a$\n"
	       "$GENERATE 1-2 a${0,1,q} A 1.1.1.1\n"
	       "$GENERATE 1-2 a${0 A 1.1.1.1\n"
	       "$GENERATE 1-2 a${0,70,d} A 1.1.1.1\n",
	       SOA_RR "E3 $GENERATE: invalid range '3-1'\n"
	       "E4 $GENERATE: invalid range '1-2/0'\n"
	       "E5 $GENERATE: invalid range '1-4294967295'\n"
	       "E6 $GENERATE: invalid range '1'\n"
	       "E7 $GENERATE: extra input text 'junk'\n"
	       "E8 $GENERATE: unexpected end of line\n"
	       "E9 $GENERATE: syntax error in 'a${0,1,q}'\n"
	       "E10 $GENERATE: syntax error in 'a${0'\n"
	       "E11 $GENERATE: bad owner 'a0000*\n", 9);
	/* an offset holds for the later '$' of the same template; widths
	 * do not; negative values print like C's %d and %x */
	EXPECT(SOA "$GENERATE 1-1 a${0,3}-$-${5,2,x}-$-${0,3,n}-$ "
	       "TXT \"${10}-$-${0,4,N}-$\"\n"
	       "$GENERATE 1-1 b${-5}-$.${+7} TXT x\n"
	       "$GENERATE 1-1 d${-2,3,d}.${-2,3,x} TXT x\n"
	       "$GENERATE 2147483646-2147483647 e${1} TXT x\n"
	       "$GENERATE 1-1 f${0,999,d} TXT x\n",
	       SOA_RR "a001-1-06-6-1.0-1.ex. 60d IN TXT 0c31312d31312d312e302e2d31\n"
	       "b-4--4.8.ex. 60d IN TXT 0178\n"
	       "d-01.ffffffff.ex. 60d IN TXT 0178\n"
	       "e2147483647.ex. 60d IN TXT 0178\n"
	       "E6 $GENERATE: out of range in 'e${1}'\n"
	       "E7 $GENERATE: ran out of space in 'f${0,999,d}'\n", 2);
	EXPECT(SOA "$GENERATE 1-2 a$ A 1.1.1.$$\n",
	       SOA_RR "E3 *\n", 1);
	EXPECT("$GENERATE 1-2 a$ A 1.1.1.$\n",
	       "E1 no TTL specified; zone rejected\n", 1);
}

static void test_include(void)
{
	struct zparse_opts o = { 0 };

	EXPECT(SOA "x 70 A 1.1.1.1\n"
	       "$INCLUDE tests/data/zparse/inc1.zone sub\n A 2.2.2.2\n"
	       "$INCLUDE tests/data/zparse/inc1.zone\ny A 3.3.3.3\n",
	       SOA_RR "x.ex. 70 IN A 01010101\n"
	       "inc.sub.ex. 60d IN A 09090909\n"
	       "inc.sub.ex. 60d IN A 09090908\n"
	       "d.deeper.sub.ex. 60d IN A 01010101\n"
	       "x.ex. 99d IN A 02020202\n"
	       "inc.ex. 99d IN A 09090909\n"
	       "inc.ex. 99d IN A 09090908\n"
	       "d.deeper.ex. 99d IN A 01010101\n"
	       "y.ex. 99d IN A 03030303\n", 0);
	EXPECT(SOA "$INCLUDE tests/data/zparse/nonexistent\n$INCLUDE\n"
	       "$INCLUDE a b c\n$INCLUDE tests/data/zparse/incerr.zon\\e\n"
	       "$INCLUDE tests/data/zparse/incerr.zone\n",
	       SOA_RR "E3 $INCLUDE 'tests/data/zparse/nonexistent': "
	       "No such file or directory\n"
	       "E4 unexpected end of line after '$INCLUDE'\n"
	       "E5 extra input text 'c'\n"
	       "E6 $INCLUDE 'tests/data/zparse/incerr.zon\\e': "
	       "No such file or directory\n"
	       "bad.ex. 60d IN A 01010101\n"
	       "E2 unknown RR type 'XX'\n", 5);
	o.max_include_depth = 3;
	expect(__LINE__, SOA "$INCLUDE tests/data/zparse/loop.zone\n",
	       SOA_RR "self.ex. 60d IN A 01010101\n"
	       "self.ex. 60d IN A 01010101\n"
	       "self.ex. 60d IN A 01010101\n"
	       "E3 $INCLUDE nested too deeply\n", 1, &o);
	o.max_include_depth = 0;
	o.no_include = true;
	expect(__LINE__, SOA "$INCLUDE tests/data/zparse/inc1.zone\n",
	       SOA_RR "E3 $INCLUDE not allowed here\n", 1, &o);
}

static void test_limits(void)
{
	static struct out o;
	struct zparse_opts opt = { .max_errors = 2 };
	const char *bad = "a XX 1\nb XX 1\nc XX 1\nd XX 1\n";

	CHECK(run(&o, bad, &opt) == 2 && o.errors == 2);
	CHECK(run(&o, bad, NULL) == 4 && o.errors == 4);
	o.stop_after = 2;
	CHECK(run(&o, SOA "a A 1.1.1.1\nb A 1.1.1.1\nc A 1.1.1.1\n",
		  NULL) == -42 && o.records == 2);
	o.stop_after = 0;
	static const uint8_t bad_origin[NAME_MAXLEN] = { 0x40 };

	opt.origin = bad_origin;
	CHECK(run(&o, "", &opt) < 0);
}

/* A file larger than the read buffer, records cut at every offset of
 * the chunk boundary: every record must come out whole. */
static void test_big_file(void)
{
	char path[] = "/tmp/test_zparse_XXXXXX";
	static struct out o;
	struct zparse_opts opt = { .origin = origin_ex, .on_rr = on_rr,
				   .on_msg = on_msg, .ctx = &o };
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	unsigned n = 0;

	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "$TTL 60\n");
	for (size_t size = 0; size < 3u << 20; n++)
		size += (size_t)fprintf(f, "h%u A 10.%u.%u.%u ; %*s\n ( ) TXT "
					"( \"%*s\" )\n", n, n >> 16 & 255,
					n >> 8 & 255, n & 255, (int)(n % 97),
					"", (int)(n % 200), "x");
	fprintf(f, "last A 1.2.3.4");
	fclose(f);
	o.len = 0;
	o.records = o.errors = o.warnings = 0;
	o.stop_after = 0;
	CHECK(zparse_file(path, &opt) == 0);
	CHECKF(o.records == 2 * n + 1, "%u records of %u", o.records,
	       2 * n + 1);
	CHECK(o.warnings == 1);         /* no final newline */
	unlink(path);
}

static void on_rr_count(void *ctx)
{
	(void)ctx;
}

/* Knot's cases: only "never crashes and every message has a line". */
static void test_knot_corpus(void)
{
	const char *dir = SHARED_DATA_DIR "/zones/knot-zscanner/data";
	static struct out o;
	struct dirent *de;
	DIR *d = opendir(dir);
	unsigned files = 0;

	on_rr_count(NULL);
	if (!d) {
		printf("skipping knot-zscanner corpus (absent)\n");
		return;
	}
	while ((de = readdir(d))) {
		char path[1024];
		size_t n = strlen(de->d_name);
		struct zparse_opts opt = { .origin = origin_ex,
					   .on_rr = on_rr, .on_msg = on_msg,
					   .ctx = &o, .no_include = true };

		if (n < 4 || strcmp(de->d_name + n - 3, ".in"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		o.len = 0;
		o.errors = 0;
		o.bad_line = false;
		int ret = zparse_file(path, &opt);

		CHECKF(ret >= 0 && !o.bad_line && (unsigned)ret == o.errors,
		       "%s: ret %d", de->d_name, ret);
		files++;
	}
	closedir(d);
	CHECK(files > 50);
}

/* A records take a shortcut past rdata_from_text(): it must accept what
 * inet_pton() accepts and leave every other spelling to the full path
 * and its message. Owners repeated as written are reused, but not across
 * an $ORIGIN. */
static void test_shortcuts(void)
{
	EXPECT(SOA "a A 0.0.0.0\nb A 255.255.255.255\nc A 10.20.30.40\n"
	       "d A 1.2.3.4 ; comment\n",
	       SOA_RR "a.ex. 60d IN A 00000000\n"
	       "b.ex. 60d IN A ffffffff\n"
	       "c.ex. 60d IN A 0a141e28\n"
	       "d.ex. 60d IN A 01020304\n", 0);
	EXPECT(SOA "a A 010.1.1.1\na A 1.2.3\na A 256.1.1.1\n"
	       "a A 1.2.3.4.5\na A 1.2.3.04\na A 1..2.3\na A 1.2.3.4x\n"
	       "a A 1.2.3.1000\na A \"1.2.3.4\"\na A 1.2.3.4 5\n",
	       SOA_RR "E3 bad IPv4 address*\nE4 bad IPv4 address*\n"
	       "E5 bad IPv4 address*\nE6 bad IPv4 address*\n"
	       "E7 bad IPv4 address*\nE8 bad IPv4 address*\n"
	       "E9 bad IPv4 address*\nE10 bad IPv4 address*\n"
	       "E11 *\nE12 *\n", 10);
	/* AAAA: the forms the shortcut reads, one it leaves (dotted quad),
	 * and bad ones, reported as before */
	EXPECT(SOA "a AAAA 2001:DB8::2\na AAAA ::\na AAAA 1:2:3:4:5:6:7::\n"
	       "a AAAA 1::\na AAAA ::ffff:1.2.3.4\na AAAA 1:2:3:4:5:6:7:8\n"
	       "a AAAA 1::2::3\na AAAA 12345::\na AAAA :1::2\n"
	       "a AAAA 1:2:3:4:5:6:7:8::\na AAAA 1:\n",
	       SOA_RR "a.ex. 60d IN AAAA 20010db8000000000000000000000002\n"
	       "a.ex. 60d IN AAAA 00000000000000000000000000000000\n"
	       "a.ex. 60d IN AAAA 00010002000300040005000600070000\n"
	       "a.ex. 60d IN AAAA 00010000000000000000000000000000\n"
	       "a.ex. 60d IN AAAA 00000000000000000000ffff01020304\n"
	       "a.ex. 60d IN AAAA 00010002000300040005000600070008\n"
	       "E9 bad IPv6 address*\nE10 bad IPv6 address*\n"
	       "E11 bad IPv6 address*\nE12 bad IPv6 address*\n"
	       "E13 bad IPv6 address*\n", 5);
	/* TXT without escapes: strings as written, empty ones, the longest
	 * string and one octet more */
	{
		char text[1024], want[2048];
		char s255[256], h255[520];

		memset(s255, 'x', 255);
		s255[255] = 0;
		for (int i = 0; i < 255; i++)
			memcpy(h255 + 2 * i, "78", 2);
		h255[510] = 0;
		snprintf(text, sizeof(text), SOA "t TXT \"v=spf1 -all\" x\n"
			 "t TXT \"\" ()\nt TXT \"%s\"\nt TXT \"%sx\"\n",
			 s255, s255);
		snprintf(want, sizeof(want), SOA_RR
			 "t.ex. 60d IN TXT 0b763d73706631202d616c6c0178\n"
			 "t.ex. 60d IN TXT 00\n"
			 "t.ex. 60d IN TXT ff%s\n"
			 "E6 character-string too long*\n", h255);
		expect(__LINE__, text, want, 1, NULL);
	}
	/* common types in any case, and words that are none of them */
	EXPECT(SOA "x cNaMe a\ny aaaa ::1\nz Ns a\nw tXt x\nv rrsiG\n"
	       "u AAAAA ::1\nt N\\083 a\n",
	       SOA_RR "x.ex. 60d IN CNAME 016102657800\n"
	       "y.ex. 60d IN AAAA 00000000000000000000000000000001\n"
	       "z.ex. 60d IN NS 016102657800\n"
	       "w.ex. 60d IN TXT 0178\n"
	       "E7 *\nE8 unknown RR type 'AAAAA'\nE9 unknown RR type*\n", 3);
	EXPECT(SOA "a A 1.1.1.1\na A 1.1.1.2\n$ORIGIN b.ex.\na A 1.1.1.3\n"
	       "a A 1.1.1.4\n$ORIGIN ex.\na A 1.1.1.5\n",
	       SOA_RR "a.ex. 60d IN A 01010101\n"
	       "a.ex. 60d IN A 01010102\n"
	       "a.b.ex. 60d IN A 01010103\n"
	       "a.b.ex. 60d IN A 01010104\n"
	       "a.ex. 60d IN A 01010105\n", 0);
}

int main(void)
{
	test_basic();
	test_ttl_defaults();
	test_errors();
	test_names();
	test_lexer();
	test_origin_warning();
	test_generic();
	test_directives();
	test_generate();
	test_quoted_words();
	test_include();
	test_limits();
	test_big_file();
	test_knot_corpus();
	test_shortcuts();
	return check_done();
}
