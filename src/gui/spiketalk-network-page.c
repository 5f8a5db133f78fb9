/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkNetworkPage: a network that listens (cortex.h), on a file or on the microphone.
 *
 * A file runs in a GTask thread, as `spiketalk network --input` runs it: the sound in blocks
 * through st_cortex_process, a progress bar, Stop cancels between blocks. The microphone is a
 * live session with the network (live.h, config 'cortex'): the audio callback runs the network
 * and feeds the cortex's display feed (st_cortex_tap_read), a lock-free ring that the frame
 * clock's tick drains on the main thread, never waiting for the callback nor making it wait;
 * the page keeps the last seconds of spikes and the population rate and redraws the raster
 * with the library's network figure (st_net_figure_build), which scrolls once the session
 * is longer than two seconds. On Stop the session's complete spikes (st_live_raster) and its
 * recordings make the same whole figure as a file's run, built in a worker thread.
 * The spectrum and the figure plan FFTs, so the workers hold the app's pipeline lock, and the
 * main thread only tries it. */
#include "spiketalk-network-page.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "spiketalk-plot.h"
#include "spiketalk-window.h"
#include "spiketalk/audio.h"
#include "spiketalk/cortex.h"
#include "spiketalk/live.h"
#include "spiketalk/network-io.h"

#define BLOCK 4410u            /* samples per st_cortex_process call off line (any: the same) */
#define TAP_SPIKES (1u << 18)  /* the display feed: seconds of a busy network's spikes */
#define DRAIN 4096u            /* spikes moved per feed read */
#define KEEP_MS 2200.0         /* spikes kept for the scrolling raster (it shows 1 s after 2 s) */
#define FIGURE_US 66000        /* the live figure is rebuilt at most this often */
#define PSD_US 500000          /* and its spectrum */
#define PSD_STEPS 2048u        /* the live spectrum's span, steps */
#define CHECK_US 200000        /* how often the session's state is looked at */

/* The drop-downs' entries, in their order. */
static const char *const nets[] = {"izh2003", "izh2006", NULL};
static const char *const models[] = {"izhikevich", "izh2007", "hh", NULL};
static const st_net_drive drives[] = {ST_NET_DRIVE_ADD, ST_NET_DRIVE_REPLACE};
static const char *const sources[] = {"file", "microphone", NULL};

/* A run and what it produced. Owned by one job, then by the page while it is shown. */
typedef struct job {
    /* the request */
    char *path;                /* a file to run, or */
    char *rec_in, *rec_out;    /* a live session's recordings, to read */
    st_cortex_config cx;       /* the file's configuration (its rate set once it is read) */
    GCancellable *cancel;
    /* the result */
    st_audio in;               /* what the network heard */
    float *sound;              /* its answer, sound_n samples at in.fs_hz */
    size_t sound_n;
    st_net_raster raster;
    uint64_t steps;
    st_net_info info;
    char net[ST_NET_NAME_MAX];
    st_net_drive drive;
    size_t bands;
    double band_hz[ST_FB_MAX_BANDS];
    uint32_t band_first[ST_FB_MAX_BANDS + 1];
    st_net_summary sum;
    st_figure *fig;
    double wall_s;
    gboolean cancelled;
    st_error err;
    volatile gint progress_permille;
} job;

struct _SpiketalkNetworkPage {
    GtkBox parent_instance;
    /* template children */
    GtkDropDown *net_dd, *model_dd, *drive_dd, *source_dd;
    GtkSpinButton *neurons_spin, *bands_spin, *fmin_spin, *fmax_spin;
    GtkButton *start_button, *open_button;
    GtkLabel *file_label, *summary;
    GtkProgressBar *progress;
    SpiketalkPlot *plot;
    /* runs */
    char *path;                /* the file chosen */
    job *shown;                /* the result shown (owns its figure) */
    job *running;              /* a file's run or a session's analysis, in a worker */
    guint poll;
    gboolean disposing;
    /* a live session */
    st_live *live;
    st_cortex_config live_cx;
    char *live_dir;            /* its recordings, read when it stops */
    guint tick_id;
    gint64 started_us, figure_us, psd_us, check_us;
    uint64_t *tap_stamp;
    uint32_t *tap_id;
    st_net_raster recent;      /* the spikes of the last KEEP_MS, from the display feed */
    double *rate;              /* the population rate per step (Hz), the whole session */
    size_t rate_cap;
    uint64_t steps, shown_spikes, figures;
    uint32_t neurons, n_exc;
    size_t bands;
    uint32_t band_first[ST_FB_MAX_BANDS + 1];
    st_net_psd psd;
    st_figure *live_fig;
    char title[256];
};

