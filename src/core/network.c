/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Networks: the published presets and the options that ask for them, the configuration check,
 * building a network in memory (neurons, partitions, buffers) and what can be asked of it
 * between runs. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core-private.h"
#include "network-private.h"
#include "spiketalk/options.h"

/* ---- aligned memory ------------------------------------------------------------------------ */

void *st_net_aalloc(size_t size)
{
    if (size > SIZE_MAX - ST_NET_ALIGN - sizeof(void *))
        return NULL;
    unsigned char *raw = st_malloc(size + ST_NET_ALIGN + sizeof(void *));
    if (!raw)
        return NULL;
    uintptr_t at = ((uintptr_t)(raw + sizeof(void *)) + ST_NET_ALIGN - 1) &
                   ~(uintptr_t)(ST_NET_ALIGN - 1);
    unsigned char *p = (unsigned char *)at;
    memcpy(p - sizeof(void *), &raw, sizeof raw);
    return p;
}

void st_net_afree(void *p)
{
    if (!p)
        return;
    void *raw;
    memcpy(&raw, (unsigned char *)p - sizeof(void *), sizeof raw);
    st_free(raw);
}

/* ---- presets ------------------------------------------------------------------------------- */

const char *st_net_preset_names(void)
{
    return "izh2003, izh2006";
}

static void base_config(st_net_config *c, const char *name)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->dt_ms = 1.0;
    c->vform = ST_NET_VFORM_SUM;
    c->vpeak_mv = 30.0;
    c->q2 = 0.04;
    c->q1 = 5.0;
    c->q0 = 140.0;
    c->seed = 1;
    c->threads = 1;
    c->stdp = (st_net_stdp){.a_plus = 0.1, .a_minus = 0.12, .decay = 0.95, .bias = 0.01,
                            .sd_decay = 0.9, .w_max = 10.0, .period = 1000};
}

static st_net_pop pop(const char *name, uint32_t n, bool inh, double a, double b, double c,
                      double d)
{
    st_net_pop p = {.n = n, .inhibitory = inh, .a = a, .b = b, .c = c, .d = d, .r_power = 1,
                    .v0_mv = -65.0};
    snprintf(p.name, sizeof p.name, "%s", name);
    return p;
}

static st_status preset_izh2003(st_net_config *c, uint32_t n, uint32_t k, st_error *err)
{
    base_config(c, "izh2003");
    uint32_t ni = n / 5, ne = n - ni;
    c->pop[0] = pop("exc", ne, false, 0.02, 0.2, -65.0, 8.0);
    c->pop[0].c_r = 15.0;
    c->pop[0].d_r = -6.0;
    c->pop[0].r_power = 2;
    c->pop[0].noise_sd = 5.0;
    c->pop[1] = pop("inh", ni, true, 0.02, 0.25, -65.0, 2.0);
    c->pop[1].a_r = 0.08;
    c->pop[1].b_r = -0.05;
    c->pop[1].noise_sd = 2.0;
    c->n_pops = 2;
    if (k > n)
        return st_error_set(err, ST_ERR_INVAL,
                            "--synapses: %u synapses per neuron, but izh2003 has %u neurons",
                            (unsigned)k, (unsigned)n);
    bool dense = k == 0 ? n <= 1000 : k == n;
    uint32_t kk = dense ? n : k == 0 ? 1000 : k;
    double scale = 1000.0 / (double)kk;
    for (int j = 0; j < 2; j++)
        c->proj[j] = (st_net_proj){.pre = (uint32_t)j, .post = ST_NET_ALL,
                                   .rule = dense ? ST_NET_DENSE : ST_NET_FIXED_OUTDEGREE,
                                   .k = kk, .autapses = true, .w_uniform = true,
                                   .w = (j == 0 ? 0.5 : -1.0) * scale, .delay_min = 1,
                                   .delay_max = 1};
    c->n_projs = 2;
    return ST_OK;
}

static st_status preset_izh2006(st_net_config *c, uint32_t n, uint32_t m, st_error *err)
{
    base_config(c, "izh2006");
    c->vform = ST_NET_VFORM_HORNER;
    uint32_t ni = n / 5, ne = n - ni;
    c->pop[0] = pop("exc", ne, false, 0.02, 0.2, -65.0, 8.0);
    c->pop[1] = pop("inh", ni, true, 0.1, 0.2, -65.0, 2.0);
    c->n_pops = 2;
    if (m == 0)
        m = 100;
    if (m > ne)
        return st_error_set(err, ST_ERR_INVAL,
                            "--synapses: %u targets per neuron, but izh2006's inhibitory "
                            "neurons have only %u excitatory neurons to reach",
                            (unsigned)m, (unsigned)ne);
    c->proj[0] = (st_net_proj){.pre = 0, .post = ST_NET_ALL, .rule = ST_NET_FIXED_OUTDEGREE,
                               .k = m, .w = 6.0, .delay_min = 1, .delay_max = 20,
                               .plastic = true};
    c->proj[1] = (st_net_proj){.pre = 1, .post = 0, .rule = ST_NET_FIXED_OUTDEGREE, .k = m,
                               .w = -5.0, .delay_min = 1, .delay_max = 1};
    c->n_projs = 2;
    c->pulses = n / 1000 > 0 ? n / 1000 : 1;
    c->pulse_amp = 20.0;
    return ST_OK;
}

