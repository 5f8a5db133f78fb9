/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming driver of the pipeline (pipeline.h, mode ST_RUN_STREAM): the causal front end
 * feeding the one back end (backend.h), all state continuous across blocks, for the live path,
 * `process --block N` and every front end that hears sound as it comes.
 *
 *   gate      threshold learned from the first window of the stream (k * sigma, at least the
 *             floor) or fixed; while the window is being learned the gate is closed (silence)
 *   rectify   none | full | half   (offset needs the whole signal: refused)
 *   envelope  movavg (trailing mean) | hilbert (an FIR Hilbert transformer of half length M
 *             with the input delayed by M samples: |x + i H{x}|) | none; then the boxcar
 *   current   I = gain * env / ref; ref = a peak-hold of env with exponential release
 *             (ST_NORM_PEAK, no look-ahead) or 1 (ST_NORM_NONE); ST_NORM_MAX is refused
 *   neuron    one step per sample, dt = 1000 / fs ms, never reset between blocks
 *   sonify    as offline
 *
 * Processing a signal in blocks of any sizes gives bit-identical output and spikes.
 * st_stream_process never allocates, locks, logs or blocks: it may run in an audio callback. */
#ifndef SPIKETALK_STREAM_H
#define SPIKETALK_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_stream st_stream;

/* Builds a stream for fs_hz from a streaming configuration (mode ST_RUN_STREAM, e.g. from
 * st_pipeline_recipe(name, true, ...)): validates it with st_pipeline_check (naming the flag
 * at fault) and allocates every buffer. Control thread only. */
ST_API st_status st_stream_create(const st_pipeline_config *c, double fs_hz, st_stream **out,
                                  st_error *err);

ST_API void st_stream_destroy(st_stream *s);

/* Back to the state after st_stream_create (gate relearns, neuron at v0/u0). Not concurrent
 * with st_stream_process. */
ST_API void st_stream_reset(st_stream *s);

/* Runs n samples (any n >= 0; in == out allowed). Spikes are stamped with the stream's sample
 * index (spike at sample j means the neuron step from j-1 to j crossed the peak) into 'spikes'
 * when not NULL (caller-owned; overflow counted in 'dropped'). Never allocates, locks or logs. */
ST_API void st_stream_process(st_stream *s, const float *in, float *out, size_t n,
                              st_spikes *spikes);

/* The envelope's algorithmic delay in samples: how far the envelope lags the sound (the FIR
 * Hilbert's M plus the moving averages' (w - 1) / 2, rounded; st_pipeline_delay_samples). */
ST_API size_t st_stream_delay_samples(const st_stream *s);

/* Publishes new neuron parameters (e.g. another preset) from any thread: checked first
 * (validate, then commit), taken by the next st_stream_process call at a block start; the
 * neuron's state carries on (no reset, no click). Returns ST_ERR_INVAL for bad parameters.
 * At most one publisher thread at a time. */
ST_API st_status st_stream_set_params(st_stream *s, const st_model_params *p, st_error *err);

/* Counters and levels for meters, readable from any thread while the stream runs. */
typedef struct st_stream_stats {
    uint64_t samples;       /* processed so far */
    uint64_t spikes;        /* spikes so far */
    float input_peak;       /* |x| peak of the last block */
    float envelope;         /* last envelope value */
    float current;          /* last input current */
    float v_mv;             /* last membrane potential */
    double gate_threshold;  /* in use: learned, fixed or following the noise floor; NAN while
                               a leading window is learned */
    double noise_floor;     /* the adaptive gate's noise floor, amplitude (full scale 1);
                               NAN for the other gates */
} st_stream_stats;

ST_API void st_stream_stats_get(const st_stream *s, st_stream_stats *out);

/* Optional per-sample taps of the last st_stream_process call, for scopes and traces: when
 * enabled (at most 'max_block' samples per call), pointers to the envelope, current and v
 * of that call; NULL when disabled. Enable from the control thread before processing. */
ST_API st_status st_stream_enable_taps(st_stream *s, size_t max_block, st_error *err);
ST_API const double *st_stream_tap_envelope(const st_stream *s);
ST_API const double *st_stream_tap_current(const st_stream *s);
ST_API const double *st_stream_tap_v(const st_stream *s);

/* Keeps an adaptive gate's thresholds in 'track' (caller-owned, see dsp.h; NULL: none) from
 * the next st_stream_process on. Control thread, before processing. */
ST_API void st_stream_gate_track(st_stream *s, st_gate_track *track);

/* ---- diagnostics ------------------------------------------------------------------------- */

/* True once the neuron's state has become non-finite (it then stays silent until
 * st_stream_reset); *sample (may be NULL) receives the sample index where it happened. */
ST_API bool st_stream_fault(const st_stream *s, uint64_t *sample);

/* More taps, enabled with the others: the gated and rectified signal and the recovery
 * variable u of the last call; NULL when disabled. */
ST_API const double *st_stream_tap_gated(const st_stream *s);
ST_API const double *st_stream_tap_rectified(const st_stream *s);
ST_API const double *st_stream_tap_u(const st_stream *s);

#ifdef __cplusplus
}
#endif
#endif