G_DEFINE_FINAL_TYPE(SpiketalkNetworkPage, spiketalk_network_page, GTK_TYPE_BOX)

static void show_error(SpiketalkNetworkPage *self, const char *msg)
{
    SpiketalkWindow *w = self->disposing ? NULL : spiketalk_window_of(GTK_WIDGET(self));
    if (w)
        spiketalk_window_show_error(w, msg);
    else
        g_warning("%s", msg);
}

/* ---- the configuration ----------------------------------------------------------------------- */

/* The listening network the controls ask for, at fs_hz, checked by the library's rules. */
static gboolean read_config(SpiketalkNetworkPage *self, double fs_hz, st_cortex_config *c,
                            st_error *err)
{
    guint ni = MIN(gtk_drop_down_get_selected(self->net_dd), G_N_ELEMENTS(nets) - 2);
    guint di = MIN(gtk_drop_down_get_selected(self->drive_dd), G_N_ELEMENTS(drives) - 1);
    uint32_t neurons = (uint32_t)gtk_spin_button_get_value_as_int(self->neurons_spin);
    size_t bands = (size_t)gtk_spin_button_get_value_as_int(self->bands_spin);
    guint mi = MIN(gtk_drop_down_get_selected(self->model_dd), G_N_ELEMENTS(models) - 2);
    if (st_cortex_config_default(c, nets[ni], neurons, 0, bands, fs_hz, err) ||
        st_net_use_model(&c->net, models[mi], err))
        return FALSE;
    c->bank.fmin_hz = gtk_spin_button_get_value(self->fmin_spin);
    c->bank.fmax_hz = gtk_spin_button_get_value(self->fmax_spin);
    c->drive = drives[di];
    c->net.threads = 1;
    return st_cortex_check(c, err) == ST_OK;
}

static gboolean is_live_source(SpiketalkNetworkPage *self)
{
    return gtk_drop_down_get_selected(self->source_dd) == 1;
}

/* ---- jobs (worker thread) -------------------------------------------------------------------- */

static void job_free(job *j)
{
    if (!j)
        return;
    g_free(j->path);
    g_free(j->rec_in);
    g_free(j->rec_out);
    g_clear_object(&j->cancel);
    st_audio_free(&j->in);
    g_free(j->sound);
    st_net_raster_free(&j->raster);
    st_net_summary_free(&j->sum);
    st_figure_free(j->fig);
    g_free(j);
}

/* The network's shape and its bands' groups, from the engine that ran. */
static void take_shape(job *j, const st_cortex *cx)
{
    const st_cortex_config *c = st_cortex_config_get(cx);
    st_cortex_stats cs;
    st_cortex_stats_get(cx, &cs);
    j->steps = cs.steps;
    st_net_get_info(st_cortex_net(cx), &j->info);
    g_strlcpy(j->net, c->net.name, sizeof j->net);
    j->drive = c->drive;
    j->bands = c->bank.bands;
    for (size_t b = 0; b < j->bands; b++) {
        uint32_t first, count;
        st_cortex_group(cx, b, &first, &count);
        j->band_hz[b] = st_cortex_band_hz(cx, b);
        j->band_first[b] = first;
        j->band_first[b + 1] = first + count;
    }
}

/* The file through the network, block by block, cancellable between blocks. */
static st_status run_file(job *j)
{
    st_status st = st_audio_read(j->path, &j->in, &j->err);
    if (st)
        return st;
    j->cx.bank.fs_hz = j->in.fs_hz;
    st_cortex *cx = NULL;
    if ((st = st_cortex_create(&j->cx, &cx, &j->err)))
        return st;
    size_t n = j->in.n;
    j->sound = g_try_new(float, n ? n : 1);
    if (!j->sound) {
        st_cortex_destroy(cx);
        return st_error_set(&j->err, ST_ERR_NOMEM, "%s: out of memory for the answer", j->path);
    }
    j->sound_n = n;
    st_net_recorder rec = {&j->raster, false};
    gint64 t0 = g_get_monotonic_time();
    for (size_t at = 0; at < n && !rec.failed; at += BLOCK) {
        if (g_cancellable_is_cancelled(j->cancel)) {
            j->cancelled = TRUE;
            break;
        }
        size_t m = MIN(n - at, BLOCK);
        st_cortex_process(cx, j->in.x + at, j->sound + at, m, st_net_record, &rec);
        g_atomic_int_set(&j->progress_permille, (gint)(1000.0 * (double)(at + m) / (double)n));
    }
    j->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
    if (rec.failed)
        st = st_error_set(&j->err, ST_ERR_NOMEM, "network: out of memory for the spikes");
    else if (st_cortex_fault(cx, &j->err))
        st = j->err.code;
    take_shape(j, cx);
    st_cortex_destroy(cx);
    return st;
}

