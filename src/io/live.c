/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A live session (live.h): PortAudio full duplex, the streaming pipeline in the callback, the
 * session recorded through SPSC rings by a writer thread. */
#include "spiketalk/live.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <portaudio.h>
#ifdef ST_HAVE_PA_JACK
#include <pa_jack.h>
#endif

#include "io-private.h"
#include "spiketalk/audio.h"
#include "spiketalk/cortex-worker.h"
#include "spiketalk/ring.h"

/* The rate the study used and most devices offer; a device that does not take it runs at its
 * own rate instead. */
#define DEFAULT_FS_HZ 44100.0
/* Each recording ring holds this much audio, so the writer thread may fall this far behind
 * (a slow disk, or a JACK server in freewheel running 100 times faster than real time) before
 * samples are lost. */
#define RECORD_RING_S 4.0
#define SPIKE_RING 65536u
/* A network's spikes: 10,000 neurons at 100 Hz for 1 s (8 MiB), for a writer that naps while
 * a freewheeling server runs many times faster than real time. */
#define NET_SPIKE_RING ((size_t)1 << 20)
/* Spike stamps kept in memory for the summary (128 MiB); later ones are only counted. */
#define MAX_SPIKES ((size_t)1 << 24)
/* Elements the writer moves per ring read. */
#define DRAIN 4096u
/* How long the writer sleeps when every ring is empty. */
#define WRITER_NAP_NS 5000000L
/* When the test-only faults fire, seconds into the session. */
#define TEST_ALLOC_AT_S 0.25
#define TEST_STALL_AT_S 0.5
#define XRUN_FLAGS (paInputUnderflow | paInputOverflow | paOutputUnderflow | paOutputOverflow)

enum { REC_IN, REC_OUT, REC_ENV, N_REC };

typedef void (*guard_fn)(int entering);

struct st_live {
    st_live_info info;
    st_stream *stream;                   /* the pipeline, or */
    st_cortex *cortex;                   /* a network that listens */
    st_cortex_worker *worker;            /* its worker thread, or NULL: it runs in the callback */
    PaStream *pa;
    bool pa_up, started, stopped;
    bool abandoned;                      /* the device went away: PortAudio is left alone */
    /* owned by the callback once the stream runs */
    float *in_mono, *out_mono;           /* one block each, for devices that are not mono */
    float *zeros;                        /* one block of silence for a missing input buffer */
    float *env_f;                        /* one block of the envelope, for its recording */
    st_spikes cb_spikes;                 /* one block of stamps */
    uint64_t limit;                      /* frames the session runs; 0: until stopped */
    uint64_t alloc_at, stall_at;         /* test faults, frame index; UINT64_MAX: off */
    struct timespec stall;
    guard_fn guard;
    void *(*test_malloc)(size_t);        /* through a pointer, so the compiler keeps the call */
    void (*test_free)(void *);
    double ns_per_frame;
    double pa_load;                      /* the last Pa_GetStreamCpuLoad (control thread) */
    /* shared counters: written by the callback, read by the control thread */
    atomic_uint_least64_t frames, callbacks, xruns, in_over, in_under, out_over, out_under;
    atomic_uint_least64_t busy_ns, busy_max_ns, busy_recent_ns, dropped, spikes_lost;
    atomic_uint_least32_t peak_bits;     /* float bits of the recent |x| peak */
    /* callback -> writer thread */
    st_ring *ring[N_REC];
    st_ring *spike_ring;
    /* the writer thread's */
    st_wav_writer *writer[N_REC];
    pthread_t thread;
    bool thread_up;
    atomic_bool quit;
    atomic_bool completed;               /* the callback ended the session (duration) */
    st_status writer_st;
    st_error writer_err;
    st_spikes spikes;
    st_net_raster raster;                /* a network's spikes, from 'spike_ring' */
    uint64_t raster_dropped;
    /* the scope feed: the point being built is the callback's, the ring its way out */
    st_ring *scope_ring;
    unsigned scope_every;                /* samples per point */
    unsigned scope_fill;                 /* samples in the point being built */
    st_live_scope_point scope_pt;
    atomic_uint_least64_t scope_lost;
    float drain[DRAIN];
    uint64_t stamps[DRAIN];
};

const char *st_live_net_thread_name(st_live_net_thread t)
{
    switch (t) {
    case ST_LIVE_NET_CALLBACK: return "callback";
    case ST_LIVE_NET_WORKER: return "worker";
    default: return "auto";
    }
}

st_status st_live_net_thread_parse(const char *name, st_live_net_thread *out, st_error *err)
{
    for (int t = ST_LIVE_NET_AUTO; t <= ST_LIVE_NET_WORKER; t++)
        if (name && !strcmp(name, st_live_net_thread_name((st_live_net_thread)t))) {
            *out = (st_live_net_thread)t;
            return ST_OK;
        }
    return st_error_set(err, ST_ERR_INVAL,
                        "--net-thread: unknown '%s' (callback, worker or auto)", name ? name : "");
}

