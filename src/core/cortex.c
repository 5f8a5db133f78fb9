/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A network that listens (cortex.h): gate, filterbank, per band envelope and current, one
 * network step per millisecond of sound, and the groups' rates as a sine-wave vocoder. */
#include "spiketalk/cortex.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "core-private.h"
#include "spiketalk/backend.h"
#include "spiketalk/options.h"
#include "spiketalk/ring.h"
#include "spiketalk/sonify.h"

#define PI 3.14159265358979323846
/* Samples per internal pass; any size gives the same output (all state is per sample). */
#define CHUNK 256
/* Amplitudes below this are set to 0 at a step, so that a fading band never reaches the
 * subnormal numbers, where arithmetic is a hundred times slower. */
#define AMP_TINY 1e-30

struct st_cortex {
    st_cortex_config cfg;
    st_net *net;
    size_t bands;
    uint32_t n_exc;
    uint32_t *first, *count;     /* each band's group */
    uint16_t *band_of;           /* excitatory neuron -> band */
    uint64_t fs;                 /* the rate, a whole number of Hz */
    st_gate gate;
    st_filterbank fb;
    st_front *front;             /* per band: rectify, moving average, smoothing */
    st_current cur;
    /* state */
    uint64_t pos;                /* samples processed */
    uint64_t step;               /* steps taken */
    uint64_t next_end;           /* the sample count at which the next step is taken */
    bool fault;
    st_error err;
    st_net_spike_fn user_fn;
    void *user_ud;
    /* per band */
    double *env;                 /* bands x CHUNK: the envelopes of one pass */
    double *level_I;             /* the current of the last step */
    double *ref;                 /* the reference, once per band */
    uint32_t *fired;             /* spikes in the last step */
    double *scale;               /* spikes in a step -> amplitude: 1000 / dt / count / full */
    double *target, *amp;        /* the amplitude the last step asks for, and the smoothed one */
    double *osc;                 /* cos, sin, and the rotation cos w, sin w */
    double beta;                 /* the amplitude's smoother, per sample */
    double out_gain;             /* 1 / sqrt(bands) */
    double *drive;               /* n_exc currents for st_net_set_input */
    double x[CHUNK], acc[CHUNK];
    /* meters */
    atomic_uint_least64_t m_samples, m_steps, m_spikes, m_exc, m_inh;
    atomic_uint_least32_t m_last, m_fault;
    atomic_uint_least32_t *m_current, *m_rate; /* float bits, per band */
    /* the display feed: (stamp << 32 | id) per spike */
    st_ring *tap;
    atomic_uint_least64_t tap_lost;
    uint64_t tap_buf[CHUNK];
};

/* ---- names --------------------------------------------------------------------------------- */

static const char *const drive_names[] = {"add", "replace"};

const char *st_net_drive_name(st_net_drive d)
{
    return (unsigned)d < ST_COUNTOF(drive_names) ? drive_names[d] : "?";
}

