/* Unit tests for src/wire/name.c: presentation <-> wire with escapes and
 * limits, comparison and canonical order (RFC 4034 section 6.1),
 * subdomains, compression round trips and decompression errors. */
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "wire/name.h"

static int from(uint8_t *dst, const char *s, const uint8_t *origin)
{
	return name_from_text(dst, s, strlen(s), origin);
}

/* Text in, text out must equal want (NULL: same as in). */
static void round_text(const char *in, const char *want)
{
	uint8_t w[NAME_MAXLEN];
	char t[NAME_TEXT_MAX];
	int n = from(w, in, NULL), m;

	CHECKF(n > 0, "%s: %d", in, n);
	if (n <= 0)
		return;
	CHECK((size_t)n == name_length(w));
	m = name_to_text(t, sizeof(t), w);
	CHECKF(m > 0 && strcmp(t, want ? want : in) == 0, "%s -> %s", in, t);
	CHECK(m == (int)strlen(t));
}

static void test_from_text(void)
{
	uint8_t w[NAME_MAXLEN], origin[NAME_MAXLEN];
	char buf[400];

	CHECK(from(w, "www.Example.com.", NULL) == 17);
	CHECK(memcmp(w, "\3www\7Example\3com", 17) == 0);
	CHECK(from(w, ".", NULL) == 1 && w[0] == 0);
	CHECK(from(origin, "example.org.", NULL) == 13);
	CHECK(from(w, "@", origin) == 13 && name_equal(w, origin));
	CHECK(from(w, "@", NULL) == BN_ESYNTAX);
	CHECK(from(w, "www", origin) == 17);
	CHECK(memcmp(w, "\3www\7example\3org", 17) == 0);
	CHECK(from(w, "www", NULL) == BN_ESYNTAX);
	CHECK(from(w, "a\\.b.c.", NULL) == 7);
	CHECK(memcmp(w, "\3a.b\1c", 7) == 0);
	CHECK(from(w, "\\065\\.\\\\.", NULL) == 5);
	CHECK(memcmp(w, "\3A.\\", 5) == 0);
	CHECK(from(w, "\\000.", NULL) == 3 && w[0] == 1 && w[1] == 0);
	CHECK(from(w, "\\@.", NULL) == 3 && w[1] == '@');
	CHECK(from(w, "\\256.", NULL) == BN_ESYNTAX);
	CHECK(from(w, "\\06", NULL) == BN_ESYNTAX);
	CHECK(from(w, "\\06x.", NULL) == BN_ESYNTAX);
	CHECK(from(w, "a\\", NULL) == BN_ESYNTAX);
	CHECK(from(w, "a..b.", NULL) == BN_ESYNTAX);
	CHECK(from(w, ".a.", NULL) == BN_ESYNTAX);
	CHECK(from(w, "..", NULL) == BN_ESYNTAX);
	CHECK(from(w, "", NULL) == BN_ESYNTAX);

	/* label limit: 63 fits, 64 does not (escapes count as one octet) */
	memset(buf, 'a', 63);
	strcpy(buf + 63, ".");
	CHECK(from(w, buf, NULL) == 65);
	memset(buf, 'a', 64);
	strcpy(buf + 64, ".");
	CHECK(from(w, buf, NULL) == BN_ELABEL);
	strcpy(buf, "\\097");
	for (int i = 1; i < 64; i++)
		strcat(buf, "a");
	strcat(buf, ".");
	CHECK(from(w, buf, NULL) == BN_ELABEL);

	/* name limit: 3 x 63 + 61 octets = 255 with the root, 62 is 256 */
	buf[0] = 0;
	for (int i = 0; i < 3; i++) {
		memset(buf + strlen(buf), 'b', 63);
		buf[64 * (i + 1) - 1] = '.';
		buf[64 * (i + 1)] = 0;
	}
	memset(buf + 192, 'c', 61);
	strcpy(buf + 253, ".");
	CHECK(from(w, buf, NULL) == 255);
	memset(buf + 192, 'c', 62);
	strcpy(buf + 254, ".");
	CHECK(from(w, buf, NULL) == BN_ENAMELEN);
	/* relative part fits, the origin pushes it over */
	buf[254] = 0;
	CHECK(from(w, buf, origin) == BN_ENAMELEN);
	buf[253] = 0;
	CHECK(from(w, buf, (const uint8_t *)"") == 255);
}

