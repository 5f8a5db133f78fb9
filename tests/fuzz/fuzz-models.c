/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness: each registry model's check and process functions with arbitrary
 * parameters, initial state, step, integrator and input current. Properties: the check either
 * accepts the parameters or refuses them naming one ("--NAME: ..."), never misbehaving on any
 * value (NaN and infinities included); a run with accepted parameters either keeps v finite at
 * every step or reports a fault at the step where it stopped being so; spike stamps lie within
 * the run, in order. Models get the contract they document: checked parameters, finite v0, u0
 * and dt > 0 (what st_sim_check enforces); the current may be anything. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spiketalk/registry.h"
#include "spiketalk/sim.h"

#include "fuzz-reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STEPS 512

/* Any double: every bit pattern, NaN and infinities included. */
static double any(reader *r)
{
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
        bits |= (uint64_t)byte(r) << (8 * i);
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/* A value near 'def': the default scaled by a factor from 1e-3 to 1e3 or negated, or (one time
 * in four) any double - plausible values reach the dynamics, wild ones the checks. */
static double near(reader *r, double def)
{
    unsigned k = byte(r);
    if (k < 64)
        return any(r);
    double f = pow(10.0, ((double)byte(r) - 128.0) / 42.0);
    return (k & 1 ? -1.0 : 1.0) * (isfinite(def) && def != 0 ? def : 1.0) * f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size};
    const st_model *m = st_model_get((st_model_id)(byte(&r) % ST_MODEL_COUNT));
    st_model_params p = st_model_default_params(m);
    if (m->n_presets) {
        st_sim_config sim;
        if (st_sim_config_init(&sim, m, &m->presets[byte(&r) % m->n_presets], NULL) == ST_OK)
            p = sim.params;
    }
    /* some parameters moved */
    unsigned moves = byte(&r) % 4;
    for (unsigned i = 0; i < moves && m->n_params; i++) {
        const st_param_desc *d = &m->params[byte(&r) % m->n_params];
        st_param_set(&p, d, near(&r, st_param_get(&p, d)));
    }
    st_error err = {0};
    if (m->check(&p, &err) != ST_OK) {
        if (err.code != ST_ERR_INVAL || !err.msg[0]) {
            fprintf(stderr, "fuzz-models: %s: a refusal without a reason\n", m->name);
            abort();
        }
        return 0;
    }
    double v0 = near(&r, m->rest_v(&p)), dt = fabs(near(&r, m->default_dt_ms));
    double u0 = byte(&r) & 1 ? m->default_u0(&p, v0) : near(&r, 1.0);
    if (!isfinite(v0) || !isfinite(u0) || !(dt > 0) || !isfinite(dt))
        return 0;
    st_integrator how = m->default_integrator;
    unsigned k = byte(&r);
    for (int i = 0; i < ST_INT_COUNT; i++) {
        int h = (int)((k + (unsigned)i) % ST_INT_COUNT);
        if (m->integrators & ST_INT_BIT(h)) {
            how = (st_integrator)h;
            break;
        }
    }
    static double I[MAX_STEPS], v[MAX_STEPS], u[MAX_STEPS];
    size_t n = 1 + byte(&r) % MAX_STEPS;
    double level = near(&r, 10.0);
    for (size_t i = 0; i < n; i++)
        I[i] = r.n >= 8 && byte(&r) < 16 ? any(&r) : level;
    st_spikes sp = {0};
    if (st_spikes_reserve(&sp, n + 1))
        abort();
    st_model_state s;
    memset(&s, 0, sizeof s);
    m->reset(&s, &p, v0, u0);
    (void)m->vpeak(&p);
    m->process(&s, &p, how, dt, I, v, u, n, &sp);
    uint64_t fault = m->fault_step(&s);
    /* before a fault (or everywhere without one) v is finite */
    size_t good = fault ? (size_t)(fault - 1) : n;
    if (fault && (fault < 1 || fault > n)) {
        fprintf(stderr, "fuzz-models: %s: fault at step %llu of %zu\n", m->name,
                (unsigned long long)fault, n);
        abort();
    }
    for (size_t i = 0; i < good && i < n; i++) {
        if (!isfinite(v[i])) {
            fprintf(stderr, "fuzz-models: %s (%s, dt %g): v[%zu] = %g without a fault\n",
                    m->name, st_integrator_name(how), dt, i, v[i]);
            abort();
        }
    }
    for (size_t i = 0; i < sp.count; i++)
        if (sp.step[i] < 1 || sp.step[i] > n || (i && sp.step[i] < sp.step[i - 1])) {
            fprintf(stderr, "fuzz-models: %s: spike stamp %llu out of order or range\n",
                    m->name, (unsigned long long)sp.step[i]);
            abort();
        }
    st_spikes_free(&sp);
    return 0;
}
