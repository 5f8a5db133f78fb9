/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the gammatone filterbank against the ERB formula of Glasberg and Moore (1990) and
 * the gammatone's analytic magnitude response. */
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "st-test.h"
#include "spiketalk/filterbank.h"

#define PI 3.14159265358979323846
#define FS 44100.0

/* Written here from the paper, not taken from the code under test. */
static double erb(double f)
{
    return 24.7 * (4.37 * f / 1000.0 + 1.0);
}

static double erb_number(double f)
{
    return 21.4 * log10(1.0 + 0.00437 * f);
}

static st_filterbank_params default_bank(double fs)
{
    return (st_filterbank_params){.bands = 16, .fmin_hz = 100.0, .fmax_hz = 8000.0,
                                  .spacing = ST_FB_ERB, .fs_hz = fs};
}

/* The centres: the edges as given, evenly spaced in ERB number (or in log frequency). */
static void test_filterbank_centres(void **state)
{
    (void)state;
    st_filterbank_params p = default_bank(FS);
    double fc[16];
    st_filterbank_centres(&p, fc);
    assert_close(fc[0], 100.0, 0, 0);
    assert_close(fc[15], 8000.0, 0, 0);
    double step = (erb_number(8000.0) - erb_number(100.0)) / 15.0;
    for (int j = 0; j < 15; j++)
        assert_close(erb_number(fc[j + 1]) - erb_number(fc[j]), step, 1e-9, 0);
    p.spacing = ST_FB_LOG;
    st_filterbank_centres(&p, fc);
    for (int j = 0; j < 15; j++)
        assert_close(fc[j + 1] / fc[j], pow(80.0, 1.0 / 15.0), 0, 1e-12);
    assert_close(st_erb_hz(1000.0), 132.639, 1e-9, 0); /* 24.7 * 5.37 */
    assert_close(st_erb_rate_inverse(st_erb_rate(1234.5)), 1234.5, 1e-9, 0);
}

/* |H| in dB at bin k of an FFT of length n. */
static double db_at(const double *mag, size_t k)
{
    return 20.0 * log10(mag[k]);
}

/* The frequency where the dB curve crosses 'level' between bins k and k + 1 (linear in dB). */
static double crossing(const double *mag, size_t k, double level, double df)
{
    double a = db_at(mag, k), b = db_at(mag, k + 1);
    return ((double)k + (level - a) / (b - a)) * df;
}

/* Each band's impulse response, through an FFT: the peak at its centre with gain 1, the -3 dB
 * bandwidth 2 b sqrt(2^(1/4) - 1) = 0.887 ERB(fc) with b = 1.019 ERB(fc), and the equivalent
 * rectangular bandwidth (the power response's integral over its peak) ERB(fc) itself. */