static void test_to_text(void)
{
	uint8_t w[NAME_MAXLEN];
	char t[NAME_TEXT_MAX];

	round_text(".", NULL);
	round_text("example.com.", NULL);
	round_text("ExAmple.COM.", NULL);
	/* BIND's named-compilezone prints this owner exactly so */
	round_text("\\000\\032a\\.b\\@\\$\\(\\)\\;\\\"\\\\\\126\\127\\255~!#%^&*-_+=[]{}|`,<>/?:\\x.example.",
		   "\\000\\032a\\.b\\@\\$\\(\\)\\;\\\"\\\\~\\127\\255~!#%^&*-_+=[]{}|`,<>/?:x.example.");
	round_text("\\*.x.", "*.x.");
	round_text("a\\ b.", "a\\032b.");

	/* every octet value survives a text round trip */
	for (int v = 0; v < 256; v++) {
		uint8_t back[NAME_MAXLEN];
		uint8_t in[4] = { 1, (uint8_t)v, 0 };
		int n = name_to_text(t, sizeof(t), in);

		CHECKF(n > 0 && from(back, t, NULL) == 3 && back[1] == v,
		       "octet %d", v);
	}
	from(w, "abc.def.", NULL);
	CHECK(name_to_text(t, 8, w) == BN_ENOSPC);
	CHECK(name_to_text(t, 9, w) == 8 && strcmp(t, "abc.def.") == 0);
	from(w, "\\..", NULL);
	CHECK(name_to_text(t, 3, w) == BN_ENOSPC);
	CHECK(name_to_text(t, 4, w) == 3);
	from(w, "\\007.", NULL);
	CHECK(name_to_text(t, 6, w) == 5);
	CHECK(name_to_text(t, 5, w) == BN_ENOSPC);
	CHECK(name_to_text(t, 1, (const uint8_t *)"") == BN_ENOSPC);
	CHECK(name_to_text(t, 2, (const uint8_t *)"") == 1);
	/* the worst case fits NAME_TEXT_MAX */
	memset(w, 0, sizeof(w));
	for (int i = 0; i < 4; i++)
		w[i * 64] = i < 3 ? 63 : 61;
	w[254] = 0;
	CHECK(name_length(w) == 255);
	CHECK(name_to_text(t, sizeof(t), w) == 250 * 4 + 4);
}

static void test_check_labels(void)
{
	CHECK(name_check((const uint8_t *)"\3www\0", 5) == 5);
	CHECK(name_check((const uint8_t *)"\3www\0", 4) == BN_ETRUNC);
	CHECK(name_check((const uint8_t *)"\3www", 3) == BN_ETRUNC);
	CHECK(name_check((const uint8_t *)"\3www\300\14", 6) == BN_EPTRNAME);
	CHECK(name_check((const uint8_t *)"\100", 1) == BN_ELABELTYPE);
	CHECK(name_check((const uint8_t *)"\200", 1) == BN_ELABELTYPE);
	CHECK(name_check((const uint8_t *)"", 0) == BN_ETRUNC);
	CHECK(name_check((const uint8_t *)"", 1) == 1);
	uint8_t big[300];

	memset(big, 0, sizeof(big));
	for (int i = 0; i < 4; i++)
		big[i * 64] = 63;
	CHECK(name_check(big, sizeof(big)) == BN_ENAMELEN);
	big[192] = 61;
	CHECK(name_check(big, sizeof(big)) == 255);

	CHECK(name_labels((const uint8_t *)"") == 0);
	CHECK(name_labels((const uint8_t *)"\1a\1b") == 2);
	CHECK(name_length((const uint8_t *)"\1a\1b") == 5);
}

