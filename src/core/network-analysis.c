/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a network run shows: the recorded spikes, the population rate, its power spectrum and
 * rhythms, and the run as sound. */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core-private.h"
#include "network-private.h"

#define PI 3.14159265358979323846

/* ---- the raster ---------------------------------------------------------------------------- */

st_status st_net_raster_add(st_net_raster *r, uint64_t stamp, const uint32_t *ids, size_t n)
{
    if (n > SIZE_MAX / 2 - r->count)
        return ST_ERR_NOMEM;
    if (r->count + n > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->count + n)
            cap *= 2;
        uint64_t *s = st_realloc(r->stamp, cap * sizeof *s);
        if (!s)
            return ST_ERR_NOMEM;
        r->stamp = s;
        uint32_t *id = st_realloc(r->id, cap * sizeof *id);
        if (!id)
            return ST_ERR_NOMEM;
        r->id = id;
        r->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        r->stamp[r->count + i] = stamp;
        r->id[r->count + i] = ids[i];
    }
    r->count += n;
    return ST_OK;
}

void st_net_record(void *ud, uint64_t stamp, const uint32_t *ids, size_t n)
{
    st_net_recorder *r = ud;
    if (n && !r->failed && st_net_raster_add(r->raster, stamp, ids, n))
        r->failed = true;
}

void st_net_raster_free(st_net_raster *r)
{
    st_free(r->stamp);
    st_free(r->id);
    memset(r, 0, sizeof *r);
}

void st_net_rate(const st_net_raster *r, uint32_t first, uint32_t count, double dt_ms,
                 uint64_t steps, double *rate_hz)
{
    for (uint64_t k = 0; k < steps; k++)
        rate_hz[k] = 0.0;
    if (count == 0)
        return;
    double per_spike = 1000.0 / ((double)count * dt_ms);
    for (size_t i = 0; i < r->count; i++) {
        uint64_t s = r->stamp[i];
        if (s >= 1 && s <= steps && r->id[i] >= first && r->id[i] - first < count)
            rate_hz[s - 1] += per_spike;
    }
}

/* ---- the spectrum ------------------------------------------------------------------------ */

void st_net_psd_free(st_net_psd *p)
{
    st_free(p->freq_hz);
    st_free(p->power);
    memset(p, 0, sizeof *p);
}

static size_t default_segment(size_t n)
{
    if (n >= 1024)
        return 512;
    size_t s = 1;
    while (s * 2 <= n / 2)
        s *= 2;
    return s;
}

