/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The figures (figure.h), each built once from a result for the CLI and the app. */
#include "spiketalk/figure.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io-private.h"

/* The figure's room (io-private.h, where struct st_figure is, for the builders elsewhere). */
#define MAX_PANELS ST_FIGURE_MAX_PANELS
#define MAX_SERIES ST_FIGURE_MAX_SERIES
#define TEXT ST_FIGURE_TEXT

/* Points per drawn series; longer signals are kept as a min/max pair per bin, which draws
 * the same picture (the plot reduces to pixel columns anyway). */
#define POINTS 200000u

const st_plot_figure *st_figure_plot(const st_figure *f)
{
    return &f->fig;
}

void st_figure_free(st_figure *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_arrays; i++)
        st_free(f->array[i]);
    st_free(f);
}

st_status st_figure_save(const st_figure *f, const char *path, st_error *err)
{
    return st_plot_save(&f->fig, path, err);
}

st_figure *st_figure_new(st_error *err)
{
    st_figure *f = st_calloc(1, sizeof *f);
    if (!f)
        st_error_set(err, ST_ERR_NOMEM, "figure: out of memory");
    for (size_t p = 0; f && p < MAX_PANELS; p++)
        st_plot_panel_init(&f->panel[p]);
    return f;
}

double *st_figure_keep(st_figure *f, size_t n)
{
    if (f->n_arrays == ST_FIGURE_MAX_ARRAYS)
        return NULL;
    double *a = st_malloc((n ? n : 1) * sizeof *a);
    if (a)
        f->array[f->n_arrays++] = a;
    return a;
}

st_status st_figure_fail(st_figure *f, st_error *err)
{
    st_figure_free(f);
    return st_error_set(err, ST_ERR_NOMEM, "figure: out of memory");
}

static st_figure *figure_new(st_error *err)
{
    return st_figure_new(err);
}

/* An owned array of n doubles, or NULL (the figure is then incomplete: see 'fail'). */
static double *keep(st_figure *f, size_t n)
{
    return st_figure_keep(f, n);
}

static st_status fail(st_figure *f, st_error *err)
{
    return st_figure_fail(f, err);
}

/* The series y[i] at x0 + i dx (or x[i]) as owned points, reduced to a min/max pair per bin
 * beyond POINTS. 'yf' instead of 'y' for float data. */
static bool reduced(st_figure *f, st_plot_series *s, const double *x, double x0, double dx,
                    const double *y, const float *yf, size_t n)
{
    size_t bin = n > POINTS ? (n + POINTS / 2 - 1) / (POINTS / 2) : 1;
    size_t cap = bin > 1 ? 2 * (n / bin + 1) : n;
    double *px = keep(f, cap), *py = keep(f, cap);
    if (!px || !py)
        return false;
    size_t m = 0;
    for (size_t i = 0; i < n; i += bin) {
        size_t end = i + bin < n ? i + bin : n;
        double lo = yf ? yf[i] : y[i], hi = lo;
        for (size_t k = i + 1; k < end; k++) {
            double v = yf ? yf[k] : y[k];
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        px[m] = x ? x[i] : x0 + (double)i * dx;
        py[m++] = lo;
        if (bin > 1) {
            px[m] = x ? x[end - 1] : x0 + (double)(end - 1) * dx;
            py[m++] = hi;
        }
    }
    s->x = px;
    s->y = py;
    s->n = m;
    return true;
}

static const char *base_name(const char *path)
{
    const char *b = path ? strrchr(path, '/') : NULL;
    return b ? b + 1 : path ? path : "";
}

/* ---- rows ---------------------------------------------------------------------------------- */

void st_rows_init(st_rows *r, size_t ncol, uint64_t rows, size_t max_points)
{
    memset(r, 0, sizeof *r);
    r->ncol = ncol < ST_ROWS_MAX_COLS ? ncol : ST_ROWS_MAX_COLS;
    uint64_t half = max_points / 2 ? max_points / 2 : 1;
    r->bin = rows > max_points ? (rows + half - 1) / half : 1;
}

static st_status push(st_rows *r, const double *row)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 4096;
        for (size_t k = 0; k < r->ncol; k++) {
            double *a = st_realloc(r->col[k], cap * sizeof *a);
            if (!a)
                return ST_ERR_NOMEM;
            r->col[k] = a;
        }
        r->cap = cap;
    }
    for (size_t k = 0; k < r->ncol; k++)
        r->col[k][r->n] = row[k];
    r->n++;
    return ST_OK;
}

