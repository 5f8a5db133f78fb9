/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A listening network (cortex.h) on a real-time worker thread, fed through lock-free rings, for
 * an audio callback that cannot afford the network's steps itself: a network of 10,000 neurons
 * averages a quarter of a 64-frame block's period, but a synchronous burst makes one step take
 * several periods.
 *
 * The callback (st_cortex_worker_process) only copies its input into an SPSC ring, wakes the
 * worker (sem_post: async-signal-safe, never blocks) and copies the network's sound out of a
 * second ring. The worker runs st_cortex_process on everything the first ring holds, in pieces
 * of at most 'block' samples, and puts the sound into the second. That ring starts with
 * 'latency' zeros, so the callback plays the cortex's output for its input 'latency' samples
 * earlier: out[t] = cortex(in)[t - latency], with out[t] = 0 for t < latency. The worker may
 * fall behind by up to 'latency' minus one block without any effect on the sound.
 *
 * When the worker is later than that, the callback plays silence for the block and counts it
 * ("late"), never waits; the samples it missed are dropped when they come, so the delay stays
 * exactly 'latency' and the next block on time is again exact. Every sample of input still
 * reaches the network (the input ring holds 'input_capacity' samples; beyond that input is lost
 * and counted), so its spikes stay those of the offline run on the same input.
 *
 * Threads: one producer thread calls st_cortex_worker_process (the audio callback); the control
 * thread calls the others. The worker runs the network on one thread (its net.threads must be
 * 1) and calls 'on_spikes' from the worker thread. The worker asks for SCHED_FIFO priority 1 -
 * above every normal thread, below any real-time audio thread - and runs at normal priority
 * where that is not permitted. */
#ifndef SPIKETALK_CORTEX_WORKER_H
#define SPIKETALK_CORTEX_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/cortex.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_cortex_worker_config {
    size_t block;               /* the largest piece the callback hands over, samples, >= 1 */
    size_t latency;             /* the sound's extra delay, samples, >= block */
    size_t input_capacity;      /* samples of input the worker may fall behind before input is
                                   lost; 0: one second at the cortex's rate, at least 'latency' */
    bool realtime;              /* ask for SCHED_FIFO */
    st_net_spike_fn on_spikes;  /* after each network step, on the worker thread; may be NULL */
    void *ud;                   /* for on_spikes */
    /* benchmarks: the worker's time for each piece it ran, ns, the first 'piece_ns_cap' */
    uint32_t *piece_ns;
    size_t piece_ns_cap;
    /* testing only */
    double test_stall_ms;       /* ms; > 0: the worker sleeps this long once, before the piece
                                   that starts at input sample 'test_stall_at' or later */
    uint64_t test_stall_at;
    bool test_lockstep;         /* the callback waits for the worker instead of playing silence:
                                   for a JACK server in freewheel (no deadlines) only; a
                                   real-time callback must never wait */
} st_cortex_worker_config;

typedef struct st_cortex_worker st_cortex_worker;

/* Builds the rings (the output's holding 'latency' zeros) around 'cx', which stays the caller's
 * and must outlive the worker. Starts no thread. ST_ERR_INVAL naming --net-latency for a latency
 * under one block, or for a network on more than one thread; ST_ERR_NOMEM. *out NULL on
 * failure. Control thread. */
ST_API st_status st_cortex_worker_create(st_cortex *cx, const st_cortex_worker_config *c,
                                         st_cortex_worker **out, st_error *err);

/* Starts the worker thread (SCHED_FIFO priority 1 when c->realtime and permitted). ST_ERR_NOMEM
 * when no thread can be made. Control thread, once. */
ST_API st_status st_cortex_worker_start(st_cortex_worker *w, st_error *err);

/* The callback's part, n <= block samples: hands 'in' (NULL: silence) to the worker and fills
 * 'out' with the cortex's sound 'latency' samples back, or with silence when the worker has
 * not made it yet (counted in 'late_blocks'). Never allocates, locks or waits (except with
 * test_lockstep). The producer thread only. */
ST_API void st_cortex_worker_process(st_cortex_worker *w, const float *in, float *out,
                                     size_t n);

/* Once the producer has stopped for good: lets the worker run the network on all the input it
 * was given, then ends the thread. Idempotent. Control thread. */
ST_API void st_cortex_worker_finish(st_cortex_worker *w);

/* Counters since the start, read from any thread while it runs (relaxed atomics). */
typedef struct st_cortex_worker_stats {
    uint64_t pieces;            /* pieces the worker ran */
    uint64_t samples;           /* of input it ran */
    uint64_t busy_ns;           /* its time in st_cortex_process, ns */
    uint64_t max_piece_ns;      /* its longest piece, ns */
    uint64_t late_blocks;       /* callback blocks played as silence: the worker was late */
    uint64_t late_samples;      /* the samples of those blocks */
    uint64_t input_lost;        /* input samples the full input ring could not take */
    size_t min_ready;           /* the least sound ready (samples) when a callback came, before
                                   it took its block: 'latency' could have been this much
                                   smaller minus one block without a late block; SIZE_MAX
                                   before the first */
    size_t pieces_timed;        /* entries written to piece_ns */
    bool realtime;              /* the worker runs with SCHED_FIFO */
} st_cortex_worker_stats;

ST_API void st_cortex_worker_stats_get(const st_cortex_worker *w, st_cortex_worker_stats *out);

/* The latency in samples (the configuration's). */
ST_API size_t st_cortex_worker_latency(const st_cortex_worker *w);

/* Finishes if needed and frees the rings (not the cortex). NULL-safe. Control thread. */
ST_API void st_cortex_worker_destroy(st_cortex_worker *w);

#ifdef __cplusplus
}
#endif
#endif