void st_live_config_default(st_live_config *c)
{
    memset(c, 0, sizeof *c);
    c->client_name = "spiketalk";
    c->block = 64;
}

/* ---- the audio callback ---------------------------------------------------------------------- */

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t); /* the vDSO: no system call, no lock */
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void count_flags(st_live *l, PaStreamCallbackFlags f)
{
    if (!(f & XRUN_FLAGS))
        return;
    atomic_fetch_add_explicit(&l->xruns, 1, memory_order_relaxed);
    if (f & paInputOverflow)
        atomic_fetch_add_explicit(&l->in_over, 1, memory_order_relaxed);
    if (f & paInputUnderflow)
        atomic_fetch_add_explicit(&l->in_under, 1, memory_order_relaxed);
    if (f & paOutputOverflow)
        atomic_fetch_add_explicit(&l->out_over, 1, memory_order_relaxed);
    if (f & paOutputUnderflow)
        atomic_fetch_add_explicit(&l->out_under, 1, memory_order_relaxed);
}

/* Raises an atomic maximum that another thread resets by exchange; lock-free. */
static void raise_max_u64(atomic_uint_least64_t *a, uint64_t x)
{
    uint64_t cur = atomic_load_explicit(a, memory_order_relaxed);
    while (x > cur && !atomic_compare_exchange_weak_explicit(a, &cur, x, memory_order_relaxed,
                                                             memory_order_relaxed))
        ;
}

static void raise_peak(st_live *l, float peak)
{
    uint32_t bits;
    memcpy(&bits, &peak, sizeof bits);
    /* non-negative floats order like their bit patterns */
    uint32_t cur = atomic_load_explicit(&l->peak_bits, memory_order_relaxed);
    while (bits > cur && !atomic_compare_exchange_weak_explicit(
                             &l->peak_bits, &cur, bits, memory_order_relaxed,
                             memory_order_relaxed))
        ;
}

/* Hands one piece of a recording to the writer; what does not fit is counted, not waited for. */
static void record(st_live *l, int which, const float *x, size_t n)
{
    if (l->ring[which] && x) {
        size_t put = st_ring_write(l->ring[which], x, n);
        if (put < n)
            atomic_fetch_add_explicit(&l->dropped, n - put, memory_order_relaxed);
    }
}

/* Condenses one piece into scope points; a full ring loses the point, the callback goes on. */
static void feed_scope(st_live *l, const float *x, size_t m)
{
    const double *env = st_stream_tap_envelope(l->stream), *v = st_stream_tap_v(l->stream);
    if (!env || !v)
        return;
    st_live_scope_point pt = l->scope_pt;
    unsigned fill = l->scope_fill;
    for (size_t f = 0; f < m; f++) {
        if (fill == 0) {
            pt = (st_live_scope_point){x[f], x[f], (float)env[f], (float)v[f], (float)v[f]};
        } else {
            float e = (float)env[f], vf = (float)v[f];
            pt.in_min = x[f] < pt.in_min ? x[f] : pt.in_min;
            pt.in_max = x[f] > pt.in_max ? x[f] : pt.in_max;
            pt.env = e > pt.env ? e : pt.env;
            pt.v_min = vf < pt.v_min ? vf : pt.v_min;
            pt.v_max = vf > pt.v_max ? vf : pt.v_max;
        }
        if (++fill == l->scope_every) {
            if (st_ring_write(l->scope_ring, &pt, 1) < 1)
                atomic_fetch_add_explicit(&l->scope_lost, 1, memory_order_relaxed);
            fill = 0;
        }
    }
    l->scope_pt = pt;
    l->scope_fill = fill;
}

/* A network step's spikes into the spike ring, each as (stamp << 32 | id): a step stamp fits 32
 * bits for 49 days of sound. What does not fit is counted. */
static void on_net_spikes(void *ud, uint64_t stamp, const uint32_t *ids, size_t n)
{
    st_live *l = ud;
    size_t lost = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t e = stamp << 32 | ids[i];
        lost += st_ring_write(l->spike_ring, &e, 1) < 1;
    }
    if (lost)
        atomic_fetch_add_explicit(&l->spikes_lost, lost, memory_order_relaxed);
}