st_status st_rows_add(st_rows *r, const double *row)
{
    if (r->bin <= 1)
        return push(r, row);
    for (size_t k = 0; k < r->ncol; k++) {
        r->lo[k] = r->in_bin ? fmin(r->lo[k], row[k]) : row[k];
        r->hi[k] = r->in_bin ? fmax(r->hi[k], row[k]) : row[k];
    }
    if (++r->in_bin < r->bin)
        return ST_OK;
    r->in_bin = 0;
    return push(r, r->lo) || push(r, r->hi) ? ST_ERR_NOMEM : ST_OK;
}

void st_rows_free(st_rows *r)
{
    for (size_t k = 0; k < ST_ROWS_MAX_COLS; k++)
        st_free(r->col[k]);
    memset(r, 0, sizeof *r);
}

/* ---- process --------------------------------------------------------------------------------- */

st_status st_figure_process(const st_pipeline_config *c, const st_pipeline_result *r,
                            const char *source, st_figure **out, st_error *err)
{
    *out = NULL;
    if (!r->rectified || !r->envelope || !r->v || !r->current)
        return st_error_set(err, ST_ERR_INVAL, "--plot: the run kept no taps");
    st_figure *f = figure_new(err);
    if (!f)
        return ST_ERR_NOMEM;
    const double dt_s = 1.0 / r->fs_hz;
    st_plot_series *a = f->series[0], *b = f->series[1];
    /* the sound; when nothing is rectified 'rectified' is the raw signal: drawn once */
    bool rect = c->rectify != ST_RECT_NONE;
    a[0] = (st_plot_series){.label = "raw", .color = ST_RGB_PURPLE};
    a[1] = (st_plot_series){.label = "rectified", .color = ST_RGB_ORANGE};
    a[rect ? 2 : 1] = (st_plot_series){.label = "envelope", .color = ST_RGB_BLACK,
                                       .line_width = 1.6};
    if (!reduced(f, &a[0], NULL, 0, dt_s, NULL, r->input, r->n) ||
        (rect && !reduced(f, &a[1], NULL, 0, dt_s, r->rectified, NULL, r->n)) ||
        !reduced(f, &a[rect ? 2 : 1], NULL, 0, dt_s, r->envelope, NULL, r->n))
        return fail(f, err);
    /* the gate: the sound's level and the threshold in dBFS, where both can be seen */
    st_plot_series *g = f->series[2];
    size_t ng = 0;
    if (c->gate != ST_GATE_OFF) {
        double *lv = keep(f, r->n);
        if (!lv)
            return fail(f, err);
        for (size_t i = 0; i < r->n; i++)
            lv[i] = fmax(20.0 * log10(fabs((double)r->input[i])), -120.0);
        g[ng] = (st_plot_series){.label = "|raw| (dBFS)", .color = ST_RGB_PURPLE};
        if (!reduced(f, &g[ng++], NULL, 0, dt_s, lv, NULL, r->n))
            return fail(f, err);
        size_t nt = r->gate_track ? r->gate_track_n + 1 : 1;
        double *tx = keep(f, 2 * nt), *ty = keep(f, 2 * nt);
        if (!tx || !ty)
            return fail(f, err);
        double t1 = (double)r->n / r->fs_hz;
        for (size_t j = 0; j < nt; j++) { /* a step line: each frame's threshold */
            size_t at = j * (r->gate_frame ? r->gate_frame : 1);
            tx[2 * j] = r->gate_track ? (double)at / r->fs_hz : 0.0;
            tx[2 * j + 1] = j + 1 < nt ? (double)(at + r->gate_frame) / r->fs_hz : t1;
            ty[2 * j] = ty[2 * j + 1] = 20.0 * log10(fmax(st_pipeline_gate_at(r, at), 1e-6));
        }
        snprintf(f->label[2][1], sizeof f->label[2][1], "gate threshold (%s)",
                 st_gate_mode_name(c->gate));
        g[ng++] = (st_plot_series){.x = tx, .y = ty, .n = 2 * nt, .label = f->label[2][1],
                                   .color = ST_RGB_RED, .line_width = 1.6};
    }
    /* the neuron: spikes drawn to the peak */
    double *vd = keep(f, r->steps);
    if (!vd)
        return fail(f, err);
    memcpy(vd, r->v, r->steps * sizeof *vd);
    double vpeak = c->model->vpeak(&c->params);
    for (size_t i = 0; i < r->spikes.count && !isnan(vpeak); i++)
        if (r->spikes.step[i] < r->steps)
            vd[r->spikes.step[i]] = vpeak;
    b[0] = (st_plot_series){.label = "v (membrane potential)", .color = ST_RGB_BLUE,
                            .axis = ST_AXIS_LEFT};
    b[1] = (st_plot_series){.label = "I (input current)", .color = ST_RGB_BLACK,
                            .axis = ST_AXIS_RIGHT};
    if (!reduced(f, &b[0], NULL, 0, r->dt_ms, vd, NULL, r->steps) ||
        !reduced(f, &b[1], NULL, 0, r->dt_ms, r->current, NULL, r->steps))
        return fail(f, err);
    st_plot_panel *p = f->panel;
    snprintf(f->text[0][0], TEXT, "%s: raw, rectified (%s) and envelope (%s)",
             base_name(source), st_rectify_name(c->rectify), st_envelope_name(c->envelope));
    snprintf(f->text[1][0], TEXT, "%s neuron (%s): %zu spikes, dt %.4g ms",
             c->preset ? c->preset : c->model->name, c->model->name, r->spikes.count, r->dt_ms);
    snprintf(f->text[1][2], TEXT, "input current I (%s)",
             c->model->current_unit[0] ? c->model->current_unit : "dimensionless");
    p[0].title = f->text[0][0];
    p[0].xlabel = "time (s)";
    p[0].ylabel = "amplitude (full scale 1)";
    p[0].xmin = 0;
    p[0].xmax = (double)r->n / r->fs_hz;
    p[0].series = a;
    p[0].n_series = rect ? 3 : 2;
    st_plot_panel *pn = &p[ng ? 2 : 1];
    if (ng) { /* the gate between the sound and the neuron */
        p[1].title = "the noise gate: the sound's level and the threshold";
        p[1].xlabel = "time (s)";
        p[1].ylabel = "dBFS";
        p[1].xmin = 0;
        p[1].xmax = (double)r->n / r->fs_hz;
        p[1].ymin = -100;
        p[1].ymax = 0;
        p[1].series = g;
        p[1].n_series = ng;
    }
    pn->title = f->text[1][0];
    pn->xlabel = "model time (ms)";
    pn->ylabel = "membrane potential v (mV)";
    pn->y2label = f->text[1][2];
    pn->xmin = 0;
    pn->xmax = (double)r->steps * r->dt_ms;
    pn->ymin = c->model->v_min_mv;
    pn->ymax = c->model->v_max_mv;
    pn->series = b;
    pn->n_series = 2;
    f->fig = (st_plot_figure){.panels = p, .n_panels = ng ? 3 : 2, .rows = ng ? 3 : 2,
                              .cols = 1, .width = 1200, .height = ng ? 1150 : 850};
    *out = f;
    return ST_OK;
}

