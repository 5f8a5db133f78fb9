/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spiketalk.process: a sound through the pipeline, configured by the rules and with the
 * messages of `spiketalk process` (its flags as keywords), run by the library's one engine
 * (st_pipeline_run), offline or, with block=N, streaming. */
#include "st-py.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "spiketalk/pipeline.h"

/* FFTW's planner is not thread-safe, and the whole-signal and chunked runs plan their FFTs:
 * with the GIL released, two Python threads could plan at once. Those runs take turns; the
 * streaming engine (no FFT) runs in any number of threads at once. */
static pthread_mutex_t fft_lock = PTHREAD_MUTEX_INITIALIZER;

enum {
    RECIPE, PRESET, MODEL, BLOCK, GATE, GATE_K, GATE_WINDOW, GATE_THR, RECTIFY, ENVELOPE, SMOOTH,
    GAIN, NORMALIZE, PEAK_RELEASE, INTEGRATOR, DT, DECIMATE, V0, U0, SONIFY, TAPS, N_ARGS
};

static const char *const names[] = {
    "recipe", "preset", "model", "block", "gate", "gate_k", "gate_window", "gate_thr",
    "rectify", "envelope", "smooth", "gain", "normalize", "peak_release", "integrator", "dt",
    "decimate", "v0", "u0", "sonify", "taps", NULL};

/* Raises 'err' unless a Python error is already set; -1. */
static int fail(const st_error *err)
{
    if (!PyErr_Occurred())
        stpy_raise(err);
    return -1;
}

/* --gate on|off (True/False too). */
static int gate_flag(PyObject *o, st_pipeline_config *c)
{
    const char *g;
    if (PyBool_Check(o))
        g = o == Py_True ? "on" : "off";
    else if (stpy_string(o, "--gate", &g))
        return -1;
    if (strcmp(g, "on") && strcmp(g, "off")) {
        stpy_fail(PyExc_ValueError, "--gate: '%s' is neither on nor off", g);
        return -1;
    }
    if (!strcmp(g, "off"))
        c->gate = ST_GATE_OFF;
    else if (c->gate == ST_GATE_OFF)
        c->gate = ST_GATE_LEADING;
    return 0;
}

/* One of the stage names a library parser reads. */
static int named(PyObject *o, const char *flag, void *out,
                 st_status (*parse)(const char *, void *, st_error *))
{
    const char *s;
    st_error err = {0};
    if (stpy_string(o, flag, &s) || parse(s, out, &err))
        return fail(&err);
    return 0;
}

static st_status parse_rectify(const char *s, void *o, st_error *e)
{
    return st_rectify_parse(s, o, e);
}

static st_status parse_envelope(const char *s, void *o, st_error *e)
{
    return st_envelope_parse(s, o, e);
}

static st_status parse_norm(const char *s, void *o, st_error *e)
{
    return st_norm_parse(s, o, e);
}

static st_status parse_sonify(const char *s, void *o, st_error *e)
{
    return st_sonify_parse(s, o, e);
}

static st_status parse_integrator(const char *s, void *o, st_error *e)
{
    return st_integrator_parse(s, o, e);
}

/* The stage keywords over the recipe's stages, in the command line's order (cli-pipeline.c). */
static int stages(PyObject **a, st_pipeline_config *c)
{
    if ((a[GATE] && gate_flag(a[GATE], c)) ||
        (a[GATE_K] && stpy_number(a[GATE_K], "--gate-k", &c->gate_k)))
        return -1;
    if (a[GATE_WINDOW]) {
        if (stpy_number(a[GATE_WINDOW], "--gate-window", &c->gate_window_s))
            return -1;
        if (!(c->gate_window_s > 0)) {
            stpy_fail(PyExc_ValueError, "--gate-window: must be > 0 s");
            return -1;
        }
        c->gate_window_n = 0;
    }
    if (a[GATE_THR]) {
        if (stpy_number(a[GATE_THR], "--gate-thr", &c->gate_threshold))
            return -1;
        if (c->gate != ST_GATE_OFF)
            c->gate = ST_GATE_FIXED;
    }
    if ((a[RECTIFY] && named(a[RECTIFY], "--rectify", &c->rectify, parse_rectify)) ||
        (a[ENVELOPE] && named(a[ENVELOPE], "--envelope", &c->envelope, parse_envelope)) ||
        (a[NORMALIZE] && named(a[NORMALIZE], "--normalize", &c->normalize, parse_norm)) ||
        (a[SONIFY] && named(a[SONIFY], "--sonify", &c->sonify, parse_sonify)))
        return -1;
    if (a[SMOOTH]) {
        if (stpy_count(a[SMOOTH], "--smooth", 0, &c->smooth_n))
            return -1;
        c->smooth_s = 0;
    }
    size_t k;
    if (a[DECIMATE]) {
        if (stpy_count(a[DECIMATE], "--decimate", 1, &k))
            return -1;
        c->decimate = (unsigned)k;
    }
    return 0;
}

