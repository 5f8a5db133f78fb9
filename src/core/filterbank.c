/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gammatone filterbank (filterbank.h): ERB scale, centre frequencies, and each band as
 * four cascaded complex one-pole sections. */
#include "spiketalk/filterbank.h"

#include <math.h>
#include <string.h>

#include "core-private.h"

#define PI 3.14159265358979323846
#define B_PER_ERB 1.019      /* the gammatone's b in ERBs (Patterson et al. 1992) */
#define EDGE_ERBS 2.0        /* a band reaches this many ERBs above its centre */
/* Added to every input sample (-400 dBFS; it vanishes below the rounding of any audible
 * sample): in silence the recursions' state settles at the filter's tiny response to it
 * instead of decaying into the subnormal numbers, where arithmetic is a hundred times slower.
 * The same at every sample, so the output is still independent of the blocks. */
#define DC_GUARD 1e-20

/* ---- names ------------------------------------------------------------------------------- */

static const char *const spacing_names[] = {"erb", "log"};

const char *st_fb_spacing_name(st_fb_spacing s)
{
    return (unsigned)s < ST_COUNTOF(spacing_names) ? spacing_names[s] : "?";
}

st_status st_fb_spacing_parse(const char *name, st_fb_spacing *out, st_error *err)
{
    int i = st_name_index(spacing_names, ST_COUNTOF(spacing_names), name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL, "--spacing: unknown spacing '%s' (erb or log)",
                            name ? name : "");
    *out = (st_fb_spacing)i;
    return ST_OK;
}

/* ---- the ERB scale ------------------------------------------------------------------------ */

double st_erb_hz(double f_hz)
{
    return 24.7 * (4.37 * f_hz / 1000.0 + 1.0);
}

double st_erb_rate(double f_hz)
{
    return 21.4 * log10(4.37 * f_hz / 1000.0 + 1.0);
}

double st_erb_rate_inverse(double erbs)
{
    return (pow(10.0, erbs / 21.4) - 1.0) * 1000.0 / 4.37;
}

/* ---- checks and centres ------------------------------------------------------------------- */

st_status st_filterbank_check(const st_filterbank_params *p, st_error *err)
{
    if (p->bands < 1 || p->bands > ST_FB_MAX_BANDS)
        return st_error_set(err, ST_ERR_INVAL, "--bands: %zu is out of range (1 to %d)",
                            p->bands, ST_FB_MAX_BANDS);
    if (!(p->fs_hz >= 1000.0) || !isfinite(p->fs_hz))
        return st_error_set(err, ST_ERR_INVAL,
                            "filterbank: a sample rate of %g Hz is too low (at least 1000 Hz)",
                            p->fs_hz);
    if (!(p->fmin_hz >= ST_FB_MIN_HZ) || !isfinite(p->fmin_hz))
        return st_error_set(err, ST_ERR_INVAL,
                            "--fmin: must be a frequency of at least %g Hz, the lower edge of "
                            "hearing (got %g)", ST_FB_MIN_HZ, p->fmin_hz);
    if (!isfinite(p->fmax_hz) || p->fmax_hz < p->fmin_hz ||
        (p->bands > 1 && !(p->fmax_hz > p->fmin_hz)))
        return st_error_set(err, ST_ERR_INVAL,
                            "--fmax: must be above --fmin (%g Hz) for %zu bands (got %g)",
                            p->fmin_hz, p->bands, p->fmax_hz);
    double top = p->bands > 1 ? p->fmax_hz : p->fmin_hz;
    double edge = top + EDGE_ERBS * st_erb_hz(top);
    if (edge >= 0.5 * p->fs_hz) {
        /* the largest f with f + 2 ERB(f) below fs / 2 */
        double most = (0.5 * p->fs_hz - EDGE_ERBS * 24.7) / (1.0 + EDGE_ERBS * 24.7 * 4.37e-3);
        return st_error_set(err, ST_ERR_INVAL,
                            "%s: a band at %g Hz reaches %.0f Hz, beyond the %g Hz that a rate "
                            "of %g Hz holds; give at most %.0f Hz",
                            p->bands > 1 ? "--fmax" : "--fmin", top, edge, 0.5 * p->fs_hz,
                            p->fs_hz, floor(most));
    }
    return ST_OK;
}

