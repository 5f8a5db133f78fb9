/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spiketalk.simulate: one neuron under a stimulus protocol, by the rules and with the messages
 * of `spiketalk simulate`, through the library's simulation loop (sim.h). */
#include "st-py.h"

#include <math.h>
#include <strings.h>

enum { PRESET, FEATURE, MODEL, INPUT, DURATION, DT, INTEGRATOR, V0, U0, RECORD, N_ARGS };

static const char *const names[] = {"preset", "feature", "model", "input", "duration", "dt",
                                    "integrator", "v0", "u0", "record", NULL};

/* The model and the preset or feature, as the command line resolves them. */
static int choose(PyObject **a, const st_model **m, const st_preset **p)
{
    const char *model = NULL, *preset = NULL, *feature = NULL;
    if ((a[MODEL] && stpy_string(a[MODEL], "--model", &model)) ||
        (a[PRESET] && stpy_string(a[PRESET], "--preset", &preset)) ||
        (a[FEATURE] && stpy_string(a[FEATURE], "--feature", &feature)))
        return -1;
    if (!(*m = stpy_model(model)))
        return -1;
    if (preset && feature) {
        stpy_fail(PyExc_ValueError, "--preset and --feature: give one of them");
        return -1;
    }
    if (feature && (*m)->id != ST_MODEL_IZH) {
        stpy_fail(PyExc_ValueError, "--feature: the 2004 features belong to model izhikevich, "
                  "not %s", (*m)->name);
        return -1;
    }
    const char *name = feature ? feature : preset;
    const char *flag = feature ? "--feature" : "--preset";
    if (name && !strcasecmp(name, "all")) {
        stpy_fail(PyExc_ValueError, "%s: 'all' is for the command line; run one preset per "
                  "call (spiketalk.presets() lists them)", flag);
        return -1;
    }
    *p = NULL;
    if (name && !(*p = stpy_find_preset(*m, name, feature ? ST_PRESET_FEATURE : ST_PRESET_CELL,
                                        flag)))
        return -1;
    return 0;
}

/* The overrides in the command line's order: parameters, --dt, --duration, --v0, --u0 (by
 * default b v0 again unless the preset gives u0), --integrator, --input; then the check. */
static int configure(PyObject **a, PyObject *params, st_sim_config *cfg, const st_preset *pre)
{
    st_error err = {0};
    const st_model *m = cfg->model;
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    while (PyDict_Next(params, &pos, &key, &val))
        if (stpy_set_param(m, &cfg->params, key, val))
            return -1;
    if ((a[DT] && stpy_number(a[DT], "--dt", &cfg->dt_ms)) ||
        (a[DURATION] && stpy_number(a[DURATION], "--duration", &cfg->duration_ms)) ||
        (a[V0] && stpy_number(a[V0], "--v0", &cfg->v0_mv)))
        return -1;
    if (a[U0]) {
        if (stpy_number(a[U0], "--u0", &cfg->u0))
            return -1;
    } else if (!(pre && !isnan(pre->u0))) {
        cfg->u0 = m->default_u0(&cfg->params, cfg->v0_mv);
    }
    const char *text;
    if (a[INTEGRATOR] && (stpy_string(a[INTEGRATOR], "--integrator", &text) ||
                          st_integrator_parse(text, &cfg->how, &err)))
        return PyErr_Occurred() ? -1 : (stpy_raise(&err), -1);
    if (a[INPUT] && (stpy_string(a[INPUT], "--input", &text) ||
                     st_stimulus_parse(text, &cfg->stim, "--input", &err)))
        return PyErr_Occurred() ? -1 : (stpy_raise(&err), -1);
    if (st_sim_check(cfg, &err)) {
        stpy_raise(&err);
        return -1;
    }
    return 0;
}

