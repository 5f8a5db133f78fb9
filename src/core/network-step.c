/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running a network: per partition, delivery of the arriving spikes, the drive, the neuron
 * update and STDP; between partitions (and processes), the exchange of fired ids every
 * minimum delay. Nothing here allocates. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "core-private.h"
#include "hh-private.h"
#include "izh07-private.h"
#include "network-private.h"

#define BLOCK 256    /* neurons updated before their spike test: still in L1 */
#define SEG_AHEAD 8  /* sources ahead whose row offsets are prefetched */

/* ---- kernels (vectorised) ----------------------------------------------------------------- */

/* One step of the 2003 scheme for n neurons, v' in net.m's order (the arithmetic of
 * st_izh_process's izh2003 step with uv = 0, udecay = 1). Consumes syn (zeroes it). Returns how
 * many neurons are not below the peak (spikes, or non-finite v). */
ST_NET_KERNEL
static size_t update_sum(double *restrict v, double *restrict u, const double *restrict a,
                         const double *restrict b, const double *restrict drive,
                         double *restrict syn, size_t n, double dt, double q2, double q1,
                         double q0, double vpeak)
{
    double h = 0.5 * dt;
    size_t over = 0;
    for (size_t i = 0; i < n; i++) {
        double I = drive[i] + syn[i];
        double x = v[i], y = u[i];
        syn[i] = 0.0;
        x += h * (q2 * (x * x) + q1 * x + q0 - y + I);
        x += h * (q2 * (x * x) + q1 * x + q0 - y + I);
        y += (dt * a[i]) * (b[i] * x - y);
        v[i] = x;
        u[i] = y;
        over += !(x <= vpeak);
    }
    return over;
}

/* The same with v' in spnet's order, (q2 v + q1) v + q0 - u + I. */
ST_NET_KERNEL
static size_t update_horner(double *restrict v, double *restrict u, const double *restrict a,
                            const double *restrict b, const double *restrict drive,
                            double *restrict syn, size_t n, double dt, double q2, double q1,
                            double q0, double vpeak)
{
    double h = 0.5 * dt;
    size_t over = 0;
    for (size_t i = 0; i < n; i++) {
        double I = drive[i] + syn[i];
        double x = v[i], y = u[i];
        syn[i] = 0.0;
        x += h * ((q2 * x + q1) * x + q0 - y + I);
        x += h * ((q2 * x + q1) * x + q0 - y + I);
        y += (dt * a[i]) * (b[i] * x - y);
        v[i] = x;
        u[i] = y;
        over += !(x <= vpeak);
    }
    return over;
}

ST_NET_KERNEL
static void scale_noise(double *restrict drive, const double *restrict sd,
                        const double *restrict z, size_t n)
{
    for (size_t i = 0; i < n; i++)
        drive[i] = sd[i] * z[i];
}

/* ---- one partition, one step -------------------------------------------------------------- */

/* The spikes 'ids' (n of them, ascending) that reach this partition through the synapses of
 * delay dmin + j in step k. */
static void deliver_ids(const st_net *net, net_part *p, const uint32_t *ids, uint32_t n,
                        uint32_t j, uint64_t k)
{
    const uint32_t nd = net->nd;
    double *restrict syn = p->syn;
    const net_syn *y = &p->st;
    if (y->seg) {
        const uint32_t *restrict tgt = y->tgt;
        const float *restrict w = y->w;
        for (uint32_t i = 0; i < n; i++) {
            size_t row = (size_t)ids[i] * nd + j;
            if (i + SEG_AHEAD < n) /* row offsets are scattered too: ask early */
                __builtin_prefetch(y->seg + (size_t)ids[i + SEG_AHEAD] * nd + j);
            uint64_t e = y->seg[row], e1 = y->seg[row + 1];
            /* Rows lie anywhere in memory, and a row of 1000 synapses is one page of
             * targets and one of weights, where the hardware's prefetcher starts over:
             * fetch the next row a cache line at a time while this one is delivered. */
            uint64_t next = i + 1 < n ? y->seg[(size_t)ids[i + 1] * nd + j] : e1;
            const uint32_t *pt = tgt + next;
            const float *pw = w + next;
            for (; e + 16 <= e1; e += 16, pt += 16, pw += 16) {
                __builtin_prefetch(pt);
                __builtin_prefetch(pw);
                for (uint64_t q = e; q < e + 16; q++)
                    syn[tgt[q]] += w[q];
            }
            for (; e < e1; e++)
                syn[tgt[e]] += w[e];
        }
    }
    y = &p->pl;
    if (y->seg) {
        for (uint32_t i = 0; i < n; i++) {
            size_t row = (size_t)ids[i] * nd + j;
            for (uint64_t e = y->seg[row], e1 = y->seg[row + 1]; e < e1; e++) {
                uint32_t t = y->tgt[e];
                syn[t] += y->w[e];
                y->arrival[e] = k + 1;
                uint64_t last = p->last_spike[t]; /* <= k */
                if (last && k - last < ST_NET_TRACE_STEPS)
                    y->sd[e] -= net->ltd[k - last];
            }
        }
    }
}

