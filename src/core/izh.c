/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Izhikevich (2003) neuron: parameter checks and the per-integrator step loops. */
#include "spiketalk/izh.h"

#include <math.h>

#include "core-private.h"

st_izh_params st_izh_params_default(void)
{
    return (st_izh_params){.a = 0.02, .b = 0.2, .c = -65.0, .d = 8.0, .vpeak_mv = 30.0,
                           .q2 = 0.04, .q1 = 5.0, .q0 = 140.0, .uv_mv = 0.0, .udecay = 1.0};
}

st_status st_izh_params_check(const st_izh_params *p, st_error *err)
{
    const struct { const char *name; double x; } f[] = {
        {"a", p->a},   {"b", p->b},   {"c", p->c},   {"d", p->d},   {"vpeak", p->vpeak_mv},
        {"q2", p->q2}, {"q1", p->q1}, {"q0", p->q0}, {"uv", p->uv_mv}, {"udecay", p->udecay}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!isfinite(f[i].x))
            return st_error_set(err, ST_ERR_INVAL, "--%s: must be a finite number", f[i].name);
    if (!(p->c < p->vpeak_mv))
        return st_error_set(err, ST_ERR_INVAL,
                            "--c: the reset (%g mV) must lie below the peak vpeak (%g mV)", p->c,
                            p->vpeak_mv);
    return ST_OK;
}

void st_izh_reset(st_izh_state *s, double v0_mv, double u0)
{
    s->v_mv = v0_mv;
    s->u = u0;
    s->step = 0;
    s->fault = false;
    s->fault_step = 0;
}

/* ---- the step loop ---------------------------------------------------------------------- */

typedef struct coef {
    double q2, q1, q0, a, b, uv, udecay;
    bool plain;     /* uv = 0 and udecay = 1: the standard u equation */
} coef;

static inline double fv(const coef *k, double v, double u, double I)
{
    return k->q2 * (v * v) + k->q1 * v + k->q0 - u + I;
}

/* u' = a * gu. With the standard coefficients v - 0 is v and 1 * u is u exactly, so the plain
 * form gives the same bits with two operations fewer on the step's critical path ('plain' is
 * a compile-time constant after inlining). */
static ST_ALWAYS_INLINE double gu(const coef *k, bool plain, double v, double u)
{
    return plain ? k->b * v - u : k->b * (v - k->uv) - k->udecay * u;
}

/* One step of integrator 'how' (a compile-time constant after inlining). */
static ST_ALWAYS_INLINE void step(const coef *k, st_integrator how, bool plain, double dt,
                                  double I, double *pv, double *pu)
{
    double v = *pv, u = *pu;
    double dta = dt * k->a;
    switch (how) {
    case ST_INT_EULER: {
        double dv = dt * fv(k, v, u, I);
        u += dta * gu(k, plain, v, u);
        v += dv;
        break;
    }
    case ST_INT_SYMPLECTIC:
        v += dt * fv(k, v, u, I);
        u += dta * gu(k, plain, v, u);
        break;
    case ST_INT_STUDY:
        /* the study's Python, token for token: v + h * (0.04 * v * v + 5 * v + 140 - u + I),
         * then u + h * (a * (b * v - u)) (with uv = 0 and udecay = 1 these are exact) */
        v = v + dt * (k->q2 * v * v + k->q1 * v + k->q0 - u + I);
        u = u + dt * (k->a * gu(k, plain, v, u));
        break;
    case ST_INT_IZH2003:
        v += 0.5 * dt * fv(k, v, u, I);
        v += 0.5 * dt * fv(k, v, u, I);
        u += dta * gu(k, plain, v, u);
        break;
    default: { /* ST_INT_RK4 */
        double a = k->a, h2 = 0.5 * dt;
        double kv1 = fv(k, v, u, I), ku1 = a * gu(k, plain, v, u);
        double kv2 = fv(k, v + h2 * kv1, u + h2 * ku1, I);
        double ku2 = a * gu(k, plain, v + h2 * kv1, u + h2 * ku1);
        double kv3 = fv(k, v + h2 * kv2, u + h2 * ku2, I);
        double ku3 = a * gu(k, plain, v + h2 * kv2, u + h2 * ku2);
        double kv4 = fv(k, v + dt * kv3, u + dt * ku3, I);
        double ku4 = a * gu(k, plain, v + dt * kv3, u + dt * ku3);
        v += dt / 6.0 * (kv1 + 2.0 * kv2 + 2.0 * kv3 + kv4);
        u += dt / 6.0 * (ku1 + 2.0 * ku2 + 2.0 * ku3 + ku4);
        break;
    }
    }
    *pv = v;
    *pu = u;
}

static ST_ALWAYS_INLINE void run(st_izh_state *s, const st_izh_params *p, st_integrator how,
                                 bool plain, double dt, const double *current, double *v_out,
                                 double *u_out, size_t n, st_spikes *spikes)
{
    const coef k = {p->q2, p->q1, p->q0, p->a, p->b, p->uv_mv, p->udecay, plain};
    const double vpeak = p->vpeak_mv, c = p->c, d = p->d;
    double v = s->v_mv, u = s->u;
    uint64_t j = s->step;
    size_t i = 0;
    for (; i < n; i++) {
        step(&k, how, plain, dt, current[i], &v, &u);
        j++;
        /* Two compares on the common path: NaN fails both, -inf (a quadratic that opens
         * downward, q2 < 0, runs v there) the second. */
        if (!(v <= vpeak && v > -INFINITY)) {
            if (!(v > vpeak) || !isfinite(v) || !isfinite(u)) {
                s->fault = true;
                s->fault_step = j;
                break;
            }
            st_spikes_push(spikes, j);
            v = c;
            u += d;
        }
        if (v_out)
            v_out[i] = v;
        if (u_out)
            u_out[i] = u;
    }
    for (size_t r = i; r < n; r++) {
        if (v_out)
            v_out[r] = NAN;
        if (u_out)
            u_out[r] = NAN;
    }
    s->v_mv = v;
    s->u = u;
    s->step = j;
}

/* One instance of the loop per integrator and per form of the u equation. */
#define RUN(HOW)                                                                           \
    do {                                                                                   \
        if (plain)                                                                         \
            run(s, p, HOW, true, dt_ms, current, v_out, u_out, n, spikes);                 \
        else                                                                               \
            run(s, p, HOW, false, dt_ms, current, v_out, u_out, n, spikes);                \
    } while (0)

void st_izh_process(st_izh_state *s, const st_izh_params *p, st_integrator how, double dt_ms,
                    const double *current, double *v_out, double *u_out, size_t n,
                    st_spikes *spikes)
{
    if (s->fault)
        return;
    const bool plain = p->uv_mv == 0.0 && p->udecay == 1.0;
    switch (how) {
    case ST_INT_EULER:
        RUN(ST_INT_EULER);
        break;
    case ST_INT_SYMPLECTIC:
        RUN(ST_INT_SYMPLECTIC);
        break;
    case ST_INT_IZH2003:
        RUN(ST_INT_IZH2003);
        break;
    case ST_INT_STUDY:
        RUN(ST_INT_STUDY);
        break;
    default:
        RUN(ST_INT_RK4);
        break;
    }
}
