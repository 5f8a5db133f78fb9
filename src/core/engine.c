/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline engine's one entry point (st_pipeline_run) and its drivers over a buffer: the
 * whole-signal driver here, the streaming driver (stream.c) fed in blocks, and the chunked one
 * (chunks.c); each is a front end feeding the one back end (backend.c). */
#include <math.h>
#include <string.h>

#include "core-private.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/stream.h"

/* Neuron steps per pass of the whole-signal driver. */
#define STEP_BLOCK 4096

/* ---- the whole-signal driver ----------------------------------------------------------------- */

/* The gate over the whole signal: a leading window's threshold is known before sample 0, so
 * it is a fixed threshold here; the adaptive gate is causal and runs as it streams. */
static st_status whole_gate(const st_pipeline_config *c, st_pipeline_result *r, st_gate_params *gp,
                            st_error *err)
{
    *gp = st_front_gate_params(c, r->fs_hz);
    r->gate_threshold = c->gate == ST_GATE_FIXED ? c->gate_threshold : 0.0;
    if (c->gate == ST_GATE_LEADING) {
        size_t w = gp->window < r->n ? gp->window : r->n;
        double *x = st_malloc((w ? w : 1) * sizeof *x);
        if (!x)
            return st_error_set(err, ST_ERR_NOMEM, "gate: out of memory (%zu samples)", w);
        for (size_t i = 0; i < w; i++)
            x[i] = r->input[i];
        r->gate_threshold = st_gate_threshold(x, w, w, c->gate_k, c->gate_floor);
        st_free(x);
        gp->mode = ST_GATE_FIXED;
        gp->threshold = r->gate_threshold;
    }
    return ST_OK;
}

/* An adaptive gate's track of thresholds: room for every frame of the signal. */
static st_status track_alloc(const st_pipeline_config *c, st_pipeline_result *r,
                             st_gate_track *t, st_error *err)
{
    memset(t, 0, sizeof *t);
    if (c->gate != ST_GATE_ADAPTIVE)
        return ST_OK;
    st_noise_floor nf;
    st_noise_floor_init(&nf, r->fs_hz);
    r->gate_frame = nf.frame;
    r->gate_floor = c->gate_floor;
    t->cap = r->n / nf.frame + 1;
    if (!(t->thr = st_malloc(t->cap * sizeof *t->thr)))
        return st_error_set(err, ST_ERR_NOMEM, "gate: out of memory");
    return ST_OK;
}

/* The result takes the track over; its threshold is the last one used. */
static void track_keep(st_pipeline_result *r, st_gate_track *t, double last)
{
    if (!t->thr)
        return;
    r->gate_track = t->thr;
    r->gate_track_n = t->count;
    r->gate_threshold = last;
    t->thr = NULL;
}

/* Gate, rectify, envelope and smoothing over the whole signal, into r's taps or in place in
 * 'work' (n doubles): returns where the envelope is. */
static const double *whole_front(const st_pipeline_config *c, st_pipeline_result *r,
                                 double *work, st_status *st, st_error *err)
{
    const size_t n = r->n;
    double *g = r->gated ? r->gated : work, *rc = r->rectified ? r->rectified : work;
    double *e = r->envelope ? r->envelope : work;
    st_gate_params gp;
    st_gate gate;
    st_gate_track track;
    if ((*st = whole_gate(c, r, &gp, err)) || (*st = track_alloc(c, r, &track, err)))
        return NULL;
    if ((*st = st_gate_init(&gate, &gp, err))) {
        st_free(track.thr);
        return NULL;
    }
    gate.track = &track;
    for (size_t i = 0; i < n; i++)
        g[i] = r->input[i];
    st_gate_process(&gate, g, g, n);
    track_keep(r, &track, gate.thr);
    st_gate_free(&gate);
    st_rectify(c->rectify, g, rc, n);
    if (c->envelope == ST_ENV_HILBERT) {
        *st = st_hilbert_envelope(rc, n, e, err);
    } else if (c->envelope == ST_ENV_MOVAVG) {
        st_movavg ma;
        size_t w = st_front_movavg_window(c, r->fs_hz);
        if (!(*st = st_movavg_init(&ma, w, c->movavg_seed, err))) {
            st_movavg_process(&ma, rc, e, n);
            st_movavg_free(&ma);
        }
    } else if (e != rc) {
        memcpy(e, rc, n * sizeof *e);
    }
    size_t sm = st_front_smooth_window(c, r->fs_hz);
    if (!*st && sm > 1) {
        st_movavg ma;
        if (!(*st = st_movavg_init(&ma, sm, false, err))) {
            st_movavg_process(&ma, e, e, n);
            st_movavg_free(&ma);
        }
    }
    return *st ? NULL : e;
}