/* The spikes stamped s = k + 1 - D reach their targets in step k through synapses of delay D;
 * oldest stamps first, then by source, so each target sums its inputs in one fixed order
 * (the partitions' segments of a stamp follow each other in id order). */
static void deliver(const st_net *net, net_part *p, uint64_t k)
{
    for (uint32_t D = net->dmax; D >= net->dmin; D--) {
        if (k + 1 <= D)
            continue; /* stamps start at 1 */
        uint64_t s = k + 1 - D;
        uint32_t slot = (uint32_t)(s % net->R), j = D - net->dmin;
        const uint32_t *ids = net->ring + (size_t)slot * net->N;
        if (!net->direct) {
            deliver_ids(net, p, ids, net->ring_n[slot], j, k);
            continue;
        }
        for (int q = 0; q < net->n_parts; q++) {
            const net_part *r = &net->part[q];
            deliver_ids(net, p, ids + r->lo, r->ring_n[slot], j, k);
        }
    }
}

/* The random pulses of step k that land in this partition, each neuron at most once. With
 * 'undo' the marks are cleared, and with 'zero' the pulsed inputs too. */
static void pulse(const st_net *net, net_part *p, uint64_t k, bool undo, bool zero)
{
    uint32_t klo = (uint32_t)k, khi = (uint32_t)(k >> 32);
    for (uint32_t j = 0; j < net->cfg.pulses; j++) {
        uint32_t id = st_net_bounded(net->N, j, klo, khi, NET_STREAM_PULSE, net->key);
        if (id < p->lo || id >= p->hi)
            continue;
        uint32_t l = id - p->lo;
        if (undo) {
            p->mark[l] = 0;
            if (zero)
                p->drive[l] = 0.0;
        } else if (!p->mark[l]) {
            p->mark[l] = 1;
            p->drive[l] += net->cfg.pulse_amp;
        }
    }
}

/* The input of step k apart from the synapses: the external currents alone (replace mode),
 * or noise + pulses + external currents. Points at whichever array holds it, so that no
 * copy is made when one array already does; 'drive' is zero between steps when the network
 * has neither noise nor external currents. */
static const double *make_drive(const st_net *net, net_part *p, uint64_t k)
{
    size_t n = p->n;
    if (net->drive_mode == ST_NET_DRIVE_REPLACE)
        return p->ext;
    if (!net->noise && !net->pulses)
        return net->has_ext ? p->ext : p->drive;
    if (net->noise) {
        st_net_normals(k, p->lo >> 2, (p->hi + 3) >> 2, net->key, p->z);
        scale_noise(p->drive, p->noise_sd, p->z + (p->lo & 3u), n);
        if (net->has_ext)
            for (size_t i = 0; i < n; i++)
                p->drive[i] += p->ext[i];
    } else if (net->has_ext) {
        memcpy(p->drive, p->ext, n * sizeof *p->drive);
    }
    if (net->pulses)
        pulse(net, p, k, false, false);
    return p->drive;
}

/* After step k: the pulses' marks go, and their inputs when nothing else rewrites 'drive'. */
static void clear_drive(const st_net *net, net_part *p, uint64_t k)
{
    if (net->pulses && net->drive_mode != ST_NET_DRIVE_REPLACE)
        pulse(net, p, k, true, !net->noise && !net->has_ext);
}

/* Stops the partition at neuron l, whose state is not finite after step 'stamp'. Returns
 * false for the caller to return. */
