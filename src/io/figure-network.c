/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The figure of a network run, as the 2003 and 2006 papers draw theirs: a spike raster, the
 * population rate beneath it, and the rate's power spectrum with its rhythms marked. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spiketalk/network-io.h"
#include "spiketalk/plot.h"

#define WINDOW_MS 1000.0   /* longer runs show their last second in the raster */
#define LONG_RUN_MS 2000.0
#define MAX_ROWS 2000u     /* neurons drawn at most; larger networks show every k-th */
#define F_MAX_HZ 100.0

static const st_rgb exc_blue = {0.10, 0.25, 0.70};
static const st_rgb inh_red = {0.84, 0.15, 0.16};

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

/* The figure's pieces that need memory, freed together. */
typedef struct parts {
    dots exc, inh;
    double *t;         /* times of the rate samples in the window */
    double *marks_x, *marks_y;
} parts;

static void parts_free(parts *p)
{
    st_free(p->exc.x);
    st_free(p->exc.y);
    st_free(p->inh.x);
    st_free(p->inh.y);
    st_free(p->t);
    st_free(p->marks_x);
    st_free(p->marks_y);
}

static st_status build_dots(const st_net_figure *f, double t0, uint32_t stride, parts *p)
{
    size_t m = 3 * f->raster->count + 3;
    p->exc.x = st_malloc(m * sizeof(double));
    p->exc.y = st_malloc(m * sizeof(double));
    p->inh.x = st_malloc(m * sizeof(double));
    p->inh.y = st_malloc(m * sizeof(double));
    if (!p->exc.x || !p->exc.y || !p->inh.x || !p->inh.y)
        return ST_ERR_NOMEM;
    for (size_t i = 0; i < f->raster->count; i++) {
        double t = (double)f->raster->stamp[i] * f->dt_ms;
        uint32_t id = f->raster->id[i];
        if (t < t0 || id % stride)
            continue;
        dot(id < f->n_exc ? &p->exc : &p->inh, t, (double)id);
    }
    return ST_OK;
}

/* Vertical lines at the marked peaks, one series each, with their frequency as label. */
static size_t peak_series(const st_net_figure *f, double top, parts *p, st_plot_series *s,
                          char (*label)[64], size_t cap)
{
    static const st_rgb colors[] = {{0.17, 0.63, 0.17}, {1.00, 0.50, 0.05}, {0.58, 0.40, 0.74}};
    size_t n = f->n_peaks < cap ? f->n_peaks : cap;
    p->marks_x = st_malloc(2 * (n ? n : 1) * sizeof(double));
    p->marks_y = st_malloc(2 * (n ? n : 1) * sizeof(double));
    if (!p->marks_x || !p->marks_y)
        return 0;
    for (size_t k = 0; k < n; k++) {
        p->marks_x[2 * k] = p->marks_x[2 * k + 1] = f->peaks[k].freq_hz;
        p->marks_y[2 * k] = 0.0;
        p->marks_y[2 * k + 1] = top;
        const char *name = f->peak_names && f->peak_names[k] ? f->peak_names[k] : "peak at";
        snprintf(label[k], 64, "%s %.1f Hz", name, f->peaks[k].freq_hz);
        s[k] = (st_plot_series){.x = p->marks_x + 2 * k, .y = p->marks_y + 2 * k, .n = 2,
                                .label = label[k], .color = colors[k % 3], .line_width = 1.5};
    }
    return n;
}