/* The study's way back: v FFT-resampled to the audio length, spikes flagged where their steps
 * fall. */
static st_status resampled_sound(st_backend *b, st_pipeline_result *r, const double *v,
                                 st_error *err)
{
    double *va = st_malloc(r->n * sizeof *va);
    uint8_t *flag = st_calloc(r->n, 1);
    st_status st = (!va || !flag) ? st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory")
                                  : st_resample_fft(v, r->steps, va, r->n, err);
    for (size_t i = 0; !st && i < r->spikes.count; i++)
        if (r->spikes.step[i] < r->steps)
            flag[st_pipeline_sample(r, (size_t)r->spikes.step[i])] = 1;
    if (!st)
        st_backend_sound(b, va, flag, r->output, r->n);
    st_free(va);
    st_free(flag);
    return st;
}

/* The back end over the per-step envelope: env[k * stride] (the decimated signal) or the
 * resampled one (stride 1). */
static st_status whole_back(const st_pipeline_config *c, st_pipeline_result *r, st_backend *b,
                            const double *env, size_t stride, double *v_keep,
                            void (*progress)(void *, double), void *ud, st_error *err)
{
    double e[STEP_BLOCK];
    const size_t K = r->decimate;
    for (size_t k0 = 0; k0 < r->steps; k0 += STEP_BLOCK) {
        size_t m = r->steps - k0 < STEP_BLOCK ? r->steps - k0 : STEP_BLOCK;
        for (size_t i = 0; i < m; i++)
            e[i] = env[(k0 + i) * stride];
        if (st_spikes_reserve(&r->spikes, m))
            return st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory for spikes");
        st_backend_taps t = {r->current ? r->current + k0 : NULL, v_keep ? v_keep + k0 : NULL,
                             r->u ? r->u + k0 : NULL};
        size_t at = c->resample_hz > 0 ? r->n : k0 * K;
        st_backend_process(b, &c->params, e, m, c->resample_hz > 0 ? NULL : r->output + at,
                           r->n - at, &r->spikes, &t);
        uint64_t fault = st_backend_fault(b);
        if (fault)
            return st_pipeline_fault(r, fault, err);
        if (progress && (k0 / STEP_BLOCK) % 16 == 0)
            progress(ud, 0.3 + 0.7 * (double)(k0 + m) / (double)r->steps);
    }
    return ST_OK;
}

static st_status whole_backend(const st_pipeline_config *c, st_pipeline_result *r,
                               st_backend **b, st_error *err)
{
    st_backend_config bc = {.gain = c->gain, .normalize = c->normalize, .ref = r->env_ref, .ceiling = c->ceiling,
                            .model = c->model, .params = c->params, .v0_mv = c->v0_mv,
                            .u0 = c->u0, .how = c->how, .dt_ms = r->dt_ms, .sonify = c->sonify,
                            .fs_hz = r->fs_hz, .hold = c->resample_hz > 0 ? 1 : c->decimate};
    return st_backend_create(&bc, b, err);
}

/* The envelope's loudest moment over the steps, for normalize max: of the envelope itself, or
 * of its sustained level (its minimum over ref_window_s), fed in pieces. */
typedef struct loudest {
    st_sustain sm;
    bool sustained;
    double ref;
} loudest;

static st_status loudest_init(loudest *l, const st_pipeline_config *c, const st_pipeline_result *r,
                              st_error *err)
{
    l->ref = -INFINITY;
    size_t w = (size_t)llround(c->ref_window_s * 1000.0 / r->dt_ms);
    size_t sm = (size_t)llround(ST_REF_SPAN_S * 1000.0 / r->dt_ms);
    size_t fr = (size_t)llround(ST_REF_FRAME_S * 1000.0 / r->dt_ms);
    l->sustained = w > 1;
    return l->sustained ? st_sustain_init(&l->sm, fr ? fr : 1, sm, w, err) : ST_OK;
}

