/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the streaming pipeline: block invariance, agreement with the offline stages,
 * continuity of the neuron and of parameter changes, silence, and no allocation while
 * processing. */
#include <stdlib.h>
#include <string.h>

#include "st-test.h"
#include "spiketalk/sim.h"
#include "spiketalk/stream.h"

#define PI 3.14159265358979323846
#define FS 44100.0
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers --------------------------------------------------------------------------------- */

/* A speech-like test signal: 0.15 s of faint noise (what the gate learns), then syllables of a
 * 180 Hz voice with harmonics, 3 per second, plus the noise. */
static void make_voice(float *x, size_t n)
{
    uint32_t seed = 12345;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        double noise = 0.002 * ((double)(seed >> 8) / (double)(1u << 24) - 0.5);
        double t = (double)i / FS, s = sin(PI * 3.0 * t);
        double env = t > 0.15 ? 0.6 * s * s : 0.0;
        double tone = sin(2 * PI * 180 * t) + 0.5 * sin(2 * PI * 360 * t) +
                      0.3 * sin(2 * PI * 1200 * t);
        x[i] = (float)(env * tone * 0.5 + noise);
    }
}

/* Sets the neuron of 'c' to preset 'name' (NULL: the default) of model 'id' as the CLI does,
 * with the model's default gain. */
static void set_neuron(st_pipeline_config *c, st_model_id id, const char *name)
{
    assert_int_equal(st_pipeline_set_neuron(c, st_model_get(id), name, NULL), ST_OK);
}

/* Everything one run produces. */
typedef struct run {
    size_t n, delay;
    float *out;
    double *env, *cur, *v;
    st_spikes sp;
} run;

static void run_free(run *r)
{
    free(r->out);
    free(r->env);
    free(r->cur);
    free(r->v);
    st_spikes_free(&r->sp);
    memset(r, 0, sizeof *r);
}

/* Runs x through a new stream in blocks of sizes[0], sizes[1], ... (cycling), keeping the
 * output, the envelope, current and v taps, and the spikes. */
static void run_blocks(const st_pipeline_config *c, const float *x, size_t n, const size_t *sizes,
                       size_t n_sizes, run *r)
{
    memset(r, 0, sizeof *r);
    st_stream *s;
    st_error err = {0};
    assert_int_equal(st_stream_create(c, FS, &s, &err), ST_OK);
    size_t max = 1;
    for (size_t k = 0; k < n_sizes; k++)
        max = sizes[k] > max ? sizes[k] : max;
    assert_int_equal(st_stream_enable_taps(s, max, &err), ST_OK);
    r->n = n;
    r->delay = st_stream_delay_samples(s);
    r->out = malloc(n * sizeof(float));
    r->env = malloc(n * sizeof(double));
    r->cur = malloc(n * sizeof(double));
    r->v = malloc(n * sizeof(double));
    assert_true(r->out && r->env && r->cur && r->v);
    assert_int_equal(st_spikes_reserve(&r->sp, n), ST_OK);
    for (size_t off = 0, k = 0; off < n; k++) {
        size_t b = sizes[k % n_sizes];
        size_t m = b < n - off ? b : n - off;
        st_stream_process(s, x + off, r->out + off, m, &r->sp);
        memcpy(r->env + off, st_stream_tap_envelope(s), m * sizeof(double));
        memcpy(r->cur + off, st_stream_tap_current(s), m * sizeof(double));
        memcpy(r->v + off, st_stream_tap_v(s), m * sizeof(double));
        off += m;
    }
    st_stream_stats stats;
    st_stream_stats_get(s, &stats);
    assert_int_equal(stats.samples, n);
    assert_int_equal(stats.spikes, r->sp.count);
    assert_false(st_stream_fault(s, NULL));
    st_stream_destroy(s);
}

static void assert_runs_equal(const run *a, const run *b)
{
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->out, b->out, a->n * sizeof(float));
    assert_memory_equal(a->env, b->env, a->n * sizeof(double));
    assert_memory_equal(a->cur, b->cur, a->n * sizeof(double));
    assert_memory_equal(a->v, b->v, a->n * sizeof(double));
    assert_int_equal(a->sp.count, b->sp.count);
    assert_int_equal(a->sp.dropped, 0);
    assert_memory_equal(a->sp.step, b->sp.step, a->sp.count * sizeof(uint64_t));
}

/* Blocks of 1, 37, 64, 1024 and a mixed sequence (with empty calls) give bit-identical output,
 * taps and spikes; the configuration must make the neuron fire for the test to mean much. */