st_status st_net_figure_save(const st_net_figure *f, const char *path, st_error *err)
{
    st_status rc = st_plot_check_path(path, NULL, err);
    if (rc)
        return rc;
    double dur = (double)f->steps * f->dt_ms;
    double t0 = dur > LONG_RUN_MS ? dur - WINDOW_MS : 0.0;
    uint32_t stride = f->neurons > MAX_ROWS ? (f->neurons + MAX_ROWS - 1) / MAX_ROWS : 1;
    parts p = {0};
    if (build_dots(f, t0, stride, &p)) {
        parts_free(&p);
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    }
    /* the raster */
    st_plot_series sr[2] = {
        {.x = p.exc.x, .y = p.exc.y, .n = p.exc.n, .label = "excitatory", .color = exc_blue,
         .line_width = f->neurons <= 200 ? 3.0 : 1.8},
        {.x = p.inh.x, .y = p.inh.y, .n = p.inh.n, .label = "inhibitory", .color = inh_red,
         .line_width = f->neurons <= 200 ? 3.0 : 1.8}};
    st_plot_panel pn[3];
    for (int k = 0; k < 3; k++)
        st_plot_panel_init(&pn[k]);
    char t_raster[160], t_rate[160], t_psd[200];
    const char *when = t0 > 0.0 ? " in the last second" : "";
    if (stride > 1)
        snprintf(t_raster, sizeof t_raster, "spikes%s of every %u-th neuron (excitatory blue, "
                 "inhibitory red)", when, (unsigned)stride);
    else
        snprintf(t_raster, sizeof t_raster, "spikes%s (excitatory blue, inhibitory red)", when);
    pn[0].title = t_raster;
    pn[0].xlabel = "time (ms)";
    pn[0].ylabel = "neuron";
    pn[0].xmin = t0;
    pn[0].xmax = dur;
    pn[0].ymin = 0.0;
    pn[0].ymax = (double)f->neurons;
    pn[0].series = sr;
    pn[0].n_series = 2;
    pn[0].legend = false;
    /* the rate in the same window */
    size_t k0 = (size_t)(t0 / f->dt_ms), nw = (size_t)f->steps - k0;
    p.t = st_malloc((nw ? nw : 1) * sizeof(double));
    if (!p.t) {
        parts_free(&p);
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    }
    double mean = 0.0;
    for (size_t k = 0; k < (size_t)f->steps; k++)
        mean += f->rate_hz[k];
    mean /= f->steps ? (double)f->steps : 1.0;
    for (size_t k = 0; k < nw; k++)
        p.t[k] = (double)(k0 + k + 1) * f->dt_ms;
    st_plot_series srate = {.x = p.t, .y = f->rate_hz + k0, .n = nw, .color = ST_RGB_BLACK,
                            .line_width = 1.0};
    snprintf(t_rate, sizeof t_rate, "population rate (all neurons, %g ms bins; mean %.2f Hz)",
             f->dt_ms, mean);
    pn[1].title = t_rate;
    pn[1].xlabel = "time (ms)";
    pn[1].ylabel = "rate (Hz)";
    pn[1].xmin = t0;
    pn[1].xmax = dur;
    pn[1].ymin = 0.0;
    pn[1].series = &srate;
    pn[1].n_series = 1;
    pn[1].legend = false;
    /* the spectrum, with its peaks */
    st_plot_series sp[4];
    char labels[3][64];
    size_t nps = 0, np = 0;
    double top = 0.0;
    if (f->psd && f->psd->n) {
        for (size_t k = 0; k < f->psd->n && f->psd->freq_hz[k] <= F_MAX_HZ; k++)
            if (f->psd->freq_hz[k] >= 1.0)
                top = fmax(top, f->psd->power[k]);
        top = top > 0.0 ? 1.25 * top : 1.0;
        sp[0] = (st_plot_series){.x = f->psd->freq_hz, .y = f->psd->power, .n = f->psd->n,
                                 .color = ST_RGB_BLACK, .line_width = 1.5};
        np = f->peaks ? peak_series(f, top, &p, sp + 1, labels, 3) : 0;
        nps = 1 + np;
        size_t seg = f->psd->segment, span = (f->psd->segments - 1) * (seg / 2) + seg;
        double span_s = (double)span * f->dt_ms / 1000.0;
        snprintf(t_psd, sizeof t_psd,
                 "power spectrum of the rate over %s%.3g s (Welch, %zu ms Hann segments, %zu "
                 "averaged)", span_s + 1.0 < dur / 1000.0 ? "the last " : "", span_s,
                 (size_t)((double)seg * f->dt_ms), f->psd->segments);
    } else {
        snprintf(t_psd, sizeof t_psd, "power spectrum of the rate: the run is too short");
    }
    pn[2].title = t_psd;
    pn[2].xlabel = "frequency (Hz)";
    pn[2].ylabel = "power (Hz\xc2\xb2/Hz)";
    pn[2].xmin = 0.0;
    pn[2].xmax = F_MAX_HZ;
    pn[2].ymin = 0.0;
    pn[2].ymax = top > 0.0 ? top : 1.0;
    pn[2].series = sp;
    pn[2].n_series = nps;
    pn[2].legend = np > 0;
    st_plot_figure fig = {.title = f->title, .panels = pn, .n_panels = 3, .rows = 3, .cols = 1,
                          .width = 1200, .height = 1350};
    rc = st_plot_save(&fig, path, err);
    parts_free(&p);
    return rc;
}
