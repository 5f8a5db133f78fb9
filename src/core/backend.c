/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline's back end (backend.h): current -> neuron -> spike flags -> sound, step by step. */
#include "spiketalk/backend.h"

#include <math.h>
#include <string.h>

#include "core-private.h"

/* Steps per internal pass; any size gives the same output (all state is per step). */
#define CHUNK 256

struct st_backend {
    st_backend_config c;
    st_current cur;             /* the current's rule and its peak-hold */
    double vpeak;               /* where a spike is drawn (NAN: the trace holds it) */
    st_sonify_params sp;
    /* state */
    st_sonify_state ss;
    st_model_state ns;
    double prev_I;              /* the current of the last step: the next advance's input */
    bool started;               /* the initial state has been emitted */
    uint64_t step;              /* steps emitted */
    uint64_t spikes;            /* spikes since reset */
    uint64_t fault;             /* step index of the blow-up; 0: none */
    double last_env, last_I, last_v;
    /* work buffers of one pass */
    double I[CHUNK], in[CHUNK], v[CHUNK], u[CHUNK], va[CHUNK]; /* va: audio rate */
    double ref[CHUNK];          /* the current's reference per step */
    uint8_t flag[CHUNK], aflag[CHUNK]; /* spikes per step, per audio sample */
    uint64_t stamp[CHUNK];
};

/* ---- names ---------------------------------------------------------------------------------- */

static const char *const norm_names[] = {"max", "none", "peak"};

const char *st_norm_name(st_norm_mode m)
{
    return (unsigned)m < ST_COUNTOF(norm_names) ? norm_names[m] : "?";
}

st_status st_norm_parse(const char *name, st_norm_mode *out, st_error *err)
{
    int i = st_name_index(norm_names, ST_COUNTOF(norm_names), name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--normalize: unknown mode '%s' (max, peak or none)",
                            name ? name : "");
    *out = (st_norm_mode)i;
    return ST_OK;
}

/* ---- create / reset -------------------------------------------------------------------------- */

static st_status check(const st_backend_config *c, st_error *err)
{
    if (!c->model)
        return st_error_set(err, ST_ERR_INVAL, "--model: no model");
    if (!isfinite(c->gain))
        return st_error_set(err, ST_ERR_INVAL, "--gain: must be a finite number");
    if (!(c->dt_ms > 0 && isfinite(c->dt_ms)))
        return st_error_set(err, ST_ERR_INVAL, "--dt: must be a finite number > 0 ms");
    if (c->hold < 1)
        return st_error_set(err, ST_ERR_INVAL, "--decimate: must be >= 1");
    if ((unsigned)c->how >= ST_INT_COUNT || !(c->model->integrators & ST_INT_BIT(c->how)))
        return st_error_set(err, ST_ERR_INVAL, "--integrator: not offered by model %s",
                            c->model->name);
    if (!isfinite(c->v0_mv) || !isfinite(c->u0))
        return st_error_set(err, ST_ERR_INVAL, "--v0/--u0: must be finite numbers");
    if (c->normalize == ST_NORM_PEAK) {
        if (!(c->peak_release_s > 0 && isfinite(c->peak_release_s)))
            return st_error_set(err, ST_ERR_INVAL,
                                "--peak-release: must be a finite number > 0 s (got %g)",
                                c->peak_release_s);
        if (!(c->peak_floor > 0 && isfinite(c->peak_floor)))
            return st_error_set(err, ST_ERR_INVAL,
                                "peak floor: must be a finite number > 0 (got %g)",
                                c->peak_floor);
    } else if (c->normalize != ST_NORM_MAX && c->normalize != ST_NORM_NONE) {
        return st_error_set(err, ST_ERR_INVAL, "--normalize: unknown mode %d",
                            (int)c->normalize);
    }
    return c->model->check(&c->params, err);
}

st_status st_backend_create(const st_backend_config *c, st_backend **out, st_error *err)
{
    *out = NULL;
    st_status st = check(c, err);
    if (st)
        return st;
    st_backend *b = st_calloc(1, sizeof *b);
    if (!b)
        return st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory");
    b->c = *c;
    b->sp = (st_sonify_params){c->sonify, c->model->v_min_mv, c->model->v_max_mv, c->fs_hz, 20.0,
                               1.0};
    if ((st = st_sonify_init(&b->ss, &b->sp, err)) || (st = st_current_init(&b->cur, c, err))) {
        st_free(b);
        return st;
    }
    st_backend_reset(b);
    *out = b;
    return ST_OK;
}

