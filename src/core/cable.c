/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Hodgkin-Huxley cable: implicit steps with one Thomas solve each, and the conduction run. */
#include "spiketalk/cable.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "hh-private.h"

#define PI 3.14159265358979323846
#define REST_MV (-65.0)
#define MAX_STEPS 1099511627776.0 /* 2^40 */
/* A spike's upstroke is kept from the first sample this far above rest. */
#define RISE_MV 2.0
/* Samples kept for one spike's shape at most (a plateau that never ends must not fill memory);
 * beyond, the width is not measured. */
#define SHAPE_MAX_SAMPLES 4000000u

/* ---- parameters ------------------------------------------------------------------------------ */

st_cable_params st_cable_params_default(void)
{
    st_cable_params p = {.hh = st_hh_params_default(), .diameter_um = 476.0,
                         .length_mm = 50.0, .ra_ohm_cm = 35.4, .compartments = 500};
    p.hh.temperature_c = 18.5;
    st_hh_prepare(&p.hh, NULL);
    return p;
}

static const char *const scheme_names[ST_CABLE_SCHEME_COUNT] = {"cn", "be"};
static const char *const scheme_long[ST_CABLE_SCHEME_COUNT] = {"crank-nicolson",
                                                               "backward-euler"};

const char *st_cable_scheme_name(st_cable_scheme scheme)
{
    return (unsigned)scheme < ST_CABLE_SCHEME_COUNT ? scheme_names[scheme] : NULL;
}

st_status st_cable_scheme_parse(const char *name, st_cable_scheme *out, st_error *err)
{
    for (unsigned i = 0; name && i < ST_CABLE_SCHEME_COUNT; i++) {
        if (!strcasecmp(name, scheme_names[i]) || !strcasecmp(name, scheme_long[i])) {
            *out = (st_cable_scheme)i;
            return ST_OK;
        }
    }
    return st_error_set(err, ST_ERR_INVAL, "--scheme: unknown scheme '%s' (choose cn or be)",
                        name ? name : "");
}

st_status st_cable_check(st_cable_params *p, st_error *err)
{
    const struct { const char *flag, *unit; double x; } f[] = {
        {"--diameter-um", "um", p->diameter_um},
        {"--length-mm", "mm", p->length_mm},
        {"--ra", "Ohm cm", p->ra_ohm_cm}};
    for (size_t i = 0; i < ST_COUNTOF(f); i++)
        if (!(f[i].x > 0) || !isfinite(f[i].x))
            return st_error_set(err, ST_ERR_INVAL, "%s: must be a finite number > 0 %s (got %g)",
                                f[i].flag, f[i].unit, f[i].x);
    if (p->compartments < 1 || p->compartments > ST_CABLE_MAX_COMPARTMENTS)
        return st_error_set(err, ST_ERR_INVAL,
                            "--compartments: must lie between 1 and %u (got %zu)",
                            ST_CABLE_MAX_COMPARTMENTS, p->compartments);
    return st_hh_prepare(&p->hh, err);
}

/* ---- the cable ------------------------------------------------------------------------------- */

st_status st_cable_init(st_cable *c, const st_cable_params *p, st_cable_scheme scheme,
                        double dt_ms, st_error *err)
{
    memset(c, 0, sizeof *c);
    c->p = *p;
    st_status rc = st_cable_check(&c->p, err);
    if (rc)
        return rc;
    if ((unsigned)scheme >= ST_CABLE_SCHEME_COUNT)
        return st_error_set(err, ST_ERR_INVAL, "--scheme: invalid value %d", (int)scheme);
    if (!(dt_ms > 0) || !isfinite(dt_ms))
        return st_error_set(err, ST_ERR_INVAL, "--dt: must be a finite number > 0 ms (got %g)",
                            dt_ms);
    size_t n = c->p.compartments;
    double *mem = st_calloc(6 * n, sizeof *mem);
    if (!mem) {
        memset(c, 0, sizeof *c);
        return st_error_set(err, ST_ERR_NOMEM, "axon: out of memory for %zu compartments", n);
    }
    c->v = mem;
    c->m = mem + n;
    c->h = mem + 2 * n;
    c->nk = mem + 3 * n;
    c->cp = mem + 4 * n;
    c->dp = mem + 5 * n;
    c->n = n;
    c->scheme = scheme;
    c->dt_ms = dt_ms;
    double d_cm = c->p.diameter_um * 1e-4, dx_cm = c->p.length_mm * 0.1 / (double)n;
    c->dx_um = dx_cm * 1e4;
    /* S/cm^2 -> mS/cm^2 */
    c->coupling = 1000.0 * d_cm / (4.0 * c->p.ra_ohm_cm * dx_cm * dx_cm);
    c->stim_per_ua = 1.0 / (PI * d_cm * dx_cm);
    st_cable_reset(c);
    return ST_OK;
}

