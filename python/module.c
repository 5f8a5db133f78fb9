/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spiketalk Python module: its definition, the Result namespace, the shared helpers (long
 * runs that Ctrl-C stops among them), and the registry and audio-file functions (presets,
 * features, models, recipes, read_audio). */
#define ST_PY_IMPORT_ARRAY
#include "st-py.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "spiketalk/audio.h"
#include "spiketalk/options.h"
#include "spiketalk/pipeline.h"

/* ---- errors --------------------------------------------------------------------------------- */

PyObject *stpy_raise(const st_error *err)
{
    const char *msg = err->msg[0] ? err->msg : st_status_str(err->code);
    PyObject *type = PyExc_ValueError;
    if (err->code == ST_ERR_IO || err->code == ST_ERR_FORMAT || err->code == ST_ERR_DEVICE)
        type = PyExc_OSError;
    else if (err->code == ST_ERR_NOMEM)
        type = PyExc_MemoryError;
    PyErr_SetString(type, msg);
    return NULL;
}

PyObject *stpy_fail(PyObject *type, const char *fmt, ...)
{
    char msg[ST_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    PyErr_SetString(type, msg);
    return NULL;
}

/* ---- arguments -------------------------------------------------------------------------------- */

int stpy_kwargs(PyObject *kw, const char *const *names, PyObject **vals, PyObject **rest,
                const char *func)
{
    size_t n = 0;
    while (names[n])
        vals[n++] = NULL;
    if (rest && !(*rest = PyDict_New()))
        return -1;
    if (!kw)
        return 0;
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    while (PyDict_Next(kw, &pos, &key, &val)) {
        const char *k = PyUnicode_AsUTF8(key);
        if (!k)
            goto fail;
        size_t i = 0;
        while (i < n && strcmp(names[i], k))
            i++;
        if (i < n) {
            vals[i] = val == Py_None ? NULL : val;
        } else if (rest) {
            if (PyDict_SetItem(*rest, key, val))
                goto fail;
        } else {
            stpy_fail(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'", func, k);
            goto fail;
        }
    }
    return 0;
fail:
    if (rest)
        Py_CLEAR(*rest);
    return -1;
}

/* str(o) as UTF-8 into buf, for messages that quote a value as the command line quotes text. */
static const char *text_of(PyObject *o, char *buf, size_t size)
{
    PyObject *s = PyObject_Str(o);
    const char *u = s ? PyUnicode_AsUTF8(s) : NULL;
    snprintf(buf, size, "%s", u ? u : "?");
    Py_XDECREF(s);
    PyErr_Clear();
    return buf;
}

int stpy_number_type(PyObject *o, const char *flag)
{
    if (!PyNumber_Check(o) || PyUnicode_Check(o) || PyComplex_Check(o)) {
        stpy_fail(PyExc_TypeError, "%s: expected a number, got %s", flag, Py_TYPE(o)->tp_name);
        return -1;
    }
    return 0;
}

int stpy_number(PyObject *o, const char *flag, double *out)
{
    if (stpy_number_type(o, flag))
        return -1;
    double x = PyFloat_AsDouble(o);
    if (x == -1.0 && PyErr_Occurred())
        return -1;
    if (!isfinite(x)) { /* the command line's message for the same text */
        char buf[64];
        st_error err = {0};
        if (st_parse_number(flag, text_of(o, buf, sizeof buf), &x, &err) == ST_OK)
            st_error_set(&err, ST_ERR_INVAL, "%s: '%s' is not a finite number", flag, buf);
        stpy_raise(&err);
        return -1;
    }
    *out = x;
    return 0;
}

int stpy_string(PyObject *o, const char *flag, const char **out)
{
    if (!PyUnicode_Check(o)) {
        stpy_fail(PyExc_TypeError, "%s: expected a string, got %s", flag, Py_TYPE(o)->tp_name);
        return -1;
    }
    return (*out = PyUnicode_AsUTF8(o)) ? 0 : -1;
}

int stpy_count(PyObject *o, const char *flag, size_t min, size_t *out)
{
    double x;
    if (stpy_number(o, flag, &x))
        return -1;
    if (x < (double)min || x != floor(x) || x > 1e9) {
        char buf[64];
        stpy_fail(PyExc_ValueError, "%s: must be a whole number >= %zu (got %s)", flag, min,
                  text_of(o, buf, sizeof buf));
        return -1;
    }
    *out = (size_t)x;
    return 0;
}

int stpy_set_param(const st_model *m, st_model_params *p, PyObject *name, PyObject *value)
{
    const char *k = PyUnicode_AsUTF8(name);
    if (!k)
        return -1;
    char flag[96];
    snprintf(flag, sizeof flag, "--%s", k);
    const st_param_desc *d = st_param_find(m, k);
    if (!d) {
        stpy_fail(PyExc_ValueError, "%s: unknown option or parameter of model %s (see --help)",
                  flag, m->name);
        return -1;
    }
    double x;
    if (stpy_number(value, flag, &x))
        return -1;
    st_param_set(p, d, x);
    return 0;
}

const st_preset *stpy_find_preset(const st_model *m, const char *name, int kind,
                                  const char *flag)
{
    const st_preset *p;
    st_error err = {0};
    if (st_preset_lookup(m, name, kind, flag, &p, &err))
        stpy_raise(&err);
    return p;
}

const st_model *stpy_model(const char *name)
{
    const st_model *m = name ? st_model_find(name) : st_model_get(ST_MODEL_IZH);
    if (!m)
        stpy_fail(PyExc_ValueError, "--model: unknown model '%s' (izhikevich, izh2007 or hh)",
                  name);
    return m;
}

PyObject *stpy_number_text(PyObject *o, const char *flag)
{
    if (stpy_number_type(o, flag))
        return NULL;
    if (PyIndex_Check(o)) {
        PyObject *i = PyNumber_Index(o);
        PyObject *t = i ? PyObject_Str(i) : NULL;
        Py_XDECREF(i);
        return t;
    }
    PyObject *f = PyNumber_Float(o);
    PyObject *t = f ? PyObject_Repr(f) : NULL;
    Py_XDECREF(f);
    return t;
}

/* ---- long runs: the GIL and Ctrl-C ---------------------------------------------------------------- */

/* The main thread's id (threading.main_thread().ident), found when the module loads. */
static unsigned long main_ident;
static bool main_known;

double stpy_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void stpy_run_begin(stpy_run *r)
{
    r->main = !main_known || PyThread_get_thread_ident() == main_ident;
    r->stopped = false;
    r->next_s = stpy_now_s() + STPY_POLL_S;
    r->ts = PyEval_SaveThread();
}

void stpy_run_end(stpy_run *r)
{
    PyEval_RestoreThread(r->ts);
    r->ts = NULL;
}

bool stpy_run_poll(stpy_run *r)
{
    /* other threads never run signal handlers: taking the GIL there would only slow them */
    if (r->stopped || !r->main)
        return r->stopped;
    double now = stpy_now_s();
    if (now < r->next_s)
        return false;
    PyEval_RestoreThread(r->ts);
    r->stopped = PyErr_CheckSignals() < 0;
    r->ts = PyEval_SaveThread();
    r->next_s = stpy_now_s() + STPY_POLL_S;
    return r->stopped;
}

int stpy_poll_block(void *ud, uint64_t k0, const double *I, const double *v, const double *u,
                    size_t n, st_error *err)
{
    (void)k0, (void)I, (void)v, (void)u, (void)n, (void)err;
    return stpy_run_poll(ud);
}

int stpy_poll_steps(void *ud, uint64_t n, st_error *err)
{
    (void)n, (void)err;
    return stpy_run_poll(ud);
}

static pthread_mutex_t fft_lock = PTHREAD_MUTEX_INITIALIZER;

void stpy_fft_lock(void)
{
    pthread_mutex_lock(&fft_lock);
}

void stpy_fft_unlock(void)
{
    pthread_mutex_unlock(&fft_lock);
}

static void find_main_thread(void)
{
    PyObject *th = PyImport_ImportModule("threading");
    PyObject *mt = th ? PyObject_CallMethod(th, "main_thread", NULL) : NULL;
    PyObject *id = mt ? PyObject_GetAttrString(mt, "ident") : NULL;
    unsigned long x = id ? PyLong_AsUnsignedLong(id) : 0;
    main_known = id && !PyErr_Occurred();
    main_ident = x;
    PyErr_Clear(); /* unknown: every thread looks for signals */
    Py_XDECREF(id);
    Py_XDECREF(mt);
    Py_XDECREF(th);
}

/* ---- the Result namespace ------------------------------------------------------------------------ */

typedef struct result {
    PyObject_HEAD
    PyObject *dict;
} result;

static void result_dealloc(PyObject *self)
{
    Py_CLEAR(((result *)self)->dict);
    Py_TYPE(self)->tp_free(self);
}

/* "Result(t=<float64[2001]>, spike_count=8, ...)": arrays by shape, short values in full. */
static PyObject *result_repr(PyObject *self)
{
    PyObject *d = ((result *)self)->dict, *parts = PyList_New(0), *key, *val;
    Py_ssize_t pos = 0;
    if (!parts)
        return NULL;
    while (d && PyDict_Next(d, &pos, &key, &val)) {
        PyObject *item;
        if (PyArray_Check(val)) {
            PyObject *shape = PyObject_GetAttrString(val, "shape");
            PyObject *type = PyObject_Str((PyObject *)PyArray_DESCR((PyArrayObject *)val));
            item = shape && type ? PyUnicode_FromFormat("%U=<%U%R>", key, type, shape) : NULL;
            Py_XDECREF(shape);
            Py_XDECREF(type);
        } else if (PyDict_Check(val) || PyList_Check(val)) {
            item = PyUnicode_FromFormat("%U=<%s of %zd>", key, Py_TYPE(val)->tp_name,
                                        PyObject_Length(val));
        } else {
            item = PyUnicode_FromFormat("%U=%R", key, val);
        }
        if (!item || PyList_Append(parts, item)) {
            Py_XDECREF(item);
            Py_DECREF(parts);
            return NULL;
        }
        Py_DECREF(item);
    }
    PyObject *sep = PyUnicode_FromString(", ");
    PyObject *body = sep ? PyUnicode_Join(sep, parts) : NULL;
    PyObject *out = body ? PyUnicode_FromFormat("spiketalk.Result(%U)", body) : NULL;
    Py_XDECREF(sep);
    Py_XDECREF(body);
    Py_DECREF(parts);
    return out;
}

/* r["v"] reads attribute v, so a Result also serves where a mapping is expected. */
static PyObject *result_getitem(PyObject *self, PyObject *key)
{
    PyObject *d = ((result *)self)->dict, *v = d ? PyDict_GetItemWithError(d, key) : NULL;
    if (!v && !PyErr_Occurred())
        PyErr_SetObject(PyExc_KeyError, key);
    Py_XINCREF(v);
    return v;
}

static PyObject *result_keys(PyObject *self, PyObject *unused)
{
    (void)unused;
    PyObject *d = ((result *)self)->dict;
    return d ? PyDict_Keys(d) : PyList_New(0);
}

static PyMappingMethods result_mapping = {.mp_subscript = result_getitem};

static PyMethodDef result_methods[] = {
    {"keys", result_keys, METH_NOARGS, "The names of the result's fields, in order."},
    {NULL, NULL, 0, NULL}};

static PyTypeObject result_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "spiketalk.Result",
    .tp_basicsize = sizeof(result),
    .tp_dealloc = result_dealloc,
    .tp_repr = result_repr,
    .tp_as_mapping = &result_mapping,
    .tp_getattro = PyObject_GenericGetAttr,
    .tp_setattro = PyObject_GenericSetAttr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The result of a spiketalk run: numpy arrays (float64) and the run's settings and "
              "measures as attributes, named as the command line's --json names them.",
    .tp_methods = result_methods,
    .tp_dictoffset = offsetof(result, dict),
    .tp_new = PyType_GenericNew,
};

PyObject *stpy_result_new(void)
{
    return PyType_GenericNew(&result_type, NULL, NULL);
}

int stpy_set(PyObject *obj, const char *key, PyObject *val)
{
    if (!val)
        return -1;
    int rc = PyDict_Check(obj) ? PyDict_SetItemString(obj, key, val)
                               : PyObject_SetAttrString(obj, key, val);
    Py_DECREF(val);
    return rc;
}

PyObject *stpy_report(void (*write)(st_json *j, const void *ud), const void *ud)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return PyErr_NoMemory();
    st_json j;
    st_json_init(&j, f);
    st_json_object_begin(&j, NULL);
    write(&j, ud);
    st_json_object_end(&j);
    fclose(f);
    PyObject *json = PyImport_ImportModule("json");
    PyObject *d = json ? PyObject_CallMethod(json, "loads", "s", text) : NULL;
    free(text);
    Py_XDECREF(json);
    return d;
}

