/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared helpers of the spiketalk subcommands. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("spiketalk: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_report(const st_error *err)
{
    cli_error("%s", err->msg[0] ? err->msg : st_status_str(err->code));
    return err->code == ST_ERR_INVAL ? CLI_USAGE : CLI_FAIL;
}

bool cli_flag(char **argv, int i, const char *flag)
{
    return !strcmp(argv[i], flag);
}

bool cli_flag_value(int argc, char **argv, int *i, const char *flag, const char **value,
                    bool *bad)
{
    const char *a = argv[*i];
    size_t n = strlen(flag);
    if (strncmp(a, flag, n))
        return false;
    if (a[n] == '=') {
        *value = a + n + 1;
        return true;
    }
    if (a[n])
        return false;
    if (*i + 1 >= argc) {
        cli_error("%s: needs a value", flag);
        *bad = true;
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

bool cli_number(const char *flag, const char *text, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(x)) {
        cli_error("%s: '%s' is not a finite number", flag, text);
        return false;
    }
    *out = x;
    return true;
}
