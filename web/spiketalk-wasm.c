/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The web page's C API (spiketalk-wasm.h): the library's stream and simulation, by number. */
#include "spiketalk-wasm.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "spiketalk/options.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/registry.h"
#include "spiketalk/sim.h"
#include "spiketalk/stimulus.h"
#include "spiketalk/stream.h"

/* The page speaks to the Izhikevich (2003) model, the one of the study and of the keys 1-7. */
static const st_model *model(void)
{
    return st_model_get(ST_MODEL_IZH);
}

static char *copy_text(const char *text)
{
    size_t n = strlen(text) + 1;
    char *c = st_malloc(n);
    if (c)
        memcpy(c, text, n);
    return c;
}

/* ---- memory and the preset table ------------------------------------------------------------ */

void *st_web_alloc(size_t size)
{
    return st_malloc(size ? size : 1);
}

void st_web_free(void *p)
{
    st_free(p);
}

static const st_preset *preset_at(int i)
{
    const st_model *m = model();
    return i >= 0 && (size_t)i < m->n_presets ? &m->presets[i] : NULL;
}

int st_web_preset_count(void)
{
    return (int)model()->n_presets;
}

const char *st_web_preset_name(int i)
{
    const st_preset *p = preset_at(i);
    return p ? p->name : NULL;
}

const char *st_web_preset_title(int i)
{
    const st_preset *p = preset_at(i);
    return p ? p->title : NULL;
}

const char *st_web_preset_letter(int i)
{
    const st_preset *p = preset_at(i);
    return p && p->letter ? p->letter : "";
}

int st_web_preset_kind(int i)
{
    const st_preset *p = preset_at(i);
    return p ? (p->kind == ST_PRESET_FEATURE) : -1;
}

static const st_param_desc *param_at(int i)
{
    const st_model *m = model();
    return i >= 0 && (size_t)i < m->n_params ? &m->params[i] : NULL;
}

int st_web_param_count(void)
{
    return (int)model()->n_params;
}

const char *st_web_param_name(int i)
{
    const st_param_desc *d = param_at(i);
    return d ? d->name : NULL;
}

const char *st_web_param_unit(int i)
{
    const st_param_desc *d = param_at(i);
    return d ? d->unit : NULL;
}

const char *st_web_param_help(int i)
{
    const st_param_desc *d = param_at(i);
    return d ? d->help : NULL;
}

double st_web_param_min(int i)
{
    const st_param_desc *d = param_at(i);
    return d ? d->min : NAN;
}

double st_web_param_max(int i)
{
    const st_param_desc *d = param_at(i);
    return d ? d->max : NAN;
}

int st_web_param_advanced(int i)
{
    const st_param_desc *d = param_at(i);
    return d ? d->advanced : -1;
}

/* ---- the live engine ------------------------------------------------------------------------ */

/* The options by name: where each lives in st_pipeline_options. */
static const struct {
    const char *name;
    size_t offset;
} option_table[] = {
#define OPT(f) {#f, offsetof(st_pipeline_options, f)}
    OPT(recipe), OPT(gate), OPT(gate_k), OPT(gate_window), OPT(gate_thr), OPT(rectify),
    OPT(envelope), OPT(smooth), OPT(gain), OPT(normalize), OPT(peak_release), OPT(model),
    OPT(preset), OPT(integrator), OPT(dt), OPT(decimate), OPT(v0), OPT(u0), OPT(sonify),
#undef OPT
};
#define N_OPTIONS (sizeof option_table / sizeof option_table[0])

struct st_web_live {
    char *text[N_OPTIONS];          /* the options' values as given (owned), NULL: not given */
    st_pipeline_config cfg;         /* of the running stream */
    st_stream *stream;              /* NULL before the first successful start */
    size_t max_block;               /* samples */
    float *in, *out, *env, *v;      /* max_block each */
    st_spikes spikes;               /* one block's stamps (cap max_block) */
    const char *preset;             /* the cell in use (a static name) */
    double meter[ST_WEB_METERS];
    st_error err;
};

st_web_live *st_web_live_new(void)
{
    return st_calloc(1, sizeof(st_web_live));
}

static void drop_stream(st_web_live *w)
{
    st_stream_destroy(w->stream);
    st_free(w->in);
    st_free(w->out);
    st_free(w->env);
    st_free(w->v);
    st_free(w->spikes.step);
    w->stream = NULL;
    w->in = w->out = w->env = w->v = NULL;
    w->spikes = (st_spikes){0};
}

void st_web_live_free(st_web_live *w)
{
    if (!w)
        return;
    drop_stream(w);
    for (size_t i = 0; i < N_OPTIONS; i++)
        st_free(w->text[i]);
    st_free(w);
}

