/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Protocols of the HH point neuron (hh-protocol.h): a run from rest, the f-I curve. */
#include "spiketalk/hh-protocol.h"

#include <math.h>
#include <string.h>

#define BLOCK 4096

static void make_row(const st_hh_params *p, double t, double I, const double *y, double *row)
{
    row[ST_HH_COL_T] = t;
    row[ST_HH_COL_I] = I;
    memcpy(row + ST_HH_COL_V, y, ST_HH_NVARS * sizeof *y);
    st_hh_currents(p, y, &row[ST_HH_COL_INA], &row[ST_HH_COL_IK], &row[ST_HH_COL_IL]);
}

static st_status stopped(st_error *err, st_status code)
{
    return code ? code : st_error_set(err, ST_ERR_IO, "hh: stopped");
}

/* The blow-up at 'step', with its likeliest cause (hh-protocol.h). */
static st_status blow_up(const st_hh_run_config *c, const st_stimulus *stim, uint64_t step,
                         st_error *err)
{
    const double dt = c->dt_ms, t = (double)step * dt;
    const unsigned long long k = (unsigned long long)step;
    double I = st_stimulus_at(stim, (double)(step - 1) * dt);
    if (fabs(I) > ST_HH_HUGE_CURRENT)
        return st_error_set(err, ST_ERR_NUMERIC,
                            "hh: v is not finite at t = %g ms (step %llu), where the input "
                            "current is %g uA/cm^2: far outside what the membrane can follow; "
                            "use a smaller input (a smaller --dt only delays the blow-up)",
                            t, k, I);
    if (c->fault_hint)
        return st_error_set(err, ST_ERR_NUMERIC,
                            "hh: v is not finite at t = %g ms (step %llu); %s: the likely cause, "
                            "rather than the step (--dt %g ms)",
                            t, k, c->fault_hint, dt);
    return st_error_set(err, ST_ERR_NUMERIC,
                        "hh: v is not finite at t = %g ms (step %llu); try a smaller --dt (now "
                        "%g ms)",
                        t, k, dt);
}

st_status st_hh_run(const st_hh_run_config *c, const st_stimulus *stim, double duration_ms,
                    st_hh_spikes *sp, st_hh_row_fn fn, void *ud, st_error *err)
{
    double I[BLOCK + 1], y[BLOCK * ST_HH_NVARS], row[ST_HH_COLS];
    const double dt = c->dt_ms;
    const uint64_t steps = (uint64_t)llround(duration_ms / dt);
    st_hh_state s;
    st_hh_reset(&s, c->v0_mv);
    if (fn) {
        make_row(&c->p, 0.0, st_stimulus_at(stim, 0.0), s.y, row);
        if (fn(ud, row, err))
            return stopped(err, err ? err->code : ST_OK);
    }
    for (uint64_t k0 = 0; k0 < steps; k0 += BLOCK) {
        size_t n = steps - k0 < BLOCK ? (size_t)(steps - k0) : BLOCK;
        if (st_hh_spikes_reserve(sp, n / 2 + 1))
            return st_error_set(err, ST_ERR_NOMEM, "hh: out of memory");
        st_stimulus_render(stim, k0, dt, I, n + 1); /* I[n]: the input at the block's end */
        st_hh_process(&s, &c->p, c->how, dt, I, fn ? y : NULL, n, sp);
        if (c->on_steps && c->on_steps(c->steps_ud, n, err))
            return stopped(err, err ? err->code : ST_OK);
        if (s.fault)
            return blow_up(c, stim, s.fault_step, err);
        for (size_t i = 0; fn && i < n; i++) {
            make_row(&c->p, (double)(k0 + i + 1) * dt, I[i + 1], y + i * ST_HH_NVARS, row);
            if (fn(ud, row, err))
                return stopped(err, err ? err->code : ST_OK);
        }
    }
    return ST_OK;
}

/* ---- the f-I curve --------------------------------------------------------------------------- */

bool st_hh_fi_fires(const st_hh_spikes *sp)
{
    return sp->count >= 1;
}

bool st_hh_fi_repetitive(const st_hh_spikes *sp)
{
    return sp->count >= 2 && sp->t_ms[sp->count - 1] > ST_HH_FI_STEP_MS - ST_HH_FI_TAIL_MS;
}

const char *st_hh_fi_pattern(const st_hh_spikes *sp)
{
    return st_hh_fi_repetitive(sp) ? "repetitive"
           : sp->count > 1         ? "transient"
           : sp->count             ? "single"
                                   : "none";
}

double st_hh_fi_runs(double step, size_t n)
{
    double bisections = step > ST_HH_FI_TOL ? ceil(log2(step / ST_HH_FI_TOL)) : 0.0;
    return (double)n + 2.0 * bisections;
}

