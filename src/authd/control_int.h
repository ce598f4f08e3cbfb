/* Internals of banchi-auth's control commands (control*.c): what the
 * loader and the snapshot say of one zone, read in the main thread. */
#ifndef BANCHI_AUTHD_CONTROL_INT_H
#define BANCHI_AUTHD_CONTROL_INT_H

#include <stdbool.h>
#include <time.h>

#include "authd/control.h"
#include "authd/reload.h"

struct daemon;

struct control_what {
	uint8_t origin[NAME_MAXLEN];
	struct zdb_zone *zone;          /* served (one reference), or NULL */
	bool served;
	uint32_t serial;
	size_t records;
	enum loader_kind kind;
	bool catalog;                   /* the catalog this server makes */
	bool dynamic;                   /* takes updates */
	bool db;                        /* served from --zone-db */
	char path[4200];                /* its file ("" when none) */
	time_t file_time;               /* the file's mtime, as loaded */
};

/* Main thread: takes the publish lock briefly. */
void control_what(struct daemon *x, const uint8_t *origin,
		  struct control_what *w);
void control_what_clear(struct control_what *w);
/* -1 with r failed when the zone has no file of its own to verb (a
 * secondary, the catalog made here, not served), else 0. */
int control_not_file(const struct control_what *w, const char *name,
		     const char *verb, struct ctl_reply *r);

#endif
