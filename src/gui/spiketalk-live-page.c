/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkLivePage: a live session (live.h) driven from the GUI.
 *
 * Threads. Everything here runs on the GTK main thread, which is the session's control thread:
 * it opens, starts, stops and closes the session and publishes presets. The audio callback
 * (PortAudio's thread) condenses input, envelope and v into scope points and pushes them into
 * the session's SPSC ring without waiting; the frame clock's tick drains that ring into the
 * page's own history and redraws the scope (one frame per display refresh, >= 30 fps). A 5 Hz
 * timer reads the meters and notices a device that went away. */
#include "spiketalk-live-page.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "spiketalk-plot.h"
#include "spiketalk-window.h"
#include "spiketalk/audio.h"
#include "spiketalk/live.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/sim.h"

#define MAX_DEVICES 64
#define MAX_HOSTS 8
#define MAX_PRESETS 7
#define SCOPE_S 2.0          /* seconds of history the scope shows */
#define DRAIN 1024u          /* scope points moved per ring read */
#define METER_MS 200         /* the meters' refresh period */
#define STALL_MS 2000        /* no audio for this long: the device is gone */

static const unsigned blocks[] = {32, 64, 128, 256, 512, 1024}; /* block_dd's items */

struct _SpiketalkLivePage {
    GtkBox parent_instance;
    /* template children */
    GtkDropDown *host_dd, *input_dd, *output_dd, *block_dd, *neuron_dd;
    GtkButton *refresh_button, *start_button;
    GtkLabel *neuron_label, *latency_label, *load_label, *xruns_label, *rate_label;
    GtkLabel *level_label, *device_label;
    GtkLevelBar *level_bar;
    SpiketalkPlot *scope;
    /* devices, as listed when the page was first shown or Find Devices was pressed */
    st_device_info devs[MAX_DEVICES];
    size_t n_devs;
    gboolean listed;
    int in_map[MAX_DEVICES + 1], out_map[MAX_DEVICES + 1]; /* dropdown row -> devs[]; -1 default */
    char hosts[MAX_HOSTS][64];
    size_t n_hosts;
    /* the neuron */
    const st_model *model;
    const st_preset *presets[MAX_PRESETS];
    size_t n_presets;
    /* the session */
    st_live *live;
    guint tick_id, meter_id;
    uint64_t last_frames, rate_frames, rate_spikes;
    int still_ms;
    double rate_hz;
    gint64 started_us;
    gboolean disposing;     /* no banner while the window goes away */
    guint64 scope_frames;   /* frames the scope redrew during the session */
    /* the scope's history: a circular buffer of points and the series drawn from it */
    st_live_scope_point *hist, *drain;
    size_t hist_cap, hist_len, hist_head;
    double scope_rate;      /* points per second */
    double *x2, *in_y, *v_y, *env_x, *env_y;
    st_plot_series in_series[2], v_series[1];
    st_plot_panel panels[2];
    st_plot_figure fig;
};

G_DEFINE_FINAL_TYPE(SpiketalkLivePage, spiketalk_live_page, GTK_TYPE_BOX)

/* ---- devices --------------------------------------------------------------------------------- */

static GtkStringList *device_rows(SpiketalkLivePage *self, gboolean input, int *map)
{
    GtkStringList *list = gtk_string_list_new(NULL);
    gtk_string_list_append(list, input ? "Default capture" : "Default playback");
    map[0] = -1;
    guint row = 1;
    for (size_t i = 0; i < self->n_devs; i++) {
        const st_device_info *d = &self->devs[i];
        if ((input ? d->max_input_channels : d->max_output_channels) < 1)
            continue;
        char *s = g_strdup_printf("%s (%s)", d->name, d->host_api);
        gtk_string_list_append(list, s);
        g_free(s);
        map[row++] = (int)i;
    }
    return list;
}

/* Lists the devices into the dropdowns; 'loud' reports an empty list in the banner. */
static void list_devices(SpiketalkLivePage *self, gboolean loud)
{
    st_error err = {0};
    size_t n = 0;
    self->n_devs = 0;
    self->n_hosts = 0;
    if (st_device_list(self->devs, MAX_DEVICES, &n, &err) == ST_OK)
        self->n_devs = MIN(n, (size_t)MAX_DEVICES);
    self->listed = TRUE;
    GtkStringList *hosts = gtk_string_list_new(NULL);
    gtk_string_list_append(hosts, "Any");
    for (size_t i = 0; i < self->n_devs; i++) {
        gboolean seen = FALSE;
        for (size_t k = 0; k < self->n_hosts; k++)
            seen = seen || !strcmp(self->hosts[k], self->devs[i].host_api);
        if (!seen && self->n_hosts < MAX_HOSTS) {
            g_strlcpy(self->hosts[self->n_hosts++], self->devs[i].host_api, sizeof self->hosts[0]);
            gtk_string_list_append(hosts, self->devs[i].host_api);
        }
    }
    gtk_drop_down_set_model(self->host_dd, G_LIST_MODEL(hosts));
    g_object_unref(hosts);
    GtkStringList *in = device_rows(self, TRUE, self->in_map);
    GtkStringList *out = device_rows(self, FALSE, self->out_map);
    gtk_drop_down_set_model(self->input_dd, G_LIST_MODEL(in));
    gtk_drop_down_set_model(self->output_dd, G_LIST_MODEL(out));
    g_object_unref(in);
    g_object_unref(out);
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (!loud || !w)
        return;
    if (err.code)
        spiketalk_window_show_error(w, err.msg);
    else if (g_list_model_get_n_items(G_LIST_MODEL(in)) < 2)
        spiketalk_window_show_error(w, "no audio device; open a file on the Listen page");
    else
        spiketalk_window_show_note(w, "devices: the lists are up to date");
}

static void refresh_clicked(SpiketalkLivePage *self)
{
    list_devices(self, TRUE);
}

static void on_map(SpiketalkLivePage *self)
{
    if (!self->listed && !self->live)
        list_devices(self, FALSE);
}

/* The chosen device of a dropdown, or NULL for the default. */
static const st_device_info *chosen(SpiketalkLivePage *self, GtkDropDown *dd, const int *map)
{
    guint row = gtk_drop_down_get_selected(dd);
    if (row == GTK_INVALID_LIST_POSITION || row == 0 || row > self->n_devs || map[row] < 0)
        return NULL;
    return &self->devs[map[row]];
}

/* ---- the neuron ------------------------------------------------------------------------------ */

static const st_preset *current_preset(SpiketalkLivePage *self)
{
    guint i = gtk_drop_down_get_selected(self->neuron_dd);
    return i < self->n_presets ? self->presets[i] : NULL;
}

/* Publishes the selected preset to the running session (its state carries on). */
static void neuron_changed(SpiketalkLivePage *self)
{
    const st_preset *p = current_preset(self);
    if (!p)
        return;
    gtk_label_set_text(self->neuron_label, p->title ? p->title : "");
    if (!self->live)
        return;
    st_sim_config sc;
    st_error err = {0};
    if (st_sim_config_init(&sc, self->model, p, &err) ||
        st_live_set_params(self->live, &sc.params, &err)) {
        SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
        if (w)
            spiketalk_window_show_error(w, err.msg);
        return;
    }
    st_live_stats st;
    st_live_stats_get(self->live, &st);
    spiketalk_marker("live preset %s at %.2f s", p->name,
                     (double)st.frames / st_live_info_get(self->live)->fs_hz);
}

gboolean spiketalk_live_page_set_preset(SpiketalkLivePage *self, const char *name)
{
    for (size_t i = 0; i < self->n_presets; i++) {
        if (g_ascii_strcasecmp(self->presets[i]->name, name))
            continue;
        if (gtk_drop_down_get_selected(self->neuron_dd) == i)
            neuron_changed(self); /* the same one again: still say so */
        else
            gtk_drop_down_set_selected(self->neuron_dd, (guint)i);
        return TRUE;
    }
    GString *names = g_string_new(NULL);
    for (size_t i = 0; i < self->n_presets; i++)
        g_string_append_printf(names, "%s%s", i ? ", " : "", self->presets[i]->name);
    char *msg = g_strdup_printf("live: unknown preset '%s' (%s)", name, names->str);
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (w)
        spiketalk_window_show_error(w, msg);
    g_free(msg);
    g_string_free(names, TRUE);
    return FALSE;
}

/* ---- the scope ------------------------------------------------------------------------------- */

static void scope_free(SpiketalkLivePage *self)
{
    g_clear_pointer(&self->hist, g_free);
    g_clear_pointer(&self->x2, g_free);
    g_clear_pointer(&self->in_y, g_free);
    g_clear_pointer(&self->v_y, g_free);
    g_clear_pointer(&self->env_x, g_free);
    g_clear_pointer(&self->env_y, g_free);
    self->hist_cap = self->hist_len = self->hist_head = 0;
    self->in_series[0].n = self->in_series[1].n = self->v_series[0].n = 0;
}

static void scope_alloc(SpiketalkLivePage *self, double rate)
{
    scope_free(self);
    self->scope_rate = rate;
    self->hist_cap = (size_t)ceil(rate * SCOPE_S);
    self->hist = g_new0(st_live_scope_point, self->hist_cap);
    self->x2 = g_new0(double, 2 * self->hist_cap);
    self->in_y = g_new0(double, 2 * self->hist_cap);
    self->v_y = g_new0(double, 2 * self->hist_cap);
    self->env_x = g_new0(double, self->hist_cap);
    self->env_y = g_new0(double, self->hist_cap);
    self->in_series[0].x = self->v_series[0].x = self->x2;
    self->in_series[0].y = self->in_y;
    self->v_series[0].y = self->v_y;
    self->in_series[1].x = self->env_x;
    self->in_series[1].y = self->env_y;
}

/* The series from the history, newest point at t = 0. Each point is drawn as a vertical stroke
 * from its minimum to its maximum, so a decimated audio signal keeps its true extent. */
static void scope_series(SpiketalkLivePage *self)
{
    const size_t n = self->hist_len, cap = self->hist_cap;
    const size_t first = (self->hist_head + cap - n) % cap;
    for (size_t i = 0; i < n; i++) {
        const st_live_scope_point *p = &self->hist[(first + i) % cap];
        double t = -(double)(n - 1 - i) / self->scope_rate;
        self->x2[2 * i] = self->x2[2 * i + 1] = self->env_x[i] = t;
        self->in_y[2 * i] = p->in_min;
        self->in_y[2 * i + 1] = p->in_max;
        self->v_y[2 * i] = p->v_min;
        self->v_y[2 * i + 1] = p->v_max;
        self->env_y[i] = p->env;
    }
    self->in_series[0].n = self->v_series[0].n = 2 * n;
    self->in_series[1].n = n;
}

/* The frame clock: drains the session's scope ring into the history and redraws. */
static gboolean scope_tick(GtkWidget *widget, GdkFrameClock *clock, gpointer ud)
{
    SpiketalkLivePage *self = ud;
    (void)widget;
    (void)clock;
    if (!self->live)
        return G_SOURCE_CONTINUE;
    size_t got, moved = 0;
    while ((got = st_live_scope_read(self->live, self->drain, DRAIN)) > 0) {
        for (size_t k = 0; k < got; k++) {
            self->hist[self->hist_head] = self->drain[k];
            self->hist_head = (self->hist_head + 1) % self->hist_cap;
        }
        self->hist_len = MIN(self->hist_len + got, self->hist_cap);
        moved += got;
    }
    if (moved) {
        scope_series(self);
        spiketalk_plot_set_figure(self->scope, &self->fig);
        self->scope_frames++;
    }
    return G_SOURCE_CONTINUE;
}

static void scope_init(SpiketalkLivePage *self)
{
    for (int k = 0; k < 2; k++)
        st_plot_panel_init(&self->panels[k]);
    self->in_series[0] = (st_plot_series){.label = "input", .color = ST_RGB_PURPLE,
                                          .line_width = 1.0};
    self->in_series[1] = (st_plot_series){.label = "envelope", .color = ST_RGB_ORANGE,
                                          .line_width = 1.6};
    self->v_series[0] = (st_plot_series){.label = "v", .color = ST_RGB_BLUE, .line_width = 1.2};
    st_plot_panel *a = &self->panels[0], *b = &self->panels[1];
    a->title = "microphone: input and envelope (last 2 s)";
    a->xlabel = "time (s)";
    a->ylabel = "amplitude (full scale 1)";
    a->xmin = -SCOPE_S;
    a->xmax = 0;
    a->ymin = -1;
    a->ymax = 1;
    a->series = self->in_series;
    a->n_series = 2;
    b->title = "neuron: membrane potential (last 2 s)";
    b->xlabel = "time (s)";
    b->ylabel = "v (mV)";
    b->xmin = -SCOPE_S;
    b->xmax = 0;
    b->ymin = -90;
    b->ymax = 40;
    b->series = self->v_series;
    b->n_series = 1;
    b->legend = false;
    self->fig = (st_plot_figure){.panels = self->panels, .n_panels = 2, .rows = 2, .cols = 1,
                                 .width = 1200, .height = 850};
    spiketalk_plot_set_figure(self->scope, &self->fig);
}

/* ---- meters ---------------------------------------------------------------------------------- */

static void meters_clear(SpiketalkLivePage *self)
{
    GtkLabel *labels[] = {self->load_label, self->xruns_label, self->rate_label,
                          self->level_label};
    for (size_t i = 0; i < G_N_ELEMENTS(labels); i++)
        gtk_label_set_text(labels[i], "–");
    gtk_level_bar_set_value(self->level_bar, 0);
}

static void set_labelf(GtkLabel *label, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void set_labelf(GtkLabel *label, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gtk_label_set_text(label, s);
    g_free(s);
}

static void fail_session(SpiketalkLivePage *self, const char *msg);

static gboolean meter_timeout(gpointer ud)
{
    SpiketalkLivePage *self = ud;
    st_live_stats st;
    st_live_stats_get(self->live, &st);
    const st_live_info *in = st_live_info_get(self->live);
    if (!st.active) {
        self->meter_id = 0; /* this source ends with G_SOURCE_REMOVE */
        fail_session(self, "live: the stream stopped by itself (the device or its server went "
                           "away); the session is closed");
        return G_SOURCE_REMOVE;
    }
    self->still_ms = st.frames == self->last_frames ? self->still_ms + METER_MS : 0;
    self->last_frames = st.frames;
    if (self->still_ms >= STALL_MS) {
        self->meter_id = 0;
        fail_session(self, "live: the devices stopped delivering audio; the session is closed");
        return G_SOURCE_REMOVE;
    }
    if (st.frames >= self->rate_frames + (uint64_t)in->fs_hz) { /* the rate over ~1 s */
        self->rate_hz = (double)(st.spikes - self->rate_spikes) * in->fs_hz /
                        (double)(st.frames - self->rate_frames);
        self->rate_frames = st.frames;
        self->rate_spikes = st.spikes;
    }
    set_labelf(self->load_label, "%.1f %% (max %.1f %%)", 100 * st.load_mean,
               100 * st.load_recent_max);
    set_labelf(self->xruns_label, "%llu", (unsigned long long)st.xruns);
    set_labelf(self->rate_label, "%.1f spikes/s", self->rate_hz);
    double db = st.input_peak > 0 ? fmax(-99.9, 20 * log10(st.input_peak)) : -INFINITY;
    double fl = st.noise_floor > 0 ? fmax(-99.9, 20 * log10(st.noise_floor)) : -INFINITY;
    char in_text[32], fl_text[32];
    if (isfinite(db))
        g_snprintf(in_text, sizeof in_text, "%.1f dB", db);
    else
        g_snprintf(in_text, sizeof in_text, "−∞ dB");
    if (isfinite(fl))
        g_snprintf(fl_text, sizeof fl_text, "%.1f dB", fl);
    else
        g_snprintf(fl_text, sizeof fl_text, isnan(st.noise_floor) ? "–" : "−∞ dB");
    set_labelf(self->level_label, "%s (noise floor %s)", in_text, fl_text);
    gtk_level_bar_set_value(self->level_bar, isfinite(db) ? CLAMP((db + 60) / 60, 0, 1) : 0);
    return G_SOURCE_CONTINUE;
}

/* ---- start and stop -------------------------------------------------------------------------- */

static void set_running_ui(SpiketalkLivePage *self, gboolean running)
{
    gtk_button_set_label(self->start_button, running ? "_Stop (Space)" : "_Start (Space)");
    if (running) {
        gtk_widget_remove_css_class(GTK_WIDGET(self->start_button), "suggested-action");
        gtk_widget_add_css_class(GTK_WIDGET(self->start_button), "destructive-action");
    } else {
        gtk_widget_remove_css_class(GTK_WIDGET(self->start_button), "destructive-action");
        gtk_widget_add_css_class(GTK_WIDGET(self->start_button), "suggested-action");
    }
    GtkWidget *fixed[] = {GTK_WIDGET(self->host_dd), GTK_WIDGET(self->input_dd),
                          GTK_WIDGET(self->output_dd), GTK_WIDGET(self->block_dd),
                          GTK_WIDGET(self->refresh_button)};
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
        gtk_widget_set_sensitive(fixed[i], !running);
}

/* Ends the session: stops, reports, closes. 'why' (may be NULL) is an error for the banner. */
static void end_session(SpiketalkLivePage *self, const char *why)
{
    if (!self->live)
        return;
    if (self->tick_id)
        gtk_widget_remove_tick_callback(GTK_WIDGET(self->scope), self->tick_id);
    if (self->meter_id)
        g_source_remove(self->meter_id);
    self->tick_id = self->meter_id = 0;
    st_error err = {0};
    st_status st = st_live_stop(self->live, &err);
    scope_tick(GTK_WIDGET(self->scope), NULL, self); /* the last points */
    st_live_stats stats;
    st_live_stats_get(self->live, &stats);
    double secs = (double)(g_get_monotonic_time() - self->started_us) / 1e6;
    spiketalk_marker("live stopped frames=%llu xruns=%llu spikes=%llu scope_fps=%.1f "
                     "scope_dropped=%llu",
                     (unsigned long long)stats.frames, (unsigned long long)stats.xruns,
                     (unsigned long long)stats.spikes,
                     secs > 0 ? (double)self->scope_frames / secs : 0.0,
                     (unsigned long long)st_live_scope_dropped(self->live));
    st_live_close(self->live);
    self->live = NULL;
    set_running_ui(self, FALSE);
    SpiketalkWindow *w = self->disposing ? NULL : spiketalk_window_of(GTK_WIDGET(self));
    if (w && why)
        spiketalk_window_show_error(w, why);
    else if (w && st)
        spiketalk_window_show_error(w, err.msg);
}

static void fail_session(SpiketalkLivePage *self, const char *msg)
{
    end_session(self, msg);
}

/* What the banner says when the session cannot open: the library's words for the CLI point at
 * 'spiketalk process'; here the Listen page is the way to a file. */
static void report_open_error(SpiketalkLivePage *self, const st_error *err)
{
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (!w)
        return;
    if (err->code == ST_ERR_DEVICE && (strstr(err->msg, "no audio") ||
                                       strstr(err->msg, "spiketalk process"))) {
        spiketalk_window_show_error(w, "no audio device; open a file on the Listen page");
    } else {
        char *msg = g_strdup_printf("live: %s", err->msg);
        spiketalk_window_show_error(w, msg);
        g_free(msg);
    }
}

void spiketalk_live_page_start(SpiketalkLivePage *self)
{
    if (self->live)
        return;
    if (!self->listed)
        list_devices(self, FALSE);
    const st_device_info *din = chosen(self, self->input_dd, self->in_map);
    const st_device_info *dout = chosen(self, self->output_dd, self->out_map);
    guint host = gtk_drop_down_get_selected(self->host_dd);
    guint b = gtk_drop_down_get_selected(self->block_dd);
    st_live_config c;
    st_live_config_default(&c);
    c.host_api = host >= 1 && host <= self->n_hosts ? self->hosts[host - 1]
                 : din                              ? din->host_api
                 : dout                             ? dout->host_api
                                                    : NULL;
    c.input_device = din ? din->name : NULL;
    c.output_device = dout ? dout->name : NULL;
    c.block = blocks[MIN(b, G_N_ELEMENTS(blocks) - 1)];
    c.scope = true;
    st_pipeline_config sc;
    const st_preset *p = current_preset(self);
    st_error err = {0};
    if (st_pipeline_recipe("default", TRUE, &sc, &err) ||
        (p && st_pipeline_set_neuron(&sc, NULL, p->name, &err)) ||
        st_live_open(&c, &sc, &self->live, &err)) {
        report_open_error(self, &err);
        return;
    }
    if (st_live_start(self->live, &err)) {
        st_live_close(self->live);
        self->live = NULL;
        report_open_error(self, &err);
        return;
    }
    const st_live_info *in = st_live_info_get(self->live);
    scope_alloc(self, st_live_scope_rate(self->live));
    self->last_frames = self->rate_frames = self->rate_spikes = 0;
    self->still_ms = 0;
    self->rate_hz = 0;
    self->scope_frames = 0;
    self->started_us = g_get_monotonic_time();
    double block_ms = 1000.0 * in->block / in->fs_hz;
    double env_ms = 1000.0 * (double)in->delay_samples / in->fs_hz;
    set_labelf(self->latency_label, "%.2f ms", block_ms + env_ms);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->latency_label), NULL);
    char *tip = g_strdup_printf("one block %.2f ms + the envelope's delay %.2f ms", block_ms,
                                env_ms);
    gtk_widget_set_tooltip_text(GTK_WIDGET(self->latency_label), tip);
    g_free(tip);
    set_labelf(self->device_label, "%s: %s → %s, %g Hz, blocks of %u (%.2f ms + envelope "
               "%.2f ms)", in->host_api, in->input_name, in->output_name, in->fs_hz, in->block,
               block_ms, env_ms);
    meters_clear(self);
    set_running_ui(self, TRUE);
    self->tick_id = gtk_widget_add_tick_callback(GTK_WIDGET(self->scope), scope_tick, self, NULL);
    self->meter_id = g_timeout_add(METER_MS, meter_timeout, self);
    spiketalk_marker("live started fs=%g block=%u host=\"%s\" in=\"%s\" out=\"%s\" preset=%s",
                     in->fs_hz, in->block, in->host_api, in->input_name, in->output_name,
                     p ? p->name : "?");
}