/* A live session's recordings: what it heard (for the spectrogram) and what it played. */
static st_status read_recordings(job *j)
{
    st_audio out = {0};
    st_status st = st_audio_read(j->rec_in, &j->in, &j->err);
    if (!st)
        st = st_audio_read(j->rec_out, &out, &j->err);
    if (!st) {
        j->sound = g_memdup2(out.x, (out.n ? out.n : 1) * sizeof *out.x);
        j->sound_n = out.n;
    }
    st_audio_free(&out);
    return st;
}

/* The summary and the figure: the spectrogram of what it heard, the raster, the rate and its
 * spectrum, the whole run. */
static st_status analyse(job *j)
{
    st_status st = st_net_summarise(&j->raster, j->info.neurons, j->info.dt_ms, j->steps,
                                    &j->sum, &j->err);
    if (st)
        return st;
    double secs = (double)j->steps * j->info.dt_ms / 1000.0;
    double exc = secs > 0 ? (double)j->info.spikes_exc / j->info.neurons_exc / secs : 0.0;
    double inh = secs > 0 && j->info.neurons_inh
                     ? (double)j->info.spikes_inh / j->info.neurons_inh / secs : 0.0;
    char *base = j->path ? g_path_get_basename(j->path) : g_strdup("the microphone");
    char *title = g_strdup_printf("%s, %u neurons, hears %s through %zu bands, drive %s (%.2f Hz "
                                  "excitatory, %.2f Hz inhibitory)", j->net,
                                  (unsigned)j->info.neurons, base, j->bands,
                                  st_net_drive_name(j->drive), exc, inh);
    g_free(base);
    st_net_peak marks[2];
    const char *names[2];
    size_t nm = st_net_rhythms(&j->sum.psd, marks, names);
    st_net_figure f = {.title = title, .raster = &j->raster, .neurons = j->info.neurons,
                       .n_exc = j->info.neurons_exc, .dt_ms = j->info.dt_ms, .steps = j->steps,
                       .rate_hz = j->sum.rate_hz, .psd = j->sum.psd.n ? &j->sum.psd : NULL,
                       .peaks = marks, .peak_names = names, .n_peaks = nm, .whole = true,
                       .band_hz = j->band_hz, .band_first = j->band_first, .bands = j->bands};
    if (j->in.n) {
        f.sound = j->in.x;
        f.sound_n = j->in.n;
        f.sound_fs_hz = j->in.fs_hz;
    }
    st = st_net_figure_build(&f, &j->fig, &j->err);
    g_free(title);
    return st;
}

static void thread_func(GTask *task, gpointer src, gpointer data, GCancellable *cancel)
{
    (void)src;
    (void)cancel;
    job *j = data;
    st_status st = j->path ? run_file(j) : read_recordings(j);
    if (!st && !j->cancelled && j->steps) {
        g_mutex_lock(spiketalk_pipeline_mutex());
        st = analyse(j);
        g_mutex_unlock(spiketalk_pipeline_mutex());
    }
    g_task_return_boolean(task, st == ST_OK);
}

/* ---- showing a result ------------------------------------------------------------------------ */

static void show_result(SpiketalkNetworkPage *self, job *j)
{
    spiketalk_plot_set_figure(self->plot, NULL);
    g_clear_pointer(&self->live_fig, st_figure_free);
    job_free(self->shown);
    self->shown = j;
    spiketalk_plot_set_figure(self->plot, st_figure_plot(j->fig));
    double secs = (double)j->steps * j->info.dt_ms / 1000.0;
    char gamma[48] = "";
    if (j->sum.n_peaks && !isnan(j->sum.gamma_hz))
        g_snprintf(gamma, sizeof gamma, "; gamma rhythm at %.1f Hz", j->sum.gamma_hz);
    char *text = g_strdup_printf("%s: %u neurons, %zu bands; %.2f s heard, %zu spikes "
                                 "(%.2f Hz per neuron)%s", j->net, (unsigned)j->info.neurons,
                                 j->bands, secs, j->raster.count,
                                 secs > 0 ? (double)j->raster.count / j->info.neurons / secs : 0,
                                 gamma);
    gtk_label_set_text(self->summary, text);
    g_free(text);
    spiketalk_marker("network ran %s spikes=%zu steps=%llu neurons=%u bands=%zu wall=%.3f",
                     j->path ? j->path : "microphone", j->raster.count,
                     (unsigned long long)j->steps, (unsigned)j->info.neurons, j->bands,
                     j->wall_s);
}

