/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming pipeline (stream.h): causal stages whose state carries across blocks. */
#include "spiketalk/stream.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "core-private.h"

/* Samples per internal pass through the stages. Any size gives the same output (every stage
 * keeps per-sample state); this one keeps the work buffers, inside the stream, at 14 KiB. */
#define CHUNK 256

/* Kaiser window of the FIR Hilbert transformer. beta = 5 gives the flattest, widest passband
 * for its length: |H| within +-0.5 % from 0.018 fs to 0.482 fs at M = 44 (0.8 to 21.3 kHz at
 * 44.1 kHz; the lower edge scales as fs / M). Blackman (edge 1.26 kHz for 0.2 %) and smaller
 * betas (ripple up to 1 %) were measured and lost on one side or the other. */
#define HILBERT_BETA 5.0
#define HILBERT_MAX_HALF 8192u

/* The parameter exchange: a slot index plus this bit says "newer than what the reader has". */
#define FRESH 4u

#define PI 3.14159265358979323846

struct st_stream {
    /* fixed at create */
    st_stream_config cfg;
    double fs_hz;               /* Hz */
    double dt_ms;               /* neuron step, ms: one per sample */
    double decay;               /* peak-hold factor per sample, exp(-1 / (release fs)) */
    size_t delay;               /* st_stream_delay_samples, samples */
    size_t gate_window;         /* samples to learn the gate from; 0: fixed or off */
    float *gate_buf;            /* the learning window (gate_window samples) */
    double *hcoef;              /* Hilbert taps h[1], h[3], .. h[M or M - 1] */
    size_t hcount;              /* entries of 'hcoef' */
    size_t hlen;                /* 2M + 1 */
    float *hring;               /* the last hlen inputs, stored twice (2 hlen) */
    bool use_envma, use_smooth;
    st_movavg envma, smooth;    /* envelope moving average, boxcar smoothing */
    st_sonify_params sp;
    /* state of the processing thread */
    uint64_t pos;               /* samples processed */
    size_t gate_seen;           /* samples of the learning window so far */
    float gate_thr;             /* full scale 1; valid once 'gate_open' */
    bool gate_open;             /* the threshold is known */
    size_t hpos;                /* next slot of 'hring' */
    double ref;                 /* peak-hold reference (envelope units) */
    float prev_current;         /* the current of the last sample: the next step's input */
    st_model_state ns;
    st_sonify_state ss;
    unsigned front;             /* the params slot in use */
    uint64_t fault_sample;      /* where the neuron blew up (never sample 0); 0: it did not */
    /* parameter exchange: a triple buffer. The publisher fills 'back' and swaps it with
     * 'middle'; the processing thread swaps 'front' with 'middle' when FRESH is set. No slot
     * is ever written while the other side can read it, and neither side waits. */
    st_model_params slot[3];
    atomic_uint middle;         /* slot index | FRESH */
    unsigned back;              /* publisher's slot */
    /* meters (relaxed atomics; floats as their bits) */
    atomic_uint_least64_t m_samples, m_spikes, m_thr;
    atomic_uint_least32_t m_peak, m_env, m_cur, m_v;
    atomic_bool fault;
    /* taps */
    size_t tap_max;             /* 0: disabled */
    float *tap[6];              /* gated, rectified, envelope, current, v, u */
    /* work buffers of one chunk */
    float g[CHUNK], r[CHUNK], e[CHUNK], cur[CHUNK];
    double in_I[CHUNK], v[CHUNK], u[CHUNK], va[CHUNK];
    uint8_t flag[CHUNK];
    uint64_t stamp[CHUNK];
};

enum { TAP_GATED, TAP_RECT, TAP_ENV, TAP_CUR, TAP_V, TAP_U };

/* ---- configuration ------------------------------------------------------------------------- */