/* Takes env[k * stride] for k < n. */
static void loudest_feed(loudest *l, const double *env, size_t stride, size_t n)
{
    if (l->sustained) {
        l->ref = st_sustain_max(&l->sm, env, stride, n, l->ref);
        return;
    }
    double ref = l->ref;
    for (size_t k = 0; k < n; k++)
        ref = env[k * stride] > ref ? env[k * stride] : ref;
    l->ref = ref;
}

static void loudest_free(loudest *l)
{
    if (l->sustained)
        st_sustain_free(&l->sm);
}

/* The whole signal kept stage by stage (taps), or a front end that needs all of it at once
 * (the FFT Hilbert envelope, x - min x, FFT resampling). */
static st_status whole_arrays(const st_pipeline_config *c, st_pipeline_result *r,
                              void (*progress)(void *, double), void *ud, st_error *err)
{
    const bool rs = c->resample_hz > 0;
    double *work = NULL, *per_step = NULL, *v_tmp = NULL;
    st_backend *b = NULL;
    st_status st = st_pipeline_alloc_taps(r, c->keep_taps, c->keep_taps, err);
    if (!st && !c->keep_taps && !(work = st_malloc(r->n * sizeof *work)))
        st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory (%zu samples)", r->n);
    const double *env = st ? NULL : whole_front(c, r, work, &st, err);
    if (progress && !st)
        progress(ud, 0.3);
    /* the per-step envelope: every decimate-th sample, or the FFT-resampled signal */
    size_t stride = rs ? 1 : c->decimate;
    if (!st && rs) {
        if (!(per_step = st_malloc(r->steps * sizeof *per_step)) ||
            (!r->v && !(v_tmp = st_malloc(r->steps * sizeof *v_tmp))))
            st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory");
        else
            st = st_resample_fft(env, r->n, per_step, r->steps, err);
        env = per_step;
    }
    r->env_ref = 1.0;
    if (!st && c->normalize == ST_NORM_MAX) {
        loudest *l = st_malloc(sizeof *l);
        if (!l || (st = loudest_init(l, c, r, err))) {
            st = st ? st : st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory");
        } else {
            loudest_feed(l, env, stride, r->steps);
            r->env_ref = l->ref;
            loudest_free(l);
        }
        st_free(l);
    }
    if (!st)
        st = whole_backend(c, r, &b, err);
    double *v = r->v ? r->v : v_tmp;
    if (!st)
        st = whole_back(c, r, b, env, stride, v, progress, ud, err);
    if (!st && rs)
        st = resampled_sound(b, r, v, err);
    st_backend_destroy(b);
    st_free(work);
    st_free(per_step);
    st_free(v_tmp);
    return st;
}

/* Without taps and with a causal front end: the signal in blocks through the front end twice,
 * once for the loudest moment (normalize max), once into the back end. The same stages give the
 * same numbers as whole_arrays, with no signal-sized work buffer. */
