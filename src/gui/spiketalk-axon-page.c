/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkAxonPage: the HH point neuron (v, I and the gates m, h, n) and the HH axon of
 * `spiketalk axon`: the space-time image v(x, t) with the measured front, and the profile
 * v(x) at the time on the slider, which "Play" sweeps so the spike visibly travels. Both runs
 * take milliseconds, so every change recomputes them on the main thread. */
#include "spiketalk-axon-page.h"

#include <math.h>
#include <string.h>

#include "spiketalk-plot.h"
#include "spiketalk-window.h"
#include "spiketalk/cable.h"
#include "spiketalk/hh.h"
#include "spiketalk/stimulus.h"

#define HH_DT_MS 0.01
#define HH_DURATION_MS 60.0
#define HH_ONSET_MS 10.0
#define HH_WIDTH_MS 40.0
#define IMG_MAX_COLS 1500u
#define ANIM_FRAMES 150    /* frames for one sweep of the duration */

typedef struct neuron_run {
    size_t n;              /* samples t_0 .. t_{n-1} */
    double *t, *I, *v, *m, *h, *nk;
} neuron_run;

typedef struct axon_run {
    st_cable_config cfg;
    st_cable_result res;
    double *z;             /* ny rows of nx columns */
    size_t nx, ny;
    uint64_t tstride;
    double *xs;            /* ny positions, mm */
    gboolean ok;
} axon_run;

struct _SpiketalkAxonPage {
    GtkBox parent_instance;
    GtkAdjustment *amp_adj, *temp_adj, *diam_adj, *stim_adj, *time_adj;
    GtkLabel *velocity, *details;
    GtkToggleButton *play_button;
    SpiketalkPlot *plot;
    neuron_run nr;
    axon_run ar;
    double *profile;       /* ny values: v(x) at the slider's time */
    double cursor_x[2], cursor_y[2], front_x[2], front_y[2];
    guint anim, idle;
    st_plot_series s_vi[2], s_gates[3], s_front[2], s_prof[1];
    st_plot_image img;
    st_plot_panel panels[4];
    st_plot_figure fig;
    char title[256], t_img[160], t_prof[96], t_hh[128], flabel[64];
};

G_DEFINE_FINAL_TYPE(SpiketalkAxonPage, spiketalk_axon_page, GTK_TYPE_BOX)

static void show_error(SpiketalkAxonPage *self, const char *msg)
{
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (w)
        spiketalk_window_show_error(w, msg);
    else
        g_warning("%s", msg);
}

/* ---- the point neuron ------------------------------------------------------------------------ */

static void neuron_free(neuron_run *r)
{
    g_free(r->t);
    memset(r, 0, sizeof *r);
}

static gboolean run_neuron(SpiketalkAxonPage *self, st_error *err)
{
    st_hh_params p = st_hh_params_default();
    p.temperature_c = gtk_adjustment_get_value(self->temp_adj);
    if (st_hh_prepare(&p, err))
        return FALSE;
    size_t steps = (size_t)llround(HH_DURATION_MS / HH_DT_MS), n = steps + 1;
    neuron_run r = {.n = n};
    r.t = g_new(double, 6 * n);
    r.I = r.t + n;
    r.v = r.I + n;
    r.m = r.v + n;
    r.h = r.m + n;
    r.nk = r.h + n;
    double amp = gtk_adjustment_get_value(self->amp_adj);
    st_stimulus stim = {.n = 1, .term[0] = {.kind = ST_STIM_PULSE, .amp = amp,
                                            .start_ms = HH_ONSET_MS, .dur_ms = HH_WIDTH_MS}};
    st_stimulus_render(&stim, 0, HH_DT_MS, r.I, n);
    double *y = g_new(double, steps * ST_HH_NVARS);
    st_hh_state s;
    st_hh_reset(&s, -65.0);
    r.t[0] = 0;
    r.v[0] = s.y[ST_HH_V];
    r.m[0] = s.y[ST_HH_M];
    r.h[0] = s.y[ST_HH_H];
    r.nk[0] = s.y[ST_HH_N];
    st_hh_process(&s, &p, ST_INT_RK4, HH_DT_MS, r.I, y, steps, NULL);
    for (size_t k = 1; k < n; k++) {
        r.t[k] = (double)k * HH_DT_MS;
        r.v[k] = y[(k - 1) * ST_HH_NVARS + ST_HH_V];
        r.m[k] = y[(k - 1) * ST_HH_NVARS + ST_HH_M];
        r.h[k] = y[(k - 1) * ST_HH_NVARS + ST_HH_H];
        r.nk[k] = y[(k - 1) * ST_HH_NVARS + ST_HH_N];
    }
    g_free(y);
    if (s.fault) {
        neuron_free(&r);
        return st_error_set(err, ST_ERR_NUMERIC, "hh: v is not finite at t = %g ms",
                            (double)s.fault_step * HH_DT_MS) == ST_OK;
    }
    neuron_free(&self->nr);
    self->nr = r;
    return TRUE;
}