PyObject *stpy_str(const char *s)
{
    if (s)
        return PyUnicode_FromString(s);
    Py_RETURN_NONE;
}

/* ---- arrays ---------------------------------------------------------------------------------------- */

static const char *const BUFFER = "spiketalk.buffer";

static void buffer_free(PyObject *cap)
{
    st_free(PyCapsule_GetPointer(cap, BUFFER));
}

PyObject *stpy_array_own(double *p, size_t n)
{
    return stpy_array_own_as(p, n, NPY_FLOAT64);
}

PyObject *stpy_array_own_as(void *p, size_t n, int type)
{
    npy_intp dims[1] = {(npy_intp)n};
    if (!p || n == 0) {
        st_free(p);
        return PyArray_ZEROS(1, dims, type, 0);
    }
    PyObject *a = PyArray_SimpleNewFromData(1, dims, type, p);
    PyObject *cap = a ? PyCapsule_New(p, BUFFER, buffer_free) : NULL;
    if (!cap) {
        Py_XDECREF(a);
        st_free(p);
        return NULL;
    }
    /* steals 'cap' even on failure, whose destructor then frees 'p' */
    if (PyArray_SetBaseObject((PyArrayObject *)a, cap)) {
        Py_DECREF(a);
        return NULL;
    }
    return a;
}

