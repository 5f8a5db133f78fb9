/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spiketalk.hh and spiketalk.axon: the Hodgkin-Huxley point neuron, its f-I curve and the
 * propagated action potential, by the rules and with the messages of `spiketalk hh` and
 * `spiketalk axon`. */
#include "st-py.h"
#include "spiketalk/hh-protocol.h"

#include <math.h>
#include <string.h>

/* The point neuron's defaults, as `spiketalk hh` has them. */
#define HH_INPUT "step:onset=10,amp=10"
#define HH_DURATION_MS 100.0
#define HH_DT_MS 0.01
#define HH_V0_MV (-65.0)
#define MAX_STEPS 1099511627776.0 /* 2^40 */
/* Columns of the point neuron's trace, in the library's order (hh-protocol.h). */
#define N_COLS ST_HH_COLS
static const char *const col_names[N_COLS] = {"t", "I", "v", "m", "h", "n", "INa", "IK", "IL"};

/* ---- hh ------------------------------------------------------------------------------------------ */

enum { H_INPUT, H_DURATION, H_DT, H_TEMPERATURE, H_INTEGRATOR, H_V0, H_RECORD, H_FI, H_N };
static const char *const hh_names[] = {"input", "duration", "dt", "temperature", "integrator",
                                       "v0", "record", "fi", NULL};

typedef struct hh_run {
    st_hh_params p;
    st_integrator how;
    double dt_ms, duration_ms, v0_mv;
    st_stimulus stim;
    uint64_t steps;
    double fi[3];   /* --fi FROM:TO:STEP, uA/cm^2 */
    size_t fi_n;    /* its currents; 0: a single run */
} hh_run;

static void warn_temperature(double t_c)
{
    if (t_c > ST_HH_TEMP_WARN_C || t_c < 0.0)
        PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                         "--temperature %g degrees C is outside any physiological range; the "
                         "rates are %.3g times those at 6.3 degrees C",
                         t_c, pow(3.0, (t_c - 6.3) / 10.0));
}

/* The membrane keywords (the registry's hh table less the temperature, which has its own). */
static int membrane(PyObject *params, st_hh_params *p)
{
    const st_model *m = st_model_get(ST_MODEL_HH);
    st_model_params mp = {.hh = *p};
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    while (PyDict_Next(params, &pos, &key, &val)) {
        const char *k = PyUnicode_AsUTF8(key);
        if (!k)
            return -1;
        if (!strcmp(k, "temperature") || !st_param_find(m, k)) {
            stpy_fail(PyExc_ValueError, "--%s: unknown option (see 'spiketalk hh --help')", k);
            return -1;
        }
        if (stpy_set_param(m, &mp, key, val))
            return -1;
    }
    *p = mp.hh;
    return 0;
}

/* fi=(FROM, TO, STEP) as --fi FROM:TO:STEP: the values as the command line's text (joined by
 * ':' and quoted in the messages as it quotes them), the grid's checks the library's
 * (st_hh_fi_grid). */
