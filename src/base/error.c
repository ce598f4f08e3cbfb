/* Text for the error codes of error.h. */
#include "base/error.h"

static const char *const messages[] = {
	[0] = "success",
	[-BN_ENOMEM] = "out of memory",
	[-BN_EINVAL] = "invalid argument",
	[-BN_ENOSPC] = "buffer too small",
	[-BN_ETRUNC] = "truncated input",
	[-BN_ELABEL] = "label longer than 63 octets",
	[-BN_ENAMELEN] = "name longer than 255 octets",
	[-BN_ELABELTYPE] = "reserved label type",
	[-BN_EPTRLOOP] = "compression pointer loop",
	[-BN_EPTRFWD] = "compression pointer does not point backwards",
	[-BN_EPTRRANGE] = "compression pointer outside the message",
	[-BN_ERDLEN] = "RDLENGTH runs past the end of the message",
	[-BN_ERDATA] = "RDATA does not match its type",
	[-BN_ECOUNT] = "section counts disagree with the message",
	[-BN_ETRAILING] = "trailing bytes after the last record",
	[-BN_EOPT] = "bad OPT record",
	[-BN_ESYNTAX] = "syntax error",
	[-BN_ERANGE] = "number out of range",
	[-BN_EUNKNOWN] = "unknown mnemonic",
	[-BN_EIO] = "I/O error",
	[-BN_ESHORT] = "message shorter than its header",
	[-BN_ENOTFOUND] = "not found",
	[-BN_EPTRNAME] = "compressed name where compression is not allowed",
	[-BN_ELIMIT] = "refused by a rate limit",
};

const char *bn_strerror(int err)
{
	if (err > 0 || err <= BN_ERR_MIN || !messages[-err])
		return "unknown error";
	return messages[-err];
}
