/* IXFR out of a zone's journal (journal_ixfr.c): the one copy of the
 * changes a transfer sends, for the zones that take updates (the
 * writer's journals) and the secondary zones (the refresher's). */
#ifndef BANCHI_AUTHD_JOURNAL_IXFR_H
#define BANCHI_AUTHD_JOURNAL_IXFR_H

#include <stdint.h>

#include "auth/answer.h"
#include "journal/journal.h"
#include "zone/zonedb.h"

/* The changes of j from serial from up to z's serial, copied into out
 * (released by out->release). BN_ENOTFOUND when j is NULL or does not
 * hold that whole chain (the caller answers in AXFR form), BN_EIO,
 * BN_ENOMEM. Thread-safe against the journal's writer (journal.h):
 * any thread, while j stays open. */
int journal_ixfr_changes(struct journal *j, const struct zdb_zone *z,
			 uint32_t from, struct auth_xfr_changes *out);

#endif