static void test_compare(void)
{
	/* RFC 4034 section 6.1, in canonical order */
	static const char *const order[] = {
		"example.", "a.example.", "yljkjljk.a.example.",
		"Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
		"\\001.z.example.", "*.z.example.", "\\200.z.example.",
	};
	const int n = sizeof(order) / sizeof(order[0]);
	uint8_t a[NAME_MAXLEN], b[NAME_MAXLEN];

	for (int i = 0; i < n; i++) {
		from(a, order[i], NULL);
		CHECK(name_compare(a, a) == 0);
		for (int j = i + 1; j < n; j++) {
			from(b, order[j], NULL);
			CHECKF(name_compare(a, b) < 0, "%s < %s", order[i],
			       order[j]);
			CHECKF(name_compare(b, a) > 0, "%s > %s", order[j],
			       order[i]);
			CHECK(!name_equal(a, b));
		}
	}
	from(a, "WWW.Example.COM.", NULL);
	from(b, "www.example.com.", NULL);
	CHECK(name_equal(a, b) && name_compare(a, b) == 0);
	CHECK(memcmp(a, "\3WWW", 4) == 0);      /* case preserved */
	from(b, "www.example.co.", NULL);
	CHECK(!name_equal(a, b) && name_compare(a, b) > 0);
	from(a, ".", NULL);
	CHECK(name_compare(a, b) < 0 && name_compare(b, a) > 0);
	/* folding is ASCII only: 0xC1 and 0xE1 stay different */
	CHECK(!name_equal((const uint8_t *)"\1\301", (const uint8_t *)"\1\341"));
	/* '[' (0x5B) sorts after 'Z' but before 'z': order is on folded octets */
	from(a, "[.", NULL);
	from(b, "Z.", NULL);
	CHECK(name_compare(a, b) < 0);

	name_to_lower(a);
	from(a, "MiXeD.\\128Ab.", NULL);
	name_to_lower(a);
	CHECK(memcmp(a, "\5mixed\3\200ab", 11) == 0);
}

static void test_subdomain(void)
{
	uint8_t n[NAME_MAXLEN], p[NAME_MAXLEN];

	from(n, "a.b.Example.", NULL);
	from(p, "example.", NULL);
	CHECK(name_is_subdomain(n, p));
	CHECK(!name_is_subdomain(p, n));
	CHECK(name_is_subdomain(p, p));
	CHECK(name_is_subdomain(n, (const uint8_t *)""));
	from(p, "b.example.", NULL);
	CHECK(name_is_subdomain(n, p));
	from(p, "xample.", NULL);
	CHECK(!name_is_subdomain(n, p));
	from(p, "bb.example.", NULL);
	CHECK(!name_is_subdomain(n, p));
}

