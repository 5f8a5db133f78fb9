/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running a single neuron under a stimulus protocol: configuration, validation and the block loop
 * that the CLI, the GUI and the tests share. */
#ifndef SPIKETALK_SIM_H
#define SPIKETALK_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "spiketalk/registry.h"
#include "spiketalk/stimulus.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Steps per block of the simulation loop. */
#define ST_SIM_BLOCK 4096

typedef struct st_sim_config {
    const st_model *model;
    st_model_params params;
    double v0_mv;            /* initial v, mV */
    double u0;               /* initial u (units of I) */
    st_stimulus stim;        /* input current I(t) */
    st_integrator how;
    double dt_ms;            /* step, ms */
    double duration_ms;      /* simulated time, ms: the run takes round(duration/dt) steps */
} st_sim_config;

/* Fills 'cfg' with model 'm' and preset 'p' (NULL: the model's default preset): its params,
 * v0, u0 (the model's default when the preset gives none), input, dt, duration and integrator,
 * each taken from the model's defaults where the preset leaves it open. Returns ST_ERR_INVAL
 * only if a built-in protocol string fails to parse (a bug, reported rather than asserted). */
ST_API st_status st_sim_config_init(st_sim_config *cfg, const st_model *m, const st_preset *p,
                                    st_error *err);

/* Validates everything before the run: dt > 0 and finite ("--dt: ..."), duration >= 0 and
 * finite ("--duration: ..."), at most 2^40 steps, v0/u0 finite, an integrator the model offers,
 * and the model's parameter check. */
ST_API st_status st_sim_check(const st_sim_config *cfg, st_error *err);

/* Number of steps of the run: round(duration / dt). */
ST_API uint64_t st_sim_steps(const st_sim_config *cfg);

/* Called after each block: steps k0 .. k0+n-1 used I[i] = I(t_{k0+i}) and produced the state
 * v[i], u[i] at t_{k0+i+1}. Return 0 to go on, non-zero to stop the run (st_sim_run then
 * returns ST_ERR_IO, keeping the message the callback put in 'err' if any). */
typedef int (*st_sim_block_fn)(void *ud, uint64_t k0, const double *I, const double *v,
                               const double *u, size_t n, st_error *err);

/* Runs the configured simulation in blocks of ST_SIM_BLOCK steps. Spike stamps go to 'spikes'
 * (grown as needed; may be NULL). 'fn' may be NULL. 'final' (may be NULL) receives the final
 * state. On a numerical blow-up returns ST_ERR_NUMERIC with "simulation: v is not finite at
 * t = T ms (step K); try a smaller --dt (now DT ms)". ST_ERR_NOMEM if spikes cannot grow. */
ST_API st_status st_sim_run(const st_sim_config *cfg, st_sim_block_fn fn, void *ud,
                            st_spikes *spikes, st_model_state *final, st_error *err);

/* A whole run in memory: n + 1 samples t_0 .. t_n of t, I, v, u (v, u at t_0 are v0, u0). */
typedef struct st_sim_trace {
    size_t n;          /* steps; arrays hold n + 1 values */
    double *t_ms;
    double *current;   /* I(t_k) */
    double *v_mv;
    double *u;
    st_spikes spikes;
} st_sim_trace;

/* Runs 'cfg' and stores the whole trace (allocated through the hook; free with
 * st_sim_trace_free). On failure the trace is freed and zeroed. For runs of moderate length:
 * ST_ERR_INVAL if the run has more than 2^27 steps. */
ST_API st_status st_sim_collect(const st_sim_config *cfg, st_sim_trace *out, st_error *err);

/* st_sim_collect that also calls 'fn' (may be NULL) after each block is stored, with the
 * block's steps as st_sim_run gives them: a non-zero return stops the run, frees the trace and
 * returns the code 'fn' set in 'err', or ST_ERR_IO. */
ST_API st_status st_sim_collect_fn(const st_sim_config *cfg, st_sim_block_fn fn, void *ud,
                                   st_sim_trace *out, st_error *err);

ST_API void st_sim_trace_free(st_sim_trace *tr);

#ifdef __cplusplus
}
#endif
#endif
