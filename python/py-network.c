/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spiketalk.network: the published networks of Izhikevich neurons, by the rules and with the
 * messages of `spiketalk network` (its flags as keywords, st_net_configure), on threads in this
 * process, with the command's report (st_report_network) and the spikes as arrays. */
#include "st-py.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spiketalk/report.h"

/* Pieces of a run between looks for Ctrl-C: doubled while one takes under PIECE_LO_S, halved
 * over PIECE_HI_S (a run gives the same spikes however it is split). */
#define PIECE_LO_S 0.005
#define PIECE_HI_S 0.02
#define PIECE_MAX_STEPS 65536u

enum { NET, NEURONS, SYNAPSES, DURATION, SEED, THREADS, DRIVE, DRIVE_MODE, MODEL, N_ARGS };

static const char *const names[] = {"net",   "neurons", "synapses",   "duration", "seed",
                                    "threads", "drive", "drive_mode", "model",    NULL};

/* ---- the configuration ------------------------------------------------------------------------ */

typedef struct net_run {
    st_net_config cfg;
    uint64_t steps;
    double duration_ms;
    PyArrayObject *drive;   /* NULL, one current per neuron, or one row of them per step */
    bool per_step;          /* drive has a row per step */
    st_net_drive mode;
} net_run;

/* A whole number for FLAG as the command line's text: an integer as str() writes it, anything
 * else as its text, which the library then refuses as the command line would ("'2.5' is not a
 * whole number"). */
static PyObject *whole_text(PyObject *o, const char *flag)
{
    if (PyFloat_Check(o) || PyIndex_Check(o))
        return stpy_number_text(o, flag);
    return stpy_fail(PyExc_TypeError, "%s: expected a whole number, got %s", flag,
                     Py_TYPE(o)->tp_name);
}

/* The flags' text (st_net_options) from the keywords; 'keep' holds the texts. */
static int options(PyObject **a, PyObject *keep, st_net_options *o)
{
    memset(o, 0, sizeof *o);
    if (a[NET] && stpy_string(a[NET], "--net", &o->net))
        return -1;
    if (a[MODEL] && stpy_string(a[MODEL], "--model", &o->model))
        return -1;
    const struct { int i; const char *flag; const char **dst; } num[] = {
        {NEURONS, "--neurons", &o->neurons},   {SYNAPSES, "--synapses", &o->synapses},
        {DURATION, "--duration", &o->duration}, {SEED, "--seed", &o->seed},
        {THREADS, "--threads", &o->threads}};
    for (size_t k = 0; k < sizeof num / sizeof num[0]; k++) {
        PyObject *x = a[num[k].i];
        if (!x)
            continue;
        PyObject *t = num[k].i == DURATION ? stpy_number_text(x, num[k].flag)
                                            : whole_text(x, num[k].flag);
        if (!t || PyList_Append(keep, t)) {
            Py_XDECREF(t);
            return -1;
        }
        Py_DECREF(t);
        if (!(*num[k].dst = PyUnicode_AsUTF8(t)))
            return -1;
    }
    return 0;
}

/* drive= and drive_mode=: a current for every neuron (a number, or N of them), or a row of N
 * per step, as float64; added to the network's own noise and pulses, or instead of them. */
