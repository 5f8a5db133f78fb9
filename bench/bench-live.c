/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live callback's budget: st_stream_process timed block by block on 64-frame blocks of
 * speech, as a fraction of the block period, and the envelope's algorithmic delay, for the
 * default stages and for hilbert; the study's live figures beside them. Prints; not a test. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spiketalk/audio.h"
#include "spiketalk/stream.h"

#include "bench-blocks.h"

#define BLOCK 64
#define SECONDS 60.0   /* the voice, looped to this much audio per configuration */
#define STUDY_CHUNK 1024

/* Runs 'x' through a fresh stream in BLOCK-frame blocks, timing each call into 'ns'. */
static int run(const st_pipeline_config *c, const float *x, size_t n, double fs, double *ns,
               size_t *delay, uint64_t *spikes)
{
    st_stream *s;
    st_error err = {0};
    if (st_stream_create(c, fs, &s, &err)) {
        fprintf(stderr, "bench-live: %s\n", err.msg);
        return 1;
    }
    *delay = st_stream_delay_samples(s);
    float out[BLOCK];
    uint64_t stamps[BLOCK];
    st_spikes sp = {stamps, BLOCK, 0, 0};
    for (size_t b = 0; b < n / BLOCK; b++) {
        sp.count = 0;
        double t0 = bench_now_ns();
        st_stream_process(s, x + b * BLOCK, out, BLOCK, &sp);
        ns[b] = bench_now_ns() - t0;
    }
    st_stream_stats st;
    st_stream_stats_get(s, &st);
    *spikes = st.spikes;
    st_stream_destroy(s);
    return 0;
}

int main(void)
{
    float *x;
    size_t n;
    double fs;
    if (bench_voice(ST_BENCH_DEMO, SECONDS, BLOCK, &x, &n, &fs, "bench-live"))
        return 1;
    size_t blocks = n / BLOCK;
    double *ns = malloc(blocks * sizeof *ns);
    if (!ns)
        return 1;
    double period_us = 1e6 * BLOCK / fs;
    printf("bench-live: st_stream_process on %d-frame blocks of %s, looped to %.0f s at %g Hz\n"
           "block period %.3f ms; times per block (CLOCK_MONOTONIC around each call)\n\n",
           BLOCK, "data/demo-voice.wav", SECONDS, fs, period_us / 1000);
    printf("%-9s %10s %10s %10s %9s %9s %17s %7s\n", "config", "median us", "p99 us", "max us",
           "median", "p99", "delay", "spikes");
    const char *names[2] = {"default", "hilbert"};
    for (int k = 0; k < 2; k++) {
        st_pipeline_config c;
        st_pipeline_recipe("default", true, &c, NULL);
        if (k == 1)
            c.envelope = ST_ENV_HILBERT;
        size_t delay;
        uint64_t spikes;
        if (run(&c, x, n, fs, ns, &delay, &spikes) || /* a warm-up pass, then the measured one */
            run(&c, x, n, fs, ns, &delay, &spikes))
            return 1;
        bench_times t = bench_stats(ns, blocks);
        printf("%-9s %10.2f %10.2f %10.1f %8.2f%% %8.2f%% %5zu = %5.2f ms %7llu\n", names[k],
               t.median_us, t.p99_us, t.max_us, 100 * t.median_us / period_us,
               100 * t.p99_us / period_us, delay,
               1000.0 * (double)delay / fs, (unsigned long long)spikes);
    }
    printf("\ngoals: callback time <= 5 %% of the block period, algorithmic delay <= 2 ms\n"
           "live latency = buffering (on JACK the measured round trip is one block: %.2f ms)\n"
           "               + the algorithmic delay above\n"
           "the study (seed-live): %d-sample chunks = %.1f ms of buffering, plus queueing (the\n"
           "               answer to a chunk went out one chunk later: >= %.1f ms), the neuron\n"
           "               restarted on every chunk\n",
           period_us / 1000, STUDY_CHUNK, 1000.0 * STUDY_CHUNK / fs, 2000.0 * STUDY_CHUNK / fs);
    free(ns);
    free(x);
    return 0;
}