/* ---- the controls while running -------------------------------------------------------------- */

static void set_running_ui(SpiketalkNetworkPage *self, gboolean running)
{
    gtk_button_set_label(self->start_button, running ? "_Stop" : "_Start");
    gtk_widget_remove_css_class(GTK_WIDGET(self->start_button),
                                running ? "suggested-action" : "destructive-action");
    gtk_widget_add_css_class(GTK_WIDGET(self->start_button),
                             running ? "destructive-action" : "suggested-action");
    GtkWidget *fixed[] = {GTK_WIDGET(self->net_dd), GTK_WIDGET(self->model_dd),
                          GTK_WIDGET(self->drive_dd),
                          GTK_WIDGET(self->source_dd), GTK_WIDGET(self->neurons_spin),
                          GTK_WIDGET(self->bands_spin), GTK_WIDGET(self->fmin_spin),
                          GTK_WIDGET(self->fmax_spin), GTK_WIDGET(self->open_button)};
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
        gtk_widget_set_sensitive(fixed[i], !running);
}

static gboolean poll_progress(gpointer ud)
{
    SpiketalkNetworkPage *self = ud;
    if (self->running)
        gtk_progress_bar_set_fraction(self->progress,
            g_atomic_int_get(&self->running->progress_permille) / 1000.0);
    return G_SOURCE_CONTINUE;
}

static void set_busy(SpiketalkNetworkPage *self, const char *what)
{
    gtk_widget_set_visible(GTK_WIDGET(self->progress), what != NULL);
    if (what) {
        gtk_progress_bar_set_text(self->progress, what);
        gtk_progress_bar_set_fraction(self->progress, 0);
        if (!self->poll)
            self->poll = g_timeout_add(100, poll_progress, self);
    } else {
        g_clear_handle_id(&self->poll, g_source_remove);
    }
}

/* ---- jobs (main thread) ---------------------------------------------------------------------- */

/* Removes a finished session's recordings and their folder. */
static void remove_recordings(const job *j)
{
    if (j->rec_in)
        g_unlink(j->rec_in);
    if (j->rec_out)
        g_unlink(j->rec_out);
    if (j->rec_in) {
        char *dir = g_path_get_dirname(j->rec_in);
        g_rmdir(dir);
        g_free(dir);
    }
}

static void done(GObject *src, GAsyncResult *res, gpointer ud)
{
    SpiketalkNetworkPage *self = SPIKETALK_NETWORK_PAGE(src);
    job *j = ud;
    gboolean ok = g_task_propagate_boolean(G_TASK(res), NULL);
    remove_recordings(j);
    if (self->disposing) {
        job_free(j);
        return;
    }
    self->running = NULL;
    set_busy(self, NULL);
    set_running_ui(self, FALSE);
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (j->cancelled) {
        spiketalk_marker("network cancelled %s", j->path);
        job_free(j);
    } else if (!ok) {
        show_error(self, j->err.msg);
        job_free(j);
    } else if (!j->steps) {
        show_error(self, "network: the sound is shorter than one network step (1 ms)");
        job_free(j);
    } else {
        show_result(self, j);
    }
    if (w)
        spiketalk_window_release(w);
}

/* Takes 'j' over; runs it in a thread. */
static void run_job(SpiketalkNetworkPage *self, job *j, const char *what)
{
    self->running = j;
    j->cancel = g_cancellable_new();
    set_busy(self, what);
    set_running_ui(self, TRUE);
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (w)
        spiketalk_window_hold(w);
    GTask *task = g_task_new(self, NULL, done, j);
    g_task_set_task_data(task, j, NULL); /* 'done' owns it */
    g_task_run_in_thread(task, thread_func);
    g_object_unref(task);
}

static void run_path(SpiketalkNetworkPage *self)
{
    job *j = g_new0(job, 1);
    if (!read_config(self, 44100.0, &j->cx, &j->err)) {
        show_error(self, j->err.msg);
        job_free(j);
        return;
    }
    j->path = g_strdup(self->path);
    run_job(self, j, "Running the network…");
}

