/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An auditory filterbank: gammatone filters of the 4th order with ERB bandwidths, their centres
 * spaced evenly on the ERB-rate scale (or on a log scale) between two edge frequencies.
 *
 * Filter. Band j, centred at fc with bandwidth parameter b = 1.019 ERB(fc), is the gammatone
 * g(t) = t^3 exp(-2 pi b t) cos(2 pi fc t) (Patterson et al. 1987, 1992), made causal and
 * recursive as four cascaded complex one-pole sections with the pole p = lambda exp(i beta),
 * lambda = exp(-2 pi b / fs), beta = 2 pi fc / fs (Hohmann 2002):
 *     y1 = g x + p y1;  y2 = y1 + p y2;  y3 = y2 + p y3;  y4 = y3 + p y4;  out = 2 Re(y4)
 * with g = (1 - lambda)^4, so that a cosine at fc leaves with gain 1. Its impulse response is
 * C(n + 3, 3) lambda^n cos(beta n) times 2g, the sampled gammatone; its magnitude response
 * near fc is (1 + ((f - fc) / b)^2)^-2, whose -3 dB bandwidth is 2 b sqrt(2^(1/4) - 1) =
 * 0.887 ERB(fc) (the filter's equivalent rectangular bandwidth is ERB(fc) itself: that is
 * what the factor 1.019 is for).
 *
 *   ERB(f)  = 24.7 (4.37 f / 1000 + 1) Hz              (Glasberg and Moore 1990, eq. 3)
 *   ERBS(f) = 21.4 log10(4.37 f / 1000 + 1)  (ERB number, the ERB-rate scale; eq. 4)
 *
 * A constant 1e-20 (-400 dBFS) is added to every input sample, so that in silence the state
 * settles at the filter's response to it rather than decaying into subnormal numbers (slow).
 * Causal, in double precision, and block invariant bit for bit: the state is four complex
 * numbers per band, and _process never allocates, locks or fails.
 *
 * R. D. Patterson et al., "Complex sounds and auditory images", Auditory Physiology and
 * Perception (1992); B. R. Glasberg and B. C. J. Moore, "Derivation of auditory filter shapes
 * from notched-noise data", Hearing Research 47:103-138 (1990); V. Hohmann, "Frequency
 * analysis and synthesis using a Gammatone filterbank", Acta Acustica 88:433-442 (2002). */
#ifndef SPIKETALK_FILTERBANK_H
#define SPIKETALK_FILTERBANK_H

#include <stddef.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ST_FB_MAX_BANDS 128

/* How the centre frequencies are spaced between fmin and fmax (both included). */
typedef enum st_fb_spacing {
    ST_FB_ERB = 0,  /* evenly on the ERB-rate scale: as the cochlea spaces them */
    ST_FB_LOG       /* evenly on a log scale: a constant ratio between neighbours */
} st_fb_spacing;

ST_API const char *st_fb_spacing_name(st_fb_spacing s);
ST_API st_status st_fb_spacing_parse(const char *name, st_fb_spacing *out, st_error *err);

/* The equivalent rectangular bandwidth at f_hz, Hz; the ERB number at f_hz and its inverse. */
ST_API double st_erb_hz(double f_hz);
ST_API double st_erb_rate(double f_hz);
ST_API double st_erb_rate_inverse(double erbs);

typedef struct st_filterbank_params {
    size_t bands;           /* 1 .. ST_FB_MAX_BANDS */
    double fmin_hz;         /* centre of the lowest band, Hz */
    double fmax_hz;         /* centre of the highest band, Hz (one band: fmin alone) */
    st_fb_spacing spacing;
    double fs_hz;           /* sample rate, Hz */
} st_filterbank_params;

/* The lowest centre frequency: the lower edge of hearing. A band's envelope averages over one
 * period of its centre, so lower centres would also cost ever longer windows. */
#define ST_FB_MIN_HZ 20.0

/* Checks 'p': 1 <= bands <= ST_FB_MAX_BANDS, ST_FB_MIN_HZ <= fmin <= fmax (fmin < fmax for two bands or
 * more), a rate >= 1000 Hz, and the highest band's edge (fmax + 2 ERB) below fs / 2, so that
 * every band lies within the signal's spectrum. ST_ERR_INVAL naming the flag (--bands,
 * --fmin, --fmax). */
ST_API st_status st_filterbank_check(const st_filterbank_params *p, st_error *err);

/* The centre frequencies of 'p' (checked), lowest first: fc[0 .. p->bands). */
ST_API void st_filterbank_centres(const st_filterbank_params *p, double *fc_hz);

typedef struct st_filterbank {
    st_filterbank_params p;
    double *fc_hz;          /* centre frequency of each band, Hz */
    double *b_hz;           /* its bandwidth parameter 1.019 ERB(fc), Hz */
    double *pole;           /* per band: Re p, Im p, g */
    double *state;          /* per band: y1 .. y4 as (re, im) pairs */
} st_filterbank;

/* Checks 'p', derives the poles and allocates the state (cleared). ST_ERR_INVAL,
 * ST_ERR_NOMEM; nothing is left allocated on failure. Control thread. */
ST_API st_status st_filterbank_init(st_filterbank *fb, const st_filterbank_params *p,
                                    st_error *err);

/* Clears every band's state (silence before the next sample). */
ST_API void st_filterbank_reset(st_filterbank *fb);

/* Runs x[0 .. n) through every band: band j's output goes to out[j * stride + i] for i < n
 * (stride >= n). Any n >= 0; never allocates, locks or fails. */
ST_API void st_filterbank_process(st_filterbank *fb, const double *x, double *out, size_t n,
                                  size_t stride);

/* One band only: out[0 .. n) (out == x allowed). */
ST_API void st_filterbank_process_band(st_filterbank *fb, size_t band, const double *x,
                                       double *out, size_t n);

ST_API void st_filterbank_free(st_filterbank *fb);

#ifdef __cplusplus
}
#endif
#endif