static bool fault(net_part *p, size_t l, uint64_t stamp)
{
    p->fault = true;
    p->fault_id = p->lo + (uint32_t)l;
    p->fault_stamp = stamp;
    atomic_store_explicit(&p->fault_at, stamp, memory_order_release);
    return false;
}

static void fired(net_part *p, size_t l, uint64_t stamp, uint32_t *out, uint32_t *nf)
{
    out[(*nf)++] = p->lo + (uint32_t)l;
    if (p->last_spike)
        p->last_spike[l] = stamp;
}

/* Spike test and reset after the update, as st_izh_process does; a non-finite v or u stops
 * the partition with a fault. Returns false on a fault. */
static bool spikes_in(const st_net *net, net_part *p, size_t i0, size_t nb, uint64_t stamp,
                      uint32_t *out, uint32_t *nf)
{
    double vpeak = net->cfg.vpeak_mv;
    for (size_t l = i0; l < i0 + nb; l++) {
        double x = p->v[l], y = p->u[l];
        if (x <= vpeak)
            continue;
        if (!(x > vpeak) || !isfinite(x) || !isfinite(y))
            return fault(p, l, stamp);
        p->v[l] = p->c[l];
        p->u[l] = y + p->d[l];
        fired(p, l, stamp, out, nf);
    }
    return true;
}

/* Neurons l0 .. l1 - 1 of the 2003 form, in blocks updated before their spike test. */
static bool step_izh(const st_net *net, net_part *p, const double *drive, size_t l0, size_t l1,
                     uint64_t stamp, uint32_t *out, uint32_t *nf)
{
    const st_net_config *c = &net->cfg;
    for (size_t i0 = l0; i0 < l1; i0 += BLOCK) {
        size_t nb = l1 - i0 < BLOCK ? l1 - i0 : BLOCK;
        size_t over = (c->vform == ST_NET_VFORM_SUM ? update_sum : update_horner)(
            p->v + i0, p->u + i0, p->a + i0, p->b + i0, drive + i0, p->syn + i0, nb,
            c->dt_ms, c->q2, c->q1, c->q0, c->vpeak_mv);
        if (over && !spikes_in(net, p, i0, nb, stamp, out, nf))
            return false;
    }
    return true;
}

/* Neurons l0 .. l1 - 1 of the 2007 form: the substeps of st_izh07_process, each with its
 * spike test and reset; 'how' a constant in each copy (step_izh07), so no switch is left in
 * the loop. */
static ST_ALWAYS_INLINE bool izh07_range(const st_net *net, const st_net_pop *pp, net_part *p,
                                         const double *drive, size_t l0, size_t l1,
                                         uint64_t stamp, uint32_t *out, uint32_t *nf,
                                         st_integrator how)
{
    const st_izh07_params *cell = &pp->izh07;
    const double h = net->cfg.dt_ms / pp->substeps, vpeak = cell->vpeak_mv, pu = cell->pu;
    const double ru = cell->ru, umax = cell->umax;
    for (size_t l = l0; l < l1; l++) {
        const izh07_coef q = izh07_coef_of(cell, p->a[l], p->b[l]);
        double I = pp->gain * (drive[l] + p->syn[l]);
        double v = p->v[l], u = p->u[l];
        bool spike = false;
        p->syn[l] = 0.0;
        for (uint32_t j = 0; j < pp->substeps; j++) {
            izh07_step(&q, how, h, I, &v, &u);
            if (v < vpeak + pu * u && v > -INFINITY)
                continue;
            if (!isfinite(v) || !isfinite(u))
                return fault(p, l, stamp);
            spike = true;
            v = p->c[l] + ru * u;
            u = fmin(u + p->d[l], umax);
            if (!isfinite(v) || !isfinite(u))
                return fault(p, l, stamp);
        }
        p->v[l] = v;
        p->u[l] = u;
        if (spike)
            fired(p, l, stamp, out, nf);
    }
    return true;
}