/* ---- the axon ---------------------------------------------------------------------------------- */

static int on_step(void *ud, uint64_t j, const st_cable *c, st_error *err)
{
    axon_run *r = ud;
    (void)err;
    if (j % r->tstride)
        return 0;
    size_t col = (size_t)(j / r->tstride);
    if (col >= r->nx)
        return 0;
    for (size_t row = 0; row < r->ny; row++)
        r->z[row * r->nx + col] = c->v[row];
    return 0;
}

static void axon_free(axon_run *r)
{
    g_free(r->z);
    g_free(r->xs);
    memset(r, 0, sizeof *r);
}

static gboolean run_axon(SpiketalkAxonPage *self, st_error *err)
{
    axon_run r = {0};
    r.cfg = st_cable_config_default();
    r.cfg.cable.diameter_um = gtk_adjustment_get_value(self->diam_adj);
    r.cfg.cable.hh.temperature_c = gtk_adjustment_get_value(self->temp_adj);
    r.cfg.stim_ua = gtk_adjustment_get_value(self->stim_adj);
    if (st_cable_config_check(&r.cfg, err))
        return FALSE;
    uint64_t steps = (uint64_t)llround(r.cfg.duration_ms / r.cfg.dt_ms);
    r.tstride = steps / IMG_MAX_COLS + 1;
    r.nx = (size_t)(steps / r.tstride) + 1;
    r.ny = r.cfg.cable.compartments;
    r.z = g_new(double, r.nx * r.ny);
    r.xs = g_new(double, r.ny);
    for (size_t i = 0; i < r.nx * r.ny; i++)
        r.z[i] = NAN;
    for (size_t row = 0; row < r.ny; row++)
        r.xs[row] = ((double)row + 0.5) * r.cfg.cable.length_mm / (double)r.ny;
    if (st_cable_run(&r.cfg, on_step, &r, &r.res, err)) {
        axon_free(&r);
        return FALSE;
    }
    r.ok = TRUE;
    axon_free(&self->ar);
    self->ar = r;
    g_free(self->profile);
    self->profile = g_new(double, r.ny);
    return TRUE;
}

/* ---- the figure ---------------------------------------------------------------------------- */

static void update_profile(SpiketalkAxonPage *self)
{
    axon_run *r = &self->ar;
    if (!r->ok)
        return;
    double dt_col = (double)r->tstride * r->cfg.dt_ms;
    double t = gtk_adjustment_get_value(self->time_adj);
    size_t col = (size_t)fmin(fmax(round(t / dt_col), 0.0), (double)(r->nx - 1));
    for (size_t row = 0; row < r->ny; row++)
        self->profile[row] = r->z[row * r->nx + col];
    self->cursor_x[0] = self->cursor_x[1] = (double)col * dt_col;
    g_snprintf(self->t_prof, sizeof self->t_prof, "profile v(x) at t = %.2f ms",
               (double)col * dt_col);
    gtk_widget_queue_draw(GTK_WIDGET(self->plot));
}