st_status st_net_drive_parse(const char *name, st_net_drive *out, st_error *err)
{
    int i = st_name_index(drive_names, ST_COUNTOF(drive_names), name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--drive: unknown drive '%s' (add: the bands on top of the "
                            "network's noise; replace: the bands alone)", name ? name : "");
    *out = (st_net_drive)i;
    return ST_OK;
}

/* ---- configuration ------------------------------------------------------------------------ */

st_status st_cortex_config_default(st_cortex_config *c, const char *net, uint32_t neurons,
                                   uint32_t synapses, size_t bands, double fs_hz, st_error *err)
{
    memset(c, 0, sizeof *c);
    st_status st = st_net_preset(net ? net : "izh2003", neurons, synapses, &c->net, err);
    if (st)
        return st;
    c->bank = (st_filterbank_params){.bands = bands ? bands : 16, .fmin_hz = 100.0,
                                     .fmax_hz = 8000.0, .spacing = ST_FB_ERB, .fs_hz = fs_hz};
    st = st_pipeline_recipe("default", true, &c->front, err);
    if (st)
        return st;
    c->front.gain = 10.0;
    c->drive = ST_NET_DRIVE_ADD;
    c->voice_full_hz = 100.0;
    c->voice_tau_ms = 10.0;
    return ST_OK;
}

bool st_cortex_options_given(const st_cortex_options *o)
{
    return o->bands || o->fmin || o->fmax || o->spacing || o->drive || o->gain || o->gate ||
           o->gate_k;
}

st_status st_cortex_configure(const st_cortex_options *o, const st_net_config *net,
                              double fs_hz, st_cortex_config *c, st_error *err)
{
    uint64_t bands = 16;
    st_status st;
    if (o->bands && (st = st_parse_whole("--bands", o->bands, 1, ST_FB_MAX_BANDS, &bands, err)))
        return st;
    if ((st = st_cortex_config_default(c, "izh2003", ST_NET_MIN_NEURONS, 0, (size_t)bands,
                                       fs_hz, err)))
        return st;
    c->net = *net;
    if ((o->fmin && (st = st_parse_number("--fmin", o->fmin, &c->bank.fmin_hz, err))) ||
        (o->fmax && (st = st_parse_number("--fmax", o->fmax, &c->bank.fmax_hz, err))) ||
        (o->spacing && (st = st_fb_spacing_parse(o->spacing, &c->bank.spacing, err))) ||
        (o->drive && (st = st_net_drive_parse(o->drive, &c->drive, err))))
        return st;
    if (o->gain || o->gate || o->gate_k) {
        /* the stages by the pipeline's rules; the gain stays the listening default unless
         * given */
        double gain = c->front.gain;
        const st_pipeline_options po = {.gain = o->gain, .gate = o->gate, .gate_k = o->gate_k};
        if ((st = st_pipeline_configure(&po, true, &c->front, err)))
            return st;
        if (!o->gain)
            c->front.gain = gain;
    }
    return st_cortex_check(c, err);
}

static uint32_t exc_neurons(const st_net_config *c)
{
    uint64_t n = 0;
    for (size_t i = 0; i < c->n_pops && i < ST_NET_MAX_POPS; i++)
        if (!c->pop[i].inhibitory)
            n += c->pop[i].n;
    return (uint32_t)n;
}

/* The excitatory neurons are the populations that are not inhibitory; the groups need them
 * to be the lowest ids, one contiguous range, as both presets have them. */
static st_status check_tonotopy(const st_cortex_config *c, st_error *err)
{
    bool seen_inh = false;
    for (size_t i = 0; i < c->net.n_pops; i++) {
        if (c->net.pop[i].inhibitory)
            seen_inh = true;
        else if (seen_inh)
            return st_error_set(err, ST_ERR_INVAL,
                                "network: the excitatory neurons must come first for the bands "
                                "to drive them");
    }
    uint32_t ne = exc_neurons(&c->net);
    if (ne < c->bank.bands)
        return st_error_set(err, ST_ERR_INVAL,
                            "--bands: %zu bands need at least as many excitatory neurons, and "
                            "the network has %u (give more --neurons or fewer --bands)",
                            c->bank.bands, (unsigned)ne);
    if (c->bank.bands > UINT16_MAX)
        return st_error_set(err, ST_ERR_INVAL, "--bands: too many");
    return ST_OK;
}

st_status st_cortex_check(const st_cortex_config *c, st_error *err)
{
    st_status st = st_net_config_check(&c->net, err);
    if (st)
        return st;
    if (c->net.dt_ms != 1.0)
        return st_error_set(err, ST_ERR_INVAL,
                            "network: a listening network steps 1 ms per millisecond of sound "
                            "(dt is %g ms)", c->net.dt_ms);
    if ((st = st_filterbank_check(&c->bank, err)) || (st = check_tonotopy(c, err)))
        return st;
    if (c->bank.fs_hz != floor(c->bank.fs_hz) || c->bank.fs_hz > 1e7)
        return st_error_set(err, ST_ERR_INVAL,
                            "rate: %g Hz is not a whole number of Hz up to 10 MHz",
                            c->bank.fs_hz);
    if (c->front.mode != ST_RUN_STREAM)
        return st_error_set(err, ST_ERR_INVAL,
                            "network stages: a streaming configuration is needed");
    if (c->front.envelope != ST_ENV_MOVAVG)
        return st_error_set(err, ST_ERR_INVAL,
                            "--envelope: the bands take a moving average (movavg), not %s",
                            st_envelope_name(c->front.envelope));
    if (c->front.normalize != ST_NORM_PEAK && c->front.normalize != ST_NORM_NONE)
        return st_error_set(err, ST_ERR_INVAL,
                            "--normalize: a listening network runs as a stream: peak or none "
                            "(got %s)", st_norm_name(c->front.normalize));
    if ((st = st_pipeline_check(&c->front, c->bank.fs_hz, err)))
        return st;
    if (c->drive != ST_NET_DRIVE_ADD && c->drive != ST_NET_DRIVE_REPLACE)
        return st_error_set(err, ST_ERR_INVAL, "--drive: add or replace");
    if (c->tap_spikes > ST_RING_MAX_CAPACITY)
        return st_error_set(err, ST_ERR_INVAL, "display feed: %zu spikes is more than %zu",
                            c->tap_spikes, ST_RING_MAX_CAPACITY);
    if (!(c->voice_full_hz > 0) || !isfinite(c->voice_full_hz) || !(c->voice_tau_ms > 0) ||
        !isfinite(c->voice_tau_ms))
        return st_error_set(err, ST_ERR_INVAL,
                            "voice: the full-scale rate and the time constant must be > 0");
    return ST_OK;
}

uint64_t st_cortex_memory(const st_cortex_config *c)
{
    double b = (double)c->bank.bands, fs = c->bank.fs_hz > 0 ? c->bank.fs_hz : 44100.0;
    double ne = (double)exc_neurons(&c->net);
    /* per band: the envelope pass, the moving average (at most 10 ms) and smoothing windows */
    double bands = b * (CHUNK * 8.0 + 8.0 * 0.01 * fs + 8.0 * c->front.smooth_s * fs + 256.0);
    double total = (double)st_net_memory(&c->net) + bands + ne * (8.0 + 2.0) +
                   sizeof(st_cortex) + 1e6 * c->front.ref_window_s +
                   8.0 * (double)c->tap_spikes;
    return total < 1.8e19 ? (uint64_t)total : UINT64_MAX;
}

/* ---- create / destroy --------------------------------------------------------------------- */

/* Each band's front end: the pipeline's, with no gate of its own (the sound was gated) and a
 * moving average over one period of the band's centre, at least 1 ms. */
static st_status make_fronts(st_cortex *c, st_error *err)
{
    st_gate_params off = {.mode = ST_GATE_OFF};
    for (size_t j = 0; j < c->bands; j++) {
        st_pipeline_config p = c->cfg.front;
        double period = 1.0 / c->fb.fc_hz[j];
        p.movavg_fs_div = 0;
        p.movavg_n = (size_t)llround((double)c->fs * (period > 0.001 ? period : 0.001));
        st_status st = st_front_init(&c->front[j], &p, &off, (double)c->fs, err);
        if (st)
            return st;
    }
    return ST_OK;
}

/* The current's rule at one value per 1 ms step. */
static st_status make_current(st_cortex *c, st_error *err)
{
    const st_pipeline_config *p = &c->cfg.front;
    double rate = 1000.0 / c->cfg.net.dt_ms;
    st_backend_config bc = {.gain = p->gain, .normalize = p->normalize, .ref = 1.0,
                            .peak_release_s = p->peak_release_s, .peak_floor = p->peak_floor,
                            .ceiling = p->ceiling,
                            .ref_window = (size_t)llround(p->ref_window_s * rate),
                            .ref_span = (size_t)llround(ST_REF_SPAN_S * rate),
                            .ref_frame = (size_t)llround(ST_REF_FRAME_S * rate),
                            .dt_ms = c->cfg.net.dt_ms};
    return st_current_init(&c->cur, &bc, err);
}

static st_status make_groups(st_cortex *c)
{
    size_t b = c->bands;
    c->first = st_calloc(b + 1, sizeof *c->first);
    c->count = st_calloc(b, sizeof *c->count);
    c->band_of = st_calloc(c->n_exc, sizeof *c->band_of);
    c->drive = st_calloc(c->n_exc, sizeof *c->drive);
    if (!c->first || !c->count || !c->band_of || !c->drive)
        return ST_ERR_NOMEM;
    for (size_t j = 0; j <= b; j++)
        c->first[j] = (uint32_t)((uint64_t)c->n_exc * j / b);
    for (size_t j = 0; j < b; j++) {
        c->count[j] = c->first[j + 1] - c->first[j];
        for (uint32_t i = c->first[j]; i < c->first[j + 1]; i++)
            c->band_of[i] = (uint16_t)j;
    }
    return ST_OK;
}

static st_status make_bands(st_cortex *c)
{
    size_t b = c->bands;
    c->front = st_calloc(b, sizeof *c->front);
    c->env = st_calloc(b * CHUNK, sizeof *c->env);
    c->level_I = st_calloc(b, sizeof *c->level_I);
    c->ref = st_calloc(b, sizeof *c->ref);
    c->fired = st_calloc(b, sizeof *c->fired);
    c->scale = st_calloc(b, sizeof *c->scale);
    c->target = st_calloc(b, sizeof *c->target);
    c->amp = st_calloc(b, sizeof *c->amp);
    c->osc = st_calloc(4 * b, sizeof *c->osc);
    c->m_current = st_calloc(b, sizeof *c->m_current);
    c->m_rate = st_calloc(b, sizeof *c->m_rate);
    if (!c->front || !c->env || !c->level_I || !c->ref || !c->fired || !c->scale ||
        !c->target || !c->amp || !c->osc || !c->m_current || !c->m_rate)
        return ST_ERR_NOMEM;
    return ST_OK;
}

static void reset_voice(st_cortex *c)
{
    double full = c->cfg.voice_full_hz, per_s = 1000.0 / c->cfg.net.dt_ms;
    for (size_t j = 0; j < c->bands; j++) {
        double w = 2.0 * PI * c->fb.fc_hz[j] / (double)c->fs;
        c->osc[4 * j] = 1.0;
        c->osc[4 * j + 1] = 0.0;
        c->osc[4 * j + 2] = cos(w);
        c->osc[4 * j + 3] = sin(w);
        c->scale[j] = per_s / ((double)c->count[j] * full);
        c->target[j] = c->amp[j] = 0.0;
        atomic_init(&c->m_current[j], 0u);
        atomic_init(&c->m_rate[j], 0u);
    }
    c->beta = 1.0 - exp(-1000.0 / (c->cfg.voice_tau_ms * (double)c->fs));
    c->out_gain = 1.0 / sqrt((double)c->bands);
}

st_status st_cortex_create(const st_cortex_config *cfg, st_cortex **out, st_error *err)
{
    *out = NULL;
    st_status st = st_cortex_check(cfg, err);
    if (st)
        return st;
    st_cortex *c = st_calloc(1, sizeof *c);
    if (!c)
        return st_error_set(err, ST_ERR_NOMEM, "network: out of memory");
    c->cfg = *cfg;
    c->bands = cfg->bank.bands;
    c->n_exc = exc_neurons(&cfg->net);
    c->fs = (uint64_t)cfg->bank.fs_hz;
    st_gate_params gp = st_front_gate_params(&cfg->front, cfg->bank.fs_hz);
    if ((st = st_net_create(&cfg->net, NULL, &c->net, err)) ||
        (st = st_gate_init(&c->gate, &gp, err)) ||
        (st = st_filterbank_init(&c->fb, &cfg->bank, err)))
        goto fail;
    if (make_groups(c) || make_bands(c)) {
        st = st_error_set(err, ST_ERR_NOMEM, "network: out of memory for the bands");
        goto fail;
    }
    if ((st = make_fronts(c, err)) || (st = make_current(c, err)))
        goto fail;
    if (cfg->tap_spikes && (st = st_ring_create(cfg->tap_spikes, sizeof(uint64_t), &c->tap, err)))
        goto fail;
    atomic_init(&c->tap_lost, 0u);
    st_net_set_drive(c->net, cfg->drive);
    reset_voice(c);
    c->next_end = c->fs / 1000; /* floor(fs / 1000): the end of the first millisecond */
    *out = c;
    return ST_OK;
fail:
    st_cortex_destroy(c);
    return st;
}

void st_cortex_destroy(st_cortex *c)
{
    if (!c)
        return;
    st_net_free(c->net);
    st_gate_free(&c->gate);
    st_filterbank_free(&c->fb);
    if (c->front)
        for (size_t j = 0; j < c->bands; j++)
            st_front_free(&c->front[j]);
    st_current_free(&c->cur);
    st_ring_destroy(c->tap);
    void *arrays[] = {c->first, c->count, c->band_of, c->drive, c->front, c->env,
                      c->level_I, c->ref, c->fired, c->scale, c->target, c->amp, c->osc,
                      (void *)c->m_current, (void *)c->m_rate};
    for (size_t k = 0; k < ST_COUNTOF(arrays); k++)
        st_free(arrays[k]);
    st_free(c);
}

/* ---- processing ---------------------------------------------------------------------------- */

static uint32_t float_bits(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* The step's spikes into the display feed, in pieces of 'tap_buf'; what does not fit is
 * counted (a stamp beyond 32 bits too: 49 days of sound). */
static void feed_tap(st_cortex *c, uint64_t stamp, const uint32_t *ids, size_t n)
{
    uint64_t lost = 0;
    if (stamp > UINT32_MAX) {
        lost = n;
    } else {
        for (size_t off = 0; off < n; off += CHUNK) {
            size_t m = n - off < CHUNK ? n - off : CHUNK;
            for (size_t i = 0; i < m; i++)
                c->tap_buf[i] = stamp << 32 | ids[off + i];
            lost += m - st_ring_write(c->tap, c->tap_buf, m);
        }
    }
    if (lost)
        atomic_fetch_add_explicit(&c->tap_lost, lost, memory_order_relaxed);
}

/* st_net_run's report of a step: counted per group, then passed on. */
static void on_step(void *ud, uint64_t stamp, const uint32_t *ids, size_t n)
{
    st_cortex *c = ud;
    uint64_t exc = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i] < c->n_exc) {
            c->fired[c->band_of[ids[i]]]++;
            exc++;
        }
    atomic_fetch_add_explicit(&c->m_spikes, n, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->m_exc, exc, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->m_inh, n - exc, memory_order_relaxed);
    atomic_store_explicit(&c->m_last, (uint32_t)n, memory_order_relaxed);
    if (c->tap && n)
        feed_tap(c, stamp, ids, n);
    if (c->user_fn)
        c->user_fn(c->user_ud, stamp, ids, n);
}