void st_cable_reset(st_cable *c)
{
    double m, h, nk;
    st_hh_steady(REST_MV, &m, &h, &nk);
    for (size_t i = 0; i < c->n; i++) {
        c->v[i] = REST_MV;
        c->m[i] = m;
        c->h[i] = h;
        c->nk[i] = nk;
    }
    c->step = 0;
    c->fault = false;
    c->fault_step = 0;
}

void st_cable_free(st_cable *c)
{
    if (!c)
        return;
    st_free(c->v);
    memset(c, 0, sizeof *c);
}

/* One step. Pass 1 moves the gates over the half-step-staggered interval with the rates at
 * v(t), forms G and J of the now linear membrane current and runs the Thomas forward sweep
 * on  (cm/hs + G_i + a_i) w_i - a w_{i-1} - a w_{i+1} = cm/hs v_i + J_i + I_i ; pass 2 is the
 * back substitution, which also turns w into v(t + dt). Returns false on a non-finite v. */
static bool step(st_cable *c, double stim_ua)
{
    const st_hh_params *hp = &c->p.hh;
    const size_t n = c->n;
    const double dt = c->dt_ms, phi = hp->derived.phi, a = c->coupling;
    const double hs = c->scheme == ST_CABLE_CN ? 0.5 * dt : dt;
    const double cmh = hp->cm_uf_cm2 / hs;
    const double gna = hp->gna_ms_cm2, gk = hp->gk_ms_cm2, gl = hp->gl_ms_cm2;
    const double jl = gl * hp->el_mv, ena = hp->ena_mv, ek = hp->ek_mv;
    double *v = c->v, *gm = c->m, *gh = c->h, *gn = c->nk, *cp = c->cp, *dp = c->dp;
    double cprev = 0.0, dprev = 0.0;
    for (size_t i = 0; i < n; i++) {
        st_hh_rates r;
        double vi = v[i];
        hh_rates(vi, &r);
        double m = hh_gate_exact(gm[i], r.am, r.bm, phi, dt);
        double h = hh_gate_exact(gh[i], r.ah, r.bh, phi, dt);
        double k = hh_gate_exact(gn[i], r.an, r.bn, phi, dt);
        gm[i] = m;
        gh[i] = h;
        gn[i] = k;
        double k2 = k * k;
        double g_na = gna * (m * m * m) * h, g_k = gk * (k2 * k2);
        double axial = (i > 0 ? a : 0.0) + (i + 1 < n ? a : 0.0);
        double diag = cmh + g_na + g_k + gl + axial;
        double rhs = cmh * vi + g_na * ena + g_k * ek + jl;
        if (i == 0)
            rhs += stim_ua * c->stim_per_ua;
        /* the sub-diagonal is -a (0 for i = 0, where cprev = dprev = 0) */
        double den = diag + a * cprev;
        cprev = -a / den;
        dprev = (rhs + a * dprev) / den;
        cp[i] = cprev;
        dp[i] = dprev;
    }
    double w = 0.0;
    bool cn = c->scheme == ST_CABLE_CN, finite = true;
    for (size_t i = n; i-- > 0;) {
        w = dp[i] - cp[i] * w;
        double vn = cn ? 2.0 * w - v[i] : w;
        finite = finite && isfinite(vn);
        v[i] = vn;
    }
    return finite;
}

void st_cable_process(st_cable *c, const double *stim_ua, size_t n)
{
    ST_ASSERT(c->v);
    for (size_t i = 0; i < n && !c->fault; i++) {
        c->step++;
        if (!step(c, stim_ua ? stim_ua[i] : 0.0)) {
            c->fault = true;
            c->fault_step = c->step;
        }
    }
}

double st_cable_x_mm(const st_cable *c, size_t i)
{
    return ((double)i + 0.5) * c->dx_um * 1e-3;
}