st_status st_net_psd_welch(const double *x, size_t n, double dt_ms, size_t segment,
                           st_net_psd *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    size_t seg = segment ? segment : default_segment(n);
    if (n < 32 || seg < 8 || seg > n || seg > (size_t)1 << 30 || !(dt_ms > 0.0))
        return st_error_set(err, ST_ERR_INVAL,
                            "spectrum: needs at least 32 samples and 8 <= segment <= %zu", n);
    size_t nf = seg / 2 + 1, hop = seg / 2 ? seg / 2 : 1, count = 1 + (n - seg) / hop;
    double fs = 1000.0 / dt_ms;
    double *buf = fftw_alloc_real(seg), *win = st_malloc(seg * sizeof *win);
    fftw_complex *X = fftw_alloc_complex(nf);
    out->freq_hz = st_calloc(nf, sizeof *out->freq_hz);
    out->power = st_calloc(nf, sizeof *out->power);
    fftw_plan plan = buf && X ? fftw_plan_dft_r2c_1d((int)seg, buf, X, FFTW_ESTIMATE) : NULL;
    st_status rc = ST_OK;
    if (!buf || !win || !X || !out->freq_hz || !out->power || !plan) {
        rc = st_error_set(err, ST_ERR_NOMEM, "spectrum: out of memory");
        goto done;
    }
    double wss = 0.0;
    for (size_t i = 0; i < seg; i++) {
        win[i] = 0.5 - 0.5 * cos(2.0 * PI * (double)i / (double)seg); /* periodic Hann */
        wss += win[i] * win[i];
    }
    for (size_t s = 0; s < count; s++) {
        const double *xs = x + s * hop;
        double mean = 0.0;
        for (size_t i = 0; i < seg; i++)
            mean += xs[i];
        mean /= (double)seg;
        for (size_t i = 0; i < seg; i++)
            buf[i] = (xs[i] - mean) * win[i];
        fftw_execute(plan);
        for (size_t k = 0; k < nf; k++)
            out->power[k] += X[k][0] * X[k][0] + X[k][1] * X[k][1];
    }
    double scale = 1.0 / (fs * wss * (double)count);
    for (size_t k = 0; k < nf; k++) {
        bool twice = k > 0 && !(seg % 2 == 0 && k == nf - 1);
        out->power[k] *= scale * (twice ? 2.0 : 1.0);
        out->freq_hz[k] = (double)k * fs / (double)seg;
    }
    out->n = nf;
    out->df_hz = fs / (double)seg;
    out->segment = seg;
    out->segments = count;
done:
    if (plan)
        fftw_destroy_plan(plan);
    fftw_free(buf);
    fftw_free(X);
    st_free(win);
    if (rc)
        st_net_psd_free(out);
    return rc;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int by_power(const void *a, const void *b)
{
    const st_net_peak *x = a, *y = b;
    return (x->power < y->power) - (x->power > y->power);
}

size_t st_net_psd_peaks(const st_net_psd *p, double fmin_hz, double fmax_hz, st_net_peak *out,
                        size_t cap)
{
    if (p->n < 3 || cap == 0)
        return 0;
    double *vals = st_malloc(p->n * sizeof *vals);
    st_net_peak *all = st_malloc(p->n * sizeof *all);
    size_t nv = 0, np = 0;
    if (!vals || !all)
        goto done;
    for (size_t k = 0; k < p->n; k++)
        if (p->freq_hz[k] >= fmin_hz && p->freq_hz[k] <= fmax_hz)
            vals[nv++] = p->power[k];
    qsort(vals, nv, sizeof *vals, by_value);
    double median = nv ? (nv % 2 ? vals[nv / 2] : 0.5 * (vals[nv / 2 - 1] + vals[nv / 2])) : 0;
    for (size_t k = 1; k + 1 < p->n; k++) {
        double f = p->freq_hz[k], x = p->power[k];
        if (f < fmin_hz || f > fmax_hz || !(x > p->power[k - 1]) || !(x > p->power[k + 1]))
            continue;
        all[np++] = (st_net_peak){f, x, median > 0.0 ? x / median : INFINITY};
    }
    qsort(all, np, sizeof *all, by_power);
    if (np > cap)
        np = cap;
    memcpy(out, all, np * sizeof *out);
done:
    st_free(vals);
    st_free(all);
    return np;
}

/* ---- the summary of a run ------------------------------------------------------------------- */

bool st_net_psd_rhythm(const st_net_psd *p, double lo_hz, double hi_hz, st_net_peak *out)
{
    st_net_peak pk[64];
    size_t n = st_net_psd_peaks(p, 1.0, 200.0, pk, 64);
    for (size_t k = 0; k < n; k++) /* strongest first */
        if (pk[k].freq_hz >= lo_hz && pk[k].freq_hz <= hi_hz) {
            if (pk[k].prominence < ST_NET_RHYTHM_PROMINENCE)
                return false;
            *out = pk[k];
            return true;
        }
    return false;
}

/* The rhythms the papers name and where they are looked for. */
static const struct { const char *name; double lo_hz, hi_hz; } rhythm_bands[2] = {
    {"alpha", 4.0, 14.0}, {"gamma", 25.0, 80.0}};

size_t st_net_rhythms(const st_net_psd *psd, st_net_peak marks[2], const char *names[2])
{
    size_t n = 0;
    for (int b = 0; b < 2 && psd->n; b++)
        if (st_net_psd_rhythm(psd, rhythm_bands[b].lo_hz, rhythm_bands[b].hi_hz, &marks[n]))
            names[n++] = rhythm_bands[b].name;
    return n;
}

static double band_peak(const st_net_psd *p, int band)
{
    st_net_peak pk;
    return st_net_psd_rhythm(p, rhythm_bands[band].lo_hz, rhythm_bands[band].hi_hz, &pk)
               ? pk.freq_hz
               : NAN;
}

st_status st_net_summarise(const st_net_raster *r, uint32_t neurons, double dt_ms,
                           uint64_t steps, st_net_summary *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    out->alpha_hz = out->gamma_hz = NAN;
    if (steps > SIZE_MAX / sizeof *out->rate_hz ||
        !(out->rate_hz = st_malloc((steps ? (size_t)steps : 1) * sizeof *out->rate_hz)))
        return st_error_set(err, ST_ERR_NOMEM, "network: out of memory for the population rate");
    st_net_rate(r, 0, neurons, dt_ms, steps, out->rate_hz);
    /* a long run's rhythms are those of its last minute, after the start's transients */
    uint64_t last = (uint64_t)(ST_NET_SPECTRUM_MS / dt_ms);
    uint64_t k0 = steps > last ? steps - last : 0;
    if (steps - k0 >= 64 &&
        !st_net_psd_welch(out->rate_hz + k0, (size_t)(steps - k0), dt_ms, 0, &out->psd, NULL)) {
        out->n_peaks = st_net_psd_peaks(&out->psd, 1.0, 200.0, out->peaks, ST_NET_SUMMARY_PEAKS);
        out->alpha_hz = band_peak(&out->psd, 0);
        out->gamma_hz = band_peak(&out->psd, 1);
    }
    return ST_OK;
}

void st_net_summary_free(st_net_summary *s)
{
    st_free(s->rate_hz);
    st_net_psd_free(&s->psd);
    memset(s, 0, sizeof *s);
}

/* ---- sound ----------------------------------------------------------------------------------- */

#define GRAIN_MS 5.0
#define F_LOW_HZ 200.0
#define OCTAVES 5.0

st_status st_net_sonify(const st_net_raster *r, uint32_t neurons, double dt_ms, uint64_t steps,
                        double fs_hz, float **out, size_t *n, st_error *err)
{
    *out = NULL;
    *n = 0;
    double total = (double)steps * dt_ms / 1000.0 * fs_hz;
    if (!(fs_hz >= 8000.0) || !(total < 2147483648.0) || neurons == 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--sound: needs a rate of at least 8000 Hz and under 2^31 samples");
    size_t len = (size_t)ceil(total), g = (size_t)ceil(GRAIN_MS * 1e-3 * fs_hz);
    double *acc = st_calloc(len + g, sizeof *acc), *win = st_malloc(g * sizeof *win);
    float *y = st_malloc((len ? len : 1) * sizeof *y);
    if (!acc || !win || !y) {
        st_free(acc);
        st_free(win);
        st_free(y);
        return st_error_set(err, ST_ERR_NOMEM, "--sound: out of memory");
    }
    for (size_t i = 0; i < g; i++)
        win[i] = 0.5 - 0.5 * cos(2.0 * PI * ((double)i + 0.5) / (double)g);
    double span = neurons > 1 ? (double)(neurons - 1) : 1.0;
    for (size_t k = 0; k < r->count; k++) {
        double at = (double)r->stamp[k] * dt_ms * 1e-3 * fs_hz;
        if (!(at < (double)len))
            continue;
        size_t i0 = (size_t)at;
        double f = F_LOW_HZ * exp2(OCTAVES * (double)r->id[k] / span);
        /* the sine by rotation: one complex multiply per sample */
        double c = cos(2.0 * PI * f / fs_hz), s = sin(2.0 * PI * f / fs_hz);
        double re = 1.0, im = 0.0;
        for (size_t i = 0; i < g; i++) {
            acc[i0 + i] += win[i] * im;
            double t = re * c - im * s;
            im = re * s + im * c;
            re = t;
        }
    }
    double peak = 0.0;
    for (size_t i = 0; i < len; i++)
        peak = fmax(peak, fabs(acc[i]));
    double gain = peak > 0.0 ? 0.5 / peak : 0.0;
    for (size_t i = 0; i < len; i++)
        y[i] = (float)(acc[i] * gain);
    st_free(acc);
    st_free(win);
    *out = y;
    *n = len;
    return ST_OK;
}
