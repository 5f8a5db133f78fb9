/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One step of the 2007 form, inline, shared by the single neuron (izh07.c) and the network's
 * izh2007 populations (network-step.c), so that both compute the same bits. */
#ifndef SPIKETALK_IZH07_PRIVATE_H
#define SPIKETALK_IZH07_PRIVATE_H

#include <math.h>

#include "core-private.h"
#include "spiketalk/izh07.h"

/* The constants of a step: the parameters, vu resolved. */
typedef struct izh07_coef {
    double C, k, vr, vt, a, b, vu, bh, vbs, ucubic, vb;
} izh07_coef;

/* The coefficients of 'p', with a and b given separately (a network draws them per neuron). */
static inline izh07_coef izh07_coef_of(const st_izh07_params *p, double a, double b)
{
    return (izh07_coef){p->C_pf, p->k, p->vr_mv, p->vt_mv, a, b,
                        isnan(p->vu_mv) ? p->vr_mv : p->vu_mv, p->bh, p->vbs_mv, p->ucubic,
                        p->vb_mv};
}

/* C v' (pA): divided by C by the caller, in the book's order tau*(...)/C. */
static ST_ALWAYS_INLINE double izh07_cv(const izh07_coef *q, double v, double u, double I)
{
    return q->k * (v - q->vr) * (v - q->vt) - u + I;
}

/* u' / a: the linear nullcline with the b switch, or the FS cubic one. */
static ST_ALWAYS_INLINE double izh07_gu(const izh07_coef *q, double v, double u)
{
    if (q->ucubic != 0.0) {
        double x = v - q->vb;
        return (v < q->vb ? 0.0 : q->ucubic * x * x * x) - u;
    }
    double b = v <= q->vbs ? q->bh : q->b;
    return b * (v - q->vu) - u;
}

/* One step of 'how' (euler, symplectic, izh2003 or rk4) with I held over it. */
static ST_ALWAYS_INLINE void izh07_step(const izh07_coef *q, st_integrator how, double dt,
                                        double I, double *pv, double *pu)
{
    double v = *pv, u = *pu;
    double dta = dt * q->a;
    switch (how) {
    case ST_INT_EULER: {
        double vn = v + dt * izh07_cv(q, v, u, I) / q->C;
        u += dta * izh07_gu(q, v, u);
        v = vn;
        break;
    }
    case ST_INT_SYMPLECTIC:
        v += dt * izh07_cv(q, v, u, I) / q->C;
        u += dta * izh07_gu(q, v, u);
        break;
    case ST_INT_IZH2003:
        v += 0.5 * dt * izh07_cv(q, v, u, I) / q->C;
        v += 0.5 * dt * izh07_cv(q, v, u, I) / q->C;
        u += dta * izh07_gu(q, v, u);
        break;
    default: { /* ST_INT_RK4 */
        double a = q->a, h2 = 0.5 * dt, iC = 1.0 / q->C;
        double kv1 = izh07_cv(q, v, u, I) * iC, ku1 = a * izh07_gu(q, v, u);
        double kv2 = izh07_cv(q, v + h2 * kv1, u + h2 * ku1, I) * iC;
        double ku2 = a * izh07_gu(q, v + h2 * kv1, u + h2 * ku1);
        double kv3 = izh07_cv(q, v + h2 * kv2, u + h2 * ku2, I) * iC;
        double ku3 = a * izh07_gu(q, v + h2 * kv2, u + h2 * ku2);
        double kv4 = izh07_cv(q, v + dt * kv3, u + dt * ku3, I) * iC;
        double ku4 = a * izh07_gu(q, v + dt * kv3, u + dt * ku3);
        v += dt / 6.0 * (kv1 + 2.0 * kv2 + 2.0 * kv3 + kv4);
        u += dt / 6.0 * (ku1 + 2.0 * ku2 + 2.0 * ku3 + ku4);
        break;
    }
    }
    *pv = v;
    *pu = u;
}

#endif
