/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkListenPage: the study's recorder and envelope windows. The sound is read or recorded
 * and processed in a GTask thread (the window stays responsive; a progress bar shows how far it
 * is), under the app's pipeline lock because FFTW plans are made there. The figure is the one
 * `spiketalk process --plot` draws: raw, rectified and envelope, then v with I. */
#include "spiketalk-listen-page.h"

#include <math.h>
#include <string.h>

#include "spiketalk-playback.h"
#include "spiketalk-plot.h"
#include "spiketalk-window.h"
#include "spiketalk/audio.h"
#include "spiketalk/figure.h"
#include "spiketalk/trace.h"
#include "spiketalk/output.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/sim.h"

static const char *const neurons[] = {"RS", "IB", "CH", "FS", "LTS", "TC", "RZ"};

/* The gate drop-down's entries, in its order. */
static const st_gate_mode gates[] = {ST_GATE_ADAPTIVE, ST_GATE_LEADING, ST_GATE_FIXED,
                                     ST_GATE_OFF};

/* A sound shared by the page and its jobs (atomic reference count). */
typedef struct sound {
    st_audio a;
    char *path;              /* file, or NULL for a recording */
} sound;

static void sound_clear(gpointer p)
{
    sound *s = p;
    st_audio_free(&s->a);
    g_free(s->path);
}

static void sound_unref(sound *s)
{
    if (s)
        g_atomic_rc_box_release_full(s, sound_clear);
}

/* The work of one job: optionally get a sound (file or microphone), then process it. */
typedef struct job {
    char *path;              /* read this file ... */
    double record_s;         /* ... or record this long (> 0) ... */
    sound *snd;              /* ... or process this one */
    st_pipeline_config cfg;
    const char *neuron;
    /* results */
    st_pipeline_result res;
    gboolean have_res;
    st_figure *fig;          /* the process figure, built in the worker */
    st_error err;
    volatile gint progress_permille;
} job;

struct _SpiketalkListenPage {
    GtkBox parent_instance;
    GtkButton *record_button, *play_response, *play_input, *stop_button;
    GtkAdjustment *gain_adj;
    GtkSpinButton *seconds_spin;
    GtkDropDown *recipe_dd, *rectify_dd, *envelope_dd, *neuron_dd;
    GtkDropDown *gate_dd;
    GtkLabel *file_label, *recipe_help, *summary;
    GtkProgressBar *progress;
    SpiketalkPlot *plot;

    sound *snd;              /* the sound shown */
    job *shown;              /* the result shown (owns the curves) */
    job *running;            /* NULL when idle */
    gboolean again;          /* settings changed while running: process again after */
    gboolean updating;
    guint poll;
    GCancellable *playing;
};

G_DEFINE_FINAL_TYPE(SpiketalkListenPage, spiketalk_listen_page, GTK_TYPE_BOX)

static void show_error(SpiketalkListenPage *self, const char *msg)
{
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (w)
        spiketalk_window_show_error(w, msg);
    else
        g_warning("%s", msg);
}

/* ---- jobs (worker thread) -------------------------------------------------------------------- */

static void job_free(job *j)
{
    if (!j)
        return;
    if (j->have_res)
        st_pipeline_result_free(&j->res);
    st_figure_free(j->fig);
    sound_unref(j->snd);
    g_free(j->path);
    g_free(j);
}

static void on_progress(void *ud, double fraction)
{
    job *j = ud;
    g_atomic_int_set(&j->progress_permille, (gint)(1000 * fraction));
}

static st_status acquire(job *j)
{
    if (j->snd)
        return ST_OK;
    sound *s = g_atomic_rc_box_new0(sound);
    st_status st = j->path ? st_audio_read(j->path, &s->a, &j->err)
                           : st_record(NULL, j->record_s, 0, &s->a, on_progress, j, &j->err);
    if (st) {
        g_atomic_rc_box_release(s);
        return st;
    }
    s->path = g_strdup(j->path);
    j->snd = s;
    return ST_OK;
}