/* Runs the pipeline over m frames at 'off' of PortAudio's interleaved buffers. */
static void run_piece(st_live *l, const float *in, float *out, size_t off, size_t m)
{
    const int ich = l->info.in_channels, och = l->info.out_channels;
    const float *x;
    float *y = och == 1 ? out + off : l->out_mono;
    if (!in) {
        x = l->zeros; /* no input this time: silence keeps the time line */
    } else if (ich == 1) {
        x = in + off;
    } else {
        for (size_t f = 0; f < m; f++) {
            float sum = 0.0f;
            for (int c = 0; c < ich; c++)
                sum += in[(off + f) * (size_t)ich + (size_t)c];
            l->in_mono[f] = sum / (float)ich;
        }
        x = l->in_mono;
    }
    float peak = 0.0f;
    for (size_t f = 0; f < m; f++)
        peak = fabsf(x[f]) > peak ? fabsf(x[f]) : peak;
    if (peak > 0.0f && isfinite(peak))
        raise_peak(l, peak);
    l->cb_spikes.count = 0;
    if (l->worker)
        st_cortex_worker_process(l->worker, x, y, m);
    else if (l->cortex)
        st_cortex_process(l->cortex, x, y, m, on_net_spikes, l);
    else
        st_stream_process(l->stream, x, y, m, &l->cb_spikes);
    if (och > 1)
        for (size_t f = 0; f < m; f++)
            for (int c = 0; c < och; c++)
                out[(off + f) * (size_t)och + (size_t)c] = y[f];
    record(l, REC_IN, x, m);
    record(l, REC_OUT, y, m);
    const double *env = l->stream ? st_stream_tap_envelope(l->stream) : NULL;
    if (env && l->ring[REC_ENV]) {
        for (size_t f = 0; f < m; f++)
            l->env_f[f] = (float)env[f];
        record(l, REC_ENV, l->env_f, m);
    }
    if (l->scope_ring)
        feed_scope(l, x, m);
    size_t put = l->cb_spikes.count
                     ? st_ring_write(l->spike_ring, l->cb_spikes.step, l->cb_spikes.count) : 0;
    if (put < l->cb_spikes.count)
        atomic_fetch_add_explicit(&l->spikes_lost, l->cb_spikes.count - put,
                                  memory_order_relaxed);
}

/* The whole pipeline on one block and nothing that could wait: the counters and rings are
 * lock-free, the clock is read through the vDSO. */
static int on_audio(const void *input, void *output, unsigned long frames,
                    const PaStreamCallbackTimeInfo *when, PaStreamCallbackFlags flags, void *ud)
{
    (void)when;
    st_live *l = ud;
    count_flags(l, flags);
    if (l->guard)
        l->guard(1);
    uint64_t t0 = now_ns();
    uint64_t done = atomic_load_explicit(&l->frames, memory_order_relaxed);
    size_t n = frames;
    bool last = false;
    if (l->limit && done + n >= l->limit) {
        n = (size_t)(l->limit - done);
        last = true;
    }
    const size_t block = l->info.block;
    for (size_t off = 0; off < n; off += block)
        run_piece(l, input, output, off, n - off < block ? n - off : block);
    if (n < frames) /* the session is over mid-block: the rest is silence */
        memset((float *)output + n * (size_t)l->info.out_channels, 0,
               (frames - n) * (size_t)l->info.out_channels * sizeof(float));
    if (done >= l->alloc_at) {
        l->alloc_at = UINT64_MAX;
        void *volatile p = l->test_malloc(16); /* testing only: the guard must abort here */
        l->test_free(p);
    }
    uint64_t busy = now_ns() - t0;
    atomic_fetch_add_explicit(&l->busy_ns, busy, memory_order_relaxed);
    if (busy > atomic_load_explicit(&l->busy_max_ns, memory_order_relaxed))
        atomic_store_explicit(&l->busy_max_ns, busy, memory_order_relaxed);
    raise_max_u64(&l->busy_recent_ns, busy);
    atomic_fetch_add_explicit(&l->callbacks, 1, memory_order_relaxed);
    atomic_store_explicit(&l->frames, done + n, memory_order_relaxed);
    if (last)
        atomic_store_explicit(&l->completed, true, memory_order_relaxed);
    if (l->guard)
        l->guard(0);
    if (done >= l->stall_at) { /* testing only, outside the guarded section */
        l->stall_at = UINT64_MAX;
        nanosleep(&l->stall, NULL);
    }
    return last ? paComplete : paContinue;
}

/* ---- the writer thread ----------------------------------------------------------------------- */

static void writer_fail(st_live *l, int which, st_error *err)
{
    if (!l->writer_st) {
        l->writer_st = err->code;
        l->writer_err = *err;
    }
    st_wav_writer_abort(l->writer[which]); /* a broken file is not kept */
    l->writer[which] = NULL;
}