static int fi_grid(PyObject *o, hh_run *c)
{
    if (!PySequence_Check(o) || PyUnicode_Check(o))
        return stpy_fail(PyExc_TypeError, "--fi: expected (FROM, TO, STEP) in uA/cm^2, got %s",
                         Py_TYPE(o)->tp_name), -1;
    PyObject *seq = PySequence_Fast(o, "--fi: expected (FROM, TO, STEP)");
    PyObject *sep = PyUnicode_FromString(":"), *parts = PyList_New(0), *text = NULL;
    int rc = seq && sep && parts ? 0 : -1;
    Py_ssize_t n = rc ? 0 : PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t k = 0; !rc && k < n; k++) {
        PyObject *x = PySequence_Fast_GET_ITEM(seq, k), *t = stpy_number_text(x, "--fi");
        rc = !t || PyList_Append(parts, t) ? -1 : 0;
        Py_XDECREF(t);
        if (!rc && k < 3 && stpy_number(x, "--fi", &c->fi[k]))
            rc = -1;
    }
    const char *u = !rc && (text = PyUnicode_Join(sep, parts)) ? PyUnicode_AsUTF8(text) : NULL;
    st_error err = {0};
    if (rc || !u)
        rc = -1;
    else if (n == 0)
        rc = (stpy_fail(PyExc_ValueError, "--fi: needs a number"), -1);
    else if (n > 3)
        rc = (stpy_fail(PyExc_ValueError, "--fi: '%s' has more than 3 values", u), -1);
    else if (n < 3)
        rc = (stpy_fail(PyExc_ValueError, "--fi: '%s' is not FROM:TO:STEP (e.g. 0:20:1, in "
                        "uA/cm^2)", u), -1);
    else if (st_hh_fi_grid(u, c->fi[0], c->fi[1], c->fi[2], c->dt_ms, &c->fi_n, &err))
        rc = (stpy_raise(&err), -1);
    Py_XDECREF(text);
    Py_XDECREF(parts);
    Py_XDECREF(sep);
    Py_XDECREF(seq);
    return rc;
}

/* The configuration of `spiketalk hh` (cmd-hh.c: build_config). */
static int hh_configure(PyObject **a, PyObject *params, hh_run *c)
{
    st_error err = {0};
    memset(c, 0, sizeof *c);
    c->p = st_hh_params_default();
    c->how = ST_INT_RK4;
    c->dt_ms = HH_DT_MS;
    c->duration_ms = a[H_FI] ? ST_HH_FI_STEP_MS : HH_DURATION_MS;
    c->v0_mv = HH_V0_MV;
    if (membrane(params, &c->p) ||
        (a[H_TEMPERATURE] && stpy_number(a[H_TEMPERATURE], "--temperature",
                                         &c->p.temperature_c)))
        return -1;
    if (st_hh_prepare(&c->p, &err))
        return stpy_raise(&err), -1;
    if ((a[H_DT] && stpy_number(a[H_DT], "--dt", &c->dt_ms)) ||
        (a[H_DURATION] && stpy_number(a[H_DURATION], "--duration", &c->duration_ms)) ||
        (a[H_V0] && stpy_number(a[H_V0], "--v0", &c->v0_mv)))
        return -1;
    if (!(c->dt_ms > 0))
        return stpy_fail(PyExc_ValueError, "--dt: must be a finite number > 0 ms (got %g)",
                         c->dt_ms), -1;
    if (!(c->duration_ms >= 0))
        return stpy_fail(PyExc_ValueError, "--duration: must be a finite number >= 0 ms (got %g)",
                         c->duration_ms), -1;
    if (!a[H_FI] && c->duration_ms / c->dt_ms > MAX_STEPS)
        return stpy_fail(PyExc_ValueError, "--duration: %g ms at --dt %g ms is more than 2^40 "
                         "steps", c->duration_ms, c->dt_ms), -1;
    const char *how;
    if (a[H_INTEGRATOR] && (stpy_string(a[H_INTEGRATOR], "--integrator", &how) ||
                            st_integrator_parse(how, &c->how, &err)))
        return PyErr_Occurred() ? -1 : (stpy_raise(&err), -1);
    if (!st_hh_offers(c->how))
        return stpy_fail(PyExc_ValueError, "--integrator: %s is not offered by the HH model "
                         "(choose rk4, rush-larsen or euler)", st_integrator_name(c->how)), -1;
    if (a[H_FI] && (a[H_INPUT] || a[H_DURATION]))
        return stpy_fail(PyExc_ValueError, "--fi: runs its own %g ms steps; --input and "
                         "--duration do not apply", ST_HH_FI_STEP_MS), -1;
    if (a[H_FI])
        return fi_grid(a[H_FI], c);
    const char *text = HH_INPUT;
    if (a[H_INPUT] && stpy_string(a[H_INPUT], "--input", &text))
        return -1;
    if (st_stimulus_parse(text, &c->stim, "--input", &err))
        return stpy_raise(&err), -1;
    c->steps = (uint64_t)llround(c->duration_ms / c->dt_ms);
    return 0;
}

