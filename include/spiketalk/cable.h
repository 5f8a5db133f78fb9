/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A uniform unmyelinated axon with Hodgkin-Huxley membrane: the propagated action potential.
 *
 * Cable equation (t in ms, x in cm, v in mV, current densities in uA/cm^2):
 *     Cm dv/dt = d / (4 Ra) d2v/dx2 - I_ion(v, m, h, n) + I_stim
 * with I_ion and the gates of hh.h (the same parameters and temperature factor), diameter d,
 * axial resistivity Ra (Ohm cm) and sealed (no-flux) ends.
 *
 * Space: N compartments of length dx = L / N with centres x_i = (i + 1/2) dx (a finite-volume
 * grid: the sealed ends are the outer faces). Neighbours couple through
 *     a = 1000 d / (4 Ra dx^2)    mS/cm^2 of membrane (d, dx in cm),
 * so compartment i feels a (v_{i-1} - v_i) + a (v_{i+1} - v_i), missing terms at the ends.
 * The stimulus is a current (uA) into compartment 0, i.e. I / (pi d dx) uA/cm^2 there.
 *
 * Time: the gates are staggered half a step from v (as in NEURON). Each step of dt first
 * advances every gate from t - dt/2 to t + dt/2 exactly for its rates frozen at v(t)
 * (exponential Euler, second order at this midpoint). With the gates fixed the membrane
 * current is linear in v, I_ion = G v - J, and v is advanced implicitly with one tridiagonal
 * (Thomas) solve per step: ST_CABLE_CN, Crank-Nicolson (a backward-Euler half step to
 * t + dt/2, then v(t + dt) = 2 v(t + dt/2) - v(t); second order in dt and dx), or
 * ST_CABLE_BE, backward Euler (first order in dt, L-stable). Both are unconditionally stable
 * for the axial term, so dt is limited only by accuracy.
 *
 * The start is v = -65 mV everywhere with the gates at their steady state. */
#ifndef SPIKETALK_CABLE_H
#define SPIKETALK_CABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/hh.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits that keep a run within memory and time; st_cable_init refuses more. */
#define ST_CABLE_MAX_COMPARTMENTS 10000000u
/* Fewest compartments st_cable_run accepts: the velocity is measured between L/4 and 3L/4. */
#define ST_CABLE_MIN_COMPARTMENTS 4u

typedef enum st_cable_scheme {
    ST_CABLE_CN = 0, /* Crank-Nicolson (default) */
    ST_CABLE_BE,     /* backward Euler */
    ST_CABLE_SCHEME_COUNT
} st_cable_scheme;

typedef struct st_cable_params {
    st_hh_params hh;       /* membrane and temperature; prepared by st_cable_init */
    double diameter_um;    /* um */
    double length_mm;      /* mm */
    double ra_ohm_cm;      /* Ohm cm */
    size_t compartments;   /* N >= 1 */
} st_cable_params;

/* A cable being simulated: parameters, derived constants, state and work arrays. */
typedef struct st_cable {
    st_cable_params p;
    st_cable_scheme scheme;
    double dt_ms;          /* ms */
    size_t n;              /* compartments */
    double dx_um;          /* um, = L / N */
    double coupling;       /* a, mS/cm^2 */
    double stim_per_ua;    /* uA/cm^2 in compartment 0 per uA injected */
    double *v;             /* mV, n values at t = step * dt */
    double *m, *h, *nk;    /* gates, n values each, at t - dt/2 */
    double *cp, *dp;       /* Thomas sweep work arrays */
    uint64_t step;         /* steps since reset */
    bool fault;            /* v became non-finite; processing stopped */
    uint64_t fault_step;   /* time index where it happened */
} st_cable;

/* The 1952 benchmark axon: diameter 476 um, Ra 35.4 Ohm cm, 18.5 degrees C, NEURON's `hh`
 * membrane, length 50 mm in 500 compartments (dx = 100 um). */
ST_API st_cable_params st_cable_params_default(void);

/* "cn" / "be"; NULL for an invalid value. */
ST_API const char *st_cable_scheme_name(st_cable_scheme scheme);

/* Parses "cn" or "be" (also "crank-nicolson", "backward-euler"). ST_ERR_INVAL with
 * "--scheme: ..." otherwise. */
ST_API st_status st_cable_scheme_parse(const char *name, st_cable_scheme *out, st_error *err);

/* Validates 'p' (and prepares p->hh): diameter, length and Ra finite and > 0, 1 <= N <=
 * ST_CABLE_MAX_COMPARTMENTS, the membrane as st_hh_prepare. ST_ERR_INVAL naming the flag
 * ("--diameter-um: ...") otherwise. */
ST_API st_status st_cable_check(st_cable_params *p, st_error *err);

/* Checks 'p', 'scheme' and dt_ms (finite, > 0), allocates the arrays through the allocator
 * hook and resets the cable to rest. ST_ERR_INVAL or ST_ERR_NOMEM; on failure nothing is
 * left allocated and 'c' is zeroed. */
ST_API st_status st_cable_init(st_cable *c, const st_cable_params *p, st_cable_scheme scheme,
                               double dt_ms, st_error *err);

/* Back to rest: v = -65 mV, gates at their steady state, step 0, no fault. */
ST_API void st_cable_reset(st_cable *c);

/* Advances n steps; during step i a current stim_ua[i] (uA; stim_ua may be NULL for none)
 * flows into compartment 0. Never allocates or fails; a non-finite v sets c->fault and
 * c->fault_step and stops. */
