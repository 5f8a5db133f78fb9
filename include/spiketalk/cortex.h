/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A network that listens: a sound through an auditory filterbank into the thalamic input of a
 * network (network.h), one network step per millisecond of sound, and the network's answer as
 * sound. The same causal engine runs a file (`spiketalk network --input`) and the microphone
 * (`spiketalk live --net`), so both give the same output for the same input, bit for bit.
 *
 *   gate        the pipeline's gate (pipeline.h: adaptive by default) on the sound
 *   filterbank  N gammatone bands (filterbank.h), ERB-spaced from fmin to fmax
 *   envelope    per band the pipeline's rectifier and moving average, over one period of the
 *               band's centre frequency (at least 1 ms): the rectified band's ripple at twice
 *               its centre averages out; then the configuration's smoothing
 *   current     per band, at the last sample of each millisecond, by the back end's rule
 *               (backend.h st_current): I = gain * min(env / ref, ceiling), one reference for
 *               all bands, a peak-hold of the loudest band's sustained level, so that the
 *               bands keep the spectrum's shape as a spectrogram does
 *   tonotopy    band j drives the excitatory neurons [first_j, first_j + count_j): the
 *               excitatory population split into N contiguous groups, the lowest band driving
 *               the lowest ids; its current is the group's st_net_set_input, added to the
 *               network's noise (ST_NET_DRIVE_ADD) or in its place (ST_NET_DRIVE_REPLACE)
 *   network     one step (dt = 1 ms) when the sound reaches the end of each millisecond
 *               (sample floor((k + 1) fs / 1000) - 1 ends millisecond k)
 *   sound       a sine-wave vocoder: band j's centre frequency, its amplitude the group's rate
 *               in the last step (spikes per neuron per second) over 'voice_full_hz',
 *               at most 1, followed by a one-pole smoother of time constant 'voice_tau_ms' at
 *               the audio rate; the bands summed, scaled by 1 / sqrt(N) and soft-limited as the
 *               single neuron's sound is (sonify.h st_soft_limit): always finite, |y| < 1.
 *               The inhibitory neurons are not heard. With no input and ST_NET_DRIVE_REPLACE
 *               nothing fires and the sound is exactly 0.
 *
 * st_cortex_process never allocates, locks, logs or blocks when the network runs on one
 * thread: it may run in an audio callback. Its output does not depend on how the sound is split
 * into blocks. */
#ifndef SPIKETALK_CORTEX_H
#define SPIKETALK_CORTEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/filterbank.h"
#include "spiketalk/network.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "add" or "replace" (network.h's st_net_drive). */
ST_API const char *st_net_drive_name(st_net_drive d);
ST_API st_status st_net_drive_parse(const char *name, st_net_drive *out, st_error *err);

typedef struct st_cortex_config {
    st_net_config net;          /* the network (st_net_preset); dt_ms must be 1 */
    st_filterbank_params bank;  /* bands, fmin, fmax, spacing; fs_hz is the sound's rate */
    st_pipeline_config front;   /* a streaming configuration (st_pipeline_recipe(.., true)):
                                   its gate, rectifier, smoothing and current's rule (gain,
                                   normalize peak or none, release, floor, window, ceiling);
                                   its envelope must be movavg, its neuron is not used */
    st_net_drive drive;         /* the bands on top of the network's noise, or instead */
    double voice_full_hz;       /* the group rate (Hz per neuron) heard at full amplitude */
    double voice_tau_ms;        /* the amplitude's smoothing time constant, ms */
    size_t tap_spikes;          /* spikes the display feed holds (st_cortex_tap_read); 0: no
                                   feed. Added after the fields above */
} st_cortex_config;

/* Defaults: network 'net' (st_net_preset: "izh2003", 'neurons' 0 for 1000, 'synapses' 0 for
 * the preset's), 'bands' ERB-spaced bands (0: 16) from 100 Hz to 8 kHz at fs_hz, the
 * "default" streaming recipe's stages with a gain of 10, ST_NET_DRIVE_ADD, voice_full_hz 100,
 * voice_tau_ms 10. ST_ERR_INVAL as st_net_preset. */
ST_API st_status st_cortex_config_default(st_cortex_config *c, const char *net, uint32_t neurons,
                                          uint32_t synapses, size_t bands, double fs_hz,
                                          st_error *err);

/* The listening flags of `spiketalk network --input` and `spiketalk live --net` as text (NULL:
 * not given), named as the flags without their dashes (gate_k for --gate-k). */
typedef struct st_cortex_options {
    const char *bands, *fmin, *fmax, *spacing, *drive, *gain, *gate, *gate_k;
} st_cortex_options;

/* True if any of 'o' is given. */
ST_API bool st_cortex_options_given(const st_cortex_options *o);

/* The listening network the options ask for, on the network 'net' (st_net_configure) for a
 * sound at fs_hz: the defaults of st_cortex_config_default with 'bands' [16] (1 to
 * ST_FB_MAX_BANDS), 'fmin' and 'fmax' [100, 8000 Hz], 'spacing' [erb], 'drive' [add], 'gain'
 * [10], 'gate' and 'gate_k' (st_pipeline_configure's rules), then st_cortex_check. ST_ERR_INVAL
 * naming the flag ("--bands: 'x' is not a whole number", "--drive: unknown drive 'x' ...", the
 * check's messages). */