/* --dt and --peak-release, the last stage flags. */
static int timing(PyObject **a, st_pipeline_config *c)
{
    if (a[DT]) {
        if (stpy_number(a[DT], "--dt", &c->dt_ms))
            return -1;
        if (!(c->dt_ms > 0)) {
            stpy_fail(PyExc_ValueError, "--dt: must be a finite number > 0 ms (got %g)",
                      c->dt_ms);
            return -1;
        }
    }
    if (a[PEAK_RELEASE]) {
        if (c->mode != ST_RUN_STREAM) {
            stpy_fail(PyExc_ValueError, "--peak-release: only with --block N (the offline "
                      "pipeline normalises by max or none)");
            return -1;
        }
        if (stpy_number(a[PEAK_RELEASE], "--peak-release", &c->peak_release_s))
            return -1;
        if (!(c->peak_release_s > 0)) {
            stpy_fail(PyExc_ValueError, "--peak-release: must be > 0 s (got %g)",
                      c->peak_release_s);
            return -1;
        }
    }
    return 0;
}

/* Model, preset (the library's rule), parameters, --v0, --u0, --integrator, --gain. */
static int neuron(PyObject **a, PyObject *params, st_pipeline_config *c)
{
    st_error err = {0};
    const char *model = NULL, *preset = NULL;
    if ((a[MODEL] && stpy_string(a[MODEL], "--model", &model)) ||
        (a[PRESET] && stpy_string(a[PRESET], "--preset", &preset)))
        return -1;
    const st_model *m = NULL;
    if (model && !(m = stpy_model(model)))
        return -1;
    if ((m || preset) && st_pipeline_set_neuron(c, m, preset, &err))
        return fail(&err);
    const st_preset *p = c->preset ? st_preset_find(c->model, c->preset, -1) : NULL;
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    while (PyDict_Next(params, &pos, &key, &val))
        if (stpy_set_param(c->model, &c->params, key, val))
            return -1;
    if (a[V0] && stpy_number(a[V0], "--v0", &c->v0_mv))
        return -1;
    if (a[U0]) {
        if (stpy_number(a[U0], "--u0", &c->u0))
            return -1;
    } else if (!(p && !isnan(p->u0))) {
        c->u0 = c->model->default_u0(&c->params, c->v0_mv);
    }
    if ((a[INTEGRATOR] && named(a[INTEGRATOR], "--integrator", &c->how, parse_integrator)) ||
        (a[GAIN] && stpy_number(a[GAIN], "--gain", &c->gain)))
        return -1;
    return 0;
}

/* The configuration `spiketalk process [--block N] FLAGS` makes. */
static int configure(PyObject **a, PyObject *params, st_pipeline_config *c)
{
    size_t block = 0;
    const char *recipe = "default";
    st_error err = {0};
    if (a[BLOCK] && stpy_count(a[BLOCK], "--block", 1, &block))
        return -1;
    if (a[RECIPE] && stpy_string(a[RECIPE], "--recipe", &recipe))
        return -1;
    if (st_pipeline_recipe(recipe, block > 0, c, &err))
        return fail(&err);
    if (stages(a, c) || timing(a, c) || neuron(a, params, c))
        return -1;
    c->block = block;
    return 0;
}

