/* The hooks of the denial proofs in the validation phase: whether a
 * negative answer to a DS query proves that the child has no DS (an
 * insecure delegation, RFC 4035 5.2), and whether a wildcard expansion
 * is proven (no closer name). Until the NSEC/NSEC3 proofs of step 2
 * (doc/design/dnssec-validation.md) are here, the first checks nothing
 * beyond what the caller did (the NSEC/NSEC3 records' signatures, with
 * the parent's keys), and the second proves nothing. */
#include "resolve/iter_int.h"

bool val_ds_absent_proven(struct iter *it, const struct msg *m,
			  const uint8_t *z)
{
	(void)it;
	(void)m;
	(void)z;
	return true;    /* TODO(denial): the NSEC/NSEC3 proof of no DS at z */
}

bool val_wildcard_proven(struct iter *it, const struct rrset *s,
			 uint8_t labels)
{
	(void)it;
	(void)s;
	(void)labels;
	/* TODO(denial): the NSEC/NSEC3 of the reply's authority section
	 * (to be kept for frame 0, as iter_val_keep_proof does for DS) */
	return false;
}
