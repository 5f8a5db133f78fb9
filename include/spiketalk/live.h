/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A live session: a PortAudio full-duplex stream whose callback runs the streaming pipeline
 * (stream.h) on every block, with meters, parameter changes while it runs, and the session
 * recorded to WAV files through lock-free rings (ring.h) and a writer thread.
 *
 * Threads. The control thread (the one that opens the session) calls every function here. The
 * audio callback runs st_stream_process and nothing else that could wait: no allocation, no
 * lock, no I/O, no logging; it hands samples, spike stamps and counters to the other threads
 * through SPSC rings and relaxed atomics. A writer thread drains the rings into the files.
 *
 * Testing hook. When a library that defines `void spiketalk_rt_guard(int entering)` is in the
 * process (tests/live/rt-guard.c, through LD_PRELOAD), the callback calls it with 1 before and 0
 * after its own work, so the library can abort on any allocation, lock or I/O in between.
 * Without it the cost is one test of a NULL pointer per block. */
#ifndef SPIKETALK_LIVE_H
#define SPIKETALK_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/cortex.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"
#include "spiketalk/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_live st_live;

/* Where a network session (st_live_config.cortex) runs its network. */
typedef enum st_live_net_thread {
    ST_LIVE_NET_AUTO = 0,       /* the callback up to ST_LIVE_NET_AUTO_NEURONS neurons, else a
                                   worker */
    ST_LIVE_NET_CALLBACK,       /* in the audio callback: no extra latency, but a step that
                                   takes longer than a block period is an xrun */
    ST_LIVE_NET_WORKER,         /* on a real-time worker thread (cortex-worker.h): the callback
                                   only moves samples through rings; the sound comes
                                   'net_latency' later, and a worker later than that makes a
                                   silent block, counted, never an xrun */
} st_live_net_thread;

/* The largest network ST_LIVE_NET_AUTO runs in the callback (measured: README, bench-live-net). */
#define ST_LIVE_NET_AUTO_NEURONS 2000u
/* The worker's default extra latency, ms (measured: README, bench-live-net). */
#define ST_LIVE_NET_LATENCY_MS 100.0
/* The longest extra latency a session accepts, ms. */
#define ST_LIVE_NET_MAX_LATENCY_MS 2000.0

/* "auto", "callback", "worker"; st_live_net_thread_parse: ST_ERR_INVAL naming --net-thread. */
ST_API const char *st_live_net_thread_name(st_live_net_thread t);
ST_API st_status st_live_net_thread_parse(const char *name, st_live_net_thread *out,
                                          st_error *err);

/* Largest block (frames per callback) a session accepts. */
#define ST_LIVE_MAX_BLOCK 16384u

typedef struct st_live_config {
    const char *host_api;       /* part of a host API's name ("jack", "alsa"); NULL: any */
    const char *input_device;   /* index or part of a name (st_device_find); NULL: default */
    const char *output_device;  /* the same for playback */
    const char *client_name;    /* JACK client name: ports NAME:in_0, NAME:out_0 */
    double fs_hz;               /* Hz; 0: 44100 when both devices take it, else the input's */
    unsigned block;             /* frames per callback (PortAudio's framesPerBuffer), 1 .. max */
    double duration_s;          /* s; > 0: the session ends after exactly this much audio */
    const char *record_in;      /* WAV of what the callback received (mono), or NULL */
    const char *record_out;     /* WAV of what it played (mono), or NULL */
    const char *record_env;     /* WAV of the envelope, sample by sample beside them, or NULL */
    /* testing only: fault injection for the live test suite */
    double test_stall_ms;       /* ms; > 0: the callback 0.5 s into the session sleeps this long
                                   (outside the guarded section), to force an xrun */
    bool test_alloc;            /* the callback 0.25 s in calls malloc inside the guarded
                                   section, to prove the guard catches it */
    /* the scope feed (st_live_scope_read), added after the fields above */
    bool scope;                 /* feed a scope: the callback condenses input, envelope and v */
    unsigned scope_decimate;    /* samples per scope point; 0: ST_LIVE_SCOPE_DECIMATE */
    /* a network that listens (cortex.h) in place of the pipeline, added after the above */
    const st_cortex_config *cortex; /* NULL: the pipeline ('sc' of st_live_open). Else the
                                   callback runs st_cortex_process on a copy of it whose
                                   bank.fs_hz is the session's rate; its network must run on
                                   one thread; no scope and no envelope recording */
    /* where the network runs, added after the above */
    st_live_net_thread net_thread; /* ST_LIVE_NET_AUTO (0), _CALLBACK or _WORKER */
    double net_latency_ms;      /* ms; the worker's extra latency, rounded to samples, at least
                                   one block; 0: ST_LIVE_NET_LATENCY_MS (or one block, if
                                   longer). Ignored in the callback */
    double test_worker_stall_ms;/* testing only: ms; > 0: the worker 0.5 s into the session
                                   sleeps this long, to make it late */
    bool test_lockstep;         /* testing only: the callback waits for the worker (a JACK
                                   server in freewheel, for bit-exact tests); never in real time */
} st_live_config;

