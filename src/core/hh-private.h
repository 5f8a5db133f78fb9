/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Hodgkin-Huxley rate functions and step, inline, shared by the point neuron, the cable and
 * the network. */
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

/* The ionic current density (uA/cm^2, outward positive). */
static ST_ALWAYS_INLINE double hh_ionic(const st_hh_params *p, const double *y)
{
    double ina, ik, il;
    st_hh_currents(p, y, &ina, &ik, &il);
    return ina + ik + il;
}

/* The right-hand side (st_hh_deriv). */
static ST_ALWAYS_INLINE void hh_deriv(const st_hh_params *p, double I, const double *y,
                                      double *dy)
{
    st_hh_rates r;
    double phi = p->derived.phi;
    hh_rates(y[ST_HH_V], &r);
    dy[ST_HH_V] = (I - hh_ionic(p, y)) * p->derived.inv_cm;
    dy[ST_HH_M] = phi * (r.am * (1.0 - y[ST_HH_M]) - r.bm * y[ST_HH_M]);
    dy[ST_HH_H] = phi * (r.ah * (1.0 - y[ST_HH_H]) - r.bh * y[ST_HH_H]);
    dy[ST_HH_N] = phi * (r.an * (1.0 - y[ST_HH_N]) - r.bn * y[ST_HH_N]);
}

/* One step of 'how' (euler, rush-larsen or rk4) with I held over it: the step of the single
 * neuron and of a network's HH populations. */
static ST_ALWAYS_INLINE void hh_step(const st_hh_params *p, st_integrator how, double dt,
                                     double I, double *y)
{
    double k1[ST_HH_NVARS], k2[ST_HH_NVARS], k3[ST_HH_NVARS], k4[ST_HH_NVARS], t[ST_HH_NVARS];
    switch (how) {
    case ST_INT_EULER:
        hh_deriv(p, I, y, k1);
        for (int i = 0; i < ST_HH_NVARS; i++)
            y[i] += dt * k1[i];
        break;
    case ST_INT_RUSH_LARSEN: {
        st_hh_rates r;
        double phi = p->derived.phi, v = y[ST_HH_V];
        hh_rates(v, &r);
        y[ST_HH_V] = v + dt * (I - hh_ionic(p, y)) * p->derived.inv_cm;
        y[ST_HH_M] = hh_gate_exact(y[ST_HH_M], r.am, r.bm, phi, dt);
        y[ST_HH_H] = hh_gate_exact(y[ST_HH_H], r.ah, r.bh, phi, dt);
        y[ST_HH_N] = hh_gate_exact(y[ST_HH_N], r.an, r.bn, phi, dt);
        break;
    }
    default: { /* ST_INT_RK4 */
        double h2 = 0.5 * dt;
        hh_deriv(p, I, y, k1);
        for (int i = 0; i < ST_HH_NVARS; i++)
            t[i] = y[i] + h2 * k1[i];
        hh_deriv(p, I, t, k2);
        for (int i = 0; i < ST_HH_NVARS; i++)
            t[i] = y[i] + h2 * k2[i];
        hh_deriv(p, I, t, k3);
        for (int i = 0; i < ST_HH_NVARS; i++)
            t[i] = y[i] + dt * k3[i];
        hh_deriv(p, I, t, k4);
        for (int i = 0; i < ST_HH_NVARS; i++)
            y[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        break;
    }
    }
}

#endif