PyObject *stpy_array_new(size_t n, double **data)
{
    npy_intp dims[1] = {(npy_intp)n};
    PyObject *a = PyArray_SimpleNew(1, dims, NPY_FLOAT64);
    if (a)
        *data = PyArray_DATA((PyArrayObject *)a);
    return a;
}

PyObject *stpy_spike_times(const st_spikes *sp, double dt_ms)
{
    double *t;
    PyObject *a = stpy_array_new(sp->count, &t);
    for (size_t i = 0; a && i < sp->count; i++)
        t[i] = (double)sp->step[i] * dt_ms;
    return a;
}

PyObject *stpy_params_dict(const st_model *m, const st_model_params *p)
{
    PyObject *d = PyDict_New();
    for (size_t i = 0; d && i < m->n_params; i++)
        if (stpy_set(d, m->params[i].name, PyFloat_FromDouble(st_param_get(p, &m->params[i]))))
            Py_CLEAR(d);
    return d;
}

/* ---- the registry ------------------------------------------------------------------------------ */

/* One preset as `spiketalk presets --json` lists it, with its model's name. */
static PyObject *preset_dict(const st_model *m, const st_preset *p)
{
    st_sim_config cfg;
    st_error err = {0};
    if (st_sim_config_init(&cfg, m, p, &err))
        return stpy_raise(&err);
    char input[512];
    st_stimulus_format(&cfg.stim, input, sizeof input);
    PyObject *d = PyDict_New();
    if (!d || stpy_set(d, "model", PyUnicode_FromString(m->name)) ||
        stpy_set(d, "name", PyUnicode_FromString(p->name)) ||
        stpy_set(d, "letter", stpy_str(p->letter)) ||
        stpy_set(d, "kind",
                 PyUnicode_FromString(p->kind == ST_PRESET_FEATURE ? "feature" : "cell")) ||
        stpy_set(d, "title", stpy_str(p->title)) ||
        stpy_set(d, "params", stpy_params_dict(m, &p->params)) ||
        stpy_set(d, "v0_mv", PyFloat_FromDouble(cfg.v0_mv)) ||
        stpy_set(d, "u0", PyFloat_FromDouble(cfg.u0)) ||
        stpy_set(d, "input", PyUnicode_FromString(input)) ||
        stpy_set(d, "dt_ms", PyFloat_FromDouble(cfg.dt_ms)) ||
        stpy_set(d, "duration_ms", PyFloat_FromDouble(cfg.duration_ms)) ||
        stpy_set(d, "integrator", PyUnicode_FromString(st_integrator_name(cfg.how))) ||
        stpy_set(d, "note", stpy_str(p->note))) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

/* Every preset of 'only' (NULL: of every model) whose kind is 'kind' (negative: any). */
static PyObject *preset_list(const st_model *only, int kind)
{
    PyObject *list = PyList_New(0);
    for (int i = 0; list && i < ST_MODEL_COUNT; i++) {
        const st_model *m = st_model_get((st_model_id)i);
        if (only && m != only)
            continue;
        for (size_t k = 0; k < m->n_presets; k++) {
            if (kind >= 0 && (int)m->presets[k].kind != kind)
                continue;
            PyObject *d = preset_dict(m, &m->presets[k]);
            if (!d || PyList_Append(list, d))
                Py_CLEAR(list);
            Py_XDECREF(d);
            if (!list)
                break;
        }
    }
    return list;
}

static PyObject *py_presets(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"model", NULL};
    const char *model = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|z:presets", names, &model))
        return NULL;
    const st_model *m = model ? stpy_model(model) : NULL;
    return model && !m ? NULL : preset_list(m, -1);
}

