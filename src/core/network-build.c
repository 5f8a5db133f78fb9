/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The connection generators and the compressed storage they fill: every source's row is drawn
 * from its own random stream, so each partition (and each process) keeps exactly its share of
 * the same network, whatever the number of threads and processes. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core-private.h"
#include "network-private.h"

/* A thread's room for one row. */
typedef struct scratch {
    uint32_t *tg;        /* targets, ascending (global ids) */
    uint32_t *dl;        /* their delays, steps */
    uint32_t *perm;      /* the order in which the delays are dealt */
    uint32_t *picks;     /* Floyd's picks, in draw order */
    uint64_t *bits;      /* membership of the picks; all zero between rows */
    uint64_t plastic;    /* plastic synapses counted by this thread */
} scratch;

/* The targets a source of projection 'pj' may pick: [t0, t0 + nt) less 'self' (or none). */
typedef struct span {
    uint32_t t0, nt;
    bool skip;           /* the source itself is excluded */
    uint32_t self;
} span;

static span span_of(const st_net *net, const st_net_proj *pj, uint32_t s)
{
    span sp;
    sp.t0 = pj->post == ST_NET_ALL ? 0 : net->pop_lo[pj->post];
    sp.nt = pj->post == ST_NET_ALL ? net->N : net->cfg.pop[pj->post].n;
    sp.skip = !pj->autapses && s >= sp.t0 && s - sp.t0 < sp.nt;
    sp.self = s;
    return sp;
}

/* Candidate c (0 .. nt - skip - 1) as a neuron id. */
static inline uint32_t target(const span *sp, uint32_t c)
{
    uint32_t g = sp->t0 + c;
    return sp->skip && g >= sp->self ? g + 1 : g;
}

