/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness: the streaming pipeline (stream.h) fed arbitrary samples in arbitrary
 * blocks, under a configuration the input also chooses (stages, model, preset, gain, window,
 * release, rate). Properties: every output sample is finite and within [-1, 1]; the output and
 * the spikes are identical, sample for sample and stamp for stamp, whether the signal goes in
 * at once or in the blocks the input chooses; nothing misbehaves. The samples are 16-bit values
 * scaled to full scale, as audio files and devices deliver them, or (one input in two) any
 * 32-bit pattern at all: huge, subnormal, infinite, NaN - a broken device's samples. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spiketalk/pipeline.h"
#include "spiketalk/sim.h"
#include "spiketalk/stream.h"

#include "fuzz-reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 24
#define MAX_SAMPLES 4096
#define MAX_BLOCKS 8

static unsigned u16(reader *r)
{
    unsigned lo = byte(r);
    return lo | byte(r) << 8;
}

/* A configuration from the header bytes; false if st_pipeline_check refuses it (also a fine
 * outcome: the refusal is the property there). */
static bool configure(reader *r, st_pipeline_config *p, double *fs_hz)
{
    static const double rates[] = {1000, 8000, 16000, 22050, 44100, 48000, 96000, 192000};
    if (st_pipeline_recipe("default", true, p, NULL))
        abort();
    *fs_hz = rates[byte(r) % 8];
    p->envelope = (st_envelope_mode)(byte(r) % 3);
    p->rectify = (st_rectify_mode)(byte(r) % 3);
    unsigned gate = byte(r);
    p->gate = (st_gate_mode)(gate & 3); /* off, fixed, leading, adaptive */
    p->gate_k = (double)(gate >> 2) / 8.0;
    if (gate & 0x80)
        p->gate_threshold = (double)u16(r) / 65535.0;
    p->normalize = byte(r) & 1 ? ST_NORM_PEAK : ST_NORM_NONE;
    p->sonify = (st_sonify_mode)(byte(r) % 2);
    unsigned smooth = u16(r);
    if (smooth & 0x8000) {
        p->smooth_n = smooth & 0x0fff;
        p->smooth_s = 0;
    }
    /* the gain: 1e-3 .. 1e6 on a log scale, negative at times */
    unsigned g = u16(r);
    p->gain = pow(10.0, -3.0 + 9.0 * (double)(g & 0x7fff) / 32767.0) * (g & 0x8000 ? -1 : 1);
    p->peak_release_s = 0.001 + (double)byte(r) / 16.0;
    const st_model *m = st_model_get((st_model_id)(byte(r) % ST_MODEL_COUNT));
    p->model = m;
    const st_preset *pre = m->n_presets ? &m->presets[byte(r) % m->n_presets] : NULL;
    st_sim_config sim;
    if (st_sim_config_init(&sim, m, pre, NULL))
        return false;
    p->params = sim.params;
    p->v0_mv = sim.v0_mv;
    p->u0 = sim.u0;
    /* an integrator the model offers */
    unsigned k = byte(r);
    for (int i = 0; i < ST_INT_COUNT; i++) {
        int how = (int)((k + (unsigned)i) % ST_INT_COUNT);
        if (m->integrators & ST_INT_BIT(how)) {
            p->how = (st_integrator)how;
            break;
        }
    }
    return st_pipeline_check(p, *fs_hz, NULL) == ST_OK;
}

/* Runs the stream over x in blocks of sizes[0], sizes[1], ... (cycling); 0 sizes: at once. */
static bool run(const st_pipeline_config *sc, double fs_hz, const float *x, size_t n,
                const size_t *sizes, size_t n_sizes, float *y, st_spikes *sp)
{
    st_stream *s = NULL;
    if (st_stream_create(sc, fs_hz, &s, NULL))
        return false;
    sp->count = 0;
    sp->dropped = 0;
    for (size_t off = 0, k = 0; off < n; k++) {
        size_t b = n_sizes ? sizes[k % n_sizes] : n;
        if (b > n - off)
            b = n - off;
        st_stream_process(s, x + off, y + off, b, sp);
        off += b;
    }
    st_stream_destroy(s);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER)
        return 0;
    reader r = {data, HEADER};
    st_pipeline_config sc;
    double fs_hz;
    if (!configure(&r, &sc, &fs_hz))
        return 0;
    size_t sizes[MAX_BLOCKS], n_sizes = 1 + (data[HEADER - 1] & 0x7f) % MAX_BLOCKS;
    for (size_t i = 0; i < n_sizes; i++)
        sizes[i] = 1 + (size_t)data[HEADER - 2 - i % 4] * (i + 1) % 700;
    static float x[MAX_SAMPLES], a[MAX_SAMPLES], b[MAX_SAMPLES];
    bool raw = data[HEADER - 1] & 0x80;
    size_t n = (size - HEADER) / (raw ? 4 : 2);
    if (n > MAX_SAMPLES)
        n = MAX_SAMPLES;
    for (size_t i = 0; i < n; i++) {
        if (raw) {
            memcpy(&x[i], data + HEADER + 4 * i, 4);
        } else {
            int16_t v = (int16_t)(data[HEADER + 2 * i] | data[HEADER + 2 * i + 1] << 8);
            x[i] = (float)v / 32768.0f;
        }
    }
    st_spikes sa = {0}, sb = {0};
    if (st_spikes_reserve(&sa, n + 1) || st_spikes_reserve(&sb, n + 1))
        abort();
    if (!run(&sc, fs_hz, x, n, NULL, 0, a, &sa) || !run(&sc, fs_hz, x, n, sizes, n_sizes, b, &sb))
        abort(); /* checked, then refused: the two must agree */
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(a[i]) || a[i] < -1.0f || a[i] > 1.0f) {
            fprintf(stderr, "fuzz-stream: output %zu is %g\n", i, (double)a[i]);
            abort();
        }
    }
    if (memcmp(a, b, n * sizeof *a) || sa.count != sb.count || sa.dropped != sb.dropped ||
        memcmp(sa.step, sb.step, sa.count * sizeof *sa.step)) {
        fprintf(stderr, "fuzz-stream: blocks of %zu.. change the output or the spikes\n",
                sizes[0]);
        abort();
    }
    st_spikes_free(&sa);
    st_spikes_free(&sb);
    return 0;
}