/* Moves what the rings hold into the files and the spike list; returns how much it moved. */
static size_t drain(st_live *l)
{
    size_t moved = 0, got;
    for (int k = 0; k < N_REC; k++) {
        if (!l->ring[k])
            continue;
        while ((got = st_ring_read(l->ring[k], l->drain, DRAIN)) > 0) {
            moved += got;
            st_error err = {0};
            if (l->writer[k] && st_wav_writer_write(l->writer[k], l->drain, got, &err))
                writer_fail(l, k, &err);
        }
    }
    while (l->cortex && (got = st_ring_read(l->spike_ring, l->stamps, DRAIN)) > 0) {
        moved += got;
        for (size_t i = 0; i < got; i++) {
            uint32_t id = (uint32_t)(l->stamps[i] & UINT32_MAX);
            if (l->raster.count >= MAX_SPIKES ||
                st_net_raster_add(&l->raster, l->stamps[i] >> 32, &id, 1))
                l->raster_dropped++;
        }
    }
    while (!l->cortex && (got = st_ring_read(l->spike_ring, l->stamps, DRAIN)) > 0) {
        moved += got;
        size_t keep = l->spikes.count + got <= MAX_SPIKES ? got : MAX_SPIKES - l->spikes.count;
        if (keep && st_spikes_reserve(&l->spikes, keep))
            keep = 0;
        for (size_t i = 0; i < got; i++)
            st_spikes_push(i < keep ? &l->spikes : NULL, l->stamps[i]);
        l->spikes.dropped += got - keep;
    }
    return moved;
}

static void *writer_main(void *ud)
{
    st_live *l = ud;
    const struct timespec nap = {0, WRITER_NAP_NS};
    for (;;) {
        /* 'quit' is set after the stream stopped, so once it is seen, empty rings stay empty */
        bool quit = atomic_load_explicit(&l->quit, memory_order_acquire);
        if (drain(l) == 0) {
            if (quit)
                break;
            nanosleep(&nap, NULL);
        }
    }
    return NULL;
}

/* ---- opening --------------------------------------------------------------------------------- */

static st_status check_config(const st_live_config *c, st_error *err)
{
    if (c->block < 1 || c->block > ST_LIVE_MAX_BLOCK)
        return st_error_set(err, ST_ERR_INVAL, "--block: must be 1 .. %u frames (got %u)",
                            ST_LIVE_MAX_BLOCK, c->block);
    if (c->scope && c->scope_decimate > ST_LIVE_MAX_BLOCK)
        return st_error_set(err, ST_ERR_INVAL,
                            "live: scope_decimate must be 0 (default) .. %u samples (got %u)",
                            ST_LIVE_MAX_BLOCK, c->scope_decimate);
    if (!(c->duration_s >= 0.0) || !isfinite(c->duration_s))
        return st_error_set(err, ST_ERR_INVAL, "--duration: must be >= 0 s and finite (got %g)",
                            c->duration_s);
    if (!(c->fs_hz >= 0.0 && c->fs_hz <= 1e6))
        return st_error_set(err, ST_ERR_INVAL,
                            "--rate: must be 0 (the device's) .. 1e6 Hz (got %g)", c->fs_hz);
    if (c->cortex && (c->scope || c->record_env))
        return st_error_set(err, ST_ERR_INVAL, "%s: a network session has no single envelope",
                            c->scope ? "live: scope" : "--record-env");
    if (c->cortex && c->cortex->net.threads > 1)
        return st_error_set(err, ST_ERR_INVAL,
                            "--threads: a network in the audio callback runs on one thread "
                            "(got %d)", c->cortex->net.threads);
    const char *rec[N_REC] = {c->record_in, c->record_out, c->record_env};
    for (int i = 0; i < N_REC; i++) {
        if (!rec[i])
            continue;
        st_status st = st_audio_check_output(rec[i], NULL, err);
        if (st)
            return st;
        for (int j = 0; j < i; j++)
            if (rec[j] && !strcmp(rec[i], rec[j]))
                return st_error_set(err, ST_ERR_INVAL,
                                    "%s: named for two recordings; give each its own file",
                                    rec[i]);
    }
    return ST_OK;
}

/* The rate and channels: 'fs_hz', or DEFAULT_FS_HZ and then the capture device's own rate
 * when it is 0; mono where the devices take it, else as few of their channels as they accept. */
static st_status choose_format(st_live *l, PaStreamParameters *in, PaStreamParameters *out,
                               double fs_hz, st_error *err)
{
    const PaDeviceInfo *di = Pa_GetDeviceInfo(in->device), *dout = Pa_GetDeviceInfo(out->device);
    const int tries[][2] = {{1, 1}, {2, 2}, {1, 2}, {2, 1},
                            {di->maxInputChannels, dout->maxOutputChannels}};
    const double rates[2] = {fs_hz > 0 ? fs_hz : DEFAULT_FS_HZ, di->defaultSampleRate};
    PaError e = paInvalidChannelCount;
    double rate = rates[0];
    for (int r = 0; r < (fs_hz > 0 ? 1 : 2) && e != paFormatIsSupported; r++) {
        rate = rates[r];
        for (size_t k = 0; k < sizeof tries / sizeof tries[0] && e != paFormatIsSupported; k++) {
            if (tries[k][0] > di->maxInputChannels || tries[k][1] > dout->maxOutputChannels)
                continue;
            in->channelCount = tries[k][0];
            out->channelCount = tries[k][1];
            int saved = st_io_quiet_begin();
            e = Pa_IsFormatSupported(in, out, rate);
            st_io_quiet_end(saved);
        }
    }
    if (e != paFormatIsSupported)
        return st_error_set(err, ST_ERR_DEVICE,
                            "devices '%s' and '%s': cannot run full duplex at %g Hz: %s",
                            di->name, dout->name, rate, Pa_GetErrorText(e));
    l->info.fs_hz = rate;
    l->info.in_channels = in->channelCount;
    l->info.out_channels = out->channelCount;
    return ST_OK;
}