static st_status process(job *j)
{
    const st_audio *a = &j->snd->a;
    st_status st = st_pipeline_check(&j->cfg, a->fs_hz, &j->err);
    if (st)
        return st;
    j->cfg.keep_taps = true;
    g_atomic_int_set(&j->progress_permille, 0);
    g_mutex_lock(spiketalk_pipeline_mutex());
    st = st_pipeline_run(&j->cfg, a->x, a->n, a->fs_hz, &j->res, on_progress, j, &j->err);
    g_mutex_unlock(spiketalk_pipeline_mutex());
    if (st)
        return st;
    j->have_res = TRUE;
    const char *name = j->snd->path ? j->snd->path : "recording";
    return st_figure_process(&j->cfg, &j->res, name, &j->fig, &j->err);
}

static void thread_func(GTask *task, gpointer src, gpointer data, GCancellable *cancel)
{
    (void)src;
    (void)cancel;
    job *j = data;
    st_status st = acquire(j);
    if (!st)
        st = process(j);
    g_task_return_boolean(task, st == ST_OK);
}

/* ---- settings -------------------------------------------------------------------------------- */

static const char *recipe_name(SpiketalkListenPage *self)
{
    guint i = gtk_drop_down_get_selected(self->recipe_dd);
    const char *const *names = st_recipe_names();
    for (guint k = 0; names[k]; k++)
        if (k == i)
            return names[k];
    return "default";
}

/* The pipeline configuration: the recipe, then the controls. */
static gboolean read_config(SpiketalkListenPage *self, job *j)
{
    const char *recipe = recipe_name(self);
    st_pipeline_config *c = &j->cfg;
    guint n = gtk_drop_down_get_selected(self->neuron_dd);
    j->neuron = neurons[MIN(n, G_N_ELEMENTS(neurons) - 1)];
    if (st_pipeline_recipe(recipe, FALSE, c, &j->err) ||
        st_pipeline_set_neuron(c, NULL, j->neuron, &j->err))
        return FALSE;
    guint gi = gtk_drop_down_get_selected(self->gate_dd);
    st_gate_mode g = gates[MIN(gi, G_N_ELEMENTS(gates) - 1)];
    if (g == ST_GATE_FIXED && c->gate != ST_GATE_FIXED)
        c->gate_threshold = 0.02;
    c->gate = g;
    c->rectify = (st_rectify_mode)gtk_drop_down_get_selected(self->rectify_dd);
    c->envelope = (st_envelope_mode)gtk_drop_down_get_selected(self->envelope_dd);
    c->gain = gtk_adjustment_get_value(self->gain_adj);
    return TRUE;
}

/* Shows the recipe's settings in the controls. */
static void recipe_to_controls(SpiketalkListenPage *self)
{
    st_pipeline_config c;
    const char *recipe = recipe_name(self);
    if (st_pipeline_recipe(recipe, FALSE, &c, NULL))
        return;
    self->updating = TRUE;
    for (guint i = 0; i < G_N_ELEMENTS(gates); i++)
        if (gates[i] == c.gate)
            gtk_drop_down_set_selected(self->gate_dd, i);
    gtk_drop_down_set_selected(self->rectify_dd, (guint)c.rectify);
    gtk_drop_down_set_selected(self->envelope_dd, (guint)c.envelope);
    gtk_adjustment_set_value(self->gain_adj, c.gain);
    for (guint i = 0; i < G_N_ELEMENTS(neurons); i++)
        if (!strcmp(neurons[i], c.preset))
            gtk_drop_down_set_selected(self->neuron_dd, i);
    gtk_label_set_text(self->recipe_help, st_recipe_help(recipe));
    self->updating = FALSE;
}

/* ---- showing a result ------------------------------------------------------------------------ */