st_status st_net_preset(const char *name, uint32_t neurons, uint32_t synapses, st_net_config *c,
                        st_error *err)
{
    static const char *const names[] = {"izh2003", "izh2006"};
    int which = st_name_index(names, ST_COUNTOF(names), name);
    if (which < 0)
        return st_error_set(err, ST_ERR_INVAL, "--net: unknown network '%s' (choose %s)",
                            name ? name : "", st_net_preset_names());
    if (neurons == 0)
        neurons = 1000;
    if (neurons < 5 || neurons > ST_NET_MAX_NEURONS)
        return st_error_set(err, ST_ERR_INVAL,
                            "--neurons: %u is out of range (5 to %u: one inhibitory neuron per "
                            "four excitatory ones)",
                            (unsigned)neurons, (unsigned)ST_NET_MAX_NEURONS);
    st_status rc = which == 0 ? preset_izh2003(c, neurons, synapses, err)
                              : preset_izh2006(c, neurons, synapses, err);
    if (rc)
        return rc;
    return st_net_config_check(c, err);
}

/* ---- other neuron models ------------------------------------------------------------------ */

st_status st_net_use_model(st_net_config *c, const char *model, st_error *err)
{
    const st_model *m = st_model_find(model);
    if (!m)
        return st_error_set(err, ST_ERR_INVAL,
                            "--model: unknown model '%s' (choose izhikevich, izh2007 or hh)",
                            model ? model : "");
    if (m->id == ST_MODEL_IZH)
        return ST_OK;
    for (size_t q = 0; q < c->n_pops; q++) {
        st_net_pop *pp = &c->pop[q];
        if (pp->model != ST_MODEL_IZH)
            return st_error_set(err, ST_ERR_INVAL,
                                "--model: population %zu is already of another model", q);
        st_net_pop np = *pp;
        np.model = m->id;
        if (m->id == ST_MODEL_HH) {
            np.hh = st_hh_params_default();
            np.integrator = ST_INT_RK4;
            np.substeps = 20;
            np.a_r = np.b_r = np.c_r = np.d_r = 0.0;
        } else {
            /* the same cell in the book's variables: q2 v^2 + q1 v + q0 = q2 (v - vr)(v - vt) */
            double disc = sqrt(c->q1 * c->q1 - 4.0 * c->q2 * c->q0);
            np.izh07 = st_izh07_params_default();
            np.izh07.C_pf = 1.0;
            np.izh07.k = c->q2;
            np.izh07.vr_mv = (-c->q1 - disc) / (2.0 * c->q2);
            np.izh07.vt_mv = (-c->q1 + disc) / (2.0 * c->q2);
            np.izh07.vpeak_mv = c->vpeak_mv;
            np.izh07.vu_mv = 0.0;
            np.integrator = ST_INT_IZH2003;
            np.substeps = 1;
        }
        /* the 2003 form's current is v' in mV/ms (its capacitance is 1); times C it is the
           same charge per ms, and a pulse moves v by the same millivolts */
        np.gain = m->id == ST_MODEL_HH ? np.hh.cm_uf_cm2 : 1.0;
        c->pop[q] = np;
    }
    return st_net_config_check(c, err);
}

/* ---- memory ------------------------------------------------------------------------------- */

uint64_t st_net_memory(const st_net_config *c)
{
    double n = (double)st_net_config_neurons(c), syn = 0.0;
    uint32_t dmin = c->n_projs ? UINT32_MAX : 1, dmax = 1;
    bool plastic = false;
    for (size_t i = 0; i < c->n_projs && i < ST_NET_MAX_PROJS; i++) {
        const st_net_proj *pj = &c->proj[i];
        if (pj->pre >= c->n_pops || (pj->post != ST_NET_ALL && pj->post >= c->n_pops))
            continue;
        double targets = pj->post == ST_NET_ALL ? n : (double)c->pop[pj->post].n;
        double per = pj->rule == ST_NET_DENSE ? targets
                   : pj->rule == ST_NET_FIXED_OUTDEGREE ? (double)pj->k : pj->p * targets;
        syn += (double)c->pop[pj->pre].n * per * (pj->plastic ? 32.0 : 8.0);
        dmin = pj->delay_min < dmin ? pj->delay_min : dmin;
        dmax = pj->delay_max > dmax ? pj->delay_max : dmax;
        plastic |= pj->plastic;
    }
    if (dmin > dmax)
        dmin = dmax;
    double nd = (double)(dmax - dmin + 1), parts = c->threads > 0 ? (double)c->threads : 1.0;
    double rows = (plastic ? 2.0 : 1.0) * parts * (n * nd + 1.0) * 8.0;
    bool hh = false;
    for (size_t i = 0; i < c->n_pops && i < ST_NET_MAX_POPS; i++)
        hh |= c->pop[i].model == ST_MODEL_HH;
    double neurons = n * ((hh ? 17.0 : 14.0) * 8.0 + 4.0 * dmin + 16.0);
    double ring = (double)(dmax + dmin) * n * 4.0 + 8.0 * n * dmin + 4.0 * n;
    double total = syn + rows + neurons + ring + 2.0 * ST_NET_TRACE_STEPS * sizeof(float);
    return total < 1.8e19 ? (uint64_t)total : UINT64_MAX;
}