/* Finds both devices on one host API and settles the rate and channels. */
static st_status open_devices(st_live *l, const st_live_config *c, PaStreamParameters *in,
                              PaStreamParameters *out, st_error *err)
{
    int di, dout;
    st_status st;
    if ((st = st_device_find_on(c->host_api, c->input_device, true, &di, err)) ||
        (st = st_device_find_on(c->host_api, c->output_device, false, &dout, err)))
        return st;
    const PaDeviceInfo *i = Pa_GetDeviceInfo(di), *o = Pa_GetDeviceInfo(dout);
    const PaHostApiInfo *api = Pa_GetHostApiInfo(i->hostApi);
    if (i->hostApi != o->hostApi)
        return st_error_set(err, ST_ERR_DEVICE,
                            "capture device '%s' (%s) and playback device '%s' (%s) are on "
                            "different host APIs; a full-duplex stream needs both on one "
                            "(choose with --host-api, see 'spiketalk devices')",
                            i->name, api ? api->name : "?", o->name,
                            Pa_GetHostApiInfo(o->hostApi) ? Pa_GetHostApiInfo(o->hostApi)->name
                                                          : "?");
    snprintf(l->info.input_name, sizeof l->info.input_name, "%s", i->name);
    snprintf(l->info.output_name, sizeof l->info.output_name, "%s", o->name);
    snprintf(l->info.host_api, sizeof l->info.host_api, "%s", api ? api->name : "?");
    *in = (PaStreamParameters){.device = di, .channelCount = 1, .sampleFormat = paFloat32,
                               .suggestedLatency = i->defaultLowInputLatency};
    *out = (PaStreamParameters){.device = dout, .channelCount = 1, .sampleFormat = paFloat32,
                                .suggestedLatency = o->defaultLowOutputLatency};
    return choose_format(l, in, out, c->fs_hz, err);
}

/* The ring sizes: RECORD_RING_S of audio, as a power of two. */
static st_status open_recordings(st_live *l, const st_live_config *c, st_error *err)
{
    const char *rec[N_REC] = {c->record_in, c->record_out, c->record_env};
    size_t cap = (size_t)(RECORD_RING_S * l->info.fs_hz);
    st_status st = st_ring_create(l->cortex ? NET_SPIKE_RING : SPIKE_RING, sizeof(uint64_t),
                                  &l->spike_ring, err);
    for (int k = 0; k < N_REC && !st; k++) {
        if (!rec[k])
            continue;
        if ((st = st_ring_create(cap, sizeof(float), &l->ring[k], err)))
            break;
        st = st_wav_writer_open(rec[k], l->info.fs_hz, ST_WAV_FLOAT32, NULL, &l->writer[k], err);
    }
    if (!st && c->scope) {
        l->scope_every = c->scope_decimate ? c->scope_decimate : ST_LIVE_SCOPE_DECIMATE;
        st = st_ring_create(ST_LIVE_SCOPE_RING, sizeof(st_live_scope_point), &l->scope_ring,
                            err);
    }
    if (!st && !l->cortex && (c->record_env || c->scope))
        st = st_stream_enable_taps(l->stream, l->info.block, err);
    return st;
}

/* The testing hook, when a preloaded library defines it. dlopen(NULL) is the program's own
 * global scope, which includes LD_PRELOAD libraries. */
static guard_fn find_guard(void)
{
    guard_fn fn = NULL;
    void *self = dlopen(NULL, RTLD_NOW);
    if (self) {
        void *sym = dlsym(self, "spiketalk_rt_guard");
        if (sym)
            memcpy(&fn, &sym, sizeof fn); /* POSIX: a data pointer from dlsym may be a function */
        dlclose(self);
    }
    return fn;
}

