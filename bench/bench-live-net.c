/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live callback's budget with a network that listens (`spiketalk live --net`), both ways
 * the network can run, for izh2003 at 1000 and 10,000 neurons (16 bands); one network step per
 * millisecond of sound, so a block of 1.45 ms holds one or two steps. Prints; not a test.
 *
 *   callback  st_cortex_process timed block by block on 64-frame blocks of speech, as fast as
 *             it goes: the callback's cost per block against the block period
 *   worker    the worker thread (cortex-worker.h) fed in real time by a paced thread that
 *             plays the callback (a 64-frame block every 1.45 ms, SCHED_FIFO 2 when permitted,
 *             above the worker's 1): the callback's own cost per block, the worker's time per
 *             block of sound, and the least extra latency that run needed (the worker's
 *             largest backlog plus one block), with a latency of WORKER_LATENCY_MS so that
 *             no block is late while it is measured
 *
 * usage: bench-live-net [SECONDS] (of the voice, looped; default 20; the worker part runs in
 * real time, SECONDS per size) */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spiketalk/audio.h"
#include "spiketalk/cortex-worker.h"
#include "spiketalk/cortex.h"

#include "bench-blocks.h"

#define BLOCK 64
#define WORKER_LATENCY_MS 500.0

/* Runs 'x' through a fresh listening network of 'neurons' in BLOCK-frame blocks, timing each
 * call into 'ns'. */
static int run(uint32_t neurons, const float *x, size_t n, double fs, double *ns,
               st_net_info *info)
{
    st_cortex_config c;
    st_cortex *cx = NULL;
    st_error err = {0};
    if (st_cortex_config_default(&c, "izh2003", neurons, 0, 16, fs, &err) ||
        st_cortex_create(&c, &cx, &err)) {
        fprintf(stderr, "bench-live-net: %s\n", err.msg);
        return 1;
    }
    float out[BLOCK];
    for (size_t b = 0; b < n / BLOCK; b++) {
        double t0 = bench_now_ns();
        st_cortex_process(cx, x + b * BLOCK, out, BLOCK, NULL, NULL);
        ns[b] = bench_now_ns() - t0;
    }
    st_net_get_info(st_cortex_net(cx), info);
    st_cortex_destroy(cx);
    return 0;
}

/* mean, median, p99, max of 'n' times in ns, printed in us and as shares of the period */
static void row(const char *what, uint32_t neurons, double *ns, size_t n, double period_us)
{
    bench_times t = bench_stats(ns, n);
    printf("%-16s %8u %9.1f %9.1f %9.1f %9.1f %8.1f%% %7.1f%% %7.1f%%\n", what,
           (unsigned)neurons, t.mean_us, t.median_us, t.p99_us, t.max_us,
           100 * t.mean_us / period_us, 100 * t.p99_us / period_us, 100 * t.max_us / period_us);
}

typedef struct pacer {
    st_cortex_worker *w;
    const float *x;
    size_t blocks;
    double fs;
    double *cb_ns;                 /* the callback's own cost per block */
    bool realtime;
} pacer;

/* The callback's stand-in: one block every block period, on an absolute clock, as a sound
 * card would ask. */
static void *pace(void *ud)
{
    pacer *p = ud;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    long period_ns = (long)(1e9 * BLOCK / p->fs);
    float out[BLOCK];
    for (size_t b = 0; b < p->blocks; b++) {
        next.tv_nsec += period_ns;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        double t0 = bench_now_ns();
        st_cortex_worker_process(p->w, p->x + b * BLOCK, out, BLOCK);
        p->cb_ns[b] = bench_now_ns() - t0;
    }
    return NULL;
}

/* The worker way at 'neurons': returns non-zero on failure. */
static int run_worker(uint32_t neurons, const float *x, size_t n, double fs, double *ns,
                      uint32_t *piece_ns, double period_us)
{
    st_cortex_config c;
    st_cortex *cx = NULL;
    st_cortex_worker *w = NULL;
    st_error err = {0};
    size_t blocks = n / BLOCK;
    st_cortex_worker_config wc = {.block = BLOCK,
                                  .latency = (size_t)(WORKER_LATENCY_MS * fs / 1000),
                                  .realtime = true, .piece_ns = piece_ns,
                                  .piece_ns_cap = blocks};
    if (st_cortex_config_default(&c, "izh2003", neurons, 0, 16, fs, &err) ||
        st_cortex_create(&c, &cx, &err) || st_cortex_worker_create(cx, &wc, &w, &err) ||
        st_cortex_worker_start(w, &err)) {
        fprintf(stderr, "bench-live-net: %s\n", err.msg);
        st_cortex_worker_destroy(w);
        st_cortex_destroy(cx);
        return 1;
    }
    pacer p = {w, x, blocks, fs, ns, false};
    pthread_t t;
    pthread_attr_t attr;
    struct sched_param sp = {.sched_priority = 2};
    pthread_attr_init(&attr);
    p.realtime = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED) == 0 &&
                 pthread_attr_setschedpolicy(&attr, SCHED_FIFO) == 0 &&
                 pthread_attr_setschedparam(&attr, &sp) == 0 &&
                 pthread_create(&t, &attr, pace, &p) == 0;
    pthread_attr_destroy(&attr);
    if (!p.realtime && pthread_create(&t, NULL, pace, &p) != 0)
        return 1;
    pthread_join(t, NULL);
    st_cortex_worker_finish(w);
    st_cortex_worker_stats ws;
    st_cortex_worker_stats_get(w, &ws);
    row("worker: callback", neurons, ns, blocks, period_us);
    double *pn = ns; /* reused for the worker's pieces */
    for (size_t k = 0; k < ws.pieces_timed; k++)
        pn[k] = piece_ns[k];
    if (ws.pieces_timed)
        row("worker: network", neurons, pn, ws.pieces_timed, period_us);
    size_t need = wc.latency - (ws.min_ready > wc.latency ? 0 : ws.min_ready) + BLOCK;
    printf("%-16s %8u late blocks %llu, input lost %llu; least latency this run needed "
           "%.2f ms (%zu samples); callback %s, worker %s\n", "worker:", (unsigned)neurons,
           (unsigned long long)ws.late_blocks, (unsigned long long)ws.input_lost,
           1000.0 * (double)need / fs, need, p.realtime ? "SCHED_FIFO 2" : "normal priority",
           ws.realtime ? "SCHED_FIFO 1" : "normal priority");
    st_cortex_worker_destroy(w);
    st_cortex_destroy(cx);
    return 0;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 20.0;
    if (!(seconds >= 1.0 && seconds <= 3600.0)) {
        fprintf(stderr, "usage: bench-live-net [SECONDS, 1 to 3600]\n");
        return 2;
    }
    float *x;
    size_t n;
    double fs;
    if (bench_voice(ST_BENCH_DEMO, seconds, BLOCK, &x, &n, &fs, "bench-live-net"))
        return 1;
    size_t blocks = n / BLOCK;
    double *ns = malloc(blocks * sizeof *ns);
    if (!ns)
        return 1;
    double period_us = 1e6 * BLOCK / fs;
    printf("bench-live-net: st_cortex_process (izh2003, 16 bands, one thread) on %d-frame blocks "
           "of %s,\nlooped to %.0f s at %g Hz; block period %.3f ms; times per block "
           "(CLOCK_MONOTONIC around each call)\n\n",
           BLOCK, "data/demo-voice.wav", seconds, fs, period_us / 1000);
    printf("%8s %10s %9s %9s %9s %9s %9s %8s %8s %9s\n", "neurons", "synapses", "mean us",
           "median us", "p99 us", "max us", "mean", "p99", "max", "rate Hz");
    const uint32_t sizes[2] = {1000, 10000};
    for (int k = 0; k < 2; k++) {
        st_net_info info;
        if (run(sizes[k], x, n, fs, ns, &info))
            return 1;
        bench_times t = bench_stats(ns, blocks);
        printf("%8u %10llu %9.1f %9.1f %9.1f %9.1f %8.1f%% %7.1f%% %7.1f%% %9.2f\n",
               (unsigned)info.neurons, (unsigned long long)info.synapses, t.mean_us,
               t.median_us, t.p99_us, t.max_us, 100 * t.mean_us / period_us,
               100 * t.p99_us / period_us, 100 * t.max_us / period_us,
               (double)info.spikes / info.neurons / ((double)n / fs));
    }
    printf("\nA block's cost is the share of the block period its callback takes; above 100 %% "
           "the\ncallback misses its deadline.\n\n");
    printf("The worker (cortex-worker.h), paced in real time, %.0f s per size, extra latency "
           "%.0f ms:\n", seconds, WORKER_LATENCY_MS);
    printf("%-16s %8s %9s %9s %9s %9s %9s %8s %8s\n", "", "neurons", "mean us", "median us",
           "p99 us", "max us", "mean", "p99", "max");
    uint32_t *piece_ns = malloc(blocks * sizeof *piece_ns);
    if (!piece_ns)
        return 1;
    for (int k = 0; k < 2; k++)
        if (run_worker(sizes[k], x, n, fs, ns, piece_ns, period_us))
            return 1;
    printf("\n'worker: callback' is what the audio callback then costs (rings and a semaphore "
           "post);\n'worker: network' the worker's time per block of sound, which may exceed "
           "the period\nas long as the backlog stays under the latency. The least latency is "
           "the largest\nbacklog seen plus one block; it varies from run to run with the "
           "machine's load.\n");
    free(piece_ns);
    free(ns);
    free(x);
    return 0;
}
