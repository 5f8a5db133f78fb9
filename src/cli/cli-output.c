/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The outputs of a command's run: declared and checked before the work, written to temporary
 * files, committed together or not at all (st_outset). */
#include <string.h>

#include "cli.h"
#include "spiketalk/output.h"

/* One run per process, so one set: the plot writers find their temporary file by the path
 * they were given, and need no other argument. */
static st_outset *outs;

static st_outset *the_set(void)
{
    st_error err = {0};
    if (!outs && st_outset_new(&outs, &err))
        cli_report(&err);
    return outs;
}

int cli_outputs_input(const char *what, const char *path)
{
    st_error err = {0};
    st_outset *s = the_set();
    if (!s)
        return CLI_FAIL;
    return st_outset_input(s, path, what, &err) ? cli_report(&err) : CLI_OK;
}

int cli_outputs_add(const char *flag, const char *path, cli_out_kind kind, uint64_t bytes)
{
    if (!path)
        return CLI_OK;
    st_error err = {0};
    st_outset *s = the_set();
    if (!s)
        return CLI_FAIL;
    if (kind == CLI_OUT_PLOT && st_plot_check_path(path, NULL, &err)) {
        cli_error("%s: %s", flag, err.msg);
        return CLI_USAGE;
    }
    if (st_outset_add(s, path, flag, bytes, NULL, &err))
        return cli_refuse(&err);
    return CLI_OK;
}

int cli_outputs_check_space(void)
{
    st_error err = {0};
    if (outs && st_outset_check_space(outs, &err))
        return cli_refuse(&err);
    return CLI_OK;
}

void cli_outputs_expect(const char *path, uint64_t bytes)
{
    st_outset_expect(outs, st_outset_find(outs, path), bytes);
}

static int declared(const char *path)
{
    int id = st_outset_find(outs, path);
    if (id < 0)
        cli_error("%s: not declared as an output (a bug)", path);
    return id;
}

FILE *cli_outputs_open(const char *path)
{
    int id = declared(path);
    if (id < 0)
        return NULL;
    FILE *f;
    st_error err = {0};
    if (st_outset_open(outs, id, &f, &err)) {
        cli_report(&err);
        return NULL;
    }
    return f;
}

const char *cli_outputs_temp(const char *path)
{
    int id = declared(path);
    if (id < 0)
        return NULL;
    const char *tmp;
    st_error err = {0};
    if (st_outset_path(outs, id, &tmp, &err)) {
        cli_report(&err);
        return NULL;
    }
    return tmp;
}

void cli_outputs_fix_message(st_error *err)
{
    st_outset_fix_message(outs, err);
}

st_status cli_plot_save(const st_plot_figure *fig, const char *path, st_error *err)
{
    int id = st_outset_find(outs, path);
    if (id < 0)
        return st_plot_save(fig, path, err);
    const char *tmp;
    st_status st = st_outset_path(outs, id, &tmp, err);
    if (st)
        return st;
    st_temp_hold();
    st = st_plot_save(fig, tmp, err);
    st_temp_release();
    if (st)
        st_outset_fix_message(outs, err);
    return st;
}

int cli_outputs_commit(void)
{
    if (!outs)
        return CLI_OK;
    st_error err = {0};
    st_status st = st_outset_commit(outs, &err);
    st_outset_free(outs);
    outs = NULL;
    return st ? cli_report(&err) : CLI_OK;
}

void cli_outputs_abort(void)
{
    st_outset_free(outs);
    outs = NULL;
}
