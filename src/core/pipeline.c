/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The offline pipeline: stages run over the whole signal, every tap kept, and the recipes. */
#include "spiketalk/pipeline.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "core-private.h"

#define NEURON_BLOCK 65536

/* ---- names --------------------------------------------------------------------------------- */

static const char *const env_names[] = {"none", "hilbert", "movavg"};
static const char *const norm_names[] = {"max", "none", "peak"};

const char *st_envelope_name(st_envelope_mode m)
{
    return (unsigned)m < 3 ? env_names[m] : "?";
}

st_status st_envelope_parse(const char *name, st_envelope_mode *out, st_error *err)
{
    int i = st_name_index(env_names, ST_COUNTOF(env_names), name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--envelope: unknown envelope '%s' (hilbert, movavg or none)",
                            name ? name : "");
    *out = (st_envelope_mode)i;
    return ST_OK;
}

const char *st_norm_name(st_norm_mode m)
{
    return (unsigned)m < 3 ? norm_names[m] : "?";
}

st_status st_norm_parse(const char *name, st_norm_mode *out, st_error *err)
{
    int i = st_name_index(norm_names, ST_COUNTOF(norm_names), name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--normalize: unknown mode '%s' (max, peak or none)",
                            name ? name : "");
    *out = (st_norm_mode)i;
    return ST_OK;
}

/* ---- recipes -------------------------------------------------------------------------------- */

static const char *const recipes[] = {"default",          "seed-hilbert", "seed-hilbert-norm",
                                      "seed-movavg",      "seed-movavg-norm",
                                      "seed-playback",    "seed-live",    NULL};

static const char *const recipe_helps[] = {
    "ours: gate 3 sigma of the first 0.1 s, full wave, 10 ms moving average, 20 ms "
    "smoothing, I = 10 env/max, FS neuron, one step per sample, membrane sound",
    "the study: gate 3 sigma of 441 samples, |hilbert| of the gated signal, every 9th "
    "sample, I = 10 env, RS, h = 0.2 ms",
    "seed-hilbert with I = 10 env / max(env)",
    "the study: gate, full wave, running sum of 441 (sum/(i+1), then sum*2/w), every 9th "
    "sample, I = 10 env, RS, h = 0.2 ms",
    "seed-movavg with I = 10 env / max(env)",
    "the study: seed-movavg's envelope FFT-resampled to 5000/s, h = 0.2 ms, v FFT-resampled "
    "back to the file's length",
    "the study's live program: 1024-sample chunks, 10-chunk window, |x| < 0.2 zeroed, "
    "Hilbert, 21-sample boxcar sum, FFT to 232, FS restarted every chunk for 115 steps"};

const char *const *st_recipe_names(void)
{
    return recipes;
}

const char *st_recipe_help(const char *name)
{
    for (size_t i = 0; name && recipes[i]; i++)
        if (!strcmp(name, recipes[i]))
            return recipe_helps[i];
    return NULL;
}

/* The study's neuron: a cell preset of the 2003 model, v0 = -65, u0 = b v0, symplectic. */
static void study_neuron(st_pipeline_config *c, const char *preset)
{
    c->model = st_model_get(ST_MODEL_IZH);
    const st_preset *p = st_preset_find(c->model, preset, ST_PRESET_CELL);
    c->params = p->params;
    c->v0_mv = -65;
    c->u0 = c->params.izh.b * c->v0_mv;
    c->how = ST_INT_SYMPLECTIC;
}

void st_pipeline_config_default(st_pipeline_config *c)
{
    memset(c, 0, sizeof *c);
    c->gate_on = true;
    c->gate_k = 3;
    c->gate_window_s = 0.1;
    c->gate_floor = 1e-4; /* -80 dBFS: a recording that starts in digital silence still gates */
    c->gate_threshold = NAN;
    c->rectify = ST_RECT_FULL;
    c->envelope = ST_ENV_MOVAVG;
    c->movavg_s = 0.01;
    c->smooth_n = 0;
    c->smooth_s = 0.020; /* longer than a voice's pitch period: no ripple in the current */
    c->gain = 10;
    c->normalize = ST_NORM_MAX;
    study_neuron(c, "FS");
    c->decimate = 1;
    c->sonify = ST_SONIFY_MEMBRANE;
    c->keep_taps = true;
}

