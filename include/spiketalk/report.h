/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A pipeline run's report: its settings and results as JSON fields, written once for every
 * front end (`spiketalk process --json`, the Python module's results). */
#ifndef SPIKETALK_REPORT_H
#define SPIKETALK_REPORT_H

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

#ifdef __cplusplus
}
#endif
#endif