static bool step_izh07(const st_net *net, const st_net_pop *pp, net_part *p,
                       const double *drive, size_t l0, size_t l1, uint64_t stamp,
                       uint32_t *out, uint32_t *nf)
{
    switch (pp->integrator) {
    case ST_INT_EULER:
        return izh07_range(net, pp, p, drive, l0, l1, stamp, out, nf, ST_INT_EULER);
    case ST_INT_SYMPLECTIC:
        return izh07_range(net, pp, p, drive, l0, l1, stamp, out, nf, ST_INT_SYMPLECTIC);
    case ST_INT_IZH2003:
        return izh07_range(net, pp, p, drive, l0, l1, stamp, out, nf, ST_INT_IZH2003);
    default:
        return izh07_range(net, pp, p, drive, l0, l1, stamp, out, nf, ST_INT_RK4);
    }
}

/* Neurons l0 .. l1 - 1 of the HH form: the substeps of st_hh_process; an upward crossing of
 * 0 mV in any of them is the step's spike. One copy per integrator, as for the 2007 form. */
static ST_ALWAYS_INLINE bool hh_range(const st_net *net, const st_net_pop *pp, net_part *p,
                                      const double *drive, size_t l0, size_t l1, uint64_t stamp,
                                      uint32_t *out, uint32_t *nf, st_integrator how)
{
    const double h = net->cfg.dt_ms / pp->substeps;
    for (size_t l = l0; l < l1; l++) {
        double y[ST_HH_NVARS] = {p->v[l], p->gm[l], p->gh[l], p->gn[l]};
        double I = pp->gain * (drive[l] + p->syn[l]);
        bool spike = false;
        p->syn[l] = 0.0;
        for (uint32_t j = 0; j < pp->substeps; j++) {
            double v_old = y[ST_HH_V];
            hh_step(&pp->hh, how, h, I, y);
            if (!isfinite(y[ST_HH_V] + y[ST_HH_M] + y[ST_HH_H] + y[ST_HH_N]))
                return fault(p, l, stamp);
            spike |= v_old < ST_HH_SPIKE_MV && y[ST_HH_V] >= ST_HH_SPIKE_MV;
        }
        p->v[l] = y[ST_HH_V];
        p->gm[l] = y[ST_HH_M];
        p->gh[l] = y[ST_HH_H];
        p->gn[l] = y[ST_HH_N];
        if (spike)
            fired(p, l, stamp, out, nf);
    }
    return true;
}

static bool step_hh(const st_net *net, const st_net_pop *pp, net_part *p, const double *drive,
                    size_t l0, size_t l1, uint64_t stamp, uint32_t *out, uint32_t *nf)
{
    switch (pp->integrator) {
    case ST_INT_EULER:
        return hh_range(net, pp, p, drive, l0, l1, stamp, out, nf, ST_INT_EULER);
    case ST_INT_RUSH_LARSEN:
        return hh_range(net, pp, p, drive, l0, l1, stamp, out, nf, ST_INT_RUSH_LARSEN);
    default:
        return hh_range(net, pp, p, drive, l0, l1, stamp, out, nf, ST_INT_RK4);
    }
}

/* Writes the spikes of step k into 'out' (ascending) and returns how many: each population's
 * part of the partition by its model. */
static uint32_t step_neurons(const st_net *net, net_part *p, const double *drive, uint64_t k,
                             uint32_t *out)
{
    const st_net_config *c = &net->cfg;
    uint32_t nf = 0;
    for (size_t q = 0; q < c->n_pops; q++) {
        uint32_t lo = net->pop_lo[q] > p->lo ? net->pop_lo[q] : p->lo;
        uint32_t hi = net->pop_lo[q + 1] < p->hi ? net->pop_lo[q + 1] : p->hi;
        if (lo >= hi)
            continue;
        size_t l0 = lo - p->lo, l1 = hi - p->lo;
        const st_net_pop *pp = &c->pop[q];
        bool ok;
        if (pp->model == ST_MODEL_IZH07)
            ok = step_izh07(net, pp, p, drive, l0, l1, k + 1, out, &nf);
        else if (pp->model == ST_MODEL_HH)
            ok = step_hh(net, pp, p, drive, l0, l1, k + 1, out, &nf);
        else
            ok = step_izh(net, p, drive, l0, l1, k + 1, out, &nf);
        if (!ok)
            break;
    }
    return nf;
}