/* The step that ends at sample i of the pass: the bands' currents from their envelopes there,
 * one network step, and the amplitudes its spikes ask for. */
static void take_step(st_cortex *c, size_t i)
{
    const size_t b = c->bands;
    double level = 0.0, r;
    for (size_t j = 0; j < b; j++) {
        double e = c->env[j * CHUNK + i];
        c->level_I[j] = e; /* the envelope, made a current below */
        level = e > level ? e : level;
    }
    st_current_reference(&c->cur, &level, &r, 1);
    for (size_t j = 0; j < b; j++)
        c->ref[j] = r;
    st_current_scale(&c->cur, c->level_I, c->ref, c->level_I, b);
    for (size_t j = 0; j < b; j++) {
        c->fired[j] = 0;
        for (uint32_t k = c->first[j]; k < c->first[j + 1]; k++)
            c->drive[k] = c->level_I[j];
    }
    if (!c->fault && (st_net_set_input(c->net, 0, c->n_exc, c->drive, &c->err) ||
                      st_net_run(c->net, 1, on_step, c, &c->err))) {
        c->fault = true;
        atomic_store_explicit(&c->m_fault, 1u, memory_order_relaxed);
    }
    for (size_t j = 0; j < b; j++) {
        double a = c->fault ? 0.0 : (double)c->fired[j] * c->scale[j];
        c->target[j] = a < 1.0 ? a : 1.0;
        if (c->amp[j] < AMP_TINY)
            c->amp[j] = 0.0;
        /* the oscillator back on the unit circle (one Newton step for 1 / |z|) */
        double *o = c->osc + 4 * j, g = 1.5 - 0.5 * (o[0] * o[0] + o[1] * o[1]);
        o[0] *= g;
        o[1] *= g;
        atomic_store_explicit(&c->m_current[j], float_bits((float)c->level_I[j]),
                              memory_order_relaxed);
        atomic_store_explicit(&c->m_rate[j], float_bits((float)(c->amp[j] *
                                                                c->cfg.voice_full_hz)),
                              memory_order_relaxed);
    }
    c->step++;
    c->next_end = (c->step + 1) * c->fs / 1000;
    atomic_store_explicit(&c->m_steps, c->step, memory_order_relaxed);
}