st_cable_probe st_cable_probe_at(const st_cable *c, double x_mm)
{
    st_cable_probe pr = {x_mm, 0, 0.0};
    double s = x_mm / (c->dx_um * 1e-3) - 0.5; /* in compartment-centre units */
    if (c->n < 2 || !(s > 0))
        return pr;
    if (s >= (double)(c->n - 1)) {
        pr.i = c->n - 2;
        pr.w = 1.0;
        return pr;
    }
    pr.i = (size_t)s;
    pr.w = s - (double)pr.i;
    return pr;
}

double st_cable_probe_v(const st_cable *c, const st_cable_probe *pr)
{
    if (pr->w == 0.0)
        return c->v[pr->i];
    return (1.0 - pr->w) * c->v[pr->i] + pr->w * c->v[pr->i + 1];
}

/* ---- the conduction run ---------------------------------------------------------------------- */

/* The first spike at one point: its 0 mV crossing, and its shape at the middle point. */
typedef struct watch {
    st_cable_probe pr;
    double v_prev;
    double t_cross;     /* NAN until the first upward 0 mV crossing */
    bool shape;         /* measure peak and width here */
    double rest;
    double peak;
    double *up_t, *up_v;  /* the samples since v rose RISE_MV above rest */
    size_t up_n, up_cap;
    bool rising, done;
    double width;
} watch;

static st_status upstroke_push(watch *w, double t, double v)
{
    if (w->up_n == w->up_cap) {
        size_t cap = w->up_cap ? 2 * w->up_cap : 256;
        double *a = st_realloc(w->up_t, cap * sizeof *a);
        if (!a)
            return ST_ERR_NOMEM;
        w->up_t = a;
        double *b = st_realloc(w->up_v, cap * sizeof *b);
        if (!b)
            return ST_ERR_NOMEM;
        w->up_v = b;
        w->up_cap = cap;
    }
    w->up_t[w->up_n] = t;
    w->up_v[w->up_n] = v;
    w->up_n++;
    return ST_OK;
}

/* The time the recorded upstroke last rose through 'level' (linear interpolation). */
static double upstroke_crossing(const watch *w, double level)
{
    for (size_t k = w->up_n; k-- > 1;)
        if (w->up_v[k - 1] < level && w->up_v[k] >= level)
            return w->up_t[k - 1] + (w->up_t[k] - w->up_t[k - 1]) * (level - w->up_v[k - 1]) /
                                        (w->up_v[k] - w->up_v[k - 1]);
    return NAN;
}

/* Feeds the sample (t, v) to 'w': the crossing, and at the shape point the peak and the
 * half-amplitude width, known once v falls back through the half level. The samples from
 * the moment v rises RISE_MV above rest are kept, so that the upward crossing of the half
 * level can be found when the peak, and with it the level, is known. */
static st_status watch_sample(watch *w, double t, double dt, double v)
{
    double v_prev = w->v_prev;
    w->v_prev = v;
    if (isnan(w->t_cross) && v_prev < ST_HH_SPIKE_MV && v >= ST_HH_SPIKE_MV)
        w->t_cross = t - dt + dt * (ST_HH_SPIKE_MV - v_prev) / (v - v_prev);
    if (!w->shape || w->done)
        return ST_OK;
    if (!w->rising) {
        if (!(v > w->rest + RISE_MV))
            return ST_OK;
        w->rising = true;
        w->up_n = 0;
        if (upstroke_push(w, t - dt, v_prev))
            return ST_ERR_NOMEM;
    } else if (isnan(w->t_cross) && !(v > w->rest + RISE_MV)) {
        w->rising = false; /* a bump that never reached 0 mV: wait for the next rise */
        return ST_OK;
    }
    if (w->up_n >= SHAPE_MAX_SAMPLES) {
        w->done = true; /* width stays NAN */
        return ST_OK;
    }
    if (upstroke_push(w, t, v))
        return ST_ERR_NOMEM;
    w->peak = fmax(w->peak, v);
    double level = 0.5 * (w->rest + w->peak);
    if (!isnan(w->t_cross) && v < level && v_prev >= level) {
        double t_down = t - dt + dt * (v_prev - level) / (v_prev - v);
        w->width = t_down - upstroke_crossing(w, level);
        w->done = true;
    }
    return ST_OK;
}

st_cable_config st_cable_config_default(void)
{
    return (st_cable_config){.cable = st_cable_params_default(), .scheme = ST_CABLE_CN,
                             .dt_ms = 0.01, .duration_ms = 6.0, .stim_ua = 20.0,
                             .stim_ms = 0.2};
}