/* spnet's weight update, in its float arithmetic: w += bias + sd; sd *= sd_decay; clip. */
static void weight_update(const st_net *net, net_part *p)
{
    net_syn *y = &p->pl;
    const st_net_stdp *s = &net->cfg.stdp;
    float wmax = (float)s->w_max;
    for (uint64_t e = 0; e < y->count; e++) {
        float w = (float)(y->w[e] + (s->bias + y->sd[e]));
        y->sd[e] = (float)(y->sd[e] * s->sd_decay);
        if (w > wmax)
            w = wmax;
        if (w < 0.0f)
            w = 0.0f;
        y->w[e] = w;
    }
}

/* The neurons that fired with 'stamp' potentiate their plastic inputs by the age of the last
 * spike that reached each. */
static void potentiate(const st_net *net, net_part *p, const uint32_t *ids, uint32_t n,
                       uint64_t stamp)
{
    net_syn *y = &p->pl;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t l = ids[i] - p->lo;
        for (uint64_t q = y->in_ptr[l]; q < y->in_ptr[l + 1]; q++) {
            uint64_t e = y->in_syn[q], r = y->arrival[e]; /* r <= stamp */
            if (r && stamp - r < ST_NET_TRACE_STEPS)
                y->sd[e] += net->ltp[stamp - r];
        }
    }
}

/* Counts the spikes 'ids' into *spikes and *exc or *inh, and their synaptic events into
 * *events. */
static void count_spikes(const st_net *net, const uint32_t *ids, uint32_t n, uint64_t *spikes,
                         uint64_t *exc, uint64_t *inh, uint64_t *events)
{
    for (uint32_t i = 0; i < n; i++) {
        *events += net->outdeg[ids[i]];
        if (st_net_pop_of(net, ids[i])->inhibitory)
            (*inh)++;
        else
            (*exc)++;
    }
    *spikes += n;
}

/* Steps k0 .. k0 + m - 1 of one partition (m <= the minimum delay: no spike of these steps
 * is due before the next exchange). Its spikes go to 'fired' for the exchange, or with
 * 'direct' into its segment of the ring. */
static void run_part(const st_net *net, net_part *p, uint64_t k0, uint32_t m)
{
    p->n_fired = 0;
    p->cursor = 0;
    for (uint32_t o = 0; o < m; o++) {
        uint64_t k = k0 + o;
        uint32_t slot = (uint32_t)((k + 1) % net->R);
        uint32_t *out = net->direct ? net->ring + (size_t)slot * net->N + p->lo
                                    : p->fired + p->n_fired;
        uint32_t nf = 0;
        if (!p->fault) {
            deliver(net, p, k);
            const double *drive = make_drive(net, p, k);
            nf = step_neurons(net, p, drive, k, out);
            clear_drive(net, p, k);
            if (net->plastic && p->pl.seg && !p->fault) {
                if ((k + 1) % net->cfg.stdp.period == 0)
                    weight_update(net, p);
                potentiate(net, p, out, nf, k + 1);
            }
        }
        if (net->direct) {
            p->ring_n[slot] = nf;
            /* one process: no unpack counts them, so the partition does */
            count_spikes(net, out, nf, &p->spikes, &p->spikes_exc, &p->spikes_inh, &p->events);
        } else {
            p->fired_n[o] = nf;
            p->n_fired += nf;
        }
    }
}

/* ---- the exchange ------------------------------------------------------------------------ */

/* This process's message: [fault, id, stamp lo, stamp hi], m counts, then the ids by step
 * (partitions in order, so ascending). */
static size_t pack(st_net *net, uint32_t m)
{
    uint32_t *msg = net->send;
    size_t at = 4 + (size_t)m;
    msg[0] = 0;
    for (int q = 0; q < net->n_parts; q++) {
        const net_part *p = &net->part[q];
        uint64_t best = (uint64_t)msg[2] | (uint64_t)msg[3] << 32;
        if (p->fault && (!msg[0] || p->fault_stamp < best)) {
            msg[0] = 1;
            msg[1] = p->fault_id;
            msg[2] = (uint32_t)p->fault_stamp;
            msg[3] = (uint32_t)(p->fault_stamp >> 32);
        }
    }
    for (uint32_t o = 0; o < m; o++) {
        uint32_t cnt = 0;
        for (int q = 0; q < net->n_parts; q++) {
            net_part *p = &net->part[q];
            memcpy(msg + at, p->fired + p->cursor, p->fired_n[o] * sizeof *msg);
            at += p->fired_n[o];
            p->cursor += p->fired_n[o];
            cnt += p->fired_n[o];
        }
        msg[4 + o] = cnt;
    }
    return at;
}

