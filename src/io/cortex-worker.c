/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A listening network on a real-time worker thread between two SPSC rings (cortex-worker.h). */
#define _GNU_SOURCE /* sched_yield, pthread_attr_setinheritsched with <sched.h> */
#include "spiketalk/cortex-worker.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "spiketalk/ring.h"

/* How long a lockstep callback (testing, freewheel) waits for the worker before it plays the
 * block as late after all: a worker that died must not hang the test. */
#define LOCKSTEP_GIVE_UP_NS 5000000000ull

struct st_cortex_worker {
    st_cortex *cx;
    st_cortex_worker_config c;
    st_ring *in_ring, *out_ring;
    sem_t wake;
    bool sem_up, thread_up;
    pthread_t thread;
    atomic_bool quit;
    /* the callback's own */
    size_t debt;                         /* output samples owed to late blocks: dropped on sight */
    float *scratch;                      /* one block, for dropping them */
    float *zeros;                        /* one block of silence for a missing input */
    /* the worker's own */
    float *in_buf, *out_buf;             /* one block each */
    uint64_t stall_at;                   /* input sample; UINT64_MAX: off */
    /* counters */
    atomic_uint_least64_t pieces, samples, busy_ns, max_piece_ns, late_blocks, late_samples;
    atomic_uint_least64_t input_lost, timed;
    atomic_size_t min_ready;
    atomic_bool realtime;
};

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t); /* the vDSO: no system call, no lock */
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* ---- the callback's side ----------------------------------------------------------------------- */

/* Drops output samples that belong to blocks already played as silence, as far as they exist. */
static void pay_debt(st_cortex_worker *w)
{
    while (w->debt) {
        size_t k = w->debt < w->c.block ? w->debt : w->c.block;
        size_t got = st_ring_read(w->out_ring, w->scratch, k);
        if (got == 0)
            return;
        w->debt -= got;
    }
}

/* Testing only: spins (no lock, no sleep) until the block's sound is there or the worker is
 * given up on. */
static void lockstep_wait(st_cortex_worker *w, size_t n)
{
    uint64_t t0 = now_ns();
    while (st_ring_readable(w->out_ring) < n && now_ns() - t0 < LOCKSTEP_GIVE_UP_NS)
        sched_yield();
}

void st_cortex_worker_process(st_cortex_worker *w, const float *in, float *out, size_t n)
{
    size_t put = st_ring_write(w->in_ring, in ? in : w->zeros, n);
    if (put < n)
        atomic_fetch_add_explicit(&w->input_lost, n - put, memory_order_relaxed);
    sem_post(&w->wake); /* async-signal-safe; a futex wake, never a wait */
    pay_debt(w);
    if (w->c.test_lockstep && w->debt == 0)
        lockstep_wait(w, n);
    size_t ready = w->debt ? 0 : st_ring_readable(w->out_ring);
    if (ready < atomic_load_explicit(&w->min_ready, memory_order_relaxed))
        atomic_store_explicit(&w->min_ready, ready, memory_order_relaxed);
    if (ready >= n) {
        st_ring_read(w->out_ring, out, n);
        return;
    }
    /* Late: silence now, and the samples this block should have played are dropped when the
     * worker makes them, so that every later block keeps the same delay. */
    memset(out, 0, n * sizeof *out);
    w->debt += n;
    atomic_fetch_add_explicit(&w->late_blocks, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&w->late_samples, n, memory_order_relaxed);
}

/* ---- the worker thread ------------------------------------------------------------------------- */

/* Testing only: the one stall, before the piece that starts at or after 'stall_at'. */
static void maybe_stall(st_cortex_worker *w, uint64_t done)
{
    if (done < w->stall_at)
        return;
    w->stall_at = UINT64_MAX;
    double s = w->c.test_stall_ms / 1000.0;
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&t, NULL);
}

