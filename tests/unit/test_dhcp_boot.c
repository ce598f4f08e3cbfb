/* Network boot (src/dhcp/boot.c, through reply.c): architecture names,
 * what a request says of network boot, the file chosen by architecture,
 * and the reply's siaddr, file field, options 66, 67 and 60, with the
 * file field kept out of option overload. */
#include <string.h>

#include "base/error.h"
#include "dhcp/boot.h"
#include "dhcp/serve.h"
#include "check.h"

#define NET 0x0a4d0000u         /* 10.77.0.0/24 */
#define SID (NET | 1)
#define URL "http://10.77.0.1/x64/boot.efi"

static struct dhcp_conf conf;
static struct dhcp_boot rules[7];
static const char *user_class;  /* option 77 sent by ask(), or NULL */
static struct dhcp_pool pool;
static struct dhcp_msg req, rep;
static struct dhcp_out out;
static char long_url[220];

static void rule(size_t i, int arch, const char *file)
{
	rules[i].arch = arch;
	rules[i].ipxe = false;
	strcpy(rules[i].file, file);
}

static void setup(size_t nboot)
{
	memset(&conf, 0, sizeof(conf));
	conf.server_id = SID;
	conf.net = NET;
	conf.mask = 0xffffff00;
	conf.first = NET | 10;
	conf.last = NET | 99;
	conf.lease_time = 3600;
	conf.offer_hold = 60;
	conf.decline_time = 600;
	rule(0, 0, "undionly.kpxe");
	rule(1, 7, "bc.efi");
	rule(2, 16, URL);
	rule(3, 19, long_url);
	rule(4, DHCP_ARCH_ANY, "default.0");
	rule(5, 9, "http://10.77.0.1/x64.ipxe");
	rules[5].ipxe = true;
	rule(6, DHCP_ARCH_ANY, "http://10.77.0.1/boot.ipxe");
	rules[6].ipxe = true;
	conf.boot = rules;
	conf.nboot = nboot;
	dhcp_pool_clear(&pool);
	CHECK(dhcp_pool_init(&pool, &conf) == 0);
}

/* A DISCOVER (or type) from MAC 02:..:id with vendor class vc (NULL:
 * none), option 93 arch (< 0: none) and parameter list params. */
static int ask(uint8_t id, int type, const char *vc, int arch,
	       const char *params)
{
	static struct dhcp_msg h;
	struct dhcp_opts o;
	uint8_t pkt[DHCP_REPLY_MAX];
	int n;

	memset(&h, 0, sizeof(h));
	h.op = BOOTREQUEST;
	h.htype = 1;
	h.hlen = 6;
	h.xid = 7000 + id;
	memcpy(h.chaddr, "\x02\0\0\0\0", 5);
	h.chaddr[5] = id;
	dhcp_opts_init(&o);
	dhcp_opts_u8(&o, DO_MSG_TYPE, (uint8_t)type);
	if (type == DHCPREQUEST)
		dhcp_opts_u32(&o, DO_REQ_ADDR, NET | 50);
	if (vc)
		dhcp_opts_add(&o, DO_VENDOR_CLASS, vc, strlen(vc));
	if (arch >= 0)
		dhcp_opts_u16(&o, DO_CLIENT_ARCH, (uint16_t)arch);
	if (params)
		dhcp_opts_add(&o, DO_PARAM_LIST, params, strlen(params));
	if (user_class)
		dhcp_opts_add(&o, DO_USER_CLASS, user_class,
			      strlen(user_class));
	n = dhcp_build(&h, &o, DHCP_DEF_MAX, pkt, sizeof(pkt));
	CHECK(n > 0 && dhcp_parse(&req, pkt, (size_t)n) == 0);
	n = dhcp_serve(&pool, &req, 100, &out);
	if (n == 0 && out.type)
		CHECK(dhcp_parse(&rep, out.pkt, out.len) == 0);
	return n < 0 ? n : out.type;
}