static st_status whole_blocks(const st_pipeline_config *c, st_pipeline_result *r,
                              void (*progress)(void *, double), void *ud, st_error *err)
{
    enum { B = 1024 }; /* samples per block: the block and the windows stay in the L1 cache */
    const size_t n = r->n, K = c->decimate;
    st_gate_params gp;
    st_gate_track track;
    st_front f;
    st_backend *b = NULL;
    st_status st = whole_gate(c, r, &gp, err);
    if (st || (st = track_alloc(c, r, &track, err)))
        return st;
    if ((st = st_front_init(&f, c, &gp, r->fs_hz, err))) {
        st_free(track.thr);
        return st;
    }
    double *x = st_malloc(2 * B * sizeof *x), *e = x + B;
    if (!x || !(r->output = st_malloc(n * sizeof *r->output)) || st_spikes_reserve(&r->spikes, 64))
        st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory (%zu samples)", n);
    loudest *l = NULL;
    if (!st && c->normalize == ST_NORM_MAX &&
        (!(l = st_malloc(sizeof *l)) || (st = loudest_init(l, c, r, err)))) {
        st = st ? st : st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory");
        st_free(l);
        l = NULL;
    }
    for (int pass = l ? 0 : 1; !st && pass < 2; pass++) {
        if (pass == 1) {
            r->env_ref = l ? l->ref : 1.0;
            st_front_reset(&f);
            f.gate.track = &track; /* the second pass's thresholds are the same: keep them once */
            if ((st = whole_backend(c, r, &b, err)))
                break;
        }
        size_t k = 0; /* steps so far */
        for (size_t off = 0; !st && off < n; off += B) {
            size_t m = n - off < B ? n - off : B, ns = 0;
            for (size_t i = 0; i < m; i++)
                x[i] = r->input[off + i];
            st_front_process(&f, x, x, x, x, m);
            const double *es = x; /* the step samples: all of them, or every K-th */
            if (K > 1) {
                for (size_t i = (K - off % K) % K; i < m; i += K)
                    e[ns++] = x[i];
                es = e;
            } else {
                ns = m;
            }
            if (pass == 0) {
                loudest_feed(l, es, 1, ns);
                continue;
            }
            if (st_spikes_reserve(&r->spikes, ns)) {
                st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory for spikes");
                break;
            }
            st_backend_process(b, &c->params, es, ns, r->output + k * K, n - k * K, &r->spikes,
                               NULL);
            k += ns;
            uint64_t fault = st_backend_fault(b);
            if (fault)
                st = st_pipeline_fault(r, fault, err);
            if (progress && (off / B) % 64 == 0)
                progress(ud, 0.5 * pass + 0.5 * (double)(off + m) / (double)n);
        }
    }
    if (!st)
        track_keep(r, &track, f.gate.thr);
    st_free(track.thr);
    if (l)
        loudest_free(l);
    st_free(l);
    st_backend_destroy(b);
    st_front_free(&f);
    st_free(x);
    return st;
}

static st_status run_whole(const st_pipeline_config *c, st_pipeline_result *r,
                           void (*progress)(void *, double), void *ud, st_error *err)
{
    const bool rs = c->resample_hz > 0;
    /* the study resampled D seconds to D * 5000 values: round half to even, as Python */
    r->steps = rs ? (size_t)nearbyint((double)r->n / r->fs_hz * c->resample_hz)
                  : (r->n + c->decimate - 1) / c->decimate;
    if (r->steps < 1)
        r->steps = 1;
    r->decimate = c->decimate;
    r->resample_hz = c->resample_hz;
    r->dt_ms = c->dt_ms > 0 ? c->dt_ms : 1000.0 * c->decimate / r->fs_hz;
    bool causal = c->envelope != ST_ENV_HILBERT && c->rectify != ST_RECT_OFFSET && !rs;
    return !c->keep_taps && causal ? whole_blocks(c, r, progress, ud, err)
                                   : whole_arrays(c, r, progress, ud, err);
}

/* ---- blocks: the streaming driver over a buffer ---------------------------------------------- */

static st_status run_stream(const st_pipeline_config *c, st_pipeline_result *r,
                            void (*progress)(void *, double), void *ud, st_error *err)
{
    const size_t n = r->n, block = c->block ? c->block : 1024;
    r->steps = n;
    r->decimate = 1;
    r->dt_ms = 1000.0 / r->fs_hz;
    r->block = block;
    r->delay_samples = st_pipeline_delay_samples(c, r->fs_hz);
    r->env_ref = c->normalize == ST_NORM_NONE ? 1.0 : NAN; /* peak: it moves */
    st_stream *s = NULL;
    st_gate_track track = {0};
    st_status st = st_pipeline_alloc_taps(r, c->keep_taps, c->keep_taps, err);
    if (!st)
        st = track_alloc(c, r, &track, err);
    if (!st)
        st = st_stream_create(c, r->fs_hz, &s, err);
    if (!st)
        st_stream_gate_track(s, &track);
    if (!st && c->keep_taps)
        st = st_stream_enable_taps(s, block < n ? block : n, err);
    double *dst[6] = {r->gated, r->rectified, r->envelope, r->current, r->v, r->u};
    const double *(*const src[6])(const st_stream *) = {
        st_stream_tap_gated, st_stream_tap_rectified, st_stream_tap_envelope,
        st_stream_tap_current, st_stream_tap_v, st_stream_tap_u};
    for (size_t off = 0; !st && off < n; off += block) {
        size_t m = n - off < block ? n - off : block;
        if (st_spikes_reserve(&r->spikes, m)) {
            st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory for spikes");
            break;
        }
        st_stream_process(s, r->input + off, r->output + off, m, &r->spikes);
        for (size_t k = 0; c->keep_taps && k < 6; k++)
            memcpy(dst[k] + off, src[k](s), m * sizeof(double));
        if (progress && (off / block) % 256 == 0)
            progress(ud, (double)(off + m) / (double)n);
    }
    uint64_t at;
    if (!st && st_stream_fault(s, &at))
        st = st_pipeline_fault(r, at, err);
    if (!st) {
        st_stream_stats stats;
        st_stream_stats_get(s, &stats);
        r->gate_threshold = c->gate == ST_GATE_OFF ? 0.0 : stats.gate_threshold;
        track_keep(r, &track, stats.gate_threshold);
    }
    st_stream_destroy(s);
    st_free(track.thr);
    return st;
}

