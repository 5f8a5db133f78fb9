/* SPDX-License-Identifier: GPL-3.0-or-later */
/* FFT resampling as scipy.signal.resample does it (FFTW). */
#include <fftw3.h>
#include <string.h>

#include "spiketalk/dsp.h"

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