static void show_result(SpiketalkListenPage *self, job *j)
{
    spiketalk_plot_set_figure(self->plot, NULL);
    job_free(self->shown);
    self->shown = j;
    if (self->snd != j->snd) {
        sound_unref(self->snd);
        self->snd = g_atomic_rc_box_acquire(j->snd);
    }
    spiketalk_plot_set_figure(self->plot, st_figure_plot(j->fig));
    const st_audio *a = &self->snd->a;
    char *text = g_strdup_printf("%s\n%.2f s, %g Hz, %d channel%s, %s",
                                 self->snd->path ? self->snd->path : "Recording",
                                 (double)a->n / a->fs_hz, a->fs_hz, a->channels,
                                 a->channels == 1 ? "" : "s", a->format);
    gtk_label_set_text(self->file_label, text);
    g_free(text);
    const st_pipeline_result *r = &j->res;
    text = g_strdup_printf("%zu spikes (%.1f per second of sound); gate threshold %.4g (the last "
                           "used)",
                           r->spikes.count, (double)r->spikes.count / ((double)r->n / r->fs_hz),
                           r->gate_threshold);
    gtk_label_set_text(self->summary, text);
    g_free(text);
    gtk_widget_set_sensitive(GTK_WIDGET(self->play_response), TRUE);
    gtk_widget_set_sensitive(GTK_WIDGET(self->play_input), TRUE);
    spiketalk_marker("processed %s spikes=%zu", self->snd->path ? self->snd->path : "recording",
                     r->spikes.count);
}

/* ---- starting and finishing jobs ------------------------------------------------------------- */

static void start(SpiketalkListenPage *self, job *j);

static gboolean poll_progress(gpointer ud)
{
    SpiketalkListenPage *self = ud;
    if (self->running)
        gtk_progress_bar_set_fraction(self->progress,
            g_atomic_int_get(&self->running->progress_permille) / 1000.0);
    return G_SOURCE_CONTINUE;
}

static void set_busy(SpiketalkListenPage *self, const char *what)
{
    gboolean busy = what != NULL;
    gtk_widget_set_visible(GTK_WIDGET(self->progress), busy);
    if (busy) {
        gtk_progress_bar_set_text(self->progress, what);
        gtk_progress_bar_set_fraction(self->progress, 0);
        if (!self->poll)
            self->poll = g_timeout_add(100, poll_progress, self);
    } else {
        g_clear_handle_id(&self->poll, g_source_remove);
    }
    gtk_widget_set_sensitive(GTK_WIDGET(self->record_button), !busy);
}

static void done(GObject *src, GAsyncResult *res, gpointer ud)
{
    SpiketalkListenPage *self = SPIKETALK_LISTEN_PAGE(src);
    job *j = ud;
    gboolean ok = g_task_propagate_boolean(G_TASK(res), NULL);
    if (!self->plot) { /* the page was disposed while the job ran */
        job_free(j);
        return;
    }
    self->running = NULL;
    set_busy(self, NULL);
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (ok) {
        show_result(self, j);
    } else {
        show_error(self, j->err.msg);
        job_free(j);
    }
    if (self->again && self->snd) {
        self->again = FALSE;
        job *k = g_new0(job, 1);
        k->snd = g_atomic_rc_box_acquire(self->snd);
        start(self, k);
    }
    if (w)
        spiketalk_window_release(w);
}

/* Takes 'j' over; runs it in a thread. */
static void start(SpiketalkListenPage *self, job *j)
{
    if (!read_config(self, j)) {
        show_error(self, j->err.msg);
        job_free(j);
        return;
    }
    if (self->running) { /* one job at a time; the latest request wins */
        job_free(j);
        self->again = TRUE;
        return;
    }
    self->running = j;
    set_busy(self, j->record_s > 0 ? "Recording…" : (j->path ? "Reading and processing…"
                                                             : "Processing…"));
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (w)
        spiketalk_window_hold(w);
    GTask *task = g_task_new(self, NULL, done, j);
    g_task_set_task_data(task, j, NULL); /* 'done' owns it */
    g_task_run_in_thread(task, thread_func);
    g_object_unref(task);
}