/* A network's thread: the callback, or a worker whose rings 'c' sizes (net_latency_ms). */
static st_status open_worker(st_live *l, const st_live_config *c, st_error *err)
{
    st_net_info ni;
    st_net_get_info(st_cortex_net(l->cortex), &ni);
    st_live_net_thread t = c->net_thread;
    if (t == ST_LIVE_NET_AUTO)
        t = ni.neurons <= ST_LIVE_NET_AUTO_NEURONS ? ST_LIVE_NET_CALLBACK : ST_LIVE_NET_WORKER;
    l->info.net_thread = t;
    if (t != ST_LIVE_NET_WORKER)
        return ST_OK;
    double ms = c->net_latency_ms > 0 ? c->net_latency_ms : ST_LIVE_NET_LATENCY_MS;
    if (!(ms <= ST_LIVE_NET_MAX_LATENCY_MS))
        return st_error_set(err, ST_ERR_INVAL, "--net-latency: must be at most %g ms (got %g)",
                            ST_LIVE_NET_MAX_LATENCY_MS, ms);
    size_t lat = (size_t)llround(ms * l->info.fs_hz / 1000.0);
    if (c->net_latency_ms <= 0 && lat < c->block)
        lat = c->block;
    st_cortex_worker_config wc = {
        .block = c->block, .latency = lat,
        .input_capacity = (size_t)(RECORD_RING_S * l->info.fs_hz), .realtime = true,
        .on_spikes = on_net_spikes, .ud = l,
        .test_stall_ms = c->test_worker_stall_ms,
        .test_stall_at = (uint64_t)(TEST_STALL_AT_S * l->info.fs_hz),
        .test_lockstep = c->test_lockstep};
    st_status st = st_cortex_worker_create(l->cortex, &wc, &l->worker, err);
    if (!st)
        l->info.net_latency_samples = lat;
    return st;
}

static st_status open_stream(st_live *l, PaStreamParameters *in, PaStreamParameters *out,
                             st_error *err)
{
    int saved = st_io_quiet_begin();
    PaError e = Pa_OpenStream(&l->pa, in, out, l->info.fs_hz, l->info.block,
                              paClipOff | paDitherOff, on_audio, l);
    st_io_quiet_end(saved);
    if (e != paNoError) {
        l->pa = NULL;
        return st_error_set(err, ST_ERR_DEVICE, "devices '%s' / '%s': cannot open the stream: %s",
                            l->info.input_name, l->info.output_name, Pa_GetErrorText(e));
    }
    const PaStreamInfo *si = Pa_GetStreamInfo(l->pa);
    if (si) {
        l->info.reported_in_latency_s = si->inputLatency;
        l->info.reported_out_latency_s = si->outputLatency;
    }
    return ST_OK;
}

st_status st_live_open(const st_live_config *c, const st_pipeline_config *sc, st_live **out,
                       st_error *err)
{
    *out = NULL;
    st_status st = check_config(c, err);
    if (st)
        return st;
    st_live *l = st_calloc(1, sizeof *l);
    if (!l)
        return st_error_set(err, ST_ERR_NOMEM, "live: out of memory");
    l->info.block = c->block;
#ifdef ST_HAVE_PA_JACK
    /* Before Pa_Initialize, which opens the JACK client; PortAudio keeps the pointer. */
    if (c->client_name && *c->client_name)
        PaJack_SetClientName(c->client_name);
#endif
    if ((st = st_io_pa_start(err)))
        goto fail;
    l->pa_up = true;
    PaStreamParameters in, outp;
    if ((st = open_devices(l, c, &in, &outp, err)))
        goto fail;
    if (c->cortex) {
        st_cortex_config cc = *c->cortex;
        cc.bank.fs_hz = l->info.fs_hz;
        if ((st = st_cortex_create(&cc, &l->cortex, err)) ||
            (st = open_worker(l, c, err)))
            goto fail;
        l->info.delay_samples = st_cortex_delay_samples(l->cortex);
    } else {
        if ((st = st_stream_create(sc, l->info.fs_hz, &l->stream, err)))
            goto fail;
        l->info.delay_samples = st_stream_delay_samples(l->stream);
    }
    size_t b = c->block;
    l->in_mono = st_calloc(b, sizeof *l->in_mono);
    l->out_mono = st_calloc(b, sizeof *l->out_mono);
    l->zeros = st_calloc(b, sizeof *l->zeros);
    l->env_f = st_calloc(b, sizeof *l->env_f);
    l->cb_spikes.step = st_calloc(b, sizeof *l->cb_spikes.step);
    l->cb_spikes.cap = b; /* at most one spike per neuron step, one step per sample */
    if (!l->in_mono || !l->out_mono || !l->zeros || !l->env_f || !l->cb_spikes.step) {
        st = st_error_set(err, ST_ERR_NOMEM, "live: out of memory");
        goto fail;
    }
    if ((st = open_recordings(l, c, err)))
        goto fail;
    l->limit = c->duration_s > 0 ? (uint64_t)llround(c->duration_s * l->info.fs_hz) : 0;
    if (c->duration_s > 0 && l->limit == 0)
        l->limit = 1;
    l->alloc_at = c->test_alloc ? (uint64_t)(TEST_ALLOC_AT_S * l->info.fs_hz) : UINT64_MAX;
    l->stall_at = c->test_stall_ms > 0 ? (uint64_t)(TEST_STALL_AT_S * l->info.fs_hz)
                                       : UINT64_MAX;
    double stall_s = c->test_stall_ms / 1000.0;
    l->stall.tv_sec = (time_t)stall_s;
    l->stall.tv_nsec = (long)((stall_s - (double)l->stall.tv_sec) * 1e9);
    l->test_malloc = malloc;
    l->test_free = free;
    l->ns_per_frame = 1e9 / l->info.fs_hz;
    l->guard = find_guard();
    l->info.rt_guard = l->guard != NULL;
    if ((st = open_stream(l, &in, &outp, err)))
        goto fail;
    *out = l;
    return ST_OK;
fail:
    st_live_close(l);
    return st;
}

