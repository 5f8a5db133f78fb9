/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the block-by-block benchmarks (bench-live, bench-live-net) share: the clock, the demo
 * voice looped into whole blocks, and the statistics of the times per block. */
#ifndef SPIKETALK_BENCH_BLOCKS_H
#define SPIKETALK_BENCH_BLOCKS_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "spiketalk/audio.h"

static inline double bench_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* The file at 'path' looped to 'seconds' of audio, cut to whole blocks of 'block' frames:
 * *x (malloc'd, n samples) at the file's rate *fs. Nonzero (with a message) on failure. */
static inline int bench_voice(const char *path, double seconds, size_t block, float **x,
                              size_t *n, double *fs, const char *who)
{
    st_audio voice;
    st_error err = {0};
    if (st_audio_read(path, &voice, &err)) {
        fprintf(stderr, "%s: %s\n", who, err.msg);
        return 1;
    }
    *fs = voice.fs_hz;
    *n = (size_t)(seconds * voice.fs_hz) / block * block;
    *x = malloc(*n * sizeof **x);
    if (*x)
        for (size_t i = 0; i < *n; i++)
            (*x)[i] = voice.x[i % voice.n];
    st_audio_free(&voice);
    return *x ? 0 : 1;
}

typedef struct bench_times {
    double mean_us, median_us, p99_us, max_us;
} bench_times;

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The statistics of n > 0 times in ns (sorts them). */
static inline bench_times bench_stats(double *ns, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += ns[i];
    qsort(ns, n, sizeof *ns, bench_cmp_double);
    return (bench_times){sum / (double)n / 1000, ns[n / 2] / 1000,
                         ns[(size_t)(0.99 * (double)n)] / 1000, ns[n - 1] / 1000};
}

#endif
