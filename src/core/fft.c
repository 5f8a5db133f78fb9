/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The whole-signal stages that are FFTs (FFTW): the analytic signal and its envelope (as
 * scipy.signal.hilbert), resampling (as scipy.signal.resample), and the spectrogram. */
#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "spiketalk/dsp.h"

/* ---- Hilbert ------------------------------------------------------------------------------- */

/* The analytic signal of in[0..n) into Z (n complex); 'in' may be overwritten. */
static st_status analytic(double *in, size_t n, fftw_complex *Z, st_error *err)
{
    /* r2c writes the n/2 + 1 non-negative frequencies into the front of Z */
    fftw_plan fwd = fftw_plan_dft_r2c_1d((int)n, in, Z, FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    fftw_plan inv = fftw_plan_dft_1d((int)n, Z, Z, FFTW_BACKWARD, FFTW_ESTIMATE);
    if (!fwd || !inv) {
        if (fwd)
            fftw_destroy_plan(fwd);
        if (inv)
            fftw_destroy_plan(inv);
        return st_error_set(err, ST_ERR_NOMEM, "hilbert: cannot plan the FFT");
    }
    fftw_execute(fwd);
    /* h = 1 at DC (and Nyquist for even n), 2 for positive, 0 for negative frequencies, then
     * the inverse and its 1/n afterwards, in scipy's order (the doubling is exact) */
    size_t half = n / 2;
    for (size_t k = 1; k < (n + 1) / 2; k++) {
        Z[k][0] *= 2.0;
        Z[k][1] *= 2.0;
    }
    memset(Z + half + 1, 0, (n - half - 1) * sizeof *Z);
    fftw_execute(inv);
    const double s = 1.0 / (double)n;
    for (size_t k = 0; k < n; k++) {
        Z[k][0] *= s;
        Z[k][1] *= s;
    }
    fftw_destroy_plan(fwd);
    fftw_destroy_plan(inv);
    return ST_OK;
}

st_status st_analytic_signal(const double *x, size_t n, double *z, st_error *err)
{
    if (n == 0)
        return ST_OK;
    if (n > (size_t)INT32_MAX)
        return st_error_set(err, ST_ERR_INVAL, "hilbert: signal too long");
    double *in = fftw_alloc_real(n);
    if (!in)
        return st_error_set(err, ST_ERR_NOMEM, "hilbert: out of memory");
    memcpy(in, x, n * sizeof *in);
    st_status st = analytic(in, n, (fftw_complex *)z, err);
    fftw_free(in);
    return st;
}

st_status st_hilbert_envelope(const double *x, size_t n, double *env, st_error *err)
{
    if (n == 0)
        return ST_OK;
    if (n > (size_t)INT32_MAX)
        return st_error_set(err, ST_ERR_INVAL, "hilbert: signal too long");
    double *in = fftw_alloc_real(n);
    fftw_complex *Z = fftw_alloc_complex(n);
    st_status st = ST_OK;
    if (!in || !Z)
        st = st_error_set(err, ST_ERR_NOMEM, "hilbert: out of memory");
    if (!st)
        memcpy(in, x, n * sizeof *in);
    if (!st && !(st = analytic(in, n, Z, err)))
        for (size_t i = 0; i < n; i++) /* hypot: numpy's abs of a complex number */
            env[i] = hypot(Z[i][0], Z[i][1]);
    fftw_free(in);
    fftw_free(Z);
    return st;
}

/* ---- resampling ---------------------------------------------------------------------------- */

st_status st_resample_fft(const double *x, size_t n, double *y, size_t m, st_error *err)
{
    if (n == 0 || m == 0 || n > (size_t)INT32_MAX || m > (size_t)INT32_MAX)
        return st_error_set(err, ST_ERR_INVAL, "resample: lengths must be 1 .. 2^31 - 1");
    size_t nx = n / 2 + 1, ny = m / 2 + 1;
    double *in = fftw_alloc_real(n > m ? n : m);
    fftw_complex *X = fftw_alloc_complex(nx);
    fftw_complex *Y = fftw_alloc_complex(ny);
    st_status st = ST_OK;
    fftw_plan fwd = NULL, inv = NULL;
    if (!in || !X || !Y) {
        st = st_error_set(err, ST_ERR_NOMEM, "resample: out of memory");
        goto done;
    }
    memcpy(in, x, n * sizeof *in);
    fwd = fftw_plan_dft_r2c_1d((int)n, in, X, FFTW_ESTIMATE);
    inv = fftw_plan_dft_c2r_1d((int)m, Y, in, FFTW_ESTIMATE);
    if (!fwd || !inv) {
        st = st_error_set(err, ST_ERR_NOMEM, "resample: cannot plan the FFT");
        goto done;
    }
    fftw_execute(fwd);
    /* scipy: keep the first min(n, m) // 2 + 1 bins; for an even min(n, m) the boundary bin is
     * doubled when downsampling and halved when upsampling */
    memset(Y, 0, ny * sizeof *Y);
    size_t N = n < m ? n : m, nyq = N / 2 + 1;
    for (size_t k = 0; k < nyq; k++) {
        Y[k][0] = X[k][0];
        Y[k][1] = X[k][1];
    }
    if (N % 2 == 0 && n != m) {
        double f = m < n ? 2.0 : 0.5;
        Y[N / 2][0] *= f;
        Y[N / 2][1] *= f;
    }
    fftw_execute(inv); /* c2r: unnormalised, and it overwrites Y */
    /* irfft divides by m; scipy then multiplies by m / n */
    for (size_t i = 0; i < m; i++)
        y[i] = in[i] / (double)m * ((double)m / (double)n);
done:
    if (fwd)
        fftw_destroy_plan(fwd);
    if (inv)
        fftw_destroy_plan(inv);
    fftw_free(in);
    fftw_free(X);
    fftw_free(Y);
    return st;
}

/* ---- spectrogram --------------------------------------------------------------------------- */

#define PI 3.14159265358979323846
#define SILENCE_DB (-200.0)

st_status st_spectrogram_compute(const float *x, size_t n, double fs_hz, size_t window,
                                 size_t hop, double fmax_hz, st_spectrogram *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    if (window < 2 || hop < 1 || n == 0 || window > (size_t)INT32_MAX || !(fs_hz > 0) ||
        !isfinite(fs_hz))
        return st_error_set(err, ST_ERR_INVAL,
                            "spectrogram: needs a window of 2 samples or more, a hop of 1 or "
                            "more, a signal and a rate");
    size_t half = window / 2, bins = half + 1;
    double df = fs_hz / (double)window;
    if (fmax_hz >= 0 && fmax_hz / df + 1.0 < (double)bins)
        bins = (size_t)(fmax_hz / df) + 1;
    size_t frames = n <= window ? 1 : 1 + (n - window + hop - 1) / hop;
    if (frames > SIZE_MAX / bins / sizeof(double))
        return st_error_set(err, ST_ERR_NOMEM, "spectrogram: out of memory");
    double *in = fftw_alloc_real(window), *w = fftw_alloc_real(window);
    fftw_complex *X = fftw_alloc_complex(half + 1);
    out->power_db = st_malloc(frames * bins * sizeof *out->power_db);
    fftw_plan plan = in && X ? fftw_plan_dft_r2c_1d((int)window, in, X, FFTW_ESTIMATE) : NULL;
    st_status st = ST_OK;
    if (!in || !w || !X || !out->power_db || !plan) {
        st = st_error_set(err, ST_ERR_NOMEM, "spectrogram: out of memory");
        goto done;
    }
    double sum_w = 0.0;
    for (size_t i = 0; i < window; i++) {
        w[i] = 0.5 - 0.5 * cos(2.0 * PI * (double)i / (double)window); /* periodic Hann */
        sum_w += w[i];
    }
    /* a sine of amplitude A gives |X_k| = A sum(w) / 2 at its bin */
    const double scale = 2.0 / sum_w;
    for (size_t j = 0; j < frames; j++) {
        size_t at = j * hop;
        for (size_t i = 0; i < window; i++)
            in[i] = at + i < n && isfinite(x[at + i]) ? w[i] * (double)x[at + i] : 0.0;
        fftw_execute(plan);
        for (size_t k = 0; k < bins; k++) {
            double a = scale * hypot(X[k][0], X[k][1]);
            out->power_db[k * frames + j] = a > 0.0 ? fmax(20.0 * log10(a), SILENCE_DB)
                                                    : SILENCE_DB;
        }
    }
    out->frames = frames;
    out->bins = bins;
    out->df_hz = df;
    out->window = window;
    out->hop = hop;
    out->fs_hz = fs_hz;
done:
    if (plan)
        fftw_destroy_plan(plan);
    fftw_free(in);
    fftw_free(w);
    fftw_free(X);
    if (st)
        st_spectrogram_free(out);
    return st;
}

void st_spectrogram_free(st_spectrogram *s)
{
    st_free(s->power_db);
    memset(s, 0, sizeof *s);
}