/* ---- options ------------------------------------------------------------------------------ */

/* The memory the synapses will take in all processes together, roughly. */
static double synapse_bytes(const st_net_config *c)
{
    double total = 0.0, n = (double)st_net_config_neurons(c);
    for (size_t i = 0; i < c->n_projs; i++) {
        const st_net_proj *pj = &c->proj[i];
        double targets = pj->post == ST_NET_ALL ? n : (double)c->pop[pj->post].n;
        double per = pj->rule == ST_NET_DENSE ? targets
                   : pj->rule == ST_NET_FIXED_OUTDEGREE ? (double)pj->k : pj->p * targets;
        total += (double)c->pop[pj->pre].n * per * (pj->plastic ? 32.0 : 8.0);
    }
    return total;
}

st_status st_net_configure(const st_net_options *o, st_net_config *c, uint64_t *steps,
                           double *duration_ms, st_error *err)
{
    uint64_t neurons = 0, synapses = 0, x;
    st_status st;
    if (o->neurons && (st = st_parse_whole("--neurons", o->neurons, ST_NET_MIN_NEURONS,
                                  ST_NET_MAX_NEURONS, &neurons, err)))
        return st;
    if (o->synapses &&
        (st = st_parse_whole("--synapses", o->synapses, 1, ST_NET_MAX_NEURONS, &synapses, err)))
        return st;
    if ((st = st_net_preset(o->net ? o->net : ST_NET_DEFAULT_NET, (uint32_t)neurons,
                            (uint32_t)synapses, c, err)))
        return st;
    if (o->model && (st = st_net_use_model(c, o->model, err)))
        return st;
    double ms = ST_NET_DEFAULT_DURATION_MS;
    if (o->duration && (st = st_parse_number("--duration", o->duration, &ms, err)))
        return st;
    if (!(ms >= c->dt_ms) || ms > ST_NET_MAX_DURATION_MS)
        return st_error_set(err, ST_ERR_INVAL, "--duration: %g ms is out of range (%g to %g ms)",
                            ms, c->dt_ms, ST_NET_MAX_DURATION_MS);
    *steps = (uint64_t)llround(ms / c->dt_ms);
    *duration_ms = (double)*steps * c->dt_ms;
    if (o->seed && (st = st_parse_whole("--seed", o->seed, 0, UINT64_MAX, &c->seed, err)))
        return st;
    if (o->threads &&
        (st = st_parse_whole("--threads", o->threads, 1, ST_NET_MAX_THREADS, &x, err)))
        return st;
    if (o->threads)
        c->threads = (int)x;
    double need = synapse_bytes(c);
    double have = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (have > 0.0 && need > 0.8 * have)
        return st_error_set(err, ST_ERR_INVAL,
                            "--neurons, --synapses: the synapses alone would take %.1f GB, more "
                            "than this machine's %.1f GB of memory",
                            need / 1e9, have / 1e9);
    return ST_OK;
}

/* ---- the check ------------------------------------------------------------------------------ */

uint64_t st_net_config_neurons(const st_net_config *c)
{
    uint64_t n = 0;
    for (size_t i = 0; i < c->n_pops && i < ST_NET_MAX_POPS; i++)
        n += c->pop[i].n;
    return n;
}