int st_web_live_option(st_web_live *w, const char *name, const char *value)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        if (strcmp(name, option_table[i].name))
            continue;
        char *c = value ? copy_text(value) : NULL;
        if (value && !c)
            return st_error_set(&w->err, ST_ERR_NOMEM, "%s: out of memory", name);
        st_free(w->text[i]);
        w->text[i] = c;
        st_error_clear(&w->err);
        return ST_OK;
    }
    return st_error_set(&w->err, ST_ERR_INVAL, "%s: unknown option", name);
}

static void options_of(const st_web_live *w, st_pipeline_options *o)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < N_OPTIONS; i++)
        memcpy((char *)o + option_table[i].offset, &w->text[i], sizeof(const char *));
}

int st_web_live_start(st_web_live *w, double fs_hz, size_t max_block)
{
    st_pipeline_options o;
    options_of(w, &o);
    st_web_live next = {0};
    st_status st = st_pipeline_configure(&o, true, &next.cfg, &w->err);
    if (!st && max_block == 0)
        st = st_error_set(&w->err, ST_ERR_INVAL, "block: must be at least one sample");
    if (!st)
        st = st_stream_create(&next.cfg, fs_hz, &next.stream, &w->err);
    if (!st)
        st = st_stream_enable_taps(next.stream, max_block, &w->err);
    if (!st) {
        next.in = st_calloc(max_block, sizeof(float));
        next.out = st_calloc(max_block, sizeof(float));
        next.env = st_calloc(max_block, sizeof(float));
        next.v = st_calloc(max_block, sizeof(float));
        if (!next.in || !next.out || !next.env || !next.v || st_spikes_reserve(&next.spikes,
                                                                               max_block))
            st = st_error_set(&w->err, ST_ERR_NOMEM, "stream: out of memory");
    }
    if (st) {
        drop_stream(&next);
        return st;
    }
    drop_stream(w);
    w->cfg = next.cfg;
    w->stream = next.stream;
    w->max_block = max_block;
    w->in = next.in;
    w->out = next.out;
    w->env = next.env;
    w->v = next.v;
    w->spikes = next.spikes;
    w->preset = next.cfg.preset ? next.cfg.preset : "";
    for (size_t i = 0; i < ST_WEB_METERS; i++)
        w->meter[i] = 0.0;
    w->meter[ST_WEB_M_RATE] = fs_hz;
    w->meter[ST_WEB_M_DELAY] = (double)st_stream_delay_samples(w->stream);
    st_error_clear(&w->err);
    return ST_OK;
}

const char *st_web_live_error(const st_web_live *w)
{
    return w->err.msg;
}

float *st_web_live_input(st_web_live *w)
{
    return w->in;
}

float *st_web_live_output(st_web_live *w)
{
    return w->out;
}

float *st_web_live_scope_envelope(st_web_live *w)
{
    return w->env;
}

float *st_web_live_scope_v(st_web_live *w)
{
    return w->v;
}

int st_web_live_process(st_web_live *w, size_t n)
{
    if (!w->stream || n > w->max_block) {
        if (w->out)
            memset(w->out, 0, w->max_block * sizeof(float));
        return 0;
    }
    w->spikes.count = 0;
    w->spikes.dropped = 0;
    st_stream_process(w->stream, w->in, w->out, n, &w->spikes);
    /* the scope's traces, as float: what a canvas can show */
    const double *env = st_stream_tap_envelope(w->stream), *v = st_stream_tap_v(w->stream);
    for (size_t i = 0; i < n; i++) {
        w->env[i] = (float)env[i];
        w->v[i] = (float)v[i];
    }
    return (int)(w->spikes.count + w->spikes.dropped);
}

int st_web_live_set_preset(st_web_live *w, const char *name)
{
    if (!w->stream)
        return st_error_set(&w->err, ST_ERR_INVAL, "preset: the stream is not running");
    const st_preset *p = st_preset_find(w->cfg.model, name, ST_PRESET_CELL);
    if (!p) {
        char near[128];
        st_preset_suggest(w->cfg.model, name, ST_PRESET_CELL, near, sizeof near, 3);
        return st_error_set(&w->err, ST_ERR_INVAL, "preset: unknown preset '%s' for model %s; "
                            "closest: %s", name, w->cfg.model->name, near);
    }
    /* as `spiketalk live` switches: the preset's parameters, published to the stream */
    st_sim_config sc;
    st_status st = st_sim_config_init(&sc, w->cfg.model, p, &w->err);
    if (!st)
        st = st_stream_set_params(w->stream, &sc.params, &w->err);
    if (!st) {
        w->preset = p->name;
        st_error_clear(&w->err);
    }
    return st;
}