static PyObject *py_features(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return preset_list(st_model_get(ST_MODEL_IZH), ST_PRESET_FEATURE);
}

static PyObject *py_models(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    PyObject *list = PyList_New(0);
    for (int i = 0; list && i < ST_MODEL_COUNT; i++) {
        PyObject *s = PyUnicode_FromString(st_model_get((st_model_id)i)->name);
        if (!s || PyList_Append(list, s))
            Py_CLEAR(list);
        Py_XDECREF(s);
    }
    return list;
}

static PyObject *py_recipes(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    PyObject *d = PyDict_New();
    for (const char *const *r = st_recipe_names(); d && *r; r++)
        if (stpy_set(d, *r, PyUnicode_FromString(st_recipe_help(*r))))
            Py_CLEAR(d);
    return d;
}

/* ---- audio files -------------------------------------------------------------------------------- */

static PyObject *py_read_audio(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"path", NULL};
    PyObject *path = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&:read_audio", names, PyUnicode_FSConverter,
                                     &path))
        return NULL;
    st_audio a;
    st_error err = {0};
    st_status st;
    Py_BEGIN_ALLOW_THREADS
    st = st_audio_read(PyBytes_AS_STRING(path), &a, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st && st != ST_ERR_NOMEM) { /* a file that cannot be used: missing, a folder, not audio */
        PyErr_SetString(PyExc_OSError, err.msg);
        return NULL;
    }
    if (st)
        return stpy_raise(&err);
    double *x;
    PyObject *arr = stpy_array_new(a.n, &x);
    for (size_t i = 0; arr && i < a.n; i++)
        x[i] = a.x[i];
    double fs = a.fs_hz;
    st_audio_free(&a);
    return arr ? Py_BuildValue("(Nd)", arr, fs) : NULL;
}

