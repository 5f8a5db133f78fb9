/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The 2007 book form of the Izhikevich model with the cell-type rules of chapter 8. */
#include "spiketalk/izh07.h"

#include <math.h>

#include "core-private.h"
#include "izh07-private.h"

st_izh07_params st_izh07_params_default(void)
{
    return (st_izh07_params){.C_pf = 100, .k = 0.7, .vr_mv = -60, .vt_mv = -40, .vpeak_mv = 35,
                             .a = 0.03, .b = -2, .c = -50, .d = 100, .vu_mv = NAN, .bh = -2,
                             .vbs_mv = -INFINITY, .pu = 0, .ru = 0, .umax = INFINITY,
                             .ucubic = 0, .vb_mv = -55};
}

st_status st_izh07_params_check(const st_izh07_params *p, st_error *err)
{
    const struct { const char *name; double x; } f[] = {
        {"C", p->C_pf}, {"k", p->k},   {"vr", p->vr_mv}, {"vt", p->vt_mv}, {"vpeak", p->vpeak_mv},
        {"a", p->a},    {"b", p->b},   {"c", p->c},      {"d", p->d},      {"bh", p->bh},
        {"pu", p->pu},  {"ru", p->ru}, {"ucubic", p->ucubic}, {"vb", p->vb_mv}};
    for (size_t i = 0; i < ST_COUNTOF(f); i++)
        if (!isfinite(f[i].x))
            return st_error_set(err, ST_ERR_INVAL, "--%s: must be a finite number", f[i].name);
    if (isinf(p->vu_mv) || isnan(p->vbs_mv) || p->vbs_mv == INFINITY || isnan(p->umax))
        return st_error_set(err, ST_ERR_INVAL, "--vu/--vbs/--umax: not a usable value");
    if (!(p->C_pf > 0))
        return st_error_set(err, ST_ERR_INVAL, "--C: must be > 0 pF (got %g)", p->C_pf);
    if (!(p->k > 0))
        return st_error_set(err, ST_ERR_INVAL, "--k: must be > 0 nS/mV (got %g)", p->k);
    if (!(p->c < p->vpeak_mv))
        return st_error_set(err, ST_ERR_INVAL,
                            "--c: the reset (%g mV) must lie below the peak vpeak (%g mV)", p->c,
                            p->vpeak_mv);
    return ST_OK;
}

/* ---- the step loop (the step is in izh07-private.h) ---------------------------------- */

static ST_ALWAYS_INLINE void run(st_izh07_state *s, const st_izh07_params *p, st_integrator how,
                                 double dt, const double *current, double *v_out, double *u_out,
                                 size_t n, st_spikes *spikes)
{
    const izh07_coef q = izh07_coef_of(p, p->a, p->b);
    const double vpeak = p->vpeak_mv, pu = p->pu, ru = p->ru, c = p->c, d = p->d;
    const double umax = p->umax;
    double v = s->v_mv, u = s->u;
    uint64_t j = s->step;
    size_t i = 0;
    for (; i < n; i++) {
        izh07_step(&q, how, dt, current[i], &v, &u);
        j++;
        /* The common path is one test; NaN and -inf fail it too. */
        if (!(v < vpeak + pu * u && v > -INFINITY)) {
            if (!isfinite(v) || !isfinite(u)) {
                s->fault = true;
                s->fault_step = j;
                break;
            }
            st_spikes_push(spikes, j);
            v = c + ru * u;
            u = fmin(u + d, umax);
            if (!isfinite(v) || !isfinite(u)) { /* a reset beyond any number (ru u, u + d) */
                s->fault = true;
                s->fault_step = j;
                break;
            }
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

void st_izh07_process(st_izh07_state *s, const st_izh07_params *p, st_integrator how,
                      double dt_ms, const double *current, double *v_out, double *u_out,
                      size_t n, st_spikes *spikes)
{
    if (s->fault)
        return;
    switch (how) {
    case ST_INT_EULER:
        run(s, p, ST_INT_EULER, dt_ms, current, v_out, u_out, n, spikes);
        break;
    case ST_INT_SYMPLECTIC:
        run(s, p, ST_INT_SYMPLECTIC, dt_ms, current, v_out, u_out, n, spikes);
        break;
    case ST_INT_IZH2003:
        run(s, p, ST_INT_IZH2003, dt_ms, current, v_out, u_out, n, spikes);
        break;
    default:
        run(s, p, ST_INT_RK4, dt_ms, current, v_out, u_out, n, spikes);
        break;
    }
}