/* ---- simulate -------------------------------------------------------------------------------- */

/* The preset and its main parameters (the study titled its plots a, b, c, d); in a sheet of
 * the 2004 features, the letter and the name as the paper's figure. */
static void panel_title(const st_figure_run *r, char *buf, size_t size, bool sheet)
{
    const st_model *m = r->cfg->model;
    size_t len = 0;
    if (r->preset && sheet && r->preset->letter) {
        snprintf(buf, size, "(%s) %s", r->preset->letter, r->preset->title);
        return;
    }
    if (r->preset)
        len = (size_t)snprintf(buf, size, "%s%s", r->preset->name, sheet ? "" : ":");
    else
        len = (size_t)snprintf(buf, size, "%s%s", m->name, sheet ? "" : ":");
    for (size_t i = 0; i < m->n_params && len < size; i++) {
        if (m->params[i].advanced)
            continue;
        char val[40];
        st_format_double(val, sizeof val, st_param_get(&r->cfg->params, &m->params[i]));
        len += (size_t)snprintf(buf + len, size - len, " %s=%s", m->params[i].name, val);
    }
}

st_status st_figure_simulate(const st_figure_run *runs, size_t n, st_figure **out, st_error *err)
{
    *out = NULL;
    if (n < 1 || n > MAX_PANELS)
        return st_error_set(err, ST_ERR_INVAL, "--plot: %zu runs (1 to %d)", n, MAX_PANELS);
    st_figure *f = figure_new(err);
    if (!f)
        return ST_ERR_NOMEM;
    const st_model *m = runs[0].cfg->model;
    const bool sheet = n > 1;
    for (size_t r = 0; r < n; r++) {
        st_plot_panel *p = &f->panel[r];
        st_plot_series *s = f->series[r];
        const st_sim_config *cfg = runs[r].cfg;
        panel_title(&runs[r], f->text[r][0], TEXT, sheet);
        /* short labels in a contact sheet; a rotated lone "I" would read as a dash */
        snprintf(f->text[r][1], TEXT, sheet ? "v (mV)" : "membrane potential v (mV)");
        if (sheet)
            snprintf(f->text[r][2], TEXT, "input I%s%s%s", m->current_unit[0] ? " (" : "",
                     m->current_unit, m->current_unit[0] ? ")" : "");
        else
            snprintf(f->text[r][2], TEXT, "input current I (%s)",
                     m->current_unit[0] ? m->current_unit : "dimensionless");
        p->title = f->text[r][0];
        p->xlabel = "time (ms)";
        p->ylabel = f->text[r][1];
        p->y2label = f->text[r][2];
        p->xmin = 0;
        p->xmax = cfg->duration_ms;
        p->ymin = cfg->model->v_min_mv;
        p->ymax = cfg->model->v_max_mv;
        p->legend = !sheet;
        s[0] = (st_plot_series){.label = "v (membrane potential)", .color = ST_RGB_BLUE,
                                .axis = ST_AXIS_LEFT};
        s[1] = (st_plot_series){.label = "I (input current)", .color = ST_RGB_RED,
                                .axis = ST_AXIS_RIGHT};
        const double *v = runs[r].v_mv;
        if (runs[r].spikes) { /* spikes drawn to the peak */
            double *vd = keep(f, runs[r].n), vpeak = m->vpeak(&cfg->params);
            if (!vd)
                return fail(f, err);
            memcpy(vd, v, runs[r].n * sizeof *vd);
            for (size_t i = 0; i < runs[r].spikes->count && !isnan(vpeak); i++)
                if (runs[r].spikes->step[i] < runs[r].n)
                    vd[runs[r].spikes->step[i]] = vpeak;
            v = vd;
        }
        if (!reduced(f, &s[0], runs[r].t_ms, 0, 0, v, NULL, runs[r].n) ||
            !reduced(f, &s[1], runs[r].t_ms, 0, 0, runs[r].current, NULL, runs[r].n))
            return fail(f, err);
        p->series = s;
        p->n_series = 2;
    }
    const st_figure_run *r0 = &runs[0];
    char input[200];
    st_stimulus_format(&r0->cfg->stim, input, sizeof input);
    const char *title = NULL;
    if (sheet && r0->preset && r0->preset->kind == ST_PRESET_FEATURE) {
        title = "Izhikevich (2004): the 20 neuro-computational features";
    } else if (sheet) {
        snprintf(f->title, sizeof f->title, "%s: cell types, input %s", m->title, input);
        title = f->title;
    } else {
        snprintf(f->title, sizeof f->title, "%s (%s), %s, %s, dt %g ms",
                 r0->preset ? r0->preset->name : m->name, r0->preset ? r0->preset->title : m->title,
                 input, st_integrator_name(r0->cfg->how), r0->cfg->dt_ms);
        title = f->title;
    }
    int cols = n > 7 ? 5 : (n > 1 ? 2 : 1);
    f->fig = (st_plot_figure){.title = title, .panels = f->panel, .n_panels = n,
                              .rows = ((int)n + cols - 1) / cols, .cols = cols,
                              .width = n > 7 ? 1800 : (n > 1 ? 1400 : 1200),
                              .height = n > 7 ? 1300 : (n > 1 ? 1400 : 650)};
    *out = f;
    return ST_OK;
}

