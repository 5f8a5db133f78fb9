/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming driver (stream.h): the causal front end (gate, rectify, moving average or FIR
 * Hilbert, boxcar) feeding the back end, all state carried across blocks. */
#include "spiketalk/stream.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "core-private.h"

/* Samples per internal pass through the stages. Any size gives the same output (every stage
 * keeps per-sample state); this one keeps the work buffers, inside the stream, at 10 KiB. */
#define CHUNK 256

/* The parameter exchange: a slot index plus this bit says "newer than what the reader has". */
#define FRESH 4u

enum { TAP_GATED, TAP_RECT, TAP_ENV, TAP_CUR, TAP_V, TAP_U, N_TAPS };

struct st_stream {
    /* fixed at create */
    st_pipeline_config cfg;
    double fs_hz;               /* Hz */
    size_t delay;               /* st_stream_delay_samples, samples */
    /* the stages */
    st_front front_end;         /* gate, rectify, envelope, boxcar */
    st_backend *back;
    /* state of the processing thread */
    uint64_t pos;               /* samples processed */
    unsigned front;             /* the params slot in use */
    /* parameter exchange: a triple buffer. The publisher fills 'back' and swaps it with
     * 'middle'; the processing thread swaps 'front' with 'middle' when FRESH is set. No slot
     * is ever written while the other side can read it, and neither side waits. */
    st_model_params slot[3];
    atomic_uint middle;         /* slot index | FRESH */
    unsigned pub;               /* publisher's slot */
    /* meters (relaxed atomics; floats as their bits) */
    atomic_uint_least64_t m_samples, m_spikes, m_thr, m_floor, m_fault;
    atomic_uint_least32_t m_peak, m_env, m_cur, m_v;
    atomic_bool fault;
    /* taps */
    size_t tap_max;             /* 0: disabled */
    double *tap[N_TAPS];
    /* work buffers of one chunk */
    double x[CHUNK], g[CHUNK], r[CHUNK], e[CHUNK];
};

/* ---- create / destroy / reset -------------------------------------------------------------- */

static st_status stages(st_stream *s, st_error *err)
{
    const st_pipeline_config *p = &s->cfg;
    st_gate_params gp = st_front_gate_params(p, s->fs_hz);
    st_status st = st_front_init(&s->front_end, p, &gp, s->fs_hz, err);
    if (!st) {
        st_backend_config bc = {
            .gain = p->gain, .normalize = p->normalize, .ref = 1.0,
            .peak_release_s = p->peak_release_s, .peak_floor = p->peak_floor,
            .ceiling = p->ceiling,
            .ref_window = (size_t)llround(p->ref_window_s * s->fs_hz),
            .ref_span = (size_t)llround(ST_REF_SPAN_S * s->fs_hz),
            .ref_frame = (size_t)llround(ST_REF_FRAME_S * s->fs_hz),
            .model = p->model, .params = p->params, .v0_mv = p->v0_mv, .u0 = p->u0,
            .how = p->how, .dt_ms = 1000.0 / s->fs_hz, /* as offline's 1000 * decimate / fs */
            .sonify = p->sonify, .fs_hz = s->fs_hz, .hold = 1};
        st = st_backend_create(&bc, &s->back, err);
    }
    return st;
}

st_status st_stream_create(const st_pipeline_config *c, double fs_hz, st_stream **out,
                           st_error *err)
{
    *out = NULL;
    if (c->mode != ST_RUN_STREAM)
        return st_error_set(err, ST_ERR_INVAL, "stream: the configuration is not a streaming one "
                                               "(st_pipeline_recipe with streaming true)");
    st_status st = st_pipeline_check(c, fs_hz, err);
    if (st)
        return st;
    st_stream *s = st_calloc(1, sizeof *s);
    if (!s)
        return st_error_set(err, ST_ERR_NOMEM, "stream: out of memory");
    s->cfg = *c;
    s->fs_hz = fs_hz;
    s->delay = st_pipeline_delay_samples(c, fs_hz);
    if ((st = stages(s, err))) {
        st_stream_destroy(s);
        return st;
    }
    s->slot[0] = c->params;
    s->front = 0;
    atomic_init(&s->middle, 1u);
    s->pub = 2;
    st_stream_reset(s);
    *out = s;
    return ST_OK;
}