/* Block 64, client name "spiketalk", everything else off or default. */
ST_API void st_live_config_default(st_live_config *c);

/* What a session settled on; fixed once it is open. */
typedef struct st_live_info {
    double fs_hz;                 /* Hz */
    unsigned block;               /* frames per callback */
    int in_channels, out_channels;/* opened (mono when the device takes it) */
    char input_name[128];         /* the devices chosen */
    char output_name[128];
    char host_api[64];            /* "JACK Audio Connection Kit", "ALSA", ... */
    size_t delay_samples;         /* the envelope's algorithmic delay, samples */
    double reported_in_latency_s; /* PortAudio's claims, s (wrong on JACK: measure instead) */
    double reported_out_latency_s;
    bool rt_guard;                /* the testing hook was found and is called */
    /* a network session's thread, added after the above */
    st_live_net_thread net_thread;/* ST_LIVE_NET_CALLBACK or _WORKER (auto resolved) */
    size_t net_latency_samples;   /* the worker's extra delay: what is played at sample t is
                                     the network's sound for the input at t - this; 0 in the
                                     callback */
} st_live_info;

/* Counters since the session started, read while it runs. A network session counts all its
 * neurons' spikes in 'spikes'; its current is the largest of its bands' currents, its envelope
 * 0, its gate threshold and noise floor NAN. */
typedef struct st_live_stats {
    uint64_t frames;              /* processed by the pipeline */
    uint64_t callbacks;
    uint64_t xruns;               /* callbacks PortAudio flagged with any under/overflow */
    uint64_t input_overflows, input_underflows, output_overflows, output_underflows;
    uint64_t spikes;
    float input_peak;             /* |x| peak since the previous st_live_stats_get, full scale 1 */
    float envelope;               /* the last envelope value */
    float current;                /* the last input current */
    double gate_threshold;        /* NAN while it is being learned */
    double noise_floor;           /* the adaptive gate's noise floor (amplitude, full scale 1);
                                     NAN for the other gates */
    double load_mean;             /* pipeline time / block period over the session */
    double load_max;              /* its largest value for one block over the session */
    double load_recent_max;       /* the largest since the previous st_live_stats_get */
    double pa_cpu_load;           /* PortAudio's Pa_GetStreamCpuLoad (the whole callback) */
    uint64_t record_dropped;      /* samples the writer thread could not take in time */
    bool active;                  /* the stream still runs (false after 'duration' or a stop) */
    /* a network on a worker thread (0 otherwise), added after the above; 'load_*' above are
       then the callback's own cost */
    uint64_t late_blocks;         /* blocks played as silence because the worker was late */
    uint64_t worker_input_lost;   /* input samples the worker's full ring could not take */
    double worker_load_mean;      /* the worker's network time / audio time over the session */
    double worker_load_max;       /* its longest piece (one block of sound) / block period */
    bool worker_realtime;         /* it runs with SCHED_FIFO */
} st_live_stats;

