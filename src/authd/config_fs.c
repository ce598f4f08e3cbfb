/* banchi-auth's Landlock rules (daemon/sandbox_fs.h): what it opens
 * after start-up. Reload re-reads the config, its key files and zone
 * files: the config's folder (with all beneath it) and every zone and
 * key file's folder at start; a zone file a reload adds elsewhere needs
 * a restart. Written to: the zone dir (journals, secondaries, catalog),
 * the folders of zone files that take updates (zone-flush), the
 * SQLite database's folder (-wal, -shm, -journal), the logs. */
#include <string.h>

#include "authd/config.h"
#include "daemon/sandbox_fs.h"

static bool takes_updates(const struct config *c, const uint8_t *origin)
{
	for (size_t i = 0; i < c->nupdates; i++)
		if (name_equal(c->updates[i].origin, origin))
			return true;
	return false;
}

static void add_zones(const struct config *c, struct sandbox_fs *f)
{
	char buf[4200];

	for (size_t i = 0; i < c->nzones; i++) {
		const struct cfg_zone *z = &c->zones[i];
		const char *p = config_zone_path(c, z, buf, sizeof(buf));

		sandbox_fs_add_dir_of(f, p, takes_updates(c, z->origin) ?
					    SANDBOX_FS_WRITE : SANDBOX_FS_READ);
	}
}

void config_fs_rules(const struct config *c, const char *ctl,
		     struct sandbox_fs *f)
{
	if (c->path)
		sandbox_fs_add_dir_of(f, c->path, SANDBOX_FS_READ);
	sandbox_fs_add(f, c->basedir, SANDBOX_FS_READ);
	add_zones(c, f);
	for (size_t i = 0; i < c->nkeyfiles; i++)
		sandbox_fs_add_dir_of(f, c->keyfiles[i], SANDBOX_FS_READ);
	sandbox_fs_add(f, c->zone_dir, SANDBOX_FS_WRITE);
	if (c->zone_db && !strncmp(c->zone_db, "sqlite:", 7))
		sandbox_fs_add_dir_of(f, c->zone_db + 7, SANDBOX_FS_WRITE);
	sandbox_fs_add_logs(f, c->qlog.dnstap, c->qlog.query_log);
	sandbox_fs_add_dir_of(f, ctl, SANDBOX_FS_SOCK);
}