/* ---- Hodgkin-Huxley ------------------------------------------------------------------------- */

#define UA_CM2 "\xc2\xb5" "A/cm\xc2\xb2"
#define DEG_C "\xc2\xb0" "C"

st_status st_figure_hh(const st_hh_run_config *c, const st_stimulus *stim, double duration_ms,
                       const st_rows *rows, size_t spikes, st_figure **out, st_error *err)
{
    *out = NULL;
    if (rows->ncol != ST_HH_COLS)
        return st_error_set(err, ST_ERR_INVAL, "--plot: %zu columns, not the hh rows",
                            rows->ncol);
    st_figure *f = figure_new(err);
    if (!f)
        return ST_ERR_NOMEM;
    const struct { int col; const char *label; st_rgb color; } gates[] = {
        {ST_HH_COL_M, "m (Na activation)", ST_RGB_ORANGE},
        {ST_HH_COL_H, "h (Na inactivation)", ST_RGB_GREEN},
        {ST_HH_COL_N, "n (K activation)", ST_RGB_PURPLE}};
    const struct { int col; const char *label; st_rgb color; } cur[] = {
        {ST_HH_COL_INA, "INa", ST_RGB_RED}, {ST_HH_COL_IK, "IK", ST_RGB_BLUE},
        {ST_HH_COL_IL, "IL", ST_RGB_GREY}};
    const double *t = rows->col[ST_HH_COL_T];
    st_plot_series *sv = f->series[0], *sg = f->series[1], *sc = f->series[2];
    sv[0] = (st_plot_series){.x = t, .y = rows->col[ST_HH_COL_V], .n = rows->n, .label = "v",
                             .color = ST_RGB_BLUE};
    sv[1] = (st_plot_series){.x = t, .y = rows->col[ST_HH_COL_I], .n = rows->n, .label = "I",
                             .color = ST_RGB_RED, .axis = ST_AXIS_RIGHT};
    for (int k = 0; k < 3; k++) {
        sg[k] = (st_plot_series){.x = t, .y = rows->col[gates[k].col], .n = rows->n,
                                 .label = gates[k].label, .color = gates[k].color,
                                 .line_width = 1.5};
        sc[k] = (st_plot_series){.x = t, .y = rows->col[cur[k].col], .n = rows->n,
                                 .label = cur[k].label, .color = cur[k].color,
                                 .line_width = 1.5};
    }
    /* the figure keeps its own copy of the rows */
    for (int s = 0; s < 3; s++)
        for (size_t k = 0; k < (s ? 3u : 2u); k++) {
            st_plot_series *ser = &f->series[s][k];
            if (!reduced(f, ser, ser->x, 0, 0, ser->y, NULL, ser->n))
                return fail(f, err);
        }
    st_plot_panel *p = f->panel;
    char input[200];
    st_stimulus_format(stim, input, sizeof input);
    snprintf(f->text[0][0], TEXT, "membrane potential and input (%s): %zu spike%s", input,
             spikes, spikes == 1 ? "" : "s");
    for (int k = 0; k < 3; k++) {
        p[k].xmin = 0.0;
        p[k].xmax = duration_ms;
    }
    p[0].title = f->text[0][0];
    p[0].ylabel = "v (mV)";
    p[0].y2label = "I (" UA_CM2 ")";
    p[0].ymin = -90.0;
    p[0].ymax = 60.0;
    p[0].series = sv;
    p[0].n_series = 2;
    p[0].legend = false; /* the axes' labels and colours say which is which */
    /* headroom above the data keeps the legends of the other panels off the traces */
    p[1].title = "gating variables";
    p[1].ylabel = "open fraction";
    p[1].ymin = -0.05;
    p[1].ymax = 1.35;
    p[1].series = sg;
    p[1].n_series = 3;
    p[2].title = "ionic currents (outward positive)";
    p[2].xlabel = "time (ms)";
    p[2].ylabel = "current (" UA_CM2 ")";
    p[2].series = sc;
    p[2].n_series = 3;
    double lo = 0.0, hi = 0.0;
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < sc[k].n; i++)
            if (isfinite(sc[k].y[i])) {
                lo = fmin(lo, sc[k].y[i]);
                hi = fmax(hi, sc[k].y[i]);
            }
    p[2].ymin = lo - 0.05 * (hi - lo);
    p[2].ymax = hi + 0.4 * (hi - lo) + 1.0;
    snprintf(f->title, sizeof f->title,
             "Hodgkin\xe2\x80\x93Huxley point neuron, %g " DEG_C ", %s, dt %g ms",
             c->p.temperature_c, st_integrator_name(c->how), c->dt_ms);
    f->fig = (st_plot_figure){.title = f->title, .panels = p, .n_panels = 3, .rows = 3,
                              .cols = 1, .width = 1200, .height = 1050};
    *out = f;
    return ST_OK;
}

