/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The figure of a network run, as the 2003 and 2006 papers draw theirs: a spike raster, the
 * population rate beneath it, and the rate's power spectrum with its rhythms marked; for a
 * network that listened, the spectrogram of what it heard above the raster, on the same time
 * axis. Built once (st_figure) for a file or a widget. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io-private.h"
#include "spiketalk/dsp.h"
#include "spiketalk/filterbank.h"
#include "spiketalk/network-io.h"
#include "spiketalk/plot.h"

#define WINDOW_MS 1000.0   /* longer runs show their last second in the raster */
#define LONG_RUN_MS 2000.0
#define MAX_ROWS 2000u     /* neurons drawn at most; larger networks show every k-th */
#define F_MAX_HZ 100.0
#define ROWS_PER_BAND 8    /* the spectrogram's rows between two bands' centres */
#define SPEC_WINDOW_S 0.04 /* its analysis window (a power of two at least this long) */
#define SPEC_HOP_S 0.004
#define SPEC_RANGE_DB 80.0 /* the colours span this far below the loudest cell */

static const st_rgb exc_blue = {0.10, 0.25, 0.70};
static const st_rgb inh_red = {0.84, 0.15, 0.16};
static const st_rgb group_grey = {0.75, 0.75, 0.75};

/* A dot per spike: a zero-length segment with round caps, then a break. */
typedef struct dots {
    double *x, *y;
    size_t n;
} dots;

static void dot(dots *d, double x, double y)
{
    d->x[d->n] = x;
    d->y[d->n++] = y;
    d->x[d->n] = x;
    d->y[d->n++] = y;
    d->x[d->n] = NAN;
    d->y[d->n++] = NAN;
}

/* ---- the spectrogram -------------------------------------------------------------------- */

/* The frequency at band position p (band j's centre at p = j), on the bands' own scale:
 * interpolated in ERB number between the centres, extended by the end steps beyond them. */
static double band_freq(const double *fc, size_t bands, double p)
{
    if (bands == 1)
        return fc[0] * pow(2.0, p);
    size_t j = p <= 0 ? 0 : p >= (double)(bands - 1) ? bands - 2 : (size_t)p;
    double e0 = st_erb_rate(fc[j]), e1 = st_erb_rate(fc[j + 1]);
    return st_erb_rate_inverse(e0 + (p - (double)j) * (e1 - e0));
}

/* The dB of spectrogram frame j at frequency f, between its bins (linear in dB). */
static double db_at(const st_spectrogram *s, size_t j, double f)
{
    double k = f / s->df_hz;
    if (!(k >= 0.0))
        return NAN;
    size_t k0 = (size_t)k;
    if (k0 + 1 >= s->bins)
        return NAN;
    double a = s->power_db[k0 * s->frames + j], b = s->power_db[(k0 + 1) * s->frames + j];
    return a + (k - (double)k0) * (b - a);
}

/* The sound's spectrogram as an image on the bands' scale: band j's centre at y = j, from
 * -0.5 to bands - 0.5, over the time of the run (ms). */