ST_API st_status st_cortex_configure(const st_cortex_options *o, const st_net_config *net,
                                     double fs_hz, st_cortex_config *c, st_error *err);

/* Checks 'c' naming the flag at fault: the network (st_net_config_check, dt 1 ms, at least one
 * excitatory neuron per band: "--bands: ..."), the filterbank (st_filterbank_check), a whole
 * number of Hz as the rate, the stages (st_pipeline_check; the envelope movavg; normalize peak
 * or none), the voice's constants. */
ST_API st_status st_cortex_check(const st_cortex_config *c, st_error *err);

typedef struct st_cortex st_cortex;

/* Checks 'c', builds the network (st_net_create: c->net.threads threads) and every buffer.
 * ST_ERR_INVAL, ST_ERR_NOMEM; *out NULL on failure. Control thread. */
ST_API st_status st_cortex_create(const st_cortex_config *c, st_cortex **out, st_error *err);
ST_API void st_cortex_destroy(st_cortex *c);

/* Runs n samples of sound (any n >= 0; in == out allowed), taking a network step at the end of
 * every millisecond of sound, and writes n samples of the network's sound. 'on_spikes' (may be
 * NULL) is called after each step with its stamp (steps since the start, k + 1 for step k) and
 * the neurons that fired, as st_net_run calls it. Non-finite input counts as silence. After a
 * numerical fault of the network the cortex stays silent (st_cortex_fault). */
ST_API void st_cortex_process(st_cortex *c, const float *in, float *out, size_t n,
                              st_net_spike_fn on_spikes, void *ud);

/* The network, for st_net_get_info and st_net_neuron (not while processing). */
ST_API const st_net *st_cortex_net(const st_cortex *c);

/* The configuration it was built with. */
ST_API const st_cortex_config *st_cortex_config_get(const st_cortex *c);

/* Band j's centre frequency (Hz) and its group of excitatory neurons. */
ST_API double st_cortex_band_hz(const st_cortex *c, size_t band);
ST_API void st_cortex_group(const st_cortex *c, size_t band, uint32_t *first, uint32_t *count);

/* The band whose group holds excitatory neuron 'id'; -1 for an inhibitory neuron. */
ST_API int st_cortex_band_of(const st_cortex *c, uint32_t id);

/* Counters and levels, readable from any thread while another processes (relaxed atomics). */
typedef struct st_cortex_stats {
    uint64_t samples;           /* of sound processed */
    uint64_t steps;             /* network steps taken */
    uint64_t spikes, spikes_exc, spikes_inh;
    uint32_t last_spikes;       /* in the last step */
    bool fault;                 /* the network stopped (see st_cortex_fault) */
} st_cortex_stats;

ST_API void st_cortex_stats_get(const st_cortex *c, st_cortex_stats *out);

/* The last step's band currents and the groups' smoothed rates (Hz), 'bands' values each (either
 * may be NULL); any thread. */
ST_API void st_cortex_levels(const st_cortex *c, float *current, float *rate_hz);

/* True after a numerical fault; 'err' (may be NULL) receives the network's message. Control
 * thread, between st_cortex_process calls. */
ST_API bool st_cortex_fault(const st_cortex *c, st_error *err);

/* ---- the display feed -----------------------------------------------------------------------
 * With c->tap_spikes > 0, every spike st_cortex_process reports also goes into a lock-free SPSC
 * ring (ring.h) of that many spikes, whichever thread processes (an audio callback, a worker):
 * a display (the app's scrolling raster) drains it from one other thread while the sound runs.
 * When the reader falls behind, new spikes are dropped and counted, never waited for; the
 * spikes passed to 'on_spikes' are never affected. */

/* Moves up to 'max' of the oldest spikes out: stamp[i] (steps since the start, k + 1 for step
 * k, as on_spikes gets them) and id[i]. Returns how many; 0 without a feed. Never blocks. One
 * reader thread at a time. */
ST_API size_t st_cortex_tap_read(const st_cortex *c, uint64_t *stamp, uint32_t *id, size_t max);

/* Spikes the feed could not take because it was full (or whose stamp passed 2^32 steps). */
ST_API uint64_t st_cortex_tap_dropped(const st_cortex *c);

/* The envelope's delay in the middle band, samples: half its moving average's window plus the
 * smoothing's (how far the current lags the sound, before the step's wait of up to 1 ms). */
ST_API size_t st_cortex_delay_samples(const st_cortex *c);

/* About how many bytes st_cortex_create allocates for 'c': the network's synapses and state,
 * the filterbank's and the envelopes' windows and buffers. An estimate, for a caller that
 * refuses a run too large before it starts. */
ST_API uint64_t st_cortex_memory(const st_cortex_config *c);

#ifdef __cplusplus
}
#endif
#endif
