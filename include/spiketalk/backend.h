/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline's back end, shared by every way of running it (offline over a whole file, in
 * blocks, live, the chunked study program): envelope -> current -> neuron -> spike flags and
 * peaks -> sound, one neuron step at a time, its state carried from one call to the next.
 *
 * Time: the back end emits the state at t_k for step k, then the neuron advances from t_k to
 * t_{k+1} with the current made from env[k]. So the state emitted for step k depends only on
 * the envelope before k, and the advance that uses the last envelope value of a call is taken
 * at the start of the next call (never beyond the signal's end). A spike stamped k (v passed
 * the peak in the step from t_{k-1} to t_k) is drawn to the peak in the sound at step k.
 *
 *   current   I = gain * env / ref: ref = the loudest envelope value (ST_NORM_MAX, found by the
 *             caller over the whole signal; a silent signal gives I = 0), 1 (ST_NORM_NONE), or
 *             a peak-hold with exponential release and a floor (ST_NORM_PEAK, causal) of the
 *             envelope or of its sustained level (st_sustain: a click cannot set the
 *             reference).
 *             Evaluated in that order, in double, as the study wrote 10 * env / max(env).
 *   neuron    any registry model with its integrator and step dt_ms.
 *   sound     each step's state held for 'hold' audio samples (1: one step per sample), the
 *             first of them at the peak when the step spiked; membrane or clicks (sonify.h).
 *
 * st_backend_process never allocates, locks, logs or blocks: it may run in an audio callback. */
#ifndef SPIKETALK_BACKEND_H
#define SPIKETALK_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "spiketalk/dsp.h"
#include "spiketalk/registry.h"
#include "spiketalk/sonify.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_norm_mode {
    ST_NORM_MAX = 0,    /* I = gain * env / max(env): the loudest moment gives 'gain' */
    ST_NORM_NONE,       /* I = gain * env */
    ST_NORM_PEAK        /* I = gain * env / peak-hold(env) with release: streams */
} st_norm_mode;

ST_API const char *st_norm_name(st_norm_mode m);
ST_API st_status st_norm_parse(const char *name, st_norm_mode *out, st_error *err);

typedef struct st_backend_config {
    /* current */
    double gain;              /* in the model's current unit */
    st_norm_mode normalize;
    double ref;               /* ST_NORM_MAX: the reference (envelope units); <= 0: I = 0 */
    double peak_release_s;    /* ST_NORM_PEAK: time constant of the peak-hold's decay, s */
    double peak_floor;        /* ST_NORM_PEAK: the reference never drops below this */
    size_t ref_window;        /* ST_NORM_PEAK: the peak-hold takes the envelope's sustained
                                 level (dsp.h st_sustain) over ref_window steps, its peaks
                                 bridged over ref_span, in frames of ref_frame steps
                                 (ref_window 0 or 1: env itself) */
    size_t ref_span, ref_frame;
    double ceiling;           /* > 0: I = gain * min(env / ref, ceiling), so a sound far above
                                 the reference (a click at the start of a session) drives the
                                 neuron no harder than 'ceiling' times gain; 0: no limit */
    /* neuron */
    const st_model *model;
    st_model_params params;   /* checked at create; each call may pass newer ones */
    double v0_mv, u0;         /* the state before the first step */
    st_integrator how;
    double dt_ms;             /* step, ms */
    /* sound */
    st_sonify_mode sonify;
    double fs_hz;             /* audio rate, Hz */
    unsigned hold;            /* audio samples per neuron step (>= 1) */
} st_backend_config;

typedef struct st_backend st_backend;

/* Per-step signals of one call, for traces and plots: each non-NULL array receives n values
 * (the current made from env[k], and the state v, u at t_k). */
typedef struct st_backend_taps {
    double *current, *v, *u;
} st_backend_taps;

