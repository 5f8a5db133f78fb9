/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Hodgkin-Huxley (1952) point neuron in the modern convention (rest near -65 mV).
 *
 * Equations (time in ms, v in mV, current densities in uA/cm^2, conductances in mS/cm^2):
 *     Cm v' = I - gNa m^3 h (v - ENa) - gK n^4 (v - EK) - gL (v - EL)
 *     x'    = phi (alpha_x(v) (1 - x) - beta_x(v) x)          for the gates x = m, h, n
 *     phi   = 3^((T - 6.3) / 10)                                (temperature factor, Q10 = 3)
 * with the rate functions (1/ms) of NEURON's built-in `hh` mechanism:
 *     alpha_m = 0.1 (v + 40) / (1 - exp(-(v + 40) / 10))    beta_m = 4 exp(-(v + 65) / 18)
 *     alpha_h = 0.07 exp(-(v + 65) / 20)                     beta_h = 1 / (1 + exp(-(v + 35) / 10))
 *     alpha_n = 0.01 (v + 55) / (1 - exp(-(v + 55) / 10))   beta_n = 0.125 exp(-(v + 65) / 80)
 * alpha_m and alpha_n have removable singularities at -40 and -55 mV. Both are written as
 * k * s(u) with s(u) = u / (1 - exp(-u)), u = (v - v_half) / 10, and s is evaluated from its
 * Taylor series 1 + u/2 + u^2/12 - u^4/720 for |u| < 1e-3 (error below 1e-18) and with expm1
 * elsewhere: continuous and exact to rounding at, and on both sides of, the singular voltage.
 *
 * Parameters (the set of NEURON's `hh`, so results can be compared with it):
 *     gNa   120     mS/cm^2   sodium conductance           ENa   50     mV
 *     gK    36      mS/cm^2   potassium conductance        EK    -77    mV
 *     gL    0.3     mS/cm^2   leak conductance             EL    -54.3  mV
 *     Cm    1       uF/cm^2   membrane capacitance         T     6.3    degrees C
 * The default start is v = -65 mV with each gate at its steady state x_inf = alpha/(alpha+beta)
 * there (st_hh_reset). The model's own fixed point at I = 0 lies within 0.1 mV of -65 mV.
 *
 * State: y[ST_HH_V], y[ST_HH_M], y[ST_HH_H], y[ST_HH_N]. Integrators: ST_INT_EULER (forward
 * Euler on all four), ST_INT_RK4 (classical Runge-Kutta on all four), ST_INT_RUSH_LARSEN (each
 * gate advanced exactly over the step with its rates frozen at the old v, v by forward Euler).
 * Time convention as for the other models: the step that uses I(t_k) takes the state to t_{k+1}.
 * A spike is an upward crossing of 0 mV; its time is interpolated linearly between the two
 * samples around it.
 *
 * A. L. Hodgkin and A. F. Huxley, A quantitative description of membrane current and its
 * application to conduction and excitation in nerve, J. Physiol. 117:500-544 (1952). */
#ifndef SPIKETALK_HH_H
#define SPIKETALK_HH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/integrator.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Indices of the state vector. */
enum {
    ST_HH_V = 0, /* membrane potential, mV */
    ST_HH_M,     /* sodium activation, 0..1 */
    ST_HH_H,     /* sodium inactivation, 0..1 */
    ST_HH_N,     /* potassium activation, 0..1 */
    ST_HH_NVARS
};

/* The temperatures st_hh_prepare accepts. Outside them the rates (x 3 per 10 degrees) describe
 * no living axon; the CLI warns from ST_HH_TEMP_WARN_C on. */
#define ST_HH_TEMP_MIN_C (-20.0)
#define ST_HH_TEMP_MAX_C 60.0
#define ST_HH_TEMP_WARN_C 45.0

/* The spike detection level of the HH model and the cable. */
#define ST_HH_SPIKE_MV 0.0

/* Constants derived from the parameters by st_hh_prepare. */
typedef struct st_hh_derived {
    double phi;        /* temperature factor 3^((T - 6.3) / 10), dimensionless */
    double inv_cm;     /* 1 / Cm, cm^2/uF */
    bool prepared;     /* set by st_hh_prepare; the model functions require it */
} st_hh_derived;

typedef struct st_hh_params {
    double gna_ms_cm2;     /* mS/cm^2 */
    double gk_ms_cm2;      /* mS/cm^2 */
    double gl_ms_cm2;      /* mS/cm^2 */
    double ena_mv;         /* mV */
    double ek_mv;          /* mV */
    double el_mv;          /* mV */
    double cm_uf_cm2;      /* uF/cm^2 */
    double temperature_c;  /* degrees Celsius */
    st_hh_derived derived; /* filled by st_hh_prepare; stale after any change above */
} st_hh_params;

typedef struct st_hh_state {
    double y[ST_HH_NVARS]; /* v (mV), m, h, n at t = step * dt */
    uint64_t step;         /* steps taken since reset */
    bool fault;            /* a state variable became non-finite; processing stopped */
    uint64_t fault_step;   /* the time index where it happened (t = fault_step * dt) */
} st_hh_state;

/* Spike times (ms since reset), interpolated to the 0 mV crossing; caller-owned storage.
 * When the buffer is full, further spikes are counted in 'dropped' and not stored. */
typedef struct st_hh_spikes {
    double *t_ms;      /* ascending; owned by the caller */
    size_t cap;        /* capacity of 't_ms' */
    size_t count;      /* times stored */
    uint64_t dropped;  /* spikes that did not fit */
} st_hh_spikes;

/* The rates of the three gates at one voltage, temperature factor included (1/ms). */
typedef struct st_hh_rates {
    double am, bm, ah, bh, an, bn;
} st_hh_rates;

/* The parameters above (NEURON's `hh`) at 6.3 degrees C, already prepared. */
ST_API st_hh_params st_hh_params_default(void);

/* Validates 'p' and fills p->derived. Conductances >= 0, Cm > 0, all finite, and
 * ST_HH_TEMP_MIN_C <= T <= ST_HH_TEMP_MAX_C; otherwise ST_ERR_INVAL with a message that
 * names the flag ("--temperature: ..."), and p->derived is marked unprepared. */
ST_API st_status st_hh_prepare(st_hh_params *p, st_error *err);

/* s(u) = u / (1 - exp(-u)), with s(0) = 1: the shape of alpha_m and alpha_n, exact to
 * rounding for every finite u (series near 0). */
ST_API double st_hh_xexp(double u);

/* The six rate functions at 6.3 degrees C (phi = 1), 1/ms. Finite for every finite v. */
ST_API void st_hh_rates_at(double v_mv, st_hh_rates *r);

/* The steady states m_inf, h_inf, n_inf at v (independent of temperature). */
ST_API void st_hh_steady(double v_mv, double *m, double *h, double *n);

/* Sets v = v0_mv, the gates at their steady state at v0, step 0, no fault. */
ST_API void st_hh_reset(st_hh_state *s, double v0_mv);

/* The ionic current densities (uA/cm^2, outward positive) of state 'y'. */
ST_API void st_hh_currents(const st_hh_params *p, const double y[ST_HH_NVARS], double *ina,
                           double *ik, double *il);

/* The right-hand side of the model: dydt = f(y) with the input current I (uA/cm^2). A pure
 * function of its arguments; requires a prepared 'p'. */
ST_API void st_hh_deriv(const st_hh_params *p, double I, const double y[ST_HH_NVARS],
                        double dydt[ST_HH_NVARS]);

/* Advances n steps of dt_ms with current[i] (uA/cm^2) as I during step i. Writes the state
 * after each step to y_out[i * ST_HH_NVARS + k] when y_out is not NULL, and appends the
 * interpolated time of each upward 0 mV crossing to 'spikes' (may be NULL). Never allocates
 * or fails; if the state becomes non-finite it sets s->fault and s->fault_step, writes NAN
 * to the remaining outputs and stops: the caller checks s->fault after each block. Requires
 * a prepared 'p', dt_ms > 0 and 'how' one of euler, rk4, rush-larsen. */
ST_API void st_hh_process(st_hh_state *s, const st_hh_params *p, st_integrator how,
                          double dt_ms, const double *current, double *y_out, size_t n,
                          st_hh_spikes *spikes);

/* True for the integrators st_hh_process offers. */
ST_API bool st_hh_offers(st_integrator how);

/* Makes room for at least 'more' further spike times (through the allocator hook); for use
 * between blocks. ST_ERR_NOMEM on failure, the buffer then unchanged. */
ST_API st_status st_hh_spikes_reserve(st_hh_spikes *sp, size_t more);

/* Frees the storage made by st_hh_spikes_reserve and zeroes the struct. */
ST_API void st_hh_spikes_free(st_hh_spikes *sp);

#ifdef __cplusplus
}
#endif
#endif
