/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk network`: the published Izhikevich networks, on threads and (under mpirun) on
 * several processes; spikes, a raster figure, the sound of the run, and a JSON summary. */
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spiketalk/audio.h"
#include "spiketalk/network-io.h"
#include "spiketalk/output.h"
#include "spiketalk/plot.h"
#include "spiketalk/report.h"

#define CHUNK_STEPS 100u             /* steps per st_net_run call: progress granularity */
#define SOUND_RATE_HZ 44100.0
#define JSON_MAX_SPIKES 1000000u     /* beyond: --spikes has them, --json only counts */

typedef struct opts {
    const char *net, *neurons, *synapses, *duration, *seed, *threads;
    const char *spikes, *raster, *sound;
    bool json, quiet;
} opts;

typedef struct config {
    st_net_config net;
    uint64_t steps;
    double duration_ms;
} config;

/* Everything a run produced, on the first process. */
typedef struct result {
    st_net_info info;
    st_net_raster raster;
    double build_s, wall_s;
    st_net_summary sum;         /* population rate, spectrum, rhythms */
    double weights[ST_NET_WEIGHT_BINS];
    bool has_weights;
} result;

/* ---- help ----------------------------------------------------------------------------------- */

static void help(FILE *f)
{
    fputs(
        "usage: spiketalk network [--net izh2003|izh2006] [--neurons N] [--synapses K]\n"
        "                         [--duration MS] [--seed S] [--threads T]\n"
        "                         [--spikes F.csv] [--raster F.png|svg|pdf] [--sound F.wav]\n"
        "                         [--json] [--quiet]\n"
        "       mpirun -np P spiketalk network ...      (several processes, when built with MPI)\n"
        "\n"
        "Runs one of the two published networks of Izhikevich neurons, 1 ms steps (v in two\n"
        "half steps of 0.5 ms, then u), and reports its spikes, rates and rhythms.\n"
        "\n"
        "  izh2003  'Simple model of spiking neurons' (2003, net.m): 80 % excitatory neurons\n"
        "           (regular spiking to chattering: c = -65 + 15 r^2, d = 8 - 6 r^2) and 20 %\n"
        "           inhibitory ones (fast spiking to low-threshold: a = 0.02 + 0.08 r,\n"
        "           b = 0.25 - 0.05 r), each driven by thalamic noise (5 and 2 times a normal\n"
        "           number per ms). Weights 0.5 rand (excitatory) and -rand (inhibitory), 1 ms\n"
        "           delays. All-to-all up to 1000 neurons; beyond (or with --synapses K) each\n"
        "           neuron has K random targets (default 1000) and the weights are scaled by\n"
        "           1000/K, so each neuron gets net.m's input. At 1000 neurons it fires about\n"
        "           7 Hz with the paper's alpha (about 8 Hz) and gamma (25-45 Hz) rhythms.\n"
        "  izh2006  'Polychronization' (2006, spnet): 80 % regular spiking, 20 % fast spiking,\n"
        "           M = 100 targets per neuron (--synapses M), excitatory ones with delays of\n"
        "           1 to 20 ms and spike-timing-dependent plasticity (weights start at 6, move\n"
        "           in [0, 10]; each second w += 0.01 + sd, sd *= 0.9), inhibitory ones onto\n"
        "           excitatory neurons only (-5, 1 ms); one random neuron per ms per 1000 gets\n"
        "           an input of 20. Over simulated minutes the weights split towards 0 and 10\n"
        "           and a gamma rhythm appears.\n", f);
    fprintf(f,
        "\n"
        "Options (defaults in brackets):\n"
        "  --net NAME       izh2003 or izh2006 [%s]\n"
        "  --neurons N      network size, 5 to %u [1000]; 1 in 5 is inhibitory\n"
        "  --synapses K     targets per neuron [izh2003: all up to 1000 neurons, then 1000;\n"
        "                   izh2006: 100]\n"
        "  --duration MS    model time in ms [%g]\n"
        "  --seed S         random seed, 0 to 2^64 - 1 [1]. Every random number is drawn from\n"
        "                   (seed, neuron or synapse, step) by a counter-based generator, so the\n"
        "                   spikes are the same for any --threads and any number of processes\n"
        "  --threads T      threads [1]; each owns a slice of the neurons and their synapses\n"
        "\n"
        "Outputs (each checked before the run; written whole or not at all):\n"
        "  --spikes F.csv   one row per spike: t_ms,neuron (header line first); a spike is\n"
        "                   stamped at the end of the 1 ms step in which v passed 30 mV\n"
        "  --raster F       .png, .svg or .pdf: the spike raster (excitatory blue, inhibitory\n"
        "                   red) over the population rate, and the rate's power spectrum with\n"
        "                   its rhythms; runs over 2 s show their last second, and the\n"
        "                   spectrum (also in --json) covers at most the last minute\n"
        "  --sound F.wav    the run as sound, 1 s of model time = 1 s of audio (44.1 kHz): each\n"
        "                   spike a 5 ms tone whose pitch rises with the neuron's id over five\n"
        "                   octaves (200 Hz to 6.4 kHz; inhibitory neurons highest), so\n"
        "                   synchronous volleys are heard as a rhythmic roar, alpha as a pulse\n"
        "                   and gamma as a buzz\n"
        "  --json           one JSON object on stdout: the network (neurons, synapses, delays,\n"
        "                   seed), spike_count, rate_hz, rate_hz_exc, rate_hz_inh, the power\n"
        "                   spectrum's peaks (spectral_peaks, rhythms: alpha_hz, gamma_hz),\n"
        "                   threads, ranks, build_s, wall_s (the run alone), exchange_s\n"
        "                   (of it, the spike exchanges: with MPI, the all-gathers),\n"
        "                   synaptic_events_per_s, weight_histogram (izh2006), spike_times_ms\n"
        "                   and spike_neurons (up to %u spikes)\n"
        "  --quiet          no progress line and no summary (errors still go to stderr)\n",
        ST_NET_DEFAULT_NET, (unsigned)ST_NET_MAX_NEURONS, ST_NET_DEFAULT_DURATION_MS,
        JSON_MAX_SPIKES);
    fputs("\n"
        "Several processes: 'mpirun -np P spiketalk network ...' splits the neurons into P\n"
        "consecutive ranges; each process keeps the synapses onto its neurons and all exchange\n"
        "the ids that fired every minimum delay (1 ms here). Process 0 writes the outputs;\n"
        "the spikes, and the files made of them, are those of a one-process run byte for\n"
        "byte. As root, Open MPI wants --allow-run-as-root; more processes than cores,\n"
        "--oversubscribe.\n"
        "\n"
        "Examples:\n"
        "  spiketalk network --raster net.png                 # the 2003 figure, 1000 neurons\n"
        "  spiketalk network --neurons 10000 --threads 2 --json\n"
        "  spiketalk network --net izh2006 --duration 60000 --raster poly.png --sound poly.wav\n"
        "  mpirun -np 2 spiketalk network --neurons 100000 --duration 200 --json\n"
        "\n"
        "E. M. Izhikevich, IEEE Trans. Neural Networks 14:1569-1572 (2003);\n"
        "Neural Computation 18:245-282 (2006).\n", f);
}

/* ---- arguments ------------------------------------------------------------------------------ */

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    const cli_opt table[] = {
        {"--net", &o->net, NULL},           {"--neurons", &o->neurons, NULL},
        {"--synapses", &o->synapses, NULL}, {"--duration", &o->duration, NULL},
        {"--seed", &o->seed, NULL},         {"--threads", &o->threads, NULL},
        {"--spikes", &o->spikes, NULL},     {"--raster", &o->raster, NULL},
        {"--sound", &o->sound, NULL},       {"--json", NULL, &o->json},
        {"--quiet", NULL, &o->quiet}};
    return cli_parse(argc, argv, table, sizeof table / sizeof table[0], "network", help, NULL,
                     NULL);
}

/* The run the flags ask for: the library's rules and messages (st_net_configure). */
static int build_config(const opts *o, config *c)
{
    memset(c, 0, sizeof *c);
    const st_net_options no = {.net = o->net, .neurons = o->neurons, .synapses = o->synapses,
                               .duration = o->duration, .seed = o->seed, .threads = o->threads};
    st_error err = {0};
    if (st_net_configure(&no, &c->net, &c->steps, &c->duration_ms, &err))
        return cli_report(&err);
    return CLI_OK;
}

/* More threads than cores: they take turns, and each step waits for the last of them. */
static void warn_threads(const config *c)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores > 0 && c->net.threads > cores)
        cli_error("warning: --threads %d is more than the %ld cores online; the threads will "
                  "take turns and run slower than fewer would", c->net.threads, cores);
}

static int check_outputs(const opts *o)
{
    st_error err = {0};
    if (o->spikes && st_output_check(o->spikes, &err))
        return cli_report(&err);
    if (o->raster && st_plot_check_path(o->raster, NULL, &err))
        return cli_report(&err);
    if (o->sound && st_audio_check_output(o->sound, NULL, &err))
        return cli_report(&err);
    return CLI_OK;
}

/* ---- processes ------------------------------------------------------------------------------ */

/* The run as a group: rank 0's exit code (or, if any process failed, a failure) for all. */
typedef struct group {
    st_net_comm comm;
    bool on;
    int rank;
    int saved_err;  /* stderr of ranks > 0 while they parse: -1 when untouched */
} group;

static int agree(group *g, int rc)
{
    if (!g->on || g->comm.size < 1)
        return rc;
    double x[2] = {g->rank == 0 ? (double)rc : 0.0, rc ? 1.0 : 0.0};
    st_error err = {0};
    if (g->comm.sum(g->comm.ud, x, 2, &err))
        return cli_report(&err);
    if (x[0] > 0.0)
        return (int)x[0];
    return x[1] > 0.0 ? CLI_FAIL : CLI_OK;
}

/* Ranks other than 0 repeat rank 0's parsing: only rank 0 prints what it finds. */
static void quiet_begin(group *g)
{
    g->saved_err = -1;
    if (g->rank == 0)
        return;
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0)
        return;
    fflush(stderr);
    g->saved_err = dup(2);
    dup2(null, 2);
    close(null);
    if (!freopen("/dev/null", "w", stdout))
        clearerr(stdout);
}

static void quiet_end(group *g)
{
    if (g->saved_err < 0)
        return;
    fflush(stderr);
    dup2(g->saved_err, 2);
    close(g->saved_err);
    g->saved_err = -1;
}

/* ---- the run ------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct recorder {
    st_net_raster *raster;
    bool failed;
} recorder;

static void record(void *ud, uint64_t stamp, const uint32_t *ids, size_t n)
{
    recorder *r = ud;
    if (n && !r->failed && st_net_raster_add(r->raster, stamp, ids, n))
        r->failed = true;
}

static void progress(double done_ms, double total_ms, double wall_s, bool last)
{
    if (last) {
        fputs("\r                                                                      \r",
              stderr);
        return;
    }
    double left = done_ms > 0.0 ? wall_s * (total_ms - done_ms) / done_ms : 0.0;
    fprintf(stderr, "\rnetwork: %.1f of %.1f s simulated, %.0f s elapsed, about %.0f s left ",
            done_ms / 1000.0, total_ms / 1000.0, wall_s, left);
}

static int simulate(const opts *o, const config *c, group *g, result *res)
{
    st_error err = {0};
    st_net *net = NULL;
    double t0 = now_s();
    st_status st = st_net_create(&c->net, g->on ? &g->comm : NULL, &net, &err);
    int rc = agree(g, st ? cli_report(&err) : CLI_OK);
    if (rc) {
        st_net_free(net);
        return rc;
    }
    res->build_s = now_s() - t0;
    recorder rec = {&res->raster, false};
    bool show = g->rank == 0 && !o->quiet && isatty(STDERR_FILENO);
    double t1 = now_s(), last = t1;
    bool shown = false;
    for (uint64_t k = 0; k < c->steps && !st;) {
        uint64_t m = c->steps - k < CHUNK_STEPS ? c->steps - k : CHUNK_STEPS;
        st = st_net_run(net, m, g->rank == 0 ? record : NULL, &rec, &err);
        k += m;
        double t = now_s();
        if (show && t - t1 > 1.0 && (t - last > 0.25 || k == c->steps)) {
            progress((double)k * c->net.dt_ms, c->duration_ms, t - t1, false);
            last = t;
            shown = true;
        }
    }
    res->wall_s = now_s() - t1;
    if (shown)
        progress(0, 0, 0, true);
    rc = st ? cli_report(&err) : CLI_OK;
    if (!rc && rec.failed) {
        cli_error("network: out of memory for the spike record");
        rc = CLI_FAIL;
    }
    st_net_get_info(net, &res->info);
    if (!st && net && res->info.synapses_plastic) {
        if (st_net_weight_histogram(net, 0.0, c->net.stdp.w_max, ST_NET_WEIGHT_BINS,
                                    res->weights, &err))
            rc = rc ? rc : cli_report(&err);
        res->has_weights = true;
    }
    st_net_free(net);
    return agree(g, rc);
}

static int analyse(const config *c, result *r)
{
    st_error err = {0};
    if (st_net_summarise(&r->raster, r->info.neurons, c->net.dt_ms, c->steps, &r->sum, &err))
        return cli_report(&err);
    return CLI_OK;
}

/* ---- outputs --------------------------------------------------------------------------------- */

static int write_spikes(const char *path, const config *c, const st_net_raster *r)
{
    st_outfile of;
    st_error err = {0};
    if (st_outfile_open(&of, path, &err))
        return cli_report(&err);
    fputs("t_ms,neuron\n", of.f);
    char t[40];
    for (size_t i = 0; i < r->count; i++) {
        st_format_double(t, sizeof t, (double)r->stamp[i] * c->net.dt_ms);
        fprintf(of.f, "%s,%u\n", t, (unsigned)r->id[i]);
    }
    if (st_outfile_commit(&of, &err))
        return cli_report(&err);
    return CLI_OK;
}

/* 1234567 as "1,234,567". */
static const char *grouped(char *buf, size_t size, uint64_t x)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)x);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static int write_raster(const char *path, const config *c, const result *r)
{
    char title[200], nn[32], ns[32];
    snprintf(title, sizeof title,
             "%s: %s neurons, %s synapses, seed %llu, %g ms (%.2f Hz excitatory, %.2f Hz "
             "inhibitory)",
             c->net.name, grouped(nn, sizeof nn, r->info.neurons),
             grouped(ns, sizeof ns, r->info.synapses),
             (unsigned long long)c->net.seed, c->duration_ms,
             (double)r->info.spikes_exc / r->info.neurons_exc / (c->duration_ms / 1000.0),
             r->info.neurons_inh ? (double)r->info.spikes_inh / r->info.neurons_inh /
                                       (c->duration_ms / 1000.0)
                                 : 0.0);
    /* the rhythms the papers name: alpha and gamma, where the spectrum has them */
    st_net_peak marks[2];
    const char *names[2];
    size_t nm = 0;
    const struct { const char *name; double lo, hi; } bands[2] = {{"alpha", 4.0, 14.0},
                                                                  {"gamma", 25.0, 80.0}};
    const st_net_psd *psd = &r->sum.psd;
    for (int b = 0; b < 2 && psd->n; b++)
        if (st_net_psd_rhythm(psd, bands[b].lo, bands[b].hi, &marks[nm]))
            names[nm++] = bands[b].name;
    st_net_figure f = {.title = title, .raster = &r->raster, .neurons = r->info.neurons,
                       .n_exc = r->info.neurons_exc, .dt_ms = c->net.dt_ms,
                       .steps = c->steps, .rate_hz = r->sum.rate_hz, .psd = psd->n ? psd : NULL,
                       .peaks = marks, .peak_names = names, .n_peaks = nm};
    st_error err = {0};
    if (st_net_figure_save(&f, path, &err))
        return cli_report(&err);
    return CLI_OK;
}

static int write_sound(const char *path, const config *c, const result *r)
{
    float *y = NULL;
    size_t n = 0;
    st_error err = {0};
    if (st_net_sonify(&r->raster, r->info.neurons, c->net.dt_ms, c->steps, SOUND_RATE_HZ, &y,
                      &n, &err))
        return cli_report(&err);
    st_status st = st_audio_write(path, y, n, SOUND_RATE_HZ, ST_WAV_FLOAT32, NULL, &err);
    st_free(y);
    return st ? cli_report(&err) : CLI_OK;
}

static double rate_of(uint64_t spikes, uint32_t neurons, double duration_ms)
{
    return neurons ? (double)spikes / neurons / (duration_ms / 1000.0) : 0.0;
}

static void print_json(const opts *o, const config *c, const result *r)
{
    st_json j;
    st_json_init(&j, stdout);
    st_json_object_begin(&j, NULL);
    st_report_network(&j, &c->net, c->steps, c->duration_ms, &r->info, r->build_s, r->wall_s,
                      &r->sum, r->has_weights ? r->weights : NULL);
    bool list = r->raster.count <= JSON_MAX_SPIKES;
    st_json_bool(&j, "spike_lists_complete", list);
    st_json_array_begin(&j, "spike_times_ms", true);
    for (size_t i = 0; list && i < r->raster.count; i++)
        st_json_number(&j, NULL, (double)r->raster.stamp[i] * c->net.dt_ms);
    st_json_array_end(&j);
    st_json_array_begin(&j, "spike_neurons", true);
    for (size_t i = 0; list && i < r->raster.count; i++)
        st_json_uint(&j, NULL, r->raster.id[i]);
    st_json_array_end(&j);
    st_json_object_begin(&j, "files");
    st_json_string(&j, "spikes", o->spikes);
    st_json_string(&j, "raster", o->raster);
    st_json_string(&j, "sound", o->sound);
    st_json_object_end(&j);
    st_json_object_end(&j);
    fputc('\n', stdout);
}

static void print_summary(const opts *o, const config *c, const result *r)
{
    const st_net_info *in = &r->info;
    printf("%s: %u neurons, %llu synapses, %g ms: %llu spikes, %.2f Hz excitatory, %.2f Hz "
           "inhibitory\n",
           c->net.name, (unsigned)in->neurons, (unsigned long long)in->synapses,
           c->duration_ms, (unsigned long long)in->spikes,
           rate_of(in->spikes_exc, in->neurons_exc, c->duration_ms),
           rate_of(in->spikes_inh, in->neurons_inh, c->duration_ms));
    const st_net_summary *s = &r->sum;
    if (s->n_peaks) {
        char a[32] = "none", g[32] = "none";
        if (!isnan(s->alpha_hz))
            snprintf(a, sizeof a, "%.1f Hz", s->alpha_hz);
        if (!isnan(s->gamma_hz))
            snprintf(g, sizeof g, "%.1f Hz", s->gamma_hz);
        printf("rhythms: alpha %s, gamma %s (strongest spectral peak %.1f Hz)\n", a, g,
               s->peaks[0].freq_hz);
    }
    printf("run: %.3f s wall for %g s of model time on %d thread%s x %d process%s "
           "(%.3g synaptic events/s); built in %.3f s\n",
           r->wall_s, c->duration_ms / 1000.0, in->threads, in->threads == 1 ? "" : "s",
           in->ranks, in->ranks == 1 ? "" : "es",
           r->wall_s > 0.0 ? (double)in->events / r->wall_s : 0.0, r->build_s);
    if (o->spikes)
        printf("wrote spikes %s\n", o->spikes);
    if (o->raster)
        printf("wrote raster %s\n", o->raster);
    if (o->sound)
        printf("wrote sound %s\n", o->sound);
}

static int report(const opts *o, const config *c, result *r)
{
    int rc = analyse(c, r);
    if (!rc && o->spikes)
        rc = write_spikes(o->spikes, c, &r->raster);
    if (!rc && o->raster)
        rc = write_raster(o->raster, c, r);
    if (!rc && o->sound)
        rc = write_sound(o->sound, c, r);
    if (!rc && o->json)
        print_json(o, c, r);
    else if (!rc && !o->quiet)
        print_summary(o, c, r);
    return rc;
}

/* ---- the command ---------------------------------------------------------------------------- */

int cmd_network(int argc, char **argv)
{
    group g = {.rank = 0, .saved_err = -1};
    st_error err = {0};
    if (st_net_mpi_start(&g.comm, &g.on, &err))
        return cli_report(&err);
    g.rank = g.on ? g.comm.rank : 0;
    quiet_begin(&g);
    opts o;
    config c;
    result r;
    memset(&r, 0, sizeof r);
    int rc = parse_args(argc, argv, &o);
    if (!rc)
        rc = build_config(&o, &c);
    if (!rc && g.rank == 0) {
        warn_threads(&c);
        rc = check_outputs(&o);
    }
    quiet_end(&g);
    rc = rc < 0 ? rc : agree(&g, rc);
    if (!rc)
        rc = simulate(&o, &c, &g, &r);
    if (!rc && g.rank == 0)
        rc = report(&o, &c, &r);
    rc = rc < 0 ? CLI_OK : agree(&g, rc);
    st_net_raster_free(&r.raster);
    st_net_summary_free(&r.sum);
    st_net_mpi_stop();
    return rc;
}