static void check_block_invariance(const st_pipeline_config *c)
{
    enum { N = 26460 }; /* 0.6 s */
    float *x = malloc(N * sizeof *x);
    assert_non_null(x);
    make_voice(x, N);
    static const size_t one[] = {1}, b37[] = {37}, b64[] = {64}, b1024[] = {1024};
    static const size_t mixed[] = {1, 37, 0, 64, 1024, 3, 500, 2, 999, 128, 0, 4096};
    run ref, r;
    run_blocks(c, x, N, b1024, 1, &ref);
    assert_true(ref.sp.count >= 3);
    const size_t *seqs[] = {one, b37, b64, mixed};
    const size_t lens[] = {1, 1, 1, ARRAY_LEN(mixed)};
    for (size_t k = 0; k < 4; k++) {
        run_blocks(c, x, N, seqs[k], lens[k], &r);
        assert_runs_equal(&ref, &r);
        run_free(&r);
    }
    run_free(&ref);
    free(x);
}

/* ---- block invariance ------------------------------------------------------------------------ */

static void test_stream_blocks_default(void **state)
{
    (void)state;
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK); /* movavg, boxcar, peak normalisation, FS */
    check_block_invariance(&c);
}

static void test_stream_blocks_hilbert(void **state)
{
    (void)state;
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.envelope = ST_ENV_HILBERT;
    c.rectify = ST_RECT_NONE;
    check_block_invariance(&c);
}

static void test_stream_blocks_normalize_none(void **state)
{
    (void)state;
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.normalize = ST_NORM_NONE;
    c.gain = 40;
    check_block_invariance(&c);
    c.normalize = ST_NORM_PEAK;
    c.peak_release_s = 0.05; /* a fast release moves the reference within the run */
    check_block_invariance(&c);
}

/* Both Izhikevich models (and several presets and integrators), and Hodgkin-Huxley. */
static void test_stream_blocks_models(void **state)
{
    (void)state;
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    set_neuron(&c, ST_MODEL_IZH, "RS");
    check_block_invariance(&c);
    set_neuron(&c, ST_MODEL_IZH, "IB");
    c.how = ST_INT_RK4;
    check_block_invariance(&c);
    set_neuron(&c, ST_MODEL_IZH07, "RS"); /* gain 300 pA */
    check_block_invariance(&c);
    set_neuron(&c, ST_MODEL_IZH07, "FS");
    c.envelope = ST_ENV_HILBERT;
    check_block_invariance(&c);
    /* Hodgkin-Huxley too: its trace holds the action potential itself (no vpeak) */
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    set_neuron(&c, ST_MODEL_HH, NULL);
    check_block_invariance(&c);
}

/* ---- agreement with the offline stages ------------------------------------------------------- */

/* On a steady 0.5 tone inside the FIR's passband (+-0.5 % from 0.8 to 21.3 kHz at M = 44,
 * 44.1 kHz) the streaming Hilbert envelope, shifted back by the reported delay, is within 2 %
 * of the offline (FFT) envelope, with and without the boxcar. */
static void test_stream_hilbert_matches_offline(void **state)
{
    (void)state;
    enum { N = 44100 };
    float *x = malloc(N * sizeof *x);
    double *xd = malloc(N * sizeof *xd), *off = malloc(N * sizeof *off);
    assert_true(x && xd && off);
    static const double freqs[] = {1000, 3000, 10000, 20000};
    static const size_t smooth[] = {0, 882};
    static const size_t b[] = {333};
    for (size_t f = 0; f < ARRAY_LEN(freqs); f++) {
        for (int i = 0; i < N; i++)
            xd[i] = x[i] = (float)(0.5 * sin(2 * PI * freqs[f] * i / FS));
        assert_int_equal(st_hilbert_envelope(xd, N, off, NULL), ST_OK);
        for (size_t k = 0; k < 2; k++) {
            st_pipeline_config c;
            assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
            c.gate = ST_GATE_OFF;
            c.rectify = ST_RECT_NONE;
            c.envelope = ST_ENV_HILBERT;
            c.smooth_n = smooth[k];
            c.smooth_s = 0;
            c.normalize = ST_NORM_NONE;
            run r;
            run_blocks(&c, x, N, b, 1, &r);
            assert_int_equal(r.delay, k ? 485 : 44); /* 44 + 881 / 2 = 484.5, rounded */
            for (size_t j = 4410; j < N - 4410; j++)
                assert_close(r.env[j], off[j - r.delay], 0, 0.02);
            run_free(&r);
        }
    }
    free(x);
    free(xd);
    free(off);
}