void st_stream_config_default(st_stream_config *c)
{
    memset(c, 0, sizeof *c);
    st_pipeline_config_default(&c->pipe);
    c->pipe.normalize = ST_NORM_PEAK;
    /* a conversation wants the answer now: 1 ms mean and 2 ms smoothing (1.5 ms of delay)
     * instead of the offline 10 + 20 ms; the neuron's own integration does the rest */
    c->pipe.movavg_s = 0.001;
    c->pipe.smooth_s = 0.002;
    c->peak_release_s = 2.0;
    c->peak_floor = 0.01;
    c->hilbert_half = 44;
}

static size_t movavg_window(const st_pipeline_config *p, double fs_hz)
{
    size_t w = p->movavg_n ? p->movavg_n : (size_t)llround(p->movavg_s * fs_hz);
    return w ? w : 1;
}

static size_t smooth_window(const st_pipeline_config *p, double fs_hz)
{
    return p->smooth_n ? p->smooth_n : (size_t)llround(p->smooth_s * fs_hz);
}

/* Checks what the stream supports on top of st_pipeline_check, naming the flag at fault. */
st_status st_stream_check(const st_stream_config *c, double fs_hz, st_error *err)
{
    const st_pipeline_config *p = &c->pipe;
    if (p->normalize == ST_NORM_MAX)
        return st_error_set(err, ST_ERR_INVAL,
                            "--normalize: 'max' needs the whole signal (its loudest moment) "
                            "and cannot stream; use peak (a peak-hold with release) or none");
    if (p->normalize != ST_NORM_PEAK && p->normalize != ST_NORM_NONE)
        return st_error_set(err, ST_ERR_INVAL, "--normalize: unknown mode %d", (int)p->normalize);
    if (p->rectify == ST_RECT_OFFSET)
        return st_error_set(err, ST_ERR_INVAL,
                            "--rectify: 'offset' needs the whole signal (x - min x) and cannot "
                            "stream; use none, full or half");
    if (p->decimate != 1)
        return st_error_set(err, ST_ERR_INVAL,
                            "--decimate: the streaming pipeline steps the neuron once per "
                            "sample (decimate 1)");
    if (p->dt_ms != 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--dt: the streaming pipeline steps the neuron once per sample "
                            "(dt = 1000 / fs ms)");
    if (p->resample_hz != 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--recipe: FFT resampling needs the whole signal and cannot stream");
    if (!p->model)
        return st_error_set(err, ST_ERR_INVAL, "--model: no model");
    if (p->normalize == ST_NORM_PEAK &&
        !(c->peak_release_s > 0 && isfinite(c->peak_release_s)))
        return st_error_set(err, ST_ERR_INVAL,
                            "--peak-release: must be a finite number > 0 s (got %g)",
                            c->peak_release_s);
    if (p->normalize == ST_NORM_PEAK && !(c->peak_floor > 0 && isfinite(c->peak_floor)))
        return st_error_set(err, ST_ERR_INVAL,
                            "peak floor: must be a finite number > 0 (got %g)", c->peak_floor);
    if (p->envelope == ST_ENV_HILBERT &&
        !(c->hilbert_half >= 1 && c->hilbert_half <= HILBERT_MAX_HALF))
        return st_error_set(err, ST_ERR_INVAL, "hilbert half length: must be 1 .. %u (got %u)",
                            HILBERT_MAX_HALF, c->hilbert_half);
    /* the rest is the offline pipeline's rule book ('peak' is what it refuses) */
    st_pipeline_config q = *p;
    q.normalize = ST_NORM_NONE;
    return st_pipeline_check(&q, fs_hz, err);
}

/* ---- create / destroy / reset -------------------------------------------------------------- */

/* The zeroth-order modified Bessel function, by its power series (converges for any x). */
static double bessel_i0(double x)
{
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 200 && term > 1e-17 * sum; k++) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
    }
    return sum;
}

/* Ideal taps 2 / (pi m) for odd m, zero for even m, under a Kaiser window of half length M. */
static void hilbert_design(double *coef, size_t count, unsigned M)
{
    const double norm = bessel_i0(HILBERT_BETA);
    for (size_t k = 0; k < count; k++) {
        double m = (double)(2 * k + 1), x = m / (double)M;
        double w = bessel_i0(HILBERT_BETA * sqrt(fmax(0.0, 1.0 - x * x))) / norm;
        coef[k] = 2.0 / (PI * m) * w;
    }
}

