/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkAxonPage: the HH axon of `spiketalk axon`, drawn as the same figure (figure.h): the
 * space-time image v(x, t) with the measured front, and the profile v(x) at the time on the
 * slider (marked on the image), which "Play" sweeps so the spike visibly travels. A run takes
 * milliseconds, so every change recomputes it on the main thread. */
#include "spiketalk-axon-page.h"

#include <math.h>
#include <string.h>

#include "spiketalk-plot.h"
#include "spiketalk-window.h"
#include "spiketalk/cable.h"
#include "spiketalk/figure.h"

#define IMG_MAX_COLS 1500u
#define ANIM_FRAMES 150    /* frames for one sweep of the duration */

typedef struct axon_run {
    st_cable_config cfg;
    st_cable_result res;
    st_cable_record rec;
    gboolean ok;
} axon_run;

struct _SpiketalkAxonPage {
    GtkBox parent_instance;
    GtkAdjustment *temp_adj, *diam_adj, *stim_adj, *time_adj;
    GtkLabel *velocity, *details;
    GtkToggleButton *play_button;
    SpiketalkPlot *plot;
    axon_run ar;
    st_figure *fig;
    guint anim, idle;
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

/* ---- the axon -------------------------------------------------------------------------------- */

static void axon_free(axon_run *r)
{
    st_cable_record_free(&r->rec);
    memset(r, 0, sizeof *r);
}

static gboolean run_axon(SpiketalkAxonPage *self, st_error *err)
{
    axon_run r = {0};
    r.cfg = st_cable_config_default();
    r.cfg.cable.diameter_um = gtk_adjustment_get_value(self->diam_adj);
    r.cfg.cable.hh.temperature_c = gtk_adjustment_get_value(self->temp_adj);
    r.cfg.stim_ua = gtk_adjustment_get_value(self->stim_adj);
    double len = r.cfg.cable.length_mm, at[3] = {len / 4, len / 2, 3 * len / 4};
    if (st_cable_config_check(&r.cfg, err) ||
        st_cable_record_init(&r.rec, &r.cfg, at, 3, IMG_MAX_COLS, r.cfg.cable.compartments,
                             IMG_MAX_COLS, err))
        return FALSE;
    if (st_cable_run(&r.cfg, st_cable_record_step, &r.rec, &r.res, err)) {
        axon_free(&r);
        return FALSE;
    }
    r.ok = TRUE;
    axon_free(&self->ar);
    self->ar = r;
    return TRUE;
}

/* ---- the figure ---------------------------------------------------------------------------- */

/* The figure with the profile at the slider's time. */
static void update_profile(SpiketalkAxonPage *self)
{
    axon_run *r = &self->ar;
    if (!r->ok)
        return;
    st_figure *f;
    st_error err = {0};
    if (st_figure_axon(&r->cfg, &r->res, &r->rec, gtk_adjustment_get_value(self->time_adj), &f,
                       &err)) {
        SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
        if (w)
            spiketalk_window_show_error(w, err.msg);
        return;
    }
    spiketalk_plot_set_figure(self->plot, st_figure_plot(f));
    st_figure_free(self->fig);
    self->fig = f;
}

static void recompute(SpiketalkAxonPage *self)
{
    st_error err = {0};
    if (!run_axon(self, &err)) {
        show_error(self, err.msg);
        return;
    }
    axon_run *r = &self->ar;
    gtk_adjustment_set_upper(self->time_adj, r->cfg.duration_ms);
    if (r->res.conducted && !gtk_toggle_button_get_active(self->play_button))
        gtk_adjustment_set_value(self->time_adj, r->res.t_cross_ms[1]);
    update_profile(self);
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
    axon_free(&self->ar);
    st_figure_free(self->fig);
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
    GtkAdjustment *adjs[] = {self->temp_adj, self->diam_adj, self->stim_adj};
    for (size_t i = 0; i < G_N_ELEMENTS(adjs); i++)
        g_signal_connect_swapped(adjs[i], "value-changed", G_CALLBACK(changed), self);
    g_signal_connect_swapped(self->time_adj, "value-changed", G_CALLBACK(update_profile), self);
    g_signal_connect_swapped(self->play_button, "toggled", G_CALLBACK(play_toggled), self);
    /* the first run is deferred: it needs no window, but the page may never be shown */
    changed(self);
}