/* The vocoder over n samples with the amplitudes' targets fixed, added into acc[]. */
static void voice(st_cortex *c, double *acc, size_t n)
{
    const double beta = c->beta;
    for (size_t j = 0; j < c->bands; j++) {
        double *o = c->osc + 4 * j;
        double co = o[0], si = o[1];
        const double cw = o[2], sw = o[3], t = c->target[j];
        double a = c->amp[j];
        if (a == 0.0 && t == 0.0) {
            /* a silent band still turns, so that its phase does not depend on the blocks */
            for (size_t k = 0; k < n; k++) {
                double c2 = co * cw - si * sw;
                si = si * cw + co * sw;
                co = c2;
            }
        } else {
            for (size_t k = 0; k < n; k++) {
                a += beta * (t - a);
                double c2 = co * cw - si * sw;
                si = si * cw + co * sw;
                co = c2;
                acc[k] += a * si;
            }
        }
        o[0] = co;
        o[1] = si;
        c->amp[j] = a;
    }
}

static void run_pass(st_cortex *c, const float *in, float *out, size_t m)
{
    const size_t b = c->bands;
    for (size_t i = 0; i < m; i++)
        c->x[i] = isfinite(in[i]) ? (double)in[i] : 0.0;
    st_gate_process(&c->gate, c->x, c->x, m);
    for (size_t j = 0; j < b; j++) {
        double *e = c->env + j * CHUNK;
        st_filterbank_process_band(&c->fb, j, c->x, e, m);
        st_front_process(&c->front[j], e, e, e, e, m);
    }
    memset(c->acc, 0, m * sizeof *c->acc);
    const uint64_t base = c->pos;
    size_t i0 = 0;
    while (i0 < m) {
        uint64_t to_end = c->next_end - base; /* > i0: a step has just moved it on */
        size_t i1 = to_end < m ? (size_t)to_end : m;
        voice(c, c->acc + i0, i1 - i0);
        if (base + i1 == c->next_end)
            take_step(c, i1 - 1);
        i0 = i1;
    }
    c->pos = base + m;
    for (size_t i = 0; i < m; i++)
        out[i] = st_soft_limit(c->out_gain * c->acc[i]);
}