/* Sorts x[0 .. n) below 'limit' by bytes, least significant first, through 'tmp'. */
static void radix_sort(uint32_t *x, uint32_t *tmp, uint32_t n, uint32_t limit)
{
    for (unsigned shift = 0; shift < 32 && (limit - 1) >> shift; shift += 8) {
        uint32_t count[257] = {0};
        for (uint32_t i = 0; i < n; i++)
            count[((x[i] >> shift) & 0xFFu) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (uint32_t i = 0; i < n; i++)
            tmp[count[(x[i] >> shift) & 0xFFu]++] = x[i];
        memcpy(x, tmp, n * sizeof *x);
    }
}

/* Floyd's j-th draw, uniform in [0, j + 1): four draws share a Philox call; the rare
 * rejections of the multiply-shift method draw again from a stream of their own. */
typedef struct draws {
    uint32_t x[4];
    uint32_t group;
    bool valid;
} draws;

static uint32_t floyd_draw(const st_net *net, uint32_t pi, uint32_t s, uint32_t j, draws *d)
{
    uint32_t range = j + 1;
    if (!d->valid || d->group != j >> 2) {
        st_net_philox(s, j >> 2, pi, NET_STREAM_CONN, net->key[0], net->key[1], d->x);
        d->group = j >> 2;
        d->valid = true;
    }
    uint64_t m = (uint64_t)d->x[j & 3] * range;
    if ((uint32_t)m >= (uint32_t)(-range) % range)
        return (uint32_t)(m >> 32);
    return st_net_bounded(range, s, j, pi, NET_STREAM_CONN | 0x100u, net->key);
}

/* k distinct candidates of m, uniformly (Floyd's algorithm: exactly k draws), ascending. */
static uint32_t floyd(const st_net *net, uint32_t pi, uint32_t s, uint32_t m, uint32_t k,
                      const span *sp, scratch *sc)
{
    uint64_t *bits = sc->bits;
    draws d = {.valid = false};
    for (uint32_t j = m - k; j < m; j++) {
        uint32_t t = floyd_draw(net, pi, s, j, &d);
        if (bits[t >> 6] >> (t & 63) & 1u)
            t = j;
        bits[t >> 6] |= (uint64_t)1 << (t & 63);
        sc->picks[j - (m - k)] = t;
    }
    uint32_t n = 0;
    if ((uint64_t)k * 8 < m / 64) { /* few picks: sorting them beats scanning the bit map */
        radix_sort(sc->picks, sc->perm, k, m);
        for (uint32_t i = 0; i < k; i++) {
            uint32_t t = sc->picks[i];
            bits[t >> 6] = 0;
            sc->tg[n++] = target(sp, t);
        }
        return n;
    }
    for (uint32_t w = 0; w < (m + 63) / 64; w++) {
        uint64_t x = bits[w];
        bits[w] = 0;
        while (x) {
            uint32_t b = (uint32_t)__builtin_ctzll(x);
            x &= x - 1;
            sc->tg[n++] = target(sp, w * 64 + b);
        }
    }
    return n;
}

/* Each candidate with probability p: the gaps between chosen ones are geometric. */
static uint32_t bernoulli(const st_net *net, uint32_t pi, uint32_t s, uint32_t m, double p,
                          const span *sp, scratch *sc)
{
    uint32_t n = 0;
    if (p >= 1.0) {
        for (uint32_t c = 0; c < m; c++)
            sc->tg[n++] = target(sp, c);
        return n;
    }
    double lq = p > 0.0 ? st_net_log(1.0 - p) : 0.0;
    if (!(lq < 0.0))
        return 0;
    double pos = -1.0;
    for (uint32_t j = 0;; j++) {
        uint32_t x[4];
        st_net_philox(s, j, pi, NET_STREAM_CONN, net->key[0], net->key[1], x);
        double u = st_net_u01(x[0], x[1]);
        double gap = st_net_log(1.0 - u) / lq; /* >= 0 */
        pos += (gap < (double)m ? (double)(uint32_t)gap : (double)m) + 1.0;
        if (pos >= (double)m)
            return n;
        sc->tg[n++] = target(sp, (uint32_t)pos);
    }
}

/* Delays min .. max in equal shares (k (max - min + 1) / n for the k-th), dealt to the row's
 * targets in a random order (Fisher-Yates). */
static void deal_delays(const st_net *net, uint32_t pi, uint32_t s, uint32_t n, scratch *sc)
{
    const st_net_proj *pj = &net->cfg.proj[pi];
    uint32_t nd = pj->delay_max - pj->delay_min + 1;
    if (nd == 1) {
        for (uint32_t i = 0; i < n; i++)
            sc->dl[i] = pj->delay_min;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        sc->perm[i] = i;
    for (uint32_t i = n; i-- > 1;) {
        uint32_t j = st_net_bounded(i + 1, s, i, pi, NET_STREAM_DELAY, net->key);
        uint32_t t = sc->perm[i];
        sc->perm[i] = sc->perm[j];
        sc->perm[j] = t;
    }
    for (uint32_t i = 0; i < n; i++)
        sc->dl[i] = pj->delay_min + (uint32_t)((uint64_t)sc->perm[i] * nd / n);
}

/* The row of source s in projection pi: sc->tg ascending, sc->dl; returns its length. */
static uint32_t gen_row(const st_net *net, uint32_t pi, uint32_t s, scratch *sc)
{
    const st_net_proj *pj = &net->cfg.proj[pi];
    span sp = span_of(net, pj, s);
    uint32_t m = sp.nt - (sp.skip ? 1 : 0), n = 0;
    switch (pj->rule) {
    case ST_NET_DENSE:
        for (uint32_t c = 0; c < m; c++)
            sc->tg[n++] = target(&sp, c);
        break;
    case ST_NET_FIXED_OUTDEGREE:
        n = floyd(net, pi, s, m, pj->k, &sp, sc);
        break;
    default:
        n = bernoulli(net, pi, s, m, pj->p, &sp, sc);
        break;
    }
    deal_delays(net, pi, s, n, sc);
    return n;
}

/* Counts (fill false) or stores (fill true) the row's synapses that end in this process. */
static void place(st_net *net, uint32_t pi, uint32_t s, const scratch *sc, uint32_t n, bool fill)
{
    const st_net_proj *pj = &net->cfg.proj[pi];
    int k = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t g = sc->tg[i];
        if (g < net->first || g - net->first >= net->count)
            continue;
        while (g >= net->part[k].hi)
            k++;
        net_part *p = &net->part[k];
        net_syn *y = pj->plastic ? &p->pl : &p->st;
        size_t row = (size_t)s * net->nd + (sc->dl[i] - net->dmin);
        if (!fill) {
            y->seg[row + 1]++;
            continue;
        }
        uint64_t e = y->seg[row]++;
        y->tgt[e] = g - p->lo;
        double w = pj->w;
        if (pj->w_uniform) {
            uint32_t x[4];
            st_net_philox(s, g, pi, NET_STREAM_WEIGHT, net->key[0], net->key[1], x);
            w *= st_net_u01(x[0], x[1]);
        }
        y->w[e] = (float)w;
    }
}

/* One generation pass, shared out among the threads by blocks of sources. */
typedef struct pass_job {
    st_net *net;
    scratch *sc;
    bool fill;
    uint32_t pi;
    _Atomic uint64_t next;
} pass_job;

#define SOURCES_PER_TAKE 16

static void pass_rows(void *ud, int t, int n)
{
    (void)n;
    pass_job *j = ud;
    st_net *net = j->net;
    const st_net_proj *pj = &net->cfg.proj[j->pi];
    uint64_t s1 = net->pop_lo[pj->pre + 1];
    scratch *me = &j->sc[t];
    for (;;) {
        uint64_t s0 = atomic_fetch_add_explicit(&j->next, SOURCES_PER_TAKE,
                                                memory_order_relaxed);
        if (s0 >= s1)
            return;
        for (uint64_t s = s0; s < s0 + SOURCES_PER_TAKE && s < s1; s++) {
            uint32_t len = gen_row(net, j->pi, (uint32_t)s, me);
            if (!j->fill) {
                net->outdeg[s] += len;
                if (pj->plastic)
                    me->plastic += len;
            }
            place(net, j->pi, (uint32_t)s, me, len, j->fill);
        }
    }
}

static void pass(st_net *net, scratch *sc, bool fill)
{
    for (uint32_t pi = 0; pi < net->cfg.n_projs; pi++) {
        pass_job j = {.net = net, .sc = sc, .fill = fill, .pi = pi};
        atomic_init(&j.next, net->pop_lo[net->cfg.proj[pi].pre]);
        st_net_pool_run(net->pool, pass_rows, &j);
    }
}

/* ---- storage --------------------------------------------------------------------------------- */

static size_t rows(const st_net *net)
{
    return (size_t)net->N * net->nd;
}

static st_status alloc_seg(st_net *net, net_syn *y)
{
    y->seg = st_net_aalloc((rows(net) + 1) * sizeof *y->seg);
    if (!y->seg)
        return ST_ERR_NOMEM;
    memset(y->seg, 0, (rows(net) + 1) * sizeof *y->seg);
    return ST_OK;
}

/* Counts -> offsets, and the arrays for them. */
static st_status alloc_syn(st_net *net, net_syn *y, bool plastic, uint32_t n_local)
{
    size_t r = rows(net);
    for (size_t i = 0; i < r; i++)
        y->seg[i + 1] += y->seg[i];
    y->count = y->seg[r];
    size_t m = y->count ? y->count : 1;
    y->tgt = st_net_aalloc(m * sizeof *y->tgt);
    y->w = st_net_aalloc(m * sizeof *y->w);
    if (!y->tgt || !y->w)
        return ST_ERR_NOMEM;
    if (!plastic)
        return ST_OK;
    y->sd = st_net_aalloc(m * sizeof *y->sd);
    y->arrival = st_net_aalloc(m * sizeof *y->arrival);
    y->in_ptr = st_net_aalloc(((size_t)n_local + 1) * sizeof *y->in_ptr);
    y->in_syn = st_net_aalloc(m * sizeof *y->in_syn);
    if (!y->sd || !y->arrival || !y->in_ptr || !y->in_syn)
        return ST_ERR_NOMEM;
    memset(y->sd, 0, m * sizeof *y->sd);
    memset(y->arrival, 0, m * sizeof *y->arrival);
    return ST_OK;
}

/* After filling, seg[i] points at the end of row i: shift back to the starts. */
static void unshift(st_net *net, net_syn *y)
{
    for (size_t i = rows(net); i > 0; i--)
        y->seg[i] = y->seg[i - 1];
    y->seg[0] = 0;
}

/* The plastic synapses onto each local neuron, for potentiation when it fires. */
static void index_incoming(net_syn *y, uint32_t n_local)
{
    memset(y->in_ptr, 0, ((size_t)n_local + 1) * sizeof *y->in_ptr);
    for (uint64_t e = 0; e < y->count; e++)
        y->in_ptr[y->tgt[e] + 1]++;
    for (uint32_t i = 0; i < n_local; i++)
        y->in_ptr[i + 1] += y->in_ptr[i];
    for (uint64_t e = 0; e < y->count; e++)
        y->in_syn[y->in_ptr[y->tgt[e]]++] = e;
    for (uint32_t i = n_local; i > 0; i--)
        y->in_ptr[i] = y->in_ptr[i - 1];
    y->in_ptr[0] = 0;
}

static void free_scratch(scratch *sc, int t)
{
    if (!sc)
        return;
    for (int k = 0; k < t; k++) {
        st_free(sc[k].tg);
        st_free(sc[k].dl);
        st_free(sc[k].perm);
        st_free(sc[k].picks);
        st_free(sc[k].bits);
    }
    st_free(sc);
}

static scratch *alloc_scratch(const st_net *net)
{
    size_t cap = (size_t)net->N + 1, words = cap / 64 + 2;
    scratch *sc = st_calloc((size_t)net->threads, sizeof *sc);
    if (!sc)
        return NULL;
    for (int k = 0; k < net->threads; k++) {
        sc[k].tg = st_malloc(cap * sizeof(uint32_t));
        sc[k].dl = st_malloc(cap * sizeof(uint32_t));
        sc[k].perm = st_malloc(cap * sizeof(uint32_t));
        sc[k].picks = st_malloc(cap * sizeof(uint32_t));
        sc[k].bits = st_calloc(words, sizeof(uint64_t));
        if (!sc[k].tg || !sc[k].dl || !sc[k].perm || !sc[k].picks || !sc[k].bits) {
            free_scratch(sc, net->threads);
            return NULL;
        }
    }
    return sc;
}

static bool any_rule(const st_net *net, bool plastic)
{
    for (size_t i = 0; i < net->cfg.n_projs; i++)
        if (net->cfg.proj[i].plastic == plastic)
            return true;
    return false;
}

st_status st_net_build_synapses(st_net *net, st_error *err)
{
    bool has_st = any_rule(net, false), has_pl = any_rule(net, true);
    st_status rc = ST_ERR_NOMEM;
    scratch *sc = NULL;
    net->outdeg = st_calloc(net->N, sizeof *net->outdeg);
    if (!net->outdeg)
        goto done;
    for (int k = 0; k < net->n_parts; k++)
        if ((has_st && alloc_seg(net, &net->part[k].st)) ||
            (has_pl && alloc_seg(net, &net->part[k].pl)))
            goto done;
    if (!(sc = alloc_scratch(net)))
        goto done;
    pass(net, sc, false);
    for (int k = 0; k < net->n_parts; k++) {
        net_part *p = &net->part[k];
        if ((has_st && alloc_syn(net, &p->st, false, p->n)) ||
            (has_pl && alloc_syn(net, &p->pl, true, p->n)))
            goto done;
    }
    pass(net, sc, true);
    for (int k = 0; k < net->n_parts; k++) {
        net_part *p = &net->part[k];
        if (has_st)
            unshift(net, &p->st);
        if (has_pl) {
            unshift(net, &p->pl);
            index_incoming(&p->pl, p->n);
        }
    }
    net->synapses = 0;
    for (uint32_t s = 0; s < net->N; s++)
        net->synapses += net->outdeg[s];
    net->synapses_plastic = 0;
    for (int k = 0; k < net->threads; k++)
        net->synapses_plastic += sc[k].plastic;
    rc = ST_OK;
done:
    free_scratch(sc, net->threads);
    if (rc)
        return st_error_set(err, rc, "network: out of memory for the synapses");
    return ST_OK;
}