void st_backend_destroy(st_backend *b)
{
    if (!b)
        return;
    st_current_free(&b->cur);
    st_free(b);
}

void st_backend_reset(st_backend *b)
{
    const st_backend_config *c = &b->c;
    c->model->reset(&b->ns, &c->params, c->v0_mv, c->u0);
    st_sonify_init(&b->ss, &b->sp, NULL); /* checked at create */
    st_current_reset(&b->cur);
    b->prev_I = 0.0;
    b->started = false;
    b->step = 0;
    b->spikes = 0;
    b->fault = 0;
    b->last_env = b->last_I = 0.0;
    b->last_v = c->v0_mv;
}

/* ---- the current ---------------------------------------------------------------------------- */

st_status st_current_init(st_current *k, const st_backend_config *c, st_error *err)
{
    memset(k, 0, sizeof *k);
    double rate_hz = 1000.0 / c->dt_ms;
    k->gain = c->gain;
    k->ceiling = c->ceiling;
    k->normalize = c->normalize;
    k->fixed = c->normalize == ST_NORM_NONE ? 1.0 : c->ref;
    k->decay = c->normalize == ST_NORM_PEAK ? exp(-1.0 / (c->peak_release_s * rate_hz)) : 0.0;
    k->floor = c->peak_floor;
    k->sustained = c->normalize == ST_NORM_PEAK && c->ref_window > 1;
    if (k->sustained) {
        st_status st = st_sustain_init(&k->sus, c->ref_frame ? c->ref_frame : 1, c->ref_span,
                                       c->ref_window, err);
        if (st) {
            k->sustained = false;
            return st;
        }
    }
    st_current_reset(k);
    return ST_OK;
}

void st_current_reset(st_current *k)
{
    k->ref = k->floor;
    if (k->sustained)
        st_sustain_reset(&k->sus);
}

void st_current_free(st_current *k)
{
    if (k->sustained)
        st_sustain_free(&k->sus);
    k->sustained = false;
}

void st_current_reference(st_current *k, const double *level, double *ref, size_t n)
{
    if (k->normalize != ST_NORM_PEAK) {
        for (size_t i = 0; i < n; i++)
            ref[i] = k->fixed;
        return;
    }
    const double decay = k->decay, floor_ = k->floor;
    const double *held = level;
    if (k->sustained) {
        st_sustain_process(&k->sus, level, ref, n);
        held = ref;
    }
    double r = k->ref;
    for (size_t i = 0; i < n; i++) {
        r = held[i] > r * decay ? held[i] : r * decay;
        r = r > floor_ ? r : floor_;
        ref[i] = r;
    }
    k->ref = r;
}

/* The smaller of x and c, inline (libm's fmin is a call, and its NaN rule is not needed:
 * the envelope is finite). */
static inline double below(double x, double c)
{
    return x < c ? x : c;
}

void st_current_scale(const st_current *k, const double *env, const double *ref, double *I,
                      size_t n)
{
    const double gain = k->gain, ceil_ = k->ceiling;
    if (ceil_ > 0)
        for (size_t i = 0; i < n; i++)
            I[i] = ref[i] > 0 ? gain * below(env[i] / ref[i], ceil_) : 0.0;
    else
        for (size_t i = 0; i < n; i++)
            I[i] = ref[i] > 0 ? gain * env[i] / ref[i] : 0.0;
}

/* ---- the steps ------------------------------------------------------------------------------- */

/* The current of n steps from the envelope, by the current's rule. */
static void make_current(st_backend *b, const double *env, size_t n)
{
    st_current_reference(&b->cur, env, b->ref, n);
    st_current_scale(&b->cur, env, b->ref, b->I, n);
}

/* The states at the next n steps: the first step of a run emits the initial state; every other
 * state is reached by the advance with the previous step's current. */
