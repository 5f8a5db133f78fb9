/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The noise gate: its threshold (fixed, or learned from the leading window) and the gating. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "spiketalk/dsp.h"

/* numpy's pairwise summation (umath loops_utils.h: blocks of up to 128 values summed in eight
 * interleaved partial sums, halves above that), so that a mean or a standard deviation comes
 * out bit for bit as the study's np.std computed it. 'sq' sums (x - mean)^2 instead of x. */
static double pairwise(const double *x, size_t n, bool sq, double mean)
{
#define TERM(i) (sq ? (x[i] - mean) * (x[i] - mean) : x[i])
    if (n < 8) {
        double res = 0.0;
        for (size_t i = 0; i < n; i++)
            res += TERM(i);
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (size_t j = 0; j < 8; j++)
            r[j] = TERM(j);
        size_t i = 8;
        for (; i < n - n % 8; i += 8)
            for (size_t j = 0; j < 8; j++)
                r[j] += TERM(i + j);
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += TERM(i);
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(x, n2, sq, mean) + pairwise(x + n2, n - n2, sq, mean);
#undef TERM
}

double st_gate_threshold(const double *x, size_t n, size_t window, double k, double floor)
{
    size_t w = window < n ? window : n;
    if (w == 0)
        return floor;
    double mean = pairwise(x, w, false, 0.0) / (double)w;
    double thr = k * sqrt(pairwise(x, w, true, mean) / (double)w);
    return thr > floor ? thr : floor;
}

st_status st_gate_init(st_gate *g, const st_gate_params *p, st_error *err)
{
    memset(g, 0, sizeof *g);
    if (p->mode == ST_GATE_FIXED && !(p->threshold >= 0 && isfinite(p->threshold)))
        return st_error_set(err, ST_ERR_INVAL, "--gate-thr: must be a finite number >= 0");
    if (p->mode == ST_GATE_LEADING) {
        if (!(p->k >= 0 && isfinite(p->k)))
            return st_error_set(err, ST_ERR_INVAL, "--gate-k: must be a finite number >= 0");
        if (!(p->floor >= 0 && isfinite(p->floor)))
            return st_error_set(err, ST_ERR_INVAL, "gate floor: must be a finite number >= 0");
        if (p->window < 1)
            return st_error_set(err, ST_ERR_INVAL, "--gate-window: must be at least one sample");
        if (!(g->buf = st_malloc(p->window * sizeof *g->buf)))
            return st_error_set(err, ST_ERR_NOMEM, "gate: out of memory (%zu samples)",
                                p->window);
    }
    g->p = *p;
    st_gate_reset(g);
    return ST_OK;
}

void st_gate_reset(st_gate *g)
{
    g->seen = 0;
    g->gated = 0;
    g->open = g->p.mode != ST_GATE_LEADING;
    g->thr = g->p.mode == ST_GATE_FIXED ? g->p.threshold : 0.0;
}

void st_gate_free(st_gate *g)
{
    st_free(g->buf);
    memset(g, 0, sizeof *g);
}

double st_gate_current_threshold(const st_gate *g)
{
    return g->open ? g->thr : NAN;
}

void st_gate_process(st_gate *g, const double *in, double *out, size_t n)
{
    size_t i = 0;
    for (; i < n && !g->open; i++) {
        double x = isfinite(in[i]) ? in[i] : 0.0;
        g->buf[g->seen++] = x;
        out[i] = 0.0;
        if (g->seen == g->p.window) {
            /* once per stream: exactly the threshold the whole signal's window gives */
            g->thr = st_gate_threshold(g->buf, g->seen, g->seen, g->p.k, g->p.floor);
            g->open = true;
        }
    }
    /* a sample passes when it is finite and, with the gate on, louder than the threshold
     * (NaN fails both tests) */
    const double thr = g->p.mode == ST_GATE_OFF ? -1.0 : g->thr;
    uint64_t gated = g->gated;
    for (; i < n; i++) {
        double x = in[i], a = fabs(x);
        bool pass = a > thr && a <= DBL_MAX;
        gated += !pass;
        out[i] = pass ? x : 0.0;
    }
    g->gated = gated;
}