/* Each time point of the library's run (hh-protocol.h) into the result's arrays. */
typedef struct cols {
    double *const *col;
    size_t k;
} cols;

static int put_row(void *ud, const double row[ST_HH_COLS], st_error *err)
{
    (void)err;
    cols *c = ud;
    for (int j = 0; j < ST_HH_COLS; j++)
        c->col[j][c->k] = row[j];
    c->k++;
    return 0;
}

/* What the library runs, Ctrl-C looked for after each block of steps. */
static st_hh_run_config run_config(const hh_run *c, stpy_run *ctl)
{
    return (st_hh_run_config){.p = c->p, .how = c->how, .dt_ms = c->dt_ms, .v0_mv = c->v0_mv,
                              .on_steps = stpy_poll_steps, .steps_ud = ctl};
}

/* The run of `spiketalk hh` ('col' NULL: spikes only), with the GIL released. */
static st_status hh_loop(const hh_run *c, double *const *col, st_hh_spikes *sp, stpy_run *ctl,
                         st_error *err)
{
    st_hh_run_config rc = run_config(c, ctl);
    cols k = {col, 0};
    stpy_run_begin(ctl);
    st_status st = st_hh_run(&rc, &c->stim, c->duration_ms, sp, col ? put_row : NULL, &k, err);
    stpy_run_end(ctl);
    return st;
}

/* The settings both kinds of run report, as `spiketalk hh --json` names them. */
static int hh_settings(PyObject *r, const hh_run *c)
{
    const st_model *m = st_model_get(ST_MODEL_HH);
    st_model_params mp = {.hh = c->p};
    PyObject *params = PyDict_New();
    for (size_t i = 0; params && i < m->n_params; i++)
        if (strcmp(m->params[i].name, "temperature") &&
            stpy_set(params, m->params[i].name,
                     PyFloat_FromDouble(st_param_get(&mp, &m->params[i]))))
            Py_CLEAR(params);
    if (stpy_set(r, "model", PyUnicode_FromString("hh")) ||
        stpy_set(r, "title", PyUnicode_FromString("Hodgkin-Huxley (1952) point neuron, "
                                                  "NEURON's hh parameters")) ||
        stpy_set(r, "params", params) ||
        stpy_set(r, "temperature_c", PyFloat_FromDouble(c->p.temperature_c)) ||
        stpy_set(r, "phi", PyFloat_FromDouble(c->p.derived.phi)) ||
        stpy_set(r, "v0_mv", PyFloat_FromDouble(c->v0_mv)) ||
        stpy_set(r, "current_unit", PyUnicode_FromString("uA/cm^2")) ||
        stpy_set(r, "integrator", PyUnicode_FromString(st_integrator_name(c->how))) ||
        stpy_set(r, "dt_ms", PyFloat_FromDouble(c->dt_ms)) ||
        stpy_set(r, "spike_rule",
                 PyUnicode_FromString("upward crossing of 0 mV, time interpolated")))
        return -1;
    return 0;
}

static int hh_describe(PyObject *r, const hh_run *c, const st_hh_spikes *sp)
{
    char input[1024];
    st_stimulus_format(&c->stim, input, sizeof input);
    size_t count = sp->count + (size_t)sp->dropped;
    double rate = c->duration_ms > 0 ? (double)sp->count / (c->duration_ms / 1000.0) : 0.0;
    if (hh_settings(r, c) ||
        stpy_set(r, "input", PyUnicode_FromString(input)) ||
        stpy_set(r, "duration_ms", PyFloat_FromDouble(c->duration_ms)) ||
        stpy_set(r, "steps", PyLong_FromUnsignedLongLong(c->steps)) ||
        stpy_set(r, "spike_count", PyLong_FromSize_t(count)) ||
        stpy_set(r, "mean_rate_hz", PyFloat_FromDouble(rate)))
        return -1;
    return 0;
}