/* The samples as contiguous float32 (a copy only when they are something else), all finite
 * as the command line's audio reader requires. */
static PyArrayObject *audio_of(PyObject *o)
{
    PyArrayObject *x = (PyArrayObject *)PyArray_FROMANY(o, NPY_FLOAT32, 1, 1,
                                                        NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
    if (!x)
        return NULL;
    const float *p = PyArray_DATA(x);
    npy_intp n = PyArray_SIZE(x);
    if (n == 0) {
        Py_DECREF(x);
        return (PyArrayObject *)stpy_fail(PyExc_ValueError, "samples: no audio frames");
    }
    for (npy_intp i = 0; i < n; i++)
        if (!isfinite(p[i])) {
            Py_DECREF(x);
            return (PyArrayObject *)stpy_fail(PyExc_ValueError, "samples: sample %zd is not "
                                              "finite", (Py_ssize_t)i);
        }
    return x;
}

/* ---- the result ---------------------------------------------------------------------------------- */

static PyObject *gate_dict(const st_pipeline_config *c, const st_pipeline_result *r)
{
    PyObject *d = PyDict_New();
    double window = c->gate_window_n ? (double)c->gate_window_n / r->fs_hz : c->gate_window_s;
    if (d && (stpy_set(d, "on", PyBool_FromLong(c->gate != ST_GATE_OFF)) ||
              stpy_set(d, "threshold", PyFloat_FromDouble(r->gate_threshold)) ||
              stpy_set(d, "k", PyFloat_FromDouble(c->gate_k)) ||
              stpy_set(d, "window_s", PyFloat_FromDouble(window))))
        Py_CLEAR(d);
    return d;
}

static PyObject *neuron_dict(const st_pipeline_config *c, const st_pipeline_result *r)
{
    PyObject *d = PyDict_New();
    if (d && (stpy_set(d, "model", PyUnicode_FromString(c->model->name)) ||
              stpy_set(d, "preset", stpy_str(c->preset)) ||
              stpy_set(d, "params", stpy_params_dict(c->model, &c->params)) ||
              stpy_set(d, "integrator", PyUnicode_FromString(st_integrator_name(c->how))) ||
              stpy_set(d, "dt_ms", PyFloat_FromDouble(r->dt_ms)) ||
              stpy_set(d, "decimate", PyLong_FromUnsignedLong(c->decimate)) ||
              stpy_set(d, "steps", PyLong_FromSize_t(r->steps))))
        Py_CLEAR(d);
    return d;
}

/* The settings under the names of `spiketalk process --json` (the envelope's name as
 * 'envelope_mode': 'envelope' is the signal). */
static int describe(PyObject *o, const st_pipeline_config *c, const st_pipeline_result *r)
{
    size_t sm = c->smooth_n ? c->smooth_n : (size_t)llround(c->smooth_s * r->fs_hz);
    double model_s = (double)r->steps * r->dt_ms / 1000.0;
    bool stream = c->mode == ST_RUN_STREAM, peak = stream && c->normalize == ST_NORM_PEAK;
    if (stpy_set(o, "fs_hz", PyFloat_FromDouble(r->fs_hz)) ||
        stpy_set(o, "recipe", stpy_str(c->recipe)) ||
        stpy_set(o, "mode", PyUnicode_FromString(st_run_mode_name(c->mode))) ||
        stpy_set(o, "gate", gate_dict(c, r)) ||
        stpy_set(o, "rectify", PyUnicode_FromString(st_rectify_name(c->rectify))) ||
        stpy_set(o, "envelope_mode", PyUnicode_FromString(st_envelope_name(c->envelope))) ||
        stpy_set(o, "smooth_samples", PyLong_FromSize_t(sm > 1 ? sm : 0)) ||
        stpy_set(o, "gain", PyFloat_FromDouble(c->gain)) ||
        stpy_set(o, "normalize", PyUnicode_FromString(st_norm_name(c->normalize))) ||
        stpy_set(o, "envelope_ref", PyFloat_FromDouble(r->env_ref)) ||
        (peak && (stpy_set(o, "peak_release_s", PyFloat_FromDouble(c->peak_release_s)) ||
                  stpy_set(o, "peak_floor", PyFloat_FromDouble(c->peak_floor)))) ||
        (stream && (stpy_set(o, "block", PyLong_FromSize_t(r->block)) ||
                    stpy_set(o, "algorithmic_delay_samples", PyLong_FromSize_t(r->delay_samples)) ||
                    stpy_set(o, "algorithmic_delay_ms",
                             PyFloat_FromDouble(1000.0 * (double)r->delay_samples / r->fs_hz)))) ||
        stpy_set(o, "neuron", neuron_dict(c, r)) ||
        stpy_set(o, "sonify", PyUnicode_FromString(st_sonify_name(c->sonify))) ||
        stpy_set(o, "spike_count", PyLong_FromSize_t(r->spikes.count)) ||
        stpy_set(o, "mean_rate_hz",
                 PyFloat_FromDouble(model_s > 0 ? (double)r->spikes.count / model_s : 0.0)))
        return -1;
    return 0;
}

/* The signals: the sound as float64 (the one copy), the taps handed over without a copy. */
static int signals(PyObject *o, st_pipeline_result *r, bool taps)
{
    double *y;
    PyObject *out = stpy_array_new(r->n, &y);
    for (size_t i = 0; out && i < r->n; i++)
        y[i] = r->output[i];
    if (stpy_set(o, "output", out))
        return -1;
    if (!taps)
        return 0;
    double *t;
    PyObject *ta = stpy_array_new(r->steps, &t);
    for (size_t k = 0; ta && k < r->steps; k++)
        t[k] = (double)k * r->dt_ms;
    if (stpy_set(o, "t", ta))
        return -1;
    const char *key[6] = {"gated", "rectified", "envelope", "current", "v", "u"};
    double **col[6] = {&r->gated, &r->rectified, &r->envelope, &r->current, &r->v, &r->u};
    for (int k = 0; k < 6; k++) {
        double *p = *col[k];
        *col[k] = NULL; /* the array owns it now, or freed it */
        if (stpy_set(o, key[k], stpy_array_own(p, k < 3 ? r->n : r->steps)))
            return -1;
    }
    return 0;
}

PyObject *stpy_process(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    PyObject *samples = NULL, *fsobj = NULL;
    if (!PyArg_UnpackTuple(args, "process", 2, 2, &samples, &fsobj))
        return NULL;
    PyObject *a[N_ARGS], *params = NULL, *o = NULL;
    PyArrayObject *x = NULL;
    st_pipeline_config c;
    st_pipeline_result r = {0};
    st_error err = {0};
    double fs;
    if (stpy_kwargs(kw, names, a, &params, "process") || configure(a, params, &c) ||
        stpy_number(fsobj, "fs", &fs))
        goto done;
    int taps = a[TAPS] ? PyObject_IsTrue(a[TAPS]) : 1;
    if (taps < 0 || !(x = audio_of(samples)))
        goto done;
    c.keep_taps = taps;
    if (st_pipeline_check(&c, fs, &err)) {
        stpy_raise(&err);
        goto done;
    }
    st_status st;
    bool fft = c.mode != ST_RUN_STREAM;
    Py_BEGIN_ALLOW_THREADS
    if (fft)
        pthread_mutex_lock(&fft_lock);
    st = st_pipeline_run(&c, PyArray_DATA(x), (size_t)PyArray_SIZE(x), fs, &r, NULL, NULL, &err);
    if (fft)
        pthread_mutex_unlock(&fft_lock);
    Py_END_ALLOW_THREADS
    if (st) {
        stpy_raise(&err);
        goto done;
    }
    if (!(o = stpy_result_new()) || signals(o, &r, taps) ||
        stpy_set(o, "spike_times", stpy_spike_times(&r.spikes, r.dt_ms)) || describe(o, &c, &r))
        Py_CLEAR(o);
done:
    st_pipeline_result_free(&r);
    Py_XDECREF(x);
    Py_XDECREF(params);
    return o;
}
