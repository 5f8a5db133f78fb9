/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline engine (pipeline.h): configurations, the recipes, the one entry point, and the
 * whole-signal driver. The streaming driver is stream.c, the chunked one chunks.c; all three
 * feed the back end of backend.c. */
#include "spiketalk/pipeline.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "core-private.h"
#include "spiketalk/sim.h"
#include "spiketalk/stream.h"

/* Neuron steps per pass of the whole-signal driver. */
#define STEP_BLOCK 4096

/* ---- names --------------------------------------------------------------------------------- */

static const char *const env_names[] = {"none", "hilbert", "movavg"};
static const char *const mode_names[] = {"whole", "stream", "chunks"};

const char *st_envelope_name(st_envelope_mode m)
{
    return (unsigned)m < ST_COUNTOF(env_names) ? env_names[m] : "?";
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

const char *st_run_mode_name(st_run_mode m)
{
    return (unsigned)m < ST_COUNTOF(mode_names) ? mode_names[m] : "?";
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
    "the study: gate, full wave, running sum of int(fs/100) (sum/(i+1), then sum*2/w), every "
    "9th sample, I = 10 env, RS, h = 0.2 ms",
    "seed-movavg with I = 10 env / max(env)",
    "the study: seed-movavg's envelope FFT-resampled to 5000/s, h = 0.2 ms, v FFT-resampled "
    "back to the file's length",
    "the study's live program: 1024-sample chunks, 10-chunk window, |x| < 0.2 zeroed, "
    "Hilbert, 21-sample boxcar sum, FFT to 232, FS restarted every chunk for 115 steps"};

const char *const *st_recipe_names(void)
{
    return recipes;
}

static int recipe_index(const char *name)
{
    for (int i = 0; name && recipes[i]; i++)
        if (!strcmp(name, recipes[i]))
            return i;
    return -1;
}

const char *st_recipe_help(const char *name)
{
    int i = recipe_index(name);
    return i < 0 ? NULL : recipe_helps[i];
}

static bool is_seed(const st_pipeline_config *c)
{
    return c->recipe && !strncmp(c->recipe, "seed", 4);
}

/* A cell of the model, its parameters, initial state and integrator (the preset's, else the
 * model's default). */
static void apply_preset(st_pipeline_config *c, const st_preset *p)
{
    st_sim_config sc;
    st_sim_config_init(&sc, c->model, p, NULL);
    c->params = sc.params;
    c->v0_mv = sc.v0_mv;
    c->u0 = sc.u0;
    c->how = sc.how;
    c->preset = p ? p->name : c->model->default_preset;
}

/* The study's neuron: a cell preset of the 2003 model (v0 = -65, u0 = b v0, the study's
 * integrator). */
static void study_neuron(st_pipeline_config *c, const char *preset)
{
    c->model = st_model_get(ST_MODEL_IZH);
    apply_preset(c, st_preset_find(c->model, preset, ST_PRESET_CELL));
}

/* Our offline defaults ("default"), plus the streaming settings a stream will use. */
static void defaults(st_pipeline_config *c)
{
    memset(c, 0, sizeof *c);
    c->recipe = recipes[0];
    c->mode = ST_RUN_WHOLE;
    c->gate = ST_GATE_LEADING;
    c->gate_k = 3;
    c->gate_window_s = 0.1;
    c->gate_floor = 1e-4; /* -80 dBFS: a recording that starts in digital silence still gates */
    c->rectify = ST_RECT_FULL;
    c->envelope = ST_ENV_MOVAVG;
    c->movavg_s = 0.01;
    c->smooth_s = 0.020; /* longer than a voice's pitch period: no ripple in the current */
    c->hilbert_half = 44;
    c->gain = 10;
    c->normalize = ST_NORM_MAX;
    c->peak_release_s = 2.0;
    c->peak_floor = 0.01;
    study_neuron(c, "FS");
    c->decimate = 1;
    c->sonify = ST_SONIFY_MEMBRANE;
    c->keep_taps = true;
}

/* The study's programs: seed-summary sections 3-5. Where the study's code wrote an expression
 * of the rate it meant the rate (the moving average's int(fs / 100)); where it wrote a literal
 * the literal stays, whatever the file's rate (the gate's 441 samples, every 9th sample,
 * h = 0.2 ms, 5000 steps per second, the 1024-sample chunk). */
static void seed_recipe(const char *name, st_pipeline_config *c)
{
    c->gate_window_n = 441;
    c->gate_floor = 0; /* the study had none */
    c->smooth_s = 0;
    c->gain = 10;
    c->normalize = strstr(name, "-norm") ? ST_NORM_MAX : ST_NORM_NONE;
    c->dt_ms = 0.2;
    c->decimate = 9;
    study_neuron(c, "RS");
    if (!strncmp(name, "seed-movavg", 11) || !strcmp(name, "seed-playback")) {
        c->rectify = ST_RECT_FULL;
        c->envelope = ST_ENV_MOVAVG;
        c->movavg_fs_div = 100;
        c->movavg_seed = true;
    }
    if (!strcmp(name, "seed-playback")) {
        c->decimate = 1;
        c->resample_hz = 5000;
    }
    if (!strncmp(name, "seed-hilbert", 12)) {
        c->rectify = ST_RECT_NONE;
        c->envelope = ST_ENV_HILBERT;
    }
    if (!strcmp(name, "seed-live")) {
        c->mode = ST_RUN_CHUNKS;
        c->gate = ST_GATE_FIXED; /* |x| < 0.2 zeroed */
        c->gate_threshold = 0.2;
        c->rectify = ST_RECT_FULL;
        c->envelope = ST_ENV_HILBERT;
        c->smooth_n = 21;
        c->smooth_sum = true;
        c->gain = 1;
        c->normalize = ST_NORM_NONE;
        c->decimate = 1;
        c->chunk_n = 1024;
        c->chunk_window = 10;
        c->chunk_steps = 232;
        c->chunk_run = 115;
        study_neuron(c, "FS");
    }
}

st_status st_pipeline_recipe(const char *name, bool streaming, st_pipeline_config *c,
                             st_error *err)
{
    int i = recipe_index(name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--recipe: unknown recipe '%s' (default, seed-hilbert, "
                            "seed-hilbert-norm, seed-movavg, seed-movavg-norm, seed-playback, "
                            "seed-live)",
                            name ? name : "");
    defaults(c);
    c->recipe = recipes[i];
    if (i > 0 && streaming)
        return st_error_set(err, ST_ERR_INVAL,
                            "--recipe: '%s' is the study's offline algorithm and cannot stream "
                            "(--block, live); the streaming pipeline takes the default recipe's "
                            "stages (and the flags that change them)",
                            name);
    if (i > 0) {
        seed_recipe(name, c);
    } else if (streaming) {
        /* a conversation wants the answer now: 1 ms mean and 2 ms smoothing (1.5 ms of
         * delay) instead of the offline 10 + 20 ms; the neuron's own integration does the
         * rest; and a peak-hold, since the loudest moment is not known yet */
        c->mode = ST_RUN_STREAM;
        c->normalize = ST_NORM_PEAK;
        c->movavg_s = 0.001;
        c->smooth_s = 0.002;
    }
    return ST_OK;
}

st_status st_pipeline_set_neuron(st_pipeline_config *c, const st_model *m, const char *preset,
                                 st_error *err)
{
    if (m)
        c->model = m;
    const st_preset *p = NULL;
    if (preset) {
        p = st_preset_find(c->model, preset, -1);
        if (!p) {
            char close[256];
            st_preset_suggest(c->model, preset, -1, close, sizeof close, 3);
            return st_error_set(err, ST_ERR_INVAL,
                                "--preset: unknown preset '%s' for model %s; closest: %s",
                                preset, c->model->name, close);
        }
    } else if (m) {
        p = st_preset_find(c->model, c->model->default_preset, -1);
    } else {
        p = c->preset ? st_preset_find(c->model, c->preset, -1) : NULL;
    }
    apply_preset(c, p);
    if (m && !is_seed(c))
        c->gain = c->model->default_gain; /* in the model's own current unit */
    return ST_OK;
}

/* ---- checks ----------------------------------------------------------------------------------- */

static size_t window_n(size_t n, double s, double fs_hz)
{
    return n ? n : (size_t)llround(s * fs_hz);
}

static st_status check_stream(const st_pipeline_config *c, st_error *err)
{
    if (c->normalize == ST_NORM_MAX)
        return st_error_set(err, ST_ERR_INVAL,
                            "--normalize: 'max' needs the whole signal (its loudest moment) "
                            "and cannot stream; use peak (a peak-hold with release) or none");
    if (c->rectify == ST_RECT_OFFSET)
        return st_error_set(err, ST_ERR_INVAL,
                            "--rectify: 'offset' needs the whole signal (x - min x) and cannot "
                            "stream; use none, full or half");
    if (c->decimate != 1)
        return st_error_set(err, ST_ERR_INVAL,
                            "--decimate: the streaming pipeline steps the neuron once per "
                            "sample (decimate 1)");
    if (c->dt_ms != 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--dt: the streaming pipeline steps the neuron once per sample "
                            "(dt = 1000 / fs ms)");
    if (c->resample_hz != 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--recipe: FFT resampling needs the whole signal and cannot stream");
    if (c->envelope == ST_ENV_HILBERT &&
        !(c->hilbert_half >= 1 && c->hilbert_half <= ST_FIR_HILBERT_MAX_HALF))
        return st_error_set(err, ST_ERR_INVAL, "hilbert half length: must be 1 .. %u (got %u)",
                            ST_FIR_HILBERT_MAX_HALF, c->hilbert_half);
    if (c->normalize == ST_NORM_PEAK && !(c->peak_release_s > 0 && isfinite(c->peak_release_s)))
        return st_error_set(err, ST_ERR_INVAL,
                            "--peak-release: must be a finite number > 0 s (got %g)",
                            c->peak_release_s);
    if (c->normalize == ST_NORM_PEAK && !(c->peak_floor > 0 && isfinite(c->peak_floor)))
        return st_error_set(err, ST_ERR_INVAL, "peak floor: must be a finite number > 0 (got %g)",
                            c->peak_floor);
    return ST_OK;
}

st_status st_pipeline_check(const st_pipeline_config *c, double fs_hz, st_error *err)
{
    if (!(fs_hz > 0) || !isfinite(fs_hz))
        return st_error_set(err, ST_ERR_INVAL, "input: bad sample rate %g Hz", fs_hz);
    if (!c->model)
        return st_error_set(err, ST_ERR_INVAL, "--model: no model");
    if (!isfinite(c->gain))
        return st_error_set(err, ST_ERR_INVAL, "--gain: must be a finite number");
    if (c->gate == ST_GATE_LEADING && !(c->gate_k >= 0 && isfinite(c->gate_k)))
        return st_error_set(err, ST_ERR_INVAL, "--gate-k: must be a finite number >= 0");
    if (c->gate == ST_GATE_LEADING && window_n(c->gate_window_n, c->gate_window_s, fs_hz) < 1)
        return st_error_set(err, ST_ERR_INVAL, "--gate-window: must be at least one sample");
    if (c->gate == ST_GATE_FIXED && !(c->gate_threshold >= 0 && isfinite(c->gate_threshold)))
        return st_error_set(err, ST_ERR_INVAL, "--gate-thr: must be a finite number >= 0");
    if (c->decimate < 1)
        return st_error_set(err, ST_ERR_INVAL, "--decimate: must be >= 1");
    if (c->dt_ms != 0 && !(c->dt_ms > 0 && isfinite(c->dt_ms)))
        return st_error_set(err, ST_ERR_INVAL, "--dt: must be a finite number > 0 ms");
    if ((unsigned)c->how >= ST_INT_COUNT || !(c->model->integrators & ST_INT_BIT(c->how)))
        return st_error_set(err, ST_ERR_INVAL, "--integrator: not offered by model %s",
                            c->model->name);
    if (!isfinite(c->v0_mv) || !isfinite(c->u0))
        return st_error_set(err, ST_ERR_INVAL, "--v0/--u0: must be finite numbers");
    st_status st = ST_OK;
    if (c->mode == ST_RUN_STREAM)
        st = check_stream(c, err);
    else if (c->normalize == ST_NORM_PEAK)
        st = st_error_set(err, ST_ERR_INVAL,
                          "--normalize: 'peak' belongs to the streaming pipeline (--block N)");
    else if (c->mode == ST_RUN_CHUNKS &&
             !(c->chunk_n >= 1 && c->chunk_window >= 1 && c->chunk_steps >= 1 &&
               c->chunk_run < c->chunk_steps))
        st = st_error_set(err, ST_ERR_INVAL, "chunks: bad chunk sizes");
    return st ? st : c->model->check(&c->params, err);
}

size_t st_pipeline_delay_samples(const st_pipeline_config *c, double fs_hz)
{
    if (c->mode != ST_RUN_STREAM)
        return 0;
    double delay = c->envelope == ST_ENV_HILBERT ? (double)c->hilbert_half : 0.0;
    if (c->envelope == ST_ENV_MOVAVG)
        delay += (double)(st_front_movavg_window(c, fs_hz) - 1) / 2.0;
    size_t sm = window_n(c->smooth_n, c->smooth_s, fs_hz);
    if (sm > 1)
        delay += (double)(sm - 1) / 2.0;
    return (size_t)llround(delay);
}

/* ---- results ---------------------------------------------------------------------------------- */

void st_pipeline_result_free(st_pipeline_result *r)
{
    st_free(r->gated);
    st_free(r->rectified);
    st_free(r->envelope);
    st_free(r->output);
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
        s = k / r->chunk_steps * r->chunk_n +
            (size_t)llround((double)(k % r->chunk_steps) * (double)r->chunk_n /
                            (double)r->chunk_steps);
    else if (r->resample_hz > 0)
        s = (size_t)llround((double)k * r->fs_hz / r->resample_hz);
    else
        s = k * r->decimate;
    return s < r->n ? s : r->n - 1;
}

st_status st_pipeline_alloc_taps(st_pipeline_result *r, bool audio, bool steps, st_error *err)
{
    bool ok = (r->output = st_malloc(r->n * sizeof *r->output)) != NULL;
    if (ok && audio)
        ok = (r->gated = st_malloc(r->n * sizeof(double))) &&
             (r->rectified = st_malloc(r->n * sizeof(double))) &&
             (r->envelope = st_malloc(r->n * sizeof(double)));
    if (ok && steps)
        ok = (r->current = st_malloc(r->steps * sizeof(double))) &&
             (r->v = st_malloc(r->steps * sizeof(double))) &&
             (r->u = st_malloc(r->steps * sizeof(double)));
    if (!ok || st_spikes_reserve(&r->spikes, 64))
        return st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory (%zu samples)", r->n);
    return ST_OK;
}

st_status st_pipeline_fault(const st_pipeline_result *r, uint64_t step, st_error *err)
{
    return st_error_set(err, ST_ERR_NUMERIC,
                        "neuron: v is not finite at t = %g ms (step %llu); try a smaller --dt "
                        "or a lower --gain",
                        (double)step * r->dt_ms, (unsigned long long)step);
}

/* ---- the whole-signal driver ------------------------------------------------------------------ */

/* The gate's threshold over the whole signal: the leading window's is known before sample 0. */
static st_status whole_gate(const st_pipeline_config *c, st_pipeline_result *r, st_gate_params *gp,
                            st_error *err)
{
    double thr = c->gate == ST_GATE_FIXED ? c->gate_threshold : 0.0;
    if (c->gate == ST_GATE_LEADING) {
        size_t w = st_front_gate_window(c, r->fs_hz);
        w = w < r->n ? w : r->n;
        double *x = st_malloc((w ? w : 1) * sizeof *x);
        if (!x)
            return st_error_set(err, ST_ERR_NOMEM, "gate: out of memory (%zu samples)", w);
        for (size_t i = 0; i < w; i++)
            x[i] = r->input[i];
        thr = st_gate_threshold(x, w, w, c->gate_k, c->gate_floor);
        st_free(x);
    }
    r->gate_threshold = thr;
    *gp = (st_gate_params){c->gate == ST_GATE_OFF ? ST_GATE_OFF : ST_GATE_FIXED, thr, 0, 0, 0};
    return ST_OK;
}

/* Gate, rectify, envelope and smoothing over the whole signal, into r's taps or in place in
 * 'work' (n doubles): returns where the envelope is. */
static const double *whole_front(const st_pipeline_config *c, st_pipeline_result *r,
                                 double *work, st_status *st, st_error *err)
{
    const size_t n = r->n;
    double *g = r->gated ? r->gated : work, *rc = r->rectified ? r->rectified : work;
    double *e = r->envelope ? r->envelope : work;
    st_gate_params gp;
    st_gate gate;
    if ((*st = whole_gate(c, r, &gp, err)) || (*st = st_gate_init(&gate, &gp, err)))
        return NULL;
    for (size_t i = 0; i < n; i++)
        g[i] = r->input[i];
    st_gate_process(&gate, g, g, n);
    st_gate_free(&gate);
    st_rectify(c->rectify, g, rc, n);
    if (c->envelope == ST_ENV_HILBERT) {
        *st = st_hilbert_envelope(rc, n, e, err);
    } else if (c->envelope == ST_ENV_MOVAVG) {
        st_movavg ma;
        if (!(*st = st_movavg_init(&ma, st_front_movavg_window(c, r->fs_hz), c->movavg_seed, err))) {
            st_movavg_process(&ma, rc, e, n);
            st_movavg_free(&ma);
        }
    } else if (e != rc) {
        memcpy(e, rc, n * sizeof *e);
    }
    size_t sm = window_n(c->smooth_n, c->smooth_s, r->fs_hz);
    if (!*st && sm > 1) {
        st_movavg ma;
        if (!(*st = st_movavg_init(&ma, sm, false, err))) {
            st_movavg_process(&ma, e, e, n);
            st_movavg_free(&ma);
        }
    }
    return *st ? NULL : e;
}

/* The study's way back: v FFT-resampled to the audio length, spikes flagged where their steps
 * fall. */
static st_status resampled_sound(st_backend *b, st_pipeline_result *r, const double *v,
                                 st_error *err)
{
    double *va = st_malloc(r->n * sizeof *va);
    uint8_t *flag = st_calloc(r->n, 1);
    st_status st = (!va || !flag) ? st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory")
                                  : st_resample_fft(v, r->steps, va, r->n, err);
    for (size_t i = 0; !st && i < r->spikes.count; i++)
        if (r->spikes.step[i] < r->steps)
            flag[st_pipeline_sample(r, (size_t)r->spikes.step[i])] = 1;
    if (!st)
        st_backend_sound(b, va, flag, r->output, r->n);
    st_free(va);
    st_free(flag);
    return st;
}

/* The back end over the per-step envelope: env[k * stride] (the decimated signal) or the
 * resampled one (stride 1). */
static st_status whole_back(const st_pipeline_config *c, st_pipeline_result *r, st_backend *b,
                            const double *env, size_t stride, double *v_keep,
                            void (*progress)(void *, double), void *ud, st_error *err)
{
    double e[STEP_BLOCK];
    const size_t K = r->decimate;
    for (size_t k0 = 0; k0 < r->steps; k0 += STEP_BLOCK) {
        size_t m = r->steps - k0 < STEP_BLOCK ? r->steps - k0 : STEP_BLOCK;
        for (size_t i = 0; i < m; i++)
            e[i] = env[(k0 + i) * stride];
        if (st_spikes_reserve(&r->spikes, m))
            return st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory for spikes");
        st_backend_taps t = {r->current ? r->current + k0 : NULL, v_keep ? v_keep + k0 : NULL,
                             r->u ? r->u + k0 : NULL};
        size_t at = c->resample_hz > 0 ? r->n : k0 * K;
        st_backend_process(b, &c->params, e, m, c->resample_hz > 0 ? NULL : r->output + at,
                           r->n - at, &r->spikes, &t);
        uint64_t fault = st_backend_fault(b);
        if (fault)
            return st_pipeline_fault(r, fault, err);
        if (progress && (k0 / STEP_BLOCK) % 16 == 0)
            progress(ud, 0.3 + 0.7 * (double)(k0 + m) / (double)r->steps);
    }
    return ST_OK;
}

static st_status whole_backend(const st_pipeline_config *c, st_pipeline_result *r,
                               st_backend **b, st_error *err)
{
    st_backend_config bc = {.gain = c->gain, .normalize = c->normalize, .ref = r->env_ref,
                            .model = c->model, .params = c->params, .v0_mv = c->v0_mv,
                            .u0 = c->u0, .how = c->how, .dt_ms = r->dt_ms, .sonify = c->sonify,
                            .fs_hz = r->fs_hz, .hold = c->resample_hz > 0 ? 1 : c->decimate};
    return st_backend_create(&bc, b, err);
}

/* The whole signal kept stage by stage (taps), or a front end that needs all of it at once
 * (the FFT Hilbert envelope, x - min x, FFT resampling). */
static st_status whole_arrays(const st_pipeline_config *c, st_pipeline_result *r,
                              void (*progress)(void *, double), void *ud, st_error *err)
{
    const bool rs = c->resample_hz > 0;
    double *work = NULL, *per_step = NULL, *v_tmp = NULL;
    st_backend *b = NULL;
    st_status st = st_pipeline_alloc_taps(r, c->keep_taps, c->keep_taps, err);
    if (!st && !c->keep_taps && !(work = st_malloc(r->n * sizeof *work)))
        st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory (%zu samples)", r->n);
    const double *env = st ? NULL : whole_front(c, r, work, &st, err);
    if (progress && !st)
        progress(ud, 0.3);
    /* the per-step envelope: every decimate-th sample, or the FFT-resampled signal */
    size_t stride = rs ? 1 : c->decimate;
    if (!st && rs) {
        if (!(per_step = st_malloc(r->steps * sizeof *per_step)) ||
            (!r->v && !(v_tmp = st_malloc(r->steps * sizeof *v_tmp))))
            st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory");
        else
            st = st_resample_fft(env, r->n, per_step, r->steps, err);
        env = per_step;
    }
    double ref = -INFINITY;
    for (size_t k = 0; !st && c->normalize == ST_NORM_MAX && k < r->steps; k++)
        ref = env[k * stride] > ref ? env[k * stride] : ref;
    r->env_ref = c->normalize == ST_NORM_MAX ? ref : 1.0;
    if (!st)
        st = whole_backend(c, r, &b, err);
    double *v = r->v ? r->v : v_tmp;
    if (!st)
        st = whole_back(c, r, b, env, stride, v, progress, ud, err);
    if (!st && rs)
        st = resampled_sound(b, r, v, err);
    st_backend_destroy(b);
    st_free(work);
    st_free(per_step);
    st_free(v_tmp);
    return st;
}

/* Without taps and with a causal front end: the signal in blocks through the front end twice,
 * once for the loudest moment (normalize max), once into the back end. The same stages give the
 * same numbers as whole_arrays, with no signal-sized work buffer. */
static st_status whole_blocks(const st_pipeline_config *c, st_pipeline_result *r,
                              void (*progress)(void *, double), void *ud, st_error *err)
{
    enum { B = 1024 }; /* samples per block: the block and the windows stay in the L1 cache */
    const size_t n = r->n, K = c->decimate;
    st_gate_params gp;
    st_front f;
    st_backend *b = NULL;
    st_status st = whole_gate(c, r, &gp, err);
    if (st || (st = st_front_init(&f, c, &gp, r->fs_hz, err)))
        return st;
    double *x = st_malloc(2 * B * sizeof *x), *e = x + B;
    if (!x || !(r->output = st_malloc(n * sizeof *r->output)) || st_spikes_reserve(&r->spikes, 64))
        st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory (%zu samples)", n);
    double ref = -INFINITY;
    for (int pass = c->normalize == ST_NORM_MAX ? 0 : 1; !st && pass < 2; pass++) {
        if (pass == 1) {
            r->env_ref = c->normalize == ST_NORM_MAX ? ref : 1.0;
            st_front_reset(&f);
            if ((st = whole_backend(c, r, &b, err)))
                break;
        }
        size_t k = 0; /* steps so far */
        for (size_t off = 0; !st && off < n; off += B) {
            size_t m = n - off < B ? n - off : B, ns = 0;
            for (size_t i = 0; i < m; i++)
                x[i] = r->input[off + i];
            st_front_process(&f, x, x, x, x, m);
            const double *es = x; /* the step samples: all of them, or every K-th */
            if (K > 1) {
                for (size_t i = (K - off % K) % K; i < m; i += K)
                    e[ns++] = x[i];
                es = e;
            } else {
                ns = m;
            }
            if (pass == 0) {
                for (size_t i = 0; i < ns; i++)
                    ref = es[i] > ref ? es[i] : ref;
                continue;
            }
            if (st_spikes_reserve(&r->spikes, ns)) {
                st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory for spikes");
                break;
            }
            st_backend_process(b, &c->params, es, ns, r->output + k * K, n - k * K, &r->spikes,
                               NULL);
            k += ns;
            uint64_t fault = st_backend_fault(b);
            if (fault)
                st = st_pipeline_fault(r, fault, err);
            if (progress && (off / B) % 64 == 0)
                progress(ud, 0.5 * pass + 0.5 * (double)(off + m) / (double)n);
        }
    }
    st_backend_destroy(b);
    st_front_free(&f);
    st_free(x);
    return st;
}

static st_status run_whole(const st_pipeline_config *c, st_pipeline_result *r,
                           void (*progress)(void *, double), void *ud, st_error *err)
{
    const bool rs = c->resample_hz > 0;
    /* the study resampled D seconds to D * 5000 values: round half to even, as Python */
    r->steps = rs ? (size_t)nearbyint((double)r->n / r->fs_hz * c->resample_hz)
                  : (r->n + c->decimate - 1) / c->decimate;
    if (r->steps < 1)
        r->steps = 1;
    r->decimate = c->decimate;
    r->resample_hz = c->resample_hz;
    r->dt_ms = c->dt_ms > 0 ? c->dt_ms : 1000.0 * c->decimate / r->fs_hz;
    bool causal = c->envelope != ST_ENV_HILBERT && c->rectify != ST_RECT_OFFSET && !rs;
    return !c->keep_taps && causal ? whole_blocks(c, r, progress, ud, err)
                                   : whole_arrays(c, r, progress, ud, err);
}

/* ---- blocks: the streaming driver over a buffer ------------------------------------------------ */

static st_status run_stream(const st_pipeline_config *c, st_pipeline_result *r,
                            void (*progress)(void *, double), void *ud, st_error *err)
{
    const size_t n = r->n, block = c->block ? c->block : 1024;
    r->steps = n;
    r->decimate = 1;
    r->dt_ms = 1000.0 / r->fs_hz;
    r->block = block;
    r->delay_samples = st_pipeline_delay_samples(c, r->fs_hz);
    r->env_ref = c->normalize == ST_NORM_NONE ? 1.0 : NAN; /* peak: it moves */
    st_stream *s = NULL;
    st_status st = st_pipeline_alloc_taps(r, c->keep_taps, c->keep_taps, err);
    if (!st)
        st = st_stream_create(c, r->fs_hz, &s, err);
    if (!st && c->keep_taps)
        st = st_stream_enable_taps(s, block < n ? block : n, err);
    double *dst[6] = {r->gated, r->rectified, r->envelope, r->current, r->v, r->u};
    const double *(*const src[6])(const st_stream *) = {
        st_stream_tap_gated, st_stream_tap_rectified, st_stream_tap_envelope,
        st_stream_tap_current, st_stream_tap_v, st_stream_tap_u};
    for (size_t off = 0; !st && off < n; off += block) {
        size_t m = n - off < block ? n - off : block;
        if (st_spikes_reserve(&r->spikes, m)) {
            st = st_error_set(err, ST_ERR_NOMEM, "pipeline: out of memory for spikes");
            break;
        }
        st_stream_process(s, r->input + off, r->output + off, m, &r->spikes);
        for (size_t k = 0; c->keep_taps && k < 6; k++)
            memcpy(dst[k] + off, src[k](s), m * sizeof(double));
        if (progress && (off / block) % 256 == 0)
            progress(ud, (double)(off + m) / (double)n);
    }
    uint64_t at;
    if (!st && st_stream_fault(s, &at))
        st = st_pipeline_fault(r, at, err);
    if (!st) {
        st_stream_stats stats;
        st_stream_stats_get(s, &stats);
        r->gate_threshold = c->gate == ST_GATE_OFF ? 0.0 : stats.gate_threshold;
    }
    st_stream_destroy(s);
    return st;
}

/* ---- the entry point -------------------------------------------------------------------------- */

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
    out->fs_hz = fs_hz;
    out->n = n;
    out->input = x;
    switch (c->mode) {
    case ST_RUN_STREAM:
        st = run_stream(c, out, progress, ud, err);
        break;
    case ST_RUN_CHUNKS:
        st = st_chunks_run(c, out, err);
        break;
    default:
        st = run_whole(c, out, progress, ud, err);
        break;
    }
    if (st) {
        st_pipeline_result_free(out);
        return st;
    }
    if (progress)
        progress(ud, 1.0);
    return ST_OK;
}