static st_status spectrogram_panel(st_figure *fg, const st_net_figure *f, st_plot_panel *pn,
                                   double t0, double dur, st_error *err)
{
    size_t window = 2;
    while ((double)window < SPEC_WINDOW_S * f->sound_fs_hz)
        window *= 2;
    size_t hop = (size_t)llround(SPEC_HOP_S * f->sound_fs_hz);
    double top = band_freq(f->band_hz, f->bands, (double)f->bands - 0.5);
    st_spectrogram sg;
    st_status st = st_spectrogram_compute(f->sound, f->sound_n, f->sound_fs_hz, window,
                                          hop ? hop : 1, top * 1.01, &sg, err);
    if (st)
        return st;
    size_t rows = ROWS_PER_BAND * f->bands, cols = sg.frames;
    double *z = st_figure_keep(fg, rows * cols);
    if (!z) {
        st_spectrogram_free(&sg);
        return ST_ERR_NOMEM;
    }
    double loudest = -INFINITY;
    for (size_t r = 0; r < rows; r++) {
        double p = ((double)r + 0.5) / ROWS_PER_BAND - 0.5;
        double hz = band_freq(f->band_hz, f->bands, p);
        for (size_t j = 0; j < cols; j++) {
            z[r * cols + j] = db_at(&sg, j, hz);
            loudest = fmax(loudest, z[r * cols + j]);
        }
    }
    /* frame j covers samples [j hop, j hop + window): drawn as the hop around its centre */
    double ms = 1000.0 / f->sound_fs_hz;
    fg->image = (st_plot_image){.z = z, .nx = cols, .ny = rows,
                                .x0 = ((double)window / 2.0 - (double)hop / 2.0) * ms,
                                .y0 = -0.5, .y1 = (double)f->bands - 0.5,
                                .zmin = loudest - SPEC_RANGE_DB, .zmax = loudest,
                                .colormap = ST_CMAP_VIRIDIS, .zlabel = "dB re full scale"};
    fg->image.x1 = fg->image.x0 + (double)(cols * hop) * ms;
    st_spectrogram_free(&sg);
    snprintf(fg->text[0][0], ST_FIGURE_TEXT,
             "what the network heard: spectrogram on the bands' ERB scale (band 0 = %.0f Hz, "
             "band %zu = %.0f Hz, band %zu = %.0f Hz)", f->band_hz[0], f->bands / 2,
             f->band_hz[f->bands / 2], f->bands - 1, f->band_hz[f->bands - 1]);
    pn->title = fg->text[0][0];
    pn->xlabel = "time (ms)";
    pn->ylabel = "band";
    pn->xmin = t0;
    pn->xmax = dur;
    pn->ymin = -0.5;
    pn->ymax = (double)f->bands - 0.5;
    pn->image = &fg->image;
    pn->legend = false;
    return ST_OK;
}

/* ---- the raster, the rate, the spectrum ----------------------------------------------------- */

static st_status raster_panel(st_figure *fg, const st_net_figure *f, size_t p, double t0,
                              double dur)
{
    uint32_t stride = f->neurons > MAX_ROWS ? (f->neurons + MAX_ROWS - 1) / MAX_ROWS : 1;
    size_t m = 3 * f->raster->count + 3;
    dots exc = {st_figure_keep(fg, m), st_figure_keep(fg, m), 0};
    dots inh = {st_figure_keep(fg, m), st_figure_keep(fg, m), 0};
    if (!exc.x || !exc.y || !inh.x || !inh.y)
        return ST_ERR_NOMEM;
    for (size_t i = 0; i < f->raster->count; i++) {
        double t = (double)f->raster->stamp[i] * f->dt_ms;
        uint32_t id = f->raster->id[i];
        if (t < t0 || id % stride)
            continue;
        dot(id < f->n_exc ? &exc : &inh, t, (double)id);
    }
    st_plot_series *s = fg->series[p];
    double w = f->neurons <= 200 ? 3.0 : 1.8;
    s[0] = (st_plot_series){.x = exc.x, .y = exc.y, .n = exc.n, .color = exc_blue,
                            .line_width = w};
    s[1] = (st_plot_series){.x = inh.x, .y = inh.y, .n = inh.n, .color = inh_red,
                            .line_width = w};
    size_t ns = 2;
    if (f->bands > 1 && f->band_first) { /* thin lines between the bands' groups */
        size_t nl = 3 * (f->bands - 1);
        double *lx = st_figure_keep(fg, nl), *ly = st_figure_keep(fg, nl);
        if (!lx || !ly)
            return ST_ERR_NOMEM;
        for (size_t j = 1; j < f->bands; j++) {
            double y = (double)f->band_first[j] - 0.5;
            size_t k = 3 * (j - 1);
            lx[k] = t0;
            lx[k + 1] = dur;
            lx[k + 2] = NAN;
            ly[k] = ly[k + 1] = y;
            ly[k + 2] = NAN;
        }
        s[ns++] = (st_plot_series){.x = lx, .y = ly, .n = nl, .color = group_grey,
                                   .line_width = 0.6};
    }
    const char *when = t0 > 0.0 ? " in the last second" : "";
    char *title = fg->text[p][0];
    if (f->bands > 1 && f->band_first)
        snprintf(title, ST_FIGURE_TEXT,
                 "spikes%s (excitatory blue, inhibitory red); band j drives the excitatory "
                 "neurons between the grey lines, %u to %u for band 0", when,
                 (unsigned)f->band_first[0], (unsigned)f->band_first[1] - 1);
    else if (stride > 1)
        snprintf(title, ST_FIGURE_TEXT, "spikes%s of every %u-th neuron (excitatory blue, "
                 "inhibitory red)", when, (unsigned)stride);
    else
        snprintf(title, ST_FIGURE_TEXT, "spikes%s (excitatory blue, inhibitory red)", when);
    st_plot_panel *pn = &fg->panel[p];
    pn->title = title;
    pn->xlabel = "time (ms)";
    pn->ylabel = "neuron";
    pn->xmin = t0;
    pn->xmax = dur;
    pn->ymin = 0.0;
    pn->ymax = (double)f->neurons;
    pn->series = s;
    pn->n_series = ns;
    pn->legend = false;
    return ST_OK;
}