st_status st_figure_hh_fi(const st_hh_run_config *c, const st_hh_fi *fi, st_figure **out,
                          st_error *err)
{
    *out = NULL;
    st_figure *f = figure_new(err);
    if (!f)
        return ST_ERR_NOMEM;
    size_t n = fi->n;
    double *x = keep(f, n), *r = keep(f, n), *s = keep(f, n), *vx = keep(f, 4), *vy = keep(f, 2);
    if (!x || !r || !s || !vx || !vy)
        return fail(f, err);
    double top = 1.0;
    for (size_t k = 0; k < n; k++) {
        x[k] = fi->pts[k].I_ua_cm2;
        r[k] = fi->pts[k].rate_hz;
        s[k] = fi->pts[k].steady_hz;
        top = fmax(top, fmax(r[k], s[k]));
    }
    top *= 1.3; /* room for the legend above the curve */
    double th1 = fi->threshold_single, th2 = fi->threshold_repetitive;
    vx[0] = vx[1] = th1;
    vx[2] = vx[3] = th2;
    vy[0] = 0.0;
    vy[1] = top;
    snprintf(f->label[0][2], sizeof f->label[0][2], "\xe2\x89\xa5 1 spike from %.2f " UA_CM2,
             th1);
    snprintf(f->label[0][3], sizeof f->label[0][3], "repetitive from %.2f " UA_CM2, th2);
    st_plot_series *ser = f->series[0];
    ser[0] = (st_plot_series){.x = x, .y = s, .n = n, .label = "steady rate 1/ISI (last interval)",
                              .color = ST_RGB_RED, .line_width = 1.8};
    ser[1] = (st_plot_series){.x = x, .y = r, .n = n, .label = "mean rate over the 500 ms step",
                              .color = ST_RGB_BLUE, .line_width = 1.8};
    ser[2] = (st_plot_series){.x = vx, .y = vy, .n = isnan(th1) ? 0 : 2,
                              .label = isnan(th1) ? NULL : f->label[0][2], .color = ST_RGB_GREY};
    ser[3] = (st_plot_series){.x = vx + 2, .y = vy, .n = isnan(th2) ? 0 : 2,
                              .label = isnan(th2) ? NULL : f->label[0][3], .color = ST_RGB_GREEN};
    st_plot_panel *p = &f->panel[0];
    p->xlabel = "input current I (" UA_CM2 ")";
    p->ylabel = "firing rate (Hz)";
    p->xmin = n ? x[0] : 0.0;
    p->xmax = n ? x[n - 1] : 1.0;
    if (!(p->xmax > p->xmin))
        p->xmax = p->xmin + 1.0;
    p->ymin = 0.0;
    p->ymax = top;
    p->series = ser;
    p->n_series = 4;
    snprintf(f->title, sizeof f->title,
             "Hodgkin\xe2\x80\x93Huxley f\xe2\x80\x93I curve: %g ms steps from rest, %g " DEG_C
             ", %s, dt %g ms",
             ST_HH_FI_STEP_MS, c->p.temperature_c, st_integrator_name(c->how), c->dt_ms);
    f->fig = (st_plot_figure){.title = f->title, .panels = p, .n_panels = 1, .width = 1000,
                              .height = 620};
    *out = f;
    return ST_OK;
}

