/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkSimulatePage: model, preset, parameters (from the registry's descriptors), input
 * protocol and integrator; the trace is recomputed on every change (a run is microseconds to
 * milliseconds) and drawn as v and I on twin axes, as `spiketalk simulate --plot` draws it. */
#include "spiketalk-simulate-page.h"

#include <math.h>
#include <string.h>

#include "spiketalk-plot.h"
#include "spiketalk-window.h"
#include "spiketalk/output.h"
#include "spiketalk/figure.h"
#include "spiketalk/sim.h"

#define MAX_PARAMS 24
/* Longest run the page draws; the CLI handles longer ones. */
#define MAX_STEPS 4000000u

enum { INPUT_PRESET, INPUT_STEP, INPUT_PULSE, INPUT_RAMP };

struct _SpiketalkSimulatePage {
    GtkBox parent_instance;
    /* template children */
    GtkDropDown *model_dd, *preset_dd, *input_dd, *integrator_dd;
    GtkLabel *preset_note, *input_text, *status, *amp_unit, *start_label, *amp_label, *dur_label;
    GtkGrid *param_grid, *input_grid;
    GtkAdjustment *start_adj, *amp_adj, *dur_adj, *dt_adj, *duration_adj;
    GtkButton *reset_button;
    SpiketalkPlot *plot;
    /* state */
    const st_model *model;
    const st_preset *preset;
    const st_param_desc *pdesc[MAX_PARAMS];
    GtkAdjustment *padj[MAX_PARAMS];
    size_t n_shown;
    st_integrator integrators[ST_INT_COUNT];
    gboolean updating;        /* controls being set from a preset: no re-simulation */
    guint idle;
    /* the result and its figure (arrays owned here) */
    st_sim_config cfg;
    st_sim_trace trace;
    gboolean have_trace;
    st_figure *fig;           /* the simulate figure of 'trace' */
    char name[64];
};

G_DEFINE_FINAL_TYPE(SpiketalkSimulatePage, spiketalk_simulate_page, GTK_TYPE_BOX)

static void show_error(SpiketalkSimulatePage *self, const char *msg)
{
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (w)
        spiketalk_window_show_error(w, msg);
    else
        g_warning("%s", msg);
}

/* ---- running -------------------------------------------------------------------------------- */

/* The stimulus from the input controls. */
static gboolean read_input(SpiketalkSimulatePage *self, st_stimulus *stim, st_error *err)
{
    guint kind = gtk_drop_down_get_selected(self->input_dd);
    if (kind == INPUT_PRESET || kind == GTK_INVALID_LIST_POSITION)
        return TRUE;
    char s[40], a[40], d[40], spec[200];
    st_format_double(s, sizeof s, gtk_adjustment_get_value(self->start_adj));
    st_format_double(a, sizeof a, gtk_adjustment_get_value(self->amp_adj));
    double dur = gtk_adjustment_get_value(self->dur_adj);
    st_format_double(d, sizeof d, dur);
    if (kind == INPUT_STEP)
        g_snprintf(spec, sizeof spec, "step:onset=%s,amp=%s%s%s", s, a, dur > 0 ? ",dur=" : "",
                   dur > 0 ? d : "");
    else if (kind == INPUT_PULSE)
        g_snprintf(spec, sizeof spec, "pulse:start=%s,width=%s,amp=%s", s, dur > 0 ? d : "1", a);
    else
        g_snprintf(spec, sizeof spec, "ramp:start=%s,slope=%s%s%s", s, a, dur > 0 ? ",dur=" : "",
                   dur > 0 ? d : "");
    return st_stimulus_parse(spec, stim, "input", err) == ST_OK;
}

/* The configuration from the preset and the controls. */
static gboolean read_config(SpiketalkSimulatePage *self, st_sim_config *cfg, st_error *err)
{
    if (st_sim_config_init(cfg, self->model, self->preset, err))
        return FALSE;
    for (size_t i = 0; i < self->n_shown; i++)
        st_param_set(&cfg->params, self->pdesc[i], gtk_adjustment_get_value(self->padj[i]));
    if (!(self->preset && !isnan(self->preset->u0)))
        cfg->u0 = self->model->default_u0(&cfg->params, cfg->v0_mv); /* follows b */
    guint k = gtk_drop_down_get_selected(self->integrator_dd);
    if (k != GTK_INVALID_LIST_POSITION)
        cfg->how = self->integrators[k];
    cfg->dt_ms = gtk_adjustment_get_value(self->dt_adj);
    cfg->duration_ms = gtk_adjustment_get_value(self->duration_adj);
    if (!read_input(self, &cfg->stim, err))
        return FALSE;
    if (st_sim_check(cfg, err))
        return FALSE;
    if (st_sim_steps(cfg) > MAX_STEPS)
        return st_error_set(err, ST_ERR_INVAL,
                            "simulate: %.0f steps are too many to draw here (at most %u); "
                            "use a larger dt or a shorter run, or 'spiketalk simulate'",
                            (double)st_sim_steps(cfg), MAX_STEPS) == ST_OK;
    return TRUE;
}

static void show_status(SpiketalkSimulatePage *self)
{
    const st_spikes *sp = &self->trace.spikes;
    double secs = self->cfg.duration_ms / 1000.0;
    char *text;
    if (sp->count)
        text = g_strdup_printf("%zu spikes, the first at %g ms; mean rate %.1f Hz over %g ms "
                               "(%zu steps)",
                               sp->count, (double)sp->step[0] * self->cfg.dt_ms,
                               secs > 0 ? (double)sp->count / secs : 0.0,
                               self->cfg.duration_ms, self->trace.n);
    else
        text = g_strdup_printf("No spikes in %g ms (%zu steps)", self->cfg.duration_ms,
                               self->trace.n);
    gtk_label_set_text(self->status, text);
    g_free(text);
}

void spiketalk_simulate_page_simulate(SpiketalkSimulatePage *self)
{
    st_error err = {0};
    st_sim_config cfg;
    st_sim_trace tr = {0};
    if (!read_config(self, &cfg, &err) || st_sim_collect(&cfg, &tr, &err)) {
        show_error(self, err.msg);
        return;
    }
    st_figure *fig;
    st_figure_run run = {&cfg, self->preset, tr.t_ms, tr.v_mv, tr.current, tr.n + 1, &tr.spikes};
    if (st_figure_simulate(&run, 1, &fig, &err)) {
        st_sim_trace_free(&tr);
        show_error(self, err.msg);
        return;
    }
    /* swap in the new result only now: the plot never sees a half-built one */
    spiketalk_plot_set_figure(self->plot, st_figure_plot(fig));
    st_figure_free(self->fig);
    if (self->have_trace)
        st_sim_trace_free(&self->trace);
    self->cfg = cfg;
    self->trace = tr;
    self->fig = fig;
    self->have_trace = TRUE;
    char input[200];
    st_stimulus_format(&cfg.stim, input, sizeof input);
    gtk_label_set_text(self->input_text, input);
    show_status(self);
    spiketalk_marker("simulated model=%s preset=%s spikes=%zu", cfg.model->name,
                     self->preset ? self->preset->name : "-", tr.spikes.count);
}

static gboolean simulate_idle(gpointer ud)
{
    SpiketalkSimulatePage *self = ud;
    self->idle = 0;
    spiketalk_simulate_page_simulate(self);
    return G_SOURCE_REMOVE;
}

/* Coalesces the changes of one drag into one run per main-loop iteration. */
static void changed(SpiketalkSimulatePage *self)
{
    if (self->updating || self->idle)
        return;
    self->idle = g_idle_add_full(G_PRIORITY_DEFAULT_IDLE, simulate_idle, self, NULL);
}

/* ---- controls from the registry -------------------------------------------------------------- */

static int digits_for(double step)
{
    int d = (int)ceil(-log10(step));
    return CLAMP(d, 0, 4);
}

static void build_params(SpiketalkSimulatePage *self)
{
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child(GTK_WIDGET(self->param_grid))))
        gtk_grid_remove(self->param_grid, child);
    self->n_shown = 0;
    const st_model *m = self->model;
    for (size_t i = 0; i < m->n_params && self->n_shown < MAX_PARAMS; i++) {
        const st_param_desc *d = &m->params[i];
        if (d->advanced)
            continue;
        double span = d->max - d->min;
        double step = span > 0 ? pow(10, floor(log10(span / 100))) : 0.01;
        GtkAdjustment *adj = gtk_adjustment_new(d->def, d->min, d->max, step, 10 * step, 0);
        int row = (int)self->n_shown;
        GtkWidget *label = gtk_label_new(d->name);
        gtk_label_set_xalign(GTK_LABEL(label), 0);
        gtk_widget_set_tooltip_text(label, d->help);
        GtkWidget *scale = gtk_scale_new(GTK_ORIENTATION_HORIZONTAL, adj);
        gtk_scale_set_draw_value(GTK_SCALE(scale), FALSE);
        gtk_widget_set_hexpand(scale, TRUE);
        gtk_widget_set_tooltip_text(scale, d->help);
        GtkWidget *spin = gtk_spin_button_new(adj, step, (guint)digits_for(step));
        gtk_editable_set_width_chars(GTK_EDITABLE(spin), 7);
        gtk_widget_set_tooltip_text(spin, d->help);
        GtkWidget *unit = gtk_label_new(d->unit);
        gtk_label_set_xalign(GTK_LABEL(unit), 0);
        gtk_widget_add_css_class(unit, "unit");
        gtk_grid_attach(self->param_grid, label, 0, row, 1, 1);
        gtk_grid_attach(self->param_grid, scale, 1, row, 1, 1);
        gtk_grid_attach(self->param_grid, spin, 2, row, 1, 1);
        gtk_grid_attach(self->param_grid, unit, 3, row, 1, 1);
        g_signal_connect_swapped(adj, "value-changed", G_CALLBACK(changed), self);
        self->pdesc[self->n_shown] = d;
        self->padj[self->n_shown] = adj;
        self->n_shown++;
    }
}

