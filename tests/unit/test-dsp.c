/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the audio stages and the offline pipeline against analytic expectations. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "st-test.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/sim.h"

#define PI 3.14159265358979323846

/* |analytic signal| of 0.5 sin(2 pi 440 t) is 0.5, away from the edges. */
static void test_dsp_hilbert_envelope_of_tone(void **state)
{
    (void)state;
    enum { N = 44100 };
    static double x[N], env[N];
    for (int i = 0; i < N; i++)
        x[i] = 0.5 * sin(2 * PI * 440.0 * i / 44100.0);
    assert_int_equal(st_hilbert_envelope(x, N, env, NULL), ST_OK);
    for (int i = N / 10; i < N - N / 10; i++)
        assert_close(env[i], 0.5, 0, 0.01);
    /* odd length too */
    assert_int_equal(st_hilbert_envelope(x, N - 1, env, NULL), ST_OK);
    for (int i = N / 10; i < N - N / 10; i++)
        assert_close(env[i], 0.5, 0, 0.01);
}

/* The analytic signal of cos(w t) over whole periods is exp(i w t), to float error. */
static void test_dsp_analytic_signal_of_cos(void **state)
{
    (void)state;
    enum { N = 1000 };
    static double x[N], z[2 * N];
    for (int k = 0; k < N; k++)
        x[k] = cos(2 * PI * 7.0 * k / N);
    assert_int_equal(st_analytic_signal(x, N, z, NULL), ST_OK);
    for (int k = 0; k < N; k++) {
        assert_close(z[2 * k], cos(2 * PI * 7.0 * k / N), 1e-12, 0);
        assert_close(z[2 * k + 1], sin(2 * PI * 7.0 * k / N), 1e-12, 0);
    }
}

/* FFT resampling of a band-limited periodic signal is exact: sin with 5 cycles over 300 samples
 * resampled to 120 is the same sine on the new grid. */
static void test_dsp_resample_exact_for_band_limited(void **state)
{
    (void)state;
    double x[300], y[120], back[300];
    for (int k = 0; k < 300; k++)
        x[k] = sin(2 * PI * 5.0 * k / 300) + 0.25;
    assert_int_equal(st_resample_fft(x, 300, y, 120, NULL), ST_OK);
    for (int k = 0; k < 120; k++)
        assert_close(y[k], sin(2 * PI * 5.0 * k / 120) + 0.25, 1e-12, 0);
    assert_int_equal(st_resample_fft(y, 120, back, 300, NULL), ST_OK);
    for (int k = 0; k < 300; k++)
        assert_close(back[k], x[k], 1e-12, 0);
}

/* A sine of amplitude 0.5 on bin 10 (1000 Hz with 100 Hz bins): -6.02 dB there in every
 * whole frame, the periodic Hann window's neighbours half the amplitude (-12.04 dB), the other
 * bins empty; the frame count covers the signal; silence reads -200 dB. */
static void test_dsp_spectrogram_of_tone(void **state)
{
    (void)state;
    enum { N = 44100, W = 441, HOP = 100 };
    static float x[N];
    for (int i = 0; i < N; i++)
        x[i] = (float)(0.5 * sin(2 * PI * 1000.0 * i / 44100.0));
    st_spectrogram sg;
    assert_int_equal(st_spectrogram_compute(x, N, 44100.0, W, HOP, 3000.0, &sg, NULL), ST_OK);
    assert_int_equal(sg.frames, 1 + (N - W + HOP - 1) / HOP);
    assert_int_equal(sg.bins, 31);
    assert_close(sg.df_hz, 100.0, 1e-12, 0);
    for (size_t j = 0; j + 5 < sg.frames; j++) {
        for (size_t k = 0; k < sg.bins; k++) {
            double db = sg.power_db[k * sg.frames + j];
            if (k == 10)
                assert_close(db, 20.0 * log10(0.5), 1e-3, 0);
            else if (k == 9 || k == 11)
                assert_close(db, 20.0 * log10(0.25), 1e-3, 0);
            else
                assert_true(db < -90.0);
        }
    }
    st_spectrogram_free(&sg);
    memset(x, 0, sizeof x);
    assert_int_equal(st_spectrogram_compute(x, 1000, 44100.0, W, HOP, -1, &sg, NULL), ST_OK);
    assert_int_equal(sg.bins, W / 2 + 1);
    for (size_t i = 0; i < sg.frames * sg.bins; i++)
        assert_close(sg.power_db[i], -200.0, 0, 0);
    st_spectrogram_free(&sg);
    assert_int_equal(st_spectrogram_compute(x, 1000, 44100.0, 1, HOP, -1, &sg, NULL),
                     ST_ERR_INVAL);
}