/* The settings and measures under the names of `spiketalk simulate --json`. */
static int describe(PyObject *r, const st_sim_config *cfg, const st_preset *p, size_t spikes)
{
    const st_model *m = cfg->model;
    char input[1024];
    st_stimulus_format(&cfg->stim, input, sizeof input);
    double secs = cfg->duration_ms / 1000.0;
    if (stpy_set(r, "model", PyUnicode_FromString(m->name)) ||
        stpy_set(r, "preset", stpy_str(p ? p->name : NULL)) ||
        (p && p->letter && stpy_set(r, "letter", PyUnicode_FromString(p->letter))) ||
        stpy_set(r, "title", stpy_str(p ? p->title : NULL)) ||
        stpy_set(r, "params", stpy_params_dict(m, &cfg->params)) ||
        stpy_set(r, "v0_mv", PyFloat_FromDouble(cfg->v0_mv)) ||
        stpy_set(r, "u0", PyFloat_FromDouble(cfg->u0)) ||
        stpy_set(r, "input", PyUnicode_FromString(input)) ||
        stpy_set(r, "current_unit", PyUnicode_FromString(m->current_unit)) ||
        stpy_set(r, "integrator", PyUnicode_FromString(st_integrator_name(cfg->how))) ||
        stpy_set(r, "dt_ms", PyFloat_FromDouble(cfg->dt_ms)) ||
        stpy_set(r, "duration_ms", PyFloat_FromDouble(cfg->duration_ms)) ||
        stpy_set(r, "steps", PyLong_FromUnsignedLongLong(st_sim_steps(cfg))) ||
        stpy_set(r, "spike_rule", PyUnicode_FromString(m->spike_rule)) ||
        stpy_set(r, "spike_count", PyLong_FromSize_t(spikes)) ||
        stpy_set(r, "mean_rate_hz", PyFloat_FromDouble(secs > 0 ? (double)spikes / secs : 0.0)))
        return -1;
    return 0;
}

/* Runs with the GIL released, Ctrl-C looked for after each block: the whole trace (its arrays
 * become the result's, no copy), or the spikes alone. */
static PyObject *run(const st_sim_config *cfg, const st_preset *p, bool record)
{
    st_sim_trace tr = {0};
    st_spikes sp = {0};
    st_error err = {0};
    st_status st;
    stpy_run ctl;
    stpy_run_begin(&ctl);
    st = record ? st_sim_collect_fn(cfg, stpy_poll_block, &ctl, &tr, &err)
                : st_sim_run(cfg, stpy_poll_block, &ctl, &sp, NULL, &err);
    stpy_run_end(&ctl);
    if (st) {
        st_spikes_free(&sp);
        return ctl.stopped ? NULL : stpy_raise(&err);
    }
    const st_spikes *spikes = record ? &tr.spikes : &sp;
    PyObject *r = stpy_result_new();
    /* the trace's arrays become the result's; after a failure the rest are freed */
    const char *key[4] = {"t", "v", "u", "I"};
    double *col[4] = {tr.t_ms, tr.v_mv, tr.u, tr.current};
    tr.t_ms = tr.v_mv = tr.u = tr.current = NULL;
    for (int k = 0; k < 4 && record; k++) {
        if (r && stpy_set(r, key[k], stpy_array_own(col[k], tr.n + 1)))
            Py_CLEAR(r);
        else if (!r)
            st_free(col[k]);
    }
    if (r && (stpy_set(r, "spike_times", stpy_spike_times(spikes, cfg->dt_ms)) ||
              describe(r, cfg, p, spikes->count + (size_t)spikes->dropped)))
        Py_CLEAR(r);
    st_sim_trace_free(&tr);
    st_spikes_free(&sp);
    return r;
}

PyObject *stpy_simulate(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    if (PyTuple_GET_SIZE(args)) {
        return stpy_fail(PyExc_TypeError, "simulate() takes keyword arguments only "
                         "(e.g. simulate(preset='RS'))");
    }
    PyObject *a[N_ARGS], *params = NULL, *out = NULL;
    const st_model *m;
    const st_preset *p;
    st_sim_config cfg;
    st_error err = {0};
    if (stpy_kwargs(kw, names, a, &params, "simulate") || choose(a, &m, &p))
        goto done;
    if (st_sim_config_init(&cfg, m, p, &err)) {
        stpy_raise(&err);
        goto done;
    }
    if (!p)
        p = st_preset_find(m, m->default_preset, -1);
    if (configure(a, params, &cfg, p))
        goto done;
    int record = a[RECORD] ? PyObject_IsTrue(a[RECORD]) : 1;
    if (record >= 0)
        out = run(&cfg, p, record);
done:
    Py_XDECREF(params);
    return out;
}