static void build_integrators(SpiketalkSimulatePage *self)
{
    GtkStringList *list = gtk_string_list_new(NULL);
    size_t n = 0;
    for (int i = 0; i < ST_INT_COUNT; i++)
        if (self->model->integrators & ST_INT_BIT(i)) {
            self->integrators[n++] = (st_integrator)i;
            gtk_string_list_append(list, st_integrator_name((st_integrator)i));
        }
    gtk_drop_down_set_model(self->integrator_dd, G_LIST_MODEL(list));
    g_object_unref(list);
}

static void build_presets(SpiketalkSimulatePage *self)
{
    GtkStringList *list = gtk_string_list_new(NULL);
    for (size_t i = 0; i < self->model->n_presets; i++) {
        const st_preset *p = &self->model->presets[i];
        char *s = p->letter ? g_strdup_printf("(%s) %s", p->letter, p->title)
                            : g_strdup_printf("%s \u2014 %s", p->name, p->title);
        gtk_string_list_append(list, s);
        g_free(s);
    }
    gtk_drop_down_set_model(self->preset_dd, G_LIST_MODEL(list));
    g_object_unref(list);
}

/* Sets every control from 'p' (the model's default preset when NULL). */
static void load_preset(SpiketalkSimulatePage *self, const st_preset *p)
{
    const st_model *m = self->model;
    if (!p)
        p = st_preset_find(m, m->default_preset, -1);
    self->preset = p;
    st_sim_config cfg;
    st_error err = {0};
    if (st_sim_config_init(&cfg, m, p, &err)) {
        show_error(self, err.msg);
        return;
    }
    self->updating = TRUE;
    for (size_t i = 0; i < m->n_presets; i++)
        if (&m->presets[i] == p)
            gtk_drop_down_set_selected(self->preset_dd, (guint)i);
    for (size_t i = 0; i < self->n_shown; i++) {
        double x = st_param_get(&cfg.params, self->pdesc[i]);
        /* never let the range clamp a published value */
        if (x < gtk_adjustment_get_lower(self->padj[i]))
            gtk_adjustment_set_lower(self->padj[i], x);
        if (x > gtk_adjustment_get_upper(self->padj[i]))
            gtk_adjustment_set_upper(self->padj[i], x);
        gtk_adjustment_set_value(self->padj[i], x);
    }
    for (guint i = 0; i < ST_INT_COUNT; i++)
        if (self->integrators[i] == cfg.how)
            gtk_drop_down_set_selected(self->integrator_dd, i);
    gtk_adjustment_set_value(self->dt_adj, cfg.dt_ms);
    gtk_adjustment_set_value(self->duration_adj, cfg.duration_ms);
    gtk_drop_down_set_selected(self->input_dd, INPUT_PRESET);
    /* the protocol's first term fills the step/pulse/ramp fields for editing */
    if (cfg.stim.n > 0) {
        const st_stim_term *t = &cfg.stim.term[0];
        gtk_adjustment_set_value(self->start_adj, t->start_ms);
        gtk_adjustment_set_value(self->amp_adj, t->kind == ST_STIM_RAMP ? t->slope : t->amp);
        gtk_adjustment_set_value(self->dur_adj, isfinite(t->dur_ms) ? t->dur_ms : 0);
    }
    gtk_label_set_text(self->amp_unit, m->current_unit);
    gtk_label_set_text(self->preset_note, p && p->note ? p->note : "");
    gtk_widget_set_visible(GTK_WIDGET(self->preset_note), p && p->note);
    gtk_widget_set_sensitive(GTK_WIDGET(self->input_grid), FALSE);
    self->updating = FALSE;
    spiketalk_simulate_page_simulate(self);
}

