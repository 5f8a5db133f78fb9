/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Envelopes that stream: the trailing moving average and the FIR Hilbert envelope. (The
 * whole-signal Hilbert envelope is an FFT: fft.c.) */
#include <math.h>
#include <string.h>

#include "spiketalk/dsp.h"

#define PI 3.14159265358979323846

/* ---- moving average ----------------------------------------------------------------------- */

st_status st_movavg_init(st_movavg *s, size_t w, bool seed_scaling, st_error *err)
{
    memset(s, 0, sizeof *s);
    if (w == 0)
        return st_error_set(err, ST_ERR_INVAL, "moving average: window must be >= 1 sample");
    s->hist = st_calloc(w, sizeof *s->hist);
    if (!s->hist)
        return st_error_set(err, ST_ERR_NOMEM, "moving average: out of memory");
    s->w = w;
    s->seed_scaling = seed_scaling;
    return ST_OK;
}

void st_movavg_reset(st_movavg *s)
{
    memset(s->hist, 0, s->w * sizeof *s->hist);
    s->pos = 0;
    s->seen = 0;
    s->sum = 0;
}

void st_movavg_process(st_movavg *s, const double *in, double *out, size_t n)
{
    const size_t w = s->w;
    double *hist = s->hist;
    size_t pos = s->pos, i = 0;
    uint64_t seen = s->seen;
    double sum = s->sum;
    /* the study's order: s += y[i], then s -= y[i - w] once i >= w; s / (i + 1) while i < w */
    for (; i < n && seen < w; i++) {
        double x = in[i];
        sum = sum + x;
        hist[pos] = x;
        pos = pos + 1 == w ? 0 : pos + 1;
        seen++;
        out[i] = sum / (double)seen;
    }
    /* the window is full: the mean, or the study's sum * 2 / w, evaluated as it wrote it; the
     * ring is walked in runs up to its end, so the loops have no wrap test */
    const bool seed = s->seed_scaling;
    const double wd = (double)w, inv = 1.0 / wd;
    seen += n - i;
    while (i < n) {
        size_t run = n - i < w - pos ? n - i : w - pos;
        double *h = hist + pos;
        const double *x = in + i;
        double *y = out + i;
        if (seed) {
            for (size_t j = 0; j < run; j++) {
                sum = sum + x[j];
                sum = sum - h[j];
                h[j] = x[j];
                y[j] = sum * 2 / wd;
            }
        } else { /* the difference first: one addition on the running sum's critical path */
            for (size_t j = 0; j < run; j++) {
                sum = sum + (x[j] - h[j]);
                h[j] = x[j];
                y[j] = sum * inv;
            }
        }
        i += run;
        pos = pos + run == w ? 0 : pos + run;
    }
    s->pos = pos;
    s->seen = seen;
    s->sum = sum;
}

void st_movavg_free(st_movavg *s)
{
    st_free(s->hist);
    memset(s, 0, sizeof *s);
}

/* ---- sliding minimum ------------------------------------------------------------------------ */

st_status st_slide_min_init(st_slide_min *s, size_t w, st_error *err)
{
    memset(s, 0, sizeof *s);
    if (w == 0)
        return st_error_set(err, ST_ERR_INVAL, "sliding minimum: window must be >= 1 sample");
    s->val = st_malloc(w * sizeof *s->val);
    s->idx = st_malloc(w * sizeof *s->idx);
    if (!s->val || !s->idx) {
        st_slide_min_free(s);
        return st_error_set(err, ST_ERR_NOMEM, "sliding minimum: out of memory");
    }
    s->w = w;
    st_slide_min_reset(s);
    return ST_OK;
}

void st_slide_min_reset(st_slide_min *s)
{
    /* the window starts full of zeros: a level counts once it has lasted w samples */
    s->val[0] = 0.0;
    s->idx[0] = 0;
    s->head = 0;
    s->len = 1;
    s->seen = 0;
}

void st_slide_min_process(st_slide_min *s, const double *in, double *out, size_t n)
{
    const size_t w = s->w;
    double *val = s->val;
    uint64_t *idx = s->idx;
    size_t head = s->head, len = s->len;
    uint64_t i = s->seen + 1; /* indices from 1: index 0 is the zeros before the start */
    for (size_t k = 0; k < n; k++, i++) {
        double x = in[k];
        /* the oldest leaves the window (at most one per sample), then the new value drops the
         * ones it undercuts: they can never be the minimum again */
        if (len && idx[head] + w <= i) {
            head = head + 1 == w ? 0 : head + 1;
            len--;
        }
        size_t tail = head + len; /* one past the newest, in the ring */
        tail = tail >= w ? tail - w : tail;
        while (len) {
            size_t last = tail ? tail - 1 : w - 1;
            if (val[last] < x)
                break;
            tail = last;
            len--;
        }
        val[tail] = x;
        idx[tail] = i;
        len++;
        out[k] = val[head];
    }
    s->head = head;
    s->len = len;
    s->seen = i - 1;
}

void st_slide_min_free(st_slide_min *s)
{
    st_free(s->val);
    st_free(s->idx);
    memset(s, 0, sizeof *s);
}

/* ---- sustained level ------------------------------------------------------------------------- */

st_status st_sustain_init(st_sustain *s, size_t frame, size_t span, size_t window,
                          st_error *err)
{
    memset(s, 0, sizeof *s);
    s->frame = frame ? frame : 1;
    size_t nspan = (span + s->frame / 2) / s->frame, nwin = (window + s->frame / 2) / s->frame;
    st_status st = st_slide_min_init(&s->peaks, nspan ? nspan : 1, err);
    if (!st)
        st = st_slide_min_init(&s->min, nwin ? nwin : 1, err);
    if (st)
        st_sustain_free(s);
    else
        st_sustain_reset(s);
    return st;
}