static int drive(PyObject **a, net_run *c)
{
    const char *mode = NULL;
    if (a[DRIVE_MODE] && stpy_string(a[DRIVE_MODE], "drive_mode", &mode))
        return -1;
    if (mode && strcmp(mode, "add") && strcmp(mode, "replace"))
        return stpy_fail(PyExc_ValueError, "drive_mode: '%s' is not add or replace", mode), -1;
    c->mode = mode && !strcmp(mode, "replace") ? ST_NET_DRIVE_REPLACE : ST_NET_DRIVE_ADD;
    if (!a[DRIVE])
        return 0;
    if (PyUnicode_Check(a[DRIVE]) || PyBytes_Check(a[DRIVE]))
        return stpy_fail(PyExc_TypeError, "drive: expected a current or an array of them, "
                         "got %s", Py_TYPE(a[DRIVE])->tp_name), -1;
    uint64_t n = st_net_config_neurons(&c->cfg);
    PyArrayObject *x = (PyArrayObject *)PyArray_FROMANY(a[DRIVE], NPY_FLOAT64, 0, 2,
                                                        NPY_ARRAY_IN_ARRAY);
    if (!x)
        return -1;
    if (PyArray_NDIM(x) == 0) { /* one current for all: a row of it */
        npy_intp dims[1] = {(npy_intp)n};
        PyArrayObject *row = (PyArrayObject *)PyArray_SimpleNew(1, dims, NPY_FLOAT64);
        double v = *(const double *)PyArray_DATA(x);
        Py_DECREF(x);
        if (!(x = row))
            return -1;
        for (uint64_t i = 0; i < n; i++)
            ((double *)PyArray_DATA(x))[i] = v;
    }
    const npy_intp *dims = PyArray_DIMS(x);
    c->per_step = PyArray_NDIM(x) == 2;
    if ((c->per_step && ((uint64_t)dims[0] != c->steps || (uint64_t)dims[1] != n)) ||
        (!c->per_step && (uint64_t)dims[0] != n)) {
        if (c->per_step)
            stpy_fail(PyExc_ValueError, "drive: a (%zd, %zd) array, but the run has %llu steps "
                      "of %llu neurons: give (%llu, %llu), or %llu values held throughout",
                      (Py_ssize_t)dims[0], (Py_ssize_t)dims[1], (unsigned long long)c->steps,
                      (unsigned long long)n, (unsigned long long)c->steps,
                      (unsigned long long)n, (unsigned long long)n);
        else
            stpy_fail(PyExc_ValueError, "drive: %zd values, but the network has %llu neurons",
                      (Py_ssize_t)dims[0], (unsigned long long)n);
        Py_DECREF(x);
        return -1;
    }
    const double *v = PyArray_DATA(x);
    for (npy_intp i = 0; i < PyArray_SIZE(x); i++)
        if (!isfinite(v[i])) {
            if (c->per_step)
                stpy_fail(PyExc_ValueError, "drive: the current of neuron %llu in step %llu is "
                          "not finite", (unsigned long long)(i % (npy_intp)n),
                          (unsigned long long)(i / (npy_intp)n));
            else
                stpy_fail(PyExc_ValueError, "drive: the current of neuron %zd is not finite",
                          (Py_ssize_t)i);
            Py_DECREF(x);
            return -1;
        }
    c->drive = x;
    return 0;
}

/* More threads than cores: the command line's warning, as a RuntimeWarning. */
static int warn_threads(const net_run *c)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores > 0 && c->cfg.threads > cores)
        return PyErr_WarnFormat(PyExc_RuntimeWarning, 1,
                                "--threads %d is more than the %ld cores online; the threads "
                                "will take turns and run slower than fewer would",
                                c->cfg.threads, cores);
    return 0;
}

/* ---- the run ---------------------------------------------------------------------------------- */

/* What a run produced. */
typedef struct net_out {
    st_net_raster raster;
    st_net_recorder rec;            /* into 'raster' */
    st_net_info info;
    st_net_summary sum;
    double weights[ST_NET_WEIGHT_BINS];
    bool has_weights;
    double build_s, wall_s;
} net_out;

/* The steps in pieces, Ctrl-C looked for between them; a drive with a row per step sets each
 * row before its step. */
static st_status steps(st_net *net, const net_run *c, const double *drive, net_out *o,
                       stpy_run *ctl, st_error *err)
{
    uint32_t n = o->info.neurons;
    uint64_t piece = 1;
    st_status st = ST_OK;
    for (uint64_t k = 0; k < c->steps && !st;) {
        uint64_t m = c->per_step ? 1 : (c->steps - k < piece ? c->steps - k : piece);
        if (c->per_step && (st = st_net_set_input(net, 0, n, drive + k * n, err)))
            break;
        double t = stpy_now_s();
        st = st_net_run(net, m, st_net_record, &o->rec, err);
        t = stpy_now_s() - t;
        k += m;
        if (t < PIECE_LO_S && piece < PIECE_MAX_STEPS)
            piece *= 2;
        else if (t > PIECE_HI_S && piece > 1)
            piece /= 2;
        if (!st && stpy_run_poll(ctl))
            st = st_error_set(err, ST_ERR_IO, "network: interrupted");
    }
    return st;
}

/* Builds, runs and summarises the network, as `spiketalk network` does, with the GIL released
 * (ctl). */
static st_status run(const net_run *c, const double *drive, net_out *o, stpy_run *ctl,
                     st_error *err)
{
    st_net *net = NULL;
    double t0 = stpy_now_s();
    st_status st = st_net_create(&c->cfg, NULL, &net, err);
    if (st)
        return st;
    o->build_s = stpy_now_s() - t0;
    st_net_get_info(net, &o->info);
    st_net_set_drive(net, c->mode);
    if (drive && !c->per_step)
        st = st_net_set_input(net, 0, o->info.neurons, drive, err);
    double t1 = stpy_now_s();
    if (!st)
        st = steps(net, c, drive, o, ctl, err);
    o->wall_s = stpy_now_s() - t1;
    if (!st && o->rec.failed)
        st = st_error_set(err, ST_ERR_NOMEM, "network: out of memory for the spike record");
    st_net_get_info(net, &o->info);
    if (!st && o->info.synapses_plastic) {
        st = st_net_weight_histogram(net, 0.0, c->cfg.stdp.w_max, ST_NET_WEIGHT_BINS,
                                     o->weights, err);
        o->has_weights = true;
    }
    st_net_free(net);
    if (!st) {
        stpy_fft_lock(); /* the spectrum plans an FFT */
        st = st_net_summarise(&o->raster, o->info.neurons, c->cfg.dt_ms, c->steps, &o->sum, err);
        stpy_fft_unlock();
    }
    return st;
}