const st_live_info *st_live_info_get(const st_live *l)
{
    return &l->info;
}

/* ---- running --------------------------------------------------------------------------------- */

st_status st_live_start(st_live *l, st_error *err)
{
    if (l->started || l->stopped)
        return st_error_set(err, ST_ERR_INVAL, "live: the session was already started");
    atomic_store_explicit(&l->quit, false, memory_order_relaxed);
    if (pthread_create(&l->thread, NULL, writer_main, l) != 0)
        return st_error_set(err, ST_ERR_NOMEM, "live: cannot start the writer thread");
    l->thread_up = true;
    st_status st = l->worker ? st_cortex_worker_start(l->worker, err) : ST_OK;
    if (st)
        return st;
    int saved = st_io_quiet_begin();
    PaError e = Pa_StartStream(l->pa);
    st_io_quiet_end(saved);
    if (e != paNoError)
        return st_error_set(err, ST_ERR_DEVICE, "devices '%s' / '%s': cannot start: %s",
                            l->info.input_name, l->info.output_name, Pa_GetErrorText(e));
    l->started = true;
    return ST_OK;
}

void st_live_stats_get(st_live *l, st_live_stats *o)
{
    memset(o, 0, sizeof *o);
    o->frames = atomic_load_explicit(&l->frames, memory_order_relaxed);
    o->callbacks = atomic_load_explicit(&l->callbacks, memory_order_relaxed);
    o->xruns = atomic_load_explicit(&l->xruns, memory_order_relaxed);
    o->input_overflows = atomic_load_explicit(&l->in_over, memory_order_relaxed);
    o->input_underflows = atomic_load_explicit(&l->in_under, memory_order_relaxed);
    o->output_overflows = atomic_load_explicit(&l->out_over, memory_order_relaxed);
    o->output_underflows = atomic_load_explicit(&l->out_under, memory_order_relaxed);
    uint32_t bits = atomic_exchange_explicit(&l->peak_bits, 0, memory_order_relaxed);
    memcpy(&o->input_peak, &bits, sizeof bits);
    if (l->cortex) {
        st_cortex_stats cs;
        st_cortex_stats_get(l->cortex, &cs);
        float cur[ST_FB_MAX_BANDS];
        st_cortex_levels(l->cortex, cur, NULL);
        o->spikes = cs.spikes;
        for (size_t j = 0; j < st_cortex_config_get(l->cortex)->bank.bands; j++)
            o->current = cur[j] > o->current ? cur[j] : o->current;
        o->gate_threshold = o->noise_floor = NAN;
    } else {
        st_stream_stats ss;
        st_stream_stats_get(l->stream, &ss);
        o->spikes = ss.spikes;
        o->envelope = ss.envelope;
        o->current = ss.current;
        o->gate_threshold = ss.gate_threshold;
        o->noise_floor = ss.noise_floor;
    }
    double period_ns = (double)l->info.block * l->ns_per_frame;
    uint64_t busy = atomic_load_explicit(&l->busy_ns, memory_order_relaxed);
    o->load_mean = o->frames ? (double)busy / ((double)o->frames * l->ns_per_frame) : 0.0;
    o->load_max = (double)atomic_load_explicit(&l->busy_max_ns, memory_order_relaxed) / period_ns;
    o->load_recent_max =
        (double)atomic_exchange_explicit(&l->busy_recent_ns, 0, memory_order_relaxed) / period_ns;
    o->record_dropped = atomic_load_explicit(&l->dropped, memory_order_relaxed);
    if (l->pa && l->started) {
        l->pa_load = Pa_GetStreamCpuLoad(l->pa);
        o->active = Pa_IsStreamActive(l->pa) == 1;
    }
    o->pa_cpu_load = l->pa_load; /* the last reading while the stream ran */
    if (l->worker) {
        st_cortex_worker_stats ws;
        st_cortex_worker_stats_get(l->worker, &ws);
        o->late_blocks = ws.late_blocks;
        o->worker_input_lost = ws.input_lost;
        o->worker_load_mean = ws.samples ? (double)ws.busy_ns /
                                               ((double)ws.samples * l->ns_per_frame) : 0.0;
        o->worker_load_max = (double)ws.max_piece_ns / period_ns;
        o->worker_realtime = ws.realtime;
    }
}