static void test_dsp_movavg_constant_and_blocks(void **state)
{
    (void)state;
    enum { N = 2000 };
    static double x[N], y[N], z[N];
    for (int i = 0; i < N; i++)
        x[i] = 0.3;
    st_movavg m;
    assert_int_equal(st_movavg_init(&m, 441, false, NULL), ST_OK);
    st_movavg_process(&m, x, y, N);
    for (int i = 0; i < N; i++)
        assert_close(y[i], 0.3, 1e-6, 0);
    /* the same output whatever the block sizes */
    for (int i = 0; i < N; i++)
        x[i] = sin(i * 0.37) * (i % 17);
    st_movavg_reset(&m);
    st_movavg_process(&m, x, y, N);
    st_movavg_reset(&m);
    for (int i = 0, b = 1; i < N; b = b * 3 % 101 + 1) {
        int n = b < N - i ? b : N - i;
        st_movavg_process(&m, x + i, z + i, (size_t)n);
        i += n;
    }
    assert_memory_equal(y, z, sizeof y);
    /* a plain mean of the last 441 (or i + 1) inputs */
    for (int i = 0; i < N; i += 97) {
        double s = 0;
        int lo = i - 440 < 0 ? 0 : i - 440;
        for (int j = lo; j <= i; j++)
            s += x[j];
        assert_close(y[i], s / (i - lo + 1), 1e-12, 0);
    }
    st_movavg_free(&m);
}

/* The study's moving average: sum / (i + 1) for the first w outputs, then twice the mean
 * (sum * 2 / w, its quirk); the window of a constant 0.3 gives 0.3 and then 0.6. */
static void test_dsp_movavg_seed_scaling(void **state)
{
    (void)state;
    enum { N = 1000, W = 441 };
    static double x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = 0.3;
    st_movavg m;
    assert_int_equal(st_movavg_init(&m, W, true, NULL), ST_OK);
    st_movavg_process(&m, x, y, N);
    for (int i = 0; i < N; i++)
        assert_close(y[i], i < W ? 0.3 : 0.6, 1e-12, 0);
    st_movavg_free(&m);
}

static void test_dsp_rectify_modes(void **state)
{
    (void)state;
    const double x[5] = {-2, -0.5, 0, 1, 3};
    double y[5];
    st_rectify(ST_RECT_FULL, x, y, 5);
    assert_memory_equal(y, ((double[5]){2, 0.5, 0, 1, 3}), sizeof y);
    st_rectify(ST_RECT_HALF, x, y, 5);
    assert_memory_equal(y, ((double[5]){0, 0, 0, 1, 3}), sizeof y);
    st_rectify(ST_RECT_OFFSET, x, y, 5);
    assert_memory_equal(y, ((double[5]){0, 1.5, 2, 3, 5}), sizeof y);
    st_rectify(ST_RECT_NONE, x, y, 5);
    assert_memory_equal(y, x, sizeof y);
}

