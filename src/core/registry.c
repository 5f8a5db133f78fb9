/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The model registry: parameter tables, defaults, presets and operations of each model. */
#include "spiketalk/registry.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core-private.h"

/* ---- Izhikevich (2003) ------------------------------------------------------------------ */

#define P03(NAME, UNIT, HELP, DEF, MIN, MAX, FIELD, ADV) \
    {NAME, UNIT, HELP, DEF, MIN, MAX, offsetof(st_izh_params, FIELD), ADV}

static const st_param_desc izh_params[] = {
    P03("a", "1/ms", "time scale of the recovery variable u", 0.02, -0.1, 1.0, a, false),
    P03("b", "", "sensitivity of u to v", 0.2, -1.0, 1.0, b, false),
    P03("c", "mV", "after-spike reset of v", -65, -90, 0, c, false),
    P03("d", "", "after-spike increment of u", 8, -25, 25, d, false),
    P03("vpeak", "mV", "spike cut-off (spike when v > vpeak)", 30, 0, 50, vpeak_mv, true),
    P03("q2", "1/(mV ms)", "v' = q2 v^2 + q1 v + q0 - u + I", 0.04, 0.01, 0.1, q2, true),
    P03("q1", "1/ms", "linear coefficient of the v equation", 5, 0, 10, q1, true),
    P03("q0", "mV/ms", "constant of the v equation", 140, 0, 200, q0, true),
    P03("uv", "mV", "u' = a (b (v - uv) - udecay u)", 0, -100, 0, uv_mv, true),
    P03("udecay", "", "1: u decays (standard); 0: no decay (feature R)", 1, 0, 1, udecay, true),
};

static st_status izh_check(const st_model_params *p, st_error *err)
{
    return st_izh_params_check(&p->izh, err);
}

static double izh_u0(const st_model_params *p, double v0)
{
    return p->izh.b * v0;
}

static double izh_vpeak(const st_model_params *p)
{
    return p->izh.vpeak_mv;
}

static double izh_rest(const st_model_params *p)
{
    (void)p;
    return -65.0;
}

static void izh_process(st_model_state *s, const st_model_params *p, st_integrator how,
                        double dt, const double *I, double *v, double *u, size_t n,
                        st_spikes *sp)
{
    st_izh_process(&s->izh, &p->izh, how, dt, I, v, u, n, sp);
}

static void izh_reset(st_model_state *s, const st_model_params *p, double v0, double u0)
{
    (void)p;
    st_izh_reset(&s->izh, v0, u0); /* the 2007 form shares this state shape */
}

static uint64_t izh_fault(const st_model_state *s)
{
    return s->izh.fault ? s->izh.fault_step : 0;
}

static const char *const izh_aliases[] = {"izh", "izh2003", "izh2004", "2003", NULL};

/* ---- Izhikevich (2007 book) ------------------------------------------------------------- */

#define P07(NAME, UNIT, HELP, DEF, MIN, MAX, FIELD, ADV) \
    {NAME, UNIT, HELP, DEF, MIN, MAX, offsetof(st_izh07_params, FIELD), ADV}

static const st_param_desc izh07_params[] = {
    P07("C", "pF", "membrane capacitance", 100, 10, 400, C_pf, false),
    P07("k", "nS/mV", "gain of the quadratic term", 0.7, 0.1, 3, k, false),
    P07("vr", "mV", "resting potential", -60, -90, -40, vr_mv, false),
    P07("vt", "mV", "instantaneous threshold potential", -40, -70, -20, vt_mv, false),
    P07("vpeak", "mV", "spike cut-off (spike when v >= vpeak + pu u)", 35, -10, 60, vpeak_mv,
        false),
    P07("a", "1/ms", "recovery rate", 0.03, 0, 1, a, false),
    P07("b", "nS", "sensitivity of u to v", -2, -20, 20, b, false),
    P07("c", "mV", "after-spike reset of v", -50, -90, 0, c, false),
    P07("d", "pA", "after-spike increment of u", 100, -200, 400, d, false),
    P07("vu", "mV", "v offset in u' = a (b (v - vu) - u); nan: vr", NAN, -90, -40, vu_mv, true),
    P07("bh", "nS", "b used while v <= vbs", -2, -20, 20, bh, true),
    P07("vbs", "mV", "b switch voltage (-inf: no switch)", -INFINITY, -90, -40, vbs_mv, true),
    P07("pu", "mV/pA", "spike when v >= vpeak + pu u", 0, -1, 1, pu, true),
    P07("ru", "mV/pA", "reset v = c + ru u", 0, -1, 1, ru, true),
    P07("umax", "pA", "cap of u after a spike (inf: none)", INFINITY, 0, 2000, umax, true),
    P07("ucubic", "pA/mV^3", "cubic u nullcline 0.025 (v - vb)^3 (0: linear)", 0, 0, 0.1,
        ucubic, true),
    P07("vb", "mV", "foot of the cubic u nullcline", -55, -90, -40, vb_mv, true),
};