static st_status check_pop(const st_net_pop *p, size_t i, st_error *err)
{
    const struct { const char *name; double x; } f[] = {
        {"a", p->a},     {"b", p->b},     {"c", p->c},     {"d", p->d},
        {"a_r", p->a_r}, {"b_r", p->b_r}, {"c_r", p->c_r}, {"d_r", p->d_r},
        {"v0", p->v0_mv}};
    if (p->n == 0)
        return st_error_set(err, ST_ERR_INVAL, "population %zu: has no neurons", i);
    for (size_t k = 0; k < ST_COUNTOF(f); k++)
        if (!isfinite(f[k].x))
            return st_error_set(err, ST_ERR_INVAL, "population %zu: %s is not finite", i,
                                f[k].name);
    if (p->r_power != 1 && p->r_power != 2)
        return st_error_set(err, ST_ERR_INVAL, "population %zu: r_power must be 1 or 2", i);
    if (!(p->noise_sd >= 0.0) || !isfinite(p->noise_sd))
        return st_error_set(err, ST_ERR_INVAL, "population %zu: noise_sd must be >= 0", i);
    if (p->model == ST_MODEL_IZH)
        return ST_OK;
    if (p->model != ST_MODEL_IZH07 && p->model != ST_MODEL_HH)
        return st_error_set(err, ST_ERR_INVAL, "population %zu: unknown neuron model", i);
    if (!(p->gain > 0.0) || !isfinite(p->gain))
        return st_error_set(err, ST_ERR_INVAL, "population %zu: gain must be a finite number > 0",
                            i);
    if (p->substeps < 1 || p->substeps > ST_NET_MAX_SUBSTEPS)
        return st_error_set(err, ST_ERR_INVAL, "population %zu: substeps must be 1 to %u", i,
                            (unsigned)ST_NET_MAX_SUBSTEPS);
    const st_model *m = st_model_get(p->model);
    bool offered = p->model == ST_MODEL_HH ? st_hh_offers(p->integrator)
                                           : (unsigned)p->integrator < ST_INT_COUNT &&
                                                 (m->integrators & ST_INT_BIT(p->integrator));
    if (!offered)
        return st_error_set(err, ST_ERR_INVAL, "population %zu: %s does not offer integrator %s",
                            i, m->name, st_integrator_name(p->integrator) ?
                            st_integrator_name(p->integrator) : "(unknown)");
    st_error e = {0};
    if (p->model == ST_MODEL_HH) {
        st_hh_params h = p->hh;
        if (st_hh_prepare(&h, &e))
            return st_error_set(err, ST_ERR_INVAL, "population %zu: %s", i, e.msg);
        return ST_OK;
    }
    /* the cell with the parameters of r = 0 and r = 1, the ends of every neuron's range */
    for (int end = 0; end < 2; end++) {
        st_izh07_params q = p->izh07;
        q.a = p->a + end * p->a_r;
        q.b = p->b + end * p->b_r;
        q.c = p->c + end * p->c_r;
        q.d = p->d + end * p->d_r;
        if (st_izh07_params_check(&q, &e))
            return st_error_set(err, ST_ERR_INVAL, "population %zu (r = %d): %s", i, end, e.msg);
    }
    return ST_OK;
}

/* Targets a source of 'pj' may pick: the target population, less itself without autapses. */
static uint64_t candidates(const st_net_config *c, const st_net_proj *pj)
{
    bool all = pj->post == ST_NET_ALL;
    uint64_t n = all ? st_net_config_neurons(c) : c->pop[pj->post].n;
    bool self = all || pj->post == pj->pre;
    return self && !pj->autapses ? n - 1 : n;
}

static st_status check_proj(const st_net_config *c, const st_net_proj *pj, size_t i,
                            st_error *err)
{
    if (pj->pre >= c->n_pops || (pj->post != ST_NET_ALL && pj->post >= c->n_pops))
        return st_error_set(err, ST_ERR_INVAL, "projection %zu: no such population", i);
    if (pj->rule > ST_NET_FIXED_PROB)
        return st_error_set(err, ST_ERR_INVAL, "projection %zu: unknown rule", i);
    uint64_t m = candidates(c, pj);
    if (pj->rule == ST_NET_FIXED_OUTDEGREE && pj->k > m)
        return st_error_set(err, ST_ERR_INVAL,
                            "projection %zu: out-degree %u, but only %llu targets", i,
                            (unsigned)pj->k, (unsigned long long)m);
    if (pj->rule == ST_NET_FIXED_PROB && !(pj->p >= 0.0 && pj->p <= 1.0))
        return st_error_set(err, ST_ERR_INVAL, "projection %zu: p must lie in [0, 1]", i);
    if (!isfinite(pj->w))
        return st_error_set(err, ST_ERR_INVAL, "projection %zu: the weight is not finite", i);
    if (pj->delay_min < 1 || pj->delay_min > pj->delay_max || pj->delay_max > ST_NET_MAX_DELAY)
        return st_error_set(err, ST_ERR_INVAL,
                            "projection %zu: delays must satisfy 1 <= min <= max <= %u steps", i,
                            (unsigned)ST_NET_MAX_DELAY);
    if (pj->plastic && pj->w < 0.0)
        return st_error_set(err, ST_ERR_INVAL,
                            "projection %zu: plastic weights must be >= 0 (STDP clips them to "
                            "[0, w_max])", i);
    return ST_OK;
}

