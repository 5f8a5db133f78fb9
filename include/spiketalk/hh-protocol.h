/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Protocols of the Hodgkin-Huxley point neuron (hh.h): a run from rest under a stimulus, with
 * every time point's state and currents, and the f-I curve with its two thresholds found by
 * bisection. The CLI, the app and the Python module run these; none of them re-implements
 * them. */
#ifndef SPIKETALK_HH_PROTOCOL_H
#define SPIKETALK_HH_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "spiketalk/hh.h"
#include "spiketalk/stimulus.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A point neuron run: prepared parameters, the integrator, the step and the resting start. */
typedef struct st_hh_run_config {
    st_hh_params p;      /* prepared (st_hh_prepare) */
    st_integrator how;   /* euler, rk4 or rush-larsen */
    double dt_ms;        /* ms */
    double v0_mv;        /* mV: the run starts at rest at v0 (gates at their steady state) */
    /* Optional: told after each block of steps how many were taken (a progress meter; the
     * f-I curve's runs one after another). A non-zero return stops the run: st_hh_run and
     * st_hh_fi_curve return the code it set in 'err', or ST_ERR_IO "hh: stopped". */
    int (*on_steps)(void *ud, uint64_t n, st_error *err);
    void *steps_ud;
    /* Optional: what the caller knows to be wrong with the parameters (an absurd Cm, say),
     * named in the blow-up message as its likely cause instead of the step. */
    const char *fault_hint;
} st_hh_run_config;

/* The columns of one time point: t_ms, I, v, m, h, n, INa, IK, IL (the trace's columns). */
enum { ST_HH_COL_T, ST_HH_COL_I, ST_HH_COL_V, ST_HH_COL_M, ST_HH_COL_H, ST_HH_COL_N,
       ST_HH_COL_INA, ST_HH_COL_IK, ST_HH_COL_IL, ST_HH_COLS };

/* Called with each time point t_0 .. t_N; non-zero stops the run (ST_ERR_IO, or the code the
 * callback set in 'err'). */
typedef int (*st_hh_row_fn)(void *ud, const double row[ST_HH_COLS], st_error *err);

/* Beyond this the input current is outside any membrane's range (uA/cm^2): a blow-up under it
 * is the input's fault, not the step's. */
#define ST_HH_HUGE_CURRENT 1e6

/* Runs round(duration / dt) steps from rest under 'stim', appending spike times to 'sp'
 * (grown as needed) and handing every time point to 'fn' (may be NULL). ST_ERR_NUMERIC on a
 * blow-up, naming its likeliest cause: "hh: v is not finite at t = T ms (step K), where the
 * input current is I uA/cm^2: far outside what the membrane can follow; ..." beyond
 * ST_HH_HUGE_CURRENT, else "...; HINT: the likely cause, rather than the step (--dt DT ms)"
 * with a fault_hint, else "...; try a smaller --dt (now DT ms)". ST_ERR_NOMEM. */
ST_API st_status st_hh_run(const st_hh_run_config *c, const st_stimulus *stim,
                           double duration_ms, st_hh_spikes *sp, st_hh_row_fn fn, void *ud,
                           st_error *err);

/* ---- the f-I curve ------------------------------------------------------------------------ */

#define ST_HH_FI_STEP_MS 500.0   /* each current is a step from rest this long */
#define ST_HH_FI_TAIL_MS 100.0   /* repetitive firing: a spike in the step's last 100 ms */
#define ST_HH_FI_TOL 0.01        /* the thresholds to this many uA/cm^2 */

#define ST_HH_FI_MAX_POINTS 1001 /* grid points of one curve */
#define ST_HH_FI_MAX_STEPS 1e9   /* steps of one curve's runs together, bisections included */

/* The runs of a curve of n grid points 'step' apart: n, and two thresholds' bisections from
 * 'step' down to ST_HH_FI_TOL (a progress meter's total, in runs). */
ST_API double st_hh_fi_runs(double step, size_t n);

/* The grid FROM:TO:STEP of `spiketalk hh --fi` ('text': the option as given, for the
 * messages): *n points from, from + step, ... up to 'to' (within 1e-9 of a step), checked as
 * the command checks it: ST_ERR_INVAL "--fi: 'TEXT': needs STEP > 0 and TO >= FROM",
 * "--fi: 'TEXT' gives N currents; at most 1001", or "--fi: R runs of 500 ms at --dt DT ms are S
 * steps; a command may take at most 1e+09 (use fewer currents or a larger --dt)". */
ST_API st_status st_hh_fi_grid(const char *text, double from, double to, double step,
                               double dt_ms, size_t *n, st_error *err);

typedef struct st_hh_fi_point {
    double I_ua_cm2;         /* the step's current, uA/cm^2 */
    st_hh_spikes spikes;     /* its spike times */
    double rate_hz;          /* spikes / 0.5 s */
    double steady_hz;        /* 1 / the last interval when repetitive, else 0 */
} st_hh_fi_point;

typedef struct st_hh_fi {
    size_t n;
    st_hh_fi_point *pts;             /* n points, from + k * step */
    double threshold_single;         /* lowest current for at least one spike; NAN when none
                                        fires on the grid or the first point already does */
    double threshold_repetitive;     /* lowest current for repetitive firing; NAN likewise */
} st_hh_fi;

/* At least one spike in the step. */
ST_API bool st_hh_fi_fires(const st_hh_spikes *sp);

/* Sustained repetitive firing: at least two spikes, the last in the final ST_HH_FI_TAIL_MS. */
ST_API bool st_hh_fi_repetitive(const st_hh_spikes *sp);

/* "none", "single", "transient" (several, not sustained) or "repetitive". */
ST_API const char *st_hh_fi_pattern(const st_hh_spikes *sp);

/* The f-I curve on the grid from + k step (k < n, n >= 1): a ST_HH_FI_STEP_MS step of each
 * current from rest, then each threshold by bisection to ST_HH_FI_TOL between the grid points
 * where its answer changes. On failure 'out' is freed and zeroed. */
ST_API st_status st_hh_fi_curve(const st_hh_run_config *c, double from, double step, size_t n,
                                st_hh_fi *out, st_error *err);

ST_API void st_hh_fi_free(st_hh_fi *fi);

#ifdef __cplusplus
}
#endif
#endif
