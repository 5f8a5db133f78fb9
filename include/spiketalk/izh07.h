/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Izhikevich simple model in the physical units of the 2007 book, with its cell types' rules.
 *
 * Equations (time in ms, v in mV, u and I in pA, C in pF):
 *     C v' = k (v - vr)(v - vt) - u + I
 *     u'   = a (b (v - vu) - u)                  vu = vr unless a cell says otherwise
 *     spike when v >= vpeak + pu u:   v <- c + ru u,   u <- min(u + d, umax)
 * Cell-type rules (chapter 8), all expressed by the extra parameters below:
 *     LTS  spike at v >= vpeak - 0.1 u, reset v <- c + 0.04 u, u capped at 670 (pu, ru, umax)
 *     FS   u' = a (U(v) - u), U(v) = 0 for v < vb, 0.025 (v - vb)^3 otherwise, vb = -55 (ucubic)
 *     TC   b = 15 when v <= -65 mV, else 0; spike at v >= vpeak + 0.1 u; reset v <- c - 0.1 u;
 *          u' uses v + 65 (vu = -65) as the book's listing does (one public port uses v - vr)
 *     RTN  b = 10 when v <= -65 mV, else 2 (bh, vbs)
 * The b switch is decided on the v that the u update uses (the new v for symplectic, the old
 * one for euler).
 *
 * Parameters:
 *     C      pF       membrane capacitance               k      nS/mV  gain of the quadratic
 *     vr     mV       resting potential                  vt     mV     threshold potential
 *     vpeak  mV       spike cut-off                      a      1/ms   recovery rate
 *     b      nS       sensitivity of u to v              c      mV     reset of v
 *     d      pA       increment of u                     vu     mV     v offset in u' (NAN: vr)
 *     bh     nS       b when v <= vbs                    vbs    mV     b switch (-inf: none)
 *     pu     mV/pA    peak shift per u                   ru     mV/pA  reset shift per u
 *     umax   pA       cap of u after a spike (inf: none) ucubic pA/mV^3 cubic nullcline (0: off)
 *     vb     mV       foot of the cubic nullcline
 *
 * Spike test: v >= vpeak (+ pu u), as in the book's code. Default start: v0 = vr, u0 = 0.
 * The default integrator is forward Euler (both updates from the old state), as the book.
 * Time convention as in izh.h: the step using I(t_k) takes the state to t_{k+1}, where a spike
 * is stamped.
 *
 * E. M. Izhikevich, Dynamical Systems in Neuroscience, MIT Press (2007), chapter 8. */
#ifndef SPIKETALK_IZH07_H
#define SPIKETALK_IZH07_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/integrator.h"
#include "spiketalk/izh.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_izh07_params {
    double C_pf;       /* pF */
    double k;          /* nS/mV */
    double vr_mv;      /* mV */
    double vt_mv;      /* mV */
    double vpeak_mv;   /* mV */
    double a;          /* 1/ms */
    double b;          /* nS */
    double c;          /* mV */
    double d;          /* pA */
    double vu_mv;      /* mV; NAN means vr */
    double bh;         /* nS, b used when v <= vbs */
    double vbs_mv;     /* mV; -INFINITY: no switch */
    double pu;         /* mV/pA */
    double ru;         /* mV/pA */
    double umax;       /* pA; INFINITY: no cap */
    double ucubic;     /* pA/mV^3; 0: linear nullcline */
    double vb_mv;      /* mV */
} st_izh07_params;

/* The state has the same shape as the 2003 model's (v in mV, u in pA here). */
typedef st_izh_state st_izh07_state;

/* The book's RS cell (Fig. 8.12) with no special rules. */
ST_API st_izh07_params st_izh07_params_default(void);

/* Validates 'p': finite values (vbs may be -inf, umax +inf, vu NAN), C > 0, k > 0,
 * c < vpeak. ST_ERR_INVAL naming the parameter on failure. */
ST_API st_status st_izh07_params_check(const st_izh07_params *p, st_error *err);

/* As st_izh_process, for the 2007 form. */
ST_API void st_izh07_process(st_izh07_state *s, const st_izh07_params *p, st_integrator how,
                             double dt_ms, const double *current, double *v_out, double *u_out,
                             size_t n, st_spikes *spikes);

#ifdef __cplusplus
}
#endif
#endif