void spiketalk_network_page_open(SpiketalkNetworkPage *self, const char *path)
{
    if (self->running || self->live) {
        show_error(self, "open: stop the network first");
        return;
    }
    g_free(self->path);
    self->path = g_strdup(path);
    gtk_label_set_text(self->file_label, path);
    gtk_drop_down_set_selected(self->source_dd, 0);
    run_path(self);
}

/* ---- a live session: the display ------------------------------------------------------------ */

/* Keeps the spikes of the last KEEP_MS (the oldest are moved out in one piece). */
static void trim_recent(SpiketalkNetworkPage *self)
{
    st_net_raster *r = &self->recent;
    double keep_steps = KEEP_MS / self->live_cx.net.dt_ms;
    if (!r->count || (double)self->steps < keep_steps)
        return;
    uint64_t from = self->steps - (uint64_t)keep_steps;
    size_t k = 0;
    while (k < r->count && r->stamp[k] < from)
        k++;
    if (k < r->count / 2) /* not worth moving yet */
        return;
    memmove(r->stamp, r->stamp + k, (r->count - k) * sizeof *r->stamp);
    memmove(r->id, r->id + k, (r->count - k) * sizeof *r->id);
    r->count -= k;
}

/* Room for the rate of 'steps' steps (zeros). FALSE when the memory is not there. */
static gboolean grow_rate(SpiketalkNetworkPage *self, uint64_t steps)
{
    if (steps <= self->rate_cap)
        return TRUE;
    size_t cap = MAX((size_t)steps, 2 * self->rate_cap);
    double *r = g_try_realloc(self->rate, cap * sizeof *r);
    if (!r)
        return FALSE;
    memset(r + self->rate_cap, 0, (cap - self->rate_cap) * sizeof *r);
    self->rate = r;
    self->rate_cap = cap;
    return TRUE;
}

/* Moves what the display feed holds into the page's spikes and rate. */
static void drain_feed(SpiketalkNetworkPage *self)
{
    const st_cortex *cx = st_live_cortex(self->live);
    double per_spike = 1000.0 / self->live_cx.net.dt_ms / (double)self->neurons;
    size_t got;
    while ((got = st_cortex_tap_read(cx, self->tap_stamp, self->tap_id, DRAIN)) > 0) {
        for (size_t i = 0; i < got; i++) {
            uint64_t s = self->tap_stamp[i];
            if (s == 0 || !grow_rate(self, s) ||
                st_net_raster_add(&self->recent, s, &self->tap_id[i], 1))
                continue;
            self->rate[s - 1] += per_spike;
            self->steps = MAX(self->steps, s);
            self->shown_spikes++;
        }
    }
    st_cortex_stats cs;
    st_cortex_stats_get(cx, &cs);
    if (cs.steps > self->steps && grow_rate(self, cs.steps))
        self->steps = cs.steps;
    trim_recent(self);
}

/* The spectrum of the last PSD_STEPS of the rate; skipped while a worker plans its FFTs. */
static void update_psd(SpiketalkNetworkPage *self)
{
    size_t span = (size_t)MIN(self->steps, (uint64_t)PSD_STEPS);
    if (span < 256 || !g_mutex_trylock(spiketalk_pipeline_mutex()))
        return;
    st_net_psd p = {0};
    if (st_net_psd_welch(self->rate + (self->steps - span), span, self->live_cx.net.dt_ms, 0,
                         &p, NULL) == ST_OK) {
        st_net_psd_free(&self->psd);
        self->psd = p;
    }
    g_mutex_unlock(spiketalk_pipeline_mutex());
}

/* The library's network figure over what the page holds: the raster (its last second once
 * the session is longer than two), the rate beneath, the spectrum. */
static void update_figure(SpiketalkNetworkPage *self)
{
    if (!self->steps)
        return;
    g_snprintf(self->title, sizeof self->title, "%s, %u neurons, live from the microphone "
               "through %zu bands: %.1f s, %llu spikes", self->live_cx.net.name,
               (unsigned)self->neurons, self->bands,
               (double)self->steps * self->live_cx.net.dt_ms / 1000.0,
               (unsigned long long)self->shown_spikes);
    st_net_figure f = {.title = self->title, .raster = &self->recent, .neurons = self->neurons,
                       .n_exc = self->n_exc, .dt_ms = self->live_cx.net.dt_ms,
                       .steps = self->steps, .rate_hz = self->rate,
                       .psd = self->psd.n ? &self->psd : NULL, .band_first = self->band_first,
                       .bands = self->bands};
    st_figure *fig = NULL;
    if (st_net_figure_build(&f, &fig, NULL))
        return; /* out of memory: the previous figure stays */
    spiketalk_plot_set_figure(self->plot, st_figure_plot(fig));
    st_figure_free(self->live_fig);
    self->live_fig = fig;
    self->figures++;
}