static st_status allocate(st_stream *s, st_error *err)
{
    const st_pipeline_config *p = &s->cfg.pipe;
    if (s->gate_window && !(s->gate_buf = st_malloc(s->gate_window * sizeof *s->gate_buf)))
        return st_error_set(err, ST_ERR_NOMEM, "stream: out of memory");
    if (p->envelope == ST_ENV_HILBERT) {
        unsigned M = s->cfg.hilbert_half;
        s->hcount = (M + 1) / 2;
        s->hlen = 2 * (size_t)M + 1;
        s->hcoef = st_malloc(s->hcount * sizeof *s->hcoef);
        s->hring = st_calloc(2 * s->hlen, sizeof *s->hring);
        if (!s->hcoef || !s->hring)
            return st_error_set(err, ST_ERR_NOMEM, "stream: out of memory");
        hilbert_design(s->hcoef, s->hcount, M);
    }
    st_status st;
    if (s->use_envma &&
        (st = st_movavg_init(&s->envma, movavg_window(p, s->fs_hz), p->movavg_seed, err)))
        return st;
    if (s->use_smooth &&
        (st = st_movavg_init(&s->smooth, smooth_window(p, s->fs_hz), false, err)))
        return st;
    return ST_OK;
}

st_status st_stream_create(const st_stream_config *c, double fs_hz, st_stream **out,
                           st_error *err)
{
    *out = NULL;
    st_status st = st_stream_check(c, fs_hz, err);
    if (st)
        return st;
    st_stream *s = st_calloc(1, sizeof *s);
    if (!s)
        return st_error_set(err, ST_ERR_NOMEM, "stream: out of memory");
    const st_pipeline_config *p = &c->pipe;
    s->cfg = *c;
    s->fs_hz = fs_hz;
    s->dt_ms = 1000.0 / fs_hz; /* as the offline pipeline's 1000 * decimate / fs */
    s->decay = p->normalize == ST_NORM_PEAK ? exp(-1.0 / (c->peak_release_s * fs_hz)) : 0.0;
    if (p->gate_on && isnan(p->gate_threshold))
        s->gate_window =
            p->gate_window_n ? p->gate_window_n : (size_t)llround(p->gate_window_s * fs_hz);
    s->use_envma = p->envelope == ST_ENV_MOVAVG;
    s->use_smooth = smooth_window(p, fs_hz) > 1;
    double delay = p->envelope == ST_ENV_HILBERT ? (double)c->hilbert_half : 0.0;
    if (s->use_envma)
        delay += (double)(movavg_window(p, fs_hz) - 1) / 2.0;
    if (s->use_smooth)
        delay += (double)(smooth_window(p, fs_hz) - 1) / 2.0;
    s->delay = (size_t)llround(delay);
    s->sp = (st_sonify_params){p->sonify, p->model->v_min_mv, p->model->v_max_mv, fs_hz, 20.0,
                               1.0};
    if ((st = allocate(s, err)) || (st = st_sonify_init(&s->ss, &s->sp, err))) {
        st_stream_destroy(s);
        return st;
    }
    s->slot[0] = p->params;
    s->front = 0;
    atomic_init(&s->middle, 1u);
    s->back = 2;
    st_stream_reset(s);
    *out = s;
    return ST_OK;
}

