/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small LV2 host on lilv for the plugin's tests, with a worker (LV2 worker extension) run
 * between blocks, as a host's worker thread would, so that every path of the plugin runs.
 *
 *   lv2-host torture        silence, an impulse, DC, full-scale squares, denormals, NaN, Inf,
 *                           noise and huge values, at several rates and block sizes, every
 *                           control swept across (and beyond) its range at every block: no
 *                           NaN or Inf out, the output within [-1, 1], the latency port one
 *                           of the algorithmic delays. Under the real-time guard (LD_PRELOAD
 *                           rt-guard.so) run(), work_response() and end_run() are checked: no
 *                           allocation, lock, sleep or output in them.
 *   lv2-host controls       the controls act: a new cell changes the sound at once; a new
 *                           envelope arrives through the worker with its latency (88 for the
 *                           FIR Hilbert); clicks are silent between spikes; mix 0 is the input
 *   lv2-host lifecycle N    N times: instantiate, activate, run (with a rebuild in the
 *                           worker), deactivate, activate, run, deactivate, free; the heap
 *                           must not grow (and the sanitizer build finds any leak)
 *   lv2-host apply IN OUT BLOCK [SYMBOL VALUE]...
 *                           the plugin over IN in blocks of BLOCK, into OUT (32-bit float)
 *   lv2-host f32 IN OUT     IN as a 32-bit float WAV (for lv2apply, which writes its input's
 *                           format)
 *   lv2-host same A B       A and B hold the same samples, bit for bit
 * LV2_PATH selects the bundle. Exit status 1 on a failed check, with a message on stderr. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lilv/lilv.h>
#include <lv2/worker/worker.h>

#include "spiketalk/audio.h"

#define URI "urn:spiketalk:neuron"
#define MAX_BLOCK 4096
#define MAX_JOBS 16
#define JOB_SIZE 256

/* ---- the host -------------------------------------------------------------------------------- */

typedef struct job {
    uint32_t size;
    unsigned char data[JOB_SIZE];
} job;

/* Fixed queues: schedule_work and respond run inside the guarded section. */
typedef struct queue {
    job jobs[MAX_JOBS];
    int n;
} queue;

typedef struct host {
    LilvWorld *world;
    const LilvPlugin *plugin;
    LilvInstance *inst;
    const LV2_Worker_Interface *worker;
    LV2_Worker_Schedule schedule;
    LV2_Feature feature;
    const LV2_Feature *features[2];
    queue requests, responses;
    uint32_t n_ports;
    float *ctl;               /* one value per port (controls) */
    float in[MAX_BLOCK], out[MAX_BLOCK];
    void (*guard)(int);       /* the real-time guard, when preloaded */
    unsigned long runs;
} host;