void st_stream_destroy(st_stream *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < N_TAPS; i++)
        st_free(s->tap[i]);
    st_backend_destroy(s->back);
    st_front_free(&s->front_end);
    st_free(s);
}

static uint32_t float_bits(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static float bits_float(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static uint64_t double_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static double bits_double(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

void st_stream_reset(st_stream *s)
{
    s->pos = 0;
    st_front_reset(&s->front_end);
    st_backend_reset(s->back);
    atomic_store_explicit(&s->fault, false, memory_order_relaxed);
    atomic_store_explicit(&s->m_fault, 0, memory_order_relaxed);
    atomic_store_explicit(&s->m_samples, 0, memory_order_relaxed);
    atomic_store_explicit(&s->m_spikes, 0, memory_order_relaxed);
    atomic_store_explicit(&s->m_thr, double_bits(st_gate_current_threshold(&s->front_end.gate)),
                          memory_order_relaxed);
    atomic_store_explicit(&s->m_floor, double_bits(st_gate_noise_floor(&s->front_end.gate)),
                          memory_order_relaxed);
    atomic_store_explicit(&s->m_peak, float_bits(0.0f), memory_order_relaxed);
    atomic_store_explicit(&s->m_env, float_bits(0.0f), memory_order_relaxed);
    atomic_store_explicit(&s->m_cur, float_bits(0.0f), memory_order_relaxed);
    atomic_store_explicit(&s->m_v, float_bits((float)s->cfg.v0_mv), memory_order_relaxed);
}

/* ---- processing ----------------------------------------------------------------------------- */

/* Takes the newest published parameters, if any. */
static const st_model_params *take_params(st_stream *s)
{
    if (atomic_load_explicit(&s->middle, memory_order_relaxed) & FRESH) {
        unsigned m = atomic_exchange_explicit(&s->middle, s->front, memory_order_acq_rel);
        s->front = m & ~FRESH;
    }
    return &s->slot[s->front];
}

void st_stream_process(st_stream *s, const float *in, float *out, size_t n, st_spikes *spikes)
{
    const st_model_params *p = take_params(s);
    float peak = 0.0f;
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t m = n - off < CHUNK ? n - off : CHUNK;
        for (size_t i = 0; i < m; i++) {
            float a = fabsf(in[off + i]);
            peak = a > peak ? a : peak;
            s->x[i] = in[off + i];
        }
        st_front_process(&s->front_end, s->x, s->g, s->r, s->e, m);
        st_backend_taps bt = {NULL, NULL, NULL};
        if (off < s->tap_max) {
            size_t k = s->tap_max - off < m ? s->tap_max - off : m;
            memcpy(s->tap[TAP_GATED] + off, s->g, k * sizeof *s->g);
            memcpy(s->tap[TAP_RECT] + off, s->r, k * sizeof *s->r);
            memcpy(s->tap[TAP_ENV] + off, s->e, k * sizeof *s->e);
            if (k == m)
                bt = (st_backend_taps){s->tap[TAP_CUR] + off, s->tap[TAP_V] + off,
                                       s->tap[TAP_U] + off};
        }
        st_backend_process(s->back, p, s->e, m, out + off, m, spikes, &bt);
        s->pos += m;
    }
    if (n == 0)
        return;
    uint64_t fault = st_backend_fault(s->back);
    if (fault && !atomic_load_explicit(&s->fault, memory_order_relaxed)) {
        atomic_store_explicit(&s->m_fault, fault, memory_order_relaxed);
        atomic_store_explicit(&s->fault, true, memory_order_release); /* after the sample */
    }
    double env, cur, v;
    st_backend_last(s->back, &env, &cur, &v);
    atomic_store_explicit(&s->m_spikes, st_backend_spike_count(s->back), memory_order_relaxed);
    atomic_fetch_add_explicit(&s->m_samples, n, memory_order_relaxed);
    atomic_store_explicit(&s->m_thr, double_bits(st_gate_current_threshold(&s->front_end.gate)),
                          memory_order_relaxed);
    atomic_store_explicit(&s->m_floor, double_bits(st_gate_noise_floor(&s->front_end.gate)),
                          memory_order_relaxed);
    atomic_store_explicit(&s->m_peak, float_bits(isfinite(peak) ? peak : 0.0f),
                          memory_order_relaxed);
    atomic_store_explicit(&s->m_env, float_bits((float)env), memory_order_relaxed);
    atomic_store_explicit(&s->m_cur, float_bits((float)cur), memory_order_relaxed);
    atomic_store_explicit(&s->m_v, float_bits((float)v), memory_order_relaxed);
}

/* ---- control ------------------------------------------------------------------------------- */

void st_stream_gate_track(st_stream *s, st_gate_track *track)
{
    s->front_end.gate.track = track;
}

size_t st_stream_delay_samples(const st_stream *s)
{
    return s->delay;
}

st_status st_stream_set_params(st_stream *s, const st_model_params *p, st_error *err)
{
    st_status st = s->cfg.model->check(p, err);
    if (st)
        return st;
    s->slot[s->pub] = *p;
    unsigned old = atomic_exchange_explicit(&s->middle, s->pub | FRESH, memory_order_acq_rel);
    s->pub = old & ~FRESH;
    return ST_OK;
}

void st_stream_stats_get(const st_stream *s, st_stream_stats *out)
{
    /* the meters are only read here; the casts drop const for C11's non-const atomic loads */
    st_stream *w = (st_stream *)s;
    out->samples = atomic_load_explicit(&w->m_samples, memory_order_relaxed);
    out->spikes = atomic_load_explicit(&w->m_spikes, memory_order_relaxed);
    out->input_peak = bits_float(atomic_load_explicit(&w->m_peak, memory_order_relaxed));
    out->envelope = bits_float(atomic_load_explicit(&w->m_env, memory_order_relaxed));
    out->current = bits_float(atomic_load_explicit(&w->m_cur, memory_order_relaxed));
    out->v_mv = bits_float(atomic_load_explicit(&w->m_v, memory_order_relaxed));
    out->gate_threshold = bits_double(atomic_load_explicit(&w->m_thr, memory_order_relaxed));
    out->noise_floor = bits_double(atomic_load_explicit(&w->m_floor, memory_order_relaxed));
}

bool st_stream_fault(const st_stream *s, uint64_t *sample)
{
    st_stream *w = (st_stream *)s;
    bool f = atomic_load_explicit(&w->fault, memory_order_acquire);
    if (f && sample)
        *sample = atomic_load_explicit(&w->m_fault, memory_order_relaxed);
    return f;
}

/* ---- taps ---------------------------------------------------------------------------------- */

st_status st_stream_enable_taps(st_stream *s, size_t max_block, st_error *err)
{
    double *t[N_TAPS] = {NULL};
    bool ok = max_block > 0;
    for (size_t i = 0; ok && i < N_TAPS; i++)
        ok = (t[i] = st_calloc(max_block, sizeof(double))) != NULL;
    if (!ok) {
        for (size_t i = 0; i < N_TAPS; i++)
            st_free(t[i]);
        return max_block ? st_error_set(err, ST_ERR_NOMEM, "stream: out of memory for taps")
                         : st_error_set(err, ST_ERR_INVAL, "stream taps: max_block must be > 0");
    }
    for (size_t i = 0; i < N_TAPS; i++) {
        st_free(s->tap[i]);
        s->tap[i] = t[i];
    }
    s->tap_max = max_block;
    return ST_OK;
}

const double *st_stream_tap_gated(const st_stream *s)
{
    return s->tap[TAP_GATED];
}

const double *st_stream_tap_rectified(const st_stream *s)
{
    return s->tap[TAP_RECT];
}

const double *st_stream_tap_envelope(const st_stream *s)
{
    return s->tap[TAP_ENV];
}

const double *st_stream_tap_current(const st_stream *s)
{
    return s->tap[TAP_CUR];
}

const double *st_stream_tap_v(const st_stream *s)
{
    return s->tap[TAP_V];
}

const double *st_stream_tap_u(const st_stream *s)
{
    return s->tap[TAP_U];
}