static st_status check_stdp(const st_net_stdp *s, st_error *err)
{
    const double f[] = {s->a_plus, s->a_minus, s->decay, s->bias, s->sd_decay, s->w_max};
    for (size_t k = 0; k < ST_COUNTOF(f); k++)
        if (!isfinite(f[k]))
            return st_error_set(err, ST_ERR_INVAL, "stdp: a parameter is not finite");
    if (!(s->decay > 0.0 && s->decay <= 1.0) || s->period == 0 || !(s->w_max >= 0.0))
        return st_error_set(err, ST_ERR_INVAL,
                            "stdp: needs 0 < decay <= 1, period >= 1 and w_max >= 0");
    return ST_OK;
}

st_status st_net_config_check(const st_net_config *c, st_error *err)
{
    if (!(c->dt_ms > 0.0) || !isfinite(c->dt_ms))
        return st_error_set(err, ST_ERR_INVAL, "dt: must be a finite number > 0");
    if (!isfinite(c->vpeak_mv) || !isfinite(c->q2) || !isfinite(c->q1) || !isfinite(c->q0))
        return st_error_set(err, ST_ERR_INVAL, "vpeak, q2, q1, q0: must be finite");
    if (c->vform != ST_NET_VFORM_SUM && c->vform != ST_NET_VFORM_HORNER)
        return st_error_set(err, ST_ERR_INVAL, "vform: unknown");
    if (c->n_pops == 0 || c->n_pops > ST_NET_MAX_POPS || c->n_projs > ST_NET_MAX_PROJS)
        return st_error_set(err, ST_ERR_INVAL, "network: 1 to %d populations and at most %d "
                            "projections", ST_NET_MAX_POPS, ST_NET_MAX_PROJS);
    st_status rc;
    for (size_t i = 0; i < c->n_pops; i++)
        if ((rc = check_pop(&c->pop[i], i, err)))
            return rc;
    uint64_t n = st_net_config_neurons(c);
    if (n > ST_NET_MAX_NEURONS)
        return st_error_set(err, ST_ERR_INVAL, "--neurons: %llu is more than %u",
                            (unsigned long long)n, (unsigned)ST_NET_MAX_NEURONS);
    for (size_t i = 0; i < c->n_projs; i++)
        if ((rc = check_proj(c, &c->proj[i], i, err)))
            return rc;
    if (c->threads < 1 || c->threads > 1024)
        return st_error_set(err, ST_ERR_INVAL, "--threads: %d is out of range (1 to 1024)",
                            c->threads);
    if (!isfinite(c->pulse_amp) || c->pulses > 1000000u)
        return st_error_set(err, ST_ERR_INVAL, "pulses: at most 1000000 of finite amplitude");
    return check_stdp(&c->stdp, err);
}

/* ---- building ------------------------------------------------------------------------------ */

/* The neuron arrays of a partition, carved from one aligned block. */
static st_status alloc_neurons(st_net *net, net_part *p)
{
    size_t n = p->n, off = 0;
    size_t nz = n + 8; /* noise groups of four, from lo rounded down */
    struct { void **ptr; size_t bytes; bool want; } a[] = {
        {(void **)&p->v, n * sizeof(double), true},
        {(void **)&p->u, n * sizeof(double), true},
        {(void **)&p->a, n * sizeof(double), true},
        {(void **)&p->b, n * sizeof(double), true},
        {(void **)&p->c, n * sizeof(double), true},
        {(void **)&p->d, n * sizeof(double), true},
        {(void **)&p->gm, n * sizeof(double), net->hh},
        {(void **)&p->gh, n * sizeof(double), net->hh},
        {(void **)&p->gn, n * sizeof(double), net->hh},
        {(void **)&p->syn, n * sizeof(double), true},
        {(void **)&p->drive, n * sizeof(double), true},
        {(void **)&p->ext, n * sizeof(double), true},
        {(void **)&p->noise_sd, n * sizeof(double), net->noise},
        {(void **)&p->z, nz * sizeof(double), net->noise},
        {(void **)&p->mark, n, net->pulses},
        {(void **)&p->last_spike, n * sizeof(uint64_t), net->plastic},
        {(void **)&p->fired, (size_t)net->dmin * n * sizeof(uint32_t), !net->direct},
        {(void **)&p->fired_n, net->dmin * sizeof(uint32_t), !net->direct},
        {(void **)&p->ring_n, net->R * sizeof(uint32_t), net->direct}};
    size_t at[ST_COUNTOF(a)];
    for (size_t k = 0; k < ST_COUNTOF(a); k++) {
        at[k] = off;
        if (a[k].want)
            off += (a[k].bytes + ST_NET_ALIGN - 1) & ~(size_t)(ST_NET_ALIGN - 1);
    }
    unsigned char *mem = st_net_aalloc(off ? off : 1);
    if (!mem)
        return ST_ERR_NOMEM;
    memset(mem, 0, off);
    p->mem = mem;
    for (size_t k = 0; k < ST_COUNTOF(a); k++)
        *a[k].ptr = a[k].want ? mem + at[k] : NULL;
    return ST_OK;
}