static void test_filterbank_impulse_responses(void **state)
{
    (void)state;
    enum { N = 1 << 18 };
    st_filterbank_params p = default_bank(FS);
    st_filterbank fb;
    assert_int_equal(st_filterbank_init(&fb, &p, NULL), ST_OK);
    double *x = calloc(N, sizeof *x), *h = calloc(N, sizeof *h), *mag = calloc(N / 2 + 1, sizeof *mag);
    fftw_complex *H = fftw_malloc((N / 2 + 1) * sizeof *H);
    assert_non_null(x);
    assert_non_null(H);
    fftw_plan plan = fftw_plan_dft_r2c_1d(N, h, H, FFTW_ESTIMATE);
    x[0] = 1.0;
    const double df = FS / N;
    for (size_t j = 0; j < p.bands; j++) {
        st_filterbank_process_band(&fb, j, x, h, N);
        fftw_execute(plan);
        size_t peak = 1;
        for (size_t k = 1; k <= N / 2; k++) {
            mag[k] = hypot(H[k][0], H[k][1]);
            if (mag[k] > mag[peak])
                peak = k;
        }
        mag[0] = hypot(H[0][0], H[0][1]);
        /* the peak, refined by a parabola through the three bins around it (in dB) */
        double a = db_at(mag, peak - 1), b = db_at(mag, peak), c = db_at(mag, peak + 1);
        double off = 0.5 * (a - c) / (a - 2 * b + c);
        double f_peak = ((double)peak + off) * df, top = b - 0.25 * (a - c) * off;
        double fc = fb.fc_hz[j], want_bw = 2.0 * 1.019 * erb(fc) * sqrt(pow(2.0, 0.25) - 1.0);
        assert_close(f_peak, fc, 0.05, 0.002);
        assert_close(top, 0.0, 0.05, 0); /* gain 1 at the centre */
        size_t lo = peak, hi = peak;
        while (db_at(mag, lo - 1) > top - 3.0)
            lo--;
        while (db_at(mag, hi + 1) > top - 3.0)
            hi++;
        double bw = crossing(mag, hi, top - 3.0, df) - crossing(mag, lo - 1, top - 3.0, df);
        assert_close(bw, want_bw, 0, 0.01);
        /* equivalent rectangular bandwidth: sum |H|^2 df over the positive frequencies */
        double power = 0.0, peak_power = pow(10.0, top / 10.0);
        for (size_t k = 1; k < N / 2; k++)
            power += mag[k] * mag[k] * df;
        assert_close(power / peak_power, erb(fc), 0, 0.01);
        print_message("band %2zu: centre %8.2f Hz (measured %8.2f), -3 dB %7.2f Hz (0.887 ERB "
                      "%7.2f), ERB %7.2f Hz (formula %7.2f)\n",
                      j, fc, f_peak, bw, want_bw, power / peak_power, erb(fc));
    }
    fftw_destroy_plan(plan);
    fftw_free(H);
    free(x);
    free(h);
    free(mag);
    st_filterbank_free(&fb);
}

/* A pure tone at band k's centre: band k answers with amplitude 1, every other band with the
 * gammatone's magnitude (1 + ((f - fc) / b)^2)^-2 at that frequency, all of them below a tenth. */
