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

bool cli_number(const char *flag, const char *text, double *out)
{
    st_error err = {0};
    if (st_parse_number(flag, text, out, &err)) {
        cli_error("%s", err.msg);
        return false;
    }
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
