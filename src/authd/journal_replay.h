/* Replaying a zone's journal over its base at start (updater_open.c for
 * zones that take updates, secondary_store.c for secondary zones). */
#ifndef BANCHI_AUTHD_JOURNAL_REPLAY_H
#define BANCHI_AUTHD_JOURNAL_REPLAY_H

#include <stddef.h>

#include "journal/journal.h"
#include "zone/change.h"
#include "zone/zonedb.h"

/* The changes after *v's serial applied to *v (replaced by the new
 * version, in one step); *n gets how many. 0, or journal_read's error
 * (BN_ENOTFOUND: the journal does not hold *v's serial) or the patch's
 * (the changes do not apply). */
int journal_replay(struct journal *j, struct zdb_zone **v, size_t *n);

#endif