ST_API void st_cable_process(st_cable *c, const double *stim_ua, size_t n);

/* Frees the arrays and zeroes 'c'. NULL-safe, idempotent. */
ST_API void st_cable_free(st_cable *c);

/* Centre of compartment i, mm. */
ST_API double st_cable_x_mm(const st_cable *c, size_t i);

/* v at position x_mm, interpolated linearly between the two nearest compartment centres
 * (clamped to the first and last centre). */
typedef struct st_cable_probe {
    double x_mm;   /* mm */
    size_t i;      /* left neighbour */
    double w;      /* weight of compartment i + 1 */
} st_cable_probe;

ST_API st_cable_probe st_cable_probe_at(const st_cable *c, double x_mm);
ST_API double st_cable_probe_v(const st_cable *c, const st_cable_probe *pr);

/* ---- the conduction experiment ---------------------------------------------------------- */

typedef struct st_cable_config {
    st_cable_params cable;
    st_cable_scheme scheme;
    double dt_ms;          /* ms */
    double duration_ms;    /* ms: round(duration / dt) steps */
    double stim_ua;        /* uA into compartment 0 ... */
    double stim_ms;        /* ... during the steps that start at t_k < stim_ms */
} st_cable_config;

/* What st_cable_run measures. Crossings are upward crossings of 0 mV, interpolated linearly
 * in time between samples and in space between compartment centres. */
typedef struct st_cable_result {
    uint64_t steps;
    bool conducted;        /* both velocity points were crossed */
    double x_mm[3];        /* measuring points L/4, L/2, 3L/4, mm */
    double t_cross_ms[3];  /* first crossing at each point, ms; NAN if none */
    double velocity_m_s;   /* (x[2] - x[0]) / (t[2] - t[0]), m/s; NAN if not conducted */
    double rest_mv;        /* v at L/2 at t = 0, mV */
    double peak_mv;        /* peak of the first spike at L/2, mV; NAN if none */
    double width_ms;       /* its full width at half amplitude (between rest and peak), ms */
} st_cable_result;

/* Called with the cable at t_j = j * dt: once with j = 0 (the resting start) and after every
 * step. Return 0 to go on, non-zero to stop (st_cable_run then returns the code the callback
 * set in 'err' with its message, or ST_ERR_IO). */
typedef int (*st_cable_step_fn)(void *ud, uint64_t j, const st_cable *c, st_error *err);

/* The default experiment: the default cable, CN, dt 0.01 ms, 6 ms, stimulus 20 uA for
 * 0.2 ms (a suprathreshold brief shock at x = 0). */
ST_API st_cable_config st_cable_config_default(void);

/* Validates 'cfg' without running it: the cable as st_cable_check, the scheme, dt finite and
 * > 0, duration finite and >= 0 and at most 2^40 steps, the stimulus finite with stim_ms >= 0,
 * and at least ST_CABLE_MIN_COMPARTMENTS. ST_ERR_INVAL naming the flag otherwise. */
ST_API st_status st_cable_config_check(const st_cable_config *cfg, st_error *err);

/* Validates 'cfg' (st_cable_config_check), runs it from rest, calls 'fn' (may be NULL) at
 * t_0 and after each step, and measures 'res'. On a blow-up returns ST_ERR_NUMERIC
 * with "axon: v is not finite at t = T ms (step K); try a smaller --dt (now DT ms)";
 * ST_ERR_NOMEM when memory runs out; ST_ERR_INVAL naming the flag for a bad 'cfg'. */
ST_API st_status st_cable_run(const st_cable_config *cfg, st_cable_step_fn fn, void *ud,
                              st_cable_result *res, st_error *err);

/* ---- recording a run ---------------------------------------------------------------------- */

#define ST_CABLE_MAX_PROBES 8

/* What a run leaves for figures and traces: the space-time image v(x, t) and v(t) at fixed
 * points, each bounded in size however long the run. */
typedef struct st_cable_record {
    /* the image: column c holds v at t = c * tstride * dt, row r the compartment
     * floor((r + 1/2) N / ny), from x = 0 up; NAN where the run did not reach */
    double *z;
    size_t nx, ny;
    uint64_t tstride;
    double *xs;                              /* ny: each row's position, mm */
    /* v(t) at fixed points, every pstride-th step */
    size_t n_at;
    double at_mm[ST_CABLE_MAX_PROBES];       /* mm */
    st_cable_probe probe[ST_CABLE_MAX_PROBES];
    double *t_ms, *v_mv[ST_CABLE_MAX_PROBES];
    size_t n, cap;
    uint64_t pstride;
    double dt_ms, duration_ms, length_mm;    /* of the run it records */
} st_cable_record;

/* Prepares a record of a run of 'c': an image of at most max_cols x max_rows cells and at
 * most max_points samples of v at each of the n_at (<= ST_CABLE_MAX_PROBES) positions. The
 * positions must lie on the axon. ST_ERR_INVAL naming --at, ST_ERR_NOMEM. */
ST_API st_status st_cable_record_init(st_cable_record *r, const st_cable_config *c,
                                      const double *at_mm, size_t n_at, size_t max_cols,
                                      size_t max_rows, size_t max_points, st_error *err);

/* An st_cable_step_fn with 'ud' an st_cable_record: takes what it keeps of step j. */
ST_API int st_cable_record_step(void *ud, uint64_t j, const st_cable *c, st_error *err);

ST_API void st_cable_record_free(st_cable_record *r);

#ifdef __cplusplus
}
#endif
#endif