void st_sustain_reset(st_sustain *s)
{
    s->in_frame = 0;
    s->peak = -INFINITY;
    s->level = 0.0;
    st_slide_min_reset(&s->peaks);
    st_slide_min_reset(&s->min);
}

void st_sustain_process(st_sustain *s, const double *in, double *out, size_t n)
{
    const size_t frame = s->frame;
    size_t in_frame = s->in_frame;
    double peak = s->peak, level = s->level;
    for (size_t i = 0; i < n; i++) {
        peak = in[i] > peak ? in[i] : peak;
        if (++in_frame == frame) { /* max(x) = -min(-x) */
            double neg = -peak, bridged;
            st_slide_min_process(&s->peaks, &neg, &bridged, 1);
            bridged = -bridged;
            st_slide_min_process(&s->min, &bridged, &level, 1);
            in_frame = 0;
            peak = -INFINITY;
        }
        out[i] = level;
    }
    s->in_frame = in_frame;
    s->peak = peak;
    s->level = level;
}

double st_sustain_max(st_sustain *s, const double *in, size_t stride, size_t n, double max)
{
    const size_t frame = s->frame;
    size_t in_frame = s->in_frame;
    double peak = s->peak, level = s->level;
    /* the level held from the last call is written until the first frame closes */
    if (n > 0 && in_frame + 1 != frame)
        max = level > max ? level : max;
    for (size_t i = 0; i < n;) {
        size_t run = frame - in_frame < n - i ? frame - in_frame : n - i;
        for (const double *x = in + i * stride, *end = x + run * stride; x < end; x += stride)
            peak = *x > peak ? *x : peak;
        i += run;
        in_frame += run;
        if (in_frame == frame) {
            double neg = -peak, bridged;
            st_slide_min_process(&s->peaks, &neg, &bridged, 1);
            bridged = -bridged;
            st_slide_min_process(&s->min, &bridged, &level, 1);
            max = level > max ? level : max;
            in_frame = 0;
            peak = -INFINITY;
        }
    }
    s->in_frame = in_frame;
    s->peak = peak;
    s->level = level;
    return max;
}

void st_sustain_free(st_sustain *s)
{
    st_slide_min_free(&s->peaks);
    st_slide_min_free(&s->min);
    memset(s, 0, sizeof *s);
}

/* ---- Hilbert, streaming (FIR) ---------------------------------------------------------------- */

/* Kaiser window of the FIR Hilbert transformer. beta = 5 gives the flattest, widest passband
 * for its length: |H| within +-0.5 % from 0.018 fs to 0.482 fs at M = 44 (0.8 to 21.3 kHz at
 * 44.1 kHz; the lower edge scales as fs / M). Blackman (edge 1.26 kHz for 0.2 %) and smaller
 * betas (ripple up to 1 %) were measured and lost on one side or the other. */
#define HILBERT_BETA 5.0

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

st_status st_fir_hilbert_init(st_fir_hilbert *h, unsigned M, st_error *err)
{
    memset(h, 0, sizeof *h);
    if (M < 1 || M > ST_FIR_HILBERT_MAX_HALF)
        return st_error_set(err, ST_ERR_INVAL, "hilbert half length: must be 1 .. %u (got %u)",
                            ST_FIR_HILBERT_MAX_HALF, M);
    size_t count = (M + 1) / 2, len = 2 * (size_t)M + 1;
    h->coef = st_malloc(count * sizeof *h->coef);
    h->ring = st_calloc(2 * len, sizeof *h->ring);
    if (!h->coef || !h->ring) {
        st_fir_hilbert_free(h);
        return st_error_set(err, ST_ERR_NOMEM, "hilbert: out of memory");
    }
    h->M = M;
    /* ideal taps 2 / (pi m) for odd m, zero for even m, under a Kaiser window of half length M */
    const double norm = bessel_i0(HILBERT_BETA);
    for (size_t k = 0; k < count; k++) {
        double m = (double)(2 * k + 1), x = m / (double)M;
        double win = bessel_i0(HILBERT_BETA * sqrt(fmax(0.0, 1.0 - x * x))) / norm;
        h->coef[k] = 2.0 / (PI * m) * win;
    }
    return ST_OK;
}

void st_fir_hilbert_reset(st_fir_hilbert *h)
{
    memset(h->ring, 0, 2 * (2 * (size_t)h->M + 1) * sizeof *h->ring);
    h->pos = 0;
}

void st_fir_hilbert_process(st_fir_hilbert *h, const double *in, double *out, size_t n)
{
    const size_t M = h->M, L = 2 * M + 1, K = (M + 1) / 2;
    const double *c = h->coef;
    double *ring = h->ring;
    size_t pos = h->pos;
    for (size_t i = 0; i < n; i++) {
        /* each input goes in twice, so the last L inputs are contiguous at w[0 .. L) */
        ring[pos] = in[i];
        ring[pos + L] = in[i];
        const double *w = ring + pos + 1; /* w[0] oldest, w[L - 1] = in[i], w[M] the centre */
        double im = 0.0;
        for (size_t k = 0; k < K; k++) {
            size_t m = 2 * k + 1;
            im += c[k] * (w[M - m] - w[M + m]);
        }
        double re = w[M];
        out[i] = sqrt(re * re + im * im);
        pos = pos + 1 == L ? 0 : pos + 1;
    }
    h->pos = pos;
}

void st_fir_hilbert_free(st_fir_hilbert *h)
{
    st_free(h->coef);
    st_free(h->ring);
    memset(h, 0, sizeof *h);
}
