/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline's options by name and as text (options.h): numbers, the gate, the stages and
 * the neuron, with the messages every front end shows. */
#include "spiketalk/options.h"

#include "core-private.h"
#include "spiketalk/number.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

st_status st_parse_number_span(const char *flag, const char *s, size_t n, double *out,
                               st_error *err)
{
    st_number_status ns = st_number_parse(s, n, out);
    if (ns == ST_NUMBER_OK)
        return ST_OK;
    return st_error_set(err, ns == ST_NUMBER_NOMEM ? ST_ERR_NOMEM : ST_ERR_INVAL,
                        "%s: '%.*s%s' is not a finite number (%s)", flag, ST_QUOTED(s, n),
                        st_number_why(ns));
}

st_status st_parse_number(const char *flag, const char *text, double *out, st_error *err)
{
    return st_parse_number_span(flag, text ? text : "", text ? strlen(text) : 0, out, err);
}

st_status st_parse_count(const char *flag, const char *text, size_t min, size_t *out,
                         st_error *err)
{
    double x;
    st_status st = st_parse_number(flag, text, &x, err);
    if (st)
        return st;
    if (x < (double)min || x != floor(x) || x > 1e9)
        return st_error_set(err, ST_ERR_INVAL, "%s: must be a whole number >= %zu (got %s)",
                            flag, min, text);
    *out = (size_t)x;
    return ST_OK;
}

st_status st_parse_whole(const char *flag, const char *text, uint64_t lo, uint64_t hi,
                         uint64_t *out, st_error *err)
{
    const char *p = text ? text : "";
    size_t n = strlen(p);
    while (*p == ' ')
        p++;
    char *end = NULL;
    errno = 0;
    unsigned long long x = *p >= '0' && *p <= '9' ? strtoull(p, &end, 10) : 0;
    if (!end || *end != '\0')
        return st_error_set(err, ST_ERR_INVAL, "%s: '%.*s%s' is not a whole number", flag,
                            ST_QUOTED(text ? text : "", n));
    if (errno == ERANGE || x < lo || x > hi)
        return st_error_set(err, ST_ERR_INVAL, "%s: %.*s%s is out of range (%llu to %llu)",
                            flag, ST_QUOTED(text, n), (unsigned long long)lo,
                            (unsigned long long)hi);
    *out = x;
    return ST_OK;
}

st_status st_param_set_text(const st_model *m, st_model_params *p, const char *name,
                            const char *text, st_error *err)
{
    const st_param_desc *d = st_param_find(m, name);
    if (!d)
        return st_error_set(err, ST_ERR_INVAL,
                            "--%.*s%s: unknown option or parameter of model %s (see --help)",
                            ST_QUOTED(name, strlen(name)), m->name);
    char flag[64]; /* a parameter's name from the registry, not the user's text */
    snprintf(flag, sizeof flag, "--%s", d->name);
    double x;
    st_status st = st_parse_number(flag, text, &x, err);
    if (!st)
        st_param_set(p, d, x);
    return st;
}

/* --gate adaptive | leading | fixed:VALUE | off, or on (the recipe's gate, adaptive when it
 * has none). */
static st_status gate_option(const char *text, st_pipeline_config *c, st_error *err)
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
        st_status st = st_parse_number("--gate", text + 6, &c->gate_threshold, err);
        if (st)
            return st;
        if (!(c->gate_threshold >= 0))
            return st_error_set(err, ST_ERR_INVAL,
                                "--gate: the fixed threshold must be >= 0 (got %s)", text + 6);
        c->gate = ST_GATE_FIXED;
    } else {
        return st_error_set(err, ST_ERR_INVAL,
                            "--gate: '%s' is not a gate (adaptive, leading, fixed:VALUE, off or "
                            "on)",
                            text);
    }
    return ST_OK;
}

/* A number that must be > 0, in 'unit'. */
static st_status positive(const char *flag, const char *text, const char *unit, double *out,
                          st_error *err)
{
    st_status st = st_parse_number(flag, text, out, err);
    if (!st && !(*out > 0))
        st = st_error_set(err, ST_ERR_INVAL, "%s: must be a finite number > 0 %s (got %s)", flag,
                          unit, text);
    return st;
}

