/* Files of a zone in the zone dir (--zone-dir): NAME.ext, NAME the
 * zone's name without its final dot ("root" for the root zone), escapes
 * as name_to_text writes them. The journal (.jnl), the file as last
 * loaded (.base), the zone the journal starts from (.jbase), a
 * secondary's copy (.zone). */
#ifndef BANCHI_AUTHD_ZONE_DIR_H
#define BANCHI_AUTHD_ZONE_DIR_H

#include <stddef.h>
#include <stdint.h>

void zone_dir_path(char *buf, size_t cap, const char *dir,
		   const uint8_t *origin, const char *ext);

#endif