void st_stream_destroy(st_stream *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < ST_COUNTOF(s->tap); i++)
        st_free(s->tap[i]);
    st_movavg_free(&s->smooth);
    st_movavg_free(&s->envma);
    st_free(s->hring);
    st_free(s->hcoef);
    st_free(s->gate_buf);
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
    const st_pipeline_config *p = &s->cfg.pipe;
    s->pos = 0;
    s->gate_seen = 0;
    s->gate_open = !p->gate_on || !isnan(p->gate_threshold) || s->gate_window == 0;
    s->gate_thr = !p->gate_on ? 0.0f
                  : !isnan(p->gate_threshold) ? (float)p->gate_threshold
                                               : (float)p->gate_floor; /* empty window */
    if (s->hring)
        memset(s->hring, 0, 2 * s->hlen * sizeof *s->hring);
    s->hpos = 0;
    if (s->use_envma)
        st_movavg_reset(&s->envma);
    if (s->use_smooth)
        st_movavg_reset(&s->smooth);
    s->ref = s->cfg.peak_floor;
    s->prev_current = 0.0f;
    p->model->reset(&s->ns, &s->slot[s->front], p->v0_mv, p->u0);
    st_sonify_init(&s->ss, &s->sp, NULL); /* checked at create */
    s->fault_sample = 0;
    atomic_store_explicit(&s->fault, false, memory_order_relaxed);
    atomic_store_explicit(&s->m_samples, 0, memory_order_relaxed);
    atomic_store_explicit(&s->m_spikes, 0, memory_order_relaxed);
    atomic_store_explicit(&s->m_thr, double_bits(s->gate_open ? s->gate_thr : NAN),
                          memory_order_relaxed);
    atomic_store_explicit(&s->m_peak, float_bits(0.0f), memory_order_relaxed);
    atomic_store_explicit(&s->m_env, float_bits(0.0f), memory_order_relaxed);
    atomic_store_explicit(&s->m_cur, float_bits(0.0f), memory_order_relaxed);
    atomic_store_explicit(&s->m_v, float_bits((float)p->v0_mv), memory_order_relaxed);
}

/* ---- the stages, one chunk at a time ------------------------------------------------------- */

/* Gate: closed (0) while the window is learned, then |x| <= threshold -> 0. Non-finite input
 * (a broken device) counts as silence, so it cannot poison the moving sums. */
static void gate(st_stream *s, const float *in, float *out, size_t n)
{
    const bool on = s->cfg.pipe.gate_on;
    size_t i = 0;
    for (; i < n && !s->gate_open; i++) {
        float x = isfinite(in[i]) ? in[i] : 0.0f;
        s->gate_buf[s->gate_seen++] = x;
        out[i] = 0.0f;
        if (s->gate_seen == s->gate_window) {
            const st_pipeline_config *p = &s->cfg.pipe;
            /* once per stream: two passes over the window, exactly the offline threshold */
            double thr = st_gate_threshold(s->gate_buf, s->gate_window, s->gate_window,
                                           p->gate_k, p->gate_floor);
            s->gate_thr = (float)thr;
            s->gate_open = true;
            atomic_store_explicit(&s->m_thr, double_bits(thr), memory_order_relaxed);
        }
    }
    const float thr = s->gate_thr;
    for (; i < n; i++) {
        float x = isfinite(in[i]) ? in[i] : 0.0f;
        out[i] = on && fabsf(x) <= thr ? 0.0f : x;
    }
}

/* |x + i H{x}| with H a causal FIR of 2M + 1 taps; the real part is x delayed by M. */
static void hilbert(st_stream *s, const float *in, float *out, size_t n)
{
    const size_t L = s->hlen, M = L / 2, K = s->hcount;
    const double *h = s->hcoef;
    float *ring = s->hring;
    size_t pos = s->hpos;
    for (size_t i = 0; i < n; i++) {
        /* each input goes in twice, so the last L inputs are contiguous at w[0 .. L) */
        ring[pos] = in[i];
        ring[pos + L] = in[i];
        const float *w = ring + pos + 1; /* w[0] oldest, w[L - 1] = in[i], w[M] the centre */
        double im = 0.0;
        for (size_t k = 0; k < K; k++) {
            size_t m = 2 * k + 1;
            im += h[k] * ((double)w[M - m] - (double)w[M + m]);
        }
        double re = w[M];
        out[i] = (float)sqrt(re * re + im * im);
        pos = pos + 1 == L ? 0 : pos + 1;
    }
    s->hpos = pos;
}

