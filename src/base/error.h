/* Error codes shared by every module: 0 is success, errors are negative.
 * bn_strerror() turns a code into text for logs and messages. */
#ifndef BANCHI_BASE_ERROR_H
#define BANCHI_BASE_ERROR_H

enum bn_err {
	BN_OK = 0,
	BN_ENOMEM = -1,      /* allocation failed */
	BN_EINVAL = -2,      /* invalid argument or state */
	BN_ENOSPC = -3,      /* output buffer too small */
	BN_ETRUNC = -4,      /* input ends before the item does */
	BN_ELABEL = -5,      /* label longer than 63 octets */
	BN_ENAMELEN = -6,    /* name longer than 255 octets */
	BN_ELABELTYPE = -7,  /* reserved label type (0x40, 0x80) */
	BN_EPTRLOOP = -8,    /* compression pointers loop */
	BN_EPTRFWD = -9,     /* compression pointer does not point backwards */
	BN_EPTRRANGE = -10,  /* compression pointer outside the message */
	BN_ERDLEN = -11,     /* RDLENGTH runs past the end of the message */
	BN_ERDATA = -12,     /* RDATA does not match its type's layout */
	BN_ECOUNT = -13,     /* section counts disagree with the message */
	BN_ETRAILING = -14,  /* bytes after the last record */
	BN_EOPT = -15,       /* bad OPT record (owner, place, duplicate) */
	BN_ESYNTAX = -16,    /* text syntax error */
	BN_ERANGE = -17,     /* number out of range */
	BN_EUNKNOWN = -18,   /* unknown mnemonic */
	BN_EIO = -19,        /* I/O error (errno has details) */
	BN_ESHORT = -20,     /* message shorter than a header */
	BN_ENOTFOUND = -21,  /* lookup found nothing */
	BN_EPTRNAME = -22,   /* compression pointer where names must not be compressed */
	BN_ELIMIT = -23,     /* refused by a rate limit */
	BN_ERR_MIN = -24
};

/* Static, never NULL. */
const char *bn_strerror(int err);

#endif