static void end_session(SpiketalkNetworkPage *self, const char *why);

static gboolean live_tick(GtkWidget *widget, GdkFrameClock *clock, gpointer ud)
{
    (void)widget;
    (void)clock;
    SpiketalkNetworkPage *self = ud;
    gint64 now = g_get_monotonic_time();
    drain_feed(self);
    if (now - self->psd_us >= PSD_US) {
        self->psd_us = now;
        update_psd(self);
    }
    if (now - self->figure_us >= FIGURE_US) {
        self->figure_us = now;
        update_figure(self);
    }
    if (now - self->check_us >= CHECK_US) {
        self->check_us = now;
        st_live_stats st;
        st_live_stats_get(self->live, &st);
        st_cortex_stats cs;
        st_cortex_stats_get(st_live_cortex(self->live), &cs);
        char *text = g_strdup_printf("Live: %.1f s, %llu spikes, %llu xruns",
                                     (double)cs.steps * self->live_cx.net.dt_ms / 1000.0,
                                     (unsigned long long)cs.spikes,
                                     (unsigned long long)st.xruns);
        gtk_label_set_text(self->summary, text);
        g_free(text);
        if (!st.active) { /* the stream ended without a Stop: the device went away */
            self->tick_id = 0;
            end_session(self, "live: the audio stream stopped (the device went away?); the "
                              "session is closed");
            return G_SOURCE_REMOVE;
        }
    }
    return G_SOURCE_CONTINUE;
}

/* ---- a live session: start and stop ----------------------------------------------------------- */

static void clear_live_view(SpiketalkNetworkPage *self)
{
    st_net_raster_free(&self->recent);
    g_clear_pointer(&self->rate, g_free);
    self->rate_cap = 0;
    st_net_psd_free(&self->psd);
    memset(&self->psd, 0, sizeof self->psd);
    self->steps = self->shown_spikes = self->figures = 0;
}

/* Ends the session: the last spikes drained, the marker, the session's own complete spikes and
 * recordings handed to a worker for the whole figure. 'why' (may be NULL) goes to the banner. */
static void end_session(SpiketalkNetworkPage *self, const char *why)
{
    if (!self->live)
        return;
    if (self->tick_id)
        gtk_widget_remove_tick_callback(GTK_WIDGET(self->plot), self->tick_id);
    self->tick_id = 0;
    st_error err = {0};
    st_status st = st_live_stop(self->live, &err);
    drain_feed(self);
    st_live_stats ls;
    st_live_stats_get(self->live, &ls);
    const st_cortex *cx = st_live_cortex(self->live);
    uint64_t dropped = 0;
    const st_net_raster *all = st_live_raster(self->live, &dropped);
    double secs = (double)(g_get_monotonic_time() - self->started_us) / 1e6;
    spiketalk_marker("network live stopped frames=%llu xruns=%llu spikes=%llu shown=%llu "
                     "figures=%llu figure_fps=%.1f feed_dropped=%llu",
                     (unsigned long long)ls.frames, (unsigned long long)ls.xruns,
                     (unsigned long long)ls.spikes, (unsigned long long)self->shown_spikes,
                     (unsigned long long)self->figures,
                     secs > 0 ? (double)self->figures / secs : 0.0,
                     (unsigned long long)st_cortex_tap_dropped(cx));
    job *j = g_new0(job, 1);
    gboolean copied = TRUE;
    for (size_t i = 0; all && i < all->count && copied; i++)
        copied = st_net_raster_add(&j->raster, all->stamp[i], &all->id[i], 1) == ST_OK;
    take_shape(j, cx);
    j->rec_in = g_build_filename(self->live_dir, "heard.wav", NULL);
    j->rec_out = g_build_filename(self->live_dir, "answer.wav", NULL);
    g_clear_pointer(&self->live_dir, g_free);
    st_live_close(self->live);
    self->live = NULL;
    clear_live_view(self);
    if (why)
        show_error(self, why);
    else if (st)
        show_error(self, err.msg);
    if (!copied) {
        show_error(self, "network: out of memory for the session's spikes");
        remove_recordings(j);
        job_free(j);
        set_running_ui(self, FALSE);
        return;
    }
    if (self->disposing) { /* no figure for a window that goes away */
        remove_recordings(j);
        job_free(j);
        return;
    }
    run_job(self, j, "Drawing the session…");
}