static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("lv2-host: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

static LV2_Worker_Status push(queue *q, uint32_t size, const void *data)
{
    if (q->n == MAX_JOBS || size > JOB_SIZE)
        return LV2_WORKER_ERR_NO_SPACE;
    q->jobs[q->n].size = size;
    memcpy(q->jobs[q->n].data, data, size);
    q->n++;
    return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status schedule_work(LV2_Worker_Schedule_Handle h, uint32_t size,
                                       const void *data)
{
    return push(&((host *)h)->requests, size, data);
}

static LV2_Worker_Status respond(LV2_Worker_Respond_Handle h, uint32_t size, const void *data)
{
    return push(&((host *)h)->responses, size, data);
}

static void guard(host *h, int on)
{
    if (h->guard)
        h->guard(on);
}

static int port_index(const host *h, const char *symbol)
{
    LilvNode *sym = lilv_new_string(h->world, symbol);
    const LilvPort *p = lilv_plugin_get_port_by_symbol(h->plugin, sym);
    lilv_node_free(sym);
    if (!p) {
        fprintf(stderr, "lv2-host: the plugin has no port '%s'\n", symbol);
        exit(1);
    }
    return (int)lilv_port_get_index(h->plugin, p);
}

/* Loads the world and finds the plugin (LV2_PATH decides where). */
static void host_open(host *h, bool with_worker)
{
    memset(h, 0, sizeof *h);
    h->world = lilv_world_new();
    lilv_world_load_all(h->world);
    LilvNode *uri = lilv_new_uri(h->world, URI);
    h->plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(h->world), uri);
    lilv_node_free(uri);
    if (!h->plugin) {
        fprintf(stderr, "lv2-host: %s not found on LV2_PATH\n", URI);
        exit(1);
    }
    h->n_ports = lilv_plugin_get_num_ports(h->plugin);
    h->ctl = calloc(h->n_ports, sizeof *h->ctl);
    float *def = calloc(h->n_ports, sizeof *def);
    lilv_plugin_get_port_ranges_float(h->plugin, NULL, NULL, def);
    for (uint32_t i = 0; i < h->n_ports; i++)
        h->ctl[i] = isnan(def[i]) ? 0.0f : def[i];
    free(def);
    h->schedule = (LV2_Worker_Schedule){h, schedule_work};
    h->feature = (LV2_Feature){LV2_WORKER__schedule, &h->schedule};
    h->features[0] = with_worker ? &h->feature : NULL;
    h->features[1] = NULL;
    void *sym = dlsym(RTLD_DEFAULT, "spiketalk_rt_guard");
    memcpy(&h->guard, &sym, sizeof sym);
}

static void host_instantiate(host *h, double fs)
{
    h->inst = lilv_plugin_instantiate(h->plugin, fs, h->features);
    if (!h->inst) {
        fprintf(stderr, "lv2-host: instantiate failed at %g Hz\n", fs);
        exit(1);
    }
    h->worker = h->features[0] ? lilv_instance_get_extension_data(h->inst, LV2_WORKER__interface)
                               : NULL;
    for (uint32_t i = 0; i < h->n_ports; i++)
        lilv_instance_connect_port(h->inst, i, &h->ctl[i]);
    lilv_instance_connect_port(h->inst, (uint32_t)port_index(h, "in"), h->in);
    lilv_instance_connect_port(h->inst, (uint32_t)port_index(h, "out"), h->out);
}

static void host_free(host *h)
{
    lilv_instance_free(h->inst);
    h->inst = NULL;
}

static void host_close(host *h)
{
    free(h->ctl);
    lilv_world_free(h->world);
}

/* One block as a host's audio thread runs it, with the worker's turn between blocks. */
static void host_run(host *h, uint32_t n)
{
    guard(h, 1);
    lilv_instance_run(h->inst, n);
    guard(h, 0);
    h->runs++;
    if (!h->worker)
        return;
    for (int i = 0; i < h->requests.n; i++) /* the worker thread: it may allocate */
        h->worker->work(h->inst->lv2_handle, respond, h, h->requests.jobs[i].size,
                        h->requests.jobs[i].data);
    h->requests.n = 0;
    guard(h, 1);
    for (int i = 0; i < h->responses.n; i++)
        h->worker->work_response(h->inst->lv2_handle, h->responses.jobs[i].size,
                                 h->responses.jobs[i].data);
    h->responses.n = 0;
    if (h->worker->end_run)
        h->worker->end_run(h->inst->lv2_handle);
    guard(h, 0);
}

/* ---- signals ------------------------------------------------------------------------------------- */

enum { SILENCE, IMPULSE, DC, DC_NEG, SQUARE, SQUARE_SLOW, DENORMAL, NOISE, NAN_IN, INF_IN,
       HUGE_IN, MIXED, N_SIGNALS };
static const char *const signal_names[N_SIGNALS] = {
    "silence", "impulse", "DC 0.5", "DC -1", "full-scale square 100 Hz", "full-scale square 2 Hz",
    "denormals", "noise", "NaN", "Inf", "huge values", "speech-like bursts with NaN and Inf"};

static uint64_t rng = 88172645463325252u;

static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* Sample k of signal 'kind' at fs. */
static float sample(int kind, uint64_t k, double fs)
{
    double t = (double)k / fs;
    switch (kind) {
    case IMPULSE: return k == 4410 ? 1.0f : 0.0f;
    case DC: return 0.5f;
    case DC_NEG: return -1.0f;
    case SQUARE: return fmod(t * 100.0, 1.0) < 0.5 ? 1.0f : -1.0f;
    case SQUARE_SLOW: return fmod(t * 2.0, 1.0) < 0.5 ? 1.0f : -1.0f;
    case DENORMAL: return (k & 1 ? -1.0f : 1.0f) * 1e-40f * (float)(1 + k % 7);
    case NOISE: return (float)(2.0 * uniform() - 1.0);
    case NAN_IN: return k % 3 ? NAN : 0.25f;
    case INF_IN: return k % 2 ? INFINITY : -INFINITY;
    case HUGE_IN: return (k & 1 ? -3e38f : 3e38f);
    case MIXED: {
        if (k % 9973 == 17)
            return NAN;
        if (k % 7919 == 5)
            return -INFINITY;
        double env = fmod(t, 0.4) < 0.2 ? 0.8 : 0.001;
        return (float)(env * sin(2 * M_PI * 220.0 * t) * (0.7 + 0.3 * uniform()));
    }
    default: return 0.0f;
    }
}

/* ---- torture ------------------------------------------------------------------------------------- */

typedef struct sweep {
    int port;
    float min, max;
} sweep;

/* The value of control c at block b: across the range in uneven steps, with the ends, values
 * beyond them and NaN now and then. */
static float swept(const sweep *c, unsigned long b, int ci)
{
    unsigned long k = b * 7 + (unsigned long)ci * 3;
    switch (k % 11) {
    case 0: return c->min;
    case 1: return c->max;
    case 2: return c->min - 1.0f;
    case 3: return c->max + 5.0f;
    case 4: return k % 22 == 4 ? NAN : c->min;
    default: return c->min + (c->max - c->min) * (float)((k * 37) % 101) / 100.0f;
    }
}

static int torture(void)
{
    static const char *const symbols[] = {"cell", "gain", "envelope", "rectify", "gate",
                                          "sonify", "mix"};
    static const uint32_t blocks[] = {1, 3, 64, 100, 257, 1024, 4096};
    static const double rates[] = {44100, 48000, 8000, 96000};
    host h;
    host_open(&h, true);
    sweep sw[7];
    float *mins = calloc(h.n_ports, sizeof *mins), *maxs = calloc(h.n_ports, sizeof *maxs);
    lilv_plugin_get_port_ranges_float(h.plugin, mins, maxs, NULL);
    for (int i = 0; i < 7; i++) {
        sw[i].port = port_index(&h, symbols[i]);
        sw[i].min = mins[sw[i].port];
        sw[i].max = maxs[sw[i].port];
    }
    free(mins);
    free(maxs);
    int lat = port_index(&h, "latency");
    unsigned long checked = 0;
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        host_instantiate(&h, rates[r]);
        lilv_instance_activate(h.inst);
        for (int s = 0; s < N_SIGNALS; s++) {
            for (size_t bi = 0; bi < sizeof blocks / sizeof blocks[0]; bi++) {
                uint32_t n = blocks[bi];
                uint64_t total = (uint64_t)(0.25 * rates[r]), k = 0;
                unsigned long b = 0;
                while (k < total) {
                    for (int c = 0; c < 7; c++)
                        h.ctl[sw[c].port] = swept(&sw[c], b, c);
                    for (uint32_t i = 0; i < n; i++)
                        h.in[i] = sample(s, k + i, rates[r]);
                    host_run(&h, n);
                    for (uint32_t i = 0; i < n; i++, checked++)
                        if (!isfinite(h.out[i]) || h.out[i] > 1.0f || h.out[i] < -1.0f) {
                            fail("%s at %g Hz, blocks of %u: output %g at sample %llu",
                                 signal_names[s], rates[r], n, (double)h.out[i],
                                 (unsigned long long)(k + i));
                            return 1;
                        }
                    float l = h.ctl[lat];
                    if (!(l >= 1.0f && l <= 200.0f && l == floorf(l)))
                        fail("latency port %g at %g Hz: not a whole number of samples", l,
                             rates[r]);
                    k += n;
                    b++;
                }
            }
        }
        lilv_instance_deactivate(h.inst);
        host_free(&h);
    }
    printf("torture: %lu output samples checked in %lu runs, %s\n", checked, h.runs,
           h.guard ? "real-time guard on" : "real-time guard off");
    host_close(&h);
    return failures ? 1 : 0;
}

