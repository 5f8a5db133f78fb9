/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline's configurations (pipeline.h): names, the recipes, the neuron, the checks, and
 * the results. The engine that runs them is engine.c. */
#include "spiketalk/pipeline.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "core-private.h"
#include "spiketalk/sim.h"

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
    "ours: gate 3 x the noise floor (adaptive), full wave, 10 ms moving average, 20 ms "
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
    /* the noise floor, followed as the room changes: a take may start on a word */
    c->gate = ST_GATE_ADAPTIVE;
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
    c->ref_window_s = 0.1; /* a click, or a door slam, shorter than this sets no reference */
    c->ceiling = 2;        /* nor drives the neuron harder than twice the gain */
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
    c->gate = ST_GATE_LEADING; /* 3 sigma of the first 441 samples */
    c->gate_window_n = 441;
    c->gate_floor = 0; /* the study had none */
    c->smooth_s = 0;
    c->gain = 10;
    c->normalize = strstr(name, "-norm") ? ST_NORM_MAX : ST_NORM_NONE;
    c->ref_window_s = 0; /* the study's max(env) */
    c->ceiling = 0;
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
        st_status st = st_preset_lookup(c->model, preset, ST_PRESET_CELL, "--preset", &p, err);
        if (st)
            return st;
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

/* ---- checks ---------------------------------------------------------------------------------- */

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
    if ((c->gate == ST_GATE_LEADING || c->gate == ST_GATE_ADAPTIVE) &&
        !(c->gate_k >= 0 && isfinite(c->gate_k)))
        return st_error_set(err, ST_ERR_INVAL, "--gate-k: must be a finite number >= 0");
    if (c->gate == ST_GATE_LEADING && st_front_gate_window(c, fs_hz) < 1)
        return st_error_set(err, ST_ERR_INVAL, "--gate-window: must be at least one sample");
    if (c->gate == ST_GATE_FIXED && !(c->gate_threshold >= 0 && isfinite(c->gate_threshold)))
        return st_error_set(err, ST_ERR_INVAL, "--gate-thr: must be a finite number >= 0");
    if (c->decimate < 1)
        return st_error_set(err, ST_ERR_INVAL, "--decimate: must be >= 1");
    if (!(c->ceiling >= 0 && isfinite(c->ceiling)))
        return st_error_set(err, ST_ERR_INVAL, "--ceiling: must be a finite number >= 0");
    if (!(c->ref_window_s >= 0 && c->ref_window_s <= 60))
        return st_error_set(err, ST_ERR_INVAL, "--ref-window: must be 0 to 60 s");
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
    size_t sm = st_front_smooth_window(c, fs_hz);
    if (sm > 1)
        delay += (double)(sm - 1) / 2.0;
    return (size_t)llround(delay);
}

/* ---- results --------------------------------------------------------------------------------- */

void st_pipeline_result_free(st_pipeline_result *r)
{
    st_free(r->gated);
    st_free(r->rectified);
    st_free(r->envelope);
    st_free(r->output);
    st_free(r->current);
    st_free(r->v);
    st_free(r->u);
    st_free(r->gate_track);
    st_spikes_free(&r->spikes);
    memset(r, 0, sizeof *r);
}

double st_pipeline_gate_at(const st_pipeline_result *r, size_t i)
{
    if (!r->gate_track || !r->gate_frame)
        return r->gate_threshold;
    size_t j = i / r->gate_frame; /* frames that ended at or before sample i */
    if (j == 0 || r->gate_track_n == 0)
        return r->gate_floor;
    return r->gate_track[j - 1 < r->gate_track_n ? j - 1 : r->gate_track_n - 1];
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