static void build_figure(SpiketalkAxonPage *self)
{
    axon_run *r = &self->ar;
    neuron_run *nr = &self->nr;
    st_plot_panel *p = self->panels;
    for (int k = 0; k < 4; k++)
        st_plot_panel_init(&p[k]);
    /* point neuron: v and I */
    g_snprintf(self->t_hh, sizeof self->t_hh, "HH point neuron, %g \u00b5A/cm\u00b2 for %g ms",
               gtk_adjustment_get_value(self->amp_adj), HH_WIDTH_MS);
    self->s_vi[0] = (st_plot_series){.x = nr->t, .y = nr->v, .n = nr->n, .label = "v",
                                     .color = ST_RGB_BLUE};
    self->s_vi[1] = (st_plot_series){.x = nr->t, .y = nr->I, .n = nr->n, .label = "I",
                                     .color = ST_RGB_RED, .axis = ST_AXIS_RIGHT};
    p[0].title = self->t_hh;
    p[0].xlabel = "time (ms)";
    p[0].ylabel = "v (mV)";
    p[0].y2label = "I (\u00b5A/cm\u00b2)";
    p[0].xmin = 0;
    p[0].xmax = HH_DURATION_MS;
    p[0].ymin = -90;
    p[0].ymax = 50;
    p[0].series = self->s_vi;
    p[0].n_series = 2;
    /* gates */
    self->s_gates[0] = (st_plot_series){.x = nr->t, .y = nr->m, .n = nr->n,
                                        .label = "m (Na activation)", .color = ST_RGB_ORANGE};
    self->s_gates[1] = (st_plot_series){.x = nr->t, .y = nr->h, .n = nr->n,
                                        .label = "h (Na inactivation)", .color = ST_RGB_GREEN};
    self->s_gates[2] = (st_plot_series){.x = nr->t, .y = nr->nk, .n = nr->n,
                                        .label = "n (K activation)", .color = ST_RGB_PURPLE};
    p[1].title = "gates m, h, n";
    p[1].xlabel = "time (ms)";
    p[1].ylabel = "open fraction";
    p[1].xmin = 0;
    p[1].xmax = HH_DURATION_MS;
    p[1].ymin = 0;
    p[1].ymax = 1;
    p[1].series = self->s_gates;
    p[1].n_series = 3;
    /* space-time image with the front and the time cursor */
    double len = r->cfg.cable.length_mm, dt_col = (double)r->tstride * r->cfg.dt_ms;
    self->img = (st_plot_image){.z = r->z, .nx = r->nx, .ny = r->ny, .x0 = -0.5 * dt_col,
                                .x1 = ((double)r->nx - 0.5) * dt_col, .y0 = 0, .y1 = len,
                                .zmin = -80, .zmax = 40, .colormap = ST_CMAP_VIRIDIS,
                                .zlabel = "v (mV)", .smooth = true};
    self->front_x[0] = r->res.t_cross_ms[0];
    self->front_x[1] = r->res.t_cross_ms[2];
    self->front_y[0] = r->res.x_mm[0];
    self->front_y[1] = r->res.x_mm[2];
    g_snprintf(self->flabel, sizeof self->flabel, "front, %.2f m/s", r->res.velocity_m_s);
    self->s_front[0] = (st_plot_series){.x = self->front_x, .y = self->front_y,
                                        .n = r->res.conducted ? 2 : 0,
                                        .label = r->res.conducted ? self->flabel : NULL,
                                        .color = ST_RGB_RED, .line_width = 2.0};
    self->cursor_y[0] = 0;
    self->cursor_y[1] = len;
    self->s_front[1] = (st_plot_series){.x = self->cursor_x, .y = self->cursor_y, .n = 2,
                                        .color = {1, 1, 1}, .line_width = 1.0};
    if (r->res.conducted)
        g_snprintf(self->t_img, sizeof self->t_img, "v(x, t): the band's slope is the velocity");
    else
        g_snprintf(self->t_img, sizeof self->t_img, "v(x, t): no spike reached x = %g mm",
                   r->res.x_mm[2]);
    p[2].title = self->t_img;
    p[2].image = &self->img;
    p[2].xlabel = "time (ms)";
    p[2].ylabel = "position x (mm)";
    p[2].xmin = 0;
    p[2].xmax = r->cfg.duration_ms;
    p[2].ymin = 0;
    p[2].ymax = len;
    p[2].series = self->s_front;
    p[2].n_series = 2;
    /* the travelling profile */
    self->s_prof[0] = (st_plot_series){.x = r->xs, .y = self->profile, .n = r->ny,
                                       .color = ST_RGB_BLUE, .line_width = 2.0};
    p[3].title = self->t_prof;
    p[3].xlabel = "position x (mm)";
    p[3].ylabel = "v (mV)";
    p[3].xmin = 0;
    p[3].xmax = len;
    p[3].ymin = -90;
    p[3].ymax = 50;
    p[3].series = self->s_prof;
    p[3].n_series = 1;
    p[3].legend = false;
    g_snprintf(self->title, sizeof self->title,
               "Hodgkin\u2013Huxley: point neuron and axon (d %g \u00b5m, %g \u00b0C)",
               r->cfg.cable.diameter_um, r->cfg.cable.hh.temperature_c);
    self->fig = (st_plot_figure){.title = self->title, .panels = p, .n_panels = 4, .rows = 2,
                                 .cols = 2, .width = 1400, .height = 900};
}