static void neuron(st_backend *b, const st_model_params *p, size_t n, st_spikes *spikes)
{
    const st_model *m = b->c.model;
    const uint64_t k0 = b->step;
    size_t first = 0;
    if (!b->started && n > 0) {
        b->v[0] = b->c.v0_mv;
        b->u[0] = b->c.u0;
        b->started = true;
        first = 1;
    }
    b->in[0] = b->prev_I;
    for (size_t i = 1; i < n; i++)
        b->in[i] = b->I[i - 1];
    if (n)
        b->prev_I = b->I[n - 1];
    memset(b->flag, 0, n);
    if (b->fault) { /* a model stops at a fault and writes nothing more */
        for (size_t i = first; i < n; i++)
            b->v[i] = b->u[i] = NAN;
        return;
    }
    st_spikes own = {b->stamp, CHUNK, 0, 0};
    m->process(&b->ns, p, b->c.how, b->c.dt_ms, b->in + first, b->v + first, b->u + first,
               n - first, &own);
    b->fault = m->fault_step(&b->ns);
    b->spikes += own.count;
    for (size_t k = 0; k < own.count; k++) {
        uint64_t j = own.step[k];
        if (j >= k0 && j - k0 < n)
            b->flag[j - k0] = 1;
        st_spikes_push(spikes, j);
    }
}

/* Each step's state held for 'hold' samples, the first at the peak when the step spiked; at
 * most 'room' samples. Returns the samples written. */
static size_t sound(st_backend *b, size_t n, float *out, size_t room)
{
    const size_t hold = b->c.hold;
    const double vpeak = b->vpeak;
    if (hold == 1) { /* one step per sample: the buffers line up */
        size_t m = n < room ? n : room;
        for (size_t i = 0; i < m; i++)
            b->va[i] = b->flag[i] && !isnan(vpeak) ? vpeak : b->v[i];
        st_sonify_process(&b->ss, &b->sp, b->va, b->flag, out, m);
        return m;
    }
    size_t w = 0, fill = 0;
    for (size_t i = 0; i < n && w + fill < room; i++) {
        for (size_t h = 0; h < hold && w + fill < room; h++) {
            bool spike = h == 0 && b->flag[i];
            b->va[fill] = spike && !isnan(vpeak) ? vpeak : b->v[i];
            b->aflag[fill] = spike;
            if (++fill == CHUNK) {
                st_sonify_process(&b->ss, &b->sp, b->va, b->aflag, out + w, fill);
                w += fill;
                fill = 0;
            }
        }
    }
    st_sonify_process(&b->ss, &b->sp, b->va, b->aflag, out + w, fill);
    return w + fill;
}

void st_backend_process(st_backend *b, const st_model_params *p, const double *env, size_t n,
                        float *out, size_t out_n, st_spikes *spikes, const st_backend_taps *taps)
{
    if (!p)
        p = &b->c.params;
    b->vpeak = b->c.model->vpeak(p);
    size_t written = 0;
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t m = n - off < CHUNK ? n - off : CHUNK;
        make_current(b, env + off, m);
        neuron(b, p, m, spikes);
        if (taps) {
            if (taps->current)
                memcpy(taps->current + off, b->I, m * sizeof *b->I);
            if (taps->v)
                memcpy(taps->v + off, b->v, m * sizeof *b->v);
            if (taps->u)
                memcpy(taps->u + off, b->u, m * sizeof *b->u);
        }
        if (out)
            written += sound(b, m, out + written, out_n - written);
        b->step += m;
        b->last_env = env[off + m - 1];
        b->last_I = b->I[m - 1];
        b->last_v = b->v[m - 1];
    }
}

void st_backend_sound(st_backend *b, const double *va, const uint8_t *spike, float *out,
                      size_t n)
{
    st_sonify_process(&b->ss, &b->sp, va, spike, out, n);
}

uint64_t st_backend_fault(const st_backend *b)
{
    return b->fault;
}

void st_backend_last(const st_backend *b, double *env, double *current, double *v_mv)
{
    if (env)
        *env = b->last_env;
    if (current)
        *current = b->last_I;
    if (v_mv)
        *v_mv = b->last_v;
}

uint64_t st_backend_steps(const st_backend *b)
{
    return b->step;
}

uint64_t st_backend_spike_count(const st_backend *b)
{
    return b->spikes;
}