/* Opens the devices and everything the session needs, without starting it: PortAudio (the JACK
 * client named c->client_name), the devices (ST_ERR_DEVICE "no audio capture device found; to
 * use a file, run 'spiketalk process FILE'" when there is none), the rate, the stream for 'sc'
 * at that rate (its errors name the flag), the rings, the recordings (temporary files beside
 * their paths, checked before anything else), and the PortAudio stream. On failure everything
 * is released, no file is left behind and *out is NULL. Control thread. */
ST_API st_status st_live_open(const st_live_config *c, const st_pipeline_config *sc, st_live **out,
                              st_error *err);

ST_API const st_live_info *st_live_info_get(const st_live *l);

/* Starts the writer thread and the stream. ST_ERR_DEVICE when PortAudio cannot start it. */
ST_API st_status st_live_start(st_live *l, st_error *err);

/* Fills 'out'; resets the "since the previous call" peaks. Control thread, any time. */
ST_API void st_live_stats_get(st_live *l, st_live_stats *out);

/* Publishes new neuron parameters (another preset); the callback takes them at its next block
 * and the neuron's state carries on. ST_ERR_INVAL for parameters the model refuses. */
ST_API st_status st_live_set_params(st_live *l, const st_model_params *p, st_error *err);

/* Stops the stream (after the block in flight), lets the writer drain the rings, and commits
 * the recordings (renamed into place). Returns the first error (a device that failed to stop,
 * a full disk); the recordings that could be finished are. Idempotent. */
ST_API st_status st_live_stop(st_live *l, st_error *err);

/* The spikes of the session, stamped in samples since its start (a spike at sample j happened
 * in the neuron step that ended there); complete after st_live_stop. Stamps that did not fit
 * in memory are counted in 'dropped'. */
ST_API const st_spikes *st_live_spikes(const st_live *l);

/* A network session (c->cortex): its engine, for st_cortex_levels and st_cortex_stats_get
 * (any thread) and st_cortex_group; NULL for a pipeline session. */
ST_API const st_cortex *st_live_cortex(const st_live *l);

/* A network session's spikes, (step, neuron) as the offline run's (st_cortex_process stamps);
 * complete after st_live_stop; spikes that did not fit in memory or in the callback's ring are
 * counted in *dropped. NULL for a pipeline session. */
ST_API const st_net_raster *st_live_raster(const st_live *l, uint64_t *dropped);

/* ---- the scope feed ---------------------------------------------------------------------------
 * With c->scope set, the callback condenses every 'scope_decimate' samples into one point (the
 * extremes of the input and of v, the envelope's largest value) and hands the points to the
 * control thread through an SPSC ring of ST_LIVE_SCOPE_RING points; when the reader falls
 * behind, new points are dropped and counted, never waited for. A GUI's frame clock drains it
 * into its own history. */
#define ST_LIVE_SCOPE_DECIMATE 64u
#define ST_LIVE_SCOPE_RING 4096u

typedef struct st_live_scope_point {
    float in_min, in_max;         /* the input's extremes over the point, full scale 1 */
    float env;                    /* the envelope's largest value over the point */
    float v_min, v_max;           /* the membrane potential's extremes, mV */
} st_live_scope_point;

/* Moves up to 'max' points, oldest first, into 'out'; returns how many (0 without a scope).
 * Never blocks. Control thread (the single reader). */
ST_API size_t st_live_scope_read(st_live *l, st_live_scope_point *out, size_t max);

/* Scope points per second (fs_hz / scope_decimate); 0 without a scope. */
ST_API double st_live_scope_rate(const st_live *l);

/* Points the callback could not hand over because the ring was full. */
ST_API uint64_t st_live_scope_dropped(st_live *l);

/* Stops if needed (recordings that were not committed are removed) and frees everything,
 * PortAudio included - except after the device went away mid-session: PortAudio's JACK host
 * API would wait ten minutes to stop or close that stream, so it is left to the end of the
 * process. NULL-safe. */
ST_API void st_live_close(st_live *l);

#ifdef __cplusplus
}
#endif
#endif