st_status st_live_set_params(st_live *l, const st_model_params *p, st_error *err)
{
    if (l->cortex)
        return st_error_set(err, ST_ERR_INVAL, "live: a network session has no single neuron's "
                            "parameters");
    return st_stream_set_params(l->stream, p, err);
}

/* Ends the stream and the writer thread; 'keep' commits the recordings, else removes them. */
static st_status finish(st_live *l, bool keep, st_error *err)
{
    st_status st = ST_OK;
    /* A stream that stopped without the callback ending it lost its device. PortAudio's JACK
     * host API (19.6 and 19.7, RealStop in pa_jack.c) then waits ten minutes for a process
     * thread that no longer runs, in Pa_StopStream, Pa_AbortStream and Pa_CloseStream alike;
     * so the stream is abandoned to the end of the process, the recordings still finished. */
    if (l->started && !atomic_load_explicit(&l->completed, memory_order_relaxed) &&
        Pa_IsStreamActive(l->pa) == 0) {
        l->abandoned = true;
        l->started = false;
    }
    if (l->started) {
        int saved = st_io_quiet_begin();
        PaError e = keep ? Pa_StopStream(l->pa) : Pa_AbortStream(l->pa);
        st_io_quiet_end(saved);
        if (e != paNoError)
            st = st_error_set(err, ST_ERR_DEVICE, "devices '%s' / '%s': cannot stop: %s",
                              l->info.input_name, l->info.output_name, Pa_GetErrorText(e));
        l->started = false;
    }
    /* the stream is still: the worker runs the network on the input it still holds, and its
     * spikes reach the spike ring before the writer's last pass */
    st_cortex_worker_finish(l->worker);
    if (l->thread_up) {
        atomic_store_explicit(&l->quit, true, memory_order_release);
        pthread_join(l->thread, NULL);
        l->thread_up = false;
    }
    if (!st && l->writer_st) {
        st = l->writer_st;
        if (err)
            *err = l->writer_err;
    }
    for (int k = 0; k < N_REC; k++) {
        st_error e2 = {0};
        if (!l->writer[k])
            continue;
        if (!keep)
            st_wav_writer_abort(l->writer[k]);
        else if (st_wav_writer_commit(l->writer[k], &e2) && !st) {
            st = e2.code;
            if (err)
                *err = e2;
        }
        l->writer[k] = NULL;
    }
    uint64_t lost = atomic_load_explicit(&l->spikes_lost, memory_order_relaxed);
    if (l->cortex)
        l->raster_dropped += lost;
    else
        l->spikes.dropped += lost;
    atomic_store_explicit(&l->spikes_lost, 0, memory_order_relaxed);
    l->stopped = true;
    return st;
}

st_status st_live_stop(st_live *l, st_error *err)
{
    if (l->stopped)
        return ST_OK;
    return finish(l, true, err);
}

const st_spikes *st_live_spikes(const st_live *l)
{
    return &l->spikes;
}

/* ---- the scope feed -------------------------------------------------------------------------- */

const st_cortex *st_live_cortex(const st_live *l)
{
    return l->cortex;
}

const st_net_raster *st_live_raster(const st_live *l, uint64_t *dropped)
{
    if (dropped)
        *dropped = l->raster_dropped;
    return l->cortex ? &l->raster : NULL;
}

size_t st_live_scope_read(st_live *l, st_live_scope_point *out, size_t max)
{
    return l && l->scope_ring ? st_ring_read(l->scope_ring, out, max) : 0;
}

double st_live_scope_rate(const st_live *l)
{
    return l && l->scope_ring ? l->info.fs_hz / (double)l->scope_every : 0.0;
}

uint64_t st_live_scope_dropped(st_live *l)
{
    return l ? atomic_load_explicit(&l->scope_lost, memory_order_relaxed) : 0;
}

void st_live_close(st_live *l)
{
    if (!l)
        return;
    if (!l->stopped)
        finish(l, false, NULL);
    if (l->pa && !l->abandoned) {
        int saved = st_io_quiet_begin();
        Pa_CloseStream(l->pa);
        st_io_quiet_end(saved);
    }
    if (l->pa_up && !l->abandoned)
        st_io_pa_stop();
    for (int k = 0; k < N_REC; k++)
        st_ring_destroy(l->ring[k]);
    st_ring_destroy(l->spike_ring);
    st_ring_destroy(l->scope_ring);
    st_stream_destroy(l->stream);
    st_cortex_worker_destroy(l->worker);
    st_cortex_destroy(l->cortex);
    st_net_raster_free(&l->raster);
    st_free(l->in_mono);
    st_free(l->out_mono);
    st_free(l->zeros);
    st_free(l->env_f);
    st_free(l->cb_spikes.step);
    st_spikes_free(&l->spikes);
    st_free(l);
}
