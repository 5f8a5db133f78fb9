/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A pipeline run's and a network run's report as JSON fields (report.h). */
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

/* ---- networks ------------------------------------------------------------------------------ */

static double rate_of(uint64_t spikes, uint32_t neurons, double duration_ms)
{
    return neurons ? (double)spikes / neurons / (duration_ms / 1000.0) : 0.0;
}

static void network_spectrum(st_json *j, const st_net_summary *s)
{
    st_json_array_begin(j, "spectral_peaks", false);
    for (size_t k = 0; k < s->n_peaks; k++) {
        st_json_object_begin(j, NULL);
        st_json_number(j, "freq_hz", s->peaks[k].freq_hz);
        st_json_number(j, "power", s->peaks[k].power);
        st_json_number(j, "prominence", s->peaks[k].prominence);
        st_json_object_end(j);
    }
    st_json_array_end(j);
    st_json_object_begin(j, "rhythms");
    st_json_number(j, "alpha_hz", s->alpha_hz);
    st_json_number(j, "gamma_hz", s->gamma_hz);
    st_json_object_end(j);
    st_json_object_begin(j, "spectrum");
    st_json_number(j, "resolution_hz", s->psd.df_hz);
    st_json_number(j, "segment_ms", (double)s->psd.segment);
    st_json_uint(j, "segments", s->psd.segments);
    st_json_object_end(j);
}

void st_report_populations(st_json *j, const st_net_config *c)
{
    st_json_array_begin(j, "populations", false);
    for (size_t q = 0; q < c->n_pops; q++) {
        const st_net_pop *p = &c->pop[q];
        const st_model *m = st_model_get(p->model);
        bool own = p->model != ST_MODEL_IZH;
        st_json_object_begin(j, NULL);
        st_json_string(j, "name", p->name);
        st_json_uint(j, "neurons", p->n);
        st_json_bool(j, "inhibitory", p->inhibitory);
        st_json_string(j, "model", m->name);
        st_json_string(j, "current_unit", m->current_unit);
        st_json_string(j, "integrator",
                       st_integrator_name(own ? p->integrator : ST_INT_IZH2003));
        st_json_uint(j, "substeps", own ? p->substeps : 1);
        st_json_number(j, "gain", own ? p->gain : 1.0);
        st_json_object_end(j);
    }
    st_json_array_end(j);
}

void st_report_network(st_json *j, const st_net_config *c, uint64_t steps, double duration_ms,
                       const st_net_info *in, double build_s, double wall_s,
                       const st_net_summary *s, const double *weights)
{
    st_json_string(j, "net", c->name);
    st_json_uint(j, "neurons", in->neurons);
    st_json_uint(j, "neurons_exc", in->neurons_exc);
    st_json_uint(j, "neurons_inh", in->neurons_inh);
    st_json_uint(j, "synapses", in->synapses);
    st_json_uint(j, "synapses_plastic", in->synapses_plastic);
    st_json_uint(j, "delay_min_ms", in->delay_min);
    st_json_uint(j, "delay_max_ms", in->delay_max);
    st_json_uint(j, "seed", c->seed);
    st_json_number(j, "dt_ms", c->dt_ms);
    st_report_populations(j, c);
    st_json_number(j, "duration_ms", duration_ms);
    st_json_uint(j, "steps", steps);
    st_json_uint(j, "threads", (uint64_t)in->threads);
    st_json_uint(j, "ranks", (uint64_t)in->ranks);
    st_json_number(j, "build_s", build_s);
    st_json_number(j, "wall_s", wall_s);
    st_json_uint(j, "spike_count", in->spikes);
    st_json_number(j, "rate_hz", rate_of(in->spikes, in->neurons, duration_ms));
    st_json_number(j, "rate_hz_exc", rate_of(in->spikes_exc, in->neurons_exc, duration_ms));
    st_json_number(j, "rate_hz_inh", rate_of(in->spikes_inh, in->neurons_inh, duration_ms));
    st_json_uint(j, "synaptic_events", in->events);
    st_json_number(j, "synaptic_events_per_s",
                   wall_s > 0.0 ? (double)in->events / wall_s : 0.0);
    st_json_number(j, "wall_per_model_s", wall_s / (duration_ms / 1000.0));
    st_json_uint(j, "exchanges", in->exchanges);
    st_json_number(j, "exchange_s", in->exchange_s);
    st_json_number(j, "exchange_us_per_interval",
                   in->exchanges ? 1e6 * in->exchange_s / (double)in->exchanges : 0.0);
    network_spectrum(j, s);
    if (weights) {
        st_json_object_begin(j, "weight_histogram");
        st_json_number(j, "lo", 0.0);
        st_json_number(j, "hi", c->stdp.w_max);
        st_json_array_begin(j, "counts", true);
        for (size_t k = 0; k < ST_NET_WEIGHT_BINS; k++)
            st_json_number(j, NULL, weights[k]);
        st_json_array_end(j);
        st_json_object_end(j);
    }
}

void st_report_cortex(st_json *j, const st_cortex_config *c, const double *band_hz,
                      const uint32_t *band_first, const double *band_rate_hz)
{
    size_t bands = c->bank.bands;
    st_json_uint(j, "bands", bands);
    st_json_number(j, "fmin_hz", c->bank.fmin_hz);
    st_json_number(j, "fmax_hz", c->bank.fmax_hz);
    st_json_string(j, "spacing", st_fb_spacing_name(c->bank.spacing));
    st_json_string(j, "drive", st_net_drive_name(c->drive));
    st_json_number(j, "gain", c->front.gain);
    st_json_string(j, "normalize", st_norm_name(c->front.normalize));
    st_json_string(j, "gate", st_gate_mode_name(c->front.gate));
    st_json_number(j, "voice_full_hz", c->voice_full_hz);
    st_json_number(j, "voice_tau_ms", c->voice_tau_ms);
    st_json_array_begin(j, "band_hz", true);
    for (size_t b = 0; b < bands; b++)
        st_json_number(j, NULL, band_hz[b]);
    st_json_array_end(j);
    st_json_array_begin(j, "band_first_neuron", true);
    for (size_t b = 0; b < bands; b++)
        st_json_uint(j, NULL, band_first[b]);
    st_json_array_end(j);
    st_json_array_begin(j, "band_neurons", true);
    for (size_t b = 0; b < bands; b++)
        st_json_uint(j, NULL, band_first[b + 1] - band_first[b]);
    st_json_array_end(j);
    st_json_array_begin(j, "band_rate_hz", true);
    for (size_t b = 0; b < bands; b++)
        st_json_number(j, NULL, band_rate_hz[b]);
    st_json_array_end(j);
}