/* ---- the result ------------------------------------------------------------------------------- */

typedef struct net_report {
    const net_run *c;
    const net_out *o;
} net_report;

static void write_report(st_json *j, const void *ud)
{
    const net_report *n = ud;
    const net_run *c = n->c;
    const net_out *o = n->o;
    st_report_network(j, &c->cfg, c->steps, c->duration_ms, &o->info, o->build_s, o->wall_s,
                      &o->sum, o->has_weights ? o->weights : NULL);
}

/* The command's report (report.h) as attributes. */
static int describe(PyObject *r, const net_run *c, const net_out *o)
{
    PyObject *d = stpy_report(write_report, &(net_report){c, o});
    if (!d)
        return -1;
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    int rc = 0;
    while (!rc && PyDict_Next(d, &pos, &key, &val))
        rc = PyObject_SetAttr(r, key, val);
    Py_DECREF(d);
    return rc ? -1 : stpy_set(r, "drive_mode", PyUnicode_FromString(
                                                   c->mode == ST_NET_DRIVE_REPLACE ? "replace"
                                                                                   : "add"));
}

/* The spikes as arrays that own the record's buffers: the stamps become times in ms in place
 * (a double is as wide as a stamp), the ids stay uint32; then the population rate and its
 * spectrum. No copy. */
static int arrays(PyObject *r, const net_run *c, net_out *o)
{
    size_t n = o->raster.count;
    uint64_t *stamp = o->raster.stamp;
    for (size_t i = 0; i < n; i++) {
        double t = (double)stamp[i] * c->cfg.dt_ms;
        memcpy(&stamp[i], &t, sizeof t);
    }
    void *id = o->raster.id;
    o->raster = (st_net_raster){0}; /* the arrays own them now, or freed them */
    double *rate = o->sum.rate_hz, *freq = o->sum.psd.freq_hz, *power = o->sum.psd.power;
    size_t nf = o->sum.psd.n;
    o->sum.rate_hz = o->sum.psd.freq_hz = o->sum.psd.power = NULL;
    PyObject *ids = stpy_array_own_as(id, n, NPY_UINT32);
    PyObject *ra = stpy_array_own(rate, c->steps);
    PyObject *fa = stpy_array_own(freq, nf), *pa = stpy_array_own(power, nf);
    if (stpy_set(r, "spike_times", stpy_array_own((double *)(void *)stamp, n)) ||
        (Py_XINCREF(ids), stpy_set(r, "spike_ids", ids)) ||
        (Py_XINCREF(ra), stpy_set(r, "population_rate_hz", ra)) ||
        (Py_XINCREF(fa), stpy_set(r, "psd_freq_hz", fa)) ||
        (Py_XINCREF(pa), stpy_set(r, "psd_power", pa))) {
        Py_XDECREF(ids);
        Py_XDECREF(ra);
        Py_XDECREF(fa);
        Py_XDECREF(pa);
        return -1;
    }
    Py_DECREF(ids);
    Py_DECREF(ra);
    Py_DECREF(fa);
    Py_DECREF(pa);
    return 0;
}

PyObject *stpy_network(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    if (PyTuple_GET_SIZE(args))
        return stpy_fail(PyExc_TypeError, "network() takes keyword arguments only "
                         "(e.g. network(neurons=1000))");
    PyObject *a[N_ARGS], *keep = PyList_New(0), *r = NULL;
    net_run c = {0};
    net_out o = {0};
    o.rec.raster = &o.raster;
    st_net_options opt;
    st_error err = {0};
    if (!keep || stpy_kwargs(kw, names, a, NULL, "network") || options(a, keep, &opt))
        goto done;
    if (st_net_configure(&opt, &c.cfg, &c.steps, &c.duration_ms, &err)) {
        stpy_raise(&err);
        goto done;
    }
    if (drive(a, &c) || warn_threads(&c) || !(r = stpy_result_new()))
        goto done;
    const double *dv = c.drive ? PyArray_DATA(c.drive) : NULL;
    stpy_run ctl;
    stpy_run_begin(&ctl);
    st_status st = run(&c, dv, &o, &ctl, &err);
    stpy_run_end(&ctl);
    if (st) {
        if (!ctl.stopped)
            stpy_raise(&err);
        Py_CLEAR(r);
    } else if (describe(r, &c, &o) || arrays(r, &c, &o)) {
        Py_CLEAR(r);
    }
done:
    st_net_raster_free(&o.raster);
    st_net_summary_free(&o.sum);
    Py_XDECREF(c.drive);
    Py_XDECREF(keep);
    return r;
}