/* Writes the steps' global spike lists into the ring and counts them. */
static void unpack(st_net *net, const uint32_t *all, const size_t *len, int ranks, uint64_t k0,
                   uint32_t m)
{
    for (uint32_t o = 0; o < m; o++) {
        uint64_t stamp = k0 + o + 1;
        uint32_t slot = (uint32_t)(stamp % net->R), n = 0;
        uint32_t *dst = net->ring + (size_t)slot * net->N;
        const uint32_t *msg = all;
        for (int r = 0; r < ranks; r++) {
            const uint32_t *ids = msg + 4 + m;
            for (uint32_t q = 0; q < o; q++)
                ids += msg[4 + q];
            memcpy(dst + n, ids, msg[4 + o] * sizeof *dst);
            n += msg[4 + o];
            msg += len[r];
        }
        net->ring_n[slot] = n;
        count_spikes(net, dst, n, &net->spikes, &net->spikes_exc, &net->spikes_inh,
                     &net->events);
    }
}

/* The caller's view of the steps just exchanged. */
static void report(const st_net *net, uint64_t k0, uint32_t m, st_net_spike_fn fn, void *ud)
{
    for (uint32_t o = 0; o < m; o++) {
        uint64_t stamp = k0 + o + 1;
        uint32_t slot = (uint32_t)(stamp % net->R);
        fn(ud, stamp, net->ring + (size_t)slot * net->N, net->ring_n[slot]);
    }
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static st_status exchange(st_net *net, uint64_t k0, uint32_t m, st_net_spike_fn fn, void *ud,
                          st_error *err)
{
    double t0 = seconds();
    size_t n = pack(net, m);
    const uint32_t *all = net->send;
    const size_t *len = &n;
    int ranks = 1;
    if (net->has_comm && net->comm.size > 1) {
        st_status rc = net->comm.allgather(net->comm.ud, net->send, n, net->recv, net->recv_cap,
                                           net->recv_n, err);
        if (rc) {
            net->broken = true;
            return rc;
        }
        all = net->recv;
        len = net->recv_n;
        ranks = net->comm.size;
    }
    /* The earliest fault of any process, the same report everywhere. */
    bool fault = false;
    uint64_t fs = 0;
    uint32_t fid = 0;
    const uint32_t *msg = all;
    for (int r = 0; r < ranks; r++) {
        uint64_t s = (uint64_t)msg[2] | (uint64_t)msg[3] << 32;
        if (msg[0] && (!fault || s < fs || (s == fs && msg[1] < fid))) {
            fault = true;
            fs = s;
            fid = msg[1];
        }
        msg += len[r];
    }
    unpack(net, all, len, ranks, k0, m);
    net->exchanges++;
    net->exchange_s += seconds() - t0;
    if (fn)
        report(net, k0, m, fn, ud);
    if (!fault)
        return ST_OK;
    net->broken = true;
    return st_error_set(err, ST_ERR_NUMERIC,
                        "network: v of neuron %u is not finite at t = %g ms (step %llu); the "
                        "input is too strong for dt = %g ms",
                        (unsigned)fid, (double)fs * net->cfg.dt_ms, (unsigned long long)fs,
                        net->cfg.dt_ms);
}

/* ---- the run --------------------------------------------------------------------------------- */

static uint32_t interval(const st_net *net, uint64_t end)
{
    uint64_t left = end - net->step;
    return left < net->dmin ? (uint32_t)left : net->dmin;
}

/* The run as one job of the team. With other processes: each thread advances its partitions
 * through an interval, all meet, thread 0 exchanges, all meet again. */
typedef struct run_job {
    st_net *net;
    uint64_t start, end;
    st_net_spike_fn fn;
    void *ud;
    st_error *err;
    st_status rc;
} run_job;

static void run_team_exchange(run_job *j, int t, int n)
{
    st_net *net = j->net;
    for (;;) {
        uint64_t k0 = net->step;
        if (k0 >= j->end || j->rc != ST_OK)
            return;
        uint32_t m = interval(net, j->end);
        for (int q = t; q < net->n_parts; q += n)
            run_part(net, &net->part[q], k0, m);
        st_net_pool_barrier(net->pool);
        if (t == 0) {
            j->rc = exchange(net, k0, m, j->fn, j->ud, j->err);
            net->step += m;
        }
        st_net_pool_barrier(net->pool);
    }
}

/* The earliest fault with a stamp up to 'last' in any partition (their stamps and ids as the
 * exchange orders them); false if none. */
static bool fault_by(const st_net *net, uint64_t last, uint32_t *id, uint64_t *stamp)
{
    bool any = false;
    for (int q = 0; q < net->n_parts; q++) {
        const net_part *p = &net->part[q];
        uint64_t s = atomic_load_explicit(&p->fault_at, memory_order_acquire);
        if (s && s <= last && (!any || s < *stamp)) {
            any = true;
            *stamp = s;
            *id = p->fault_id;
        }
    }
    return any;
}

/* Thread 0 after an interval of the direct run: the caller's view of its steps, the partitions'
 * segments of each stamp put together in 'send' (no one writes these slots before the next
 * barrier but one: R = dmax + dmin). */
static void report_direct(st_net *net, uint64_t k0, uint32_t m, st_net_spike_fn fn, void *ud)
{
    for (uint32_t o = 0; o < m; o++) {
        uint64_t stamp = k0 + o + 1;
        uint32_t slot = (uint32_t)(stamp % net->R);
        const uint32_t *ids = net->ring + (size_t)slot * net->N;
        if (net->n_parts == 1) {
            fn(ud, stamp, ids, net->part[0].ring_n[slot]);
            continue;
        }
        size_t n = 0;
        for (int q = 0; q < net->n_parts; q++) {
            const net_part *p = &net->part[q];
            memcpy(net->send + n, ids + p->lo, p->ring_n[slot] * sizeof *net->send);
            n += p->ring_n[slot];
        }
        fn(ud, stamp, net->send, n);
    }
}

/* One process: every partition writes its spikes into its own segments of the ring, and the
 * threads meet once per interval. A thread may start the next interval while thread 0
 * reports this one: the next interval writes stamps k0 + m + 1 .. k0 + 2m and reads stamps
 * from k0 + m + 1 - dmax, so with R = dmax + dmin >= dmax + m no slot in use is written. */
static void run_team_direct(run_job *j, int t, int n)
{
    st_net *net = j->net;
    for (uint64_t k0 = j->start; k0 < j->end;) {
        uint64_t left = j->end - k0;
        uint32_t m = left < net->dmin ? (uint32_t)left : net->dmin;
        for (int q = t; q < net->n_parts; q += n)
            run_part(net, &net->part[q], k0, m);
        double t1 = t == 0 ? seconds() : 0.0;
        st_net_pool_barrier(net->pool);
        uint32_t fid = 0;
        uint64_t fs = 0;
        bool fault = fault_by(net, k0 + m, &fid, &fs);
        if (t == 0) {
            /* the exchange of one process: thread 0's wait for the others at the meeting */
            net->exchange_s += seconds() - t1;
            net->exchanges++;
            net->step = k0 + m;
            if (j->fn)
                report_direct(net, k0, m, j->fn, j->ud);
            if (fault) {
                net->broken = true;
                j->rc = st_error_set(j->err, ST_ERR_NUMERIC,
                                     "network: v of neuron %u is not finite at t = %g ms (step "
                                     "%llu); the input is too strong for dt = %g ms",
                                     (unsigned)fid, (double)fs * net->cfg.dt_ms,
                                     (unsigned long long)fs, net->cfg.dt_ms);
            }
        }
        if (fault)
            return;
        k0 += m;
    }
}

static void run_team(void *ud, int t, int n)
{
    run_job *j = ud;
    if (j->net->direct)
        run_team_direct(j, t, n);
    else
        run_team_exchange(j, t, n);
}

st_status st_net_run(st_net *net, uint64_t steps, st_net_spike_fn on_spikes, void *ud,
                     st_error *err)
{
    if (net->broken)
        return st_error_set(err, ST_ERR_NUMERIC, "network: stopped by an earlier fault");
    run_job j = {.net = net, .start = net->step, .end = net->step + steps, .fn = on_spikes,
                 .ud = ud, .err = err, .rc = ST_OK};
    st_net_pool_run(net->pool, run_team, &j);
    return j.rc;
}