st_status st_cable_config_check(const st_cable_config *cfg, st_error *err)
{
    st_cable_params p = cfg->cable;
    st_status rc = st_cable_check(&p, err);
    if (rc)
        return rc;
    if ((unsigned)cfg->scheme >= ST_CABLE_SCHEME_COUNT)
        return st_error_set(err, ST_ERR_INVAL, "--scheme: invalid value %d", (int)cfg->scheme);
    if (!(cfg->dt_ms > 0) || !isfinite(cfg->dt_ms))
        return st_error_set(err, ST_ERR_INVAL, "--dt: must be a finite number > 0 ms (got %g)",
                            cfg->dt_ms);
    if (!(cfg->duration_ms >= 0) || !isfinite(cfg->duration_ms))
        return st_error_set(err, ST_ERR_INVAL,
                            "--duration: must be a finite number >= 0 ms (got %g)",
                            cfg->duration_ms);
    if (cfg->duration_ms / cfg->dt_ms > MAX_STEPS)
        return st_error_set(err, ST_ERR_INVAL,
                            "--duration: %g ms at --dt %g ms is more than 2^40 steps",
                            cfg->duration_ms, cfg->dt_ms);
    if (!isfinite(cfg->stim_ua) || !(cfg->stim_ms >= 0) || !isfinite(cfg->stim_ms))
        return st_error_set(err, ST_ERR_INVAL,
                            "--stimulus: amplitude and duration must be finite, the "
                            "duration >= 0 ms");
    if (cfg->cable.compartments < ST_CABLE_MIN_COMPARTMENTS)
        return st_error_set(err, ST_ERR_INVAL,
                            "--dx-um: gives %zu compartments; at least %u are needed to "
                            "measure the velocity between L/4 and 3L/4",
                            cfg->cable.compartments, ST_CABLE_MIN_COMPARTMENTS);
    return ST_OK;
}

static void measure(const watch w[3], st_cable_result *res)
{
    for (int k = 0; k < 3; k++) {
        res->x_mm[k] = w[k].pr.x_mm;
        res->t_cross_ms[k] = w[k].t_cross;
    }
    res->conducted = !isnan(w[0].t_cross) && !isnan(w[2].t_cross) && w[2].t_cross > w[0].t_cross;
    res->velocity_m_s = res->conducted ? (res->x_mm[2] - res->x_mm[0]) /
                                             (res->t_cross_ms[2] - res->t_cross_ms[0])
                                       : NAN; /* mm/ms = m/s */
    res->rest_mv = w[1].rest;
    res->peak_mv = isnan(w[1].t_cross) ? NAN : w[1].peak;
    res->width_ms = w[1].done ? w[1].width : NAN;
}

st_status st_cable_run(const st_cable_config *cfg, st_cable_step_fn fn, void *ud,
                       st_cable_result *res, st_error *err)
{
    st_cable c;
    st_status rc = st_cable_config_check(cfg, err);
    if (rc || (rc = st_cable_init(&c, &cfg->cable, cfg->scheme, cfg->dt_ms, err)))
        return rc;
    memset(res, 0, sizeof *res);
    double dt = cfg->dt_ms, len = c.p.length_mm;
    uint64_t steps = (uint64_t)llround(cfg->duration_ms / dt);
    watch w[3];
    for (int k = 0; k < 3; k++) {
        w[k] = (watch){.pr = st_cable_probe_at(&c, len * (k + 1) / 4.0), .t_cross = NAN,
                       .shape = k == 1, .peak = -INFINITY, .width = NAN};
        w[k].rest = w[k].v_prev = st_cable_probe_v(&c, &w[k].pr);
    }
    res->steps = steps;
    if (fn && fn(ud, 0, &c, err))
        rc = err && err->code ? err->code : ST_ERR_IO;
    for (uint64_t j = 1; j <= steps && !rc; j++) {
        /* the stimulus is on during the steps that start before stim_ms */
        double I = (double)(j - 1) < cfg->stim_ms / dt - 1e-9 ? cfg->stim_ua : 0.0;
        st_cable_process(&c, &I, 1);
        if (c.fault) {
            rc = st_error_set(err, ST_ERR_NUMERIC,
                              "axon: v is not finite at t = %g ms (step %llu); try a smaller "
                              "--dt (now %g ms)",
                              (double)c.fault_step * dt, (unsigned long long)c.fault_step, dt);
            break;
        }
        for (int k = 0; k < 3 && !rc; k++)
            if (watch_sample(&w[k], (double)j * dt, dt, st_cable_probe_v(&c, &w[k].pr)))
                rc = st_error_set(err, ST_ERR_NOMEM, "axon: out of memory");
        if (!rc && fn && fn(ud, j, &c, err))
            rc = err && err->code ? err->code : ST_ERR_IO;
    }
    measure(w, res);
    for (int k = 0; k < 3; k++) {
        st_free(w[k].up_t);
        st_free(w[k].up_v);
    }
    st_cable_free(&c);
    return rc;
}