const char *st_web_live_preset(const st_web_live *w)
{
    return w->preset ? w->preset : "";
}

double st_web_live_gain(const st_web_live *w)
{
    return w->stream ? w->cfg.gain : NAN;
}

const char *st_web_live_envelope(const st_web_live *w)
{
    return w->stream ? st_envelope_name(w->cfg.envelope) : "";
}

const double *st_web_live_meters(st_web_live *w)
{
    if (!w->stream)
        return NULL;
    st_stream_stats s;
    st_stream_stats_get(w->stream, &s);
    double *m = w->meter;
    m[ST_WEB_M_SAMPLES] = (double)s.samples;
    m[ST_WEB_M_SPIKES] = (double)s.spikes;
    m[ST_WEB_M_PEAK] = s.input_peak;
    m[ST_WEB_M_ENVELOPE] = s.envelope;
    m[ST_WEB_M_CURRENT] = s.current;
    m[ST_WEB_M_V] = s.v_mv;
    m[ST_WEB_M_GATE] = s.gate_threshold;
    m[ST_WEB_M_NOISE] = s.noise_floor;
    m[ST_WEB_M_FAULT] = st_stream_fault(w->stream, NULL);
    return m;
}

int st_web_meter_count(void)
{
    return ST_WEB_METERS;
}

const char *st_web_meter_name(int i)
{
    static const char *const names[ST_WEB_METERS] = {
        "samples", "spikes", "peak", "envelope", "current", "v", "gate", "noise", "delay",
        "fault", "rate"};
    return i >= 0 && i < ST_WEB_METERS ? names[i] : NULL;
}

/* ---- the simulation of one neuron ----------------------------------------------------------- */

struct st_web_sim {
    st_sim_config cfg;
    bool loaded;
    st_sim_trace tr;
    char input[256];            /* the protocol's canonical text */
    st_error err;
};

st_web_sim *st_web_sim_new(void)
{
    st_web_sim *s = st_calloc(1, sizeof(st_web_sim));
    if (s && st_web_sim_preset(s, NULL)) {
        st_free(s);
        return NULL;
    }
    return s;
}

void st_web_sim_free(st_web_sim *s)
{
    if (!s)
        return;
    st_sim_trace_free(&s->tr);
    st_free(s);
}

int st_web_sim_preset(st_web_sim *s, const char *name)
{
    const st_preset *p = NULL;
    if (name && !(p = st_preset_find(model(), name, -1)))
        return st_error_set(&s->err, ST_ERR_INVAL, "preset: unknown preset '%s'", name);
    st_sim_config c;
    st_status st = st_sim_config_init(&c, model(), p, &s->err);
    if (!st) {
        s->cfg = c;
        s->loaded = true;
        st_error_clear(&s->err);
    }
    return st;
}

double st_web_sim_param(const st_web_sim *s, int i)
{
    const st_param_desc *d = param_at(i);
    return d ? st_param_get(&s->cfg.params, d) : NAN;
}

void st_web_sim_set_param(st_web_sim *s, int i, double x)
{
    const st_param_desc *d = param_at(i);
    if (d)
        st_param_set(&s->cfg.params, d, x);
}

int st_web_sim_run(st_web_sim *s)
{
    st_sim_trace_free(&s->tr);
    st_status st = st_sim_check(&s->cfg, &s->err);
    if (!st)
        st = st_sim_collect(&s->cfg, &s->tr, &s->err);
    if (!st)
        st_error_clear(&s->err);
    return st;
}

const char *st_web_sim_error(const st_web_sim *s)
{
    return s->err.msg;
}

size_t st_web_sim_steps(const st_web_sim *s)
{
    return s->tr.n;
}

const double *st_web_sim_t(const st_web_sim *s)
{
    return s->tr.t_ms;
}

const double *st_web_sim_current(const st_web_sim *s)
{
    return s->tr.current;
}

const double *st_web_sim_v(const st_web_sim *s)
{
    return s->tr.v_mv;
}

size_t st_web_sim_spike_count(const st_web_sim *s)
{
    return s->tr.spikes.count;
}

double st_web_sim_spike_step(const st_web_sim *s, size_t i)
{
    return i < s->tr.spikes.count ? (double)s->tr.spikes.step[i] : NAN;
}

double st_web_sim_dt(const st_web_sim *s)
{
    return s->cfg.dt_ms;
}

const char *st_web_sim_input(st_web_sim *s)
{
    st_stimulus_format(&s->cfg.stim, s->input, sizeof s->input);
    return s->input;
}

double st_web_sim_vpeak(const st_web_sim *s)
{
    return s->cfg.model->vpeak(&s->cfg.params);
}