/* ---- the controls act ---------------------------------------------------------------------------- */

/* Runs 'blocks' blocks of 64 of a 220 Hz burst signal; returns the mean |out| of the last one
 * and copies that block to 'last'. */
static double play(host *h, int blocks, uint64_t *k, float *last)
{
    double sum = 0;
    for (int b = 0; b < blocks; b++) {
        for (int i = 0; i < 64; i++, (*k)++)
            h->in[i] = (float)(0.5 * sin(2 * M_PI * 220.0 * (double)*k / 44100.0) *
                               (fmod((double)*k / 44100.0, 0.3) < 0.2 ? 1.0 : 0.0));
        host_run(h, 64);
        sum = 0;
        for (int i = 0; i < 64; i++)
            sum += fabs(h->out[i]);
    }
    if (last)
        memcpy(last, h->out, 64 * sizeof *last);
    return sum / 64;
}

static int controls_act(void)
{
    host h;
    host_open(&h, true);
    host_instantiate(&h, 44100);
    lilv_instance_activate(h.inst);
    int lat = port_index(&h, "latency"), env = port_index(&h, "envelope");
    int son = port_index(&h, "sonify"), mix = port_index(&h, "mix");
    uint64_t k = 0;
    float a[64], b[64];
    /* a new cell acts at once: a twin fed the same sound keeps FS, this one takes RS */
    host twin;
    host_open(&twin, true);
    host_instantiate(&twin, 44100);
    lilv_instance_activate(twin.inst);
    uint64_t k2 = 0;
    play(&h, 100, &k, a);
    play(&twin, 100, &k2, b);
    if (memcmp(a, b, sizeof a))
        fail("two instances do not play the same sound");
    h.ctl[port_index(&h, "cell")] = 0;
    int differ = 0;
    for (int i = 0; i < 400 && !differ; i++) {
        play(&h, 1, &k, a);
        play(&twin, 1, &k2, b);
        differ = memcmp(a, b, sizeof a) != 0;
    }
    if (!differ)
        fail("cell RS: the sound is that of FS");
    lilv_instance_deactivate(twin.inst);
    host_free(&twin);
    host_close(&twin);
    /* the default stages: a 44-sample mean and an 88-sample boxcar: (43 + 87) / 2 = 65 */
    if (h.ctl[lat] != 65.0f)
        fail("latency %g with the default envelope, not 65", (double)h.ctl[lat]);
    h.ctl[env] = 1; /* the FIR Hilbert: M = 44, and the boxcar's 43.5, rounded: 88 */
    play(&h, 1, &k, NULL);
    if (h.ctl[lat] != 65.0f)
        fail("the latency changed before the new stream took over");
    play(&h, 40, &k, NULL); /* warm 882 + fade 441 samples < 40 blocks */
    if (h.ctl[lat] != 88.0f)
        fail("latency %g after switching to the Hilbert envelope, not 88", (double)h.ctl[lat]);
    h.ctl[son] = 1; /* clicks: 1 ms pulses per spike, silence between them */
    play(&h, 60, &k, NULL);
    int zeros = 0;
    for (int i = 0; i < 400; i++) {
        play(&h, 1, &k, a);
        for (int j = 0; j < 64; j++)
            zeros += a[j] == 0.0f;
    }
    if (zeros < 400 * 64 / 2)
        fail("clicks: only %d of %d samples silent", zeros, 400 * 64);
    h.ctl[son] = 0;
    /* dry: the input itself, bit for bit */
    h.ctl[mix] = 0;
    play(&h, 1, &k, a);
    for (int i = 0; i < 64; i++)
        if (a[i] != h.in[i])
            fail("mix 0: output %g is not the input %g", (double)a[i], (double)h.in[i]);
    lilv_instance_deactivate(h.inst);
    host_free(&h);
    host_close(&h);
    if (!failures)
        printf("controls: latency 65 -> 88 through the worker, clicks silent between spikes, "
               "mix 0 is the input\n");
    return failures ? 1 : 0;
}

