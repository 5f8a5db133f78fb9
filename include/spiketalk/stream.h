/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming pipeline: the same stages as offline (pipeline.h), causal and block based, with
 * all state continuous across blocks, for the live path and for `process --block N`.
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

typedef struct st_stream_config {
    st_pipeline_config pipe;  /* the stages; normalize must be ST_NORM_PEAK or ST_NORM_NONE,
                                 decimate 1, resample_hz 0, dt_ms 0 (one step per sample) */
    double peak_release_s;    /* time constant of the peak-hold's decay, s */
    double peak_floor;        /* the reference never drops below this (silence stays silent) */
    unsigned hilbert_half;    /* FIR Hilbert half length M: delay M samples, odd taps 2M + 1 */
} st_stream_config;

/* Our live defaults: st_pipeline_config_default's stages with a 1 ms moving average and 2 ms
 * smoothing (66 samples = 1.5 ms of delay at 44.1 kHz), ST_NORM_PEAK with release 2 s and
 * floor 0.01, and M = 44 (1 ms) for the Hilbert envelope. */
ST_API void st_stream_config_default(st_stream_config *c);

/* Builds a stream for fs_hz: validates the configuration (naming the flag at fault), allocates
 * every buffer. Control thread only. */
ST_API st_status st_stream_create(const st_stream_config *c, double fs_hz, st_stream **out,
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
 * Hilbert's M plus the moving averages' (w - 1) / 2, rounded). */
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
    double gate_threshold;  /* learned or fixed; NAN while learning */
} st_stream_stats;

ST_API void st_stream_stats_get(const st_stream *s, st_stream_stats *out);

/* Optional per-sample taps of the last st_stream_process call, for scopes and traces: when
 * enabled (at most 'max_block' samples per call), pointers to the envelope, current and v
 * of that call; NULL when disabled. Enable from the control thread before processing. */
ST_API st_status st_stream_enable_taps(st_stream *s, size_t max_block, st_error *err);
ST_API const float *st_stream_tap_envelope(const st_stream *s);
ST_API const float *st_stream_tap_current(const st_stream *s);
ST_API const float *st_stream_tap_v(const st_stream *s);

/* ---- additions for `process --block` and diagnostics --------------------------------------- */

/* Checks a configuration for fs_hz without building anything: what st_stream_create refuses
 * (normalize max, rectify offset, decimate != 1, dt_ms != 0, resampling, a bad release or
 * floor, and st_pipeline_check's rules), as ST_ERR_INVAL naming the flag at fault. */
ST_API st_status st_stream_check(const st_stream_config *c, double fs_hz, st_error *err);

/* True once the neuron's state has become non-finite (it then stays silent until
 * st_stream_reset); *sample (may be NULL) receives the sample index where it happened. */
ST_API bool st_stream_fault(const st_stream *s, uint64_t *sample);

/* More taps, enabled with the others: the gated and rectified signal and the recovery
 * variable u of the last call; NULL when disabled. */
ST_API const float *st_stream_tap_gated(const st_stream *s);
ST_API const float *st_stream_tap_rectified(const st_stream *s);
ST_API const float *st_stream_tap_u(const st_stream *s);

#ifdef __cplusplus
}
#endif
#endif