static void test_filterbank_tone_excites_its_band(void **state)
{
    (void)state;
    enum { N = 17640, SKIP = 8820 }; /* 0.4 s, the last 0.2 s measured */
    st_filterbank_params p = default_bank(FS);
    st_filterbank fb;
    assert_int_equal(st_filterbank_init(&fb, &p, NULL), ST_OK);
    double *x = malloc(N * sizeof *x), *y = malloc(16 * N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    const size_t bands[] = {0, 3, 7, 11, 15};
    for (size_t t = 0; t < sizeof bands / sizeof bands[0]; t++) {
        size_t k = bands[t];
        double f = fb.fc_hz[k];
        for (int i = 0; i < N; i++)
            x[i] = sin(2 * PI * f * i / FS);
        st_filterbank_reset(&fb);
        st_filterbank_process(&fb, x, y, N, N);
        for (size_t j = 0; j < 16; j++) {
            double ss = 0.0;
            for (int i = SKIP; i < N; i++)
                ss += y[j * N + i] * y[j * N + i];
            double amp = sqrt(2.0 * ss / (N - SKIP));
            double b = 1.019 * erb(fb.fc_hz[j]), d = (f - fb.fc_hz[j]) / b;
            double want = 1.0 / ((1.0 + d * d) * (1.0 + d * d));
            if (j == k)
                assert_close(amp, 1.0, 0, 0.01);
            else
                assert_true(amp < 0.1);
            if (want > 1e-3)
                assert_close(amp, want, 2e-4, 0.1);
        }
    }
    free(x);
    free(y);
    st_filterbank_free(&fb);
}

/* Noise in blocks of odd sizes gives the whole run's output bit for bit, in every band. */
static void test_filterbank_block_invariance(void **state)
{
    (void)state;
    enum { N = 10007, B = 16 };
    st_filterbank_params p = default_bank(FS);
    st_filterbank whole, parts;
    assert_int_equal(st_filterbank_init(&whole, &p, NULL), ST_OK);
    assert_int_equal(st_filterbank_init(&parts, &p, NULL), ST_OK);
    double *x = malloc(N * sizeof *x), *a = malloc(B * N * sizeof *a), *b = malloc(B * N * sizeof *b);
    assert_non_null(x);
    assert_non_null(a);
    assert_non_null(b);
    uint32_t r = 12345;
    for (int i = 0; i < N; i++) {
        r = r * 1664525u + 1013904223u;
        x[i] = (double)r / 4294967296.0 - 0.5;
    }
    st_filterbank_process(&whole, x, a, N, N);
    const size_t sizes[] = {1, 3, 17, 63, 1001, 5};
    size_t at = 0, s = 0;
    while (at < N) {
        size_t m = sizes[s++ % 6];
        m = m < N - at ? m : N - at;
        st_filterbank_process(&parts, x + at, b + at, m, N);
        at += m;
    }
    assert_memory_equal(a, b, B * N * sizeof *a);
    /* one band in place gives the same bits */
    st_filterbank_reset(&parts);
    memcpy(b, x, N * sizeof *b);
    st_filterbank_process_band(&parts, 5, b, b, N);
    assert_memory_equal(a + 5 * N, b, N * sizeof *a);
    free(x);
    free(a);
    free(b);
    st_filterbank_free(&whole);
    st_filterbank_free(&parts);
}

static void expect_inval(st_filterbank_params p, const char *flag)
{
    st_error err = {0};
    st_filterbank fb;
    assert_int_equal(st_filterbank_init(&fb, &p, &err), ST_ERR_INVAL);
    if (!strstr(err.msg, flag)) {
        print_error("message '%s' does not name %s\n", err.msg, flag);
        fail();
    }
}

static void test_filterbank_bad_params(void **state)
{
    (void)state;
    st_filterbank_params p = default_bank(FS);
    p.bands = 0;
    expect_inval(p, "--bands");
    p.bands = ST_FB_MAX_BANDS + 1;
    expect_inval(p, "--bands");
    p = default_bank(FS);
    p.fmin_hz = 0;
    expect_inval(p, "--fmin");
    p.fmin_hz = NAN;
    expect_inval(p, "--fmin");
    p.fmin_hz = 19.99;
    expect_inval(p, "--fmin");
    p.fmin_hz = 20.0;
    p.bands = 1;
    p.fmax_hz = 20.0;
    assert_int_equal(st_filterbank_check(&p, NULL), ST_OK);
    p = default_bank(FS);
    p.fmax_hz = 50;
    expect_inval(p, "--fmax");
    p.fmax_hz = INFINITY;
    expect_inval(p, "--fmax");
    p = default_bank(16000.0); /* 8 kHz is the Nyquist frequency itself */
    expect_inval(p, "--fmax");
    p = default_bank(500.0);
    expect_inval(p, "rate");
    st_fb_spacing s;
    assert_int_equal(st_fb_spacing_parse("LOG", &s, NULL), ST_OK);
    assert_int_equal(s, ST_FB_LOG);
    assert_int_equal(st_fb_spacing_parse("mel", &s, NULL), ST_ERR_INVAL);
}

static void test_filterbank_nomem(void **state)
{
    (void)state;
    st_filterbank_params p = default_bank(FS);
    for (int k = 0; k < 4; k++) {
        int left = k;
        st_set_allocator(st_test_failing_alloc, &left);
        st_filterbank fb;
        assert_int_equal(st_filterbank_init(&fb, &p, NULL), ST_ERR_NOMEM);
        st_set_allocator(NULL, NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filterbank_centres),
        cmocka_unit_test(test_filterbank_impulse_responses),
        cmocka_unit_test(test_filterbank_tone_excites_its_band),
        cmocka_unit_test(test_filterbank_block_invariance),
        cmocka_unit_test(test_filterbank_bad_params),
        cmocka_unit_test(test_filterbank_nomem),
    };
    return cmocka_run_group_tests_name("filterbank", tests, NULL, NULL);
}
