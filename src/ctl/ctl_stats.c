/* Counting a reply: its query type, rcode and kind read from its header
 * and question (our own octets, still read with bounds), and its
 * latency bucket. */
#include <string.h>

#include "ctl/ctl_stats.h"
#include "wire/rrtype.h"

static const uint16_t qtypes[CTL_QTYPES] = {
	0, RR_A, RR_NS, RR_CNAME, RR_SOA, RR_PTR, RR_MX, RR_TXT, RR_AAAA,
	RR_SRV, RR_NAPTR, RR_DS, RR_DNSKEY, RR_SVCB, RR_HTTPS, RR_CAA,
	RR_ANY, RR_AXFR, RR_IXFR, RR_NSEC3PARAM,
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
	for (size_t i = 1; i < CTL_QTYPES; i++)
		if (qtypes[i] == t)
			return i;
	return 0;
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
