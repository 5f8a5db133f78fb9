/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Hodgkin-Huxley rate functions, inline, shared by the point neuron and the cable. */
#ifndef SPIKETALK_HH_PRIVATE_H
#define SPIKETALK_HH_PRIVATE_H

#include <math.h>

#include "core-private.h"
#include "spiketalk/hh.h"

/* Below this |u| the series of u / (1 - exp(-u)) is used: its next term, u^6 / 30240, is
 * then under 4e-23, far below rounding, while expm1 is exact to rounding above it. */
#define HH_XEXP_SERIES_MAX 1e-3

/* u / (1 - exp(-u)), the removable singularity at u = 0 filled by its Taylor series. */
static ST_ALWAYS_INLINE double hh_xexp(double u)
{
    if (fabs(u) < HH_XEXP_SERIES_MAX) {
        double u2 = u * u;
        return 1.0 + 0.5 * u + u2 * (1.0 / 12.0 - u2 * (1.0 / 720.0));
    }
    return u / -expm1(-u);
}

/* The six rates at v (mV), 1/ms, at 6.3 degrees C (phi = 1). */
static ST_ALWAYS_INLINE void hh_rates(double v, st_hh_rates *r)
{
    r->am = hh_xexp((v + 40.0) * 0.1);       /* 0.1 (v+40) / (1 - e^-(v+40)/10) */
    r->bm = 4.0 * exp(-(v + 65.0) * (1.0 / 18.0));
    r->ah = 0.07 * exp(-(v + 65.0) * 0.05);
    r->bh = 1.0 / (1.0 + exp(-(v + 35.0) * 0.1));
    r->an = 0.1 * hh_xexp((v + 55.0) * 0.1); /* 0.01 (v+55) / (1 - e^-(v+55)/10) */
    r->bn = 0.125 * exp(-(v + 65.0) * (1.0 / 80.0));
}

/* x advanced exactly over dt under x' = phi (a (1 - x) - b x) with a and b frozen. */
static ST_ALWAYS_INLINE double hh_gate_exact(double x, double a, double b, double phi, double dt)
{
    double k = a + b;
    double inf = a / k;
    return inf + (x - inf) * exp(-phi * k * dt);
}

#endif