/* Where both are causal (moving-average envelope, a fixed gate or none, I = gain * env), the
 * stream computes exactly what the offline pipeline does: envelope, current, v, spikes and
 * the output sound, bit for bit. */
static void test_stream_equals_offline_movavg(void **state)
{
    (void)state;
    enum { N = 26460 };
    float *x = malloc(N * sizeof *x);
    assert_non_null(x);
    make_voice(x, N);
    for (int g = 0; g < 2; g++) {
        st_pipeline_config c;
        assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
        c.normalize = ST_NORM_NONE;
        c.gain = 40;
        c.gate = g == 1 ? ST_GATE_FIXED : ST_GATE_OFF;
        c.gate_threshold = 0.003;
        run r;
        static const size_t b[] = {64};
        run_blocks(&c, x, N, b, 1, &r);
        st_pipeline_config w = c; /* the same stages, run by the whole-signal driver */
        w.mode = ST_RUN_WHOLE;
        st_pipeline_result o;
        assert_int_equal(st_pipeline_run(&w, x, N, FS, &o, NULL, NULL, NULL), ST_OK);
        assert_int_equal(o.steps, N);
        assert_memory_equal(r.env, o.envelope, N * sizeof(double));
        assert_memory_equal(r.cur, o.current, N * sizeof(double));
        assert_memory_equal(r.v, o.v, N * sizeof(double));
        assert_true(r.sp.count >= 3);
        assert_int_equal(r.sp.count, o.spikes.count);
        assert_memory_equal(r.sp.step, o.spikes.step, r.sp.count * sizeof(uint64_t));
        assert_memory_equal(r.out, o.output, N * sizeof(float));
        st_pipeline_result_free(&o);
        run_free(&r);
    }
    free(x);
}

/* The leading gate is closed while it learns, then uses exactly the offline threshold of that
 * window. */
