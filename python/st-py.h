/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared helpers of the spiketalk Python module: keyword arguments as the command line's flags,
 * errors as Python exceptions with the command line's messages, numpy arrays that own the
 * library's buffers, and the Result namespace. */
#ifndef SPIKETALK_PY_H
#define SPIKETALK_PY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* One numpy C-API table for the module's files; module.c imports it. */
#define PY_ARRAY_UNIQUE_SYMBOL spiketalk_numpy_api
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#ifndef ST_PY_IMPORT_ARRAY
#define NO_IMPORT_ARRAY
#endif
#include <numpy/arrayobject.h>

#include <stdbool.h>
#include <stddef.h>

#include "spiketalk/spiketalk.h"

/* ---- errors --------------------------------------------------------------------------------- */

/* Raises the exception for err->code with err->msg (the command line's "what: why" text):
 * ValueError for bad arguments and numerical blow-ups, OSError for files, MemoryError.
 * Returns NULL. */
PyObject *stpy_raise(const st_error *err);

/* Raises 'type' with a formatted "what: why" message. Returns NULL. */
PyObject *stpy_fail(PyObject *type, const char *fmt, ...);

/* ---- arguments -------------------------------------------------------------------------------- */

/* Splits the keyword arguments 'kw' (may be NULL) into the values of 'names' (NULL-terminated;
 * vals[i] borrowed, NULL when absent or None) and, when 'rest' is not NULL, a new dict of the
 * others (model parameters). Without 'rest' an unknown keyword is a TypeError. -1 on error. */
int stpy_kwargs(PyObject *kw, const char *const *names, PyObject **vals, PyObject **rest,
                const char *func);

/* A finite number for flag 'flag' ("--dt"): TypeError for a non-number, ValueError "--dt:
 * 'nan' is not a finite number" as the command line says. -1 on error. */
int stpy_number(PyObject *o, const char *flag, double *out);

/* TypeError "FLAG: expected a number, got TYPE" unless 'o' is a real number; -1 then. */
int stpy_number_type(PyObject *o, const char *flag);

/* A string for 'flag' (UTF-8, borrowed from 'o'). TypeError otherwise. -1 on error. */
int stpy_string(PyObject *o, const char *flag, const char **out);

/* A whole number >= min and <= 1e9: "FLAG: must be a whole number >= MIN (got X)". */
int stpy_count(PyObject *o, const char *flag, size_t min, size_t *out);

/* Sets model parameter 'name' of 'm' from 'value' as --NAME VALUE does, or raises the command
 * line's "--NAME: unknown option or parameter of model M (see --help)". -1 on error. */
int stpy_set_param(const st_model *m, st_model_params *p, PyObject *name, PyObject *value);

/* Finds preset 'name' as the command line does (a cell name also finds a feature), or raises
 * "FLAG: unknown preset 'X' for model M; closest: A, B (see 'spiketalk presets')". */
const st_preset *stpy_find_preset(const st_model *m, const char *name, int kind,
                                  const char *flag);

/* The model named 'name' (NULL: izhikevich), or ValueError "--model: unknown model ...". */
const st_model *stpy_model(const char *name);

/* The command line's text for a number given to 'flag', as the library's option parsers take
 * it: an integer (int, or anything with __index__) as str() writes it, any other real number
 * as repr(float) writes it (the shortest text that reads back as the same double). TypeError
 * "FLAG: expected a number, got TYPE" otherwise. A new str, or NULL. */
PyObject *stpy_number_text(PyObject *o, const char *flag);

/* ---- long runs: the GIL and Ctrl-C ---------------------------------------------------------------- */

/* A library run with the GIL released that looks for signals now and then: the library calls
 * stpy_run_poll from its block or step callback (or between pieces of the run), which, on the
 * main thread and at most every STPY_POLL_S seconds, takes the GIL and runs Python's signal
 * handlers, so that Ctrl-C raises KeyboardInterrupt within about a tenth of a second. */
#define STPY_POLL_S 0.05

typedef struct stpy_run {
    PyThreadState *ts;   /* this thread's state while the GIL is released */
    bool main;           /* the main thread: the only one where signal handlers run */
    double next_s;       /* when to look next (monotonic clock, s) */
    bool stopped;        /* a handler raised (the exception is set): the run must stop */
} stpy_run;

/* Releases the GIL (Py_BEGIN_ALLOW_THREADS). */
void stpy_run_begin(stpy_run *r);

/* Takes the GIL back (Py_END_ALLOW_THREADS). After a stop, the handler's exception is set. */
void stpy_run_end(stpy_run *r);

/* From the library's thread, the GIL released: true when the run must stop. */
bool stpy_run_poll(stpy_run *r);

/* The same as a block callback of st_sim_run (sim.h) and an on_steps callback of the HH
 * protocol (hh-protocol.h): 'ud' is the stpy_run. */
int stpy_poll_block(void *ud, uint64_t k0, const double *I, const double *v, const double *u,
                    size_t n, st_error *err);
int stpy_poll_steps(void *ud, uint64_t n, st_error *err);

/* FFTW's planner is not thread-safe, and the whole-signal pipeline, its chunked runs and a
 * network's spectrum plan FFTs: with the GIL released, runs that plan take turns. */
void stpy_fft_lock(void);
void stpy_fft_unlock(void);

/* Monotonic seconds. */
double stpy_now_s(void);

/* ---- results ------------------------------------------------------------------------------------ */

/* What write(j, ud) reports (the command's --json, report.h) as a dict, parsed by Python's
 * json module; NULL with an exception set. */
PyObject *stpy_report(void (*write)(st_json *j, const void *ud), const void *ud);

/* A new, empty spiketalk.Result (attributes set with stpy_set). */
PyObject *stpy_result_new(void);

/* Sets attribute 'key' of 'obj' (a Result) or item 'key' of a dict to 'val', stealing the
 * reference; a NULL 'val' (a failed constructor) passes the error on. -1 on error. */
int stpy_set(PyObject *obj, const char *key, PyObject *val);

/* A str, or None for NULL. */
PyObject *stpy_str(const char *s);

/* A float64 array of n values that owns 'p' (allocated through the library's allocator, freed
 * with st_free when the array goes); no copy. On failure 'p' is freed. */
PyObject *stpy_array_own(double *p, size_t n);

/* The same for n values of numpy type 'type' (NPY_UINT32, ...). */
PyObject *stpy_array_own_as(void *p, size_t n, int type);

/* A new float64 array of n values (uninitialised) and its data pointer. */
PyObject *stpy_array_new(size_t n, double **data);

/* Spike stamps as times in ms: step * dt_ms, the command line's spike_times_ms. */
PyObject *stpy_spike_times(const st_spikes *sp, double dt_ms);

/* The model's parameters as a dict {name: value}, in the registry's order. */
PyObject *stpy_params_dict(const st_model *m, const st_model_params *p);

/* ---- the functions ------------------------------------------------------------------------------ */

PyObject *stpy_simulate(PyObject *self, PyObject *args, PyObject *kw);
PyObject *stpy_process(PyObject *self, PyObject *args, PyObject *kw);
PyObject *stpy_hh(PyObject *self, PyObject *args, PyObject *kw);
PyObject *stpy_axon(PyObject *self, PyObject *args, PyObject *kw);
PyObject *stpy_network(PyObject *self, PyObject *args, PyObject *kw);

#endif