/* ---- the module ------------------------------------------------------------------------------------ */

PyDoc_STRVAR(simulate_doc,
"simulate(*, preset=None, feature=None, model=None, input=None, duration=None, dt=None,\n"
"         integrator=None, v0=None, u0=None, record=True, **params) -> Result\n"
"\n"
"One model neuron under a stimulus protocol, as `spiketalk simulate` runs it. 'model' is\n"
"'izhikevich' (default), 'izh2007' or 'hh'; 'preset' a cell type ('RS', ...), 'feature' one\n"
"of the 20 features of Izhikevich (2004) by name or letter, with its own protocol. 'input'\n"
"is a protocol string ('step:onset=300,amp=5'), 'duration' and 'dt' in ms, any model\n"
"parameter as a keyword (a=0.02, ...). The result has t (ms), v (mV), u and I, one value\n"
"per time point t_0 .. t_N (with record=False only the spikes are kept), spike_times (ms),\n"
"and the settings named as in `spiketalk simulate --json`. The GIL is released while it runs.");

PyDoc_STRVAR(process_doc,
"process(samples, fs, *, recipe=None, preset=None, model=None, block=None, gate=None,\n"
"        gate_k=None, gate_window=None, gate_thr=None, rectify=None, envelope=None,\n"
"        smooth=None, gain=None, normalize=None, peak_release=None, integrator=None,\n"
"        dt=None, decimate=None, v0=None, u0=None, sonify=None, taps=True, **params)\n"
"        -> Result\n"
"\n"
"Lets a neuron answer a sound, as `spiketalk process` does: 'samples' (any 1-D array, taken\n"
"as float32 audio, full scale 1) at 'fs' Hz through gate, rectifier, envelope, current, neuron\n"
"and sonification. With block=N the streaming engine of `spiketalk live` runs instead (the\n"
"result is the same for every N). The keywords are the command line's flags. The result has\n"
"output (the sound), gated, rectified and envelope (per sample), t, current, v and u (per\n"
"neuron step; not with taps=False), spike_times (ms) and the settings named as in\n"
"`spiketalk process --json` (the envelope's name as 'envelope_mode').");