/* ---- the f-I curve ------------------------------------------------------------------------------- */

/* One point of the curve as `spiketalk hh --fi --json` writes it; its spike times are handed
 * over to the array (no copy). */
static PyObject *fi_point(st_hh_fi_point *pt)
{
    const char *pattern = st_hh_fi_pattern(&pt->spikes);
    size_t n = pt->spikes.count;
    PyObject *times = stpy_array_own(pt->spikes.t_ms, n); /* frees them on failure */
    pt->spikes.t_ms = NULL;
    pt->spikes.cap = pt->spikes.count = 0;
    PyObject *d = times ? PyDict_New() : NULL;
    if (d && !stpy_set(d, "I_uA_cm2", PyFloat_FromDouble(pt->I_ua_cm2)) &&
        !stpy_set(d, "spike_count", PyLong_FromSize_t(n)) &&
        !stpy_set(d, "rate_hz", PyFloat_FromDouble(pt->rate_hz)) &&
        !stpy_set(d, "steady_rate_hz", PyFloat_FromDouble(pt->steady_hz)) &&
        !stpy_set(d, "pattern", PyUnicode_FromString(pattern)))
        return stpy_set(d, "spike_times_ms", times) ? (Py_DECREF(d), NULL) : d;
    Py_XDECREF(times);
    Py_XDECREF(d);
    return NULL;
}

/* The curve under the names of `spiketalk hh --fi --json`, and its columns as arrays: I
 * (uA/cm^2), rate_hz, steady_rate_hz and spike_counts, one value per current. */
static int fi_describe(PyObject *r, const hh_run *c, st_hh_fi *fi)
{
    double *I, *rate, *steady;
    npy_intp dims[1] = {(npy_intp)fi->n};
    PyObject *points = PyList_New((Py_ssize_t)fi->n);
    PyObject *Ia = stpy_array_new(fi->n, &I), *ra = stpy_array_new(fi->n, &rate);
    PyObject *sa = stpy_array_new(fi->n, &steady);
    PyObject *na = PyArray_SimpleNew(1, dims, NPY_INT64);
    int rc = points && Ia && ra && sa && na ? 0 : -1;
    for (size_t k = 0; !rc && k < fi->n; k++) {
        const st_hh_fi_point *pt = &fi->pts[k];
        I[k] = pt->I_ua_cm2;
        rate[k] = pt->rate_hz;
        steady[k] = pt->steady_hz;
        ((int64_t *)PyArray_DATA((PyArrayObject *)na))[k] = (int64_t)pt->spikes.count;
        PyObject *d = fi_point(&fi->pts[k]);
        if (!d)
            rc = -1;
        else
            PyList_SET_ITEM(points, (Py_ssize_t)k, d);
    }
    if (rc || hh_settings(r, c) ||
        stpy_set(r, "fi_step_ms", PyFloat_FromDouble(ST_HH_FI_STEP_MS)) ||
        stpy_set(r, "fi_from_uA_cm2", PyFloat_FromDouble(c->fi[0])) ||
        stpy_set(r, "fi_to_uA_cm2", PyFloat_FromDouble(c->fi[1])) ||
        stpy_set(r, "fi_step_uA_cm2", PyFloat_FromDouble(c->fi[2])) ||
        (Py_INCREF(points), stpy_set(r, "fi", points)) ||
        stpy_set(r, "fi_threshold_single_uA_cm2", PyFloat_FromDouble(fi->threshold_single)) ||
        stpy_set(r, "fi_threshold_repetitive_uA_cm2",
                 PyFloat_FromDouble(fi->threshold_repetitive)) ||
        stpy_set(r, "fi_threshold_tolerance_uA_cm2", PyFloat_FromDouble(ST_HH_FI_TOL)) ||
        stpy_set(r, "fi_single_definition",
                 PyUnicode_FromString("at least 1 spike in the 500 ms step")) ||
        stpy_set(r, "fi_repetitive_definition",
                 PyUnicode_FromString("at least 2 spikes, the last in the final 100 ms of the "
                                      "500 ms step")) ||
        (Py_INCREF(Ia), stpy_set(r, "I", Ia)) || (Py_INCREF(ra), stpy_set(r, "rate_hz", ra)) ||
        (Py_INCREF(sa), stpy_set(r, "steady_rate_hz", sa)) ||
        (Py_INCREF(na), stpy_set(r, "spike_counts", na)))
        rc = -1;
    Py_XDECREF(points);
    Py_XDECREF(Ia);
    Py_XDECREF(ra);
    Py_XDECREF(sa);
    Py_XDECREF(na);
    return rc;
}

