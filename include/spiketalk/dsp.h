/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audio stages before the neuron: noise gate, rectification, envelopes (Hilbert, moving
 * average, boxcar smoothing), the input current, and FFT resampling.
 *
 * Audio buffers are float, full scale 1. Each stage with memory has a state struct with
 * init/reset/process; 'process' never allocates and gives the same output however a signal is
 * split into blocks. The Hilbert envelope and FFT resampling work on a whole signal (offline). */
#ifndef SPIKETALK_DSP_H
#define SPIKETALK_DSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- noise gate -------------------------------------------------------------------------- */

typedef struct st_gate_params {
    float threshold;          /* |x| <= threshold -> 0; full scale = 1 */
} st_gate_params;

typedef struct st_gate_state {
    uint64_t gated;           /* samples zeroed so far */
} st_gate_state;

/* k times the (population) standard deviation of x[0 .. window), at least 'floor'. A window
 * longer than the signal uses the whole signal. */
ST_API double st_gate_threshold(const float *x, size_t n, size_t window, double k, double floor);

ST_API void st_gate_reset(st_gate_state *s);

/* out[i] = |in[i]| <= threshold ? 0 : in[i]. in == out allowed. */
ST_API void st_gate_process(st_gate_state *s, const st_gate_params *p, const float *in,
                            float *out, size_t n);

/* ---- rectification ----------------------------------------------------------------------- */

typedef enum st_rectify_mode {
    ST_RECT_NONE = 0,  /* x */
    ST_RECT_FULL,      /* |x| */
    ST_RECT_HALF,      /* max(x, 0) */
    ST_RECT_OFFSET     /* x - min(x) over the whole signal (offline) */
} st_rectify_mode;

ST_API const char *st_rectify_name(st_rectify_mode m);
ST_API st_status st_rectify_parse(const char *name, st_rectify_mode *out, st_error *err);

/* Rectifies a whole signal. in == out allowed. */
ST_API void st_rectify(st_rectify_mode m, const float *in, float *out, size_t n);

/* ---- moving average (trailing window) ------------------------------------------------------ */

/* out[i] = mean of the last w inputs (of the i + 1 inputs so far while i < w). */
typedef struct st_movavg {
    size_t w;           /* window, samples */
    float *hist;        /* the last w inputs (ring) */
    size_t pos;         /* next slot of 'hist' */
    uint64_t seen;      /* inputs so far */
    double sum;         /* sum of the inputs in the window */
    bool seed_scaling;  /* the study's quirk: sum * 2 / w once the window is full */
} st_movavg;

/* Allocates the window (w >= 1). ST_ERR_INVAL for w == 0, ST_ERR_NOMEM. */
ST_API st_status st_movavg_init(st_movavg *s, size_t w, bool seed_scaling, st_error *err);
ST_API void st_movavg_reset(st_movavg *s);
ST_API void st_movavg_process(st_movavg *s, const float *in, float *out, size_t n);
ST_API void st_movavg_free(st_movavg *s);

/* ---- Hilbert envelope (whole signal) ------------------------------------------------------- */

/* The analytic signal of x (as scipy.signal.hilbert computes it: FFT, keep DC, double the
 * positive frequencies, keep Nyquist for even n, zero the negative ones, inverse FFT), stored
 * as interleaved re, im pairs in 'z' (2 n doubles). FFTW with FFTW_ESTIMATE. */
ST_API st_status st_analytic_signal(const double *x, size_t n, double *z, st_error *err);

/* env[i] = |analytic signal of x|[i]. in == out allowed. */
ST_API st_status st_hilbert_envelope(const float *x, size_t n, float *env, st_error *err);

/* ---- FFT resampling (scipy.signal.resample) ------------------------------------------------ */

/* Resamples x (n values) to m values by truncating or zero-padding its spectrum, exactly as
 * scipy.signal.resample does for real input (including its Nyquist-bin handling and the m/n
 * scaling). n, m >= 1. */
ST_API st_status st_resample_fft(const double *x, size_t n, double *y, size_t m, st_error *err);

#ifdef __cplusplus
}
#endif
#endif
