/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The LV2 plugin urn:spiketalk:neuron: a mono audio effect on the streaming pipeline (stream.h),
 * the engine of `spiketalk live`, so any host block size gives the same sound.
 *
 * Controls: the cell type (the study's seven), gain, envelope, rectifier, gate factor,
 * sonification, dry/wet mix; the latency port reports the envelope's algorithmic delay.
 *
 * run() never allocates, locks or logs. A new cell is published to the running stream
 * (st_stream_set_params: lock-free, the neuron's state carries on). The other controls are
 * the stream's structure (its envelope stages, current, gate and sound are fixed when it is
 * built), so a change of them is built in the host's worker thread (LV2 worker extension):
 * run() asks for a stream with the new settings and carries on with the old one; the new one
 * arrives through work_response, runs beside the old one for WARM_S on the same input (its
 * envelope and neuron settle; the gate keeps the threshold the old one learned, scaled to the
 * new factor) and takes over in a FADE_S crossfade; the old one goes back to the worker to be
 * freed. Without a worker (a host that offers none, such as lv2apply) such changes take effect
 * at the next activate(). */
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lv2/core/lv2.h>
#include <lv2/worker/worker.h>

#include "spiketalk/pipeline.h"
#include "spiketalk/stream.h"

#define PLUGIN_URI "urn:spiketalk:neuron"

/* Samples per pass through the stages: the size of the plugin's work buffers. */
#define CHUNK 256
/* After a structural change: how long the new stream runs silently, then the crossfade. */
#define WARM_S 0.02
#define FADE_S 0.01

enum {
    P_IN, P_OUT, P_CELL, P_GAIN, P_ENVELOPE, P_RECTIFY, P_GATE, P_SONIFY, P_MIX, P_LATENCY,
    N_PORTS
};

/* The control inputs: default, range, and whether they take whole numbers (enumerations). Must
 * agree with spiketalk.ttl (the LV2 tests read both). */
static const struct { int port; float def, min, max; bool whole; } controls[] = {
    {P_CELL, 3, 0, 6, true},       /* RS IB CH FS LTS TC RZ: FS, the default recipe's cell */
    {P_GAIN, 10, 0, 100, false},   /* I = gain * env / peak-hold(env) */
    {P_ENVELOPE, 2, 0, 2, true},   /* st_envelope_mode: none, hilbert, movavg */
    {P_RECTIFY, 1, 0, 2, true},    /* st_rectify_mode: none, full, half */
    {P_GATE, 3, 0, 20, false},     /* threshold = k * std of the first 0.1 s */
    {P_SONIFY, 0, 0, 1, true},     /* st_sonify_mode: membrane, clicks */
    {P_MIX, 1, 0, 1, false},       /* 0 dry, 1 the neuron alone */
};
#define N_CONTROLS (sizeof controls / sizeof controls[0])

static const char *const cells[7] = {"RS", "IB", "CH", "FS", "LTS", "TC", "RZ"};

/* What a stream is built from (the cell is published separately; it rides along). */
typedef struct settings {
    int cell, envelope, rectify, sonify;
    float gain, gate_k;
} settings;

/* A message to the worker thread, and its answer. */
enum { MSG_BUILD, MSG_FREE, MSG_BUILT, MSG_FAILED };
typedef struct message {
    int type;
    unsigned generation;      /* activations so far: a late answer to an old request is dropped */
    settings s;
    double threshold;         /* the gate threshold the running stream learned (NAN: not yet) */
    float gate_k;             /* ... with this factor */
} message;

typedef enum phase { IDLE, BUILDING, WARMING, FADING } phase;

typedef struct plugin {
    double fs_hz;
    float *port[N_PORTS];
    LV2_Worker_Schedule *worker;            /* NULL: the host offers none */
    st_model_params cell_params[7];
    /* audio thread */
    st_stream *active, *incoming, *dead;    /* playing; arriving; waiting to go to the worker */
    settings active_set, incoming_set;
    int active_cell, incoming_cell;
    phase phase;
    bool in_flight;                         /* a build was asked for and not yet answered */
    bool failed;                            /* the last build failed: not again for ... */
    settings failed_set;                    /* ... these settings */
    size_t left;                            /* samples left in WARMING or FADING */
    size_t warm_n, fade_n;
    unsigned generation;
    /* handed between the audio thread and the worker */
    _Atomic(st_stream *) built;             /* made by the worker, taken by work_response */
    _Atomic(st_stream *) retired;           /* put by run, freed by the worker */
    /* work buffers */
    float x[CHUNK], wet[CHUNK], wet2[CHUNK];
} plugin;

/* ---- settings and streams ------------------------------------------------------------------- */

/* A control's value, within its range (NAN or no port: the default). */
static float control(const plugin *p, size_t i)
{
    const float *v = p->port[controls[i].port];
    float x = v ? *v : controls[i].def;
    if (!(x == x)) /* NAN */
        return controls[i].def;
    x = x < controls[i].min ? controls[i].min : x > controls[i].max ? controls[i].max : x;
    return controls[i].whole ? floorf(x + 0.5f) : x;
}

static settings read_settings(const plugin *p)
{
    return (settings){.cell = (int)control(p, 0), .gain = control(p, 1),
                      .envelope = (int)control(p, 2), .rectify = (int)control(p, 3),
                      .gate_k = control(p, 4), .sonify = (int)control(p, 5)};
}

static bool same_structure(const settings *a, const settings *b)
{
    return a->envelope == b->envelope && a->rectify == b->rectify && a->sonify == b->sonify &&
           a->gain == b->gain && a->gate_k == b->gate_k;
}

/* Builds a stream for 's' (control thread or worker): the default streaming recipe, the cell,
 * and the controls; 'threshold' (not NAN) keeps a learned gate threshold, scaled from factor
 * 'k_old' to the new one, instead of learning it again from what is playing now. */
static st_stream *build(double fs_hz, const settings *s, double threshold, float k_old)
{
    st_pipeline_config c;
    st_stream *out = NULL;
    if (st_pipeline_recipe("default", true, &c, NULL) ||
        st_pipeline_set_neuron(&c, NULL, cells[s->cell], NULL))
        return NULL;
    c.gain = s->gain;
    c.envelope = (st_envelope_mode)s->envelope;
    c.rectify = (st_rectify_mode)s->rectify;
    c.sonify = (st_sonify_mode)s->sonify;
    c.gate_k = s->gate_k;
    if (!isnan(threshold) && (s->gate_k == k_old || k_old > 0)) {
        double t = s->gate_k == k_old ? threshold : threshold * s->gate_k / k_old;
        c.gate = ST_GATE_FIXED;
        c.gate_threshold = t > c.gate_floor ? t : c.gate_floor;
    }
    return st_stream_create(&c, fs_hz, &out, NULL) ? NULL : out;
}

/* ---- instantiate, activate, cleanup -------------------------------------------------------- */

static LV2_Handle instantiate(const LV2_Descriptor *d, double fs_hz, const char *bundle,
                              const LV2_Feature *const *features)
{
    (void)d;
    (void)bundle;
    plugin *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->fs_hz = fs_hz;
    for (int i = 0; features && features[i]; i++)
        if (!strcmp(features[i]->URI, LV2_WORKER__schedule))
            p->worker = features[i]->data;
    const st_model *izh = st_model_get(ST_MODEL_IZH);
    for (int i = 0; i < 7; i++)
        p->cell_params[i] = st_preset_find(izh, cells[i], ST_PRESET_CELL)->params;
    p->active_set = read_settings(p); /* no ports yet: the defaults */
    p->active_cell = p->active_set.cell;
    p->warm_n = (size_t)lround(WARM_S * fs_hz);
    p->fade_n = (size_t)lround(FADE_S * fs_hz);
    p->fade_n = p->fade_n ? p->fade_n : 1;
    atomic_init(&p->built, NULL);
    atomic_init(&p->retired, NULL);
    if (!(p->active = build(fs_hz, &p->active_set, NAN, 0))) {
        free(p);
        return NULL;
    }
    return p;
}

static void connect_port(LV2_Handle h, uint32_t port, void *data)
{
    plugin *p = h;
    if (port < N_PORTS)
        p->port[port] = (float *)data;
}

/* Back to the start: the stream as the controls say now, from rest, no transition. */
static void activate(LV2_Handle h)
{
    plugin *p = h;
    settings s = read_settings(p);
    p->generation++;
    st_stream_destroy(p->incoming);
    st_stream_destroy(p->dead);
    p->incoming = p->dead = NULL;
    p->phase = IDLE;
    st_stream *fresh = same_structure(&s, &p->active_set) ? NULL : build(p->fs_hz, &s, NAN, 0);
    if (fresh) {
        st_stream_destroy(p->active);
        p->active = fresh;
        p->active_set = s;
        p->active_cell = s.cell;
    } else {
        st_stream_reset(p->active);
    }
    if (s.cell != p->active_cell) {
        st_stream_set_params(p->active, &p->cell_params[s.cell], NULL);
        p->active_cell = s.cell;
    }
}

static void deactivate(LV2_Handle h)
{
    (void)h;
}

static void cleanup(LV2_Handle h)
{
    plugin *p = h;
    st_stream_destroy(p->active);
    st_stream_destroy(p->incoming);
    st_stream_destroy(p->dead);
    st_stream_destroy(atomic_exchange(&p->built, NULL));
    st_stream_destroy(atomic_exchange(&p->retired, NULL));
    free(p);
}

/* ---- the worker ------------------------------------------------------------------------------ */

static LV2_Worker_Status work(LV2_Handle h, LV2_Worker_Respond_Function respond,
                             LV2_Worker_Respond_Handle rh, uint32_t size, const void *data)
{
    plugin *p = h;
    message m;
    if (size != sizeof m)
        return LV2_WORKER_ERR_UNKNOWN;
    memcpy(&m, data, sizeof m);
    if (m.type == MSG_FREE) {
        st_stream_destroy(atomic_exchange(&p->retired, NULL));
        return LV2_WORKER_SUCCESS;
    }
    st_stream *s = build(p->fs_hz, &m.s, m.threshold, m.gate_k);
    atomic_store(&p->built, s);
    m.type = s ? MSG_BUILT : MSG_FAILED;
    return respond(rh, sizeof m, &m);
}

/* Audio thread: the stream asked for has arrived; it warms up beside the playing one. */
static LV2_Worker_Status work_response(LV2_Handle h, uint32_t size, const void *data)
{
    plugin *p = h;
    message m;
    if (size != sizeof m)
        return LV2_WORKER_ERR_UNKNOWN;
    memcpy(&m, data, sizeof m);
    st_stream *s = atomic_exchange(&p->built, NULL);
    p->in_flight = false;
    if (p->phase != BUILDING || m.generation != p->generation || !s) {
        /* an answer from before the last activate(), or a failure: the playing stream stays.
         * 'dead' is free here: a build is asked for only when it is, and only a crossfade,
         * which needs an answer first, or activate(), which empties it, touch it meanwhile. */
        if (s)
            p->dead = s;
        if (m.generation == p->generation) {
            p->phase = IDLE;
            p->failed = !s;
            p->failed_set = m.s;
        }
        return LV2_WORKER_SUCCESS;
    }
    p->incoming = s;
    p->incoming_set = m.s;
    p->incoming_cell = m.s.cell;
    p->phase = WARMING;
    p->left = p->warm_n;
    return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status end_run(LV2_Handle h)
{
    (void)h;
    return LV2_WORKER_SUCCESS;
}

/* ---- run ----------------------------------------------------------------------------------------- */

/* The controls against the streams: a new cell is published at once; a structural change is
 * asked of the worker when no transition is under way; a retired stream goes to the worker. */
static void follow_controls(plugin *p)
{
    settings s = read_settings(p);
    if (s.cell != p->active_cell &&
        !st_stream_set_params(p->active, &p->cell_params[s.cell], NULL))
        p->active_cell = s.cell;
    if (p->incoming && s.cell != p->incoming_cell &&
        !st_stream_set_params(p->incoming, &p->cell_params[s.cell], NULL))
        p->incoming_cell = s.cell;
    if (!p->worker)
        return;
    if (p->dead && !atomic_load(&p->retired)) {
        message m = {.type = MSG_FREE};
        atomic_store(&p->retired, p->dead);
        p->dead = NULL;
        p->worker->schedule_work(p->worker->handle, sizeof m, &m);
    }
    if (p->phase == IDLE && !p->in_flight && !p->dead && !same_structure(&s, &p->active_set) &&
        !(p->failed && same_structure(&s, &p->failed_set))) {
        st_stream_stats st;
        st_stream_stats_get(p->active, &st);
        message m = {.type = MSG_BUILD, .generation = p->generation, .s = s,
                     .threshold = st.gate_threshold, .gate_k = p->active_set.gate_k};
        if (p->worker->schedule_work(p->worker->handle, sizeof m, &m) == LV2_WORKER_SUCCESS) {
            p->phase = BUILDING;
            p->in_flight = true;
        }
    }
}

/* The playing stream's (and, in a transition, the arriving one's) sound for one chunk, into
 * p->wet. */
static void neuron(plugin *p, size_t n)
{
    st_stream_process(p->active, p->x, p->wet, n, NULL);
    if (!p->incoming)
        return;
    st_stream_process(p->incoming, p->x, p->wet2, n, NULL);
    for (size_t i = 0; i < n; i++) {
        if (p->phase == WARMING && p->left == 0) {
            p->phase = FADING;
            p->left = p->fade_n;
        }
        if (p->phase == FADING) {
            float w = (float)(p->fade_n - p->left + 1) / (float)p->fade_n; /* 1 when done */
            p->wet[i] = p->left ? (1.0f - w) * p->wet[i] + w * p->wet2[i] : p->wet2[i];
        }
        if (p->left)
            p->left--;
    }
    if (p->phase == FADING && p->left == 0) { /* the new stream has taken over */
        p->dead = p->active;
        p->active = p->incoming;
        p->active_set = p->incoming_set;
        p->active_cell = p->incoming_cell;
        p->incoming = NULL;
        p->phase = IDLE;
    }
}

static void run(LV2_Handle h, uint32_t n)
{
    plugin *p = h;
    const float *in = p->port[P_IN];
    float *out = p->port[P_OUT];
    float mix = control(p, 6);
    follow_controls(p);
    for (uint32_t off = 0; off < n; off += CHUNK) {
        size_t m = n - off < CHUNK ? n - off : CHUNK;
        for (size_t i = 0; i < m; i++) /* NaN and Inf are silence; the CLI refuses them */
            p->x[i] = isfinite(in[off + i]) ? in[off + i] : 0.0f;
        neuron(p, m);
        for (size_t i = 0; i < m; i++) {
            float y = mix >= 1.0f ? p->wet[i] : p->x[i] + mix * (p->wet[i] - p->x[i]);
            out[off + i] = !(y == y) ? 0.0f : y > 1.0f ? 1.0f : y < -1.0f ? -1.0f : y;
        }
    }
    /* a blown-up neuron (it cannot, within the gain's range) starts again rather than fall
     * silent for good */
    if (st_stream_fault(p->active, NULL))
        st_stream_reset(p->active);
    if (p->port[P_LATENCY])
        *p->port[P_LATENCY] = (float)st_stream_delay_samples(p->active);
}

/* ---- the descriptor ---------------------------------------------------------------------------- */

static const void *extension_data(const char *uri)
{
    static const LV2_Worker_Interface worker = {work, work_response, end_run};
    return strcmp(uri, LV2_WORKER__interface) ? NULL : &worker;
}

static const LV2_Descriptor descriptor = {PLUGIN_URI, instantiate, connect_port, activate, run,
                                          deactivate, cleanup, extension_data};

LV2_SYMBOL_EXPORT const LV2_Descriptor *lv2_descriptor(uint32_t index)
{
    return index == 0 ? &descriptor : NULL;
}
