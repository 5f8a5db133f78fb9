/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run's report: its settings and results as JSON fields, written once for every front end
 * (`spiketalk process --json` and `spiketalk network --json`, the Python module's results). */
#ifndef SPIKETALK_REPORT_H
#define SPIKETALK_REPORT_H

#include "spiketalk/cortex.h"
#include "spiketalk/network.h"
#include "spiketalk/output.h"
#include "spiketalk/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes, into the open object of 'j', the run's fields: recipe, mode, gate {on, mode,
 * threshold, k, window_s | floor, threshold_track_dt_s, threshold_track}, rectify, envelope
 * (the kind), smooth_samples, gain, normalize, envelope_ref, ref_window_s, ceiling, the
 * stream's peak_release_s, peak_floor, block, algorithmic_delay_samples and _ms, neuron
 * {model, preset, params, integrator, dt_ms, decimate, steps}, sonify, spike_count,
 * mean_rate_hz and spike_times_ms. */
ST_API void st_report_pipeline(st_json *j, const st_pipeline_config *c,
                               const st_pipeline_result *r);

/* Writes, into the open object of 'j', a network run's fields: net, neurons, neurons_exc,
 * neurons_inh, synapses, synapses_plastic, delay_min_ms, delay_max_ms, seed, dt_ms,
 * duration_ms, steps, threads, ranks, build_s, wall_s, spike_count, rate_hz, rate_hz_exc,
 * rate_hz_inh, synaptic_events, synaptic_events_per_s, wall_per_model_s, exchanges,
 * exchange_s, exchange_us_per_interval, spectral_peaks [{freq_hz, power, prominence}],
 * rhythms {alpha_hz, gamma_hz}, spectrum {resolution_hz, segment_ms, segments} and, when
 * 'weights' is not NULL (ST_NET_WEIGHT_BINS counts over [0, c->stdp.w_max]),
 * weight_histogram {lo, hi, counts}. The run took 'steps' steps, 'duration_ms' in all; it was
 * built in 'build_s' and ran in 'wall_s' seconds. */
ST_API void st_report_network(st_json *j, const st_net_config *c, uint64_t steps,
                              double duration_ms, const st_net_info *in, double build_s,
                              double wall_s, const st_net_summary *s, const double *weights);

/* Writes, into the open object of 'j', "populations": one object per population of 'c' with
 * name, neurons, inhibitory, model (the registry's name), current_unit, integrator, substeps
 * and gain (the 2003 form: izh2003, 1 and 1). st_report_network includes it. */
ST_API void st_report_populations(st_json *j, const st_net_config *c);

/* Writes, into the open object of 'j', how a listening network's bands drove it: bands, fmin_hz,
 * fmax_hz, spacing, drive, gain, normalize, gate, voice_full_hz, voice_tau_ms, band_hz,
 * band_first_neuron, band_neurons and band_rate_hz (the groups' mean rates over the run, Hz).
 * 'band_first' holds c->bank.bands + 1 ids: group j is [band_first[j], band_first[j + 1]). */
ST_API void st_report_cortex(st_json *j, const st_cortex_config *c, const double *band_hz,
                             const uint32_t *band_first, const double *band_rate_hz);

#ifdef __cplusplus
}
#endif
#endif
