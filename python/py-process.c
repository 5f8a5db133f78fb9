/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spiketalk.process: a sound through the pipeline, configured by the rules and with the
 * messages of `spiketalk process` (its flags as keywords), run by the library's one engine
 * (st_pipeline_run), offline or, with block=N, streaming. */
#include "st-py.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "spiketalk/options.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/report.h"

enum {
    RECIPE, PRESET, MODEL, BLOCK, GATE, GATE_K, GATE_WINDOW, GATE_THR, RECTIFY, ENVELOPE, SMOOTH,
    GAIN, NORMALIZE, PEAK_RELEASE, INTEGRATOR, DT, DECIMATE, V0, U0, SONIFY, TAPS, N_ARGS
};

static const char *const names[] = {
    "recipe", "preset", "model", "block", "gate", "gate_k", "gate_window", "gate_thr",
    "rectify", "envelope", "smooth", "gain", "normalize", "peak_release", "integrator", "dt",
    "decimate", "v0", "u0", "sonify", "taps", NULL};

/* The command line's text for keyword 'k' into *out: strings as they are, numbers as Python
 * writes them (the shortest text that reads back as the same double), the gate's True and
 * False as on and off. 'keep' holds the text objects until the configuration is made. */
static int option_text(PyObject *o, const char *flag, bool number, PyObject *keep,
                       const char **out)
{
    PyObject *t = NULL;
    if (!strcmp(flag, "--gate") && PyBool_Check(o)) {
        t = PyUnicode_FromString(o == Py_True ? "on" : "off");
    } else if (number) {
        if (stpy_number_type(o, flag))
            return -1;
        if (PyLong_Check(o)) {
            t = PyObject_Str(o);
        } else {
            PyObject *f = PyNumber_Float(o);
            t = f ? PyObject_Repr(f) : NULL;
            Py_XDECREF(f);
        }
    } else {
        if (stpy_string(o, flag, out))
            return -1;
        return 0;
    }
    if (!t || PyList_Append(keep, t)) {
        Py_XDECREF(t);
        return -1;
    }
    Py_DECREF(t);
    return (*out = PyUnicode_AsUTF8(t)) ? 0 : -1;
}

/* The configuration `spiketalk process [--block N] FLAGS` makes: the same options, the same
 * library rules (options.h), the same messages. */
static int configure(PyObject **a, PyObject *params, st_pipeline_config *c)
{
    static const struct {
        int arg;
        const char *flag;
        bool number;
        size_t offset;
    } map[] = {
#define OPT(ARG, FLAG, NUM, FIELD) {ARG, FLAG, NUM, offsetof(st_pipeline_options, FIELD)}
        OPT(RECIPE, "--recipe", false, recipe), OPT(GATE, "--gate", false, gate),
        OPT(GATE_K, "--gate-k", true, gate_k), OPT(GATE_WINDOW, "--gate-window", true, gate_window),
        OPT(GATE_THR, "--gate-thr", true, gate_thr), OPT(RECTIFY, "--rectify", false, rectify),
        OPT(ENVELOPE, "--envelope", false, envelope), OPT(SMOOTH, "--smooth", true, smooth),
        OPT(GAIN, "--gain", true, gain), OPT(NORMALIZE, "--normalize", false, normalize),
        OPT(PEAK_RELEASE, "--peak-release", true, peak_release),
        OPT(MODEL, "--model", false, model), OPT(PRESET, "--preset", false, preset),
        OPT(INTEGRATOR, "--integrator", false, integrator), OPT(DT, "--dt", true, dt),
        OPT(DECIMATE, "--decimate", true, decimate), OPT(V0, "--v0", true, v0),
        OPT(U0, "--u0", true, u0), OPT(SONIFY, "--sonify", false, sonify),
#undef OPT
    };
    st_pipeline_options o = {0};
    size_t block = 0;
    int rc = -1;
    st_error err = {0};
    PyObject *keep = PyList_New(0);
    if (!keep || (a[BLOCK] && stpy_count(a[BLOCK], "--block", 1, &block)))
        goto done;
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (a[map[k].arg] && option_text(a[map[k].arg], map[k].flag, map[k].number, keep,
                                         (const char **)((char *)&o + map[k].offset)))
            goto done;
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    while (PyDict_Next(params, &pos, &key, &val)) {
        if (o.n_params == ST_MAX_PARAM_OPTIONS) {
            stpy_fail(PyExc_ValueError, "too many model parameters");
            goto done;
        }
        const char *name = PyUnicode_AsUTF8(key);
        char flag[96];
        snprintf(flag, sizeof flag, "--%s", name ? name : "?");
        if (!name || option_text(val, flag, true, keep, &o.param_value[o.n_params]))
            goto done;
        o.param_name[o.n_params++] = name;
    }
    if (st_pipeline_configure(&o, block > 0, c, &err)) {
        stpy_raise(&err);
        goto done;
    }
    c->block = block;
    rc = 0;
done:
    Py_XDECREF(keep);
    return rc;
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

/* The settings and results under the names of `spiketalk process --json`, from the library's
 * one report (report.h), parsed by Python's json module (the envelope's kind as
 * 'envelope_mode': 'envelope' is the signal; the spike times are the array 'spike_times'). */
typedef struct process_report {
    const st_pipeline_config *c;
    const st_pipeline_result *r;
} process_report;

static void write_report(st_json *j, const void *ud)
{
    const process_report *p = ud;
    st_report_pipeline(j, p->c, p->r);
}

static int describe(PyObject *o, const st_pipeline_config *c, const st_pipeline_result *r)
{
    PyObject *d = stpy_report(write_report, &(process_report){c, r});
    if (!d)
        return -1;
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    int rc = stpy_set(o, "fs_hz", PyFloat_FromDouble(r->fs_hz));
    while (!rc && PyDict_Next(d, &pos, &key, &val)) {
        const char *k = PyUnicode_AsUTF8(key);
        if (!k || !strcmp(k, "spike_times_ms"))
            continue;
        Py_INCREF(val);
        rc = stpy_set(o, strcmp(k, "envelope") ? k : "envelope_mode", val);
    }
    Py_DECREF(d);
    return rc;
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
    double *g; /* the gate's threshold at each step, as the trace's last column */
    PyObject *ga = stpy_array_new(r->steps, &g);
    for (size_t k = 0; ga && k < r->steps; k++)
        g[k] = st_pipeline_gate_at(r, st_pipeline_sample(r, k));
    if (stpy_set(o, "gate_thresholds", ga))
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
    if (fft) /* runs that plan FFTs take turns (stpy_fft_lock); streams need no turn */
        stpy_fft_lock();
    st = st_pipeline_run(&c, PyArray_DATA(x), (size_t)PyArray_SIZE(x), fs, &r, NULL, NULL, &err);
    if (fft)
        stpy_fft_unlock();
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