static void set_model(SpiketalkSimulatePage *self, st_model_id id)
{
    self->model = st_model_get(id);
    self->updating = TRUE;
    build_presets(self);
    build_params(self);
    build_integrators(self);
    self->updating = FALSE;
    load_preset(self, NULL);
}

/* ---- signal handlers ---------------------------------------------------------------------- */

static void model_selected(SpiketalkSimulatePage *self)
{
    guint i = gtk_drop_down_get_selected(self->model_dd);
    if (self->updating || i >= ST_MODEL_COUNT || st_model_get((st_model_id)i) == self->model)
        return;
    set_model(self, (st_model_id)i);
}

static void preset_selected(SpiketalkSimulatePage *self)
{
    guint i = gtk_drop_down_get_selected(self->preset_dd);
    if (self->updating || i >= self->model->n_presets)
        return;
    load_preset(self, &self->model->presets[i]);
}

static void input_selected(SpiketalkSimulatePage *self)
{
    guint kind = gtk_drop_down_get_selected(self->input_dd);
    gtk_widget_set_sensitive(GTK_WIDGET(self->input_grid), kind != INPUT_PRESET);
    gtk_label_set_text_with_mnemonic(self->start_label, kind == INPUT_STEP ? "O_nset" : "_Start");
    gtk_label_set_text_with_mnemonic(self->amp_label, kind == INPUT_RAMP ? "Slo_pe"
                                                                         : "_Amplitude");
    gtk_label_set_text_with_mnemonic(self->dur_label, kind == INPUT_PULSE ? "W_idth"
                                                                          : "Durat_ion");
    changed(self);
}

