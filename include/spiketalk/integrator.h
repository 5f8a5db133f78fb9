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
 *   ST_INT_RK4         classical fourth-order Runge-Kutta on (v, u).
 * Spike detection and reset happen after the step, whatever the integrator. */
typedef enum st_integrator {
    ST_INT_EULER = 0,
    ST_INT_SYMPLECTIC,
    ST_INT_IZH2003,
    ST_INT_RK4,
    ST_INT_COUNT
} st_integrator;

#define ST_INT_BIT(i) (1u << (unsigned)(i))

/* "euler", "symplectic", "izh2003", "rk4"; NULL for an invalid value. */
ST_API const char *st_integrator_name(st_integrator how);

/* One-line description of 'how' for --help; "" for an invalid value. */
ST_API const char *st_integrator_help(st_integrator how);

/* Parses a name (case-insensitive). On failure returns ST_ERR_INVAL with
 * "--integrator: unknown integrator 'NAME' (choose euler, symplectic, izh2003 or rk4)". */
ST_API st_status st_integrator_parse(const char *name, st_integrator *out, st_error *err);

#ifdef __cplusplus
}
#endif
#endif