static void recompute(SpiketalkAxonPage *self)
{
    st_error err = {0};
    if (!run_neuron(self, &err) || !run_axon(self, &err)) {
        show_error(self, err.msg);
        return;
    }
    axon_run *r = &self->ar;
    spiketalk_plot_set_figure(self->plot, NULL);
    build_figure(self);
    gtk_adjustment_set_upper(self->time_adj, r->cfg.duration_ms);
    if (r->res.conducted && !gtk_toggle_button_get_active(self->play_button))
        gtk_adjustment_set_value(self->time_adj, r->res.t_cross_ms[1]);
    update_profile(self);
    spiketalk_plot_set_figure(self->plot, &self->fig);
    char *text;
    if (r->res.conducted)
        text = g_strdup_printf("%.2f m/s", r->res.velocity_m_s);
    else
        text = g_strdup("not conducted");
    gtk_label_set_text(self->velocity, text);
    g_free(text);
    text = g_strdup_printf("conduction velocity between x = %g and %g mm; spike peak %.1f mV, "
                           "width %.2f ms at half amplitude. %zu compartments of %.0f \u00b5m, "
                           "dt %g ms.",
                           r->res.x_mm[0], r->res.x_mm[2], r->res.peak_mv, r->res.width_ms,
                           r->cfg.cable.compartments,
                           r->cfg.cable.length_mm * 1000 / (double)r->cfg.cable.compartments,
                           r->cfg.dt_ms);
    gtk_label_set_text(self->details, text);
    g_free(text);
    spiketalk_marker("axon velocity_m_s=%.3f conducted=%d", r->res.velocity_m_s,
                     r->res.conducted);
}

static gboolean recompute_idle(gpointer ud)
{
    SpiketalkAxonPage *self = ud;
    self->idle = 0;
    recompute(self);
    return G_SOURCE_REMOVE;
}

static void changed(SpiketalkAxonPage *self)
{
    if (!self->idle)
        self->idle = g_idle_add(recompute_idle, self);
}

/* ---- animation --------------------------------------------------------------------------- */

static gboolean anim_step(gpointer ud)
{
    SpiketalkAxonPage *self = ud;
    double upper = gtk_adjustment_get_upper(self->time_adj);
    double t = gtk_adjustment_get_value(self->time_adj) + upper / ANIM_FRAMES;
    gtk_adjustment_set_value(self->time_adj, t > upper ? 0 : t);
    return G_SOURCE_CONTINUE;
}

static void play_toggled(SpiketalkAxonPage *self)
{
    if (gtk_toggle_button_get_active(self->play_button)) {
        if (!self->anim)
            self->anim = g_timeout_add(33, anim_step, self);
    } else {
        g_clear_handle_id(&self->anim, g_source_remove);
    }
}

gboolean spiketalk_axon_page_export(SpiketalkAxonPage *self, const char *path, st_error *err)
{
    return spiketalk_plot_export(self->plot, path, err);
}

/* ---- life cycle ---------------------------------------------------------------------------- */

static void dispose(GObject *obj)
{
    SpiketalkAxonPage *self = SPIKETALK_AXON_PAGE(obj);
    g_clear_handle_id(&self->anim, g_source_remove);
    g_clear_handle_id(&self->idle, g_source_remove);
    if (self->plot)
        spiketalk_plot_set_figure(self->plot, NULL);
    gtk_widget_dispose_template(GTK_WIDGET(self), SPIKETALK_TYPE_AXON_PAGE);
    G_OBJECT_CLASS(spiketalk_axon_page_parent_class)->dispose(obj);
}

static void finalize(GObject *obj)
{
    SpiketalkAxonPage *self = SPIKETALK_AXON_PAGE(obj);
    neuron_free(&self->nr);
    axon_free(&self->ar);
    g_free(self->profile);
    G_OBJECT_CLASS(spiketalk_axon_page_parent_class)->finalize(obj);
}

static void spiketalk_axon_page_class_init(SpiketalkAxonPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = dispose;
    G_OBJECT_CLASS(klass)->finalize = finalize;
    g_type_ensure(SPIKETALK_TYPE_PLOT);
    gtk_widget_class_set_template_from_resource(wc,
                                                "/org/spiketalk/Spiketalk/spiketalk-axon-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, SpiketalkAxonPage, name)
    BIND(amp_adj);
    BIND(temp_adj);
    BIND(diam_adj);
    BIND(stim_adj);
    BIND(time_adj);
    BIND(velocity);
    BIND(details);
    BIND(play_button);
    BIND(plot);
#undef BIND
}

static void spiketalk_axon_page_init(SpiketalkAxonPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    GtkAdjustment *adjs[] = {self->amp_adj, self->temp_adj, self->diam_adj, self->stim_adj};
    for (size_t i = 0; i < G_N_ELEMENTS(adjs); i++)
        g_signal_connect_swapped(adjs[i], "value-changed", G_CALLBACK(changed), self);
    g_signal_connect_swapped(self->time_adj, "value-changed", G_CALLBACK(update_profile), self);
    g_signal_connect_swapped(self->play_button, "toggled", G_CALLBACK(play_toggled), self);
    /* the first run is deferred: it needs no window, but the page may never be shown */
    changed(self);
}