static double shape(double base, double coef, double r, int power)
{
    return base + coef * (power == 2 ? r * r : r);
}

/* Each neuron's parameters from its own r, and its initial state. */
static void init_neurons(const st_net *net, net_part *p)
{
    const st_net_config *c = &net->cfg;
    size_t q = 0;
    for (uint32_t i = p->lo; i < p->hi; i++) {
        while (i >= net->pop_lo[q + 1])
            q++;
        const st_net_pop *pp = &c->pop[q];
        uint32_t x[4];
        st_net_philox(i, 0, 0, NET_STREAM_PARAM, net->key[0], net->key[1], x);
        double r = st_net_u01(x[0], x[1]);
        size_t l = i - p->lo;
        p->a[l] = shape(pp->a, pp->a_r, r, pp->r_power);
        p->b[l] = shape(pp->b, pp->b_r, r, pp->r_power);
        p->c[l] = shape(pp->c, pp->c_r, r, pp->r_power);
        p->d[l] = shape(pp->d, pp->d_r, r, pp->r_power);
        p->v[l] = pp->v0_mv;
        /* u on its nullcline (the 2003 form: b v0; the 2007 form: b (v0 - vu), the book's
           u0 = 0 for v0 = vr) */
        p->u[l] = p->b[l] * pp->v0_mv;
        if (pp->model == ST_MODEL_IZH07)
            p->u[l] = p->b[l] * (pp->v0_mv - (isnan(pp->izh07.vu_mv) ? pp->izh07.vr_mv
                                                                     : pp->izh07.vu_mv));
        if (pp->model == ST_MODEL_HH)
            st_hh_steady(pp->v0_mv, &p->gm[l], &p->gh[l], &p->gn[l]);
        if (p->noise_sd)
            p->noise_sd[l] = pp->noise_sd;
    }
}

/* spnet's traces: A in single precision, times the decay (in double) once per step. */
static void init_traces(st_net *net)
{
    float lp = (float)net->cfg.stdp.a_plus, ld = (float)net->cfg.stdp.a_minus;
    double x = net->cfg.stdp.decay;
    for (size_t k = 0; k < ST_NET_TRACE_STEPS; k++) {
        net->ltp[k] = lp;
        net->ltd[k] = ld;
        lp = (float)(x * lp);
        ld = (float)(x * ld);
    }
}

static st_status alloc_exchange(st_net *net)
{
    size_t size = (size_t)net->comm.size, head = 4 + (size_t)net->dmin;
    net->R = net->dmax + net->dmin;
    net->direct = net->comm.size == 1;
    net->ring = st_calloc((size_t)net->R * net->N, sizeof *net->ring);
    net->ring_n = st_calloc(net->R, sizeof *net->ring_n);
    net->send_cap = head + (size_t)net->count * net->dmin;
    net->recv_cap = size * head + (size_t)net->N * net->dmin;
    net->send = st_calloc(net->send_cap, sizeof *net->send);
    net->recv = st_calloc(net->recv_cap, sizeof *net->recv);
    net->recv_n = st_calloc(size, sizeof *net->recv_n);
    return net->ring && net->ring_n && net->send && net->recv && net->recv_n ? ST_OK
                                                                             : ST_ERR_NOMEM;
}

static st_status make_parts(st_net *net)
{
    int t = net->threads;
    net->part = st_calloc((size_t)t, sizeof *net->part);
    if (!net->part)
        return ST_ERR_NOMEM;
    net->n_parts = t;
    for (int k = 0; k < t; k++) {
        net_part *p = &net->part[k];
        p->lo = net->first + (uint32_t)((uint64_t)net->count * (uint64_t)k / (uint64_t)t);
        p->hi = net->first + (uint32_t)((uint64_t)net->count * (uint64_t)(k + 1) / (uint64_t)t);
        p->n = p->hi - p->lo;
    }
    return ST_OK;
}

static void setup_counts(st_net *net)
{
    const st_net_config *c = &net->cfg;
    net->pop_lo[0] = 0;
    for (size_t i = 0; i < c->n_pops; i++) {
        net->pop_lo[i + 1] = net->pop_lo[i] + c->pop[i].n;
        if (c->pop[i].inhibitory)
            net->n_inh += c->pop[i].n;
        else
            net->n_exc += c->pop[i].n;
        if (c->pop[i].noise_sd > 0.0)
            net->noise = true;
        if (c->pop[i].model == ST_MODEL_HH)
            net->hh = true;
    }
    net->N = net->pop_lo[c->n_pops];
    for (size_t i = c->n_pops + 1; i <= ST_NET_MAX_POPS; i++)
        net->pop_lo[i] = net->N;
    net->dmin = c->n_projs ? UINT32_MAX : 1;
    net->dmax = 1;
    for (size_t j = 0; j < c->n_projs; j++) {
        net->dmin = c->proj[j].delay_min < net->dmin ? c->proj[j].delay_min : net->dmin;
        net->dmax = c->proj[j].delay_max > net->dmax ? c->proj[j].delay_max : net->dmax;
        net->plastic |= c->proj[j].plastic;
    }
    net->nd = net->dmax - net->dmin + 1;
    net->pulses = c->pulses > 0;
    net->key[0] = (uint32_t)c->seed;
    net->key[1] = (uint32_t)(c->seed >> 32);
}