/* `spiketalk hh --fi`: the library's curve (st_hh_fi_curve), Ctrl-C looked for as it runs. */
static int fi_run(const hh_run *c, PyObject *r)
{
    stpy_run ctl;
    st_hh_run_config rc = run_config(c, &ctl);
    st_hh_fi fi;
    st_error err = {0};
    stpy_run_begin(&ctl);
    st_status st = st_hh_fi_curve(&rc, c->fi[0], c->fi[2], c->fi_n, &fi, &err);
    stpy_run_end(&ctl);
    if (st)
        return ctl.stopped ? -1 : (stpy_raise(&err), -1);
    int rcode = fi_describe(r, c, &fi);
    st_hh_fi_free(&fi);
    return rcode;
}

PyObject *stpy_hh(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    if (PyTuple_GET_SIZE(args))
        return stpy_fail(PyExc_TypeError, "hh() takes keyword arguments only");
    PyObject *a[H_N], *params = NULL, *r = NULL;
    hh_run c;
    st_hh_spikes sp = {0};
    st_error err = {0};
    if (stpy_kwargs(kw, hh_names, a, &params, "hh") || hh_configure(a, params, &c))
        goto done;
    int record = a[H_RECORD] ? PyObject_IsTrue(a[H_RECORD]) : 1;
    if (record < 0 || !(r = stpy_result_new()))
        goto done;
    warn_temperature(c.p.temperature_c);
    if (PyErr_Occurred()) /* warnings turned into errors */
        goto fail;
    if (c.fi_n) {
        if (fi_run(&c, r))
            goto fail;
        goto done;
    }
    double *col[N_COLS];
    if (c.steps + 1 > (uint64_t)PY_SSIZE_T_MAX / sizeof(double)) {
        stpy_fail(PyExc_MemoryError, "hh: %llu steps are too many to keep; record=False keeps "
                  "only the spikes", (unsigned long long)c.steps);
        goto fail;
    }
    for (int k = 0; record && k < N_COLS; k++)
        if (stpy_set(r, col_names[k], stpy_array_new((size_t)c.steps + 1, &col[k])))
            goto fail;
    stpy_run ctl;
    if (hh_loop(&c, record ? col : NULL, &sp, &ctl, &err)) {
        if (!ctl.stopped)
            stpy_raise(&err);
        goto fail;
    }
    double *times = sp.t_ms;
    size_t count = sp.count;
    sp.t_ms = NULL; /* the array owns it now */
    if (stpy_set(r, "spike_times", stpy_array_own(times, count)) || hh_describe(r, &c, &sp))
        goto fail;
    goto done;
fail:
    Py_CLEAR(r);
done:
    st_hh_spikes_free(&sp);
    Py_XDECREF(params);
    return r;
}

/* ---- axon ---------------------------------------------------------------------------------------- */

#define MAX_AT 8

enum {
    A_DIAMETER, A_LENGTH, A_RA, A_TEMPERATURE, A_DX, A_COMPARTMENTS, A_DT, A_STIMULUS,
    A_DURATION, A_SCHEME, A_AT, A_RECORD, A_N
};
static const char *const axon_names[] = {"diameter_um", "length_mm", "ra", "temperature",
                                         "dx_um", "compartments", "dt", "stimulus", "duration",
                                         "scheme", "at", "record", NULL};