void spiketalk_listen_page_open(SpiketalkListenPage *self, const char *path)
{
    if (self->running) {
        show_error(self, "open: wait until the current sound is processed");
        return;
    }
    job *j = g_new0(job, 1);
    j->path = g_strdup(path);
    start(self, j);
}

static void settings_changed(SpiketalkListenPage *self)
{
    if (self->updating || !self->snd)
        return;
    job *j = g_new0(job, 1);
    j->snd = g_atomic_rc_box_acquire(self->snd);
    start(self, j);
}

static void recipe_changed(SpiketalkListenPage *self)
{
    recipe_to_controls(self);
    settings_changed(self);
}

static void record_clicked(SpiketalkListenPage *self)
{
    if (self->running)
        return;
    job *j = g_new0(job, 1);
    j->record_s = gtk_spin_button_get_value(self->seconds_spin);
    start(self, j);
}

/* ---- playback -------------------------------------------------------------------------------- */

static void play_done(GObject *src, GAsyncResult *res, gpointer ud)
{
    (void)src;
    SpiketalkListenPage *self = ud;
    st_error err = {0};
    if (!spiketalk_playback_finish(res, &err)) {
        char *msg = g_strdup_printf("%s (the response can still be saved with Ctrl+S)", err.msg);
        show_error(self, msg);
        g_free(msg);
    }
    g_clear_object(&self->playing);
    g_object_unref(self);
}

static void play(SpiketalkListenPage *self, gboolean response)
{
    if (!self->shown)
        return;
    if (self->playing)
        g_cancellable_cancel(self->playing);
    g_clear_object(&self->playing);
    self->playing = g_cancellable_new();
    const st_pipeline_result *r = &self->shown->res;
    spiketalk_playback_play_async(response ? r->output : r->input, r->n, r->fs_hz,
                                  self->playing, play_done, g_object_ref(self));
}

static void play_response(SpiketalkListenPage *self)
{
    play(self, TRUE);
}

static void play_input(SpiketalkListenPage *self)
{
    play(self, FALSE);
}

static void stop_clicked(SpiketalkListenPage *self)
{
    if (self->playing)
        g_cancellable_cancel(self->playing);
}

/* ---- export ---------------------------------------------------------------------------------- */

gboolean spiketalk_listen_page_export(SpiketalkListenPage *self, const char *path,
                                      st_error *err)
{
    if (!self->shown)
        return st_error_set(err, ST_ERR_INVAL, "%s: no response yet: open or record a sound",
                            path) == ST_OK;
    const st_pipeline_result *r = &self->shown->res;
    char *lower = g_ascii_strdown(path, -1);
    gboolean ok;
    if (g_str_has_suffix(lower, ".wav"))
        ok = st_audio_write(path, r->output, r->n, r->fs_hz, ST_WAV_FLOAT32, self->snd->path,
                            err) == ST_OK;
    else if (g_str_has_suffix(lower, ".csv"))
        ok = st_trace_pipeline(path, r, err) == ST_OK;
    else
        ok = spiketalk_plot_export(self->plot, path, err);
    g_free(lower);
    return ok;
}

/* ---- drag and drop --------------------------------------------------------------------------- */

static gboolean on_drop(GtkDropTarget *t, const GValue *value, double x, double y, gpointer ud)
{
    (void)t;
    (void)x;
    (void)y;
    SpiketalkListenPage *self = ud;
    if (!G_VALUE_HOLDS(value, G_TYPE_FILE))
        return FALSE;
    char *path = g_file_get_path(g_value_get_object(value));
    if (!path) {
        show_error(self, "drop: only local files can be read");
        return FALSE;
    }
    spiketalk_listen_page_open(self, path);
    g_free(path);
    return TRUE;
}