/* ---- the axon -------------------------------------------------------------------------------- */

#define N_PROFILES 4

static const st_rgb palette[ST_CABLE_MAX_PROBES] = {
    {0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17}, {0.58, 0.40, 0.74},
    {0.55, 0.34, 0.29}, {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50}, {0.74, 0.74, 0.13}};

/* The moments of the profiles: when the front passes 1/5 .. 4/5 of the length, or evenly
 * spread when nothing was conducted. */
static void profile_times(const st_cable_config *c, const st_cable_result *res, double *t)
{
    double len = c->cable.length_mm;
    for (int k = 0; k < N_PROFILES; k++) {
        double x = len * (k + 1) / (N_PROFILES + 1.0);
        t[k] = res->conducted ? res->t_cross_ms[0] + (x - res->x_mm[0]) / res->velocity_m_s
                              : c->duration_ms * (k + 1) / (N_PROFILES + 1.0);
        t[k] = fmin(fmax(t[k], 0.0), c->duration_ms);
    }
}

/* The image's column nearest t, and its profile v(x) into an owned array. */
static double *profile(st_figure *f, const st_cable_record *rec, double t, double *t_col)
{
    double dt_col = (double)rec->tstride * rec->dt_ms;
    size_t col = (size_t)fmin(fmax(round(t / dt_col), 0.0), (double)(rec->nx - 1));
    double *y = keep(f, rec->ny);
    for (size_t row = 0; y && row < rec->ny; row++)
        y[row] = rec->z[row * rec->nx + col];
    *t_col = (double)col * dt_col;
    return y;
}

