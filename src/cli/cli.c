/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared helpers of the spiketalk subcommands. */
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spiketalk/number.h"
#include "spiketalk/output.h"

static FILE *err_stream;

void cli_error_stream(FILE *f)
{
    err_stream = f;
}

void cli_error(const char *fmt, ...)
{
    FILE *f = err_stream ? err_stream : stderr;
    if (!fmt) /* never; without it GCC under -fsanitize=undefined warns of a NULL format */
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("spiketalk: ", f);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    va_end(ap);
}

static void print_error(const st_error *err)
{
    const char *msg = err->msg[0] ? err->msg : st_status_str(err->code);
    if (err->code == ST_ERR_NOMEM && cli_memory_refused()) {
        char lim[32];
        cli_error("%s (the memory limit of %s was reached; see --max-memory)", msg,
                  st_format_size(lim, sizeof lim, cli_memory_limit()));
    } else {
        cli_error("%s", msg);
    }
}

int cli_report(const st_error *err)
{
    print_error(err);
    return err->code == ST_ERR_INVAL || err->code == ST_ERR_FORMAT ? CLI_USAGE : CLI_FAIL;
}

int cli_refuse(const st_error *err)
{
    print_error(err);
    return err->code == ST_ERR_NOMEM ? CLI_FAIL : CLI_USAGE;
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

int cli_parse(int argc, char **argv, const cli_opt *opts, size_t n_opts, const char *cmd,
              void (*help)(FILE *), cli_other_fn other, void *ud)
{
    for (int i = 1; i < argc; i++) {
        if (cli_flag(argv, i, "--help") || cli_flag(argv, i, "-h")) {
            help(stdout);
            return -1;
        }
        bool bad = false, matched = false;
        for (size_t k = 0; k < n_opts && !matched; k++) {
            if (opts[k].on) {
                if ((matched = cli_flag(argv, i, opts[k].flag)))
                    *opts[k].on = true;
            } else if ((matched = cli_flag_value(argc, argv, &i, opts[k].flag, opts[k].value,
                                                 &bad))) {
                if (bad)
                    return CLI_USAGE;
            }
        }
        if (matched)
            continue;
        if (!other) {
            cli_error("%s: unknown option (see 'spiketalk %s --help')", argv[i], cmd);
            return CLI_USAGE;
        }
        int rc = other(ud, argc, argv, &i);
        if (rc)
            return rc;
    }
    return CLI_OK;
}

/* ---- values -------------------------------------------------------------------------------- */

/* "%.*s%s" arguments that quote user text in a message, cut at 60 characters with "..."; the
 * text itself is always parsed whole. */
#define QUOTE_MAX 60
#define QUOTED(s, n) (int)((n) > QUOTE_MAX ? QUOTE_MAX : (n)), (s), ((n) > QUOTE_MAX ? "..." : "")

static bool span_number(const char *flag, const char *s, size_t n, double *out, st_error *err)
{
    return st_parse_number_span(flag, s, n, out, err) == ST_OK;
}

bool cli_parse_number(const char *flag, const char *text, double *out, st_error *err)
{
    return span_number(flag, text, text ? strlen(text) : 0, out, err);
}

bool cli_number(const char *flag, const char *text, double *out)
{
    st_error err = {0};
    if (cli_parse_number(flag, text, out, &err))
        return true;
    print_error(&err);
    return false;
}

bool cli_parse_numbers(const char *flag, const char *text, char sep, double *x, size_t max,
                       size_t *n, st_error *err)
{
    *n = 0;
    size_t len = text ? strlen(text) : 0;
    if (len == 0) {
        st_error_set(err, ST_ERR_INVAL, "%s: needs a number", flag);
        return false;
    }
    for (size_t at = 0;;) {
        const char *p = memchr(text + at, sep, len - at);
        size_t end = p ? (size_t)(p - text) : len;
        if (end == at) {
            st_error_set(err, ST_ERR_INVAL,
                         "%s: '%.*s%s': an empty value (a '%c' with nothing %s it)", flag,
                         QUOTED(text, len), sep, at == 0 ? "before" : "after");
            return false;
        }
        if (*n == max) {
            st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s' has more than %zu values", flag,
                         QUOTED(text, len), max);
            return false;
        }
        if (!span_number(flag, text + at, end - at, &x[*n], err))
            return false;
        ++*n;
        if (end == len)
            return true;
        at = end + 1;
        if (at == len) {
            st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s' ends with '%c' (a value is missing)",
                         flag, QUOTED(text, len), sep);
            return false;
        }
    }
}

int cli_numbers(const char *flag, const char *text, char sep, double *x, size_t max)
{
    st_error err = {0};
    size_t n;
    if (cli_parse_numbers(flag, text, sep, x, max, &n, &err))
        return (int)n;
    print_error(&err);
    return -1;
}

bool cli_parse_size(const char *flag, const char *text, uint64_t *bytes, st_error *err)
{
    static const struct {
        const char *name;
        double scale;
    } units[] = {{"", 1.0},          {"b", 1.0},         {"k", 1024.0},        {"kib", 1024.0},
                 {"m", 1048576.0},   {"mib", 1048576.0}, {"g", 1073741824.0}, {"gib", 1073741824.0},
                 {"t", 1099511627776.0}, {"tib", 1099511627776.0}};
    size_t len = text ? strlen(text) : 0, num = len;
    while (num > 0 && ((text[num - 1] | 0x20) >= 'a' && (text[num - 1] | 0x20) <= 'z'))
        num--; /* the unit: the letters at the end */
    if (num == 0 || (num < len && (text[num] | 0x20) == 'e'))
        num = len; /* "nan", "5e": no unit; the number says what is wrong */
    size_t k = 0, nu = sizeof units / sizeof units[0];
    for (; k < nu; k++)
        if (strlen(units[k].name) == len - num &&
            !strncasecmp(text + num, units[k].name, len - num))
            break;
    if (k == nu) {
        st_error_set(err, ST_ERR_INVAL,
                     "%s: '%.*s%s': unknown unit '%.*s%s' (B, K, M, G, T: powers of 1024)", flag,
                     QUOTED(text, len), QUOTED(text + num, len - num));
        return false;
    }
    double x;
    if (!span_number(flag, text, num, &x, err))
        return false;
    double b = x * units[k].scale;
    if (!(b >= 1.0) || !(b < 18446744073709551616.0)) {
        st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s' must be at least 1 byte and below 16 EiB",
                     flag, QUOTED(text, len));
        return false;
    }
    *bytes = (uint64_t)b;
    return true;
}

const st_preset *cli_find_preset(const st_model *m, const char *name, int kind,
                                 const char *flag)
{
    const st_preset *p;
    st_error err = {0};
    if (st_preset_lookup(m, name, kind, flag, &p, &err))
        cli_error("%s", err.msg);
    return p;
}

bool cli_set_param(const st_model *m, st_model_params *p, const char *name, const char *text)
{
    st_error err = {0};
    if (st_param_set_text(m, p, name, text, &err)) {
        cli_error("%s", err.msg);
        return false;
    }
    return true;
}