static bool opt_is(uint8_t code, const char *want)
{
	const uint8_t *v;
	size_t len;

	return dhcp_get(&rep, code, &v, &len) && len == strlen(want) &&
	       !memcmp(v, want, len);
}

static void test_arch_names(void)
{
	CHECK(dhcp_arch_parse("bios") == 0);
	CHECK(dhcp_arch_parse("efi-ia32") == 6);
	CHECK(dhcp_arch_parse("efi-bc") == 7);
	CHECK(dhcp_arch_parse("efi-x64") == 9);
	CHECK(dhcp_arch_parse("efi-arm32") == 10);
	CHECK(dhcp_arch_parse("efi-arm64") == 11);
	CHECK(dhcp_arch_parse("efi-x64-http") == 16);
	CHECK(dhcp_arch_parse("efi-arm64-http") == 19);
	CHECK(dhcp_arch_parse("21") == 21);
	CHECK(dhcp_arch_parse("65535") == 65535);
	CHECK(dhcp_arch_parse("65536") == -1);
	CHECK(dhcp_arch_parse("-1") == -1);
	CHECK(dhcp_arch_parse("efi") == -1);
	CHECK(dhcp_arch_parse("9x") == -1);
	CHECK(!strcmp(dhcp_arch_name(11), "efi-arm64"));
	CHECK(dhcp_arch_name(12) == NULL);
}

static void test_client_kind(void)
{
	struct dhcp_boot_client bc;

	setup(0);
	ask(1, DHCPDISCOVER, "PXEClient:Arch:00007:UNDI:003016", 7, NULL);
	dhcp_boot_client_of(&bc, &req);
	CHECK(bc.kind == BOOT_PXE && bc.arch == 7);
	/* no option 93: the architecture in the vendor class */
	ask(1, DHCPDISCOVER, "PXEClient:Arch:00009:UNDI:003016", -1, NULL);
	dhcp_boot_client_of(&bc, &req);
	CHECK(bc.kind == BOOT_PXE && bc.arch == 9);
	/* option 93 wins over the class */
	ask(1, DHCPDISCOVER, "PXEClient:Arch:00009:UNDI:003016", 11, NULL);
	dhcp_boot_client_of(&bc, &req);
	CHECK(bc.arch == 11);
	ask(1, DHCPDISCOVER, "HTTPClient:Arch:00016:UNDI:003001", 16, NULL);
	dhcp_boot_client_of(&bc, &req);
	CHECK(bc.kind == BOOT_HTTP && bc.arch == 16);
	ask(1, DHCPDISCOVER, "PXEClient:Arch:0x007", -1, NULL);
	dhcp_boot_client_of(&bc, &req);
	CHECK(bc.kind == BOOT_PXE && bc.arch == -1);
	ask(1, DHCPDISCOVER, "udhcp 1.35", -1, "\x01\x03\x43");
	dhcp_boot_client_of(&bc, &req);
	CHECK(bc.kind == BOOT_ASKED && bc.arch == -1);
	ask(1, DHCPDISCOVER, "MSFT 5.0", -1, "\x01\x03\x06");
	dhcp_boot_client_of(&bc, &req);
	CHECK(bc.kind == BOOT_NONE);
}

static void test_choice(void)
{
	struct dhcp_boot_client bc = { BOOT_PXE, 7, false };

	setup(5);
	CHECK(dhcp_boot_choose(&conf, &bc) == &rules[1]);
	bc.arch = 0;
	CHECK(dhcp_boot_choose(&conf, &bc) == &rules[0]);
	bc.arch = 11;           /* no rule: the default */
	CHECK(dhcp_boot_choose(&conf, &bc) == &rules[4]);
	bc.arch = -1;
	CHECK(dhcp_boot_choose(&conf, &bc) == &rules[4]);
	bc.kind = BOOT_HTTP;    /* only URLs for HTTP boot */
	bc.arch = 16;
	CHECK(dhcp_boot_choose(&conf, &bc) == &rules[2]);
	bc.arch = 9;
	CHECK(dhcp_boot_choose(&conf, &bc) == NULL);
	bc.kind = BOOT_NONE;
	bc.arch = 7;
	CHECK(dhcp_boot_choose(&conf, &bc) == NULL);
	/* without a default: nothing for other architectures */
	setup(4);
	bc.kind = BOOT_ASKED;
	bc.arch = 11;
	CHECK(dhcp_boot_choose(&conf, &bc) == NULL);
	bc.arch = 0;
	CHECK(dhcp_boot_choose(&conf, &bc) == &rules[0]);
}

