/* The hook of the denial proofs in the validation phase: whether a
 * negative answer to a DS query proves that the child has no DS (an
 * insecure delegation, RFC 4035 5.2). Until the NSEC/NSEC3 proofs of
 * step 2 (doc/design/dnssec-validation.md) are here, the NSEC/NSEC3
 * records' signatures are all that is checked (by the caller, with the
 * parent's keys): which names and types they deny is not. */
#include "resolve/iter_int.h"

bool val_ds_absent_proven(struct iter *it, const struct msg *m,
			  const uint8_t *z)
{
	(void)it;
	(void)m;
	(void)z;
	return true;    /* TODO(denial): the NSEC/NSEC3 proof of no DS at z */
}