static void test_compression(void)
{
	static const char *const names[] = {
		"www.example.com.", "mail.EXAMPLE.com.", "example.com.",
		"com.", ".", "a.b.c.example.com.", "b.c.example.com.",
		"other.org.", "www.example.com.", "x.other.ORG.",
	};
	const int n = sizeof(names) / sizeof(names[0]);
	uint8_t msg[512], plain[512], name[NAME_MAXLEN], back[NAME_MAXLEN];
	size_t offs[16];
	struct wbuf w, wp;
	struct compr c;

	memset(msg, 0, 12);
	wbuf_init(&w, msg, sizeof(msg));
	w.len = 12;
	wbuf_init(&wp, plain, sizeof(plain));
	compr_init(&c, msg);
	for (int i = 0; i < n; i++) {
		from(name, names[i], NULL);
		offs[i] = w.len;
		CHECK(name_pack(&w, name, &c) == 0);
		CHECK(name_pack(&wp, name, NULL) == 0);
	}
	CHECK(w.len - 12 < wp.len / 2);
	for (int i = 0; i < n; i++) {
		size_t pos = offs[i];
		int len;

		from(name, names[i], NULL);
		len = name_unpack(msg, w.len, &pos, back);
		CHECKF(len == (int)name_length(name) && name_equal(back, name),
		       "%s", names[i]);
		CHECK(pos == (i + 1 < n ? offs[i + 1] : w.len));
	}
	/* the repeated name is a bare pointer to the first one */
	CHECK(offs[9] - offs[8] == 2 && msg[offs[8]] == 0xc0 &&
	      msg[offs[8] + 1] == 12);
	/* no room: nothing written, table unchanged */
	struct wbuf small;
	uint16_t cc = c.count;

	wbuf_init(&small, msg, w.len + 4);
	small.len = w.len;
	from(name, "new.name.example.net.", NULL);
	CHECK(name_pack(&small, name, &c) == BN_ENOSPC);
	CHECK(small.len == w.len && c.count == cc);
	from(name, "zz.www.example.com.", NULL);
	CHECK(name_pack(&small, name, &c) == BN_ENOSPC);
	small.cap++;
	CHECK(name_pack(&small, name, &c) == 0 && small.len == w.len + 5);
}

/* name_fold8 against the byte-wise rule, every octet value in every
 * position of the word. */
static void test_fold8(void)
{
	unsigned bad = 0;

	for (int pos = 0; pos < 8; pos++) {
		for (int v = 0; v < 256; v++) {
			uint8_t in[8], out[8];
			uint64_t w;

			for (int k = 0; k < 8; k++)
				in[k] = (uint8_t)(k == pos ? v : 'A' + 7 * k);
			memcpy(&w, in, 8);
			w = name_fold8(w);
			memcpy(out, &w, 8);
			for (int k = 0; k < 8; k++) {
				uint8_t c = in[k];
				uint8_t want = c >= 'A' && c <= 'Z' ? c + 32 : c;

				bad += out[k] != want;
			}
		}
	}
	CHECK(bad == 0);
}

/* A name repeated in another case compresses to a bare pointer at any
 * length (the word-wise compare has short and overlapping cases); octets
 * 0x20 apart that are not letters stay different. */
static void test_compression_case(void)
{
	static const char *const same[][2] = {
		{ "A.", "a." }, { "Ab.cD.", "aB.Cd." },
		{ "www.EXAMPLE.com.", "WWW.example.COM." },
		{ "abcdefg.", "ABCDEFG." },
		{ "a-very-long-label.With.Several.parts.", "A-VERY-LONG-LABEL.with.several.PARTS." },
	};
	static const char *const differ[][2] = {
		{ "x[.", "x{." }, { "x@.", "x`." }, { "x\\193.", "x\\225." },
		{ "abcdefgh[.com.", "abcdefgh{.com." },
	};
	uint8_t msg[512], a[NAME_MAXLEN], b[NAME_MAXLEN];
	struct wbuf w;
	struct compr c;
	size_t at;

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		wbuf_init(&w, msg, sizeof(msg));
		w.len = 12;
		compr_init(&c, msg);
		from(a, same[i][0], NULL);
		from(b, same[i][1], NULL);
		CHECK(name_pack(&w, a, &c) == 0);
		at = w.len;
		CHECK(name_pack(&w, b, &c) == 0);
		CHECKF(w.len == at + 2 && msg[at] == 0xc0 && msg[at + 1] == 12,
		       "%s", same[i][1]);
	}
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		wbuf_init(&w, msg, sizeof(msg));
		w.len = 12;
		compr_init(&c, msg);
		from(a, differ[i][0], NULL);
		from(b, differ[i][1], NULL);
		CHECK(name_pack(&w, a, &c) == 0);
		at = w.len;
		CHECK(name_pack(&w, b, &c) == 0);
		CHECKF(w.len > at + 2 && memcmp(msg + at, b, 3) == 0, "%s",
		       differ[i][1]);
	}
}

