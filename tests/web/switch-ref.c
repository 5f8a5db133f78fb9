/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The web tests' reference for a cell-type switch while the stream runs: the library's stream,
 * fed in blocks, with a new preset published at a given sample as `spiketalk live`'s keys do
 * (the neuron keeps its state) or, with --rebuild, a new stream from that sample on (what a
 * reset would give). Writes the sound as a 32-bit float WAV and prints the spike counts before
 * and after the switch as JSON.
 *
 *   switch-ref IN.wav OUT.wav --block N --gain G --envelope E --preset P0 --at S --to P1
 *              [--rebuild] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spiketalk/audio.h"
#include "spiketalk/options.h"
#include "spiketalk/registry.h"
#include "spiketalk/sim.h"
#include "spiketalk/stream.h"

typedef struct args {
    const char *in, *out, *gain, *envelope, *preset, *to;
    size_t block, at;
    int rebuild;
} args;

static int usage(void)
{
    fputs("usage: switch-ref IN.wav OUT.wav --block N --gain G --envelope E --preset P0 "
          "--at S --to P1 [--rebuild]\n", stderr);
    return 2;
}

static int parse(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    if (argc < 3)
        return usage();
    a->in = argv[1];
    a->out = argv[2];
    for (int i = 3; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(k, "--rebuild")) {
            a->rebuild = 1;
            continue;
        }
        if (!v)
            return usage();
        i++;
        if (!strcmp(k, "--block"))
            a->block = strtoul(v, NULL, 10);
        else if (!strcmp(k, "--at"))
            a->at = strtoul(v, NULL, 10);
        else if (!strcmp(k, "--gain"))
            a->gain = v;
        else if (!strcmp(k, "--envelope"))
            a->envelope = v;
        else if (!strcmp(k, "--preset"))
            a->preset = v;
        else if (!strcmp(k, "--to"))
            a->to = v;
        else
            return usage();
    }
    /* the worklet takes commands at the start of a render quantum: a block boundary */
    return a->block && a->preset && a->to && a->at % a->block == 0 ? 0 : usage();
}

static st_status make(const args *a, const char *preset, double fs, st_stream **s, st_error *err)
{
    st_pipeline_options o = {0};
    o.gain = a->gain;
    o.envelope = a->envelope;
    o.preset = preset;
    st_pipeline_config c;
    st_status st = st_pipeline_configure(&o, true, &c, err);
    return st ? st : st_stream_create(&c, fs, s, err);
}

/* The preset's parameters as `spiketalk live` publishes them on a key. */
static st_status publish(st_stream *s, const char *name, st_error *err)
{
    const st_model *m = st_model_get(ST_MODEL_IZH);
    const st_preset *p = st_preset_find(m, name, ST_PRESET_CELL);
    if (!p)
        return st_error_set(err, ST_ERR_INVAL, "--to: unknown cell type '%s'", name);
    st_sim_config sc;
    st_status st = st_sim_config_init(&sc, m, p, err);
    return st ? st : st_stream_set_params(s, &sc.params, err);
}

int main(int argc, char **argv)
{
    args a;
    if (parse(argc, argv, &a))
        return 2;
    st_error err = {0};
    st_audio in = {0};
    st_stream *s = NULL;
    float *out = NULL;
    size_t before = 0, after = 0;
    st_status st = st_audio_read(a.in, &in, &err);
    if (!st)
        st = make(&a, a.preset, in.fs_hz, &s, &err);
    if (!st && !(out = calloc(in.n ? in.n : 1, sizeof *out)))
        st = st_error_set(&err, ST_ERR_NOMEM, "out of memory");
    st_spikes sp = {0};
    for (size_t off = 0; !st && off < in.n; off += a.block) {
        size_t n = in.n - off < a.block ? in.n - off : a.block;
        if (off == a.at) {
            if (a.rebuild) {
                st_stream_destroy(s);
                s = NULL;
                st = make(&a, a.to, in.fs_hz, &s, &err);
            } else {
                st = publish(s, a.to, &err);
            }
            if (st)
                break;
        }
        if ((st = st_spikes_reserve(&sp, n)))
            break;
        sp.count = 0;
        st_stream_process(s, in.x + off, out + off, n, &sp);
        if (off < a.at)
            before += sp.count;
        else
            after += sp.count;
    }
    if (!st)
        st = st_audio_write(a.out, out, in.n, in.fs_hz, ST_WAV_FLOAT32, a.in, &err);
    if (!st)
        printf("{\"spikes_before\": %zu, \"spikes_after\": %zu}\n", before, after);
    else
        fprintf(stderr, "switch-ref: %s\n", err.msg);
    st_spikes_free(&sp);
    st_stream_destroy(s);
    free(out);
    st_audio_free(&in);
    return st ? 1 : 0;
}