st_status st_net_create(const st_net_config *c, const st_net_comm *comm, st_net **out,
                        st_error *err)
{
    *out = NULL;
    st_status rc = st_net_config_check(c, err);
    if (rc)
        return rc;
    if (comm && (comm->size < 1 || comm->rank < 0 || comm->rank >= comm->size ||
                 !comm->allgather || !comm->sum))
        return st_error_set(err, ST_ERR_INVAL, "network: an incomplete process group");
    st_net *net = st_calloc(1, sizeof *net);
    if (!net)
        return st_error_set(err, ST_ERR_NOMEM, "network: out of memory");
    net->cfg = *c;
    for (size_t q = 0; q < c->n_pops; q++)
        if (c->pop[q].model == ST_MODEL_HH)
            st_hh_prepare(&net->cfg.pop[q].hh, NULL); /* checked above */
    net->threads = c->threads;
    net->has_comm = comm != NULL;
    net->comm = comm ? *comm : (st_net_comm){.rank = 0, .size = 1};
    setup_counts(net);
    uint64_t r = (uint64_t)net->comm.rank, s = (uint64_t)net->comm.size;
    net->first = (uint32_t)(net->N * r / s);
    net->count = (uint32_t)(net->N * (r + 1) / s) - net->first;
    init_traces(net);
    if (net->threads > 1 && (rc = st_net_pool_create(net->threads, &net->pool)))
        goto fail;
    if ((rc = make_parts(net)) || (rc = alloc_exchange(net)))
        goto fail;
    for (int k = 0; k < net->n_parts; k++) {
        if ((rc = alloc_neurons(net, &net->part[k])))
            goto fail;
        init_neurons(net, &net->part[k]);
    }
    if ((rc = st_net_build_synapses(net, err)))
        goto fail;
    *out = net;
    return ST_OK;
fail:
    st_net_free(net);
    if (rc == ST_ERR_NOMEM)
        return st_error_set(err, ST_ERR_NOMEM,
                            "network: out of memory for %u neurons (try fewer --neurons or "
                            "--synapses, or more processes)",
                            (unsigned)st_net_config_neurons(c));
    return rc;
}

static void free_syn(net_syn *s)
{
    st_net_afree(s->seg);
    st_net_afree(s->tgt);
    st_net_afree(s->w);
    st_net_afree(s->sd);
    st_net_afree(s->arrival);
    st_net_afree(s->in_ptr);
    st_net_afree(s->in_syn);
}

void st_net_free(st_net *net)
{
    if (!net)
        return;
    st_net_pool_free(net->pool);
    for (int k = 0; k < net->n_parts; k++) {
        net_part *p = &net->part[k];
        free_syn(&p->st);
        free_syn(&p->pl);
        st_net_afree(p->mem);
    }
    st_free(net->part);
    st_free(net->ring);
    st_free(net->ring_n);
    st_free(net->send);
    st_free(net->recv);
    st_free(net->recv_n);
    st_free(net->outdeg);
    st_free(net);
}

/* ---- between runs --------------------------------------------------------------------------- */

st_status st_net_set_input(st_net *net, uint32_t first, uint32_t n, const double *current,
                           st_error *err)
{
    if ((uint64_t)first + n > net->N)
        return st_error_set(err, ST_ERR_INVAL,
                            "network input: neurons %u to %llu, but the network has %u",
                            (unsigned)first, (unsigned long long)first + n - 1,
                            (unsigned)net->N);
    for (uint32_t i = 0; i < n; i++)
        if (!isfinite(current[i]))
            return st_error_set(err, ST_ERR_INVAL,
                                "network input: the current of neuron %u is not finite",
                                (unsigned)(first + i));
    for (int k = 0; k < net->n_parts; k++) {
        net_part *p = &net->part[k];
        uint32_t lo = first > p->lo ? first : p->lo;
        uint32_t hi = first + n < p->hi ? first + n : p->hi;
        for (uint32_t i = lo; i < hi; i++)
            p->ext[i - p->lo] = current[i - first];
    }
    net->has_ext = true;
    return ST_OK;
}

void st_net_set_drive(st_net *net, st_net_drive mode)
{
    net->drive_mode = mode;
}