/* Exactly the samples with |x| <= threshold become 0; the threshold is k sigma (or the floor). */
static void test_dsp_gate_exact(void **state)
{
    (void)state;
    const double x[8] = {0.1, -0.1, 0.10001, -0.2, 0.05, 0, -0.09999, 1};
    double y[8];
    st_gate_params p = {.mode = ST_GATE_FIXED, .threshold = 0.1};
    st_gate g;
    assert_int_equal(st_gate_init(&g, &p, NULL), ST_OK);
    st_gate_process(&g, x, y, 8);
    const double want[8] = {0, 0, 0.10001, -0.2, 0, 0, 0, 1};
    assert_memory_equal(y, want, sizeof y);
    assert_int_equal(g.gated, 5);
    st_gate_free(&g);
    double w[4] = {1, -1, 1, -1}; /* mean 0, sigma 1 */
    assert_close(st_gate_threshold(w, 4, 4, 3, 0), 3.0, 1e-12, 0);
    double zeros[100] = {0};
    assert_close(st_gate_threshold(zeros, 100, 50, 3, 1e-4), 1e-4, 0, 0);
    /* 300 values k/300 - 0.5: sigma^2 = (300^2 - 1) / (12 * 300^2) exactly in closed form */
    static double ramp[300];
    for (int i = 0; i < 300; i++)
        ramp[i] = i / 300.0 - 0.5;
    assert_close(st_gate_threshold(ramp, 300, 300, 2, 0), 2 * sqrt((90000.0 - 1) / 1080000.0),
                 1e-15, 1e-14);
}

/* A gate that learns a leading window is closed (0) while it learns, then applies k sigma of
 * that window; NaN and infinite samples count as silence. */