/* ---- recording a run ---------------------------------------------------------------------- */

void st_cable_record_free(st_cable_record *r)
{
    st_free(r->z);
    st_free(r->xs);
    st_free(r->t_ms);
    for (size_t k = 0; k < ST_CABLE_MAX_PROBES; k++)
        st_free(r->v_mv[k]);
    memset(r, 0, sizeof *r);
}

st_status st_cable_record_init(st_cable_record *r, const st_cable_config *c,
                               const double *at_mm, size_t n_at, size_t max_cols,
                               size_t max_rows, size_t max_points, st_error *err)
{
    memset(r, 0, sizeof *r);
    if (n_at > ST_CABLE_MAX_PROBES)
        return st_error_set(err, ST_ERR_INVAL, "--at: at most %d positions",
                            ST_CABLE_MAX_PROBES);
    const double len = c->cable.length_mm;
    for (size_t k = 0; k < n_at; k++) {
        if (!(at_mm[k] >= 0 && at_mm[k] <= len))
            return st_error_set(err, ST_ERR_INVAL,
                                "--at: %g mm lies outside the axon (0 to %g mm)", at_mm[k], len);
        r->at_mm[k] = at_mm[k];
    }
    r->n_at = n_at;
    r->dt_ms = c->dt_ms;
    r->duration_ms = c->duration_ms;
    r->length_mm = len;
    uint64_t steps = (uint64_t)llround(c->duration_ms / c->dt_ms);
    r->tstride = steps / (max_cols ? max_cols : 1) + 1;
    r->nx = (size_t)(steps / r->tstride) + 1;
    r->ny = c->cable.compartments < max_rows ? c->cable.compartments : max_rows;
    r->pstride = steps / (max_points ? max_points : 1) + 1;
    r->cap = (size_t)(steps / r->pstride) + 1;
    bool ok = (r->z = st_malloc(r->nx * r->ny * sizeof *r->z)) &&
              (r->xs = st_malloc(r->ny * sizeof *r->xs)) &&
              (r->t_ms = st_malloc(r->cap * sizeof *r->t_ms));
    for (size_t k = 0; ok && k < n_at; k++)
        ok = (r->v_mv[k] = st_malloc(r->cap * sizeof *r->v_mv[k])) != NULL;
    if (!ok) {
        st_cable_record_free(r);
        return st_error_set(err, ST_ERR_NOMEM, "axon: out of memory for the record");
    }
    for (size_t i = 0; i < r->nx * r->ny; i++)
        r->z[i] = NAN;
    for (size_t row = 0; row < r->ny; row++)
        r->xs[row] = ((double)row + 0.5) * len / (double)r->ny;
    return ST_OK;
}

int st_cable_record_step(void *ud, uint64_t j, const st_cable *c, st_error *err)
{
    st_cable_record *r = ud;
    (void)err;
    if (j == 0)
        for (size_t k = 0; k < r->n_at; k++)
            r->probe[k] = st_cable_probe_at(c, r->at_mm[k]);
    if (j % r->tstride == 0 && j / r->tstride < r->nx) {
        size_t col = (size_t)(j / r->tstride);
        for (size_t row = 0; row < r->ny; row++) {
            size_t i = (size_t)(((double)row + 0.5) * (double)c->n / (double)r->ny);
            r->z[row * r->nx + col] = c->v[i];
        }
    }
    if (j % r->pstride == 0 && r->n < r->cap) {
        r->t_ms[r->n] = (double)j * c->dt_ms;
        for (size_t k = 0; k < r->n_at; k++)
            r->v_mv[k][r->n] = st_cable_probe_v(c, &r->probe[k]);
        r->n++;
    }
    return 0;
}
