/* Unit tests for src/wire/name_follow.c: compression against the owner
 * written last (pointer to the longest shared suffix, octet-exact, only
 * below 0x4000), what the description of a written name holds, and a
 * run of names read back with name_unpack. */
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "wire/name.h"

static void wire(uint8_t *dst, const char *text)
{
	CHECK(name_from_text(dst, text, strlen(text), NULL) > 0);
}

/* name read back from msg at off equals want. */
static bool reads_back(const uint8_t *msg, size_t len, size_t off,
		       const char *want)
{
	uint8_t got[NAME_MAXLEN], w[NAME_MAXLEN];

	wire(w, want);
	return name_unpack(msg, len, &off, got) > 0 &&
	       memcmp(got, w, name_length(w)) == 0;
}

static void test_pointers(void)
{
	static uint8_t msg[512];
	uint8_t a[NAME_MAXLEN], b[NAME_MAXLEN], c[NAME_MAXLEN], d[NAME_MAXLEN];
	struct compr_last none = { 0 }, l1, l2, l3;
	struct wbuf w;

	wbuf_init(&w, msg, sizeof(msg));
	w.len = 12;
	wire(a, "h1.g1.Example.test.");
	wire(b, "h2.g1.Example.test.");
	wire(c, "h3.g2.example.test.");
	wire(d, "h2.g1.Example.test.");
	/* nothing before: in full, each suffix where it was written */
	CHECK(name_pack_last(&w, a, &none, &l1) == 0 && w.len == 12 + 20);
	CHECK(l1.name == a && l1.nlabels == 4);
	CHECK(l1.at[0] == 12 && l1.at[1] == 15 && l1.at[3] == 26);
	/* a sibling: its first label, then a pointer to "g1..." */
	CHECK(name_pack_last(&w, b, &l1, &l2) == 0 && w.len == 32 + 5);
	CHECK(msg[35] == 0xc0 && msg[36] == 15);
	CHECK(l2.at[0] == 32 && l2.at[1] == 15 && l2.at[2] == 18);
	/* "example" differs in case from "Example": only "test." shared */
	CHECK(name_pack_last(&w, c, &l2, &l3) == 0);
	CHECK(w.len == 37 + 16 && msg[51] == 0xc0 && msg[52] == 26);
	/* the same name: one pointer; an RDATA name describes nothing */
	CHECK(name_pack_last(&w, d, &l2, NULL) == 0 && w.len == 55);
	CHECK(msg[53] == 0xc0 && msg[54] == 32);
	CHECK(reads_back(msg, w.len, 12, "h1.g1.Example.test."));
	CHECK(reads_back(msg, w.len, 32, "h2.g1.Example.test."));
	CHECK(reads_back(msg, w.len, 37, "h3.g2.example.test."));
	CHECK(reads_back(msg, w.len, 53, "h2.g1.Example.test."));
}

/* Past 0x4000 a suffix written there cannot be pointed to: the longest
 * shorter one written before can. */
static void test_pointer_limit(void)
{
	static uint8_t msg[0x4100];
	uint8_t a[NAME_MAXLEN], b[NAME_MAXLEN], c[NAME_MAXLEN];
	struct compr_last none = { 0 }, l1, l2, l3;
	struct wbuf w;

	wbuf_init(&w, msg, sizeof(msg));
	w.len = 12;
	wire(a, "a.zone.");
	wire(b, "b.new.zone.");
	wire(c, "c.new.zone.");
	CHECK(name_pack_last(&w, a, &none, &l1) == 0);
	w.len = 0x4000;
	CHECK(name_pack_last(&w, b, &l1, &l2) == 0);
	CHECK(w.len == 0x4000 + 8 && msg[0x4006] == 0xc0 &&
	      msg[0x4007] == 14);
	CHECK(l2.at[1] == 0x4002 && l2.at[2] == 14);
	CHECK(name_pack_last(&w, c, &l2, &l3) == 0);
	CHECK(w.len == 0x4008 + 8 && msg[0x400e] == 0xc0 &&
	      msg[0x400f] == 14);
	CHECK(reads_back(msg, w.len, 0x4008, "c.new.zone."));
}

static void test_no_room(void)
{
	uint8_t msg[40], a[NAME_MAXLEN], b[NAME_MAXLEN];
	struct compr_last none = { 0 }, l1, l2 = { 0 };
	struct wbuf w;

	wbuf_init(&w, msg, sizeof(msg));
	w.len = 12;
	wire(a, "host.example.test.");
	wire(b, "longer-label.example.test.");
	CHECK(name_pack_last(&w, a, &none, &l1) == 0 && w.len == 31);
	CHECK(name_pack_last(&w, b, &l1, &l2) == BN_ENOSPC);
	CHECK(w.len == 31 && l2.name == NULL);
	/* the root: one octet, nothing shared */
	CHECK(name_pack_last(&w, (const uint8_t *)"", &l1, &l2) == 0);
	CHECK(w.len == 32 && msg[31] == 0 && l2.nlabels == 0);
}

int main(void)
{
	test_pointers();
	test_pointer_limit();
	test_no_room();
	return check_done();
}
