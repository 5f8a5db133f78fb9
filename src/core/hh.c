/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Hodgkin-Huxley point neuron: rate functions, derivative, and the per-integrator loops. */
#include "spiketalk/hh.h"

#include <math.h>
#include <string.h>

#include "hh-private.h"

st_hh_params st_hh_params_default(void)
{
    st_hh_params p = {.gna_ms_cm2 = 120.0, .gk_ms_cm2 = 36.0, .gl_ms_cm2 = 0.3,
                      .ena_mv = 50.0, .ek_mv = -77.0, .el_mv = -54.3,
                      .cm_uf_cm2 = 1.0, .temperature_c = 6.3};
    st_hh_prepare(&p, NULL);
    return p;
}

st_status st_hh_prepare(st_hh_params *p, st_error *err)
{
    const struct { const char *flag; double x; bool nonneg; } f[] = {
        {"--gNa", p->gna_ms_cm2, true}, {"--gK", p->gk_ms_cm2, true},
        {"--gL", p->gl_ms_cm2, true},   {"--ENa", p->ena_mv, false},
        {"--EK", p->ek_mv, false},      {"--EL", p->el_mv, false},
        {"--Cm", p->cm_uf_cm2, false},  {"--temperature", p->temperature_c, false}};
    p->derived.prepared = false;
    for (size_t i = 0; i < ST_COUNTOF(f); i++) {
        if (!isfinite(f[i].x))
            return st_error_set(err, ST_ERR_INVAL, "%s: must be a finite number", f[i].flag);
        if (f[i].nonneg && f[i].x < 0)
            return st_error_set(err, ST_ERR_INVAL, "%s: a conductance must be >= 0 (got %g)",
                                f[i].flag, f[i].x);
    }
    if (!(p->cm_uf_cm2 > 0))
        return st_error_set(err, ST_ERR_INVAL, "--Cm: must be > 0 uF/cm^2 (got %g)",
                            p->cm_uf_cm2);
    if (!(p->temperature_c >= ST_HH_TEMP_MIN_C && p->temperature_c <= ST_HH_TEMP_MAX_C))
        return st_error_set(err, ST_ERR_INVAL,
                            "--temperature: %g degrees C is outside the range the model "
                            "accepts (%g to %g)",
                            p->temperature_c, ST_HH_TEMP_MIN_C, ST_HH_TEMP_MAX_C);
    p->derived.phi = pow(3.0, (p->temperature_c - 6.3) / 10.0);
    p->derived.inv_cm = 1.0 / p->cm_uf_cm2;
    p->derived.prepared = true;
    return ST_OK;
}

/* ---- rate functions ------------------------------------------------------------------------ */

double st_hh_xexp(double u)
{
    return hh_xexp(u);
}

void st_hh_rates_at(double v_mv, st_hh_rates *r)
{
    hh_rates(v_mv, r);
}

void st_hh_steady(double v_mv, double *m, double *h, double *n)
{
    st_hh_rates r;
    hh_rates(v_mv, &r);
    *m = r.am / (r.am + r.bm);
    *h = r.ah / (r.ah + r.bh);
    *n = r.an / (r.an + r.bn);
}

void st_hh_reset(st_hh_state *s, double v0_mv)
{
    memset(s, 0, sizeof *s);
    s->y[ST_HH_V] = v0_mv;
    st_hh_steady(v0_mv, &s->y[ST_HH_M], &s->y[ST_HH_H], &s->y[ST_HH_N]);
}

/* ---- the model ------------------------------------------------------------------------------ */

void st_hh_currents(const st_hh_params *p, const double y[ST_HH_NVARS], double *ina, double *ik,
                    double *il)
{
    double v = y[ST_HH_V], m = y[ST_HH_M], h = y[ST_HH_H], n = y[ST_HH_N];
    double n2 = n * n;
    *ina = p->gna_ms_cm2 * (m * m * m) * h * (v - p->ena_mv);
    *ik = p->gk_ms_cm2 * (n2 * n2) * (v - p->ek_mv);
    *il = p->gl_ms_cm2 * (v - p->el_mv);
}