/* ---- life cycle ------------------------------------------------------------------------------ */

static void dispose(GObject *obj)
{
    SpiketalkListenPage *self = SPIKETALK_LISTEN_PAGE(obj);
    g_clear_handle_id(&self->poll, g_source_remove);
    if (self->playing)
        g_cancellable_cancel(self->playing);
    if (self->plot)
        spiketalk_plot_set_figure(self->plot, NULL);
    gtk_widget_dispose_template(GTK_WIDGET(self), SPIKETALK_TYPE_LISTEN_PAGE);
    G_OBJECT_CLASS(spiketalk_listen_page_parent_class)->dispose(obj);
}

static void finalize(GObject *obj)
{
    SpiketalkListenPage *self = SPIKETALK_LISTEN_PAGE(obj);
    job_free(self->shown);
    sound_unref(self->snd);
    G_OBJECT_CLASS(spiketalk_listen_page_parent_class)->finalize(obj);
}

static void spiketalk_listen_page_class_init(SpiketalkListenPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = dispose;
    G_OBJECT_CLASS(klass)->finalize = finalize;
    g_type_ensure(SPIKETALK_TYPE_PLOT);
    gtk_widget_class_set_template_from_resource(
        wc, "/org/spiketalk/Spiketalk/spiketalk-listen-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, SpiketalkListenPage, name)
    BIND(record_button);
    BIND(play_response);
    BIND(play_input);
    BIND(stop_button);
    BIND(gain_adj);
    BIND(seconds_spin);
    BIND(recipe_dd);
    BIND(rectify_dd);
    BIND(envelope_dd);
    BIND(neuron_dd);
    BIND(gate_dd);
    BIND(file_label);
    BIND(recipe_help);
    BIND(summary);
    BIND(progress);
    BIND(plot);
#undef BIND
}

static void spiketalk_listen_page_init(SpiketalkListenPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    GtkStringList *recipes = gtk_string_list_new((const char *const *)st_recipe_names());
    gtk_drop_down_set_model(self->recipe_dd, G_LIST_MODEL(recipes));
    g_object_unref(recipes);
    recipe_to_controls(self);
    gtk_widget_set_sensitive(GTK_WIDGET(self->play_response), FALSE);
    gtk_widget_set_sensitive(GTK_WIDGET(self->play_input), FALSE);
    g_signal_connect_swapped(self->recipe_dd, "notify::selected", G_CALLBACK(recipe_changed),
                             self);
    GObject *controls[] = {G_OBJECT(self->rectify_dd), G_OBJECT(self->envelope_dd),
                           G_OBJECT(self->neuron_dd)};
    for (size_t i = 0; i < G_N_ELEMENTS(controls); i++)
        g_signal_connect_swapped(controls[i], "notify::selected", G_CALLBACK(settings_changed),
                                 self);
    g_signal_connect_swapped(self->gate_dd, "notify::selected", G_CALLBACK(settings_changed),
                             self);
    g_signal_connect_swapped(self->gain_adj, "value-changed", G_CALLBACK(settings_changed), self);
    g_signal_connect_swapped(self->record_button, "clicked", G_CALLBACK(record_clicked), self);
    g_signal_connect_swapped(self->play_response, "clicked", G_CALLBACK(play_response), self);
    g_signal_connect_swapped(self->play_input, "clicked", G_CALLBACK(play_input), self);
    g_signal_connect_swapped(self->stop_button, "clicked", G_CALLBACK(stop_clicked), self);
    GtkDropTarget *drop = gtk_drop_target_new(G_TYPE_FILE, GDK_ACTION_COPY);
    g_signal_connect(drop, "drop", G_CALLBACK(on_drop), self);
    gtk_widget_add_controller(GTK_WIDGET(self), GTK_EVENT_CONTROLLER(drop));
}