st_status st_pipeline_recipe(const char *name, st_pipeline_config *c, st_error *err)
{
    st_pipeline_config_default(c);
    if (!strcmp(name, "default"))
        return ST_OK;
    if (!st_recipe_help(name))
        return st_error_set(err, ST_ERR_INVAL,
                            "--recipe: unknown recipe '%s' (default, seed-hilbert, "
                            "seed-hilbert-norm, seed-movavg, seed-movavg-norm, seed-playback, "
                            "seed-live)",
                            name);
    /* the study's literal sample counts, whatever the file's rate */
    c->gate_window_n = 441;
    c->gate_floor = 0;
    c->smooth_s = 0;
    c->gain = 10;
    c->normalize = strstr(name, "-norm") ? ST_NORM_MAX : ST_NORM_NONE;
    c->dt_ms = 0.2;
    c->decimate = 9;
    study_neuron(c, "RS");
    if (!strncmp(name, "seed-movavg", 11) || !strcmp(name, "seed-playback")) {
        c->rectify = ST_RECT_FULL;
        c->envelope = ST_ENV_MOVAVG;
        c->movavg_n = 441;
        c->movavg_seed = true;
    }
    if (!strcmp(name, "seed-playback")) {
        c->decimate = 1;
        c->resample_hz = 5000;
    }
    if (!strncmp(name, "seed-hilbert", 12) || !strcmp(name, "seed-live")) {
        c->rectify = ST_RECT_NONE;
        c->envelope = ST_ENV_HILBERT;
    }
    if (!strcmp(name, "seed-live")) {
        c->gate_on = false;
        c->gain = 1;
        study_neuron(c, "FS");
    }
    return ST_OK;
}

st_status st_pipeline_check(const st_pipeline_config *c, double fs_hz, st_error *err)
{
    if (!(fs_hz > 0) || !isfinite(fs_hz))
        return st_error_set(err, ST_ERR_INVAL, "input: bad sample rate %g Hz", fs_hz);
    if (!isfinite(c->gain))
        return st_error_set(err, ST_ERR_INVAL, "--gain: must be a finite number");
    if (c->gate_on && !(c->gate_k >= 0 && isfinite(c->gate_k)))
        return st_error_set(err, ST_ERR_INVAL, "--gate-k: must be a finite number >= 0");
    if (!isnan(c->gate_threshold) && !(c->gate_threshold >= 0 && isfinite(c->gate_threshold)))
        return st_error_set(err, ST_ERR_INVAL, "--gate-thr: must be a finite number >= 0");
    if (c->decimate < 1)
        return st_error_set(err, ST_ERR_INVAL, "--decimate: must be >= 1");
    if (c->normalize == ST_NORM_PEAK)
        return st_error_set(err, ST_ERR_INVAL,
                            "--normalize: 'peak' belongs to the streaming pipeline (--block N)");
    if (c->dt_ms != 0 && !(c->dt_ms > 0 && isfinite(c->dt_ms)))
        return st_error_set(err, ST_ERR_INVAL, "--dt: must be a finite number > 0 ms");
    if (!(c->model->integrators & ST_INT_BIT(c->how)))
        return st_error_set(err, ST_ERR_INVAL, "--integrator: not offered by model %s",
                            c->model->name);
    if (!isfinite(c->v0_mv) || !isfinite(c->u0))
        return st_error_set(err, ST_ERR_INVAL, "--v0/--u0: must be finite numbers");
    return c->model->check(&c->params, err);
}

/* ---- the run ---------------------------------------------------------------------------------- */

void st_pipeline_result_free(st_pipeline_result *r)
{
    st_free(r->gated);
    if (!r->shared) {
        st_free(r->rectified);
        st_free(r->envelope);
        st_free(r->output);
    }
    st_free(r->current);
    st_free(r->v);
    st_free(r->u);
    st_spikes_free(&r->spikes);
    memset(r, 0, sizeof *r);
}

size_t st_pipeline_sample(const st_pipeline_result *r, size_t k)
{
    size_t s;
    if (r->chunked)
        s = k / ST_SEED_LIVE_STEPS * ST_SEED_LIVE_CHUNK +
            (size_t)llround((double)(k % ST_SEED_LIVE_STEPS) * ST_SEED_LIVE_CHUNK /
                            ST_SEED_LIVE_STEPS);
    else if (r->resample_hz > 0)
        s = (size_t)llround((double)k * r->fs_hz / r->resample_hz);
    else
        s = k * r->decimate;
    return s < r->n ? s : r->n - 1;
}

