/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audio pipeline, one engine: sound -> gate -> rectify -> envelope -> current -> neuron ->
 * sound. A front end makes the envelope and one back end (backend.h) makes the current, steps
 * the neuron and makes the sound. The configuration says how the front end sees the signal:
 *
 *   ST_RUN_WHOLE   offline, the whole signal at once: the gate's threshold from the leading
 *                  window, the FFT Hilbert envelope, the loudest moment as the current's
 *                  reference, decimation (one neuron step every 'decimate' samples) or FFT
 *                  resampling of the envelope (and of v back);
 *   ST_RUN_STREAM  causal and block based (stream.h), as `spiketalk live` runs it: the gate
 *                  learns its window first (silent meanwhile), an FIR Hilbert envelope, a
 *                  peak-hold reference, one neuron step per sample; the output is the same for
 *                  any block size;
 *   ST_RUN_CHUNKS  the study's live program (seed-live): fixed chunks, a window of the last
 *                  chunks analysed again for each one, the neuron restarted every chunk.
 *
 * One entry point, st_pipeline_run, runs any configuration over a buffer; a recipe
 * (st_pipeline_recipe) and a neuron (st_pipeline_set_neuron) are applied to a configuration by
 * the library, so no front end (CLI, app, plugin, module) assembles an engine itself.
 *
 * Time mapping: 1 s of audio is 1000 ms of model time. The neuron takes one step per
 * 'decimate' samples (default 1: dt = 1000 / fs ms); the state shown at step k is the one at
 * t_k = k * dt (v[0] = v0), reached with the input of the steps before it. Stages compute in
 * double (the study's numpy float64 from the gate to the current); audio is float. */
#ifndef SPIKETALK_PIPELINE_H
#define SPIKETALK_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "spiketalk/backend.h"
#include "spiketalk/dsp.h"
#include "spiketalk/registry.h"
#include "spiketalk/sonify.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The span of the envelope's peaks the current's reference bridges before it takes their
 * sustained level (s): a voice's pitch period and more; and the frames it works in (s). */
#define ST_REF_SPAN_S 0.020
#define ST_REF_FRAME_S 0.001

typedef enum st_envelope_mode {
    ST_ENV_NONE = 0,
    ST_ENV_HILBERT,     /* |analytic signal|: whole-signal FFT offline, FIR when streaming */
    ST_ENV_MOVAVG       /* trailing mean over movavg_n samples */
} st_envelope_mode;

ST_API const char *st_envelope_name(st_envelope_mode m);
ST_API st_status st_envelope_parse(const char *name, st_envelope_mode *out, st_error *err);

typedef enum st_run_mode {
    ST_RUN_WHOLE = 0,   /* offline over the whole signal */
    ST_RUN_STREAM,      /* causal, block by block (live, process --block N) */
    ST_RUN_CHUNKS       /* the study's live program, chunk by chunk (seed-live) */
} st_run_mode;

ST_API const char *st_run_mode_name(st_run_mode m);

typedef struct st_pipeline_config {
    const char *recipe;       /* the recipe it came from (a static name), for reports */
    const char *preset;       /* the neuron's preset (a static name), for reports */
    st_run_mode mode;
    size_t block;             /* ST_RUN_STREAM: samples per block for st_pipeline_run (any
                                 value gives the same output; 0: 1024) */
    /* gate */
    st_gate_mode gate;        /* off, fixed (gate_threshold), leading (k sigma of a window),
                                 adaptive (k times the noise floor, dsp.h) */
    double gate_threshold;    /* ST_GATE_FIXED, full scale 1 */
    double gate_k;            /* threshold = k * std(leading window) or k * noise floor */
    double gate_window_s;     /* leading window, s */
    size_t gate_window_n;     /* > 0: the window in samples instead (the study's literal 441) */
    double gate_floor;        /* the learned threshold is at least this */
    /* rectify, envelope */
    st_rectify_mode rectify;
    st_envelope_mode envelope;
    size_t movavg_n;          /* moving-average window, samples; 0: use movavg_s */
    double movavg_s;          /* the same in seconds when movavg_n is 0 (0.01: fs / 100) */
    size_t movavg_fs_div;     /* > 0: the window is int(fs / movavg_fs_div) samples instead
                                 (the study's int(fs / 100)) */
    bool movavg_seed;         /* the study's sum * 2 / w scaling */
    size_t smooth_n;          /* boxcar after the envelope, samples; 0: use smooth_s */
    double smooth_s;          /* the same in seconds when smooth_n is 0; 0: off */
    bool smooth_sum;          /* the boxcar sums (seed-live's np.convolve with ones) */
    unsigned hilbert_half;    /* ST_RUN_STREAM: FIR Hilbert half length M (delay M samples) */
    /* current */
    double gain;              /* in the model's current unit */
    st_norm_mode normalize;
    double peak_release_s;    /* ST_NORM_PEAK: time constant of the peak-hold's decay, s */
    double peak_floor;        /* ST_NORM_PEAK: the reference never drops below this */
    double ref_window_s;      /* max and peak take the envelope's sustained level: its minimum
                                 over the last ref_window_s, so a click shorter than that
                                 cannot set the reference; 0: the envelope itself */
    double ceiling;           /* > 0: I = gain * min(env / ref, ceiling); 0: no limit */
    /* neuron */
    const st_model *model;
    st_model_params params;
    double v0_mv, u0;
    st_integrator how;
    double dt_ms;             /* 0: decimate * 1000 / fs */
    unsigned decimate;        /* neuron step every 'decimate' samples (>= 1) */
    double resample_hz;       /* > 0: FFT-resample the envelope to this rate (and v back) */
    /* ST_RUN_CHUNKS: the study's live program */
    size_t chunk_n;           /* samples per chunk (1024) */
    size_t chunk_window;      /* chunks analysed together (10) */
    size_t chunk_steps;       /* current values per chunk, FFT-resampled from the newest
                                 chunk (232) */
    size_t chunk_run;         /* neuron steps per chunk from rest (115); the rest stay at v0 */
    /* sound */
    st_sonify_mode sonify;
    /* false: only the output and the spikes are kept (less memory and time when no trace or
     * plot is made); the output and the spikes are the same either way */
    bool keep_taps;
} st_pipeline_config;

/* Every stage's signal, for traces, plots and JSON. Arrays are owned by the result (NULL
 * without taps), except 'input', which points at the caller's samples. */
typedef struct st_pipeline_result {
    double fs_hz;
    size_t n;                 /* audio samples */
    const float *input;       /* the caller's samples (not owned) */
    double *gated, *rectified, *envelope;   /* n each */
    float *output;            /* n: the sound */
    size_t steps;             /* neuron steps */
    double dt_ms;
    double *current, *v, *u;  /* steps each: the current made at step k, the state at t_k */
    st_spikes spikes;         /* stamps j: spike at t_j = j * dt */
    double gate_threshold;    /* used: learned or fixed (0 when the gate is off); adaptive:
                                 the last one used */
    double *gate_track;       /* ST_GATE_ADAPTIVE: the threshold over time, gate_track[j]
                                 from sample (j + 1) * gate_frame on (before: gate_floor) */
    size_t gate_track_n, gate_frame;
    double gate_floor;        /* the threshold's lower bound */
    double env_ref;           /* the envelope value that maps to 'gain' (1 without norm.,
                                 NAN for a peak-hold, which moves) */
    unsigned decimate;        /* how steps map to samples: see st_pipeline_sample */
    double resample_hz;
    bool chunked;             /* ST_RUN_CHUNKS: chunk_steps steps per chunk_n samples */
    size_t chunk_n, chunk_steps;
    size_t block;             /* ST_RUN_STREAM: the block size it ran with */
    size_t delay_samples;     /* ST_RUN_STREAM: the envelope's algorithmic delay */
} st_pipeline_result;

/* The audio sample index that neuron step k reads (k * decimate, or the nearest sample on an
 * FFT-resampled or chunked grid), clamped to the signal. */
ST_API size_t st_pipeline_sample(const st_pipeline_result *r, size_t k);

/* The recipe names, NULL-terminated: "default", "seed-hilbert", "seed-hilbert-norm",
 * "seed-movavg", "seed-movavg-norm", "seed-playback", "seed-live". */
ST_API const char *const *st_recipe_names(void);

/* One-line description of a recipe, or NULL for an unknown name. */
ST_API const char *st_recipe_help(const char *name);

/* Sets 'c' to recipe 'name', whole stages and neuron (keep_taps true):
 *   "default"  ours: offline (streaming false) an adaptive gate at 3 x the noise floor (at
 *              least 1e-4), full wave, a 10 ms moving average and 20 ms smoothing,
 *              I = 10 env / max, the
 *              study's FS neuron, one step per sample, membrane sound; streaming (true) the
 *              same with a 1 ms mean and 2 ms smoothing, a peak-hold reference (release 2 s,
 *              floor 0.01) and M = 44 for the Hilbert envelope;
 *   "seed-..." the study's programs with their literal constants, offline only.
 * ST_ERR_INVAL "--recipe: unknown recipe 'X' (...)", or when a seed recipe is asked to
 * stream ("--recipe: 'X' is the study's offline algorithm ..."). */
ST_API st_status st_pipeline_recipe(const char *name, bool streaming, st_pipeline_config *c,
                                    st_error *err);

/* Sets the neuron: model 'm' (NULL: keep the configured one) with preset 'preset' (a cell type
 * or a 2004 feature; NULL: the recipe's own cell when the model is kept, else the model's
 * default cell): its parameters, v0, u0 (the preset's or the model's default), and its
 * integrator (the preset's, else the model's default: the study's cells use the study's
 * arithmetic). A new model brings its own current gain, except under the study's recipes
 * (gain 10). ST_ERR_INVAL "--preset: unknown preset 'X' for model M; closest: A, B, C". */
ST_API st_status st_pipeline_set_neuron(st_pipeline_config *c, const st_model *m,
                                        const char *preset, st_error *err);

/* Checks the configuration for a signal at fs_hz, naming the flag at fault: every mode's
 * rules (finite gain, dt > 0, decimate >= 1, gate and window values, the model's parameters)
 * and what a stream cannot do (normalize max, rectify offset, decimation, a dt of its own,
 * resampling). */
ST_API st_status st_pipeline_check(const st_pipeline_config *c, double fs_hz, st_error *err);

/* The envelope's algorithmic delay of a streaming configuration at fs_hz, in samples: the FIR
 * Hilbert's M plus the moving averages' (w - 1) / 2, rounded; 0 for the other modes. */
ST_API size_t st_pipeline_delay_samples(const st_pipeline_config *c, double fs_hz);

/* Runs the configuration over x (n samples at fs_hz), in its mode. 'progress' (may be NULL)
 * receives the fraction done from the calling thread. On failure the result is freed and
 * zeroed; a numerical blow-up of the neuron is ST_ERR_NUMERIC with the time and a hint. */
ST_API st_status st_pipeline_run(const st_pipeline_config *c, const float *x, size_t n,
                                 double fs_hz, st_pipeline_result *out,
                                 void (*progress)(void *ud, double fraction), void *ud,
                                 st_error *err);

/* The gate's threshold at audio sample i (the adaptive gate's track, or the constant one). */
ST_API double st_pipeline_gate_at(const st_pipeline_result *r, size_t i);

ST_API void st_pipeline_result_free(st_pipeline_result *r);

/* About how many bytes st_pipeline_run needs for n samples at fs_hz under 'c' (its mode, its
 * taps): the per-sample and per-step arrays, the windows, the FFT's buffers. An estimate for a
 * caller that refuses a run too large before it starts. */
ST_API uint64_t st_pipeline_memory(const st_pipeline_config *c, size_t n, double fs_hz);

#ifdef __cplusplus
}
#endif
#endif