/* ---- what a run needs ------------------------------------------------------------------------ */

uint64_t st_pipeline_memory(const st_pipeline_config *c, size_t n, double fs_hz)
{
    const double N = (double)n, d = sizeof(double);
    const bool rs = c->resample_hz > 0 && fs_hz > 0;
    double steps = rs ? ceil(N / fs_hz * c->resample_hz) : ceil(N / (c->decimate ? c->decimate : 1));
    if (c->mode != ST_RUN_WHOLE)
        steps = N;
    double bytes = (double)(1 << 20) + N * sizeof(float); /* tables and stacks; the output */
    /* the windows: moving average, smoothing, the leading gate's window (at most the signal) */
    if (c->envelope == ST_ENV_MOVAVG)
        bytes += (double)st_front_movavg_window(c, fs_hz) * d;
    bytes += (double)st_front_smooth_window(c, fs_hz) * d;
    if (c->gate == ST_GATE_LEADING)
        bytes += fmin(N, (double)st_front_gate_params(c, fs_hz).window) * d;
    if (c->gate == ST_GATE_ADAPTIVE) /* the threshold's track, one per 10 ms frame */
        bytes += (N / fmax(1.0, round(0.01 * fs_hz)) + 1.0) * d;
    if (c->keep_taps) /* gated, rectified, envelope; current, v, u */
        bytes += 3.0 * N * d + 3.0 * steps * d;
    if (c->mode == ST_RUN_STREAM) {
        double block = c->block ? (double)c->block : 1024.0;
        bytes += c->keep_taps ? 6.0 * fmin(block, N) * d : 0.0;
    } else if (c->mode == ST_RUN_CHUNKS) {
        double chunk = (double)c->chunk_n, win = chunk * (double)c->chunk_window;
        bytes += 3.0 * chunk * d + 2.0 * win * d + 5.0 * (double)c->chunk_steps * d + N * (d + 1);
    } else {
        bool causal = c->envelope != ST_ENV_HILBERT && c->rectify != ST_RECT_OFFSET && !rs;
        if (!causal && !c->keep_taps)
            bytes += N * d; /* the work buffer */
        if (c->envelope == ST_ENV_HILBERT) /* FFTW's real input and complex spectrum, and its
                                              plan's buffers for a length of large primes */
            bytes += N * (d + 16.0 + 32.0);
        if (rs) /* the per-step envelope, v, the resampler's spectra, the sound's copy */
            bytes += 2.0 * steps * d + (N + steps) * (d + 16.0) + N * (d + 1);
    }
    return bytes < 1.8e19 ? (uint64_t)bytes : UINT64_MAX;
}

/* ---- the entry point ------------------------------------------------------------------------- */

st_status st_pipeline_run(const st_pipeline_config *c, const float *x, size_t n, double fs_hz,
                          st_pipeline_result *out, void (*progress)(void *ud, double fraction),
                          void *ud, st_error *err)
{
    memset(out, 0, sizeof *out);
    st_status st = st_pipeline_check(c, fs_hz, err);
    if (st)
        return st;
    if (n == 0)
        return st_error_set(err, ST_ERR_INVAL, "input: no samples");
    out->fs_hz = fs_hz;
    out->n = n;
    out->input = x;
    switch (c->mode) {
    case ST_RUN_STREAM:
        st = run_stream(c, out, progress, ud, err);
        break;
    case ST_RUN_CHUNKS:
        st = st_chunks_run(c, out, err);
        break;
    default:
        st = run_whole(c, out, progress, ud, err);
        break;
    }
    if (st) {
        st_pipeline_result_free(out);
        return st;
    }
    if (progress)
        progress(ud, 1.0);
    return ST_OK;
}