PyDoc_STRVAR(hh_doc,
"hh(*, input=None, duration=None, dt=None, temperature=None, integrator=None, v0=None,\n"
"   record=True, fi=None, **membrane) -> Result\n"
"\n"
"The Hodgkin-Huxley (1952) point neuron, as `spiketalk hh` runs it: t, I, v, m, h, n, INa,\n"
"IK, IL per time point, spike_times (upward 0 mV crossings, interpolated, ms) and the\n"
"settings named as in `spiketalk hh --json`. Membrane parameters as keywords (gNa=120, ...).\n"
"With fi=(FROM, TO, STEP) (uA/cm^2), the f-I curve of `spiketalk hh --fi FROM:TO:STEP`: a\n"
"500 ms step of each current from rest, the list fi (I_uA_cm2, spike_count, rate_hz,\n"
"steady_rate_hz, pattern, spike_times_ms per current), the arrays I, rate_hz,\n"
"steady_rate_hz and spike_counts, and both thresholds (fi_threshold_single_uA_cm2,\n"
"fi_threshold_repetitive_uA_cm2) found by bisection. Ctrl-C stops a run.");

PyDoc_STRVAR(network_doc,
"network(*, net='izh2003', neurons=1000, synapses=None, duration=1000, seed=1, threads=1,\n"
"        model='izhikevich', drive=None, drive_mode='add') -> Result\n"
"\n"
"One of the published networks of Izhikevich neurons, as `spiketalk network` runs it (its\n"
"flags as keywords, with its rules and messages): 'izh2003' (net.m) or 'izh2006' (spnet,\n"
"with STDP), 'neurons' (1 in 5 inhibitory), 'synapses' per neuron, 'duration' in ms of 1 ms\n"
"steps, 'seed', 'threads' (the spikes are the same for any number), 'model' the neurons'\n"
"model ('izhikevich': the papers' 2003 form; 'izh2007': the same cells in the book's form;\n"
"'hh': Hodgkin-Huxley, the currents carried over as mV/ms). The result has\n"
"spike_times (ms, float64) and spike_ids (uint32), by time then neuron; population_rate_hz\n"
"(one value per step), psd_freq_hz and psd_power (its spectrum), and the measures named as\n"
"in `spiketalk network --json`: spike_count, rate_hz, rate_hz_exc, rate_hz_inh,\n"
"spectral_peaks, rhythms (alpha_hz, gamma_hz or None), weight_histogram (izh2006), ... .\n"
"'drive' is an external current (units of I): a number or one per neuron held throughout,\n"
"or a (steps, neurons) array, one row per step; drive_mode='replace' turns the network's\n"
"own noise and pulses off. The GIL is released while it runs; Ctrl-C stops it.");