void st_hh_deriv(const st_hh_params *p, double I, const double y[ST_HH_NVARS],
                 double dydt[ST_HH_NVARS])
{
    ST_ASSERT(p->derived.prepared);
    hh_deriv(p, I, y, dydt);
}

bool st_hh_offers(st_integrator how)
{
    return how == ST_INT_EULER || how == ST_INT_RK4 || how == ST_INT_RUSH_LARSEN;
}

static inline void spikes_push(st_hh_spikes *sp, double t_ms)
{
    if (!sp)
        return;
    if (sp->count < sp->cap)
        sp->t_ms[sp->count++] = t_ms;
    else
        sp->dropped++;
}

static ST_ALWAYS_INLINE void run(st_hh_state *s, const st_hh_params *p, st_integrator how,
                                 double dt, const double *current, double *y_out, size_t n,
                                 st_hh_spikes *spikes)
{
    double y[ST_HH_NVARS];
    memcpy(y, s->y, sizeof y);
    uint64_t j = s->step;
    size_t i = 0;
    for (; i < n; i++) {
        double v_old = y[ST_HH_V];
        hh_step(p, how, dt, current[i], y);
        j++;
        double v = y[ST_HH_V];
        /* Gates stay bounded whenever v does, so testing v and the sum catches any NaN/inf. */
        if (!isfinite(v + y[ST_HH_M] + y[ST_HH_H] + y[ST_HH_N])) {
            s->fault = true;
            s->fault_step = j;
            break;
        }
        if (v_old < ST_HH_SPIKE_MV && v >= ST_HH_SPIKE_MV) {
            double frac = (ST_HH_SPIKE_MV - v_old) / (v - v_old);
            spikes_push(spikes, ((double)(j - 1) + frac) * dt);
        }
        if (y_out)
            memcpy(y_out + i * ST_HH_NVARS, y, sizeof y);
    }
    for (size_t r = i; y_out && r < n; r++)
        for (int k = 0; k < ST_HH_NVARS; k++)
            y_out[r * ST_HH_NVARS + k] = NAN;
    if (!s->fault)
        memcpy(s->y, y, sizeof y);
    s->step = j;
}

void st_hh_process(st_hh_state *s, const st_hh_params *p, st_integrator how, double dt_ms,
                   const double *current, double *y_out, size_t n, st_hh_spikes *spikes)
{
    ST_ASSERT(p->derived.prepared && dt_ms > 0 && st_hh_offers(how));
    if (s->fault)
        return;
    /* One loop per integrator, so that the switch in 'step' folds away. */
    switch (how) {
    case ST_INT_EULER:
        run(s, p, ST_INT_EULER, dt_ms, current, y_out, n, spikes);
        break;
    case ST_INT_RUSH_LARSEN:
        run(s, p, ST_INT_RUSH_LARSEN, dt_ms, current, y_out, n, spikes);
        break;
    default:
        run(s, p, ST_INT_RK4, dt_ms, current, y_out, n, spikes);
        break;
    }
}

/* ---- spike buffer --------------------------------------------------------------------------- */

st_status st_hh_spikes_reserve(st_hh_spikes *sp, size_t more)
{
    if (sp->cap - sp->count >= more)
        return ST_OK;
    size_t want = sp->count + more, cap = sp->cap ? sp->cap : 64;
    while (cap < want) {
        if (cap > SIZE_MAX / 2 / sizeof *sp->t_ms)
            return ST_ERR_NOMEM;
        cap *= 2;
    }
    double *t = st_realloc(sp->t_ms, cap * sizeof *t);
    if (!t)
        return ST_ERR_NOMEM;
    sp->t_ms = t;
    sp->cap = cap;
    return ST_OK;
}

void st_hh_spikes_free(st_hh_spikes *sp)
{
    st_free(sp->t_ms);
    memset(sp, 0, sizeof *sp);
}