void st_filterbank_centres(const st_filterbank_params *p, double *fc_hz)
{
    size_t n = p->bands;
    if (n == 1) {
        fc_hz[0] = p->fmin_hz;
        return;
    }
    for (size_t j = 0; j < n; j++) {
        double t = (double)j / (double)(n - 1);
        if (p->spacing == ST_FB_LOG) {
            fc_hz[j] = p->fmin_hz * pow(p->fmax_hz / p->fmin_hz, t);
        } else {
            double lo = st_erb_rate(p->fmin_hz), hi = st_erb_rate(p->fmax_hz);
            fc_hz[j] = st_erb_rate_inverse(lo + t * (hi - lo));
        }
    }
    /* the edges exactly as given, whatever the scale's round trip does to them */
    fc_hz[0] = p->fmin_hz;
    fc_hz[n - 1] = p->fmax_hz;
}

/* ---- the filters -------------------------------------------------------------------------- */

enum { POLE = 3, STATE = 8 }; /* doubles per band */

st_status st_filterbank_init(st_filterbank *fb, const st_filterbank_params *p, st_error *err)
{
    memset(fb, 0, sizeof *fb);
    st_status st = st_filterbank_check(p, err);
    if (st)
        return st;
    size_t n = p->bands;
    fb->p = *p;
    fb->fc_hz = st_calloc(n, sizeof *fb->fc_hz);
    fb->b_hz = st_calloc(n, sizeof *fb->b_hz);
    fb->pole = st_calloc(n * POLE, sizeof *fb->pole);
    fb->state = st_calloc(n * STATE, sizeof *fb->state);
    if (!fb->fc_hz || !fb->b_hz || !fb->pole || !fb->state) {
        st_filterbank_free(fb);
        return st_error_set(err, ST_ERR_NOMEM, "filterbank: out of memory");
    }
    st_filterbank_centres(p, fb->fc_hz);
    for (size_t j = 0; j < n; j++) {
        double b = B_PER_ERB * st_erb_hz(fb->fc_hz[j]);
        double lambda = exp(-2.0 * PI * b / p->fs_hz);
        double beta = 2.0 * PI * fb->fc_hz[j] / p->fs_hz;
        double g = (1.0 - lambda) * (1.0 - lambda);
        fb->b_hz[j] = b;
        fb->pole[POLE * j] = lambda * cos(beta);
        fb->pole[POLE * j + 1] = lambda * sin(beta);
        fb->pole[POLE * j + 2] = g * g;
    }
    return ST_OK;
}

void st_filterbank_reset(st_filterbank *fb)
{
    memset(fb->state, 0, fb->p.bands * STATE * sizeof *fb->state);
}

/* One band: the four sections in locals, the complex products written out. */
void st_filterbank_process_band(st_filterbank *fb, size_t band, const double *x, double *out,
                                size_t n)
{
    const double pr = fb->pole[POLE * band], pi = fb->pole[POLE * band + 1];
    const double g = fb->pole[POLE * band + 2];
    double *s = fb->state + STATE * band;
    double r1 = s[0], i1 = s[1], r2 = s[2], i2 = s[3], r3 = s[4], i3 = s[5], r4 = s[6],
           i4 = s[7];
    for (size_t k = 0; k < n; k++) {
        double t;
        t = g * (x[k] + DC_GUARD) + (pr * r1 - pi * i1);
        i1 = pr * i1 + pi * r1;
        r1 = t;
        t = r1 + (pr * r2 - pi * i2);
        i2 = i1 + (pr * i2 + pi * r2);
        r2 = t;
        t = r2 + (pr * r3 - pi * i3);
        i3 = i2 + (pr * i3 + pi * r3);
        r3 = t;
        t = r3 + (pr * r4 - pi * i4);
        i4 = i3 + (pr * i4 + pi * r4);
        r4 = t;
        out[k] = 2.0 * r4;
    }
    s[0] = r1;
    s[1] = i1;
    s[2] = r2;
    s[3] = i2;
    s[4] = r3;
    s[5] = i3;
    s[6] = r4;
    s[7] = i4;
}

void st_filterbank_process(st_filterbank *fb, const double *x, double *out, size_t n,
                           size_t stride)
{
    for (size_t j = 0; j < fb->p.bands; j++)
        st_filterbank_process_band(fb, j, x, out + j * stride, n);
}

void st_filterbank_free(st_filterbank *fb)
{
    st_free(fb->fc_hz);
    st_free(fb->b_hz);
    st_free(fb->pole);
    st_free(fb->state);
    memset(fb, 0, sizeof *fb);
}