void spiketalk_live_page_stop(SpiketalkLivePage *self)
{
    end_session(self, NULL);
}

void spiketalk_live_page_toggle(SpiketalkLivePage *self)
{
    if (self->live)
        spiketalk_live_page_stop(self);
    else
        spiketalk_live_page_start(self);
}

gboolean spiketalk_live_page_export(SpiketalkLivePage *self, const char *path, st_error *err)
{
    return spiketalk_plot_export(self->scope, path, err);
}

/* ---- life cycle ------------------------------------------------------------------------------ */

static void dispose(GObject *obj)
{
    SpiketalkLivePage *self = SPIKETALK_LIVE_PAGE(obj);
    self->disposing = TRUE;
    end_session(self, NULL);
    gtk_widget_dispose_template(GTK_WIDGET(obj), SPIKETALK_TYPE_LIVE_PAGE);
    G_OBJECT_CLASS(spiketalk_live_page_parent_class)->dispose(obj);
}

static void finalize(GObject *obj)
{
    SpiketalkLivePage *self = SPIKETALK_LIVE_PAGE(obj);
    scope_free(self);
    g_free(self->drain);
    G_OBJECT_CLASS(spiketalk_live_page_parent_class)->finalize(obj);
}

static void spiketalk_live_page_class_init(SpiketalkLivePageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = dispose;
    G_OBJECT_CLASS(klass)->finalize = finalize;
    g_type_ensure(SPIKETALK_TYPE_PLOT);
    gtk_widget_class_set_template_from_resource(wc,
                                                "/org/spiketalk/Spiketalk/spiketalk-live-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, SpiketalkLivePage, name)
    BIND(host_dd);
    BIND(input_dd);
    BIND(output_dd);
    BIND(block_dd);
    BIND(neuron_dd);
    BIND(refresh_button);
    BIND(start_button);
    BIND(neuron_label);
    BIND(latency_label);
    BIND(load_label);
    BIND(xruns_label);
    BIND(rate_label);
    BIND(level_label);
    BIND(level_bar);
    BIND(device_label);
    BIND(scope);
#undef BIND
}

/* The model's first seven cell presets, the study's RS IB CH FS LTS TC RZ (the CLI's keys). */
static void neuron_init(SpiketalkLivePage *self)
{
    st_pipeline_config sc;
    st_pipeline_recipe("default", TRUE, &sc, NULL);
    self->model = sc.model;
    GtkStringList *list = gtk_string_list_new(NULL);
    guint pick = 0;
    for (size_t i = 0; i < self->model->n_presets && self->n_presets < MAX_PRESETS; i++) {
        const st_preset *p = &self->model->presets[i];
        if (p->kind != ST_PRESET_CELL)
            continue;
        if (!strcmp(p->name, "FS")) /* the stream's default neuron, as `spiketalk live`'s */
            pick = (guint)self->n_presets;
        self->presets[self->n_presets++] = p;
        gtk_string_list_append(list, p->name);
    }
    gtk_drop_down_set_model(self->neuron_dd, G_LIST_MODEL(list));
    g_object_unref(list);
    gtk_drop_down_set_selected(self->neuron_dd, pick);
    neuron_changed(self);
    g_signal_connect_swapped(self->neuron_dd, "notify::selected", G_CALLBACK(neuron_changed),
                             self);
}

static void spiketalk_live_page_init(SpiketalkLivePage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->drain = g_new(st_live_scope_point, DRAIN);
    g_signal_connect_swapped(self->refresh_button, "clicked", G_CALLBACK(refresh_clicked), self);
    g_signal_connect_swapped(self, "map", G_CALLBACK(on_map), self);
    neuron_init(self);
    /* the device lists start with the defaults only; the real ones come when the page shows */
    GtkStringList *hosts = gtk_string_list_new((const char *const[]){"Any", NULL});
    gtk_drop_down_set_model(self->host_dd, G_LIST_MODEL(hosts));
    g_object_unref(hosts);
    self->in_map[0] = self->out_map[0] = -1;
    GtkStringList *in = gtk_string_list_new((const char *const[]){"Default capture", NULL});
    GtkStringList *out = gtk_string_list_new((const char *const[]){"Default playback", NULL});
    gtk_drop_down_set_model(self->input_dd, G_LIST_MODEL(in));
    gtk_drop_down_set_model(self->output_dd, G_LIST_MODEL(out));
    g_object_unref(in);
    g_object_unref(out);
    gtk_label_set_text(self->device_label, "Press Start to talk to the neuron through the "
                                           "chosen devices.");
    scope_init(self);
    /* Space starts and stops, wherever the focus is on this page */
    GtkEventController *sc = gtk_shortcut_controller_new();
    gtk_shortcut_controller_add_shortcut(
        GTK_SHORTCUT_CONTROLLER(sc),
        gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_space, 0),
                         gtk_named_action_new("win.toggle-live")));
    gtk_shortcut_controller_set_scope(GTK_SHORTCUT_CONTROLLER(sc), GTK_SHORTCUT_SCOPE_LOCAL);
    gtk_widget_add_controller(GTK_WIDGET(self), sc);
}