static st_status izh07_check(const st_model_params *p, st_error *err)
{
    return st_izh07_params_check(&p->izh07, err);
}

static double izh07_u0(const st_model_params *p, double v0)
{
    (void)p;
    (void)v0;
    return 0.0;
}

static double izh07_vpeak(const st_model_params *p)
{
    return p->izh07.vpeak_mv;
}

static double izh07_rest(const st_model_params *p)
{
    return p->izh07.vr_mv;
}

static void izh07_process(st_model_state *s, const st_model_params *p, st_integrator how,
                          double dt, const double *I, double *v, double *u, size_t n,
                          st_spikes *sp)
{
    st_izh07_process(&s->izh07, &p->izh07, how, dt, I, v, u, n, sp);
}

static const char *const izh07_aliases[] = {"izh07", "2007", "book", NULL};

/* ---- Hodgkin-Huxley (1952) ------------------------------------------------------------- */

#define PHH(NAME, UNIT, HELP, DEF, MIN, MAX, FIELD, ADV) \
    {NAME, UNIT, HELP, DEF, MIN, MAX, offsetof(st_hh_params, FIELD), ADV}

static const st_param_desc hh_params[] = {
    PHH("gNa", "mS/cm2", "maximal sodium conductance", 120, 0, 400, gna_ms_cm2, false),
    PHH("gK", "mS/cm2", "maximal potassium conductance", 36, 0, 150, gk_ms_cm2, false),
    PHH("gL", "mS/cm2", "leak conductance", 0.3, 0, 3, gl_ms_cm2, false),
    PHH("ENa", "mV", "sodium reversal potential", 50, 0, 100, ena_mv, false),
    PHH("EK", "mV", "potassium reversal potential", -77, -120, -40, ek_mv, false),
    PHH("EL", "mV", "leak reversal potential", -54.3, -90, -30, el_mv, false),
    PHH("Cm", "uF/cm2", "membrane capacitance", 1, 0.1, 5, cm_uf_cm2, false),
    PHH("temperature", "degC", "rates scale by 3^((T - 6.3) / 10)", 6.3, -20, 60,
        temperature_c, false),
};

static st_status hh_check(const st_model_params *p, st_error *err)
{
    st_hh_params q = p->hh;
    return st_hh_prepare(&q, err);
}

static double hh_u0(const st_model_params *p, double v0)
{
    (void)p;
    double m, h, n;
    st_hh_steady(v0, &m, &h, &n);
    return n;
}

static double hh_vpeak(const st_model_params *p)
{
    (void)p;
    return NAN; /* the trace holds the whole action potential: nothing to draw in */
}

static double hh_rest(const st_model_params *p)
{
    (void)p;
    return -65.0;
}

static void hh_reset(st_model_state *s, const st_model_params *p, double v0, double u0)
{
    (void)p;
    (void)u0;
    st_hh_reset(&s->hh, v0); /* gates at their steady state for v0 */
}

static uint64_t hh_fault(const st_model_state *s)
{
    return s->hh.fault ? s->hh.fault_step : 0;
}

/* The registry's (v, u) view of HH: u is the potassium gate n; a spike is stamped at the
 * first time index with v >= 0 mV after one below it. */