/* Unpacks a name starting at pos from a hand-made buffer. */
static int unpack_at(const uint8_t *msg, size_t len, size_t pos)
{
	uint8_t dst[NAME_MAXLEN];

	return name_unpack(msg, len, &pos, dst);
}

static void test_decompression_errors(void)
{
	/* label "a" then a pointer back to the name's own start (loop) */
	static const uint8_t loop[] = { 0, 0, 1, 'a', 0xc0, 2 };
	/* pointer to itself */
	static const uint8_t self[] = { 0, 0, 0xc0, 2 };
	/* pointer forward to a valid name */
	static const uint8_t fwd[] = { 0xc0, 2, 1, 'a', 0 };
	/* pointer past the end */
	static const uint8_t past[] = { 0, 0, 0xc0, 9 };
	/* two pointers: 4 -> 0 ("b" + pointer at 2) -> 6 (forward) */
	static const uint8_t loop2[] = { 1, 'b', 0xc0, 6, 0xc0, 0, 1, 'a', 0 };
	/* label types 0x40 and 0x80 */
	static const uint8_t t40[] = { 0x41, 'a', 0 };
	static const uint8_t t80[] = { 1, 'a', 0x80, 0 };
	/* pointer cut after its first octet */
	static const uint8_t cut[] = { 1, 'a', 0xc0 };
	/* label runs past the end, and no root label */
	static const uint8_t trunc[] = { 3, 'a', 'b' };
	static const uint8_t noroot[] = { 1, 'a' };
	uint8_t big[400];
	size_t pos;

	CHECK(unpack_at(loop, sizeof(loop), 2) == BN_EPTRLOOP);
	CHECK(unpack_at(self, sizeof(self), 2) == BN_EPTRLOOP);
	CHECK(unpack_at(fwd, sizeof(fwd), 0) == BN_EPTRFWD);
	CHECK(unpack_at(fwd, sizeof(fwd), 2) == 3);
	CHECK(unpack_at(past, sizeof(past), 2) == BN_EPTRRANGE);
	CHECK(unpack_at(loop2, sizeof(loop2), 4) == BN_EPTRFWD);
	CHECK(unpack_at(t40, sizeof(t40), 0) == BN_ELABELTYPE);
	CHECK(unpack_at(t80, sizeof(t80), 0) == BN_ELABELTYPE);
	CHECK(unpack_at(cut, sizeof(cut), 0) == BN_ETRUNC);
	CHECK(unpack_at(trunc, sizeof(trunc), 0) == BN_ETRUNC);
	CHECK(unpack_at(noroot, sizeof(noroot), 0) == BN_ETRUNC);
	CHECK(unpack_at(noroot, 0, 0) == BN_ETRUNC);

	/* over 255 through pointers: 2 x 64 + 2 x 64 + 1 */
	memset(big, 'x', sizeof(big));
	big[0] = 63;
	big[64] = 63;
	big[128] = 0;                           /* name A: 129 octets */
	big[129] = 63;
	big[193] = 63;
	big[257] = 0xc0;                        /* name B: 2 labels + A */
	big[258] = 0;
	CHECK(unpack_at(big, 259, 129) == BN_ENAMELEN);
	big[193] = 61;
	big[255] = 0xc0;
	big[256] = 0;
	CHECK(unpack_at(big, 257, 129) == 255);
	/* *pos moves past the pointer, not the pointed-to name */
	pos = 129;
	CHECK(name_unpack(big, 257, &pos, NULL) == 255 && pos == 257);
}

int main(void)
{
	test_from_text();
	test_to_text();
	test_check_labels();
	test_compare();
	test_subdomain();
	test_compression();
	test_fold8();
	test_compression_case();
	test_decompression_errors();
	return check_done();
}