PyDoc_STRVAR(axon_doc,
"axon(*, diameter_um=None, length_mm=None, ra=None, temperature=None, dx_um=None,\n"
"     compartments=None, dt=None, stimulus=None, duration=None, scheme=None, at=None,\n"
"     record=True) -> Result\n"
"\n"
"The propagated action potential on a Hodgkin-Huxley axon, as `spiketalk axon` runs it:\n"
"velocity_m_s, peak_mv, width_ms and the settings named as in `spiketalk axon --json`; t and\n"
"v (one column per position in at_mm, default L/4, L/2, 3L/4) every step. 'stimulus' is UA\n"
"or (UA, MS).");

PyDoc_STRVAR(presets_doc,
"presets(model=None) -> list of dict\n\n"
"Every preset (cell types and features) of every model, or of one, as `spiketalk presets\n"
"--json` lists them.");

PyDoc_STRVAR(read_audio_doc,
"read_audio(path) -> (samples, fs)\n\n"
"Reads any file libsndfile reads, mixed to mono: float64 samples (full scale 1) and the\n"
"rate in Hz. OSError with the command line's message when the file cannot be used.");

static PyMethodDef methods[] = {
    {"simulate", (PyCFunction)(void (*)(void))stpy_simulate, METH_VARARGS | METH_KEYWORDS,
     simulate_doc},
    {"process", (PyCFunction)(void (*)(void))stpy_process, METH_VARARGS | METH_KEYWORDS,
     process_doc},
    {"hh", (PyCFunction)(void (*)(void))stpy_hh, METH_VARARGS | METH_KEYWORDS, hh_doc},
    {"axon", (PyCFunction)(void (*)(void))stpy_axon, METH_VARARGS | METH_KEYWORDS, axon_doc},
    {"network", (PyCFunction)(void (*)(void))stpy_network, METH_VARARGS | METH_KEYWORDS,
     network_doc},
    {"read_audio", (PyCFunction)(void (*)(void))py_read_audio, METH_VARARGS | METH_KEYWORDS,
     read_audio_doc},
    {"presets", (PyCFunction)(void (*)(void))py_presets, METH_VARARGS | METH_KEYWORDS,
     presets_doc},
    {"features", py_features, METH_NOARGS,
     "features() -> list of dict\n\nThe 20 features of Izhikevich (2004), A to T."},
    {"models", py_models, METH_NOARGS, "models() -> list of str\n\nThe registered models."},
    {"recipes", py_recipes, METH_NOARGS,
     "recipes() -> dict\n\nThe pipeline's recipes with a line on each."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "spiketalk",
    .m_doc = "Spiking model neurons driven by stimulus protocols and by sound: the spiketalk "
             "library (Izhikevich, Hodgkin-Huxley, the audio pipeline, networks) with numpy "
             "arrays.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit_spiketalk(void);

PyMODINIT_FUNC PyInit_spiketalk(void)
{
    import_array();
    if (PyType_Ready(&result_type) < 0)
        return NULL;
    find_main_thread();
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    Py_INCREF(&result_type);
    if (PyModule_AddObject(m, "Result", (PyObject *)&result_type) ||
        PyModule_AddStringConstant(m, "__version__", SPIKETALK_VERSION)) {
        Py_DECREF(&result_type);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