static void hh_process(st_model_state *s, const st_model_params *p, st_integrator how,
                       double dt, const double *I, double *v_out, double *u_out, size_t n,
                       st_spikes *sp)
{
    enum { B = 256 };
    double y[B * ST_HH_NVARS];
    st_hh_params q = p->hh; /* derived values for the current temperature: one pow a call */
    if (st_hh_prepare(&q, NULL)) {
        s->hh.fault = true;
        s->hh.fault_step = s->hh.step + 1;
        return;
    }
    for (size_t k0 = 0; k0 < n && !s->hh.fault; k0 += B) {
        size_t m = n - k0 < B ? n - k0 : B;
        double prev = s->hh.y[ST_HH_V];
        uint64_t j0 = s->hh.step;
        st_hh_process(&s->hh, &q, how, dt, I + k0, y, m, NULL);
        for (size_t i = 0; i < m; i++) {
            double v = y[i * ST_HH_NVARS + ST_HH_V];
            if (prev < ST_HH_SPIKE_MV && v >= ST_HH_SPIKE_MV)
                st_spikes_push(sp, j0 + i + 1);
            prev = v;
            if (v_out)
                v_out[k0 + i] = v;
            if (u_out)
                u_out[k0 + i] = y[i * ST_HH_NVARS + ST_HH_N];
        }
    }
}

static const char *const hh_aliases[] = {"hodgkin-huxley", "hh1952", NULL};

static const st_preset hh_presets[] = {
    {.name = "squid", .title = "squid giant axon membrane at 6.3 degC (NEURON's hh)",
     .model = ST_MODEL_HH, .kind = ST_PRESET_CELL,
     .params = {.hh = {.gna_ms_cm2 = 120, .gk_ms_cm2 = 36, .gl_ms_cm2 = 0.3, .ena_mv = 50,
                       .ek_mv = -77, .el_mv = -54.3, .cm_uf_cm2 = 1, .temperature_c = 6.3}},
     .v0_mv = -65, .u0 = NAN},
    {.name = "squid-18.5", .title = "the same at 18.5 degC (the 1952 propagation)",
     .model = ST_MODEL_HH, .kind = ST_PRESET_CELL,
     .params = {.hh = {.gna_ms_cm2 = 120, .gk_ms_cm2 = 36, .gl_ms_cm2 = 0.3, .ena_mv = 50,
                       .ek_mv = -77, .el_mv = -54.3, .cm_uf_cm2 = 1, .temperature_c = 18.5}},
     .v0_mv = -65, .u0 = NAN},
};

/* ---- integrators ---------------------------------------------------------------------------- */

static const char *const int_names[ST_INT_COUNT] = {"euler", "symplectic", "izh2003", "rk4",
                                                "rush-larsen", "study"};

static const char *const int_helps[ST_INT_COUNT] = {
    "forward Euler: v and u both from the old state (the 2007 book's code)",
    "v first, then u from the new v, in the order of the 2004 figure script",
    "two half steps of v, then u from the new v (the 2003 network code)",
    "classical fourth-order Runge-Kutta on (v, u)",
    "Hodgkin-Huxley only (spiketalk hh): exact exponential step of each gate, Euler for v",
    "the study's loop: symplectic in its order, v + h*(0.04*v*v + ...), u + h*(a*(b*v - u))"};

const char *st_integrator_name(st_integrator how)
{
    return (unsigned)how < ST_INT_COUNT ? int_names[how] : NULL;
}

const char *st_integrator_help(st_integrator how)
{
    return (unsigned)how < ST_INT_COUNT ? int_helps[how] : "";
}

