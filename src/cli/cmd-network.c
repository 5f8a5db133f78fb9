/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk network`: the published Izhikevich networks, on threads and (under mpirun) on
 * several processes, or listening to a sound through an auditory filterbank (cortex.h); spikes,
 * a raster figure, the sound of the run, and a JSON summary. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
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
#define DEFAULT_BLOCK 1024u          /* samples per st_cortex_process call (any gives the same) */
#define MAX_BLOCK 1000000000u
/* The spikes a run keeps, for the memory estimate: 12 bytes each, at this mean rate. */
#define EXPECTED_RATE_HZ 10.0
#define EXPECTED_RATE_LISTENING_HZ 20.0

typedef struct opts {
    st_net_options n;           /* the network (the library's rules: st_net_configure) */
    st_cortex_options b;        /* its bands, with --input (st_cortex_configure) */
    const char *input, *block, *max_memory;
    const char *spikes, *raster, *sound;
    bool json, quiet;
} opts;

typedef struct config {
    st_net_config net;
    uint64_t steps;
    double duration_ms;
    /* a network that listens (--input) */
    bool listen;
    st_cortex_config cx;
    size_t block;
} config;

/* Everything a run produced, on the first process. */
typedef struct result {
    st_net_info info;
    st_net_raster raster;
    double build_s, wall_s;
    st_net_summary sum;         /* population rate, spectrum, rhythms */
    double weights[ST_NET_WEIGHT_BINS];
    bool has_weights;
    /* a network that listened */
    st_audio in;
    float *sound;               /* its answer, in.n samples */
    double band_hz[ST_FB_MAX_BANDS];
    uint32_t band_first[ST_FB_MAX_BANDS + 1];
    double band_rate_hz[ST_FB_MAX_BANDS];
} result;

/* ---- help ----------------------------------------------------------------------------------- */

static void help(FILE *f)
{
    fputs(
        "usage: spiketalk network [--net izh2003|izh2006] [--neurons N] [--synapses K]\n"
        "                         [--model izhikevich|izh2007|hh] [--duration MS] [--seed S]\n"
        "                         [--threads T]\n"
        "                         [--spikes F.csv] [--raster F.png|svg|pdf] [--sound F.wav]\n"
        "                         [--json] [--quiet] [--max-memory SIZE]\n"
        "       spiketalk network --input IN.wav [--bands 16] [BAND OPTIONS] [OPTIONS]\n"
        "       mpirun -np P spiketalk network ...      (several processes, when built with MPI)\n"
        "\n"
        "Runs one of the two published networks of Izhikevich neurons, 1 ms steps (v in two\n"
        "half steps of 0.5 ms, then u), and reports its spikes, rates and rhythms. With --input\n"
        "the network listens to a sound: an auditory filterbank splits it into bands, and each\n"
        "band drives its own group of excitatory neurons, one network step per millisecond of\n"
        "sound (the same engine as `spiketalk live --net`).\n"
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
        "  --model M        the neurons' model, the same network [izhikevich: the papers'\n"
        "                   2003 form]. izh2007: the same cells in the 2007 book form\n"
        "                   (C = 1, k = 0.04, vr and vt the roots of 0.04 v^2 + 5 v + 140),\n"
        "                   run by that form's own step: a change of variables that keeps\n"
        "                   the paper's rates and rhythms. hh: Hodgkin-Huxley neurons\n"
        "                   (NEURON's hh at 6.3 degC, RK4 in twenty 0.05 ms substeps, a spike\n"
        "                   an upward crossing of 0 mV), the currents kept as mV/ms (times\n"
        "                   Cm = 1 uF/cm2); with net.m's weights and no adaptation they lock\n"
        "                   into volleys near 60 Hz, and take about 4 s per simulated second\n"
        "                   for 1000 neurons. --json lists each population's model, unit,\n"
        "                   scheme and gain\n",
        ST_NET_DEFAULT_NET, (unsigned)ST_NET_MAX_NEURONS);
    fprintf(f,
        "  --duration MS    model time in ms [%g]\n"
        "  --seed S         random seed, 0 to 2^64 - 1 [1]. Every random number is drawn from\n"
        "                   (seed, neuron or synapse, step) by a counter-based generator, so the\n"
        "                   spikes are the same for any --threads and any number of processes\n"
        "  --threads T      threads [1]; each owns a slice of the neurons and their synapses\n"
        "  --max-memory SIZE  refuse a run whose estimate (synapses, state, the spikes kept) is\n"
        "                   larger (e.g. 512M, 4G) [half the physical memory]\n"
        "\n"
        "Listening (--input):\n"
        "  --input IN       a sound file (any format libsndfile reads, mixed to mono); its\n"
        "                   length sets the run: one step per millisecond (no --duration)\n"
        "  --bands N        gammatone bands, 1 to %d [16]: 4th order, ERB bandwidths\n"
        "                   (24.7 (4.37 f/1000 + 1) Hz), as four cascaded complex one-pole\n"
        "                   sections; band j drives the j-th of N equal groups of excitatory\n"
        "                   neurons, the lowest band the lowest ids\n"
        "  --fmin HZ, --fmax HZ  the lowest and highest centre frequencies [100, 8000]\n"
        "  --spacing erb|log  centres even on the ERB-rate scale, or on a log scale [erb]\n"
        "  --drive add|replace  the bands on top of the network's thalamic noise, or instead\n"
        "                   of it (then silence leaves the network silent) [add]\n"
        "  --gain G         a band's current I = G min(env / ref, 2), ref a peak-hold of the\n"
        "                   loudest band's sustained envelope: the single neuron's rule [10]\n"
        "  --gate MODE, --gate-k K  the noise gate on the sound, as `process` [adaptive, 3]\n"
        "  --block N        samples per step of the engine; any N gives the same result [%u]\n"
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
        "                   and gamma as a buzz. With --input, at the input's rate: a vocoder,\n"
        "                   each band's centre frequency as a sine whose amplitude is its\n"
        "                   group's rate (100 Hz = full, smoothed over 10 ms), the bands summed,\n"
        "                   scaled by 1/sqrt(N) and soft-limited like the single neuron's sound\n"
        "  --json           one JSON object on stdout: the network (neurons, synapses, delays,\n"
        "                   seed), spike_count, rate_hz, rate_hz_exc, rate_hz_inh, the power\n"
        "                   spectrum's peaks (spectral_peaks, rhythms: alpha_hz, gamma_hz),\n"
        "                   threads, ranks, build_s, wall_s (the run alone), exchange_s\n"
        "                   (of it, the spike exchanges: with MPI, the all-gathers),\n"
        "                   synaptic_events_per_s, weight_histogram (izh2006), spike_times_ms\n"
        "                   and spike_neurons (up to %u spikes); with --input also input,\n"
        "                   input_rate_hz, input_samples, bands, band_hz, band_first_neuron,\n"
        "                   band_neurons, band_rate_hz, drive, gain, gate\n"
        "  --quiet          no progress line and no summary (errors still go to stderr)\n",
        ST_NET_DEFAULT_DURATION_MS, ST_FB_MAX_BANDS, DEFAULT_BLOCK, JSON_MAX_SPIKES);
    fputs("\n"
        "Several processes: 'mpirun -np P spiketalk network ...' splits the neurons into P\n"
        "consecutive ranges; each process keeps the synapses onto its neurons and all exchange\n"
        "the ids that fired every minimum delay (1 ms here). Process 0 writes the outputs;\n"
        "the spikes, and the files made of them, are those of a one-process run byte for\n"
        "byte. As root, Open MPI wants --allow-run-as-root; more processes than cores,\n"
        "--oversubscribe. A network that listens (--input) runs on one process.\n"
        "\n"
        "Examples:\n"
        "  spiketalk network --raster net.png                 # the 2003 figure, 1000 neurons\n"
        "  spiketalk network --neurons 10000 --threads 2 --json\n"
        "  spiketalk network --net izh2006 --duration 60000 --raster poly.png --sound poly.wav\n"
        "  mpirun -np 2 spiketalk network --neurons 100000 --duration 200 --json\n"
        "  spiketalk network --input data/demo-voice.wav --bands 16 --raster r.png --sound o.wav\n"
        "\n"
        "E. M. Izhikevich, IEEE Trans. Neural Networks 14:1569-1572 (2003);\n"
        "Neural Computation 18:245-282 (2006).\n", f);
}

/* ---- arguments ------------------------------------------------------------------------------ */

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    const cli_opt table[] = {
        {"--net", &o->n.net, NULL},           {"--neurons", &o->n.neurons, NULL},
        {"--synapses", &o->n.synapses, NULL}, {"--duration", &o->n.duration, NULL},
        {"--seed", &o->n.seed, NULL},         {"--threads", &o->n.threads, NULL},
        {"--model", &o->n.model, NULL},
        {"--spikes", &o->spikes, NULL},       {"--raster", &o->raster, NULL},
        {"--sound", &o->sound, NULL},         {"--json", NULL, &o->json},
        {"--quiet", NULL, &o->quiet},         {"--max-memory", &o->max_memory, NULL},
        {"--input", &o->input, NULL},         {"--bands", &o->b.bands, NULL},
        {"--fmin", &o->b.fmin, NULL},         {"--fmax", &o->b.fmax, NULL},
        {"--spacing", &o->b.spacing, NULL},   {"--drive", &o->b.drive, NULL},
        {"--gain", &o->b.gain, NULL},         {"--gate", &o->b.gate, NULL},
        {"--gate-k", &o->b.gate_k, NULL},     {"--block", &o->block, NULL}};
    return cli_parse(argc, argv, table, sizeof table / sizeof table[0], "network", help, NULL,
                     NULL);
}

/* The first of the bands' flags given, for a message. */
static const char *band_flag(const opts *o)
{
    const st_cortex_options *b = &o->b;
    return b->bands ? "--bands" : b->fmin ? "--fmin" : b->fmax ? "--fmax"
         : b->spacing ? "--spacing" : b->drive ? "--drive" : b->gain ? "--gain"
         : b->gate ? "--gate" : b->gate_k ? "--gate-k" : "--block";
}

/* The rate the bands' flags are checked at before the input is read: the highest a file may
 * have, so that only the input's own rate can refuse a frequency. */
#define ANY_RATE_HZ 10000000.0

/* The run the flags ask for: the library's rules and messages (st_net_configure, and
 * st_cortex_configure for a network that listens). */
static int build_config(const opts *o, config *c)
{
    memset(c, 0, sizeof *c);
    c->listen = o->input != NULL;
    if (!c->listen && (st_cortex_options_given(&o->b) || o->block)) {
        cli_error("%s: needs --input (the bands split a sound)", band_flag(o));
        return CLI_USAGE;
    }
    if (c->listen && o->n.duration) {
        cli_error("--duration: the input's length sets the run (one step per millisecond of "
                  "sound); leave --duration out");
        return CLI_USAGE;
    }
    st_error err = {0};
    if (st_net_configure(&o->n, &c->net, &c->steps, &c->duration_ms, &err))
        return cli_report(&err);
    uint64_t x = DEFAULT_BLOCK;
    if (o->block && st_parse_whole("--block", o->block, 1, MAX_BLOCK, &x, &err))
        return cli_report(&err);
    c->block = (size_t)x;
    /* the bands' own rules, whatever the input's rate will be */
    if (c->listen && st_cortex_configure(&o->b, &c->net, ANY_RATE_HZ, &c->cx, &err))
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

/* The memory a run needs: the network on this process, the spikes kept, and a listening
 * network's sound in and out and its bands. */
static uint64_t run_memory(const config *c, int ranks, size_t samples)
{
    double neurons = (double)st_net_config_neurons(&c->net);
    double rate = c->listen ? EXPECTED_RATE_LISTENING_HZ : EXPECTED_RATE_HZ;
    double bytes = (double)(c->listen ? st_cortex_memory(&c->cx) : st_net_memory(&c->net)) /
                   (double)(ranks > 0 ? ranks : 1);
    bytes += neurons * rate * c->duration_ms / 1000.0 * 12.0 + 8.0 * (double)c->steps;
    bytes += 8.0 * (double)samples;
    return bytes < 1.8e19 ? (uint64_t)bytes : UINT64_MAX;
}

/* Every output checked before the work: writable, none the input or another output. */
static int check_outputs(const opts *o)
{
    int rc;
    if ((o->input && (rc = cli_outputs_input("input", o->input))) ||
        (rc = cli_outputs_add("--spikes", o->spikes, CLI_OUT_FILE, 0)) ||
        (rc = cli_outputs_add("--raster", o->raster, CLI_OUT_PLOT, 0)) ||
        (rc = cli_outputs_add("--sound", o->sound, CLI_OUT_WAV, 0)))
        return rc;
    return cli_outputs_check_space();
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

static int spike_record_failed(const st_net_recorder *rec)
{
    cli_error("network: out of memory for the spike record (%zu spikes kept; see --max-memory)",
              rec->raster->count);
    return CLI_FAIL;
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
    st_net_recorder rec = {&res->raster, false};
    cli_progress meter;
    cli_progress_start(&meter, "network", "ms", c->duration_ms, o->quiet || g->rank != 0);
    double t1 = now_s();
    for (uint64_t k = 0; k < c->steps && !st;) {
        uint64_t m = c->steps - k < CHUNK_STEPS ? c->steps - k : CHUNK_STEPS;
        st = st_net_run(net, m, g->rank == 0 ? st_net_record : NULL, &rec, &err);
        k += m;
        cli_progress_update(&meter, (double)k * c->net.dt_ms);
    }
    res->wall_s = now_s() - t1;
    cli_progress_end(&meter);
    rc = st ? cli_report(&err) : CLI_OK;
    if (!rc && rec.failed)
        rc = spike_record_failed(&rec);
    st_net_get_info(net, &res->info);
    if (!st && net && res->info.synapses_plastic) {
        if (st_net_weight_histogram(net, 0.0, c->net.stdp.w_max, ST_NET_WEIGHT_BINS, res->weights,
                                    &err))
            rc = rc ? rc : cli_report(&err);
        res->has_weights = true;
    }
    st_net_free(net);
    return agree(g, rc);
}

/* A network that listens: the input read and checked at its rate, then the engine over it in
 * blocks, its answer kept for --sound. */
static int prepare_listening(const opts *o, config *c, result *res)
{
    st_error err = {0};
    if (st_audio_read(o->input, &res->in, &err))
        return cli_report(&err);
    if (st_cortex_configure(&o->b, &c->net, res->in.fs_hz, &c->cx, &err))
        return cli_report(&err);
    int rc;
    /* step k ends at sample floor((k + 1) fs / 1000) (cortex.h): the steps n samples hold */
    c->steps = ((uint64_t)res->in.n + 1u) * 1000u - 1u;
    c->steps /= (uint64_t)res->in.fs_hz;
    if (c->steps == 0) {
        cli_error("--input: %s lasts %zu samples at %g Hz, less than the 1 ms of one network "
                  "step", o->input, res->in.n, res->in.fs_hz);
        return CLI_USAGE;
    }
    c->duration_ms = (double)c->steps * c->net.dt_ms;
    if ((rc = cli_memory_check("--input", "the run", run_memory(c, 1, res->in.n))))
        return rc;
    cli_outputs_expect(o->sound, 64 + 4 * (uint64_t)res->in.n);
    return cli_outputs_check_space();
}

static int listen(const opts *o, config *c, result *res)
{
    st_error err = {0};
    st_cortex *cx = NULL;
    double t0 = now_s();
    if (st_cortex_create(&c->cx, &cx, &err))
        return cli_report(&err);
    res->build_s = now_s() - t0;
    size_t n = res->in.n;
    res->sound = malloc((n ? n : 1) * sizeof *res->sound);
    if (!res->sound) {
        st_cortex_destroy(cx);
        cli_error("--input: out of memory for the answer (%zu samples)", n);
        return CLI_FAIL;
    }
    st_net_recorder rec = {&res->raster, false};
    cli_progress meter;
    cli_progress_start(&meter, "network", "s of sound", (double)n / res->in.fs_hz, o->quiet);
    double t1 = now_s();
    for (size_t at = 0; at < n && !rec.failed; at += c->block) {
        size_t m = n - at < c->block ? n - at : c->block;
        st_cortex_process(cx, res->in.x + at, res->sound + at, m, st_net_record, &rec);
        cli_progress_update(&meter, (double)(at + m) / res->in.fs_hz);
    }
    res->wall_s = now_s() - t1;
    cli_progress_end(&meter);
    int rc = CLI_OK;
    if (st_cortex_fault(cx, &err))
        rc = cli_report(&err);
    else if (rec.failed)
        rc = spike_record_failed(&rec);
    st_net_get_info(st_cortex_net(cx), &res->info);
    st_cortex_stats stats;
    st_cortex_stats_get(cx, &stats);
    c->steps = stats.steps; /* the same as prepare_listening's count, from the engine itself */
    c->duration_ms = (double)c->steps * c->net.dt_ms;
    for (size_t j = 0; j < c->cx.bank.bands; j++) {
        uint32_t first, count;
        st_cortex_group(cx, j, &first, &count);
        res->band_hz[j] = st_cortex_band_hz(cx, j);
        res->band_first[j] = first;
        res->band_first[j + 1] = first + count;
    }
    st_cortex_destroy(cx);
    return rc;
}

static int analyse(const config *c, result *r)
{
    st_error err = {0};
    if (st_net_summarise(&r->raster, r->info.neurons, c->net.dt_ms, c->steps, &r->sum, &err))
        return cli_report(&err);
    if (c->listen) { /* each band's group: its mean rate over the run */
        size_t bands = c->cx.bank.bands;
        uint64_t counts[ST_FB_MAX_BANDS] = {0};
        for (size_t i = 0; i < r->raster.count; i++) {
            uint32_t id = r->raster.id[i];
            if (id >= r->band_first[bands])
                continue;
            size_t j = 0;
            while (id >= r->band_first[j + 1])
                j++;
            counts[j]++;
        }
        for (size_t j = 0; j < bands; j++)
            r->band_rate_hz[j] = (double)counts[j] /
                                 (double)(r->band_first[j + 1] - r->band_first[j]) /
                                 (c->duration_ms / 1000.0);
    }
    return CLI_OK;
}

/* ---- outputs --------------------------------------------------------------------------------- */

static int write_spikes(const char *path, const config *c, const st_net_raster *r)
{
    FILE *f = cli_outputs_open(path); /* committed with the other outputs */
    if (!f)
        return CLI_FAIL;
    st_net_raster_print(f, r, c->net.dt_ms);
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


/* The network's name, with its neurons' model when it is not the papers' 2003 form. */
static const char *net_name(const st_net_config *n, char *buf, size_t size)
{
    st_model_id model = n->pop[0].model;
    if (model == ST_MODEL_IZH)
        snprintf(buf, size, "%s", n->name);
    else
        snprintf(buf, size, "%s (%s neurons)", n->name, st_model_get(model)->name);
    return buf;
}
static int write_raster(const char *path, const opts *o, const config *c, const result *r)
{
    char title[320], nn[32], ns[32], name[64];
    double secs = c->duration_ms / 1000.0;
    net_name(&c->net, name, sizeof name);
    double exc = (double)r->info.spikes_exc / r->info.neurons_exc / secs;
    double inh = r->info.neurons_inh ? (double)r->info.spikes_inh / r->info.neurons_inh / secs
                                     : 0.0;
    if (c->listen) {
        const char *base = strrchr(o->input, '/');
        snprintf(title, sizeof title,
                 "%s, %s neurons, seed %llu, hears %s through %zu bands, drive %s (%.2f Hz "
                 "excitatory, %.2f Hz inhibitory)",
                 name, grouped(nn, sizeof nn, r->info.neurons),
                 (unsigned long long)c->net.seed, base ? base + 1 : o->input,
                 c->cx.bank.bands, st_net_drive_name(c->cx.drive), exc, inh);
    } else {
        snprintf(title, sizeof title,
                 "%s: %s neurons, %s synapses, seed %llu, %g ms (%.2f Hz excitatory, %.2f Hz "
                 "inhibitory)",
                 name, grouped(nn, sizeof nn, r->info.neurons),
                 grouped(ns, sizeof ns, r->info.synapses), (unsigned long long)c->net.seed,
                 c->duration_ms, exc, inh);
    }
    /* the rhythms the papers name: alpha and gamma, where the spectrum has them */
    st_net_peak marks[2];
    const char *names[2];
    const st_net_psd *psd = &r->sum.psd;
    size_t nm = st_net_rhythms(psd, marks, names);
    st_net_figure f = {.title = title, .raster = &r->raster, .neurons = r->info.neurons,
                       .n_exc = r->info.neurons_exc, .dt_ms = c->net.dt_ms,
                       .steps = c->steps, .rate_hz = r->sum.rate_hz, .psd = psd->n ? psd : NULL,
                       .peaks = marks, .peak_names = names, .n_peaks = nm};
    if (c->listen) {
        f.whole = true;
        f.sound = r->in.x;
        f.sound_n = r->in.n;
        f.sound_fs_hz = r->in.fs_hz;
        f.band_hz = r->band_hz;
        f.band_first = r->band_first;
        f.bands = c->cx.bank.bands;
    }
    st_figure *fig = NULL;
    st_error err = {0};
    st_status built = st_net_figure_build(&f, &fig, &err);
    return cli_save_figure(built, fig, path, &err);
}

/* The run as sound, into the output's temporary file (committed with the others). */
static int write_sound(const char *path, const config *c, const result *r)
{
    const char *tmp = cli_outputs_temp(path);
    if (!tmp)
        return CLI_FAIL;
    float *y = r->sound;
    size_t n = r->in.n;
    double fs = r->in.fs_hz;
    st_error err = {0};
    if (!c->listen) {
        fs = SOUND_RATE_HZ;
        y = NULL;
        if (st_net_sonify(&r->raster, r->info.neurons, c->net.dt_ms, c->steps, fs, &y, &n,
                          &err))
            return cli_report(&err);
    }
    st_status st = st_audio_write(tmp, y, n, fs, ST_WAV_FLOAT32, NULL, &err);
    if (!c->listen)
        st_free(y);
    if (st)
        cli_outputs_fix_message(&err);
    return st ? cli_report(&err) : CLI_OK;
}

static double rate_of(uint64_t spikes, uint32_t neurons, double duration_ms)
{
    return neurons ? (double)spikes / neurons / (duration_ms / 1000.0) : 0.0;
}

/* What a listening network heard and how its bands drove it. */
static void json_listening(st_json *j, const opts *o, const config *c, const result *r)
{
    const st_cortex_config *x = &c->cx;
    st_json_string(j, "input", o->input);
    st_json_string(j, "input_format", r->in.format);
    st_json_number(j, "input_rate_hz", r->in.fs_hz);
    st_json_uint(j, "input_samples", r->in.n);
    st_json_uint(j, "block", c->block);
    st_report_cortex(j, x, r->band_hz, r->band_first, r->band_rate_hz);
}

static void print_json(const opts *o, const config *c, const result *r)
{
    st_json j;
    st_json_init(&j, stdout);
    st_json_object_begin(&j, NULL);
    st_report_network(&j, &c->net, c->steps, c->duration_ms, &r->info, r->build_s, r->wall_s,
                      &r->sum, r->has_weights ? r->weights : NULL);
    if (c->listen)
        json_listening(&j, o, c, r);
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
    char name[64];
    printf("%s: %u neurons, %llu synapses, %g ms: %llu spikes, %.2f Hz excitatory, %.2f Hz "
           "inhibitory\n",
           net_name(&c->net, name, sizeof name), (unsigned)in->neurons, (unsigned long long)in->synapses,
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
    if (c->listen) {
        printf("heard: %s, %.3f s at %g Hz through %zu bands (%.0f to %.0f Hz, drive %s); "
               "group rates",
               o->input, (double)r->in.n / r->in.fs_hz, r->in.fs_hz, c->cx.bank.bands,
               c->cx.bank.fmin_hz, c->cx.bank.fmax_hz, st_net_drive_name(c->cx.drive));
        for (size_t b = 0; b < c->cx.bank.bands; b++)
            printf(" %.1f", r->band_rate_hz[b]);
        printf(" Hz\n");
    }
    if (o->spikes)
        printf("wrote spikes %s\n", o->spikes);
    if (o->raster)
        printf("wrote raster %s\n", o->raster);
    if (o->sound)
        printf("wrote sound %s\n", o->sound);
}

/* The analysis, the outputs (to their temporary files, then all renamed together), the words. */
static int report(const opts *o, const config *c, result *r)
{
    int rc = analyse(c, r);
    if (!rc && o->spikes)
        rc = write_spikes(o->spikes, c, &r->raster);
    if (!rc && o->raster)
        rc = write_raster(o->raster, o, c, r);
    if (!rc && o->sound)
        rc = write_sound(o->sound, c, r);
    if (!rc)
        rc = cli_outputs_commit(); /* all of them, or none */
    if (!rc && o->json)
        print_json(o, c, r);
    else if (!rc && !o->quiet)
        print_summary(o, c, r);
    return rc;
}

/* ---- the command ---------------------------------------------------------------------------- */

/* Before the outputs are declared: the memory a run needs within the limit (a listening
 * network's network alone: its input's length is not known yet), and a listening network on
 * one process only. */
static int check_memory(const group *g, const config *c)
{
    if (!c->listen)
        return cli_memory_check("--neurons", "the network",
                                run_memory(c, g->on ? g->comm.size : 1, 0));
    if (g->on && g->comm.size > 1) {
        cli_error("--input: a network that listens runs on one process (run it without "
                  "mpirun; --threads splits it)");
        return CLI_USAGE;
    }
    return cli_memory_check("--neurons", "the network", st_net_memory(&c->net));
}

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
    if (!rc && o.max_memory)
        rc = cli_memory_option(o.max_memory);
    if (!rc)
        rc = build_config(&o, &c);
    if (!rc)
        rc = check_memory(&g, &c);
    if (!rc && g.rank == 0) {
        warn_threads(&c);
        rc = check_outputs(&o);
    }
    if (!rc && c.listen)
        rc = prepare_listening(&o, &c, &r);
    quiet_end(&g);
    rc = rc < 0 ? rc : agree(&g, rc);
    if (!rc)
        rc = c.listen ? listen(&o, &c, &r) : simulate(&o, &c, &g, &r);
    if (!rc && g.rank == 0)
        rc = report(&o, &c, &r);
    rc = rc < 0 ? CLI_OK : agree(&g, rc);
    cli_outputs_abort(); /* a run that did not commit leaves nothing behind */
    st_net_raster_free(&r.raster);
    st_net_summary_free(&r.sum);
    free(r.sound);
    st_audio_free(&r.in);
    st_net_mpi_stop();
    return rc;
}
