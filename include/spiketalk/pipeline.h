/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The offline audio pipeline: sound -> gate -> rectify -> envelope -> current -> neuron -> sound,
 * with every stage's signal kept (tapped) for traces and plots, and the study's recipes.
 *
 * Time mapping: 1 s of audio is 1000 ms of model time. The neuron takes one step per
 * 'decimate' samples (default 1: one step per sample, dt = 1000 / fs ms); its input at step k is
 * the current at sample k * decimate. v[k] is the state at t_k = k * dt (v[0] = v0), so output
 * sample k * decimate is made from a state that depends only on earlier input. */
#ifndef SPIKETALK_PIPELINE_H
#define SPIKETALK_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "spiketalk/dsp.h"
#include "spiketalk/registry.h"
#include "spiketalk/sonify.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_envelope_mode {
    ST_ENV_NONE = 0,
    ST_ENV_HILBERT,     /* |analytic signal| over the whole signal (FFTW) */
    ST_ENV_MOVAVG       /* trailing mean over movavg_n samples */
} st_envelope_mode;

typedef enum st_norm_mode {
    ST_NORM_MAX = 0,    /* I = gain * env / max(env): the loudest moment gives 'gain' */
    ST_NORM_NONE,       /* I = gain * env */
    ST_NORM_PEAK        /* I = gain * env / peak-hold(env) with release: streams (stream.h) */
} st_norm_mode;

ST_API const char *st_envelope_name(st_envelope_mode m);
ST_API st_status st_envelope_parse(const char *name, st_envelope_mode *out, st_error *err);
ST_API const char *st_norm_name(st_norm_mode m);
ST_API st_status st_norm_parse(const char *name, st_norm_mode *out, st_error *err);

typedef struct st_pipeline_config {
    /* gate */
    bool gate_on;
    double gate_k;            /* threshold = k * std(leading window) */
    double gate_window_s;     /* leading window, s */
    size_t gate_window_n;     /* > 0: the window in samples instead (the study's 441) */
    double gate_floor;        /* the threshold is at least this (digital silence still gates) */
    double gate_threshold;    /* NAN: from the window; otherwise this fixed value */
    /* rectify, envelope */
    st_rectify_mode rectify;
    st_envelope_mode envelope;
    size_t movavg_n;          /* moving-average window, samples; 0: use movavg_s */
    double movavg_s;          /* the same in seconds when movavg_n is 0 (0.01: fs / 100) */
    bool movavg_seed;         /* the study's sum * 2 / w scaling */
    size_t smooth_n;          /* boxcar mean after the envelope, samples; 0: use smooth_s */
    double smooth_s;          /* the same in seconds when smooth_n is 0; 0: off */
    /* current */
    double gain;
    st_norm_mode normalize;
    /* neuron */
    const st_model *model;
    st_model_params params;
    double v0_mv, u0;
    st_integrator how;
    double dt_ms;             /* 0: decimate * 1000 / fs */
    unsigned decimate;        /* neuron step every 'decimate' samples (>= 1) */
    double resample_hz;       /* > 0: FFT-resample the envelope to this rate (and v back) */
    /* sound */
    st_sonify_mode sonify;
    /* false: the stages work in place: the result's gated, rectified, envelope and output are
     * one buffer that ends up holding the output, u is not kept, and with one step per sample
     * neither are current and v (NULL): less memory and time when no trace or plot is made.
     * The output and the spikes are the same either way. */
    bool keep_taps;
} st_pipeline_config;

/* Every stage's signal, for traces, plots and JSON. Arrays are owned by the result, except
 * 'input', which points at the caller's samples. The neuron's taps are float: the model itself
 * integrates in double, these are what traces and plots show. */
typedef struct st_pipeline_result {
    double fs_hz;
    size_t n;                 /* audio samples */
    const float *input;       /* the caller's samples (not owned) */
    float *gated, *rectified, *envelope, *output;   /* n each */
    size_t steps;             /* neuron steps */
    double dt_ms;
    float *current, *v, *u;   /* steps each; v[k], u[k] at t_k, current[k] used from t_k */
    st_spikes spikes;         /* stamps j: spike at t_j = j * dt */
    double gate_threshold;    /* used (0 when the gate is off) */
    double env_ref;           /* the envelope value that maps to 'gain' (1 without norm.) */
    unsigned decimate;        /* how steps map to samples: see st_pipeline_sample */
    double resample_hz;
    bool chunked;             /* seed-live: 232 steps per 1024-sample chunk */
    bool shared;              /* gated .. output are one buffer (the output); u is NULL */
} st_pipeline_result;

/* The audio sample index that neuron step k reads (k * decimate, or the nearest sample on an
 * FFT-resampled grid), clamped to the signal. */
ST_API size_t st_pipeline_sample(const st_pipeline_result *r, size_t k);

/* Our defaults (the "default" recipe): gate 3 sigma of the first 0.1 s (floor 1e-4), full-wave
 * rectification, a 10 ms moving average and 20 ms boxcar smoothing (causal, O(n), and what a
 * live stream computes too), I = 10 * env / max, the study's FS neuron (izhikevich 2003,
 * symplectic), one step per sample, membrane sonification. */
ST_API void st_pipeline_config_default(st_pipeline_config *c);

/* The recipe names, NULL-terminated: "default", "seed-hilbert", "seed-hilbert-norm",
 * "seed-movavg", "seed-movavg-norm", "seed-playback", "seed-live". */
ST_API const char *const *st_recipe_names(void);

/* One-line description of a recipe, or NULL for an unknown name. */
ST_API const char *st_recipe_help(const char *name);

/* Sets 'c' to recipe 'name' (neuron preset left as the caller set it for the seed recipes
 * unless it is unset). ST_ERR_INVAL "--recipe: unknown recipe 'X' (...)" otherwise. seed-live
 * has its own algorithm: run it with st_recipe_seed_live. */
ST_API st_status st_pipeline_recipe(const char *name, st_pipeline_config *c, st_error *err);

/* Checks the configuration against a signal rate (gain finite, dt > 0, decimate >= 1, ...),
 * naming the flag at fault. */
ST_API st_status st_pipeline_check(const st_pipeline_config *c, double fs_hz, st_error *err);

/* Runs the whole pipeline over x (n samples at fs_hz). 'progress' (may be NULL) receives the
 * fraction done from the calling thread. On failure the result is freed and zeroed; a
 * numerical blow-up of the neuron is ST_ERR_NUMERIC with the time and a hint. */
ST_API st_status st_pipeline_run(const st_pipeline_config *c, const float *x, size_t n,
                                 double fs_hz, st_pipeline_result *out,
                                 void (*progress)(void *ud, double fraction), void *ud,
                                 st_error *err);

/* The study's final live program, chunk by chunk (seed-summary section 5): 1024-sample chunks,
 * a 10-chunk window, |x| zeroed below 0.2, Hilbert envelope of the window, a 21-sample boxcar
 * sum, the newest 1024 samples FFT-resampled to 232 = the current, the neuron (c->params,
 * h = 0.2 ms, from v = -65, u = b v each chunk) for 115 steps with the other 117 values at -65,
 * resampled back to 1024 and output one chunk later. Taps as st_pipeline_run. */
ST_API st_status st_recipe_seed_live(const st_pipeline_config *c, const float *x, size_t n,
                                     double fs_hz, st_pipeline_result *out, st_error *err);

ST_API void st_pipeline_result_free(st_pipeline_result *r);

#ifdef __cplusplus
}
#endif
#endif