/* What the run records: v at the probes every step into the result's arrays. */
typedef struct axon_rec {
    size_t n_at;
    double at_mm[MAX_AT];
    st_cable_probe pr[MAX_AT];
    double *t, *v;        /* steps + 1, and (steps + 1) x n_at; NULL: nothing kept */
} axon_rec;

/* The grid of `spiketalk axon` (cmd-axon.c: grid): --compartments, or --dx-um. */
static int grid(PyObject **a, st_cable_config *c)
{
    if (a[A_DX] && a[A_COMPARTMENTS])
        return stpy_fail(PyExc_ValueError, "--dx-um and --compartments: give one of them"), -1;
    double x;
    if (a[A_COMPARTMENTS]) {
        if (stpy_number(a[A_COMPARTMENTS], "--compartments", &x))
            return -1;
        if (!(x >= 1 && x <= ST_CABLE_MAX_COMPARTMENTS) || x != floor(x))
            return stpy_fail(PyExc_ValueError, "--compartments: must be a whole number from 1 "
                             "to %u (got %g)", ST_CABLE_MAX_COMPARTMENTS, x), -1;
        c->cable.compartments = (size_t)x;
    } else if (a[A_DX]) {
        double len_um = c->cable.length_mm * 1000.0;
        if (stpy_number(a[A_DX], "--dx-um", &x))
            return -1;
        if (!(x > 0))
            return stpy_fail(PyExc_ValueError, "--dx-um: must be a finite number > 0 um (got "
                             "%g)", x), -1;
        if (x > len_um)
            return stpy_fail(PyExc_ValueError, "--dx-um: %g um is longer than the axon (%g um)",
                             x, len_um), -1;
        double n = round(len_um / x);
        if (n > ST_CABLE_MAX_COMPARTMENTS)
            return stpy_fail(PyExc_ValueError, "--dx-um: %g um gives %.0f compartments; at "
                             "most %u", x, n, ST_CABLE_MAX_COMPARTMENTS), -1;
        c->cable.compartments = (size_t)fmax(n, 1.0);
    } else {
        double n = round(c->cable.length_mm * 10.0); /* the default dx, 100 um */
        c->cable.compartments = (size_t)fmin(fmax(n, (double)ST_CABLE_MIN_COMPARTMENTS),
                                             (double)ST_CABLE_MAX_COMPARTMENTS);
    }
    return 0;
}

/* A number or a sequence of at most 'max' numbers, each as --FLAG's. Returns the count. */
static int numbers(PyObject *o, const char *flag, double *x, int max)
{
    if (PyNumber_Check(o) && !PyUnicode_Check(o))
        return stpy_number(o, flag, &x[0]) ? -1 : 1;
    PyObject *seq = PySequence_Fast(o, "expected a number or a sequence of numbers");
    if (!seq)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    int rc = (int)n;
    if (n == 0)
        rc = (stpy_fail(PyExc_ValueError, "%s: needs a number", flag), -1);
    else if (n > max)
        rc = (stpy_fail(PyExc_ValueError, "%s: more than %d values", flag, max), -1);
    for (Py_ssize_t i = 0; rc > 0 && i < n; i++)
        if (stpy_number(PySequence_Fast_GET_ITEM(seq, i), flag, &x[i]))
            rc = -1;
    Py_DECREF(seq);
    return rc;
}