st_status st_pipeline_alloc(st_pipeline_result *r, size_t n, size_t steps, st_error *err)
{
    r->n = n;
    r->steps = steps;
    r->gated = st_malloc(n * sizeof(float));
    r->rectified = r->shared ? r->gated : st_malloc(n * sizeof(float));
    r->envelope = r->shared ? r->gated : st_malloc(n * sizeof(float));
    /* shared: the envelope is spent once the current is made, so the sound goes there */
    r->output = r->shared ? r->gated : st_malloc(n * sizeof(float));
    /* shared and one step per sample: the per-step signals are never stored (see fused) */
    bool per_step = !r->shared || r->decimate != 1 || r->resample_hz > 0 || r->chunked;
    r->current = per_step ? st_malloc(steps * sizeof(float)) : NULL;
    r->v = per_step ? st_malloc(steps * sizeof(float)) : NULL;
    r->u = r->shared ? NULL : st_malloc(steps * sizeof(float));
    if (!r->gated || !r->rectified || !r->envelope || !r->output ||
        (per_step && (!r->current || !r->v)) || (!r->u && !r->shared) ||
        st_spikes_reserve(&r->spikes, 64))
        return st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory (%zu samples)", n);
    return ST_OK;
}

/* Gate, rectify, envelope and smoothing into the result's audio taps. */
static st_status front_end(const st_pipeline_config *c, st_pipeline_result *r, st_error *err)
{
    size_t n = r->n;
    size_t win = c->gate_window_n ? c->gate_window_n : (size_t)llround(c->gate_window_s * r->fs_hz);
    r->gate_threshold = !c->gate_on ? 0.0
                        : !isnan(c->gate_threshold)
                            ? c->gate_threshold
                            : st_gate_threshold(r->input, n, win, c->gate_k, c->gate_floor);
    if (c->gate_on) {
        st_gate_state gs;
        st_gate_reset(&gs);
        st_gate_params gp = {(float)r->gate_threshold};
        st_gate_process(&gs, &gp, r->input, r->gated, n);
    } else {
        memcpy(r->gated, r->input, n * sizeof(float));
    }
    st_rectify(c->rectify, r->gated, r->rectified, n);
    st_status st = ST_OK;
    if (c->envelope == ST_ENV_HILBERT) {
        st = st_hilbert_envelope(r->rectified, n, r->envelope, err);
    } else if (c->envelope == ST_ENV_MOVAVG) {
        size_t w = c->movavg_n ? c->movavg_n : (size_t)llround(c->movavg_s * r->fs_hz);
        st_movavg ma;
        if (!(st = st_movavg_init(&ma, w ? w : 1, c->movavg_seed, err))) {
            st_movavg_process(&ma, r->rectified, r->envelope, n);
            st_movavg_free(&ma);
        }
    } else if (r->envelope != r->rectified) {
        memcpy(r->envelope, r->rectified, n * sizeof(float));
    }
    size_t sm = c->smooth_n ? c->smooth_n : (size_t)llround(c->smooth_s * r->fs_hz);
    if (!st && sm > 1) {
        st_movavg ma;
        if (!(st = st_movavg_init(&ma, sm, false, err))) {
            st_movavg_process(&ma, r->envelope, r->envelope, n);
            st_movavg_free(&ma);
        }
    }
    return st;
}

/* The neuron input: the envelope at each step (decimated or FFT-resampled), scaled. */
static st_status current(const st_pipeline_config *c, st_pipeline_result *r, st_error *err)
{
    double ref = 1.0, gain = c->gain;
    if (c->resample_hz > 0) {
        double *e = st_malloc(r->n * sizeof *e), *I = st_malloc(r->steps * sizeof *I);
        st_status st = (!e || !I) ? st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory")
                                  : ST_OK;
        for (size_t i = 0; !st && i < r->n; i++)
            e[i] = r->envelope[i];
        if (!st)
            st = st_resample_fft(e, r->n, I, r->steps, err);
        if (!st && c->normalize == ST_NORM_MAX) {
            ref = 0.0;
            for (size_t k = 0; k < r->steps; k++)
                ref = fmax(ref, I[k]);
        }
        for (size_t k = 0; !st && k < r->steps; k++)
            r->current[k] = ref > 0 ? (float)(gain * I[k] / ref) : 0.0f;
        st_free(e);
        st_free(I);
        r->env_ref = ref;
        return st;
    }
    if (c->normalize == ST_NORM_MAX) {
        ref = 0.0;
        for (size_t k = 0; k < r->steps; k++)
            ref = r->envelope[k * c->decimate] > ref ? r->envelope[k * c->decimate] : ref;
    }
    r->env_ref = ref;
    const double scale = ref > 0 ? gain / ref : 0.0; /* silence: I = 0, never NaN */
    const size_t K = c->decimate;
    for (size_t k = 0; k < r->steps; k++)
        r->current[k] = (float)(scale * r->envelope[k * K]);
    return ST_OK;
}

