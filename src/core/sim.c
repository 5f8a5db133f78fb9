/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The single-neuron simulation loop: validation, block stepping, fault reporting, traces. */
#include "spiketalk/sim.h"

#include <math.h>
#include <string.h>

#include "core-private.h"

#define MAX_STEPS (UINT64_C(1) << 40)
#define MAX_COLLECT (UINT64_C(1) << 27)

st_status st_sim_config_init(st_sim_config *cfg, const st_model *m, const st_preset *p,
                             st_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->model = m;
    if (!p)
        p = st_preset_find(m, m->default_preset, -1);
    cfg->params = p ? p->params : st_model_default_params(m);
    cfg->v0_mv = p ? p->v0_mv : m->rest_v(&cfg->params);
    cfg->u0 = (p && !isnan(p->u0)) ? p->u0 : m->default_u0(&cfg->params, cfg->v0_mv);
    cfg->how = (p && p->has_integrator) ? p->integrator : m->default_integrator;
    cfg->dt_ms = (p && p->dt_ms > 0) ? p->dt_ms : m->default_dt_ms;
    cfg->duration_ms = (p && p->duration_ms > 0) ? p->duration_ms : m->default_duration_ms;
    const char *input = (p && p->input) ? p->input : m->default_input;
    return st_stimulus_parse(input, &cfg->stim, "preset input", err);
}

st_status st_sim_check(const st_sim_config *cfg, st_error *err)
{
    if (!(cfg->dt_ms > 0) || !isfinite(cfg->dt_ms))
        return st_error_set(err, ST_ERR_INVAL, "--dt: must be a finite number > 0 ms (got %g)",
                            cfg->dt_ms);
    if (!(cfg->duration_ms >= 0) || !isfinite(cfg->duration_ms))
        return st_error_set(err, ST_ERR_INVAL,
                            "--duration: must be a finite number >= 0 ms (got %g)",
                            cfg->duration_ms);
    if (cfg->duration_ms / cfg->dt_ms > (double)MAX_STEPS)
        return st_error_set(err, ST_ERR_INVAL,
                            "--duration: %g ms at --dt %g ms is more than 2^40 steps",
                            cfg->duration_ms, cfg->dt_ms);
    if (!isfinite(cfg->v0_mv))
        return st_error_set(err, ST_ERR_INVAL, "--v0: must be a finite number");
    if (!isfinite(cfg->u0))
        return st_error_set(err, ST_ERR_INVAL, "--u0: must be a finite number");
    if ((unsigned)cfg->how >= ST_INT_COUNT || !(cfg->model->integrators & ST_INT_BIT(cfg->how)))
        return st_error_set(err, ST_ERR_INVAL, "--integrator: not offered by model %s",
                            cfg->model->name);
    return cfg->model->check(&cfg->params, err);
}

uint64_t st_sim_steps(const st_sim_config *cfg)
{
    return (uint64_t)llround(cfg->duration_ms / cfg->dt_ms);
}

st_status st_sim_run(const st_sim_config *cfg, st_sim_block_fn fn, void *ud, st_spikes *spikes,
                     st_model_state *final, st_error *err)
{
    st_status st = st_sim_check(cfg, err);
    if (st)
        return st;
    const st_model *m = cfg->model;
    st_model_state s;
    m->reset(&s, &cfg->params, cfg->v0_mv, cfg->u0);
    double I[ST_SIM_BLOCK], v[ST_SIM_BLOCK], u[ST_SIM_BLOCK];
    uint64_t total = st_sim_steps(cfg);
    for (uint64_t k0 = 0; k0 < total; k0 += ST_SIM_BLOCK) {
        size_t n = total - k0 < ST_SIM_BLOCK ? (size_t)(total - k0) : ST_SIM_BLOCK;
        if (spikes && st_spikes_reserve(spikes, n))
            return st_error_set(err, ST_ERR_NOMEM, "simulation: out of memory for spikes");
        st_stimulus_render(&cfg->stim, k0, cfg->dt_ms, I, n);
        m->process(&s, &cfg->params, cfg->how, cfg->dt_ms, I, fn ? v : NULL, fn ? u : NULL, n,
                   spikes);
        uint64_t fault = m->fault_step(&s);
        if (fault) {
            st = st_error_set(err, ST_ERR_NUMERIC,
                              "simulation: v is not finite at t = %g ms (step %llu); try a "
                              "smaller --dt (now %g ms)",
                              (double)fault * cfg->dt_ms, (unsigned long long)fault,
                              cfg->dt_ms);
            n = (size_t)(fault - 1 - k0);
        }
        if (fn && n && fn(ud, k0, I, v, u, n, err))
            return (err && err->code) ? err->code : ST_ERR_IO;
        if (st)
            break;
    }
    if (final)
        *final = s;
    return st;
}

/* ---- in-memory traces ------------------------------------------------------------------- */

typedef struct collector {
    st_sim_trace *tr;
    st_sim_block_fn fn;   /* the caller's, after each block is stored; may be NULL */
    void *ud;
} collector;

static int collect_block(void *ud, uint64_t k0, const double *I, const double *v,
                         const double *u, size_t n, st_error *err)
{
    collector *c = ud;
    st_sim_trace *tr = c->tr;
    memcpy(tr->current + k0, I, n * sizeof *I);
    memcpy(tr->v_mv + k0 + 1, v, n * sizeof *v);
    memcpy(tr->u + k0 + 1, u, n * sizeof *u);
    return c->fn ? c->fn(c->ud, k0, I, v, u, n, err) : 0;
}

st_status st_sim_collect(const st_sim_config *cfg, st_sim_trace *out, st_error *err)
{
    return st_sim_collect_fn(cfg, NULL, NULL, out, err);
}

st_status st_sim_collect_fn(const st_sim_config *cfg, st_sim_block_fn fn, void *ud,
                            st_sim_trace *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    st_status st = st_sim_check(cfg, err);
    if (st)
        return st;
    uint64_t n = st_sim_steps(cfg);
    if (n > MAX_COLLECT)
        return st_error_set(err, ST_ERR_INVAL, "--duration: %llu steps are too many to keep",
                            (unsigned long long)n);
    out->n = (size_t)n;
    out->t_ms = st_calloc(out->n + 1, sizeof(double));
    out->current = st_calloc(out->n + 1, sizeof(double));
    out->v_mv = st_calloc(out->n + 1, sizeof(double));
    out->u = st_calloc(out->n + 1, sizeof(double));
    if (!out->t_ms || !out->current || !out->v_mv || !out->u) {
        st_sim_trace_free(out);
        return st_error_set(err, ST_ERR_NOMEM, "simulation: out of memory for the trace");
    }
    for (size_t k = 0; k <= out->n; k++)
        out->t_ms[k] = (double)k * cfg->dt_ms;
    out->v_mv[0] = cfg->v0_mv;
    out->u[0] = cfg->u0;
    out->current[out->n] = st_stimulus_at(&cfg->stim, out->t_ms[out->n]);
    collector col = {out, fn, ud};
    st = st_sim_run(cfg, collect_block, &col, &out->spikes, NULL, err);
    if (st)
        st_sim_trace_free(out);
    return st;
}

void st_sim_trace_free(st_sim_trace *tr)
{
    st_free(tr->t_ms);
    st_free(tr->current);
    st_free(tr->v_mv);
    st_free(tr->u);
    st_spikes_free(&tr->spikes);
    memset(tr, 0, sizeof *tr);
}