static void reset_clicked(SpiketalkSimulatePage *self)
{
    load_preset(self, self->preset);
}

/* ---- public ------------------------------------------------------------------------------- */

gboolean spiketalk_simulate_page_set_preset(SpiketalkSimulatePage *self, const char *name,
                                            gboolean feature)
{
    const st_model *m = feature ? st_model_get(ST_MODEL_IZH) : self->model;
    int kind = feature ? ST_PRESET_FEATURE : ST_PRESET_CELL;
    const st_preset *p = st_preset_find(m, name, kind);
    if (!p) {
        char near[256], *msg;
        st_preset_suggest(m, name, kind, near, sizeof near, 3);
        msg = g_strdup_printf("%s: unknown %s '%s' of %s (closest: %s)",
                              feature ? "--feature" : "--preset",
                              feature ? "feature" : "preset", name, m->name, near);
        show_error(self, msg);
        g_free(msg);
        return FALSE;
    }
    if (m != self->model) {
        self->updating = TRUE;
        gtk_drop_down_set_selected(self->model_dd, (guint)m->id);
        self->updating = FALSE;
        self->model = m;
        self->updating = TRUE;
        build_presets(self);
        build_params(self);
        build_integrators(self);
        self->updating = FALSE;
    }
    load_preset(self, p);
    return TRUE;
}

