/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A pipeline run's report as JSON fields (report.h). */
#include "spiketalk/report.h"

#include <math.h>

void st_report_pipeline(st_json *j, const st_pipeline_config *c, const st_pipeline_result *r)
{
    st_json_string(j, "recipe", c->recipe);
    st_json_string(j, "mode", st_run_mode_name(c->mode));
    st_json_object_begin(j, "gate");
    st_json_bool(j, "on", c->gate != ST_GATE_OFF);
    st_json_string(j, "mode", st_gate_mode_name(c->gate));
    st_json_number(j, "threshold", r->gate_threshold);
    if (c->gate == ST_GATE_LEADING || c->gate == ST_GATE_ADAPTIVE)
        st_json_number(j, "k", c->gate_k);
    if (c->gate == ST_GATE_LEADING)
        st_json_number(j, "window_s", c->gate_window_n ? (double)c->gate_window_n / r->fs_hz
                                                        : c->gate_window_s);
    if (c->gate == ST_GATE_ADAPTIVE) {
        /* the threshold over time: one value per noise-floor frame */
        st_json_number(j, "floor", c->gate_floor);
        st_json_number(j, "threshold_track_dt_s", (double)r->gate_frame / r->fs_hz);
        st_json_array_begin(j, "threshold_track", true);
        for (size_t i = 0; i < r->gate_track_n; i++)
            st_json_number(j, NULL, r->gate_track[i]);
        st_json_array_end(j);
    }
    st_json_object_end(j);
    st_json_string(j, "rectify", st_rectify_name(c->rectify));
    st_json_string(j, "envelope", st_envelope_name(c->envelope));
    size_t sm = c->smooth_n ? c->smooth_n : (size_t)llround(c->smooth_s * r->fs_hz);
    st_json_uint(j, "smooth_samples", sm > 1 ? sm : 0);
    st_json_number(j, "gain", c->gain);
    st_json_string(j, "normalize", st_norm_name(c->normalize));
    st_json_number(j, "envelope_ref", r->env_ref);
    if (c->normalize != ST_NORM_NONE) {
        st_json_number(j, "ref_window_s", c->ref_window_s);
        st_json_number(j, "ceiling", c->ceiling);
    }
    if (c->mode == ST_RUN_STREAM) {
        if (c->normalize == ST_NORM_PEAK) {
            st_json_number(j, "peak_release_s", c->peak_release_s);
            st_json_number(j, "peak_floor", c->peak_floor);
        }
        st_json_uint(j, "block", r->block);
        st_json_uint(j, "algorithmic_delay_samples", r->delay_samples);
        st_json_number(j, "algorithmic_delay_ms", 1000.0 * (double)r->delay_samples / r->fs_hz);
    }
    st_json_object_begin(j, "neuron");
    st_json_string(j, "model", c->model->name);
    st_json_string(j, "preset", c->preset);
    st_json_object_begin(j, "params");
    for (size_t i = 0; i < c->model->n_params; i++)
        st_json_number(j, c->model->params[i].name,
                       st_param_get(&c->params, &c->model->params[i]));
    st_json_object_end(j);
    st_json_string(j, "integrator", st_integrator_name(c->how));
    st_json_number(j, "dt_ms", r->dt_ms);
    st_json_uint(j, "decimate", c->decimate);
    st_json_uint(j, "steps", r->steps);
    st_json_object_end(j);
    st_json_string(j, "sonify", st_sonify_name(c->sonify));
    st_json_uint(j, "spike_count", r->spikes.count);
    double model_s = (double)r->steps * r->dt_ms / 1000.0;
    st_json_number(j, "mean_rate_hz", model_s > 0 ? (double)r->spikes.count / model_s : 0.0);
    st_json_array_begin(j, "spike_times_ms", true);
    for (size_t i = 0; i < r->spikes.count; i++)
        st_json_number(j, NULL, (double)r->spikes.step[i] * r->dt_ms);
    st_json_array_end(j);
}