/* The configuration of `spiketalk axon` (cmd-axon.c: build_config). */
static int axon_configure(PyObject **a, st_cable_config *c, axon_rec *r)
{
    st_error err = {0};
    *c = st_cable_config_default();
    const struct { int i; const char *flag; double *dst; } num[] = {
        {A_DIAMETER, "--diameter-um", &c->cable.diameter_um},
        {A_LENGTH, "--length-mm", &c->cable.length_mm},
        {A_RA, "--ra", &c->cable.ra_ohm_cm},
        {A_TEMPERATURE, "--temperature", &c->cable.hh.temperature_c},
        {A_DT, "--dt", &c->dt_ms},
        {A_DURATION, "--duration", &c->duration_ms}};
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++)
        if (a[num[i].i] && stpy_number(a[num[i].i], num[i].flag, num[i].dst))
            return -1;
    if (st_cable_check(&c->cable, &err))
        return stpy_raise(&err), -1;
    if (grid(a, c))
        return -1;
    if (a[A_STIMULUS]) {
        double s[2] = {0.0, c->stim_ms};
        if (numbers(a[A_STIMULUS], "--stimulus", s, 2) < 0)
            return -1;
        c->stim_ua = s[0];
        c->stim_ms = s[1];
    }
    const char *scheme;
    if (a[A_SCHEME] && (stpy_string(a[A_SCHEME], "--scheme", &scheme) ||
                        st_cable_scheme_parse(scheme, &c->scheme, &err)))
        return PyErr_Occurred() ? -1 : (stpy_raise(&err), -1);
    if (st_cable_config_check(c, &err))
        return stpy_raise(&err), -1;
    double len = c->cable.length_mm;
    r->n_at = 3;
    for (int k = 0; k < 3; k++)
        r->at_mm[k] = len * (k + 1) / 4.0;
    if (a[A_AT]) {
        int n = numbers(a[A_AT], "--at", r->at_mm, MAX_AT);
        if (n < 0)
            return -1;
        r->n_at = (size_t)n;
        for (int k = 0; k < n; k++)
            if (!(r->at_mm[k] >= 0 && r->at_mm[k] <= len))
                return stpy_fail(PyExc_ValueError, "--at: %g mm lies outside the axon (0 to %g "
                                 "mm)", r->at_mm[k], len), -1;
    }
    return 0;
}

static int on_step(void *ud, uint64_t j, const st_cable *c, st_error *err)
{
    (void)err;
    axon_rec *r = ud;
    if (j == 0)
        for (size_t k = 0; k < r->n_at; k++)
            r->pr[k] = st_cable_probe_at(c, r->at_mm[k]);
    r->t[j] = (double)j * c->dt_ms;
    for (size_t k = 0; k < r->n_at; k++)
        r->v[j * r->n_at + k] = st_cable_probe_v(c, &r->pr[k]);
    return 0;
}

/* The settings and measures under the names of `spiketalk axon --json`. */
static int axon_describe(PyObject *o, const st_cable_config *c, const st_cable_result *res)
{
    const st_cable_params *p = &c->cable;
    PyObject *points = PyList_New(3);
    for (int k = 0; points && k < 3; k++) {
        bool crossed = !isnan(res->t_cross_ms[k]);
        PyObject *d = PyDict_New(), *t = crossed ? Py_BuildValue("[d]", res->t_cross_ms[k])
                                                 : PyList_New(0);
        bool ok = d && !stpy_set(d, "x_mm", PyFloat_FromDouble(res->x_mm[k]));
        if (ok && !stpy_set(d, "spike_times_ms", t)) { /* steals 't' */
            PyList_SET_ITEM(points, k, d);
            continue;
        }
        if (!ok)
            Py_XDECREF(t);
        Py_XDECREF(d);
        Py_CLEAR(points);
    }
    if (stpy_set(o, "model", PyUnicode_FromString("hh-cable")) ||
        stpy_set(o, "diameter_um", PyFloat_FromDouble(p->diameter_um)) ||
        stpy_set(o, "length_mm", PyFloat_FromDouble(p->length_mm)) ||
        stpy_set(o, "ra_ohm_cm", PyFloat_FromDouble(p->ra_ohm_cm)) ||
        stpy_set(o, "temperature_c", PyFloat_FromDouble(p->hh.temperature_c)) ||
        stpy_set(o, "compartments", PyLong_FromSize_t(p->compartments)) ||
        stpy_set(o, "dx_um", PyFloat_FromDouble(p->length_mm * 1000.0 /
                                                (double)p->compartments)) ||
        stpy_set(o, "dt_ms", PyFloat_FromDouble(c->dt_ms)) ||
        stpy_set(o, "duration_ms", PyFloat_FromDouble(c->duration_ms)) ||
        stpy_set(o, "steps", PyLong_FromUnsignedLongLong(res->steps)) ||
        stpy_set(o, "scheme", PyUnicode_FromString(st_cable_scheme_name(c->scheme))) ||
        stpy_set(o, "stimulus_ua", PyFloat_FromDouble(c->stim_ua)) ||
        stpy_set(o, "stimulus_ms", PyFloat_FromDouble(c->stim_ms)) ||
        stpy_set(o, "conducted", PyBool_FromLong(res->conducted)) ||
        stpy_set(o, "velocity_m_s", PyFloat_FromDouble(res->velocity_m_s)) ||
        stpy_set(o, "rest_mv", PyFloat_FromDouble(res->rest_mv)) ||
        stpy_set(o, "peak_mv", PyFloat_FromDouble(res->peak_mv)) ||
        stpy_set(o, "width_ms", PyFloat_FromDouble(res->width_ms)) ||
        stpy_set(o, "shape_x_mm", PyFloat_FromDouble(res->x_mm[1])) ||
        stpy_set(o, "points", points))
        return -1;
    return 0;
}

