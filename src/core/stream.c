/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming pipeline (stream.h): causal stages with state carried across blocks. */
#include "spiketalk/stream.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "core-private.h"

struct st_stream {
    st_stream_config cfg;
    double fs_hz;
    uint64_t samples;
};

void st_stream_config_default(st_stream_config *c)
{
    memset(c, 0, sizeof *c);
    st_pipeline_config_default(&c->pipe);
    c->pipe.normalize = ST_NORM_PEAK;
    c->peak_release_s = 2.0;
    c->peak_floor = 0.01;
    c->hilbert_half = 44;
}

st_status st_stream_create(const st_stream_config *c, double fs_hz, st_stream **out,
                           st_error *err)
{
    *out = NULL;
    st_stream *s = st_calloc(1, sizeof *s);
    if (!s)
        return st_error_set(err, ST_ERR_NOMEM, "stream: out of memory");
    s->cfg = *c;
    s->fs_hz = fs_hz;
    *out = s;
    return ST_OK;
}

void st_stream_destroy(st_stream *s)
{
    st_free(s);
}

void st_stream_reset(st_stream *s)
{
    s->samples = 0;
}

void st_stream_process(st_stream *s, const float *in, float *out, size_t n, st_spikes *spikes)
{
    (void)in;
    (void)spikes;
    memset(out, 0, n * sizeof *out);
    s->samples += n;
}

size_t st_stream_delay_samples(const st_stream *s)
{
    (void)s;
    return 0;
}

st_status st_stream_set_params(st_stream *s, const st_model_params *p, st_error *err)
{
    return s->cfg.pipe.model->check(p, err);
}

void st_stream_stats_get(const st_stream *s, st_stream_stats *out)
{
    memset(out, 0, sizeof *out);
    out->samples = s->samples;
    out->gate_threshold = NAN;
}

st_status st_stream_enable_taps(st_stream *s, size_t max_block, st_error *err)
{
    (void)s;
    (void)max_block;
    (void)err;
    return ST_OK;
}

const float *st_stream_tap_envelope(const st_stream *s)
{
    (void)s;
    return NULL;
}

const float *st_stream_tap_current(const st_stream *s)
{
    (void)s;
    return NULL;
}

const float *st_stream_tap_v(const st_stream *s)
{
    (void)s;
    return NULL;
}