st_status st_integrator_parse(const char *name, st_integrator *out, st_error *err)
{
    int i = st_name_index(int_names, ST_INT_COUNT, name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--integrator: unknown integrator '%s' (choose euler, symplectic, "
                            "izh2003, rk4, rush-larsen or study)",
                            name ? name : "");
    *out = (st_integrator)i;
    return ST_OK;
}

/* ---- the table ---------------------------------------------------------------------------- */

#define ALL_INTEGRATORS                                                      \
    (ST_INT_BIT(ST_INT_EULER) | ST_INT_BIT(ST_INT_SYMPLECTIC) |              \
     ST_INT_BIT(ST_INT_IZH2003) | ST_INT_BIT(ST_INT_RK4))

static const st_model models[ST_MODEL_COUNT] = {
    [ST_MODEL_IZH] = {
        .id = ST_MODEL_IZH,
        .name = "izhikevich",
        .aliases = izh_aliases,
        .title = "Izhikevich (2003) simple model, dimensionless current",
        .equations = "v' = 0.04 v^2 + 5 v + 140 - u + I\n"
                     "u' = a (b v - u)\n"
                     "if v > vpeak (30 mV): v <- c, u <- u + d",
        .citation = "E. M. Izhikevich, IEEE Trans. Neural Networks 14:1569 (2003) and "
                    "15:1063 (2004)",
        .current_unit = "",
        .spike_rule = "v > vpeak",
        .params = izh_params,
        .n_params = ST_COUNTOF(izh_params),
        /* the model's defaults are the study's protocol, in the study's arithmetic */
        .integrators = ALL_INTEGRATORS | ST_INT_BIT(ST_INT_STUDY),
        .default_integrator = ST_INT_STUDY,
        .u_name = "u",
        .default_gain = 10,
        .default_dt_ms = 0.5,
        .default_duration_ms = 1000,
        .default_input = "step:onset=300,amp=5",
        .default_preset = "RS",
        .v_min_mv = -95,
        .v_max_mv = 40,
        .presets = st_izh_presets,
        .n_presets = ST_IZH_N_PRESETS,
        .check = izh_check,
        .default_u0 = izh_u0,
        .vpeak = izh_vpeak,
        .rest_v = izh_rest,
        .reset = izh_reset,
        .fault_step = izh_fault,
        .process = izh_process,
    },
    [ST_MODEL_IZH07] = {
        .id = ST_MODEL_IZH07,
        .name = "izh2007",
        .aliases = izh07_aliases,
        .title = "Izhikevich (2007) simple model, book form in pF, pA, mV",
        .equations = "C v' = k (v - vr)(v - vt) - u + I\n"
                     "u' = a (b (v - vr) - u)\n"
                     "if v >= vpeak: v <- c, u <- u + d   (plus each cell type's rules)",
        .citation = "E. M. Izhikevich, Dynamical Systems in Neuroscience, MIT Press (2007), "
                    "ch. 8",
        .current_unit = "pA",
        .spike_rule = "v >= vpeak",
        .params = izh07_params,
        .n_params = ST_COUNTOF(izh07_params),
        .integrators = ALL_INTEGRATORS,
        .default_integrator = ST_INT_EULER,
        .u_name = "u",
        .default_gain = 300,
        .default_dt_ms = 0.25,
        .default_duration_ms = 1000,
        .default_input = "step:onset=100,amp=70",
        .default_preset = "RS",
        .v_min_mv = -90,
        .v_max_mv = 60,
        .presets = st_izh07_presets,
        .n_presets = ST_IZH07_N_PRESETS,
        .check = izh07_check,
        .default_u0 = izh07_u0,
        .vpeak = izh07_vpeak,
        .rest_v = izh07_rest,
        .reset = izh_reset,
        .fault_step = izh_fault,
        .process = izh07_process,
    },
    [ST_MODEL_HH] = {
        .id = ST_MODEL_HH,
        .name = "hh",
        .aliases = hh_aliases,
        .title = "Hodgkin-Huxley (1952) point neuron, current density in uA/cm2",
        .equations = "Cm v' = I - gNa m^3 h (v - ENa) - gK n^4 (v - EK) - gL (v - EL)\n"
                     "x' = phi (alpha_x(v) (1 - x) - beta_x(v) x),  x = m, h, n\n"
                     "phi = 3^((T - 6.3) / 10); a spike is an upward crossing of 0 mV",
        .citation = "A. L. Hodgkin and A. F. Huxley, J. Physiol. 117:500 (1952); "
                    "parameters of NEURON's hh",
        .current_unit = "uA/cm2",
        .spike_rule = "upward crossing of 0 mV",
        .u_name = "n",
        .default_gain = 20,
        .params = hh_params,
        .n_params = ST_COUNTOF(hh_params),
        .integrators = ST_INT_BIT(ST_INT_EULER) | ST_INT_BIT(ST_INT_RK4) |
                       ST_INT_BIT(ST_INT_RUSH_LARSEN),
        .default_integrator = ST_INT_RK4,
        .default_dt_ms = 0.01,
        .default_duration_ms = 100,
        .default_input = "step:onset=10,amp=10",
        .default_preset = "squid",
        .v_min_mv = -90,
        .v_max_mv = 60,
        .presets = hh_presets,
        .n_presets = ST_COUNTOF(hh_presets),
        .check = hh_check,
        .default_u0 = hh_u0,
        .vpeak = hh_vpeak,
        .rest_v = hh_rest,
        .reset = hh_reset,
        .fault_step = hh_fault,
        .process = hh_process,
    },
};

const st_model *st_model_get(st_model_id id)
{
    return (unsigned)id < ST_MODEL_COUNT ? &models[id] : NULL;
}

const st_model *st_model_find(const char *name)
{
    for (int i = 0; name && i < ST_MODEL_COUNT; i++) {
        const st_model *m = st_model_get((st_model_id)i);
        if (!strcasecmp(name, m->name))
            return m;
        for (const char *const *a = m->aliases; a && *a; a++)
            if (!strcasecmp(name, *a))
                return m;
    }
    return NULL;
}

/* ---- presets and parameters ----------------------------------------------------------- */

/* Case-insensitive compare that treats '-', '_' and ' ' alike. */
static int name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca == '_' || ca == ' ')
            ca = '-';
        if (cb == '_' || cb == ' ')
            cb = '-';
        if (ca != cb)
            return 0;
        if (!ca)
            return 1;
    }
}

