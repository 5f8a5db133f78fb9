/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline flags (stages, neuron) shared by the subcommands that stream: their table and
 * the streaming configuration they make, by the same rules as `spiketalk process --block N`. */
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
    if (strncmp(a, "--", 2) || !a[2] || o->n_over == CLI_MAX_OVERRIDES || *i + 1 >= argc) {
        cli_error("%s: unknown option (see 'spiketalk %s --help')", a, cmd);
        return CLI_USAGE;
    }
    o->pname[o->n_over] = a + 2;
    o->pvalue[o->n_over++] = argv[++*i];
    return CLI_OK;
}

static bool count_flag(const char *flag, const char *text, size_t min, size_t *out)
{
    double x;
    if (!cli_number(flag, text, &x))
        return false;
    if (x < (double)min || x != floor(x) || x > 1e9) {
        cli_error("%s: must be a whole number >= %zu (got %s)", flag, min, text);
        return false;
    }
    *out = (size_t)x;
    return true;
}

/* Model, preset (through the library's one rule), parameters, integrator, initial state. */
static int neuron_flags(const cli_pipe_opts *o, st_pipeline_config *c)
{
    st_error err = {0};
    const st_model *m = NULL;
    if (o->model && !(m = st_model_find(o->model))) {
        cli_error("--model: unknown model '%s' (izhikevich, izh2007 or hh)", o->model);
        return CLI_USAGE;
    }
    if ((m || o->preset) && st_pipeline_set_neuron(c, m, o->preset, &err))
        return cli_report(&err);
    const st_preset *p = c->preset ? st_preset_find(c->model, c->preset, -1) : NULL;
    for (size_t i = 0; i < o->n_over; i++)
        if (!cli_set_param(c->model, &c->params, o->pname[i], o->pvalue[i]))
            return CLI_USAGE;
    if (o->v0 && !cli_number("--v0", o->v0, &c->v0_mv))
        return CLI_USAGE;
    if (o->u0) {
        if (!cli_number("--u0", o->u0, &c->u0))
            return CLI_USAGE;
    } else if (!(p && !isnan(p->u0))) {
        c->u0 = c->model->default_u0(&c->params, c->v0_mv);
    }
    if (o->integrator && st_integrator_parse(o->integrator, &c->how, &err))
        return cli_report(&err);
    if (o->gain && !cli_number("--gain", o->gain, &c->gain))
        return CLI_USAGE;
    return CLI_OK;
}

/* --gate adaptive | leading | fixed:VALUE | off, or on (the recipe's gate, adaptive when it
 * has none). */
static int gate_flag(const char *text, st_pipeline_config *c)
{
    if (!strcmp(text, "off")) {
        c->gate = ST_GATE_OFF;
    } else if (!strcmp(text, "on")) {
        if (c->gate == ST_GATE_OFF)
            c->gate = ST_GATE_ADAPTIVE;
    } else if (!strcmp(text, "adaptive")) {
        c->gate = ST_GATE_ADAPTIVE;
    } else if (!strcmp(text, "leading")) {
        c->gate = ST_GATE_LEADING;
    } else if (!strncmp(text, "fixed:", 6)) {
        if (!cli_number("--gate", text + 6, &c->gate_threshold))
            return CLI_USAGE;
        if (!(c->gate_threshold >= 0)) {
            cli_error("--gate: the fixed threshold must be >= 0 (got %s)", text + 6);
            return CLI_USAGE;
        }
        c->gate = ST_GATE_FIXED;
    } else {
        cli_error("--gate: '%s' is not a gate (adaptive, leading, fixed:VALUE, off or on)",
                  text);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* The stage flags over the recipe's stages in 'c'. */
static int stage_flags(const cli_pipe_opts *o, st_pipeline_config *c)
{
    st_error err = {0};
    if (o->gate && gate_flag(o->gate, c))
        return CLI_USAGE;
    if (o->gate_k && !cli_number("--gate-k", o->gate_k, &c->gate_k))
        return CLI_USAGE;
    if (o->gate_window) {
        if (!cli_number("--gate-window", o->gate_window, &c->gate_window_s))
            return CLI_USAGE;
        if (!(c->gate_window_s > 0)) {
            cli_error("--gate-window: must be > 0 s");
            return CLI_USAGE;
        }
        c->gate_window_n = 0;
    }
    if (o->gate_thr) {
        if (!cli_number("--gate-thr", o->gate_thr, &c->gate_threshold))
            return CLI_USAGE;
        if (c->gate != ST_GATE_OFF)
            c->gate = ST_GATE_FIXED;
    }
    if ((o->rectify && st_rectify_parse(o->rectify, &c->rectify, &err)) ||
        (o->envelope && st_envelope_parse(o->envelope, &c->envelope, &err)) ||
        (o->normalize && st_norm_parse(o->normalize, &c->normalize, &err)) ||
        (o->sonify && st_sonify_parse(o->sonify, &c->sonify, &err)))
        return cli_report(&err);
    if (o->smooth) {
        if (!count_flag("--smooth", o->smooth, 0, &c->smooth_n))
            return CLI_USAGE;
        c->smooth_s = 0;
    }
    size_t k;
    if (o->decimate) {
        if (!count_flag("--decimate", o->decimate, 1, &k))
            return CLI_USAGE;
        c->decimate = (unsigned)k;
    }
    if (o->dt && !cli_number("--dt", o->dt, &c->dt_ms))
        return CLI_USAGE;
    if (o->dt && !(c->dt_ms > 0)) {
        cli_error("--dt: must be a finite number > 0 ms (got %s)", o->dt);
        return CLI_USAGE;
    }
    if (o->peak_release) {
        if (c->mode != ST_RUN_STREAM) {
            cli_error("--peak-release: only with --block N (the offline pipeline normalises by "
                      "max or none)");
            return CLI_USAGE;
        }
        if (!cli_number("--peak-release", o->peak_release, &c->peak_release_s))
            return CLI_USAGE;
        if (!(c->peak_release_s > 0)) {
            cli_error("--peak-release: must be > 0 s (got %s)", o->peak_release);
            return CLI_USAGE;
        }
    }
    return CLI_OK;
}

int cli_pipe_config(const cli_pipe_opts *o, bool streaming, st_pipeline_config *c)
{
    st_error err = {0};
    if (st_pipeline_recipe(o->recipe ? o->recipe : "default", streaming, c, &err))
        return cli_report(&err);
    int rc = stage_flags(o, c);
    return rc ? rc : neuron_flags(o, c);
}
