/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline flags (stages, neuron) shared by `process` and `live`: their table; the rules
 * that turn them into a configuration are the library's (options.h). */
#include <math.h>
#include <string.h>

#include "cli.h"

void cli_pipe_table(cli_pipe_opts *o, cli_opt *table, size_t *n)
{
    const cli_opt t[] = {
        {"--recipe", &o->recipe, NULL},        {"--gate", &o->gate, NULL},
        {"--gate-k", &o->gate_k, NULL},        {"--gate-window", &o->gate_window, NULL},
        {"--gate-thr", &o->gate_thr, NULL},    {"--rectify", &o->rectify, NULL},
        {"--envelope", &o->envelope, NULL},    {"--smooth", &o->smooth, NULL},
        {"--gain", &o->gain, NULL},            {"--normalize", &o->normalize, NULL},
        {"--peak-release", &o->peak_release, NULL},
        {"--model", &o->model, NULL},          {"--preset", &o->preset, NULL},
        {"--integrator", &o->integrator, NULL}, {"--dt", &o->dt, NULL},
        {"--decimate", &o->decimate, NULL},    {"--v0", &o->v0, NULL},
        {"--u0", &o->u0, NULL},                {"--sonify", &o->sonify, NULL}};
    _Static_assert(sizeof t / sizeof t[0] == CLI_PIPE_N_OPTS, "CLI_PIPE_N_OPTS is out of date");
    memcpy(table + *n, t, sizeof t);
    *n += sizeof t / sizeof t[0];
}

int cli_pipe_param(cli_pipe_opts *o, int argc, char **argv, int *i, const char *cmd)
{
    const char *a = argv[*i];
    if (strncmp(a, "--", 2) || !a[2] || o->n_params == ST_MAX_PARAM_OPTIONS || *i + 1 >= argc) {
        cli_error("%s: unknown option (see 'spiketalk %s --help')", a, cmd);
        return CLI_USAGE;
    }
    o->param_name[o->n_params] = a + 2;
    o->param_value[o->n_params++] = argv[++*i];
    return CLI_OK;
}

int cli_pipe_config(const cli_pipe_opts *o, bool streaming, st_pipeline_config *c)
{
    st_error err = {0};
    return st_pipeline_configure(o, streaming, c, &err) ? cli_report(&err) : CLI_OK;
}