st_status st_hh_fi_grid(const char *text, double from, double to, double step, double dt_ms,
                        size_t *n, st_error *err)
{
    if (!(step > 0) || !(to >= from))
        return st_error_set(err, ST_ERR_INVAL, "--fi: '%s': needs STEP > 0 and TO >= FROM",
                            text);
    double count = floor((to - from) / step + 1e-9) + 1.0;
    if (count > ST_HH_FI_MAX_POINTS)
        return st_error_set(err, ST_ERR_INVAL, "--fi: '%s' gives %.0f currents; at most %d",
                            text, count, ST_HH_FI_MAX_POINTS);
    double runs = st_hh_fi_runs(step, (size_t)count);
    double steps = runs * (ST_HH_FI_STEP_MS / dt_ms);
    if (!(steps <= ST_HH_FI_MAX_STEPS))
        return st_error_set(err, ST_ERR_INVAL,
                            "--fi: %.0f runs of %g ms at --dt %g ms are %.3g steps; a command "
                            "may take at most %.0e (use fewer currents or a larger --dt)",
                            runs, ST_HH_FI_STEP_MS, dt_ms, steps, ST_HH_FI_MAX_STEPS);
    *n = (size_t)count;
    return ST_OK;
}

/* A step of I from rest for ST_HH_FI_STEP_MS. */
static st_status step_run(const st_hh_run_config *c, double I, st_hh_spikes *sp, st_error *err)
{
    st_stimulus stim = {.n = 1};
    stim.term[0] = (st_stim_term){.kind = ST_STIM_STEP, .amp = I, .start_ms = 0.0,
                                  .dur_ms = INFINITY};
    sp->count = 0;
    sp->dropped = 0;
    return st_hh_run(c, &stim, ST_HH_FI_STEP_MS, sp, NULL, NULL, err);
}

/* Narrows [lo, hi] (test false at lo, true at hi) to ST_HH_FI_TOL; *out = hi. */
static st_status bisect(const st_hh_run_config *c, bool (*test)(const st_hh_spikes *),
                        double lo, double hi, double *out, st_error *err)
{
    st_hh_spikes sp = {0};
    st_status st = ST_OK;
    while (hi - lo > ST_HH_FI_TOL && !st) {
        double mid = 0.5 * (lo + hi);
        if (!(st = step_run(c, mid, &sp, err))) {
            if (test(&sp))
                hi = mid;
            else
                lo = mid;
        }
    }
    st_hh_spikes_free(&sp);
    *out = hi;
    return st;
}

/* The threshold of 'test' over the grid: NAN when no point passes or the first one does. */
static st_status threshold(const st_hh_run_config *c, const st_hh_fi *fi,
                           bool (*test)(const st_hh_spikes *), double *out, st_error *err)
{
    *out = NAN;
    for (size_t k = 0; k < fi->n; k++)
        if (test(&fi->pts[k].spikes))
            return k == 0 ? ST_OK
                          : bisect(c, test, fi->pts[k - 1].I_ua_cm2, fi->pts[k].I_ua_cm2, out,
                                   err);
    return ST_OK;
}

st_status st_hh_fi_curve(const st_hh_run_config *c, double from, double step, size_t n,
                         st_hh_fi *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return st_error_set(err, ST_ERR_INVAL, "--fi: no currents");
    if (!(out->pts = st_calloc(n, sizeof *out->pts)))
        return st_error_set(err, ST_ERR_NOMEM, "--fi: out of memory");
    out->n = n;
    st_status st = ST_OK;
    for (size_t k = 0; k < n && !st; k++) {
        st_hh_fi_point *pt = &out->pts[k];
        pt->I_ua_cm2 = from + (double)k * step;
        if ((st = step_run(c, pt->I_ua_cm2, &pt->spikes, err)))
            break;
        size_t m = pt->spikes.count;
        pt->rate_hz = (double)m / (ST_HH_FI_STEP_MS / 1000.0);
        pt->steady_hz = st_hh_fi_repetitive(&pt->spikes)
                            ? 1000.0 / (pt->spikes.t_ms[m - 1] - pt->spikes.t_ms[m - 2])
                            : 0.0;
    }
    if (!st)
        st = threshold(c, out, st_hh_fi_fires, &out->threshold_single, err);
    if (!st)
        st = threshold(c, out, st_hh_fi_repetitive, &out->threshold_repetitive, err);
    if (st)
        st_hh_fi_free(out);
    return st;
}

void st_hh_fi_free(st_hh_fi *fi)
{
    for (size_t k = 0; fi->pts && k < fi->n; k++)
        st_hh_spikes_free(&fi->pts[k].spikes);
    st_free(fi->pts);
    memset(fi, 0, sizeof *fi);
}