static void test_dsp_gate_leading_window(void **state)
{
    (void)state;
    double x[12] = {1, -1, 1, -1, 0.5, 3.5, -2.9, NAN, INFINITY, 3.01, -3.0, 0};
    double y[12];
    st_gate_params p = {.mode = ST_GATE_LEADING, .k = 3, .window = 4, .floor = 1e-4};
    st_gate g;
    assert_int_equal(st_gate_init(&g, &p, NULL), ST_OK);
    assert_true(isnan(st_gate_current_threshold(&g)));
    st_gate_process(&g, x, y, 3);
    st_gate_process(&g, x + 3, y + 3, 9);
    assert_close(st_gate_current_threshold(&g), 3.0, 1e-12, 0);
    const double want[12] = {0, 0, 0, 0, 0, 3.5, 0, 0, 0, 3.01, 0, 0};
    assert_memory_equal(y, want, sizeof y);
    st_gate_free(&g);
    p.window = 0;
    st_error err = {0};
    assert_int_equal(st_gate_init(&g, &p, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--gate-window"));
}

/* ---- the noise floor ---------------------------------------------------------------------- */

/* Gaussian noise of standard deviation sigma (Box-Muller over a 64-bit LCG: reproducible). */
static double gauss(uint64_t *state, double sigma)
{
    double u[2];
    for (int k = 0; k < 2; k++) {
        *state = *state * 6364136223846793005ull + 1442695040888963407ull;
        u[k] = ((double)(*state >> 11) + 0.5) / 9007199254740992.0;
    }
    return sigma * sqrt(-2.0 * log(u[0])) * cos(2 * PI * u[1]);
}

static double db(double x)
{
    return 20.0 * log10(x);
}

/* White noise at a known level: once the estimator has seen its window (1.65 s), the floor is
 * the noise's level within 2 dB, frame after frame, at -40 and -60 dBFS. */
static void test_dsp_noise_floor_white(void **state)
{
    (void)state;
    const double sigmas[] = {0.01, 0.001};
    for (size_t s = 0; s < 2; s++) {
        st_noise_floor nf;
        st_noise_floor_init(&nf, 44100);
        uint64_t seed = 42 + s;
        double worst = 0;
        for (int i = 0; i < 44100 * 5; i++)
            if (st_noise_floor_push(&nf, gauss(&seed, sigmas[s])) && i > 44100 * 1.7)
                worst = fmax(worst, fabs(db(st_noise_floor_amplitude(&nf)) - db(sigmas[s])));
        print_message("white noise at %.0f dBFS: the floor within %.2f dB\n", db(sigmas[s]),
                      worst);
        assert_true(worst < 2.0);
    }
}

/* The room gets noisier (-60 to -40 dBFS): the floor rises within the window's 1.65 s; it
 * gets quieter: the floor follows within a frame or two; a loud start (50 ms at full scale)
 * is forgotten within 0.1 s. */
static void test_dsp_noise_floor_follows(void **state)
{
    (void)state;
    const double fs = 44100, lo = 0.001, hi = 0.01;
    st_noise_floor nf;
    st_noise_floor_init(&nf, fs);
    uint64_t seed = 7;
    double up_at = NAN, down_at = NAN, start_ok = NAN;
    for (int i = 0; i < (int)(9 * fs); i++) {
        double t = i / fs;
        double x = t < 0.05 ? (i % 100 < 50 ? 0.99 : -0.99)       /* a full-scale click */
                   : t < 3 || t >= 6 ? gauss(&seed, lo) : gauss(&seed, hi);
        if (!st_noise_floor_push(&nf, x))
            continue;
        double e = db(st_noise_floor_amplitude(&nf));
        if (t < 3 && isnan(start_ok) && fabs(e - db(lo)) < 2)
            start_ok = t;
        if (t >= 3 && t < 6 && isnan(up_at) && fabs(e - db(hi)) < 2)
            up_at = t - 3;
        if (t >= 6 && isnan(down_at) && fabs(e - db(lo)) < 2)
            down_at = t - 6;
        if (t >= 3 && t < 3 + 1.4) /* the quieter past still in the window */
            assert_true(e < db(hi) - 6);
    }
    print_message("after a loud start: %.3f s; up: %.3f s; down: %.3f s\n", start_ok - 0.05,
                  up_at, down_at);
    assert_true(start_ok - 0.05 < 0.1);
    assert_true(up_at >= 1.4 && up_at <= 1.7);
    assert_true(down_at <= 0.03);
}

/* Digital silence: the floor is 0 and the gate keeps its 1e-4, never NaN; nothing passes. */
static void test_dsp_gate_adaptive_silence_and_blocks(void **state)
{
    (void)state;
    enum { N = 44100 };
    static double x[N], y[N], z[N];
    st_gate_params p = {.mode = ST_GATE_ADAPTIVE, .k = 3, .floor = 1e-4, .fs_hz = 44100};
    st_gate g;
    assert_int_equal(st_gate_init(&g, &p, NULL), ST_OK);
    st_gate_process(&g, x, y, N);
    assert_true(st_gate_noise_floor(&g) == 0.0);
    assert_true(st_gate_current_threshold(&g) == 1e-4);
    for (int i = 0; i < N; i++)
        assert_true(y[i] == 0.0);
    /* noise then a tone: the same output whatever the block sizes */
    uint64_t seed = 3;
    for (int i = 0; i < N; i++)
        x[i] = gauss(&seed, 0.002) + (i > N / 2 ? 0.3 * sin(2 * PI * 300.0 * i / 44100) : 0);
    st_gate_reset(&g);
    st_gate_process(&g, x, y, N);
    st_gate_reset(&g);
    for (int i = 0, b = 1; i < N; b = b * 7 % 997 + 1) {
        int n = b < N - i ? b : N - i;
        st_gate_process(&g, x + i, z + i, (size_t)n);
        i += n;
    }
    assert_memory_equal(y, z, sizeof y);
    /* the threshold is 3 x the floor: the noise is gated, the tone's peaks pass */
    assert_close(st_gate_current_threshold(&g), 3 * st_gate_noise_floor(&g), 0, 1e-12);
    assert_true(st_gate_noise_floor(&g) > 0.0015 && st_gate_noise_floor(&g) < 0.0027);
    size_t passed = 0;
    for (int i = N / 2 + 4410; i < N; i++)
        passed += z[i] != 0;
    assert_true(passed > (N / 2 - 4410) / 2);
    st_gate_free(&g);
}

/* Sonified output stays inside [-1, 1] for v across the whole range and for extreme input. */
static void test_dsp_sonify_bounded(void **state)
{
    (void)state;
    enum { N = 20000 };
    static double v[N];
    static float out[N];
    static uint8_t spk[N];
    for (int i = 0; i < N; i++) {
        v[i] = -90 + 130.0 * (i % 500) / 499.0; /* sawtooth -90 .. +40 */
        spk[i] = i % 300 == 0;
    }
    v[100] = 1e300;
    v[101] = -1e300;
    v[102] = NAN;
    v[103] = INFINITY;
    for (int mode = 0; mode < 2; mode++) {
        st_sonify_params p = {(st_sonify_mode)mode, -95, 40, 44100, 20, 1};
        st_sonify_state s;
        assert_int_equal(st_sonify_init(&s, &p, NULL), ST_OK);
        st_sonify_process(&s, &p, v, spk, out, N);
        for (int i = 0; i < N; i++)
            assert_true(isfinite(out[i]) && out[i] >= -1.0f && out[i] <= 1.0f);
    }
    assert_true(st_soft_limit(0.5) == 0.5f);
    assert_true(st_soft_limit(1e9) < 1.0f && st_soft_limit(-1e9) > -1.0f);
}

/* After a jump of v the DC blocker decays as r^n (r = exp(-2 pi fc / fs)) and then ends at
 * exactly zero: no output sample is a subnormal float, so a player that flushes them (FTZ)
 * hears the same bits. */
static void test_dsp_sonify_decay_ends_at_zero(void **state)
{
    (void)state;
    enum { N = 44100 * 8 };
    static double v[N];
    static float out[N];
    for (int i = 0; i < N; i++)
        v[i] = i < 10 ? -95 : 40; /* a jump of the full range, then rest */
    st_sonify_params p = {ST_SONIFY_MEMBRANE, -95, 40, 44100, 20, 1};
    st_sonify_state s;
    assert_int_equal(st_sonify_init(&s, &p, NULL), ST_OK);
    st_sonify_process(&s, &p, v, NULL, out, N);
    double r = exp(-2.0 * 3.14159265358979323846 * 20.0 / 44100.0);
    /* 2 * r^n after the jump (limited above 0.8): check a stretch of the linear part */
    for (int n = 2000; n < 2100; n++)
        assert_float_equal(out[10 + n], 2.0 * pow(r, n), 1e-6 * 2.0 * pow(r, n));
    int first_zero = -1;
    for (int i = 10; i < N; i++) {
        assert_false(fpclassify(out[i]) == FP_SUBNORMAL);
        if (out[i] == 0.0f && first_zero < 0)
            first_zero = i;
        if (first_zero >= 0)
            assert_true(out[i] == 0.0f);
    }
    /* zero where 2 r^n falls under FLT_MIN */
    int expect = 10 + (int)ceil(log(FLT_MIN / 2.0) / log(r));
    assert_true(first_zero >= expect - 1 && first_zero <= expect + 1);
}

/* Silence: no gate blow-up, I = 0 (never NaN), no spikes, output finite. */
static void test_dsp_pipeline_silence(void **state)
{
    (void)state;
    enum { N = 22050 };
    static float x[N];
    const char *recipes[] = {"default", "seed-hilbert-norm", "seed-movavg-norm", "seed-playback"};
    for (size_t r = 0; r < 4; r++) {
        st_pipeline_config c;
        assert_int_equal(st_pipeline_recipe(recipes[r], false, &c, NULL), ST_OK);
        c.model = st_model_get(ST_MODEL_IZH);
        st_pipeline_result res;
        st_error err = {0};
        assert_int_equal(st_pipeline_run(&c, x, N, 44100, &res, NULL, NULL, &err), ST_OK);
        for (size_t k = 0; k < res.steps; k++)
            assert_true(res.current[k] == 0.0);
        assert_int_equal(res.spikes.count, 0);
        for (size_t i = 0; i < res.n; i++)
            assert_true(isfinite(res.output[i]));
        st_pipeline_result_free(&res);
    }
}

/* A loud tone drives the default neuron: spikes only while the tone sounds, and one neuron step
 * per sample. */
static void test_dsp_pipeline_tone_burst(void **state)
{
    (void)state;
    enum { N = 44100 };
    static float x[N];
    for (int i = 0; i < N; i++) /* 0.3 s silence, 0.4 s tone, 0.3 s silence */
        x[i] = (i > 13230 && i < 30870) ? (float)(0.5 * sin(2 * PI * 440.0 * i / 44100.0)) : 0;
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", false, &c, NULL), ST_OK);
    st_pipeline_result r;
    assert_int_equal(st_pipeline_run(&c, x, N, 44100, &r, NULL, NULL, NULL), ST_OK);
    assert_int_equal(r.steps, N);
    assert_close(r.dt_ms, 1000.0 / 44100, 1e-15, 0);
    assert_true(r.spikes.count > 10);
    for (size_t i = 0; i < r.spikes.count; i++) {
        double t = (double)r.spikes.step[i] * r.dt_ms;
        assert_true(t > 300 && t < 700 + 30);
    }
    st_pipeline_result_free(&r);
}

/* Without taps the pipeline works in place and keeps no per-step arrays; the sound and the
 * spikes must not change. */
static void test_dsp_pipeline_taps_do_not_change_output(void **state)
{
    (void)state;
    enum { N = 30000 };
    static float x[N];
    for (int i = 0; i < N; i++) /* a rising tone burst over a little noise */
        x[i] = (float)((i > 3000 ? 0.6 * i / N : 0) * sin(2 * PI * 300.0 * i / 44100.0) +
                       1e-4 * sin(i * 1.7));
    const st_model_id models[] = {ST_MODEL_IZH, ST_MODEL_IZH07, ST_MODEL_HH};
    for (size_t m = 0; m < 3; m++) {
        st_pipeline_config c;
        assert_int_equal(st_pipeline_recipe("default", false, &c, NULL), ST_OK);
        assert_int_equal(st_pipeline_set_neuron(&c, st_model_get(models[m]), NULL, NULL), ST_OK);
        assert_true(c.gain == c.model->default_gain);
        st_pipeline_result a, b;
        c.keep_taps = true;
        assert_int_equal(st_pipeline_run(&c, x, N, 44100, &a, NULL, NULL, NULL), ST_OK);
        c.keep_taps = false;
        assert_int_equal(st_pipeline_run(&c, x, N, 44100, &b, NULL, NULL, NULL), ST_OK);
        assert_null(b.v);
        assert_true(a.spikes.count > 0);
        assert_int_equal(a.spikes.count, b.spikes.count);
        assert_memory_equal(a.spikes.step, b.spikes.step, a.spikes.count * sizeof(uint64_t));
        assert_memory_equal(a.output, b.output, N * sizeof(float));
        st_pipeline_result_free(&a);
        st_pipeline_result_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dsp_hilbert_envelope_of_tone),
        cmocka_unit_test(test_dsp_spectrogram_of_tone),
        cmocka_unit_test(test_dsp_analytic_signal_of_cos),
        cmocka_unit_test(test_dsp_resample_exact_for_band_limited),
        cmocka_unit_test(test_dsp_movavg_constant_and_blocks),
        cmocka_unit_test(test_dsp_movavg_seed_scaling),
        cmocka_unit_test(test_dsp_rectify_modes),
        cmocka_unit_test(test_dsp_gate_exact),
        cmocka_unit_test(test_dsp_gate_leading_window),
        cmocka_unit_test(test_dsp_noise_floor_white),
        cmocka_unit_test(test_dsp_noise_floor_follows),
        cmocka_unit_test(test_dsp_gate_adaptive_silence_and_blocks),
        cmocka_unit_test(test_dsp_sonify_bounded),
        cmocka_unit_test(test_dsp_sonify_decay_ends_at_zero),
        cmocka_unit_test(test_dsp_pipeline_silence),
        cmocka_unit_test(test_dsp_pipeline_tone_burst),
        cmocka_unit_test(test_dsp_pipeline_taps_do_not_change_output),
    };
    return cmocka_run_group_tests_name("dsp", tests, NULL, NULL);
}