static void start_live(SpiketalkNetworkPage *self)
{
    st_error err = {0};
    if (!read_config(self, 44100.0, &self->live_cx, &err)) {
        show_error(self, err.msg);
        return;
    }
    self->live_cx.tap_spikes = TAP_SPIKES;
    GError *gerr = NULL;
    char *dir = g_dir_make_tmp("spiketalk-network-XXXXXX", &gerr);
    if (!dir) {
        char *msg = g_strdup_printf("live: no folder for the recordings: %s", gerr->message);
        show_error(self, msg);
        g_free(msg);
        g_error_free(gerr);
        return;
    }
    char *rin = g_build_filename(dir, "heard.wav", NULL);
    char *rout = g_build_filename(dir, "answer.wav", NULL);
    st_live_config lc;
    st_live_config_default(&lc);
    lc.cortex = &self->live_cx;
    lc.record_in = rin;
    lc.record_out = rout;
    st_pipeline_config sc;
    st_status st = st_pipeline_recipe("default", true, &sc, &err);
    if (!st && !(st = st_live_open(&lc, &sc, &self->live, &err)) &&
        (st = st_live_start(self->live, &err))) {
        st_live_close(self->live);
        self->live = NULL;
    }
    g_free(rin);
    g_free(rout);
    if (st) {
        g_rmdir(dir);
        g_free(dir);
        char *msg = err.code == ST_ERR_DEVICE && strstr(err.msg, "no audio")
                        ? g_strdup("no audio device; choose File as the source")
                        : g_strdup_printf("live: %s", err.msg);
        show_error(self, msg);
        g_free(msg);
        return;
    }
    self->live_dir = dir;
    const st_cortex *cx = st_live_cortex(self->live);
    st_net_info ni;
    st_net_get_info(st_cortex_net(cx), &ni);
    self->neurons = ni.neurons;
    self->n_exc = ni.neurons_exc;
    self->bands = st_cortex_config_get(cx)->bank.bands;
    for (size_t b = 0; b < self->bands; b++) {
        uint32_t first, count;
        st_cortex_group(cx, b, &first, &count);
        self->band_first[b] = first;
        self->band_first[b + 1] = first + count;
    }
    clear_live_view(self);
    self->started_us = g_get_monotonic_time();
    self->figure_us = self->psd_us = self->check_us = self->started_us;
    set_running_ui(self, TRUE);
    self->tick_id = gtk_widget_add_tick_callback(GTK_WIDGET(self->plot), live_tick, self, NULL);
    const st_live_info *in = st_live_info_get(self->live);
    spiketalk_marker("network live started fs=%g block=%u host=\"%s\" in=\"%s\" out=\"%s\" "
                     "net=%s neurons=%u bands=%zu", in->fs_hz, in->block, in->host_api,
                     in->input_name, in->output_name, self->live_cx.net.name,
                     (unsigned)self->neurons, self->bands);
}

/* ---- the page's verbs ------------------------------------------------------------------------ */

void spiketalk_network_page_start(SpiketalkNetworkPage *self)
{
    if (self->running || self->live)
        return;
    if (is_live_source(self))
        start_live(self);
    else if (self->path)
        run_path(self);
    else
        show_error(self, "network: open a sound file first, or choose the microphone");
}

void spiketalk_network_page_stop(SpiketalkNetworkPage *self)
{
    if (self->live)
        end_session(self, NULL);
    else if (self->running && self->running->path)
        g_cancellable_cancel(self->running->cancel);
}

void spiketalk_network_page_toggle(SpiketalkNetworkPage *self)
{
    if (self->live || self->running)
        spiketalk_network_page_stop(self);
    else
        spiketalk_network_page_start(self);
}

