/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The named integration schemes that the neuron models offer. */
#ifndef SPIKETALK_INTEGRATOR_H
#define SPIKETALK_INTEGRATOR_H

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How one step of length dt advances the state (v, u) of a two-variable model with the input
 * current I_k held constant over the step:
 *   ST_INT_EULER       forward Euler: v and u both from the old state;
 *   ST_INT_SYMPLECTIC  v first, then u from the new v (the study and Izhikevich's 2004
 *                      figure script: semi-implicit / symplectic Euler);
 *   ST_INT_IZH2003     two half steps of v (dt/2 each), then u from the new v (the 2003
 *                      network code, there with dt = 1 ms);
 *   ST_INT_RK4         classical fourth-order Runge-Kutta on (v, u);
 *   ST_INT_RUSH_LARSEN Hodgkin-Huxley only: each gate x advanced exactly for the step with its
 *                      rates frozen at the old v (exponential Euler, Rush & Larsen 1978),
 *                      v by forward Euler. The Izhikevich models do not offer it.
 * Spike detection and reset happen after the step, whatever the integrator. A model lists the
 * integrators it offers in its registry mask (ST_INT_BIT). */
typedef enum st_integrator {
    ST_INT_EULER = 0,
    ST_INT_SYMPLECTIC,
    ST_INT_IZH2003,
    ST_INT_RK4,
    ST_INT_RUSH_LARSEN,
    ST_INT_COUNT
} st_integrator;

#define ST_INT_BIT(i) (1u << (unsigned)(i))

/* "euler", "symplectic", "izh2003", "rk4", "rush-larsen"; NULL for an invalid value. */
ST_API const char *st_integrator_name(st_integrator how);

/* One-line description of 'how' for --help; "" for an invalid value. */
ST_API const char *st_integrator_help(st_integrator how);

/* Parses a name (case-insensitive). On failure returns ST_ERR_INVAL with
 * "--integrator: unknown integrator 'NAME' (choose euler, symplectic, izh2003, rk4 or
 * rush-larsen)". */
ST_API st_status st_integrator_parse(const char *name, st_integrator *out, st_error *err);

#ifdef __cplusplus
}
#endif
#endif
