/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Izhikevich (2003) simple spiking neuron, in the dimensionless form of the 2003/2004 papers.
 *
 * Equations (time in ms, v in mV, u and I dimensionless):
 *     v' = q2 v^2 + q1 v + q0 - u + I          (q2, q1, q0 = 0.04, 5, 140)
 *     u' = a (b (v - uv) - udecay u)           (uv = 0, udecay = 1: u' = a (b v - u))
 *     if v > vpeak:  v <- c,  u <- u + d       (spike; vpeak = 30)
 * The generalised coefficients express the modified equations of three of the 2004 features:
 * (G) class 1 excitable and (L) integrator use v' = 0.04 v^2 + 4.1 v + 108 - u + I, and
 * (R) accommodation uses u' = a b (v + 65) (uv = -65, udecay = 0).
 *
 * Parameters:
 *     a       1/ms   time scale of the recovery variable u        (RS: 0.02)
 *     b       -      sensitivity of u to v                        (RS: 0.2)
 *     c       mV     after-spike reset of v                       (RS: -65)
 *     d       -      after-spike increment of u                   (RS: 8)
 *     vpeak   mV     spike cut-off                                (30)
 *     q2, q1, q0     coefficients of the v equation (1/(mV ms), 1/ms, mV/ms)
 *     uv      mV     voltage offset in the u equation              (0)
 *     udecay  -      1 for the standard -u decay, 0 for (R)       (1)
 *
 * Spike test: strictly v > vpeak, after the whole step (as the study and Izhikevich's 2004
 * figure script do). The 2007 book form (izh07.h) uses v >= vpeak, as the book's code does.
 *
 * Time convention: the update that uses the input I_k = I(t_k) advances the state from t_k to
 * t_{k+1} = t_k + dt; a spike is stamped t_{k+1}, the end of the step in which v passed vpeak.
 * Integrators: euler, symplectic, izh2003, rk4, and study. 'symplectic' evaluates in the order
 * of Izhikevich's 2004 figure script, q2*(v*v) + q1*v + q0 - u + I and (dt*a)*(...), which the
 * 20 features use; 'study' is the same scheme in the order of the study's Python loop,
 * dt*(q2*v*v + q1*v + q0 - u + I) = (q2*v)*v and dt*(a*(...)), which the seven study presets and
 * the seed recipes use. Each reproduces its reference's spikes exactly (build without FMA
 * contraction: -ffp-contract=off).
 *
 * E. M. Izhikevich, Simple model of spiking neurons, IEEE Trans. Neural Networks 14:1569 (2003);
 * Which model to use for cortical spiking neurons?, IEEE Trans. Neural Networks 15:1063 (2004). */
#ifndef SPIKETALK_IZH_H
#define SPIKETALK_IZH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/integrator.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_izh_params {
    double a;          /* 1/ms */
    double b;          /* dimensionless */
    double c;          /* mV */
    double d;          /* dimensionless (units of u) */
    double vpeak_mv;   /* mV */
    double q2;         /* 1/(mV ms) */
    double q1;         /* 1/ms */
    double q0;         /* mV/ms */
    double uv_mv;      /* mV */
    double udecay;     /* dimensionless */
} st_izh_params;

typedef struct st_izh_state {
    double v_mv;          /* mV, at t_step */
    double u;             /* units of I */
    uint64_t step;        /* steps taken since reset: the state is at t = step * dt */
    bool fault;           /* v or u became non-finite; processing stopped */
    uint64_t fault_step;  /* time index where it happened (t = fault_step * dt) */
} st_izh_state;

/* The standard coefficients with a, b, c, d = RS (0.02, 0.2, -65, 8), vpeak 30. */
ST_API st_izh_params st_izh_params_default(void);

/* Validates 'p': all finite, vpeak > c. ST_ERR_INVAL naming the parameter on failure. */
ST_API st_status st_izh_params_check(const st_izh_params *p, st_error *err);

/* Sets v = v0_mv, u = u0, step 0, no fault. */
ST_API void st_izh_reset(st_izh_state *s, double v0_mv, double u0);

/* Advances n steps of dt_ms with current[i] as I during step i. Writes the state after each
 * step (after any reset) to v_out[i] and u_out[i] when they are not NULL, and records spike
 * stamps in 'spikes' (may be NULL). Never allocates or fails; if v or u becomes non-finite it
 * sets s->fault and s->fault_step, writes NAN to the remaining outputs and stops: the caller
 * checks s->fault after each block. Requires dt_ms > 0 and a valid 'how'. */
ST_API void st_izh_process(st_izh_state *s, const st_izh_params *p, st_integrator how,
                           double dt_ms, const double *current, double *v_out, double *u_out,
                           size_t n, st_spikes *spikes);

#ifdef __cplusplus
}
#endif
#endif