/* I = gain * env / ref, ref a peak-hold with exponential release (or 1). */
static void make_current(st_stream *s, const float *env, float *cur, size_t n)
{
    const double gain = s->cfg.pipe.gain;
    if (s->cfg.pipe.normalize == ST_NORM_NONE) {
        for (size_t i = 0; i < n; i++)
            cur[i] = (float)(gain * env[i]);
        return;
    }
    const double decay = s->decay, floor_ = s->cfg.peak_floor;
    double ref = s->ref;
    for (size_t i = 0; i < n; i++) {
        double e = env[i];
        ref = fmax(e, ref * decay);
        ref = ref > floor_ ? ref : floor_;
        cur[i] = (float)(gain * e / ref);
    }
    s->ref = ref;
}

/* One neuron step per sample: v at sample j is the state at t_j, reached by the step that used
 * the current of sample j - 1 (sample 0 is the initial state). Spikes are flagged and passed
 * on to 'spikes'. */
static void neuron(st_stream *s, const st_model_params *p, size_t n, st_spikes *spikes)
{
    const st_model *m = s->cfg.pipe.model;
    const uint64_t j0 = s->pos;
    size_t first = 0;
    if (j0 == 0 && n > 0) { /* the stream's first sample: the initial state, no step */
        s->v[0] = s->cfg.pipe.v0_mv;
        s->u[0] = s->cfg.pipe.u0;
        first = 1;
    }
    s->in_I[0] = s->prev_current;
    for (size_t i = 1; i < n; i++)
        s->in_I[i] = s->cur[i - 1];
    if (n)
        s->prev_current = s->cur[n - 1];
    memset(s->flag, 0, n);
    st_spikes own = {s->stamp, CHUNK, 0, 0};
    if (s->fault_sample) { /* a model stops at a fault and writes nothing more */
        for (size_t i = first; i < n; i++)
            s->v[i] = s->u[i] = NAN;
        return;
    }
    m->process(&s->ns, p, s->cfg.pipe.how, s->dt_ms, s->in_I + first, s->v + first,
               s->u + first, n - first, &own);
    if ((s->fault_sample = m->fault_step(&s->ns))) {
        atomic_store_explicit(&s->fault, true, memory_order_release); /* after the sample */
    }
    for (size_t k = 0; k < own.count; k++) {
        uint64_t j = own.step[k];
        if (j >= j0 && j - j0 < n)
            s->flag[j - j0] = 1;
        st_spikes_push(spikes, j);
    }
    if (own.count)
        atomic_fetch_add_explicit(&s->m_spikes, own.count, memory_order_relaxed);
}

