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
 *   ST_INT_SYMPLECTIC  v first, then u from the new v (semi-implicit / symplectic Euler), in
 *                      the floating-point order of Izhikevich's 2004 figure script:
 *                      v + dt*(0.04*(v*v) + 5*v + 140 - u + I), u + (dt*a)*(b*v - u);
 *   ST_INT_IZH2003     two half steps of v (dt/2 each), then u from the new v (the 2003
 *                      network code, there with dt = 1 ms);
 *   ST_INT_RK4         classical fourth-order Runge-Kutta on (v, u);
 *   ST_INT_RUSH_LARSEN Hodgkin-Huxley only: each gate x advanced exactly for the step with its
 *                      rates frozen at the old v (exponential Euler, Rush & Larsen 1978),
 *                      v by forward Euler. The Izhikevich models do not offer it;
 *   ST_INT_STUDY       the same scheme as symplectic in the floating-point order of the study's
 *                      Python loop, left to right in double: v + h*(0.04*v*v + 5*v + 140 - u + I)
 *                      = (0.04*v)*v, then u + h*(a*(b*v - u)). Only the 2003 model offers it.
 *                      At h = 0.5 or 0.2 ms the last bit of each step decides whole-step shifts
 *                      of later spikes, so the study's presets and recipes use this order and
 *                      the 2004 features the figure script's (symplectic).
 * Spike detection and reset happen after the step, whatever the integrator. A model lists the
 * integrators it offers in its registry mask (ST_INT_BIT). */
typedef enum st_integrator {
    ST_INT_EULER = 0,
    ST_INT_SYMPLECTIC,
    ST_INT_IZH2003,
    ST_INT_RK4,
    ST_INT_RUSH_LARSEN,
    ST_INT_STUDY,
    ST_INT_COUNT
} st_integrator;

#define ST_INT_BIT(i) (1u << (unsigned)(i))

/* "euler", "symplectic", "izh2003", "rk4", "rush-larsen", "study"; NULL for an invalid value. */
ST_API const char *st_integrator_name(st_integrator how);

/* One-line description of 'how' for --help; "" for an invalid value. */
ST_API const char *st_integrator_help(st_integrator how);

/* Parses a name (case-insensitive). On failure returns ST_ERR_INVAL with
 * "--integrator: unknown integrator 'NAME' (choose euler, symplectic, izh2003, rk4,
 * rush-larsen or study)". */
ST_API st_status st_integrator_parse(const char *name, st_integrator *out, st_error *err);

#ifdef __cplusplus
}
#endif
#endif