/* iPXE asks again with the same vendor class and architecture as the
 * ROM that loaded it: it gets the ipxe rules when there are some. */
static void test_ipxe(void)
{
	struct dhcp_boot_client bc;

	setup(7);
	user_class = "iPXE";
	CHECK(ask(1, DHCPDISCOVER, "PXEClient:Arch:00000:UNDI:002001", 0,
		  NULL) == DHCPOFFER);
	dhcp_boot_client_of(&bc, &req);
	CHECK(bc.ipxe && bc.arch == 0);
	CHECK(!strcmp((char *)rep.file, "http://10.77.0.1/boot.ipxe"));
	CHECK(ask(1, DHCPDISCOVER, "PXEClient:Arch:00009:UNDI:003016", 9,
		  NULL) == DHCPOFFER);
	CHECK(!strcmp((char *)rep.file, "http://10.77.0.1/x64.ipxe"));
	/* RFC 3004 form: a length before the class */
	user_class = "\x04iPXE";
	CHECK(ask(1, DHCPDISCOVER, "PXEClient:Arch:00007", 7, NULL) ==
	      DHCPOFFER);
	CHECK(!strcmp((char *)rep.file, "http://10.77.0.1/boot.ipxe"));
	/* without ipxe rules, iPXE gets the ordinary ones */
	setup(5);
	CHECK(ask(1, DHCPDISCOVER, "PXEClient:Arch:00007", 7, NULL) ==
	      DHCPOFFER);
	CHECK(!strcmp((char *)rep.file, "bc.efi"));
	/* the ROM itself never gets an ipxe rule */
	setup(7);
	user_class = NULL;
	CHECK(ask(1, DHCPDISCOVER, "PXEClient:Arch:00009", 9, NULL) ==
	      DHCPOFFER);
	CHECK(!strcmp((char *)rep.file, "default.0"));
	user_class = "MSFT";
	CHECK(ask(1, DHCPDISCOVER, "PXEClient:Arch:00000", 0, NULL) ==
	      DHCPOFFER);
	CHECK(!strcmp((char *)rep.file, "undionly.kpxe"));
	user_class = NULL;
}

