/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The noise gate: its threshold (fixed, learned from the leading window, or following the
 * noise floor) and the gating; the noise floor by minimum statistics. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "spiketalk/dsp.h"

/* ---- the noise floor --------------------------------------------------------------------- */

#define NF_FRAME_S 0.010       /* frame length */
#define NF_ALPHA 0.0           /* no smoothing across frames: a pause of one frame counts */
#define NF_PER_SUB 15          /* frames per sub-window: D = 10 x 15 = 150 frames = 1.5 s */

/* Martin (2001), Table III: M(D), which turns the smoothed power's equivalent degrees of
 * freedom into those of its minimum over D frames. Interpolated linearly between rows. */
static double martin_m(double D)
{
    static const double d[] = {1, 2, 5, 8, 10, 15, 20, 30, 40, 60, 80, 120, 140, 160};
    static const double m[] = {0, 0.26, 0.48, 0.58, 0.61, 0.668, 0.705, 0.762, 0.8, 0.841,
                               0.865, 0.89, 0.9, 0.91};
    size_t n = sizeof d / sizeof d[0];
    if (D >= d[n - 1])
        return m[n - 1];
    size_t i = 1;
    while (D > d[i])
        i++;
    return m[i - 1] + (m[i] - m[i - 1]) * (D - d[i - 1]) / (d[i] - d[i - 1]);
}

void st_noise_floor_init(st_noise_floor *nf, double fs_hz)
{
    memset(nf, 0, sizeof *nf);
    double len = round(NF_FRAME_S * fs_hz);
    nf->frame = len >= 1 ? (size_t)len : 1;
    nf->alpha = NF_ALPHA;
    nf->per_sub = NF_PER_SUB;
    /* the smoothed power of Gaussian noise: a frame's mean square has N degrees of freedom,
     * the recursive smoothing multiplies them by (1 + alpha) / (1 - alpha); then Martin's
     * B_min = 1 + (D - 1) 2 / Q~, Q~ = (Q - M(D)) / (1 - M(D)) */
    double D = (double)(ST_NOISE_SUBWINDOWS * NF_PER_SUB);
    double q = (double)nf->frame * (1 + NF_ALPHA) / (1 - NF_ALPHA), M = martin_m(D);
    nf->bias = 1 + (D - 1) * 2 / ((q - M) / (1 - M));
    st_noise_floor_reset(nf);
}

void st_noise_floor_reset(st_noise_floor *nf)
{
    nf->in_frame = 0;
    nf->acc = 0;
    nf->p = -1;
    nf->sub_min = 0;
    nf->sub_frames = 0;
    nf->n_mins = nf->mins_pos = 0;
    nf->power = 0;
    nf->frames = 0;
}

void st_noise_floor_frame(st_noise_floor *nf)
{
    double pf = nf->acc / (double)nf->frame;
    nf->acc = 0;
    nf->in_frame = 0;
    nf->p = nf->p < 0 ? pf : nf->alpha * nf->p + (1 - nf->alpha) * pf;
    nf->sub_min = nf->sub_frames ? fmin(nf->sub_min, nf->p) : nf->p;
    double m = nf->sub_min;
    if (++nf->sub_frames == nf->per_sub) { /* a sub-window is complete: keep its minimum */
        nf->mins[nf->mins_pos] = nf->sub_min;
        nf->mins_pos = (nf->mins_pos + 1) % ST_NOISE_SUBWINDOWS;
        nf->n_mins += nf->n_mins < ST_NOISE_SUBWINDOWS;
        nf->sub_frames = 0;
    }
    for (unsigned i = 0; i < nf->n_mins; i++)
        m = fmin(m, nf->mins[i]);
    nf->power = nf->bias * m;
    nf->frames++;
}

double st_noise_floor_amplitude(const st_noise_floor *nf)
{
    return sqrt(nf->power);
}

/* ---- the gate ------------------------------------------------------------------------------ */

static const char *const mode_names[] = {"off", "fixed", "leading", "adaptive"};

const char *st_gate_mode_name(st_gate_mode m)
{
    return (unsigned)m < sizeof mode_names / sizeof mode_names[0] ? mode_names[m] : "?";
}

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
    if (p->mode == ST_GATE_ADAPTIVE) {
        if (!(p->k >= 0 && isfinite(p->k)))
            return st_error_set(err, ST_ERR_INVAL, "--gate-k: must be a finite number >= 0");
        if (!(p->floor >= 0 && isfinite(p->floor)))
            return st_error_set(err, ST_ERR_INVAL, "gate floor: must be a finite number >= 0");
        if (!(p->fs_hz > 0 && isfinite(p->fs_hz)))
            return st_error_set(err, ST_ERR_INVAL, "gate: bad sample rate %g Hz", p->fs_hz);
        st_noise_floor_init(&g->nf, p->fs_hz);
    }
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
    g->thr = g->p.mode == ST_GATE_FIXED      ? g->p.threshold
             : g->p.mode == ST_GATE_ADAPTIVE ? g->p.floor /* until the first frame */
                                             : 0.0;
    if (g->p.mode == ST_GATE_ADAPTIVE)
        st_noise_floor_reset(&g->nf);
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

double st_gate_noise_floor(const st_gate *g)
{
    return g->p.mode == ST_GATE_ADAPTIVE ? st_noise_floor_amplitude(&g->nf) : NAN;
}

/* The adaptive gate: each sample is gated with the threshold of the frames before it, then
 * feeds the noise floor. Runs of samples up to the next frame's end share one threshold, so
 * the inner loop has no frame test. */
static void adaptive(st_gate *g, const double *in, double *out, size_t n)
{
    st_noise_floor *nf = &g->nf;
    const double k = g->p.k, floor_ = g->p.floor;
    double thr = g->thr;
    uint64_t gated = g->gated;
    for (size_t i = 0; i < n;) {
        size_t run = nf->frame - nf->in_frame;
        run = n - i < run ? n - i : run;
        double acc = nf->acc;
        for (size_t j = i; j < i + run; j++) {
            double x = in[j], a = fabs(x);
            bool finite = a <= DBL_MAX, pass = a > thr && finite;
            x = finite ? x : 0.0;
            gated += !pass;
            out[j] = pass ? x : 0.0;
            acc += x * x;
        }
        nf->acc = acc;
        nf->in_frame += run;
        i += run;
        if (nf->in_frame == nf->frame) {
            st_noise_floor_frame(nf);
            double t = k * st_noise_floor_amplitude(nf);
            thr = t > floor_ ? t : floor_;
            st_gate_track *tr = g->track;
            if (tr && tr->count < tr->cap)
                tr->thr[tr->count++] = thr;
            else if (tr)
                tr->dropped++;
        }
    }
    g->thr = thr;
    g->gated = gated;
}

void st_gate_process(st_gate *g, const double *in, double *out, size_t n)
{
    if (g->p.mode == ST_GATE_ADAPTIVE) {
        adaptive(g, in, out, n);
        return;
    }
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
