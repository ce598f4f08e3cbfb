/* Zone text out of the serving form: node by node in canonical order
 * (the apex, with its SOA, first), each RRset's records one a line with
 * the set's TTL, RDATA through rdata_to_text. Saved through a temporary
 * file so that a crash leaves the old copy or the new one, never half. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/zonefile_write.h"
#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

/* RDATA of 65535 octets as hex, with room for the spaces rdata_to_text
 * puts between fields. */
#define RDATA_TEXT_MAX (4 * 65536 + 64)

static int write_set(FILE *f, const char *owner, const struct zdb_rrset *s,
		     char *text)
{
	char tbuf[16];
	const char *type = rrtype_to_text(s->type, tbuf);

	for (uint16_t i = 0; i < s->count; i++) {
		int n = rdata_to_text(s->type, s->rr[i].data, s->rr[i].len,
				      text, RDATA_TEXT_MAX);
		if (n < 0)
			n = rdata_to_generic_text(s->rr[i].data,
						  s->rr[i].len, text,
						  RDATA_TEXT_MAX);
		if (n < 0)
			return BN_ERDATA;
		if (fprintf(f, "%s\t%u\tIN\t%s\t%s\n", owner, s->ttl, type,
			    text) < 0)
			return BN_EIO;
	}
	return 0;
}

/* The node's sets; the apex's SOA went first already. */
static int write_node(FILE *f, const struct zdb_node *n, bool apex,
		      char *text)
{
	char owner[NAME_TEXT_MAX];
	int ret;

	name_to_text(owner, sizeof(owner), n->owner);
	for (uint16_t i = 0; i < n->nsets; i++) {
		if (apex && n->sets[i].type == RR_SOA)
			continue;
		ret = write_set(f, owner, &n->sets[i], text);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int zonefile_write(FILE *f, const struct zdb_zone *z)
{
	const struct zdb_node *apex = zdb_zone_apex(z);
	const struct zdb_rrset *soa = zdb_node_rrset(apex, RR_SOA);
	char owner[NAME_TEXT_MAX];
	char *text = malloc(RDATA_TEXT_MAX);
	int ret;

	if (!text)
		return BN_ENOMEM;
	name_to_text(owner, sizeof(owner), apex->owner);
	ret = soa ? write_set(f, owner, soa, text) : BN_EINVAL;
	for (size_t i = 0; ret == 0 && i < zdb_zone_node_count(z); i++) {
		const struct zdb_node *n = zdb_zone_node(z, i);
		if (!(n->flags & ZDB_ENT))
			ret = write_node(f, n, n == apex, text);
	}
	free(text);
	if (ret == 0 && fflush(f) != 0)
		ret = BN_EIO;
	return ret;
}

static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return BN_ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0 || fsync(fd) < 0)
		ret = BN_EIO;
	if (fd >= 0)
		close(fd);
	return ret;
}

int zonefile_save_head(const char *path, const struct zdb_zone *z,
		       const char *head)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 5);
	FILE *f;
	int ret, err;

	if (!tmp)
		return BN_ENOMEM;
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".tmp", 5);
	f = fopen(tmp, "we");
	if (!f) {
		free(tmp);
		return BN_EIO;
	}
	ret = head && fputs(head, f) < 0 ? BN_EIO : 0;
	if (ret == 0)
		ret = zonefile_write(f, z);
	if (ret == 0 && fsync(fileno(f)) < 0)
		ret = BN_EIO;
	err = errno;
	if (fclose(f) != 0 && ret == 0)
		ret = BN_EIO;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = BN_EIO;
	if (ret == 0)
		ret = sync_dir(path);
	else
		unlink(tmp);
	free(tmp);
	errno = err;
	return ret;
}

int zonefile_save(const char *path, const struct zdb_zone *z)
{
	return zonefile_save_head(path, z, NULL);
}

int zonefile_copy(const char *from, const char *to)
{
	size_t len = strlen(to);
	char *tmp = malloc(len + 5), buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, ret = BN_EIO;
	ssize_t n = 0;

	if (tmp && in >= 0) {
		memcpy(tmp, to, len);
		memcpy(tmp + len, ".tmp", 5);
		out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	}
	while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (out >= 0 && n == 0 && fsync(out) == 0)
		ret = 0;
	if (out >= 0 && close(out) != 0)
		ret = BN_EIO;
	if (ret == 0 && rename(tmp, to) < 0)
		ret = BN_EIO;
	if (ret == 0)
		ret = sync_dir(to);
	else if (out >= 0)
		unlink(tmp);
	if (in >= 0)
		close(in);
	free(tmp);
	return ret;
}