/* ---- the current ---------------------------------------------------------------------------
 * The rule that makes an input current from an envelope, one value per neuron step: the back
 * end's, and that of every caller that drives neurons from a sound (a network's bands, where
 * one reference serves all bands: the loudest band's). From a configuration's gain, normalize,
 * ref, peak_release_s, peak_floor, ref_window, ref_span, ref_frame, ceiling and dt_ms. */
typedef struct st_current {
    double gain;              /* in the model's current unit */
    double ceiling;           /* > 0: I = gain * min(env / ref, ceiling) */
    st_norm_mode normalize;
    double fixed;             /* the reference of ST_NORM_MAX (ST_NORM_NONE: 1) */
    double decay;             /* ST_NORM_PEAK: the peak-hold's factor per step */
    double floor;             /* ST_NORM_PEAK: the reference's lower bound */
    bool sustained;           /* the peak-hold follows the level's sustained value */
    st_sustain sus;
    double ref;               /* state: the peak-hold */
} st_current;

/* Derives the rule from 'c' (checked as st_backend_create checks it) and allocates the
 * sustained level's windows. ST_ERR_NOMEM; nothing is left allocated on failure. */
ST_API st_status st_current_init(st_current *k, const st_backend_config *c, st_error *err);
ST_API void st_current_reset(st_current *k);
ST_API void st_current_free(st_current *k);

/* The reference of each of the next n steps, ref[0 .. n), from 'level' (the envelope itself,
 * or the loudest of several envelopes): fixed, or the peak-hold of the level (of its sustained
 * value) with exponential release, never below the floor. ref == level allowed. */
ST_API void st_current_reference(st_current *k, const double *level, double *ref, size_t n);

/* I[i] = gain * env[i] / ref[i], in that order (the study's 10 * env / max(env)), or
 * gain * min(env[i] / ref[i], ceiling); 0 where ref[i] is not > 0 (silence, never NaN). */
ST_API void st_current_scale(const st_current *k, const double *env, const double *ref,
                             double *I, size_t n);

/* Checks the configuration (gain finite, dt > 0, hold >= 1, an integrator the model offers,
 * the model's parameters, the peak-hold's release and floor, the sound's rate), naming the
 * flag at fault, and allocates the back end. Control thread only. */
ST_API st_status st_backend_create(const st_backend_config *c, st_backend **out, st_error *err);
ST_API void st_backend_destroy(st_backend *b);

/* Back to the state after st_backend_create. */
ST_API void st_backend_reset(st_backend *b);

/* Runs n steps with parameters 'p' (NULL: the configured ones): env[k] makes the current of
 * step k. Writes min(n * hold, out_n) audio samples to 'out' (NULL: no sound), spike stamps
 * (the step index since reset) to 'spikes' (may be NULL; caller-owned, overflow counted in
 * its 'dropped'), and the taps (may be NULL). After a numerical blow-up the neuron stays
 * silent (v NAN, sound 0) until st_backend_reset. */
ST_API void st_backend_process(st_backend *b, const st_model_params *p, const double *env,
                               size_t n, float *out, size_t out_n, st_spikes *spikes,
                               const st_backend_taps *taps);

/* The sound alone, for drivers that bring v back to the audio rate themselves (the study's
 * FFT resampling): va[i] in mV and spike[i] flags (may be NULL), n audio samples. */
ST_API void st_backend_sound(st_backend *b, const double *va, const uint8_t *spike, float *out,
                             size_t n);

/* Non-zero after a numerical blow-up: the step index of the first non-finite state. */
ST_API uint64_t st_backend_fault(const st_backend *b);

/* The last envelope value, current and emitted v (for meters). */
ST_API void st_backend_last(const st_backend *b, double *env, double *current, double *v_mv);

/* Steps emitted and spikes since reset. */
ST_API uint64_t st_backend_steps(const st_backend *b);
ST_API uint64_t st_backend_spike_count(const st_backend *b);

#ifdef __cplusplus
}
#endif
#endif