static st_status neuron(const st_pipeline_config *c, st_pipeline_result *r,
                        void (*progress)(void *, double), void *ud, st_error *err)
{
    enum { B = 4096 };
    double I[B], v[B], u[B];
    st_model_state s;
    c->model->reset(&s, &c->params, c->v0_mv, c->u0);
    r->v[0] = (float)c->v0_mv;
    if (r->u)
        r->u[0] = (float)c->u0;
    size_t total = r->steps - 1, next_report = 0;
    for (size_t k0 = 0; k0 < total; k0 += B) {
        size_t n = total - k0 < B ? total - k0 : B;
        if (st_spikes_reserve(&r->spikes, n))
            return st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory for spikes");
        for (size_t i = 0; i < n; i++)
            I[i] = r->current[k0 + i];
        c->model->process(&s, &c->params, c->how, r->dt_ms, I, v, r->u ? u : NULL, n,
                          &r->spikes);
        uint64_t fault = c->model->fault_step(&s);
        if (fault)
            return st_error_set(err, ST_ERR_NUMERIC,
                                "neuron: v is not finite at t = %g ms (step %llu); try a "
                                "smaller --dt or a lower --gain",
                                (double)fault * r->dt_ms, (unsigned long long)fault);
        for (size_t i = 0; i < n; i++)
            r->v[k0 + 1 + i] = (float)v[i];
        for (size_t i = 0; r->u && i < n; i++)
            r->u[k0 + 1 + i] = (float)u[i];
        if (progress && k0 >= next_report) {
            progress(ud, 0.3 + 0.6 * (double)(k0 + n) / (double)r->steps);
            next_report = k0 + total / 50 + 1;
        }
    }
    return ST_OK;
}

st_status st_pipeline_sound(const st_pipeline_config *c, st_pipeline_result *r,
                            const double *v_audio, st_error *err)
{
    enum { B = 4096 };
    double va[B];
    uint8_t *flag = st_calloc(r->n, 1);
    if (!flag)
        return st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory");
    for (size_t i = 0; i < r->spikes.count; i++) {
        size_t j = r->spikes.step[i];
        if (j < r->steps)
            flag[st_pipeline_sample(r, j)] = 1;
    }
    st_sonify_params sp = {c->sonify, c->model->v_min_mv, c->model->v_max_mv, r->fs_hz, 20.0,
                           1.0};
    st_sonify_state ss;
    st_status st = st_sonify_init(&ss, &sp, err);
    double vpeak = c->model->vpeak(&c->params);
    const size_t K = r->decimate ? r->decimate : 1;
    for (size_t i0 = 0; !st && i0 < r->n; i0 += B) {
        size_t n = r->n - i0 < B ? r->n - i0 : B;
        for (size_t i = 0; i < n; i++) {
            /* each step's state is held until the next step's sample */
            size_t at = i0 + i, k = at / K;
            va[i] = v_audio ? v_audio[at] : (flag[k * K] && !isnan(vpeak)) ? vpeak : r->v[k];
        }
        st_sonify_process(&ss, &sp, va, flag + i0, r->output + i0, n);
    }
    st_free(flag);
    return st;
}

/* Membrane potential (spikes drawn to the peak) or clicks, at the audio rate. */
static st_status sound(const st_pipeline_config *c, st_pipeline_result *r, st_error *err)
{
    if (!(c->resample_hz > 0))
        return st_pipeline_sound(c, r, NULL, err);
    /* the study's way back: v FFT-resampled to the audio length */
    double *v = st_malloc(r->steps * sizeof *v), *va = st_malloc(r->n * sizeof *va);
    st_status st = (!v || !va) ? st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory")
                               : ST_OK;
    for (size_t k = 0; !st && k < r->steps; k++)
        v[k] = r->v[k];
    if (!st)
        st = st_resample_fft(v, r->steps, va, r->n, err);
    if (!st)
        st = st_pipeline_sound(c, r, va, err);
    st_free(v);
    st_free(va);
    return st;
}

/* Current, neuron and sound block by block, for a shared result with one step per sample: no
 * per-step array is kept, and the samples are those current() + neuron() + sound() give. */
