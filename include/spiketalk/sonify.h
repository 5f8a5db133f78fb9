/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Turning the neuron back into sound: the membrane potential as a waveform, or a click per spike.
 *
 * membrane: y = 2 (v - v_min) / (v_max - v_min) - 1 maps the model's own voltage range to
 *           [-1, 1]; a one-pole DC blocker (default 20 Hz) removes the resting offset; a soft
 *           limiter (linear up to 0.8, then a tanh knee) keeps every sample inside (-1, 1).
 * clicks:   a raised-cosine pulse (default 1 ms, amplitude 0.8) at each spike, through the same
 *           limiter.
 * Output is always finite: a non-finite v counts as silence. Block invariant. */
#ifndef SPIKETALK_SONIFY_H
#define SPIKETALK_SONIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_sonify_mode {
    ST_SONIFY_MEMBRANE = 0,
    ST_SONIFY_CLICKS
} st_sonify_mode;

ST_API const char *st_sonify_name(st_sonify_mode m);
ST_API st_status st_sonify_parse(const char *name, st_sonify_mode *out, st_error *err);

typedef struct st_sonify_params {
    st_sonify_mode mode;
    double v_min_mv, v_max_mv;  /* the model's range, mapped to [-1, 1] */
    double fs_hz;               /* output rate */
    double dc_hz;               /* DC blocker corner; 0: no blocker */
    double click_ms;            /* click length */
} st_sonify_params;

typedef struct st_sonify_state {
    double r;           /* DC blocker pole, from dc_hz and fs_hz */
    double x1, y1;      /* DC blocker memory */
    bool primed;        /* x1 holds the first input: no start-up thump */
    size_t click_len;   /* samples per click */
    size_t click_pos;   /* samples into the current click; click_len: none */
} st_sonify_state;

/* Sets the derived values and clears the memory. ST_ERR_INVAL for a bad range or rate. */
ST_API st_status st_sonify_init(st_sonify_state *s, const st_sonify_params *p, st_error *err);

/* Makes n output samples from v[i] (mV) and spike[i] (non-zero where a spike was stamped; may
 * be NULL for membrane mode). Never allocates; out is finite and |out| < 1. */
ST_API void st_sonify_process(st_sonify_state *s, const st_sonify_params *p, const double *v,
                              const uint8_t *spike, float *out, size_t n);

/* The limiter on its own: linear for |x| <= 0.8, then 0.8 + 0.2 tanh((|x| - 0.8) / 0.2). */
ST_API float st_soft_limit(double x);

#ifdef __cplusplus
}
#endif
#endif