void st_net_get_info(const st_net *net, st_net_info *out)
{
    *out = (st_net_info){.neurons = net->N, .neurons_exc = net->n_exc,
                         .neurons_inh = net->n_inh, .synapses = net->synapses,
                         .synapses_plastic = net->synapses_plastic, .first = net->first,
                         .count = net->count, .rank = net->comm.rank, .ranks = net->comm.size,
                         .threads = net->threads, .delay_min = net->dmin,
                         .delay_max = net->dmax, .dt_ms = net->cfg.dt_ms, .step = net->step,
                         .spikes = net->spikes, .spikes_exc = net->spikes_exc,
                         .spikes_inh = net->spikes_inh, .events = net->events,
                         .exchanges = net->exchanges, .exchange_s = net->exchange_s};
    for (int k = 0; k < net->n_parts; k++) {
        const net_part *p = &net->part[k];
        out->spikes += p->spikes;
        out->spikes_exc += p->spikes_exc;
        out->spikes_inh += p->spikes_inh;
        out->events += p->events;
    }
}

bool st_net_neuron(const st_net *net, uint32_t id, st_izh_params *p, double *v_mv, double *u)
{
    for (int k = 0; k < net->n_parts; k++) {
        const net_part *q = &net->part[k];
        if (id < q->lo || id >= q->hi)
            continue;
        size_t l = id - q->lo;
        if (p) {
            *p = st_izh_params_default();
            p->a = q->a[l];
            p->b = q->b[l];
            p->c = q->c[l];
            p->d = q->d[l];
            p->vpeak_mv = net->cfg.vpeak_mv;
            p->q2 = net->cfg.q2;
            p->q1 = net->cfg.q1;
            p->q0 = net->cfg.q0;
        }
        if (v_mv)
            *v_mv = q->v[l];
        if (u)
            *u = st_net_pop_of(net, id)->model == ST_MODEL_HH ? q->gn[l] : q->u[l];
        return true;
    }
    return false;
}

bool st_net_neuron_state(const st_net *net, uint32_t id, double y[ST_HH_NVARS])
{
    for (int k = 0; k < net->n_parts; k++) {
        const net_part *q = &net->part[k];
        if (id < q->lo || id >= q->hi)
            continue;
        size_t l = id - q->lo;
        bool hh = st_net_pop_of(net, id)->model == ST_MODEL_HH;
        y[ST_HH_V] = q->v[l];
        y[ST_HH_M] = hh ? q->gm[l] : q->u[l];
        y[ST_HH_H] = hh ? q->gh[l] : 0.0;
        y[ST_HH_N] = hh ? q->gn[l] : 0.0;
        return true;
    }
    return false;
}

static void foreach_in(const st_net *net, const net_part *p, const net_syn *s, bool plastic,
                       void (*fn)(void *, const st_net_synapse *), void *ud)
{
    if (!s->seg)
        return;
    for (uint32_t src = 0; src < net->N; src++)
        for (uint32_t j = 0; j < net->nd; j++) {
            size_t row = (size_t)src * net->nd + j;
            for (uint64_t e = s->seg[row]; e < s->seg[row + 1]; e++) {
                st_net_synapse y = {.pre = src, .post = p->lo + s->tgt[e],
                                    .delay = net->dmin + j, .w = s->w[e],
                                    .sd = plastic ? s->sd[e] : 0.0f, .plastic = plastic};
                fn(ud, &y);
            }
        }
}

void st_net_foreach_synapse(const st_net *net, void (*fn)(void *ud, const st_net_synapse *s),
                            void *ud)
{
    for (int k = 0; k < net->n_parts; k++) {
        foreach_in(net, &net->part[k], &net->part[k].st, false, fn, ud);
        foreach_in(net, &net->part[k], &net->part[k].pl, true, fn, ud);
    }
}

st_status st_net_weight_histogram(const st_net *net, double lo, double hi, size_t bins,
                                  double *counts, st_error *err)
{
    if (bins == 0 || !(hi > lo) || !isfinite(lo) || !isfinite(hi))
        return st_error_set(err, ST_ERR_INVAL, "weight histogram: needs bins >= 1 and hi > lo");
    for (size_t j = 0; j < bins; j++)
        counts[j] = 0.0;
    double scale = (double)bins / (hi - lo);
    for (int k = 0; k < net->n_parts; k++) {
        const net_syn *s = &net->part[k].pl;
        for (uint64_t e = 0; e < s->count; e++) {
            double w = s->w[e];
            if (w < lo || w > hi)
                continue;
            size_t j = (size_t)((w - lo) * scale);
            counts[j < bins ? j : bins - 1] += 1.0;
        }
    }
    if (net->has_comm && net->comm.size > 1)
        return net->comm.sum(net->comm.ud, counts, bins, err);
    return ST_OK;
}
