/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live callback's budget with a network that listens (`spiketalk live --net`):
 * st_cortex_process timed block by block on 64-frame blocks of speech, as a fraction of the
 * block period, for izh2003 at 1000 and 10,000 neurons (16 bands); one network step per
 * millisecond of sound, so a block of 1.45 ms holds one or two steps. Prints; not a test.
 * usage: bench-live-net [SECONDS] (of the voice, looped; default 20) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spiketalk/audio.h"
#include "spiketalk/cortex.h"

#define BLOCK 64

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

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
        double t0 = now_ns();
        st_cortex_process(cx, x + b * BLOCK, out, BLOCK, NULL, NULL);
        ns[b] = now_ns() - t0;
    }
    st_net_get_info(st_cortex_net(cx), info);
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
    st_audio voice;
    st_error err = {0};
    if (st_audio_read(ST_BENCH_DEMO, &voice, &err)) {
        fprintf(stderr, "bench-live-net: %s\n", err.msg);
        return 1;
    }
    double fs = voice.fs_hz;
    size_t n = (size_t)(seconds * fs) / BLOCK * BLOCK, blocks = n / BLOCK;
    float *x = malloc(n * sizeof *x);
    double *ns = malloc(blocks * sizeof *ns);
    if (!x || !ns)
        return 1;
    for (size_t i = 0; i < n; i++)
        x[i] = voice.x[i % voice.n];
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
        double sum = 0.0;
        for (size_t b = 0; b < blocks; b++)
            sum += ns[b];
        qsort(ns, blocks, sizeof *ns, cmp_double);
        double mean = sum / (double)blocks / 1000, med = ns[blocks / 2] / 1000;
        double p99 = ns[(size_t)(0.99 * (double)blocks)] / 1000, max = ns[blocks - 1] / 1000;
        printf("%8u %10llu %9.1f %9.1f %9.1f %9.1f %8.1f%% %7.1f%% %7.1f%% %9.2f\n",
               (unsigned)info.neurons, (unsigned long long)info.synapses, mean, med, p99, max,
               100 * mean / period_us, 100 * p99 / period_us, 100 * max / period_us,
               (double)info.spikes / info.neurons / ((double)n / fs));
    }
    printf("\nA block's cost is the share of the block period its callback takes; above 100 %% "
           "the\ncallback misses its deadline. The mean is the load a real-time worker thread "
           "would carry\ninstead (it smooths the steps over blocks, at the price of its ring's "
           "extra latency).\n");
    free(ns);
    free(x);
    st_audio_free(&voice);
    return 0;
}
