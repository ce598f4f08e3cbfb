/* Counting a reply: its query type, rcode and kind read from its header
 * and question (our own octets, still read with bounds), and its
 * latency bucket. */
#include <string.h>

#include "ctl/ctl_stats.h"
#include "wire/rrtype.h"

/* Slot of each query type counted on its own (0: "other"), indexed by
 * type: one load per reply instead of a search. */
static const uint8_t slot_of[RR_CAA + 1] = {
	[RR_A] = 1, [RR_NS] = 2, [RR_CNAME] = 3, [RR_SOA] = 4, [RR_PTR] = 5,
	[RR_MX] = 6, [RR_TXT] = 7, [RR_AAAA] = 8, [RR_SRV] = 9,
	[RR_NAPTR] = 10, [RR_DS] = 11, [RR_DNSKEY] = 12, [RR_SVCB] = 13,
	[RR_HTTPS] = 14, [RR_CAA] = 15, [RR_ANY] = 16, [RR_AXFR] = 17,
	[RR_IXFR] = 18, [RR_NSEC3PARAM] = 19,
};

static const char *const qtype_names[CTL_QTYPES] = {
	"other", "A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA",
	"SRV", "NAPTR", "DS", "DNSKEY", "SVCB", "HTTPS", "CAA", "ANY",
	"AXFR", "IXFR", "NSEC3PARAM",
};

static const char *const rcode_names[16] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
	"RCODE12", "RCODE13", "RCODE14", "RCODE15",
};

static const char *const kind_names[CTL_KINDS] = {
	"answer", "referral", "nodata", "nxdomain", "error", "dropped",
};

static const double lat_bounds[CTL_LAT_BUCKETS - 1] = {
	0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1,
	0.5, 1.0,
};

/* The question's type, or 0 when there is none to read. */
static uint16_t reply_qtype(const uint8_t *p, size_t len)
{
	size_t i = 12;

	if (len < 12 || !(p[4] | p[5]))
		return 0;
	while (i < len && p[i] && p[i] < 64)
		i += (size_t)p[i] + 1;
	if (i + 3 > len || p[i])
		return 0;
	return (uint16_t)(p[i + 1] << 8 | p[i + 2]);
}

static size_t qtype_slot(uint16_t t)
{
	return t <= RR_CAA ? slot_of[t] : 0;
}

static enum ctl_kind reply_kind(const uint8_t *p)
{
	unsigned rcode = p[3] & 0x0f;
	unsigned an = (unsigned)(p[6] << 8 | p[7]);
	unsigned ns = (unsigned)(p[8] << 8 | p[9]);

	if (rcode == 3)
		return CTL_K_NXDOMAIN;
	if (rcode)
		return CTL_K_ERROR;
	if (an)
		return CTL_K_ANSWER;
	return !(p[2] & 0x04) && ns ? CTL_K_REFERRAL : CTL_K_NODATA;
}

void ctl_qstats_reply(struct ctl_qstats *s, const uint8_t *reply, size_t len)
{
	if (len < 12) {
		ctl_count(&s->kind[CTL_K_DROPPED], 1);
		return;
	}
	ctl_count(&s->qtype[qtype_slot(reply_qtype(reply, len))], 1);
	ctl_count(&s->rcode[reply[3] & 0x0f], 1);
	ctl_count(&s->kind[reply_kind(reply)], 1);
}

void ctl_qstats_latency(struct ctl_qstats *s, uint64_t ns, uint64_t n)
{
	size_t b = 0;
	double sec = (double)ns / 1e9;

	while (b < CTL_LAT_BUCKETS - 1 && sec > lat_bounds[b])
		b++;
	ctl_count(&s->lat[b], n);
	ctl_count(&s->lat_ns, ns * n);
}

void ctl_qsum_add(struct ctl_qsum *sum, struct ctl_qstats *s)
{
	for (size_t i = 0; i < CTL_QTYPES; i++)
		sum->qtype[i] += ctl_counter_get(&s->qtype[i]);
	for (size_t i = 0; i < 16; i++)
		sum->rcode[i] += ctl_counter_get(&s->rcode[i]);
	for (size_t i = 0; i < CTL_KINDS; i++)
		sum->kind[i] += ctl_counter_get(&s->kind[i]);
	for (size_t i = 0; i < CTL_LAT_BUCKETS; i++)
		sum->lat[i] += ctl_counter_get(&s->lat[i]);
	sum->lat_ns += ctl_counter_get(&s->lat_ns);
}

uint64_t ctl_qsum_replies(const struct ctl_qsum *sum)
{
	uint64_t n = 0;

	for (size_t i = 0; i < CTL_KINDS; i++)
		if (i != CTL_K_DROPPED)
			n += sum->kind[i];
	return n;
}

const char *ctl_qtype_name(size_t i)
{
	return i < CTL_QTYPES ? qtype_names[i] : "other";
}

const char *ctl_rcode_name(size_t rcode)
{
	return rcode_names[rcode & 15];
}

const char *ctl_kind_name(size_t k)
{
	return k < CTL_KINDS ? kind_names[k] : "?";
}

double ctl_lat_bound(size_t i)
{
	return i < CTL_LAT_BUCKETS - 1 ? lat_bounds[i] : 0;
}