st_status st_figure_axon(const st_cable_config *c, const st_cable_result *res,
                         const st_cable_record *rec, double cursor_ms, st_figure **out,
                         st_error *err)
{
    *out = NULL;
    st_figure *f = figure_new(err);
    if (!f)
        return ST_ERR_NOMEM;
    const double len = c->cable.length_mm, dt_col = (double)rec->tstride * c->dt_ms;
    double *z = keep(f, rec->nx * rec->ny), *xs = keep(f, rec->ny), *fr = keep(f, 6);
    if (!z || !xs || !fr)
        return fail(f, err);
    memcpy(z, rec->z, rec->nx * rec->ny * sizeof *z);
    memcpy(xs, rec->xs, rec->ny * sizeof *xs);
    f->image = (st_plot_image){.z = z, .nx = rec->nx, .ny = rec->ny, .x0 = -0.5 * dt_col,
                               .x1 = ((double)rec->nx - 0.5) * dt_col, .y0 = 0.0, .y1 = len,
                               .zmin = -80.0, .zmax = 40.0, .colormap = ST_CMAP_VIRIDIS,
                               .zlabel = "v (mV)", .smooth = true};
    const bool cursor = isfinite(cursor_ms);
    /* the measured front, from L/4 to 3L/4, and the cursor's line */
    fr[0] = res->t_cross_ms[0];
    fr[1] = res->t_cross_ms[2];
    fr[2] = res->x_mm[0];
    fr[3] = res->x_mm[2];
    fr[4] = 0.0;
    fr[5] = len;
    st_plot_series *s0 = f->series[0], *s1 = f->series[1], *s2 = f->series[2];
    snprintf(f->label[0][0], sizeof f->label[0][0], "0 mV front, %.2f m/s", res->velocity_m_s);
    s0[0] = (st_plot_series){.x = fr, .y = fr + 2, .n = res->conducted ? 2 : 0,
                             .label = res->conducted ? f->label[0][0] : NULL,
                             .color = ST_RGB_RED, .line_width = 2.0};
    /* the profiles: four moments, or the cursor's */
    double tp[N_PROFILES];
    size_t np = cursor ? 1 : N_PROFILES;
    if (cursor)
        tp[0] = cursor_ms;
    else
        profile_times(c, res, tp);
    for (size_t k = 0; k < np; k++) {
        double tc;
        double *y = profile(f, rec, tp[k], &tc);
        if (!y)
            return fail(f, err);
        snprintf(f->label[1][k], sizeof f->label[1][k], "t = %.2f ms", tc);
        s1[k] = (st_plot_series){.x = xs, .y = y, .n = rec->ny, .label = f->label[1][k],
                                 .color = palette[k], .line_width = 1.6};
        if (cursor) {
            double *cx = keep(f, 2);
            if (!cx)
                return fail(f, err);
            cx[0] = cx[1] = tc;
            s0[1] = (st_plot_series){.x = cx, .y = fr + 4, .n = 2, .color = {1, 1, 1},
                                     .line_width = 1.0};
        }
    }
    for (size_t k = 0; k < rec->n_at; k++) {
        snprintf(f->label[2][k], sizeof f->label[2][k], "x = %g mm", rec->at_mm[k]);
        s2[k] = (st_plot_series){.x = rec->t_ms, .y = rec->v_mv[k], .n = rec->n,
                                 .label = f->label[2][k], .color = palette[k], .line_width = 1.6};
        if (!reduced(f, &s2[k], rec->t_ms, 0, 0, rec->v_mv[k], NULL, rec->n))
            return fail(f, err);
    }
    st_plot_panel *p = f->panel;
    for (int k = 0; k < 3; k++) {
        p[k].ylabel = k == 0 ? "position x (mm)" : "v (mV)";
        p[k].xlabel = k == 1 ? "position x (mm)" : "time (ms)";
    }
    if (res->conducted)
        snprintf(f->text[0][0], TEXT,
                 "v(x, t): the spike travels as a straight band; its slope is the velocity, "
                 "%.2f m/s", res->velocity_m_s);
    else
        snprintf(f->text[0][0], TEXT, "v(x, t): no spike reached x = %g mm", res->x_mm[2]);
    p[0].title = f->text[0][0];
    p[0].image = &f->image;
    p[0].xmin = 0.0;
    p[0].xmax = c->duration_ms;
    p[0].ymin = 0.0;
    p[0].ymax = len;
    p[0].series = s0;
    p[0].n_series = cursor ? 2 : 1;
    p[1].title = cursor ? "the profile v(x) at the cursor"
                        : "profiles v(x) at four moments: the same shape, displaced";
    p[1].xmin = 0.0;
    p[1].xmax = len;
    p[1].ymin = -90.0;
    p[1].ymax = 50.0;
    p[1].series = s1;
    p[1].n_series = np;
    p[2].title = "v(t) at fixed points: the same spike, delayed";
    p[2].xmin = 0.0;
    p[2].xmax = c->duration_ms;
    p[2].ymin = -90.0;
    p[2].ymax = 50.0;
    p[2].series = s2;
    p[2].n_series = rec->n_at;
    snprintf(f->title, sizeof f->title,
             "Hodgkin\xe2\x80\x93Huxley axon: d %g \xc2\xb5m, Ra %g \xce\xa9\xc2\xb7" "cm, %g "
             DEG_C ", dx %.4g \xc2\xb5m, dt %g ms (%s)",
             c->cable.diameter_um, c->cable.ra_ohm_cm, c->cable.hh.temperature_c,
             c->cable.length_mm * 1000.0 / (double)c->cable.compartments, c->dt_ms,
             st_cable_scheme_name(c->scheme));
    f->fig = (st_plot_figure){.title = f->title, .panels = p, .n_panels = rec->n_at ? 3 : 2,
                              .rows = rec->n_at ? 3 : 2, .cols = 1, .width = 1200,
                              .height = rec->n_at ? 1350 : 900};
    *out = f;
    return ST_OK;
}