/* The result's trace arrays: t (steps + 1) and v (steps + 1 rows, one column per probe). */
static int axon_arrays(PyObject *o, const st_cable_config *c, axon_rec *r)
{
    uint64_t steps = (uint64_t)llround(c->duration_ms / c->dt_ms);
    if ((steps + 1) * r->n_at > (uint64_t)PY_SSIZE_T_MAX / sizeof(double))
        return stpy_fail(PyExc_MemoryError, "axon: %llu steps are too many to keep; "
                         "record=False keeps only the measures", (unsigned long long)steps), -1;
    npy_intp dims[2] = {(npy_intp)steps + 1, (npy_intp)r->n_at};
    PyObject *v = PyArray_SimpleNew(2, dims, NPY_FLOAT64);
    if (stpy_set(o, "t", stpy_array_new((size_t)steps + 1, &r->t)) || !v)
        return Py_XDECREF(v), -1;
    r->v = PyArray_DATA((PyArrayObject *)v);
    double *at;
    PyObject *ata = stpy_array_new(r->n_at, &at);
    for (size_t k = 0; ata && k < r->n_at; k++)
        at[k] = r->at_mm[k];
    return stpy_set(o, "v", v) || stpy_set(o, "at_mm", ata) ? -1 : 0;
}

PyObject *stpy_axon(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    if (PyTuple_GET_SIZE(args))
        return stpy_fail(PyExc_TypeError, "axon() takes keyword arguments only");
    PyObject *a[A_N], *o = NULL;
    st_cable_config c;
    axon_rec r = {0};
    st_cable_result res;
    st_error err = {0};
    if (stpy_kwargs(kw, axon_names, a, NULL, "axon") || axon_configure(a, &c, &r))
        return NULL;
    int record = a[A_RECORD] ? PyObject_IsTrue(a[A_RECORD]) : 1;
    if (record < 0 || !(o = stpy_result_new()))
        return NULL;
    warn_temperature(c.cable.hh.temperature_c);
    if (PyErr_Occurred() || (record && axon_arrays(o, &c, &r)))
        goto fail;
    st_status st;
    Py_BEGIN_ALLOW_THREADS
    st = st_cable_run(&c, record ? on_step : NULL, &r, &res, &err);
    Py_END_ALLOW_THREADS
    if (st) {
        stpy_raise(&err);
        goto fail;
    }
    if (axon_describe(o, &c, &res))
        goto fail;
    return o;
fail:
    Py_XDECREF(o);
    return NULL;
}