const st_preset *st_preset_find(const st_model *m, const char *name, int kind)
{
    for (size_t i = 0; name && i < m->n_presets; i++) {
        const st_preset *p = &m->presets[i];
        if (kind >= 0 && (int)p->kind != kind)
            continue;
        if (name_eq(name, p->name) || (p->letter && name_eq(name, p->letter)))
            return p;
    }
    return NULL;
}

size_t st_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return la > lb ? la : lb;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + (same ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

st_status st_preset_lookup(const st_model *m, const char *name, int kind, const char *flag,
                           const st_preset **out, st_error *err)
{
    const st_preset *p = st_preset_find(m, name, kind);
    if (!p && kind == ST_PRESET_CELL)
        p = st_preset_find(m, name, -1);
    *out = p;
    if (p)
        return ST_OK;
    char near[200];
    st_preset_suggest(m, name, kind, near, sizeof near, 4);
    return st_error_set(err, ST_ERR_INVAL,
                        "%s: unknown %s '%.*s%s' for model %s; closest: %s (see 'spiketalk "
                        "presets')",
                        flag, kind == ST_PRESET_FEATURE ? "feature" : "preset",
                        ST_QUOTED(name ? name : "", name ? strlen(name) : 0), m->name, near);
}

char *st_preset_suggest(const st_model *m, const char *name, int kind, char *buf, size_t size,
                        int max)
{
    /* Selection by increasing distance; the tables are small. */
    size_t used = 0;
    buf[0] = '\0';
    unsigned char taken[64] = {0};
    for (int k = 0; k < max; k++) {
        size_t best = (size_t)-1, best_d = (size_t)-1;
        for (size_t i = 0; i < m->n_presets && i < 64; i++) {
            const st_preset *p = &m->presets[i];
            if (taken[i] || (kind >= 0 && (int)p->kind != kind))
                continue;
            size_t d = st_edit_distance(name, p->name);
            if (d < best_d) {
                best_d = d;
                best = i;
            }
        }
        if (best == (size_t)-1)
            break;
        taken[best] = 1;
        int w = snprintf(buf + used, size - used, "%s%s", k ? ", " : "", m->presets[best].name);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
    return buf;
}

double st_param_get(const st_model_params *p, const st_param_desc *d)
{
    double x;
    memcpy(&x, (const char *)p + d->offset, sizeof x);
    return x;
}

void st_param_set(st_model_params *p, const st_param_desc *d, double x)
{
    memcpy((char *)p + d->offset, &x, sizeof x);
}

const st_param_desc *st_param_find(const st_model *m, const char *name)
{
    for (size_t i = 0; name && i < m->n_params; i++)
        if (!strcmp(name, m->params[i].name))
            return &m->params[i];
    return NULL;
}

st_model_params st_model_default_params(const st_model *m)
{
    st_model_params p;
    memset(&p, 0, sizeof p);
    const st_preset *pre = st_preset_find(m, m->default_preset, -1);
    if (pre)
        return pre->params;
    for (size_t i = 0; i < m->n_params; i++)
        st_param_set(&p, &m->params[i], m->params[i].def);
    return p;
}