/* Selects 'name' among the NULL-terminated 'names' of 'dd'. */
static gboolean select_name(SpiketalkNetworkPage *self, GtkDropDown *dd,
                            const char *const *names, const char *what, const char *name)
{
    if (self->running || self->live) {
        show_error(self, "network: stop the network first");
        return FALSE;
    }
    for (size_t i = 0; names[i]; i++)
        if (!g_ascii_strcasecmp(names[i], name)) {
            gtk_drop_down_set_selected(dd, (guint)i);
            return TRUE;
        }
    char *list = g_strjoinv(", ", (char **)names);
    char *msg = g_strdup_printf("network: unknown %s '%s' (%s)", what, name, list);
    show_error(self, msg);
    g_free(msg);
    g_free(list);
    return FALSE;
}

gboolean spiketalk_network_page_set_source(SpiketalkNetworkPage *self, const char *name)
{
    return select_name(self, self->source_dd, sources, "source", name);
}

gboolean spiketalk_network_page_set_net(SpiketalkNetworkPage *self, const char *name)
{
    return select_name(self, self->net_dd, nets, "network", name);
}

gboolean spiketalk_network_page_set_model(SpiketalkNetworkPage *self, const char *name)
{
    return select_name(self, self->model_dd, models, "neuron model", name);
}

gboolean spiketalk_network_page_export(SpiketalkNetworkPage *self, const char *path,
                                       st_error *err)
{
    char *lower = g_ascii_strdown(path, -1);
    gboolean wav = g_str_has_suffix(lower, ".wav"), csv = g_str_has_suffix(lower, ".csv");
    g_free(lower);
    const job *j = self->live ? NULL : self->shown;
    if ((wav || csv) && !j)
        return st_error_set(err, ST_ERR_INVAL, "%s: no run yet%s", path,
                            self->live ? " (stop the session first)" : "") == ST_OK;
    if (wav)
        return st_audio_write(path, j->sound, j->sound_n, j->in.fs_hz, ST_WAV_FLOAT32, NULL,
                              err) == ST_OK;
    if (csv)
        return st_net_raster_save(path, &j->raster, j->info.dt_ms, err) == ST_OK;
    return spiketalk_plot_export(self->plot, path, err);
}

/* ---- life cycle ------------------------------------------------------------------------------ */

static void start_clicked(SpiketalkNetworkPage *self)
{
    spiketalk_network_page_toggle(self);
}

static void dispose(GObject *obj)
{
    SpiketalkNetworkPage *self = SPIKETALK_NETWORK_PAGE(obj);
    self->disposing = TRUE;
    end_session(self, NULL);
    if (self->running)
        g_cancellable_cancel(self->running->cancel);
    g_clear_handle_id(&self->poll, g_source_remove);
    if (self->plot)
        spiketalk_plot_set_figure(self->plot, NULL);
    gtk_widget_dispose_template(GTK_WIDGET(obj), SPIKETALK_TYPE_NETWORK_PAGE);
    G_OBJECT_CLASS(spiketalk_network_page_parent_class)->dispose(obj);
}

static void finalize(GObject *obj)
{
    SpiketalkNetworkPage *self = SPIKETALK_NETWORK_PAGE(obj);
    job_free(self->shown);
    clear_live_view(self);
    st_figure_free(self->live_fig);
    g_free(self->tap_stamp);
    g_free(self->tap_id);
    g_free(self->path);
    G_OBJECT_CLASS(spiketalk_network_page_parent_class)->finalize(obj);
}

static void spiketalk_network_page_class_init(SpiketalkNetworkPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = dispose;
    G_OBJECT_CLASS(klass)->finalize = finalize;
    g_type_ensure(SPIKETALK_TYPE_PLOT);
    gtk_widget_class_set_template_from_resource(
        wc, "/org/spiketalk/Spiketalk/spiketalk-network-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, SpiketalkNetworkPage, name)
    BIND(net_dd);
    BIND(model_dd);
    BIND(drive_dd);
    BIND(source_dd);
    BIND(neurons_spin);
    BIND(bands_spin);
    BIND(fmin_spin);
    BIND(fmax_spin);
    BIND(start_button);
    BIND(open_button);
    BIND(file_label);
    BIND(summary);
    BIND(progress);
    BIND(plot);
#undef BIND
}

static void spiketalk_network_page_init(SpiketalkNetworkPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->tap_stamp = g_new(uint64_t, DRAIN);
    self->tap_id = g_new(uint32_t, DRAIN);
    gtk_spin_button_set_range(self->bands_spin, 1, ST_FB_MAX_BANDS);
    gtk_spin_button_set_range(self->neurons_spin, ST_NET_MIN_NEURONS, 20000);
    g_signal_connect_swapped(self->start_button, "clicked", G_CALLBACK(start_clicked), self);
}
