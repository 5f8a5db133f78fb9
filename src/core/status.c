/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Status strings, error messages, name lookup and the shortest round-trip number format. */
#include "spiketalk/status.h"

#include "core-private.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *st_status_str(st_status code)
{
    switch (code) {
    case ST_OK: return "ok";
    case ST_ERR_INVAL: return "invalid argument";
    case ST_ERR_NOMEM: return "out of memory";
    case ST_ERR_IO: return "input/output error";
    case ST_ERR_FORMAT: return "bad format";
    case ST_ERR_DEVICE: return "audio device error";
    case ST_ERR_NUMERIC: return "numerical error";
    }
    return "unknown error";
}

st_status st_error_set(st_error *err, st_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void st_error_clear(st_error *err)
{
    if (err) {
        err->code = ST_OK;
        err->msg[0] = '\0';
    }
}

char *st_format_double(char *buf, size_t size, double x)
{
    /* Plain decimals in the everyday range ("100", not "1e+02"); exponents outside it. */
    bool plain = x == 0 || (fabs(x) >= 1e-5 && fabs(x) < 1e16);
    for (int prec = plain ? 0 : 1; prec <= 17; prec++) {
        snprintf(buf, size, plain ? "%.*f" : "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return buf;
    }
    snprintf(buf, size, "%.17g", x);
    return buf;
}

int st_name_index(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcasecmp(name, names[i]))
            return (int)i;
    return -1;
}