/* The stage options over the recipe's stages in 'c'. */
static st_status stages(const st_pipeline_options *o, st_pipeline_config *c, st_error *err)
{
    st_status st = ST_OK;
    size_t k;
    if (o->gate && (st = gate_option(o->gate, c, err)))
        return st;
    if (o->gate_k && (st = st_parse_number("--gate-k", o->gate_k, &c->gate_k, err)))
        return st;
    if (o->gate_window) {
        if ((st = positive("--gate-window", o->gate_window, "s", &c->gate_window_s, err)))
            return st;
        c->gate_window_n = 0;
    }
    if (o->gate_thr) {
        if ((st = st_parse_number("--gate-thr", o->gate_thr, &c->gate_threshold, err)))
            return st;
        if (c->gate != ST_GATE_OFF)
            c->gate = ST_GATE_FIXED;
    }
    if ((o->rectify && (st = st_rectify_parse(o->rectify, &c->rectify, err))) ||
        (o->envelope && (st = st_envelope_parse(o->envelope, &c->envelope, err))) ||
        (o->normalize && (st = st_norm_parse(o->normalize, &c->normalize, err))) ||
        (o->sonify && (st = st_sonify_parse(o->sonify, &c->sonify, err))))
        return st;
    if (o->smooth) {
        if ((st = st_parse_count("--smooth", o->smooth, 0, &c->smooth_n, err)))
            return st;
        c->smooth_s = 0;
    }
    if (o->decimate) {
        if ((st = st_parse_count("--decimate", o->decimate, 1, &k, err)))
            return st;
        c->decimate = (unsigned)k;
    }
    if (o->dt && (st = positive("--dt", o->dt, "ms", &c->dt_ms, err)))
        return st;
    if (o->peak_release) {
        if (c->mode != ST_RUN_STREAM)
            return st_error_set(err, ST_ERR_INVAL,
                                "--peak-release: only with --block N (the offline pipeline "
                                "normalises by max or none)");
        if ((st = positive("--peak-release", o->peak_release, "s", &c->peak_release_s, err)))
            return st;
    }
    return ST_OK;
}

/* Model and preset (the library's one rule), parameters, initial state, integrator, gain. */
static st_status neuron(const st_pipeline_options *o, st_pipeline_config *c, st_error *err)
{
    st_status st = ST_OK;
    const st_model *m = NULL;
    if (o->model && !(m = st_model_find(o->model)))
        return st_error_set(err, ST_ERR_INVAL,
                            "--model: unknown model '%s' (izhikevich, izh2007 or hh)", o->model);
    if ((m || o->preset) && (st = st_pipeline_set_neuron(c, m, o->preset, err)))
        return st;
    const st_preset *p = c->preset ? st_preset_find(c->model, c->preset, -1) : NULL;
    for (size_t i = 0; i < o->n_params; i++)
        if ((st = st_param_set_text(c->model, &c->params, o->param_name[i], o->param_value[i],
                                    err)))
            return st;
    if (o->v0 && (st = st_parse_number("--v0", o->v0, &c->v0_mv, err)))
        return st;
    if (o->u0) {
        if ((st = st_parse_number("--u0", o->u0, &c->u0, err)))
            return st;
    } else if (!(p && !isnan(p->u0))) {
        c->u0 = c->model->default_u0(&c->params, c->v0_mv);
    }
    if ((o->integrator && (st = st_integrator_parse(o->integrator, &c->how, err))) ||
        (o->gain && (st = st_parse_number("--gain", o->gain, &c->gain, err))))
        return st;
    return ST_OK;
}

st_status st_pipeline_configure(const st_pipeline_options *o, bool streaming,
                                st_pipeline_config *c, st_error *err)
{
    st_status st = st_pipeline_recipe(o->recipe ? o->recipe : "default", streaming, c, err);
    if (!st)
        st = stages(o, c, err);
    return st ? st : neuron(o, c, err);
}