void st_cortex_process(st_cortex *c, const float *in, float *out, size_t n,
                       st_net_spike_fn on_spikes, void *ud)
{
    c->user_fn = on_spikes;
    c->user_ud = ud;
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t m = n - off < CHUNK ? n - off : CHUNK;
        run_pass(c, in + off, out + off, m);
    }
    atomic_store_explicit(&c->m_samples, c->pos, memory_order_relaxed);
}

/* ---- what it is and has done --------------------------------------------------------------- */

const st_net *st_cortex_net(const st_cortex *c)
{
    return c->net;
}

const st_cortex_config *st_cortex_config_get(const st_cortex *c)
{
    return &c->cfg;
}

double st_cortex_band_hz(const st_cortex *c, size_t band)
{
    return band < c->bands ? c->fb.fc_hz[band] : NAN;
}

void st_cortex_group(const st_cortex *c, size_t band, uint32_t *first, uint32_t *count)
{
    *first = band < c->bands ? c->first[band] : 0;
    *count = band < c->bands ? c->count[band] : 0;
}

int st_cortex_band_of(const st_cortex *c, uint32_t id)
{
    return id < c->n_exc ? (int)c->band_of[id] : -1;
}

static float bits_float(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

void st_cortex_stats_get(const st_cortex *c, st_cortex_stats *o)
{
    st_cortex *m = (st_cortex *)c; /* the atomics are read, never written */
    o->samples = atomic_load_explicit(&m->m_samples, memory_order_relaxed);
    o->steps = atomic_load_explicit(&m->m_steps, memory_order_relaxed);
    o->spikes = atomic_load_explicit(&m->m_spikes, memory_order_relaxed);
    o->spikes_exc = atomic_load_explicit(&m->m_exc, memory_order_relaxed);
    o->spikes_inh = atomic_load_explicit(&m->m_inh, memory_order_relaxed);
    o->last_spikes = atomic_load_explicit(&m->m_last, memory_order_relaxed);
    o->fault = atomic_load_explicit(&m->m_fault, memory_order_relaxed) != 0;
}

void st_cortex_levels(const st_cortex *c, float *current, float *rate_hz)
{
    st_cortex *m = (st_cortex *)c;
    for (size_t j = 0; j < c->bands; j++) {
        if (current)
            current[j] = bits_float(atomic_load_explicit(&m->m_current[j],
                                                         memory_order_relaxed));
        if (rate_hz)
            rate_hz[j] = bits_float(atomic_load_explicit(&m->m_rate[j], memory_order_relaxed));
    }
}

size_t st_cortex_tap_read(const st_cortex *c, uint64_t *stamp, uint32_t *id, size_t max)
{
    st_cortex *m = (st_cortex *)c; /* the reader's side of the ring is the caller's own */
    if (!m->tap)
        return 0;
    uint64_t e[CHUNK];
    size_t got = 0, k;
    while (got < max && (k = st_ring_read(m->tap, e, max - got < CHUNK ? max - got : CHUNK))) {
        for (size_t i = 0; i < k; i++) {
            stamp[got + i] = e[i] >> 32;
            id[got + i] = (uint32_t)(e[i] & UINT32_MAX);
        }
        got += k;
    }
    return got;
}

uint64_t st_cortex_tap_dropped(const st_cortex *c)
{
    st_cortex *m = (st_cortex *)c;
    return atomic_load_explicit(&m->tap_lost, memory_order_relaxed);
}

bool st_cortex_fault(const st_cortex *c, st_error *err)
{
    if (c->fault && err)
        *err = c->err;
    return c->fault;
}

size_t st_cortex_delay_samples(const st_cortex *c)
{
    size_t mid = c->bands / 2;
    size_t w = c->front[mid].use_envma ? c->front[mid].envma.w : 1;
    size_t s = c->front[mid].use_smooth ? c->front[mid].smooth.w : 1;
    return (w - 1 + s - 1 + 1) / 2;
}