/* Runs the network on everything the input ring holds; returns the samples it ran. */
static size_t run_all(st_cortex_worker *w)
{
    size_t total = 0, got;
    while ((got = st_ring_read(w->in_ring, w->in_buf, w->c.block)) > 0) {
        uint64_t done = atomic_load_explicit(&w->samples, memory_order_relaxed);
        maybe_stall(w, done);
        uint64_t t0 = now_ns();
        st_cortex_process(w->cx, w->in_buf, w->out_buf, got, w->c.on_spikes, w->c.ud);
        uint64_t dt = now_ns() - t0;
        /* it fits while the stream runs (see 'out_ring' in create); after, nobody plays it */
        st_ring_write(w->out_ring, w->out_buf, got);
        uint64_t k = atomic_load_explicit(&w->timed, memory_order_relaxed);
        if (w->c.piece_ns && k < w->c.piece_ns_cap) {
            w->c.piece_ns[k] = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
            atomic_store_explicit(&w->timed, k + 1, memory_order_relaxed);
        }
        atomic_fetch_add_explicit(&w->busy_ns, dt, memory_order_relaxed);
        if (dt > atomic_load_explicit(&w->max_piece_ns, memory_order_relaxed))
            atomic_store_explicit(&w->max_piece_ns, dt, memory_order_relaxed);
        atomic_fetch_add_explicit(&w->pieces, 1, memory_order_relaxed);
        atomic_store_explicit(&w->samples, done + got, memory_order_relaxed);
        total += got;
    }
    return total;
}

static void *worker_main(void *ud)
{
    st_cortex_worker *w = ud;
    for (;;) {
        /* 'quit' is set after the producer stopped, so once it is seen, one more pass takes
         * everything there will ever be */
        bool quit = atomic_load_explicit(&w->quit, memory_order_acquire);
        run_all(w);
        if (quit)
            break;
        while (sem_wait(&w->wake) != 0 && errno == EINTR)
            ;
    }
    return NULL;
}

/* ---- the control thread's ---------------------------------------------------------------------- */

st_status st_cortex_worker_create(st_cortex *cx, const st_cortex_worker_config *c,
                                  st_cortex_worker **out, st_error *err)
{
    *out = NULL;
    if (c->block < 1 || c->latency < c->block)
        return st_error_set(err, ST_ERR_INVAL,
                            "--net-latency: must be at least one block (%zu samples; got %zu)",
                            c->block, c->latency);
    if (st_cortex_config_get(cx)->net.threads != 1)
        return st_error_set(err, ST_ERR_INVAL, "--net-latency: the worker runs the network on "
                            "one thread (asked for %d)", st_cortex_config_get(cx)->net.threads);
    st_cortex_worker *w = st_calloc(1, sizeof *w);
    if (!w)
        return st_error_set(err, ST_ERR_NOMEM, "live: out of memory");
    w->cx = cx;
    w->c = *c;
    size_t cap = c->input_capacity;
    if (cap == 0)
        cap = (size_t)st_cortex_config_get(cx)->bank.fs_hz;
    if (cap < c->latency)
        cap = c->latency;
    atomic_store_explicit(&w->min_ready, SIZE_MAX, memory_order_relaxed);
    w->stall_at = c->test_stall_ms > 0 ? c->test_stall_at : UINT64_MAX;
    st_status st;
    /* The output ring holds 'latency' plus the input ring plus a block: the worker cannot run
     * ahead of the input by more than the input ring holds, and the callback takes a block per
     * block - and after late blocks, at its next callback, everything owed to them, however
     * fast the worker made it while catching up. So the worker's writes always fit while the
     * stream runs. */
    if ((st = st_ring_create(cap + c->block, sizeof(float), &w->in_ring, err)) ||
        (st = st_ring_create(c->latency + cap + 3 * c->block, sizeof(float), &w->out_ring,
                             err)))
        goto fail;
    w->scratch = st_calloc(c->block, sizeof(float));
    w->zeros = st_calloc(c->block, sizeof(float));
    w->in_buf = st_calloc(c->block, sizeof(float));
    w->out_buf = st_calloc(c->block, sizeof(float));
    if (!w->scratch || !w->zeros || !w->in_buf || !w->out_buf) {
        st = st_error_set(err, ST_ERR_NOMEM, "live: out of memory");
        goto fail;
    }
    for (size_t k = 0; k < c->latency; k += c->block) /* the delay: 'latency' zeros */
        st_ring_write(w->out_ring, w->zeros, c->latency - k < c->block ? c->latency - k
                                                                        : c->block);
    if (sem_init(&w->wake, 0, 0) != 0) {
        st = st_error_set(err, ST_ERR_NOMEM, "live: cannot make the worker's semaphore");
        goto fail;
    }
    w->sem_up = true;
    *out = w;
    return ST_OK;
fail:
    st_cortex_worker_destroy(w);
    return st;
}