/* ---- lifecycle ----------------------------------------------------------------------------------- */

static void one_life(host *h)
{
    uint64_t k = 0;
    host_instantiate(h, 44100);
    lilv_instance_activate(h->inst);
    h->ctl[port_index(h, "envelope")] = 2;
    play(h, 20, &k, NULL);
    h->ctl[port_index(h, "envelope")] = 1; /* a rebuild in the worker */
    h->ctl[port_index(h, "gain")] = 30;
    play(h, 40, &k, NULL);
    lilv_instance_deactivate(h->inst);
    h->ctl[port_index(h, "envelope")] = 0; /* a rebuild at activate */
    lilv_instance_activate(h->inst);
    h->ctl[port_index(h, "sonify")] = 1;
    play(h, 3, &k, NULL); /* deactivated in the middle of a transition */
    lilv_instance_deactivate(h->inst);
    host_free(h);
    h->ctl[port_index(h, "sonify")] = 0;
    h->ctl[port_index(h, "gain")] = 10;
}

static int lifecycle(int n)
{
    host h;
    host_open(&h, true);
    one_life(&h);
    struct mallinfo2 before = mallinfo2();
    for (int i = 0; i < n; i++)
        one_life(&h);
    struct mallinfo2 after = mallinfo2();
    host_close(&h);
    long grew = (long)after.uordblks - (long)before.uordblks;
    /* a stream is tens of kB: one leaked per life would show as n times that */
    if (before.uordblks && grew > 64 * 1024)
        fail("the heap grew by %ld bytes over %d lives", grew, n);
    printf("lifecycle: %d lives, heap %+ld bytes\n", n, before.uordblks ? grew : 0L);
    return failures ? 1 : 0;
}