static void test_reply_fields(void)
{
	setup(5);
	/* EFI BC PXE client: file field and siaddr, 67 only when asked */
	CHECK(ask(1, DHCPDISCOVER, "PXEClient:Arch:00007:UNDI:003016", 7,
		  "\x01\x03") == DHCPOFFER);
	CHECK(!strcmp((char *)rep.file, "bc.efi") && rep.siaddr == SID);
	CHECK(!dhcp_has(&rep, DO_BOOTFILE) && !dhcp_has(&rep, DO_VENDOR_CLASS));
	CHECK(ask(1, DHCPREQUEST, "PXEClient:Arch:00000:UNDI:002001", 0,
		  "\x01\x03\x42\x43") == DHCPACK);
	CHECK(!strcmp((char *)rep.file, "undionly.kpxe"));
	CHECK(opt_is(DO_BOOTFILE, "undionly.kpxe"));
	CHECK(!dhcp_has(&rep, DO_TFTP_SERVER));  /* none configured */
	/* boot server and its name */
	conf.boot_server = NET | 9;
	strcpy(conf.boot_server_name, "tftp.lan");
	CHECK(ask(2, DHCPDISCOVER, "PXEClient", -1, "\x42\x43") == DHCPOFFER);
	CHECK(rep.siaddr == (NET | 9) && opt_is(DO_TFTP_SERVER, "tftp.lan"));
	CHECK(opt_is(DO_BOOTFILE, "default.0"));
	CHECK(ask(2, DHCPDISCOVER, "PXEClient", -1, "\x01") == DHCPOFFER);
	CHECK(!dhcp_has(&rep, DO_TFTP_SERVER));
	/* HTTP boot: the URL, and option 60 echoed */
	CHECK(ask(3, DHCPDISCOVER, "HTTPClient:Arch:00016:UNDI:003001", 16,
		  NULL) == DHCPOFFER);
	CHECK(!strcmp((char *)rep.file, URL) && opt_is(DO_VENDOR_CLASS,
							"HTTPClient"));
	/* a URL longer than the file field: option 67 only */
	CHECK(ask(4, DHCPDISCOVER, "HTTPClient:Arch:00019", 19, "\x01") ==
	      DHCPOFFER);
	CHECK(rep.file[0] == 0 && opt_is(DO_BOOTFILE, long_url));
	/* an HTTP client with no URL for it, a plain client: nothing */
	CHECK(ask(5, DHCPDISCOVER, "HTTPClient:Arch:00011", 11, "\x43") ==
	      DHCPOFFER);
	CHECK(rep.file[0] == 0 && rep.siaddr == 0 &&
	      !dhcp_has(&rep, DO_BOOTFILE) && !dhcp_has(&rep, DO_VENDOR_CLASS));
	CHECK(ask(6, DHCPDISCOVER, "MSFT 5.0", -1, "\x01\x03") == DHCPOFFER);
	CHECK(rep.file[0] == 0 && rep.siaddr == 0);
	/* INFORM gets it too (PXE clients with an address) */
	CHECK(ask(7, DHCPINFORM, "PXEClient:Arch:00007", 7, NULL) == DHCPACK);
	CHECK(!strcmp((char *)rep.file, "bc.efi"));
}

/* Options that overflow the options field: with a boot file in the file
 * field the rest goes to sname only; without one, file is used. */
static void test_overload(void)
{
	const uint8_t *v;
	size_t len, i;

	setup(5);
	for (i = 0; i < 290; i += 2)
		memcpy(conf.search + i, "\x01" "a", 2);
	conf.search[290] = 0;
	conf.search_len = 291;
	CHECK(ask(1, DHCPDISCOVER, "PXEClient:Arch:00007", 7,
		  "\x01\x03\x06\x77") == DHCPOFFER);
	CHECK(rep.overload == 2 && !strcmp((char *)rep.file, "bc.efi"));
	CHECK(dhcp_get(&rep, DO_SEARCH, &v, &len) && len == 291);
	CHECK(dhcp_has(&rep, DO_LEASE_TIME) && dhcp_has(&rep, DO_MASK));
	/* a plain client: the file field may carry options */
	CHECK(ask(2, DHCPDISCOVER, NULL, -1, "\x01\x03\x06\x77") ==
	      DHCPOFFER);
	CHECK(rep.overload & 1);
	CHECK(dhcp_get(&rep, DO_SEARCH, &v, &len) && len == 291);
	/* so much that sname is not enough with the file taken: no reply
	 * rather than a broken one */
	conf.search_len = 360;
	memset(conf.search, 0, 360);
	CHECK(ask(3, DHCPDISCOVER, "PXEClient:Arch:00007", 7,
		  "\x01\x03\x06\x77") == BN_ENOSPC && out.type == 0);
	CHECK(ask(3, DHCPDISCOVER, NULL, -1, "\x01\x03\x06\x77") ==
	      DHCPOFFER);
}

int main(void)
{
	memset(long_url, 'u', sizeof(long_url) - 1);
	memcpy(long_url, "http://", 7);
	test_arch_names();
	test_client_kind();
	test_choice();
	test_ipxe();
	test_reply_fields();
	test_overload();
	dhcp_pool_clear(&pool);
	return check_done();
}