st_status st_cortex_worker_start(st_cortex_worker *w, st_error *err)
{
    if (w->thread_up)
        return st_error_set(err, ST_ERR_INVAL, "live: the worker was already started");
    atomic_store_explicit(&w->quit, false, memory_order_relaxed);
    pthread_attr_t attr;
    bool rt = false;
    if (w->c.realtime && pthread_attr_init(&attr) == 0) {
        /* priority 1: above every normal thread (other programs, our writer), below the audio
         * callback's thread when that one is real-time too */
        struct sched_param sp = {.sched_priority = 1};
        rt = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED) == 0 &&
             pthread_attr_setschedpolicy(&attr, SCHED_FIFO) == 0 &&
             pthread_attr_setschedparam(&attr, &sp) == 0 &&
             pthread_create(&w->thread, &attr, worker_main, w) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!rt && pthread_create(&w->thread, NULL, worker_main, w) != 0)
        return st_error_set(err, ST_ERR_NOMEM, "live: cannot start the network's worker thread");
    atomic_store_explicit(&w->realtime, rt, memory_order_relaxed);
    w->thread_up = true;
    return ST_OK;
}

void st_cortex_worker_finish(st_cortex_worker *w)
{
    if (!w || !w->thread_up)
        return;
    atomic_store_explicit(&w->quit, true, memory_order_release);
    sem_post(&w->wake);
    pthread_join(w->thread, NULL);
    w->thread_up = false;
}

void st_cortex_worker_stats_get(const st_cortex_worker *w, st_cortex_worker_stats *o)
{
    st_cortex_worker *m = (st_cortex_worker *)w; /* atomics are read, never changed */
    o->pieces = atomic_load_explicit(&m->pieces, memory_order_relaxed);
    o->samples = atomic_load_explicit(&m->samples, memory_order_relaxed);
    o->busy_ns = atomic_load_explicit(&m->busy_ns, memory_order_relaxed);
    o->max_piece_ns = atomic_load_explicit(&m->max_piece_ns, memory_order_relaxed);
    o->late_blocks = atomic_load_explicit(&m->late_blocks, memory_order_relaxed);
    o->late_samples = atomic_load_explicit(&m->late_samples, memory_order_relaxed);
    o->input_lost = atomic_load_explicit(&m->input_lost, memory_order_relaxed);
    o->min_ready = atomic_load_explicit(&m->min_ready, memory_order_relaxed);
    o->pieces_timed = (size_t)atomic_load_explicit(&m->timed, memory_order_relaxed);
    o->realtime = atomic_load_explicit(&m->realtime, memory_order_relaxed);
}

size_t st_cortex_worker_latency(const st_cortex_worker *w)
{
    return w->c.latency;
}

void st_cortex_worker_destroy(st_cortex_worker *w)
{
    if (!w)
        return;
    st_cortex_worker_finish(w);
    if (w->sem_up)
        sem_destroy(&w->wake);
    st_ring_destroy(w->in_ring);
    st_ring_destroy(w->out_ring);
    st_free(w->scratch);
    st_free(w->zeros);
    st_free(w->in_buf);
    st_free(w->out_buf);
    st_free(w);
}
