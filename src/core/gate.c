/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The noise gate: a threshold from the leading window's spread, and the gating itself. */
#include <math.h>

#include "spiketalk/dsp.h"

double st_gate_threshold(const float *x, size_t n, size_t window, double k, double floor)
{
    size_t w = window < n ? window : n;
    if (w == 0)
        return floor;
    double mean = 0;
    for (size_t i = 0; i < w; i++)
        mean += x[i];
    mean /= (double)w;
    double var = 0;
    for (size_t i = 0; i < w; i++)
        var += ((double)x[i] - mean) * ((double)x[i] - mean);
    double thr = k * sqrt(var / (double)w);
    return thr > floor ? thr : floor;
}

void st_gate_reset(st_gate_state *s)
{
    s->gated = 0;
}

void st_gate_process(st_gate_state *s, const st_gate_params *p, const float *in, float *out,
                     size_t n)
{
    const float thr = p->threshold;
    uint64_t gated = s->gated;
    for (size_t i = 0; i < n; i++) {
        float x = in[i];
        bool quiet = fabsf(x) <= thr;
        gated += quiet;
        out[i] = quiet ? 0.0f : x;
    }
    s->gated = gated;
}