static gboolean write_csv(SpiketalkSimulatePage *self, const char *path, st_error *err)
{
    st_outfile of;
    if (st_outfile_open(&of, path, err))
        return FALSE;
    fputs("t_ms,I,v,u\n", of.f);
    const st_sim_trace *tr = &self->trace;
    for (size_t k = 0; k <= tr->n; k++) {
        double row[4] = {tr->t_ms[k], tr->current[k], tr->v_mv[k], tr->u[k]};
        st_csv_row(of.f, row, 4);
    }
    return st_outfile_commit(&of, err) == ST_OK;
}

gboolean spiketalk_simulate_page_export(SpiketalkSimulatePage *self, const char *path,
                                        st_error *err)
{
    if (!self->have_trace)
        return st_error_set(err, ST_ERR_INVAL, "%s: nothing simulated yet", path) == ST_OK;
    if (g_str_has_suffix(path, ".csv") || g_str_has_suffix(path, ".CSV"))
        return write_csv(self, path, err);
    return spiketalk_plot_export(self->plot, path, err);
}

const char *spiketalk_simulate_page_suggest_name(SpiketalkSimulatePage *self)
{
    g_snprintf(self->name, sizeof self->name, "spiketalk-%s.png",
               self->preset ? self->preset->name : "simulation");
    return self->name;
}

/* ---- life cycle ---------------------------------------------------------------------------- */

static void dispose(GObject *obj)
{
    SpiketalkSimulatePage *self = SPIKETALK_SIMULATE_PAGE(obj);
    g_clear_handle_id(&self->idle, g_source_remove);
    if (self->plot)
        spiketalk_plot_set_figure(self->plot, NULL);
    gtk_widget_dispose_template(GTK_WIDGET(self), SPIKETALK_TYPE_SIMULATE_PAGE);
    G_OBJECT_CLASS(spiketalk_simulate_page_parent_class)->dispose(obj);
}

static void finalize(GObject *obj)
{
    SpiketalkSimulatePage *self = SPIKETALK_SIMULATE_PAGE(obj);
    if (self->have_trace)
        st_sim_trace_free(&self->trace);
    st_figure_free(self->fig);
    G_OBJECT_CLASS(spiketalk_simulate_page_parent_class)->finalize(obj);
}

static void spiketalk_simulate_page_class_init(SpiketalkSimulatePageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = dispose;
    G_OBJECT_CLASS(klass)->finalize = finalize;
    g_type_ensure(SPIKETALK_TYPE_PLOT);
    gtk_widget_class_set_template_from_resource(
        wc, "/org/spiketalk/Spiketalk/spiketalk-simulate-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, SpiketalkSimulatePage, name)
    BIND(model_dd);
    BIND(preset_dd);
    BIND(input_dd);
    BIND(integrator_dd);
    BIND(preset_note);
    BIND(input_text);
    BIND(status);
    BIND(amp_unit);
    BIND(start_label);
    BIND(amp_label);
    BIND(dur_label);
    BIND(param_grid);
    BIND(input_grid);
    BIND(start_adj);
    BIND(amp_adj);
    BIND(dur_adj);
    BIND(dt_adj);
    BIND(duration_adj);
    BIND(reset_button);
    BIND(plot);
#undef BIND
}

static void spiketalk_simulate_page_init(SpiketalkSimulatePage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    set_model(self, ST_MODEL_IZH);
    g_signal_connect_swapped(self->model_dd, "notify::selected", G_CALLBACK(model_selected),
                             self);
    g_signal_connect_swapped(self->preset_dd, "notify::selected", G_CALLBACK(preset_selected),
                             self);
    g_signal_connect_swapped(self->input_dd, "notify::selected", G_CALLBACK(input_selected),
                             self);
    g_signal_connect_swapped(self->integrator_dd, "notify::selected", G_CALLBACK(changed), self);
    GtkAdjustment *adjs[] = {self->start_adj, self->amp_adj, self->dur_adj, self->dt_adj,
                             self->duration_adj};
    for (size_t i = 0; i < G_N_ELEMENTS(adjs); i++)
        g_signal_connect_swapped(adjs[i], "value-changed", G_CALLBACK(changed), self);
    g_signal_connect_swapped(self->reset_button, "clicked", G_CALLBACK(reset_clicked), self);
}