static st_status rate_panel(st_figure *fg, const st_net_figure *f, size_t p, double t0,
                            double dur)
{
    size_t k0 = (size_t)(t0 / f->dt_ms), nw = (size_t)f->steps - k0;
    double *t = st_figure_keep(fg, nw), *y = st_figure_keep(fg, nw);
    if (!t || !y)
        return ST_ERR_NOMEM;
    double mean = 0.0;
    for (size_t k = 0; k < (size_t)f->steps; k++)
        mean += f->rate_hz[k];
    mean /= f->steps ? (double)f->steps : 1.0;
    for (size_t k = 0; k < nw; k++) {
        t[k] = (double)(k0 + k + 1) * f->dt_ms;
        y[k] = f->rate_hz[k0 + k];
    }
    fg->series[p][0] = (st_plot_series){.x = t, .y = y, .n = nw, .color = ST_RGB_BLACK,
                                        .line_width = 1.0};
    snprintf(fg->text[p][0], ST_FIGURE_TEXT,
             "population rate (all neurons, %g ms bins; mean %.2f Hz)", f->dt_ms, mean);
    st_plot_panel *pn = &fg->panel[p];
    pn->title = fg->text[p][0];
    pn->xlabel = "time (ms)";
    pn->ylabel = "rate (Hz)";
    pn->xmin = t0;
    pn->xmax = dur;
    pn->ymin = 0.0;
    pn->series = fg->series[p];
    pn->n_series = 1;
    pn->legend = false;
    return ST_OK;
}