static st_status fused(const st_pipeline_config *c, st_pipeline_result *r,
                       void (*progress)(void *, double), void *ud, st_error *err)
{
    enum { B = 4096 };
    double I[B], v[B], va[B];
    uint8_t flag[B];
    double ref = 1.0;
    if (c->normalize == ST_NORM_MAX) {
        ref = 0.0;
        for (size_t k = 0; k < r->n; k++)
            ref = r->envelope[k] > ref ? r->envelope[k] : ref;
    }
    r->env_ref = ref;
    const double scale = ref > 0 ? c->gain / ref : 0.0, vpeak = c->model->vpeak(&c->params);
    st_sonify_params sp = {c->sonify, c->model->v_min_mv, c->model->v_max_mv, r->fs_hz, 20.0,
                           1.0};
    st_sonify_state ss;
    st_status st = st_sonify_init(&ss, &sp, err);
    st_model_state s;
    c->model->reset(&s, &c->params, c->v0_mv, c->u0);
    double vnow = (float)c->v0_mv; /* the state at the block's first sample, as stored */
    bool spike_now = false;
    for (size_t i0 = 0; !st && i0 < r->n; i0 += B) {
        size_t m = r->n - i0 < B ? r->n - i0 : B;
        size_t steps = i0 + m == r->n ? m - 1 : m; /* the last sample's step is never shown */
        for (size_t i = 0; i < steps; i++)
            I[i] = (float)(scale * r->envelope[i0 + i]); /* rounded like the stored current */
        size_t first = r->spikes.count;
        if (st_spikes_reserve(&r->spikes, steps))
            return st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory for spikes");
        c->model->process(&s, &c->params, c->how, r->dt_ms, I, v, NULL, steps, &r->spikes);
        uint64_t fault = c->model->fault_step(&s);
        if (fault)
            return st_error_set(err, ST_ERR_NUMERIC,
                                "neuron: v is not finite at t = %g ms (step %llu); try a "
                                "smaller --dt or a lower --gain",
                                (double)fault * r->dt_ms, (unsigned long long)fault);
        memset(flag, 0, m);
        flag[0] = spike_now;
        spike_now = false;
        for (size_t k = first; k < r->spikes.count; k++) {
            size_t j = (size_t)r->spikes.step[k] - i0; /* stamps i0 + 1 .. i0 + steps */
            if (j < m)
                flag[j] = 1;
            else
                spike_now = true;
        }
        for (size_t i = 0; i < m; i++) {
            double vi = i == 0 ? vnow : (float)v[i - 1]; /* rounded like the stored v */
            va[i] = (flag[i] && !isnan(vpeak)) ? vpeak : vi;
        }
        if (steps)
            vnow = (float)v[steps - 1];
        st_sonify_process(&ss, &sp, va, flag, r->output + i0, m);
        if (progress && (i0 / B) % 64 == 0)
            progress(ud, 0.3 + 0.7 * (double)(i0 + m) / (double)r->n);
    }
    return st;
}

st_status st_pipeline_run(const st_pipeline_config *c, const float *x, size_t n, double fs_hz,
                          st_pipeline_result *out, void (*progress)(void *ud, double fraction),
                          void *ud, st_error *err)
{
    memset(out, 0, sizeof *out);
    st_status st = st_pipeline_check(c, fs_hz, err);
    if (st)
        return st;
    if (n == 0)
        return st_error_set(err, ST_ERR_INVAL, "input: no samples");
    size_t steps = c->resample_hz > 0 ? (size_t)llround((double)n * c->resample_hz / fs_hz)
                                      : (n + c->decimate - 1) / c->decimate;
    if (steps < 1)
        steps = 1;
    out->fs_hz = fs_hz;
    out->dt_ms = c->dt_ms > 0 ? c->dt_ms : 1000.0 * c->decimate / fs_hz;
    out->decimate = c->decimate;
    out->resample_hz = c->resample_hz;
    out->input = x;
    out->shared = !c->keep_taps;
    if ((st = st_pipeline_alloc(out, n, steps, err)))
        goto fail;
    if ((st = front_end(c, out, err)))
        goto fail;
    if (progress)
        progress(ud, 0.25);
    if (!out->v) {
        if ((st = fused(c, out, progress, ud, err)))
            goto fail;
    } else if ((st = current(c, out, err)) || (st = neuron(c, out, progress, ud, err)) ||
               (st = sound(c, out, err))) {
        goto fail;
    }
    if (progress)
        progress(ud, 1.0);
    return ST_OK;
fail:
    st_pipeline_result_free(out);
    return st;
}
