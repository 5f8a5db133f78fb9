/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk live`: the neuron answers the microphone in real time; a meter, keys for presets. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spiketalk/audio.h"
#include "spiketalk/live.h"
#include "spiketalk/output.h"
#include "spiketalk/report.h"

/* The control loop wakes this often: key presses, the meter on a terminal, the end. */
#define TICK_MS 100
/* Without a terminal the meter is one line this often, so logs stay short. */
#define LOG_EVERY_MS 1000
/* A stream that has processed nothing for this long has lost its device (a JACK server gone,
 * a USB device unplugged). */
#define STALL_MS 5000
#define MAX_KEYS 7
#define MAX_CHANGES 256

typedef struct opts {
    cli_pipe_opts pipe;
    st_net_options net;         /* --net and its size: a network listens instead of a neuron */
    st_cortex_options bands;    /* its bands (--gain, --gate, --gate-k from 'pipe') */
    const char *block, *duration, *rate, *device, *in_dev, *out_dev, *host_api;
    const char *rec_in, *rec_out, *rec_env, *stall_ms;
    const char *net_thread, *net_latency, *worker_stall_ms; /* the network's thread */
    bool json, quiet, test_alloc, lockstep;
} opts;

static void help(FILE *f)
{
    fputs(
        "usage: spiketalk live [--preset FS] [--block 64] [--duration S] [--record-in F.wav]\n"
        "                      [--record-out F.wav] [DEVICE OPTIONS] [PIPELINE OPTIONS] [--json]\n"
        "       spiketalk live --net izh2003 [--neurons N] [--bands N] [NETWORK OPTIONS] ...\n"
        "\n"
        "Lets a model neuron answer the microphone in real time: a full-duplex audio stream whose\n"
        "callback runs the streaming pipeline of `spiketalk process --block N` (gate, envelope,\n"
        "current, neuron, sound) on every block, the neuron's state carried from block to block.\n"
        "Use headphones: the neuron hears the speaker otherwise.\n"
        "\n"
        "  --block N            frames per callback (the buffering)                  [64]\n"
        "  --duration S         stop after S seconds of audio (default: run until Ctrl-C or q)\n"
        "  --rate HZ            sample rate              [44100 if the devices take it, else\n"
        "                                                 the capture device's own]\n"
        "  --device SPEC        capture and playback device: index or part of its name\n"
        "  --input-device SPEC, --output-device SPEC   each on its own   (spiketalk devices)\n"
        "  --host-api NAME      only devices of this host API (jack, alsa, oss); on JACK the\n"
        "                       ports are spiketalk:in_0 and spiketalk:out_0\n"
        "  --record-in F.wav    the session's input, as the callback received it (mono)\n"
        "  --record-out F.wav   what it played\n"
        "  --record-env F.wav   the envelope, sample by sample beside them\n"
        "                       (32-bit float WAV, written as the session runs, renamed into\n"
        "                       place when it ends, also after Ctrl-C)\n"
        "  --json               at the end, one JSON object on stdout: frames, xruns, spikes,\n"
        "                       spike_times_ms, callback load, algorithmic delay, block, rate\n"
        "  --quiet              no meter, no summary line\n"
        "\n"
        "Pipeline options: those of `spiketalk process` (see its --help) that stream:\n"
        "  --gate adaptive|leading|fixed:T|off, --gate-k K, --gate-window S, --gate-thr T,\n"
        "  --rectify none|full|half, --envelope movavg|hilbert|none, --smooth N, --gain G,\n"
        "  --normalize peak|none, --peak-release S, --model NAME, --preset NAME,\n"
        "  --integrator NAME, --v0 MV, --u0 U, --PARAM VALUE, --sonify membrane|clicks.\n"
        "  The defaults are process --block's.\n"
        "\n", f);
    fputs(
        "A network that listens (--net): the engine of `spiketalk network --input` instead of\n"
        "the single neuron - gate, gammatone bands, each band's current into its own group of\n"
        "excitatory neurons, one network step per millisecond of audio, the groups' rates as a\n"
        "vocoder - its state carried from block to block, on one thread: the callback's, or a\n"
        "real-time worker's for large networks (--net-thread).\n"
        "  --net NAME           izh2003 or izh2006 (see spiketalk network --help)\n"
        "  --neurons N, --synapses K, --seed S   the network's size and seed [1000, preset, 1]\n"
        "  --model M            the network's neurons: izhikevich, izh2007 or hh, as\n"
        "                       spiketalk network --model [izhikevich]\n"
        "  --bands N, --fmin HZ, --fmax HZ, --spacing erb|log, --drive add|replace\n"
        "                       the bands, as spiketalk network --input [16, 100, 8000, erb, add]\n"
        "  --gain G, --gate MODE, --gate-k K   the bands' current and gate [10, adaptive, 3]\n"
        "  --net-thread callback|worker|auto\n"
        "                       where the network runs [auto: the callback up to 2000 neurons,\n"
        "                       else the worker]. worker: a real-time thread (SCHED_FIFO when\n"
        "                       permitted) fed by lock-free rings; the callback only moves\n"
        "                       samples, so a slow step is no xrun, but the sound comes later\n"
        "  --net-latency MS     the worker's extra latency, at least one block [100]: what is\n"
        "                       played is the network's answer to the sound MS earlier, bit for\n"
        "                       bit; a worker later than that plays a silent block instead,\n"
        "                       counted as late (meter, --json late_blocks), never waited for\n"
        "  The meter shows the population rate (spikes per neuron per second); --json adds\n"
        "  the network, its bands and spike_neurons beside spike_times_ms, the thread\n"
        "  (net_thread, net_latency_samples, late_blocks, worker_load_mean); --record-out\n"
        "  played equals `spiketalk network --input` of --record-in with --block N, bit for\n"
        "  bit, delayed by net_latency_samples.\n"
        "\n"
        "Keys (on a terminal): 1-7 switch the neuron to the study's cell types RS IB CH FS LTS\n"
        "TC RZ (the book's seven with --model izh2007) while it runs - its state carries on, no\n"
        "click; q quits. The meter line shows the input level, the envelope, the spike rate,\n"
        "the callback's load (pipeline time / block period) and the xruns (buffers the audio\n"
        "system lost: PortAudio's under/overflow flags).\n"
        "\n"
        "Without a capture and a playback device it fails (exit 1) and says so; files work\n"
        "offline: spiketalk process FILE --block 64\n"
        "\n"
        "Testing only (the live test suite):\n"
        "  --test-stall-ms MS   one callback, 0.5 s in, sleeps MS ms (forces an xrun)\n"
        "  --test-alloc         one callback, 0.25 s in, calls malloc (the test guard must\n"
        "                       abort the program)\n"        "  --test-worker-stall-ms MS   the network's worker, 0.5 s in, sleeps MS ms (late\n"
        "                       blocks)\n"
        "  --test-net-lockstep  the callback waits for the worker (a JACK server in freewheel\n"
        "                       only, for bit-exact tests)\n"
        "\n"
        "Examples:\n"
        "  spiketalk live --preset RS --duration 30\n"
        "  spiketalk live --envelope hilbert --record-in me.wav --record-out neuron.wav\n"
        "  spiketalk live --host-api jack --block 128 --json\n"
        "  spiketalk live --net izh2003 --neurons 1000 --bands 16 --duration 30\n",
        f);
}

static int other_arg(void *ud, int argc, char **argv, int *i)
{
    return cli_pipe_param(&((opts *)ud)->pipe, argc, argv, i, "live");
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    cli_opt table[30 + CLI_PIPE_N_OPTS] = {
        {"--block", &o->block, NULL},           {"--duration", &o->duration, NULL},
        {"--rate", &o->rate, NULL},             {"--device", &o->device, NULL},
        {"--input-device", &o->in_dev, NULL},   {"--output-device", &o->out_dev, NULL},
        {"--host-api", &o->host_api, NULL},     {"--record-in", &o->rec_in, NULL},
        {"--record-out", &o->rec_out, NULL},    {"--record-env", &o->rec_env, NULL},
        {"--test-stall-ms", &o->stall_ms, NULL}, {"--json", NULL, &o->json},
        {"--quiet", NULL, &o->quiet},           {"--test-alloc", NULL, &o->test_alloc},
        {"--net", &o->net.net, NULL},           {"--neurons", &o->net.neurons, NULL},
        {"--synapses", &o->net.synapses, NULL}, {"--seed", &o->net.seed, NULL},
        {"--bands", &o->bands.bands, NULL},     {"--fmin", &o->bands.fmin, NULL},
        {"--fmax", &o->bands.fmax, NULL},       {"--spacing", &o->bands.spacing, NULL},
        {"--drive", &o->bands.drive, NULL},     {"--net-thread", &o->net_thread, NULL},
        {"--net-latency", &o->net_latency, NULL},
        {"--test-worker-stall-ms", &o->worker_stall_ms, NULL},
        {"--test-net-lockstep", NULL, &o->lockstep}};
    size_t n = 27;
    cli_pipe_table(&o->pipe, table, &n);
    return cli_parse(argc, argv, table, n, "live", help, other_arg, o);
}

/* A number flag within [lo, hi]; 'whole' asks for an integer. */
static bool ranged(const char *flag, const char *text, double lo, double hi, bool whole,
                   double *out)
{
    if (!cli_number(flag, text, out))
        return false;
    if (*out < lo || *out > hi || (whole && *out != floor(*out))) {
        cli_error("%s: must be %s from %g to %g (got %s)", flag,
                  whole ? "a whole number" : "a number", lo, hi, text);
        return false;
    }
    return true;
}

/* The first pipeline flag that a network session has no use for, or NULL. */
static const char *neuron_flag(const cli_pipe_opts *p)
{
    const struct { const char *v, *flag; } f[] = {
        {p->recipe, "--recipe"},     {p->gate_window, "--gate-window"}, {p->gate_thr, "--gate-thr"},
        {p->rectify, "--rectify"},   {p->envelope, "--envelope"},  {p->smooth, "--smooth"},
        {p->normalize, "--normalize"}, {p->peak_release, "--peak-release"},
        {p->preset, "--preset"},     {p->integrator, "--integrator"},
        {p->dt, "--dt"},             {p->decimate, "--decimate"},  {p->v0, "--v0"},
        {p->u0, "--u0"},             {p->sonify, "--sonify"}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].v)
            return f[i].flag;
    return p->n_params ? p->param_name[0] : NULL;
}

/* A network session's configuration (--net): the library's rules (st_net_configure,
 * st_cortex_configure), checked at the rate asked for or 44.1 kHz; the device's rate is
 * checked again when the session opens. */
static int configure_net(const opts *o, double fs_hz, st_cortex_config *cx)
{
    const char *flag = neuron_flag(&o->pipe);
    if (flag) {
        cli_error("%s: the single neuron's flag; a network (--net) has its own (see --help)",
                  flag);
        return CLI_USAGE;
    }
    if (o->rec_env) {
        cli_error("--record-env: a network (--net) has one envelope per band, not one");
        return CLI_USAGE;
    }
    st_net_config net;
    uint64_t steps;
    double ms;
    st_error err = {0};
    st_net_options no = o->net;
    no.model = o->pipe.model; /* with --net, the model of the network's neurons */
    if (st_net_configure(&no, &net, &steps, &ms, &err))
        return cli_report(&err);
    st_cortex_options b = o->bands;
    b.gain = o->pipe.gain;
    b.gate = o->pipe.gate;
    b.gate_k = o->pipe.gate_k;
    if (st_cortex_configure(&b, &net, fs_hz > 0 ? fs_hz : 44100.0, cx, &err))
        return cli_report(&err);
    return CLI_OK;
}

/* Where the network runs: --net-thread, --net-latency and their test-only companions. */
static int configure_thread(const opts *o, st_live_config *lc)
{
    st_error err = {0};
    if (o->net_thread && st_live_net_thread_parse(o->net_thread, &lc->net_thread, &err))
        return cli_report(&err);
    if (o->net_latency) {
        if (!ranged("--net-latency", o->net_latency, 1, ST_LIVE_NET_MAX_LATENCY_MS, false,
                    &lc->net_latency_ms))
            return CLI_USAGE;
        if (lc->net_thread == ST_LIVE_NET_CALLBACK) {
            cli_error("--net-latency: the worker's; --net-thread callback adds no latency");
            return CLI_USAGE;
        }
    }
    if (o->worker_stall_ms && !ranged("--test-worker-stall-ms", o->worker_stall_ms, 0, 10000,
                                      false, &lc->test_worker_stall_ms))
        return CLI_USAGE;
    lc->test_lockstep = o->lockstep;
    return CLI_OK;
}

static int configure(const opts *o, st_live_config *lc, st_pipeline_config *sc,
                     st_cortex_config *cx)
{
    st_live_config_default(lc);
    double x;
    if (o->block) {
        if (!ranged("--block", o->block, 1, ST_LIVE_MAX_BLOCK, true, &x))
            return CLI_USAGE;
        lc->block = (unsigned)x;
    }
    if (o->duration) {
        if (!ranged("--duration", o->duration, 0, 86400, false, &lc->duration_s))
            return CLI_USAGE;
        if (lc->duration_s == 0) {
            cli_error("--duration: must be > 0 s (leave it out to run until Ctrl-C)");
            return CLI_USAGE;
        }
    }
    if (o->rate && !ranged("--rate", o->rate, 1000, 768000, true, &lc->fs_hz))
        return CLI_USAGE;
    if (o->stall_ms && !ranged("--test-stall-ms", o->stall_ms, 0, 10000, false,
                               &lc->test_stall_ms))
        return CLI_USAGE;
    lc->test_alloc = o->test_alloc;
    lc->host_api = o->host_api;
    lc->input_device = o->in_dev ? o->in_dev : o->device;
    lc->output_device = o->out_dev ? o->out_dev : o->device;
    lc->record_in = o->rec_in;
    lc->record_out = o->rec_out;
    lc->record_env = o->rec_env;
    const char *rec[3] = {o->rec_in, o->rec_out, o->rec_env};
    const char *rec_flag[3] = {"--record-in", "--record-out", "--record-env"};
    st_error err = {0};
    for (int i = 0; i < 3; i++) {
        /* checked before any device is opened: nothing is recorded into a file that fails,
         * and no recording may be the same file as another (the session writes them) */
        int rc = cli_outputs_add(rec_flag[i], rec[i], CLI_OUT_WAV, 0);
        if (rc)
            return rc;
    }
    if (o->net.net) {
        lc->cortex = cx;
        int rc = configure_thread(o, lc);
        return rc ? rc : configure_net(o, lc->fs_hz, cx);
    }
    if (o->net_thread || o->net_latency || o->worker_stall_ms || o->lockstep) {
        cli_error("%s: needs --net (a network that listens)",
                  o->net_thread ? "--net-thread" : o->net_latency ? "--net-latency"
                  : o->worker_stall_ms ? "--test-worker-stall-ms" : "--test-net-lockstep");
        return CLI_USAGE;
    }
    if (o->net.neurons || o->net.synapses || o->net.seed || st_cortex_options_given(&o->bands)) {
        cli_error("%s: needs --net (a network that listens)",
                  o->net.neurons ? "--neurons" : o->net.synapses ? "--synapses"
                  : o->net.seed ? "--seed" : o->bands.bands ? "--bands" : o->bands.fmin
                  ? "--fmin" : o->bands.fmax ? "--fmax" : o->bands.spacing ? "--spacing"
                  : "--drive");
        return CLI_USAGE;
    }
    int rc = cli_pipe_config(&o->pipe, true, sc);
    /* The rules that do not depend on the rate, before the devices; the device's rate is
     * checked again when the stream is built. */
    if (!rc && st_pipeline_check(sc, lc->fs_hz > 0 ? lc->fs_hz : 44100.0, &err))
        rc = cli_report(&err);
    return rc;
}

/* ---- signals and keys ------------------------------------------------------------------------ */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* SIGINT and SIGTERM are blocked in every thread (the audio threads inherit the mask) and
 * taken only while the control loop waits in pselect, so the handler always runs there and
 * wakes it at once. */
static void catch_signals(sigset_t *wait_mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, wait_mask);
    sigdelset(wait_mask, SIGINT);
    sigdelset(wait_mask, SIGTERM);
}

typedef struct keys {
    bool watch;               /* stdin is still open */
    bool raw;                 /* the terminal was switched to single keys */
    struct termios saved;
} keys;

/* Single keys without Enter and without echo, when stdin is this process's terminal in the
 * foreground (a background job must not touch it). A pipe is read as it is: tests type there. */
static void keys_begin(keys *k)
{
    k->watch = true;
    k->raw = false;
    if (!isatty(STDIN_FILENO))
        return;
    if (tcgetpgrp(STDIN_FILENO) != getpgrp()) {
        k->watch = false; /* reading the terminal from the background would stop us (SIGTTIN) */
        return;
    }
    if (tcgetattr(STDIN_FILENO, &k->saved) != 0)
        return;
    struct termios t = k->saved;
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    k->raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
}

static void keys_end(keys *k)
{
    if (k->raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &k->saved);
    k->raw = false;
}

/* Waits up to 'ms' for a key or a signal; returns the key, 0 for none, -1 at a signal. */
static int wait_key(keys *k, int ms, const sigset_t *mask)
{
    fd_set fds;
    FD_ZERO(&fds);
    if (k->watch)
        FD_SET(STDIN_FILENO, &fds);
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    int r = pselect(k->watch ? STDIN_FILENO + 1 : 0, &fds, NULL, NULL, &ts, mask);
    if (r < 0)
        return errno == EINTR && stop_signal ? -1 : 0;
    if (r == 0 || !FD_ISSET(STDIN_FILENO, &fds))
        return 0;
    unsigned char c;
    ssize_t got = read(STDIN_FILENO, &c, 1);
    if (got <= 0) {
        k->watch = false; /* end of input: keys are over, the session is not */
        return 0;
    }
    return c;
}

/* ---- the session ----------------------------------------------------------------------------- */

typedef struct preset_change {
    double t_s;
    const char *name;
} preset_change;

typedef struct session {
    const opts *o;
    st_live *live;
    const st_live_info *info;
    const st_model *model;
    const st_preset *key_preset[MAX_KEYS];
    size_t n_keys;
    const char *preset;          /* the neuron's name now */
    preset_change change[MAX_CHANGES];
    size_t n_changes;
    bool tty;                    /* the meter rewrites one line of a terminal */
    const char *stopped_by;
    const st_cortex *cortex;     /* a network session's engine, or NULL */
    uint32_t neurons;            /* its neurons */
    /* meter state */
    float peak;                  /* |x| peak since the last meter line */
    double load_max;             /* the callback's largest load since then */
    uint64_t rate_frames, rate_spikes;
    double rate_hz;
} session;

/* The model's first seven cell presets: the keys 1-7. */
static void find_key_presets(session *s)
{
    for (size_t i = 0; i < s->model->n_presets && s->n_keys < MAX_KEYS; i++)
        if (s->model->presets[i].kind == ST_PRESET_CELL)
            s->key_preset[s->n_keys++] = &s->model->presets[i];
}

static double seconds(const session *s, uint64_t frames)
{
    return (double)frames / s->info->fs_hz;
}

static void switch_preset(session *s, int key, uint64_t frames)
{
    size_t k = (size_t)(key - '1');
    if (k >= s->n_keys)
        return;
    const st_preset *p = s->key_preset[k];
    st_sim_config sc;
    st_error err = {0};
    if (st_sim_config_init(&sc, s->model, p, &err) ||
        st_live_set_params(s->live, &sc.params, &err)) {
        cli_error("%s", err.msg);
        return;
    }
    s->preset = p->name;
    if (s->n_changes < MAX_CHANGES)
        s->change[s->n_changes++] = (preset_change){seconds(s, frames), p->name};
    if (!s->tty && !s->o->quiet)
        fprintf(stderr, "live: %.2f s: preset %s (key %c)\n", seconds(s, frames), p->name, key);
}

static void level_text(char *buf, size_t size, float peak)
{
    if (peak > 0.0f)
        snprintf(buf, size, "%6.1f dB", fmax(-99.9, 20.0 * log10(peak)));
    else
        snprintf(buf, size, "  -inf dB");
}

/* The one-line meter: on a terminal rewritten in place, else one line per LOG_EVERY_MS. */
static void meter(session *s, const st_live_stats *st)
{
    if (st->frames >= s->rate_frames + (uint64_t)s->info->fs_hz) { /* the rate over ~1 s */
        /* a network's: the population rate, spikes per neuron per second */
        s->rate_hz = (double)(st->spikes - s->rate_spikes) /
                     seconds(s, st->frames - s->rate_frames) / (s->neurons ? s->neurons : 1);
        s->rate_frames = st->frames;
        s->rate_spikes = st->spikes;
    }
    char level[32], floor_[32];
    level_text(level, sizeof level, s->peak);
    if (isnan(st->noise_floor))
        snprintf(floor_, sizeof floor_, "    -");
    else
        level_text(floor_, sizeof floor_, (float)st->noise_floor);
    if (s->cortex && s->tty)
        fprintf(stderr, "\r%6.1fs in %s pop %6.2f Hz load %4.1f%% max %4.1f%% xr %llu lt %llu ",
                seconds(s, st->frames), level, s->rate_hz, 100 * st->load_mean,
                100 * s->load_max, (unsigned long long)st->xruns,
                (unsigned long long)st->late_blocks);
    else if (s->cortex)
        fprintf(stderr,
                "live: %.1f s  in %s  population %.2f Hz  current %.2f  load %.1f%% (max "
                "%.1f%%)  xruns %llu  late %llu  %s\n",
                seconds(s, st->frames), level, s->rate_hz, st->current, 100 * st->load_mean,
                100 * s->load_max, (unsigned long long)st->xruns,
                (unsigned long long)st->late_blocks, s->preset);
    else if (s->tty) /* under 80 columns, or the terminal wraps it and \r rewrites half */
        fprintf(stderr,
                "\r%6.1fs in %s fl %s %5.1f spk/s load %4.1f%% max %4.1f%% xr %llu %-3s",
                seconds(s, st->frames), level, floor_, s->rate_hz, 100 * st->load_mean,
                100 * s->load_max, (unsigned long long)st->xruns, s->preset);
    else
        fprintf(stderr,
                "live: %.1f s  in %s  floor %s  env %.4f  %.1f spikes/s  load %.1f%% (max "
                "%.1f%%)  xruns %llu  %s\n",
                seconds(s, st->frames), level, floor_, st->envelope, s->rate_hz,
                100 * st->load_mean, 100 * s->load_max, (unsigned long long)st->xruns, s->preset);
    fflush(stderr);
    s->peak = 0.0f;
    s->load_max = 0.0;
}

/* The control loop: keys, meter, and the end (duration, q, a signal, a lost device). */
static int control(session *s, const sigset_t *mask)
{
    keys k;
    keys_begin(&k);
    int rc = CLI_OK;
    uint64_t last_frames = 0;
    long still_ms = 0, since_line_ms = 0;
    for (;;) {
        int key = wait_key(&k, TICK_MS, mask);
        st_live_stats st;
        st_live_stats_get(s->live, &st);
        s->peak = st.input_peak > s->peak ? st.input_peak : s->peak;
        s->load_max = st.load_recent_max > s->load_max ? st.load_recent_max : s->load_max;
        if (key < 0 || stop_signal) {
            s->stopped_by = "signal";
            break;
        }
        if (key == 'q' || key == 'Q' || key == 27) {
            s->stopped_by = "key";
            break;
        }
        if (key >= '1' && key <= '9')
            switch_preset(s, key, st.frames);
        if (!st.active) {
            s->stopped_by = s->o->duration ? "duration" : "device";
            if (!s->o->duration) {
                cli_error("devices '%s' / '%s': the stream stopped by itself (the device or its "
                          "server went away)",
                          s->info->input_name, s->info->output_name);
                rc = CLI_FAIL;
            }
            break;
        }
        still_ms = st.frames == last_frames ? still_ms + TICK_MS : 0;
        last_frames = st.frames;
        if (still_ms >= STALL_MS) {
            s->stopped_by = "device";
            cli_error("devices '%s' / '%s': stopped delivering audio after %.2f s",
                      s->info->input_name, s->info->output_name, seconds(s, st.frames));
            rc = CLI_FAIL;
            break;
        }
        since_line_ms += TICK_MS;
        if (!s->o->quiet && (s->tty || since_line_ms >= LOG_EVERY_MS)) {
            meter(s, &st);
            since_line_ms = 0;
        }
    }
    keys_end(&k);
    return rc;
}

/* ---- the summary ----------------------------------------------------------------------------- */

/* A network session's own fields: the network, its bands, its spikes as (time, neuron). */
static void json_net(st_json *j, const session *s, const st_live_stats *st)
{
    const st_cortex_config *c = st_cortex_config_get(s->cortex);
    const st_live_info *in = s->info;
    st_net_info ni;
    st_net_get_info(st_cortex_net(s->cortex), &ni);
    st_json_string(j, "net", c->net.name);
    st_json_string(j, "net_thread", st_live_net_thread_name(in->net_thread));
    st_json_uint(j, "net_latency_samples", in->net_latency_samples);
    st_json_number(j, "net_latency_ms", 1000.0 * (double)in->net_latency_samples / in->fs_hz);
    st_json_uint(j, "late_blocks", st->late_blocks);
    st_json_uint(j, "worker_input_lost", st->worker_input_lost);
    st_json_bool(j, "worker_realtime", st->worker_realtime);
    st_json_number(j, "worker_load_mean", st->worker_load_mean);
    st_json_number(j, "worker_load_max", st->worker_load_max);
    st_json_uint(j, "neurons", ni.neurons);
    st_json_uint(j, "synapses", ni.synapses);
    st_json_uint(j, "seed", c->net.seed);
    st_report_populations(j, &c->net);
    size_t bands = c->bank.bands;
    double band_hz[ST_FB_MAX_BANDS], rate[ST_FB_MAX_BANDS];
    uint32_t first[ST_FB_MAX_BANDS + 1], count;
    uint64_t per[ST_FB_MAX_BANDS] = {0}, dropped;
    const st_net_raster *r = st_live_raster(s->live, &dropped);
    for (size_t b = 0; b < bands; b++) {
        band_hz[b] = st_cortex_band_hz(s->cortex, b);
        st_cortex_group(s->cortex, b, &first[b], &count);
        first[b + 1] = first[b] + count;
    }
    for (size_t i = 0; i < r->count; i++) {
        int b = st_cortex_band_of(s->cortex, r->id[i]);
        if (b >= 0)
            per[b]++;
    }
    double secs = (double)st->frames / in->fs_hz;
    for (size_t b = 0; b < bands; b++)
        rate[b] = secs > 0 ? (double)per[b] / (first[b + 1] - first[b]) / secs : 0.0;
    st_report_cortex(j, c, band_hz, first, rate);
    st_json_uint(j, "spike_count", st->spikes);
    st_json_number(j, "rate_hz", secs > 0 ? (double)st->spikes / ni.neurons / secs : 0.0);
    st_json_uint(j, "spike_times_dropped", dropped);
    st_json_array_begin(j, "spike_times_ms", true);
    for (size_t i = 0; i < r->count; i++)
        st_json_number(j, NULL, (double)r->stamp[i] * c->net.dt_ms);
    st_json_array_end(j);
    st_json_array_begin(j, "spike_neurons", true);
    for (size_t i = 0; i < r->count; i++)
        st_json_uint(j, NULL, r->id[i]);
    st_json_array_end(j);
}

static void print_json(const session *s, const st_pipeline_config *c, const st_live_stats *st)
{
    const st_live_info *in = s->info;
    const st_spikes *sp = st_live_spikes(s->live);
    st_json j;
    st_json_init(&j, stdout);
    st_json_object_begin(&j, NULL);
    st_json_string(&j, "host_api", in->host_api);
    st_json_string(&j, "input_device", in->input_name);
    st_json_string(&j, "output_device", in->output_name);
    st_json_number(&j, "rate_hz", in->fs_hz);
    st_json_uint(&j, "block", in->block);
    st_json_number(&j, "block_ms", 1000.0 * in->block / in->fs_hz);
    st_json_uint(&j, "input_channels", (uint64_t)in->in_channels);
    st_json_uint(&j, "output_channels", (uint64_t)in->out_channels);
    st_json_uint(&j, "algorithmic_delay_samples", in->delay_samples);
    st_json_number(&j, "algorithmic_delay_ms", 1000.0 * (double)in->delay_samples / in->fs_hz);
    st_json_number(&j, "reported_input_latency_s", in->reported_in_latency_s);
    st_json_number(&j, "reported_output_latency_s", in->reported_out_latency_s);
    st_json_uint(&j, "frames", st->frames);
    st_json_number(&j, "duration_s", (double)st->frames / in->fs_hz);
    st_json_uint(&j, "callbacks", st->callbacks);
    st_json_uint(&j, "xruns", st->xruns);
    st_json_object_begin(&j, "xrun_flags");
    st_json_uint(&j, "input_overflow", st->input_overflows);
    st_json_uint(&j, "input_underflow", st->input_underflows);
    st_json_uint(&j, "output_overflow", st->output_overflows);
    st_json_uint(&j, "output_underflow", st->output_underflows);
    st_json_object_end(&j);
    st_json_number(&j, "callback_load_mean", st->load_mean);
    st_json_number(&j, "callback_load_max", st->load_max);
    st_json_number(&j, "portaudio_cpu_load", st->pa_cpu_load);
    st_json_bool(&j, "rt_guard", in->rt_guard);
    st_json_string(&j, "stopped_by", s->stopped_by);
    const char *rec[3] = {s->o->rec_in, s->o->rec_out, s->o->rec_env};
    const char *rec_key[3] = {"record_in", "record_out", "record_env"};
    for (int i = 0; i < 3; i++) {
        if (rec[i])
            st_json_string(&j, rec_key[i], rec[i]);
        else
            st_json_null(&j, rec_key[i]);
    }
    st_json_uint(&j, "record_dropped_samples", st->record_dropped);
    if (s->cortex) {
        json_net(&j, s, st);
        st_json_object_end(&j);
        return;
    }
    st_json_string(&j, "envelope", st_envelope_name(c->envelope));
    st_json_string(&j, "normalize", st_norm_name(c->normalize));
    st_json_number(&j, "gain", c->gain);
    st_json_string(&j, "gate", st_gate_mode_name(c->gate));
    st_json_number(&j, "gate_threshold", c->gate != ST_GATE_OFF ? st->gate_threshold : 0.0);
    st_json_number(&j, "noise_floor", st->noise_floor);
    st_json_string(&j, "sonify", st_sonify_name(c->sonify));
    st_json_string(&j, "model", c->model->name);
    st_json_string(&j, "preset", s->preset);
    st_json_array_begin(&j, "preset_changes", false);
    for (size_t i = 0; i < s->n_changes; i++) {
        st_json_object_begin(&j, NULL);
        st_json_number(&j, "t_s", s->change[i].t_s);
        st_json_string(&j, "preset", s->change[i].name);
        st_json_object_end(&j);
    }
    st_json_array_end(&j);
    st_json_uint(&j, "spike_count", st->spikes);
    double model_s = (double)st->frames / in->fs_hz;
    st_json_number(&j, "mean_rate_hz", model_s > 0 ? (double)st->spikes / model_s : 0.0);
    st_json_uint(&j, "spike_times_dropped", sp->dropped);
    st_json_array_begin(&j, "spike_times_ms", true);
    for (size_t i = 0; i < sp->count; i++)
        st_json_number(&j, NULL, (double)sp->step[i] * 1000.0 / in->fs_hz);
    st_json_array_end(&j);
    st_json_object_end(&j);
}

static void print_summary(const session *s, const st_live_stats *st)
{
    const st_live_info *in = s->info;
    printf("live: %.2f s at %g Hz in blocks of %u (%.2f ms) -> %llu spikes (%s %s); "
           "xruns %llu; callback load %.2f%% mean, %.2f%% max; envelope delay %.2f ms\n",
           (double)st->frames / in->fs_hz, in->fs_hz, in->block, 1000.0 * in->block / in->fs_hz,
           (unsigned long long)st->spikes, s->preset, s->cortex ? "network" : "neuron",
           (unsigned long long)st->xruns,
           100 * st->load_mean, 100 * st->load_max,
           1000.0 * (double)in->delay_samples / in->fs_hz);
    if (in->net_thread == ST_LIVE_NET_WORKER)
        printf("live: the network on a worker thread (%s), %.2f ms later (%zu samples): "
               "%.2f%% of the time mean, its longest block %.0f%% of a period; "
               "late blocks %llu\n",
               st->worker_realtime ? "SCHED_FIFO" : "normal priority",
               1000.0 * (double)in->net_latency_samples / in->fs_hz, in->net_latency_samples,
               100 * st->worker_load_mean, 100 * st->worker_load_max,
               (unsigned long long)st->late_blocks);
    const char *rec[3] = {s->o->rec_in, s->o->rec_out, s->o->rec_env};
    for (int i = 0; i < 3; i++)
        if (rec[i])
            printf("recorded: %s\n", rec[i]);
}

static void print_intro(const session *s)
{
    const st_live_info *in = s->info;
    fprintf(stderr,
            "live: %s, '%s' -> '%s', %g Hz, blocks of %u (%.2f ms), envelope delay %.2f ms\n",
            in->host_api, in->input_name, in->output_name, in->fs_hz, in->block,
            1000.0 * in->block / in->fs_hz, 1000.0 * (double)in->delay_samples / in->fs_hz);
    if (s->cortex && in->net_thread == ST_LIVE_NET_WORKER)
        fprintf(stderr, "live: the network runs on a worker thread; its sound comes %.2f ms "
                "(%zu samples) later\n", 1000.0 * (double)in->net_latency_samples / in->fs_hz,
                in->net_latency_samples);
    else if (s->cortex)
        fprintf(stderr, "live: the network runs in the audio callback\n");
    if (s->n_keys) {
        fputs("keys:", stderr);
        for (size_t i = 0; i < s->n_keys; i++)
            fprintf(stderr, " %zu %s", i + 1, s->key_preset[i]->name);
        fputs(", q quit (Ctrl-C also stops and keeps the recordings)\n", stderr);
    }
}

int cmd_live(int argc, char **argv)
{
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    st_live_config lc;
    st_pipeline_config sc;
    st_cortex_config cx;
    memset(&sc, 0, sizeof sc);
    if ((rc = configure(&o, &lc, &sc, &cx)))
        return rc;
    session s = {.o = &o, .model = sc.model, .preset = sc.preset,
                 .tty = isatty(STDERR_FILENO) && !o.quiet, .stopped_by = "signal"};
    if (lc.cortex)
        s.preset = cx.net.name;
    else
        find_key_presets(&s);
    sigset_t wait_mask;
    catch_signals(&wait_mask);
    st_error err = {0};
    if (st_live_open(&lc, &sc, &s.live, &err))
        return cli_report(&err);
    s.info = st_live_info_get(s.live);
    s.cortex = st_live_cortex(s.live);
    if (s.cortex) {
        st_net_info ni;
        st_net_get_info(st_cortex_net(s.cortex), &ni);
        s.neurons = ni.neurons;
    }
    if (!o.quiet)
        print_intro(&s);
    if (st_live_start(s.live, &err)) {
        st_live_close(s.live);
        return cli_report(&err);
    }
    rc = control(&s, &wait_mask);
    st_status st = st_live_stop(s.live, &err);
    st_live_stats stats;
    st_live_stats_get(s.live, &stats);
    if (s.tty)
        fputc('\n', stderr);
    if (st && !rc)
        rc = cli_report(&err);
    if (stats.record_dropped)
        cli_error("recordings: %llu samples were lost (the disk was too slow)",
                  (unsigned long long)stats.record_dropped);
    if (o.json)
        print_json(&s, &sc, &stats);
    else if (!o.quiet)
        print_summary(&s, &stats);
    st_live_close(s.live);
    return rc;
}