/* ---- files -------------------------------------------------------------------------------------------- */

static int apply(int argc, char **argv)
{
    st_audio a;
    st_error err = {0};
    if (argc < 5 || st_audio_read(argv[2], &a, &err)) {
        fprintf(stderr, "lv2-host: %s\n", argc < 5 ? "usage: apply IN OUT BLOCK" : err.msg);
        return 1;
    }
    uint32_t block = (uint32_t)atoi(argv[4]);
    if (block < 1 || block > MAX_BLOCK)
        return fprintf(stderr, "lv2-host: block 1 to %d\n", MAX_BLOCK), 1;
    host h;
    host_open(&h, true);
    for (int i = 5; i + 1 < argc; i += 2)
        h.ctl[port_index(&h, argv[i])] = strtof(argv[i + 1], NULL);
    host_instantiate(&h, a.fs_hz);
    lilv_instance_activate(h.inst);
    float *y = malloc(a.n * sizeof *y);
    for (size_t off = 0; y && off < a.n; off += block) {
        uint32_t n = a.n - off < block ? (uint32_t)(a.n - off) : block;
        memcpy(h.in, a.x + off, n * sizeof *h.in);
        host_run(&h, n);
        memcpy(y + off, h.out, n * sizeof *y);
    }
    int rc = !y || st_audio_write(argv[3], y, a.n, a.fs_hz, ST_WAV_FLOAT32, argv[2], &err);
    if (rc)
        fprintf(stderr, "lv2-host: %s\n", y ? err.msg : "out of memory");
    lilv_instance_deactivate(h.inst);
    host_free(&h);
    host_close(&h);
    free(y);
    st_audio_free(&a);
    return rc;
}

/* "same": A and B hold the same samples at the same rate, bit for bit. */
static int same(const char *pa, const char *pb)
{
    st_audio a, b;
    st_error err = {0};
    if (st_audio_read(pa, &a, &err))
        return fprintf(stderr, "lv2-host: %s\n", err.msg), 1;
    if (st_audio_read(pb, &b, &err)) {
        st_audio_free(&a);
        return fprintf(stderr, "lv2-host: %s\n", err.msg), 1;
    }
    size_t differ = 0, first = 0;
    for (size_t i = 0; i < a.n && i < b.n; i++)
        if (memcmp(&a.x[i], &b.x[i], sizeof(float)) && !differ++)
            first = i;
    int rc = a.n != b.n || a.fs_hz != b.fs_hz || differ;
    if (rc)
        fprintf(stderr, "lv2-host: %s and %s differ: %zu and %zu samples at %g and %g Hz, "
                "%zu samples differ (the first at %zu)\n", pa, pb, a.n, b.n, a.fs_hz, b.fs_hz,
                differ, first);
    else
        printf("same: %zu samples\n", a.n);
    st_audio_free(&a);
    st_audio_free(&b);
    return rc;
}

static int to_f32(const char *in, const char *out)
{
    st_audio a;
    st_error err = {0};
    int rc = st_audio_read(in, &a, &err) ||
             st_audio_write(out, a.x, a.n, a.fs_hz, ST_WAV_FLOAT32, in, &err);
    if (rc)
        fprintf(stderr, "lv2-host: %s\n", err.msg);
    st_audio_free(&a);
    return rc;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "torture"))
        return torture();
    if (!strcmp(mode, "controls"))
        return controls_act();
    if (!strcmp(mode, "lifecycle"))
        return lifecycle(argc > 2 ? atoi(argv[2]) : 20);
    if (!strcmp(mode, "apply"))
        return apply(argc, argv);
    if (!strcmp(mode, "same") && argc == 4)
        return same(argv[2], argv[3]);
    if (!strcmp(mode, "f32") && argc == 4)
        return to_f32(argv[2], argv[3]);
    fputs("usage: lv2-host torture | controls | lifecycle [N] | apply IN OUT BLOCK [SYM VAL]... "
          "| f32 IN OUT | same A B\n", stderr);
    return 2;
}