static void tap(st_stream *s, size_t off, size_t n)
{
    if (off >= s->tap_max)
        return;
    size_t k = s->tap_max - off < n ? s->tap_max - off : n;
    memcpy(s->tap[TAP_GATED] + off, s->g, k * sizeof(float));
    memcpy(s->tap[TAP_RECT] + off, s->r, k * sizeof(float));
    memcpy(s->tap[TAP_ENV] + off, s->e, k * sizeof(float));
    memcpy(s->tap[TAP_CUR] + off, s->cur, k * sizeof(float));
    for (size_t i = 0; i < k; i++) {
        s->tap[TAP_V][off + i] = (float)s->v[i];
        s->tap[TAP_U][off + i] = (float)s->u[i];
    }
}

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
    const double vpeak = s->cfg.pipe.model->vpeak(p);
    const st_envelope_mode env = s->cfg.pipe.envelope;
    float peak = 0.0f;
    for (size_t off = 0; off < n; off += CHUNK) {
        size_t m = n - off < CHUNK ? n - off : CHUNK;
        for (size_t i = 0; i < m; i++)
            peak = fabsf(in[off + i]) > peak ? fabsf(in[off + i]) : peak;
        gate(s, in + off, s->g, m);
        st_rectify(s->cfg.pipe.rectify, s->g, s->r, m);
        if (env == ST_ENV_MOVAVG)
            st_movavg_process(&s->envma, s->r, s->e, m);
        else if (env == ST_ENV_HILBERT)
            hilbert(s, s->r, s->e, m);
        else
            memcpy(s->e, s->r, m * sizeof *s->e);
        if (s->use_smooth)
            st_movavg_process(&s->smooth, s->e, s->e, m);
        make_current(s, s->e, s->cur, m);
        neuron(s, p, m, spikes);
        /* the sound takes v as the trace stores it (float), spikes drawn to the peak (a
         * model whose v shows the action potential itself has no peak: NAN) */
        for (size_t i = 0; i < m; i++)
            s->va[i] = s->flag[i] && !isnan(vpeak) ? vpeak : (double)(float)s->v[i];
        if (s->tap_max)
            tap(s, off, m);
        st_sonify_process(&s->ss, &s->sp, s->va, s->flag, out + off, m);
        s->pos += m;
    }
    if (n == 0)
        return;
    atomic_fetch_add_explicit(&s->m_samples, n, memory_order_relaxed);
    atomic_store_explicit(&s->m_peak, float_bits(isfinite(peak) ? peak : 0.0f),
                          memory_order_relaxed);
    size_t last = (n - 1) % CHUNK;
    atomic_store_explicit(&s->m_env, float_bits(s->e[last]), memory_order_relaxed);
    atomic_store_explicit(&s->m_cur, float_bits(s->cur[last]), memory_order_relaxed);
    atomic_store_explicit(&s->m_v, float_bits((float)s->v[last]), memory_order_relaxed);
}

/* ---- control ------------------------------------------------------------------------------- */

size_t st_stream_delay_samples(const st_stream *s)
{
    return s->delay;
}

st_status st_stream_set_params(st_stream *s, const st_model_params *p, st_error *err)
{
    st_status st = s->cfg.pipe.model->check(p, err);
    if (st)
        return st;
    s->slot[s->back] = *p;
    unsigned old = atomic_exchange_explicit(&s->middle, s->back | FRESH, memory_order_acq_rel);
    s->back = old & ~FRESH;
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
}

bool st_stream_fault(const st_stream *s, uint64_t *sample)
{
    bool f = atomic_load_explicit(&((st_stream *)s)->fault, memory_order_acquire);
    if (f && sample)
        *sample = s->fault_sample;
    return f;
}

/* ---- taps ---------------------------------------------------------------------------------- */

st_status st_stream_enable_taps(st_stream *s, size_t max_block, st_error *err)
{
    float *t[ST_COUNTOF(s->tap)] = {NULL};
    bool ok = max_block > 0;
    for (size_t i = 0; ok && i < ST_COUNTOF(t); i++)
        ok = (t[i] = st_calloc(max_block, sizeof(float))) != NULL;
    if (!ok) {
        for (size_t i = 0; i < ST_COUNTOF(t); i++)
            st_free(t[i]);
        return max_block ? st_error_set(err, ST_ERR_NOMEM, "stream: out of memory for taps")
                         : st_error_set(err, ST_ERR_INVAL, "stream taps: max_block must be > 0");
    }
    for (size_t i = 0; i < ST_COUNTOF(t); i++) {
        st_free(s->tap[i]);
        s->tap[i] = t[i];
    }
    s->tap_max = max_block;
    return ST_OK;
}

const float *st_stream_tap_gated(const st_stream *s)
{
    return s->tap[TAP_GATED];
}

const float *st_stream_tap_rectified(const st_stream *s)
{
    return s->tap[TAP_RECT];
}

const float *st_stream_tap_envelope(const st_stream *s)
{
    return s->tap[TAP_ENV];
}

const float *st_stream_tap_current(const st_stream *s)
{
    return s->tap[TAP_CUR];
}

const float *st_stream_tap_v(const st_stream *s)
{
    return s->tap[TAP_V];
}

const float *st_stream_tap_u(const st_stream *s)
{
    return s->tap[TAP_U];
}
