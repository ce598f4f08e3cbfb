/* banchi-resolver's Landlock rules (daemon/sandbox_fs.h): what it opens
 * once serving. A reload re-reads the config, root hints, trust anchor,
 * hosts and block-list files: their folders at start, and the config's
 * folder with all beneath it (a file a reload names elsewhere needs a
 * restart). Written to: the cache file's folder (PATH.tmp renamed over
 * PATH at stop), the RFC 5011 state file's (PATH.new renamed over PATH
 * on each change), the logs. */
#include "daemon/sandbox_fs.h"
#include "resolverd/config.h"

void rconfig_fs_rules(const struct rconfig *c, const char *ctl,
		      struct sandbox_fs *f)
{
	const char *const read[] = { c->path, c->root_hints, c->trust_anchor,
				     c->hosts, c->blocklist };

	sandbox_fs_add(f, c->basedir, SANDBOX_FS_READ);
	for (size_t i = 0; i < sizeof(read) / sizeof(*read); i++)
		sandbox_fs_add_dir_of(f, read[i], SANDBOX_FS_READ);
	sandbox_fs_add_dir_of(f, c->cache_file, SANDBOX_FS_WRITE);
	sandbox_fs_add_dir_of(f, c->auto_trust_anchor, SANDBOX_FS_WRITE);
	sandbox_fs_add_logs(f, c->qlog.dnstap, c->qlog.query_log);
	sandbox_fs_add_dir_of(f, ctl, SANDBOX_FS_SOCK);
}
