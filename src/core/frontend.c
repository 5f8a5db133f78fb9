/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The causal front end, block by block: gate, rectify, envelope (moving average, FIR Hilbert
 * or none) and boxcar, each stage's state carried across blocks. The streaming driver runs it
 * on what it hears; the whole-signal driver runs it over a file in blocks when it keeps no taps
 * (so a long file needs no signal-sized work buffer). */
#include <string.h>

#include "core-private.h"

static size_t window_n(size_t n, double s, double fs_hz)
{
    return n ? n : (size_t)llround(s * fs_hz);
}

size_t st_front_movavg_window(const st_pipeline_config *c, double fs_hz)
{
    size_t w = c->movavg_fs_div ? (size_t)(fs_hz / (double)c->movavg_fs_div)
                                : window_n(c->movavg_n, c->movavg_s, fs_hz);
    return w ? w : 1;
}

size_t st_front_smooth_window(const st_pipeline_config *c, double fs_hz)
{
    return window_n(c->smooth_n, c->smooth_s, fs_hz);
}

size_t st_front_gate_window(const st_pipeline_config *c, double fs_hz)
{
    return window_n(c->gate_window_n, c->gate_window_s, fs_hz);
}

st_gate_params st_front_gate_params(const st_pipeline_config *c, double fs_hz)
{
    return (st_gate_params){c->gate, c->gate_threshold, c->gate_k,
                            st_front_gate_window(c, fs_hz), c->gate_floor, fs_hz};
}

st_status st_front_init(st_front *f, const st_pipeline_config *c, const st_gate_params *gate,
                        double fs_hz, st_error *err)
{
    memset(f, 0, sizeof *f);
    f->rectify = c->rectify;
    f->use_envma = c->envelope == ST_ENV_MOVAVG;
    f->use_fir = c->envelope == ST_ENV_HILBERT;
    f->use_smooth = st_front_smooth_window(c, fs_hz) > 1;
    st_status st = st_gate_init(&f->gate, gate, err);
    if (!st && f->use_fir)
        st = st_fir_hilbert_init(&f->fir, c->hilbert_half, err);
    if (!st && f->use_envma)
        st = st_movavg_init(&f->envma, st_front_movavg_window(c, fs_hz), c->movavg_seed, err);
    if (!st && f->use_smooth)
        st = st_movavg_init(&f->smooth, st_front_smooth_window(c, fs_hz), false, err);
    if (st)
        st_front_free(f);
    return st;
}

void st_front_reset(st_front *f)
{
    st_gate_reset(&f->gate);
    if (f->use_fir)
        st_fir_hilbert_reset(&f->fir);
    if (f->use_envma)
        st_movavg_reset(&f->envma);
    if (f->use_smooth)
        st_movavg_reset(&f->smooth);
}

void st_front_process(st_front *f, const double *x, double *g, double *r, double *e, size_t n)
{
    st_gate_process(&f->gate, x, g, n);
    st_rectify(f->rectify, g, r, n);
    if (f->use_envma)
        st_movavg_process(&f->envma, r, e, n);
    else if (f->use_fir)
        st_fir_hilbert_process(&f->fir, r, e, n);
    else if (e != r)
        memcpy(e, r, n * sizeof *e);
    if (f->use_smooth)
        st_movavg_process(&f->smooth, e, e, n);
}

void st_front_free(st_front *f)
{
    st_movavg_free(&f->smooth);
    st_movavg_free(&f->envma);
    st_fir_hilbert_free(&f->fir);
    st_gate_free(&f->gate);
}