static void test_stream_gate_learns(void **state)
{
    (void)state;
    enum { N = 8000, W = 4410 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_true(x && y);
    make_voice(x, N);
    for (int i = 0; i < N; i++)
        x[i] += 0.3f; /* audible from the start */
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.gate = ST_GATE_LEADING;
    st_stream *s;
    assert_int_equal(st_stream_create(&c, FS, &s, NULL), ST_OK);
    assert_int_equal(st_stream_enable_taps(s, N, NULL), ST_OK);
    st_stream_stats stats;
    st_stream_process(s, x, y, W - 1, NULL);
    st_stream_stats_get(s, &stats);
    assert_true(isnan(stats.gate_threshold));
    for (int i = 0; i < W - 1; i++)
        assert_true(st_stream_tap_gated(s)[i] == 0.0);
    st_stream_process(s, x + W - 1, y + W - 1, N - (W - 1), NULL);
    st_stream_stats_get(s, &stats);
    double *xd = malloc(W * sizeof *xd);
    assert_non_null(xd);
    for (int i = 0; i < W; i++)
        xd[i] = x[i];
    double thr = st_gate_threshold(xd, W, W, 3, 1e-4);
    free(xd);
    assert_true(stats.gate_threshold == thr);
    const double *g = st_stream_tap_gated(s);
    for (int i = 1; i < N - (W - 1); i++) {
        double xi = x[W - 1 + i];
        assert_true(g[i] == (fabs(xi) <= thr ? 0.0 : xi));
    }
    st_stream_destroy(s);
    free(x);
    free(y);
}

/* ---- the neuron runs on ---------------------------------------------------------------------- */

/* A long steady input makes the same spike stamps in one block or in the study's 1024-sample
 * chunks, and it is one sustained train: once the averages are full every interval is the
 * same to a sample, through all 86 chunk boundaries (the study restarted the neuron every
 * chunk, so its intervals broke at each boundary). */
static void test_stream_sustained_pattern(void **state)
{
    (void)state;
    enum { N = 88200 }; /* 2 s */
    float *x = malloc(N * sizeof *x);
    assert_non_null(x);
    for (int i = 0; i < N; i++)
        x[i] = 0.5f;
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.gate = ST_GATE_OFF;
    c.normalize = ST_NORM_NONE;
    c.gain = 30; /* I = 15 once the averages are full: several spikes per chunk */
    static const size_t whole[] = {N}, chunk[] = {1024};
    run a, b;
    run_blocks(&c, x, N, whole, 1, &a);
    run_blocks(&c, x, N, chunk, 1, &b);
    assert_int_equal(a.sp.count, b.sp.count);
    assert_memory_equal(a.sp.step, b.sp.step, a.sp.count * sizeof(uint64_t));
    assert_true(a.sp.count > 20);
    const uint64_t *t = a.sp.step;
    size_t n = a.sp.count, k0 = 1;
    while (k0 < n && t[k0 - 1] < 4410) /* the averages fill in 30 ms: a steady I from there */
        k0++;
    uint64_t isi = t[n - 1] - t[n - 2];
    for (size_t k = k0; k < n; k++) {
        int64_t d = (int64_t)(t[k] - t[k - 1]) - (int64_t)isi;
        assert_true(d >= -1 && d <= 1);
    }
    /* several spikes per chunk, and the train lasts to the end */
    assert_true(isi < 1024 / 3);
    assert_true(t[n - 1] + 2 * isi > N);
    assert_true(n - k0 >= (N - t[k0]) / (isi + 1));
    run_free(&a);
    run_free(&b);
    free(x);
}

/* New parameters published between blocks are used from the next block's first step on; the
 * state carries on: v follows exactly the FS-then-RS integration of the same currents, never
 * jumping back to v0. A second publish before any block replaces the first. */
static void test_stream_set_params_midstream(void **state)
{
    (void)state;
    enum { N = 22050, B = 64, SWITCH = 150 * B };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *v = malloc(N * sizeof *v), *cur = malloc(N * sizeof *cur);
    assert_true(x && y && v && cur);
    make_voice(x, N);
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    const st_model *m = c.model;
    st_model_params fs = c.params;
    st_model_params rs = st_preset_find(m, "RS", -1)->params;
    st_model_params ib = st_preset_find(m, "IB", -1)->params;
    st_stream *s;
    assert_int_equal(st_stream_create(&c, FS, &s, NULL), ST_OK);
    assert_int_equal(st_stream_enable_taps(s, B, NULL), ST_OK);
    for (size_t off = 0; off < N; off += B) {
        size_t n = N - off < B ? N - off : B;
        if (off == SWITCH) {
            st_error err = {0};
            st_model_params bad = rs;
            bad.izh.c = 40; /* above vpeak: refused, nothing published */
            assert_int_equal(st_stream_set_params(s, &bad, &err), ST_ERR_INVAL);
            assert_int_equal(st_stream_set_params(s, &ib, NULL), ST_OK);
            assert_int_equal(st_stream_set_params(s, &rs, NULL), ST_OK); /* the latest wins */
        }
        st_stream_process(s, x + off, y + off, n, NULL);
        memcpy(v + off, st_stream_tap_v(s), n * sizeof(double));
        memcpy(cur + off, st_stream_tap_current(s), n * sizeof(double));
    }
    st_stream_destroy(s);
    /* the reference: one state, FS for the steps to samples 1 .. SWITCH - 1, then RS */
    double *I = malloc(N * sizeof *I), *vr = malloc(N * sizeof *vr);
    assert_true(I && vr);
    for (int j = 0; j < N - 1; j++)
        I[j] = cur[j];
    st_model_state ns;
    m->reset(&ns, &fs, c.v0_mv, c.u0);
    vr[0] = c.v0_mv;
    m->process(&ns, &fs, c.how, 1000.0 / FS, I, vr + 1, NULL, SWITCH - 1, NULL);
    m->process(&ns, &rs, c.how, 1000.0 / FS, I + SWITCH - 1, vr + SWITCH, NULL,
               N - SWITCH, NULL);
    for (int j = 0; j < N; j++)
        assert_true(v[j] == vr[j]);
    /* it did switch: FS throughout differs after the switch */
    m->reset(&ns, &fs, c.v0_mv, c.u0);
    m->process(&ns, &fs, c.how, 1000.0 / FS, I, vr + 1, NULL, N - 1, NULL);
    bool differs = false;
    for (int j = SWITCH; j < N; j++)
        differs |= v[j] != vr[j];
    assert_true(differs);
    assert_true(fabs(v[SWITCH] - v[SWITCH - 1]) < 5.0); /* continuous at the switch */
    free(I);
    free(vr);
    free(x);
    free(y);
    free(v);
    free(cur);
}

/* st_stream_reset returns to the fresh state: the same input gives the same output again. */
static void test_stream_reset_repeats(void **state)
{
    (void)state;
    enum { N = 12000 };
    float *x = malloc(N * sizeof *x), *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    assert_true(x && a && b);
    make_voice(x, N);
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.envelope = ST_ENV_HILBERT;
    c.gate = ST_GATE_LEADING; /* it learns again after a reset */
    st_stream *s;
    assert_int_equal(st_stream_create(&c, FS, &s, NULL), ST_OK);
    st_stream_process(s, x, a, N, NULL);
    st_stream_reset(s);
    st_stream_stats stats;
    st_stream_stats_get(s, &stats);
    assert_int_equal(stats.samples, 0);
    assert_true(isnan(stats.gate_threshold));
    memcpy(b, x, N * sizeof *b);
    st_stream_process(s, b, b, N, NULL); /* in place */
    assert_memory_equal(a, b, N * sizeof *a);
    st_stream_destroy(s);
    free(x);
    free(a);
    free(b);
}

/* ---- silence and bad input ------------------------------------------------------------------- */

/* Silence (and non-finite samples, taken as silence) gives finite output, I = 0 and no
 * spikes, whatever the envelope and normalisation. */
static void test_stream_silence(void **state)
{
    (void)state;
    enum { N = 30000 };
    float *x = calloc(N, sizeof *x);
    assert_non_null(x);
    x[100] = NAN;
    x[7000] = INFINITY;
    x[9000] = -INFINITY;
    static const size_t b[] = {256};
    for (int k = 0; k < 6; k++) {
        st_pipeline_config c;
        assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
        c.normalize = k % 2 ? ST_NORM_NONE : ST_NORM_PEAK;
        c.envelope = k / 2 == 0 ? ST_ENV_MOVAVG : k / 2 == 1 ? ST_ENV_HILBERT : ST_ENV_NONE;
        c.gate = k < 4 ? ST_GATE_LEADING : ST_GATE_OFF;
        run r;
        run_blocks(&c, x, N, b, 1, &r);
        assert_int_equal(r.sp.count, 0);
        for (int i = 0; i < N; i++) {
            assert_true(isfinite(r.out[i]) && fabsf(r.out[i]) < 1.0f);
            assert_true(r.cur[i] == 0.0f);
            assert_true(r.env[i] == 0.0f);
            assert_true(isfinite(r.v[i]));
        }
        run_free(&r);
    }
    free(x);
}

/* What cannot stream is refused, naming the flag. */
static void test_stream_refuses(void **state)
{
    (void)state;
    static char sentinel;
    st_pipeline_config c;
    st_stream *s = (st_stream *)(void *)&sentinel;
    st_error err = {0};
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.normalize = ST_NORM_MAX;
    assert_int_equal(st_stream_create(&c, FS, &s, &err), ST_ERR_INVAL);
    assert_null(s);
    assert_non_null(strstr(err.msg, "--normalize: 'max'"));
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.rectify = ST_RECT_OFFSET;
    assert_int_equal(st_stream_create(&c, FS, &s, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--rectify: 'offset'"));
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.decimate = 9;
    assert_int_equal(st_stream_create(&c, FS, &s, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--decimate"));
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.peak_release_s = 0;
    assert_int_equal(st_stream_create(&c, FS, &s, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--peak-release"));
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.envelope = ST_ENV_HILBERT;
    c.hilbert_half = 0;
    assert_int_equal(st_stream_create(&c, FS, &s, &err), ST_ERR_INVAL);
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    c.gain = NAN;
    assert_int_equal(st_stream_create(&c, FS, &s, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--gain"));
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    assert_int_equal(st_stream_create(&c, 0, &s, &err), ST_ERR_INVAL);
}

/* The algorithmic delay: M for the FIR plus (w - 1) / 2 per moving average, rounded. */
static void test_stream_delay(void **state)
{
    (void)state;
    st_pipeline_config c;
    st_stream *s;
    assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
    assert_int_equal(st_stream_create(&c, FS, &s, NULL), ST_OK);
    /* 1 ms and 2 ms windows at 44.1 kHz: 44 and 88 samples */
    assert_int_equal(st_stream_delay_samples(s), (size_t)llround(43 / 2.0 + 87 / 2.0));
    st_stream_destroy(s);
    c.envelope = ST_ENV_HILBERT;
    assert_int_equal(st_stream_create(&c, FS, &s, NULL), ST_OK);
    assert_int_equal(st_stream_delay_samples(s), (size_t)llround(44 + 87 / 2.0));
    st_stream_destroy(s);
    c.envelope = ST_ENV_NONE;
    c.smooth_s = 0;
    assert_int_equal(st_stream_create(&c, FS, &s, NULL), ST_OK);
    assert_int_equal(st_stream_delay_samples(s), 0);
    st_stream_destroy(s);
}

/* ---- memory ---------------------------------------------------------------------------------- */

static long n_calls, n_live, fail_at = -1;

/* Counts allocations and live blocks; fails call number 'fail_at'. */
static void *counting_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        if (ptr)
            n_live--;
        free(ptr);
        return NULL;
    }
    if (n_calls++ == fail_at)
        return NULL;
    void *q = realloc(ptr, size);
    if (q && !ptr)
        n_live++;
    return q;
}

/* Every allocation of st_stream_create (and of the taps) may fail: ST_ERR_NOMEM, *out NULL,
 * nothing left allocated. */
static void test_stream_alloc_failure(void **state)
{
    (void)state;
    for (int env = 0; env < 3; env++) {
        st_pipeline_config c;
        assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
        c.envelope = (st_envelope_mode)env;
        int failures = 0;
        for (long k = 0; k < 40; k++) {
            n_calls = n_live = 0;
            fail_at = k;
            st_set_allocator(counting_alloc, NULL);
            st_stream *s = NULL;
            st_error err = {0};
            st_status st = st_stream_create(&c, FS, &s, &err);
            if (st == ST_OK)
                st = st_stream_enable_taps(s, 512, &err);
            st_stream_destroy(s); /* NULL when st_stream_create failed */
            st_set_allocator(NULL, NULL);
            assert_int_equal(n_live, 0);
            if (st == ST_OK)
                break;
            assert_int_equal(st, ST_ERR_NOMEM);
            assert_non_null(strstr(err.msg, "out of memory"));
            failures++;
        }
        assert_true(failures >= 3); /* the stream, the gate window, the averages, the taps */
        fail_at = -1;
    }
}

/* Once created (taps enabled, spike room reserved), processing allocates nothing: not per
 * block, not when the gate opens, not on a parameter change, not for the meters. */
static void test_stream_no_alloc_in_process(void **state)
{
    (void)state;
    enum { N = 64 * 1000 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_true(x && y);
    make_voice(x, N);
    for (int env = 0; env < 3; env++) {
        st_pipeline_config c;
        assert_int_equal(st_pipeline_recipe("default", true, &c, NULL), ST_OK);
        c.envelope = (st_envelope_mode)env;
        st_stream *s;
        assert_int_equal(st_stream_create(&c, FS, &s, NULL), ST_OK);
        assert_int_equal(st_stream_enable_taps(s, 64, NULL), ST_OK);
        st_spikes sp = {0};
        assert_int_equal(st_spikes_reserve(&sp, N), ST_OK);
        st_model_params rs = st_preset_find(c.model, "RS", -1)->params;
        n_calls = n_live = 0;
        fail_at = -1;
        st_set_allocator(counting_alloc, NULL);
        st_stream_stats stats;
        for (size_t off = 0; off < N; off += 64) {
            st_stream_process(s, x + off, y + off, 64, &sp);
            st_stream_stats_get(s, &stats);
            if (off == N / 2)
                assert_int_equal(st_stream_set_params(s, &rs, NULL), ST_OK);
        }
        st_set_allocator(NULL, NULL);
        assert_int_equal(n_calls, 0);
        assert_true(stats.samples == N && sp.count > 0 && !isnan(stats.gate_threshold));
        st_spikes_free(&sp);
        st_stream_destroy(s);
    }
    free(x);
    free(y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_blocks_default),
        cmocka_unit_test(test_stream_blocks_hilbert),
        cmocka_unit_test(test_stream_blocks_normalize_none),
        cmocka_unit_test(test_stream_blocks_models),
        cmocka_unit_test(test_stream_hilbert_matches_offline),
        cmocka_unit_test(test_stream_equals_offline_movavg),
        cmocka_unit_test(test_stream_gate_learns),
        cmocka_unit_test(test_stream_sustained_pattern),
        cmocka_unit_test(test_stream_set_params_midstream),
        cmocka_unit_test(test_stream_reset_repeats),
        cmocka_unit_test(test_stream_silence),
        cmocka_unit_test(test_stream_refuses),
        cmocka_unit_test(test_stream_delay),
        cmocka_unit_test(test_stream_alloc_failure),
        cmocka_unit_test(test_stream_no_alloc_in_process),
    };
    return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