/* The spectrum with vertical lines at its marked peaks, labelled with their frequency. */
static st_status psd_panel(st_figure *fg, const st_net_figure *f, size_t p, double dur)
{
    static const st_rgb colors[] = {{0.17, 0.63, 0.17}, {1.00, 0.50, 0.05}, {0.58, 0.40, 0.74}};
    st_plot_panel *pn = &fg->panel[p];
    st_plot_series *s = fg->series[p];
    char *title = fg->text[p][0];
    double top = 0.0;
    size_t ns = 0, np = 0;
    if (f->psd && f->psd->n) {
        for (size_t k = 0; k < f->psd->n && f->psd->freq_hz[k] <= F_MAX_HZ; k++)
            if (f->psd->freq_hz[k] >= 1.0)
                top = fmax(top, f->psd->power[k]);
        top = top > 0.0 ? 1.25 * top : 1.0;
        double *fx = st_figure_keep(fg, f->psd->n), *py = st_figure_keep(fg, f->psd->n);
        size_t n = f->peaks ? (f->n_peaks < 3 ? f->n_peaks : 3) : 0;
        double *mx = st_figure_keep(fg, 2 * n), *my = st_figure_keep(fg, 2 * n);
        if (!fx || !py || !mx || !my)
            return ST_ERR_NOMEM;
        memcpy(fx, f->psd->freq_hz, f->psd->n * sizeof *fx);
        memcpy(py, f->psd->power, f->psd->n * sizeof *py);
        s[ns++] = (st_plot_series){.x = fx, .y = py, .n = f->psd->n, .color = ST_RGB_BLACK,
                                   .line_width = 1.5};
        for (size_t k = 0; k < n; k++, np++) {
            mx[2 * k] = mx[2 * k + 1] = f->peaks[k].freq_hz;
            my[2 * k] = 0.0;
            my[2 * k + 1] = top;
            const char *name = f->peak_names && f->peak_names[k] ? f->peak_names[k]
                                                                 : "peak at";
            char *label = fg->label[p][ns];
            snprintf(label, sizeof fg->label[p][ns], "%s %.1f Hz", name, f->peaks[k].freq_hz);
            s[ns++] = (st_plot_series){.x = mx + 2 * k, .y = my + 2 * k, .n = 2, .label = label,
                                       .color = colors[k % 3], .line_width = 1.5};
        }
        size_t seg = f->psd->segment, span = (f->psd->segments - 1) * (seg / 2) + seg;
        double span_s = (double)span * f->dt_ms / 1000.0;
        snprintf(title, ST_FIGURE_TEXT,
                 "power spectrum of the rate over %s%.3g s (Welch, %zu ms Hann segments, %zu "
                 "averaged)", span_s + 1.0 < dur / 1000.0 ? "the last " : "", span_s,
                 (size_t)((double)seg * f->dt_ms), f->psd->segments);
    } else {
        snprintf(title, ST_FIGURE_TEXT, "power spectrum of the rate: the run is too short");
    }
    pn->title = title;
    pn->xlabel = "frequency (Hz)";
    pn->ylabel = "power (Hz\xc2\xb2/Hz)";
    pn->xmin = 0.0;
    pn->xmax = F_MAX_HZ;
    pn->ymin = 0.0;
    pn->ymax = top > 0.0 ? top : 1.0;
    pn->series = s;
    pn->n_series = ns;
    pn->legend = np > 0;
    return ST_OK;
}

/* ---- the figure ------------------------------------------------------------------------------ */

st_status st_net_figure_build(const st_net_figure *f, st_figure **out, st_error *err)
{
    *out = NULL;
    bool heard = f->sound && f->sound_n && f->sound_fs_hz > 0 && f->band_hz && f->bands > 0;
    st_figure *fg = st_figure_new(err);
    if (!fg)
        return ST_ERR_NOMEM;
    double dur = (double)f->steps * f->dt_ms;
    double t0 = !f->whole && dur > LONG_RUN_MS ? dur - WINDOW_MS : 0.0;
    size_t p = 0;
    st_status st = ST_OK;
    if (heard)
        st = spectrogram_panel(fg, f, &fg->panel[p++], t0, dur, err);
    if (!st)
        st = raster_panel(fg, f, p++, t0, dur);
    if (!st)
        st = rate_panel(fg, f, p++, t0, dur);
    if (!st)
        st = psd_panel(fg, f, p++, dur);
    if (st) {
        if (st == ST_ERR_NOMEM)
            return st_figure_fail(fg, err);
        st_figure_free(fg);
        return st;
    }
    snprintf(fg->title, sizeof fg->title, "%s", f->title ? f->title : "");
    fg->fig = (st_plot_figure){.title = f->title ? fg->title : NULL, .panels = fg->panel,
                               .n_panels = p, .rows = (int)p, .cols = 1, .width = 1200,
                               .height = heard ? 1700 : 1350};
    *out = fg;
    return ST_OK;
}

st_status st_net_figure_save(const st_net_figure *f, const char *path, st_error *err)
{
    st_status rc = st_plot_check_path(path, NULL, err);
    if (rc)
        return rc;
    st_figure *fg = NULL;
    if ((rc = st_net_figure_build(f, &fg, err)))
        return rc;
    rc = st_figure_save(fg, path, err);
    st_figure_free(fg);
    return rc;
}
