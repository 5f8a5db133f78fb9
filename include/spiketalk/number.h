/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading numbers from text the way every spiketalk parser does: the whole token or nothing.
 *
 * A number is  [+-] DIGITS [. DIGITS] [(e|E) [+-] DIGITS]  with at least one digit before or
 * after the point, in the C locale whatever the process's locale is. The token must be the
 * number and nothing else, so these are refused, each with its own reason: spaces anywhere
 * (' 5', '5 ', '1 0'), hexadecimal ('0x10'), the words inf, infinity and nan, a trailing
 * point or exponent sign without digits ('1e', '1e+'), a number beyond the largest double
 * ('1e309'), and a non-zero number too close to 0 for any double ('1e-400', which would
 * silently read as 0). Subnormal numbers ('5e-324') are finite and accepted as the nearest
 * double. st_format_double (status.h) writes text that this reads back to the same value. */
#ifndef SPIKETALK_NUMBER_H
#define SPIKETALK_NUMBER_H

#include <stddef.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_number_status {
    ST_NUMBER_OK = 0,
    ST_NUMBER_EMPTY,      /* no characters at all */
    ST_NUMBER_SPACE,      /* a space or other blank before, inside or after the number */
    ST_NUMBER_HEX,        /* 0x... */
    ST_NUMBER_WORD,       /* inf, infinity, nan (any case, any sign) */
    ST_NUMBER_SYNTAX,     /* anything else that is not the grammar above */
    ST_NUMBER_OVERFLOW,   /* larger in magnitude than the largest double */
    ST_NUMBER_UNDERFLOW,  /* not zero, but smaller in magnitude than the smallest double */
    ST_NUMBER_NOMEM       /* a very long numeral could not be copied (the allocator failed) */
} st_number_status;

/* Parses the 'n' characters at 's' (no terminating NUL needed; nothing past s[n - 1] is read)
 * as one number by the rules above. On ST_NUMBER_OK *out receives the nearest double (finite);
 * otherwise *out is left alone. A numeral longer than 63 characters is copied through the
 * allocator hook, so its length is limited by memory only. */
ST_API st_number_status st_number_parse(const char *s, size_t n, double *out);

/* A short reason for a status, to follow "'TEXT' is not a number": e.g. "spaces are not part
 * of a number". "" for ST_NUMBER_OK. Never NULL. */
ST_API const char *st_number_why(st_number_status st);

#ifdef __cplusplus
}
#endif
#endif
