/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sonification: membrane potential or clicks to audio samples in (-1, 1). */
#include "spiketalk/sonify.h"

#include <float.h>
#include <math.h>
#include <strings.h>

#include "core-private.h"

#define PI 3.14159265358979323846

static const char *const names[] = {"membrane", "clicks"};

const char *st_sonify_name(st_sonify_mode m)
{
    return (unsigned)m < 2 ? names[m] : "?";
}

st_status st_sonify_parse(const char *name, st_sonify_mode *out, st_error *err)
{
    int i = st_name_index(names, ST_COUNTOF(names), name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--sonify: unknown mode '%s' (membrane or clicks)", name ? name : "");
    *out = (st_sonify_mode)i;
    return ST_OK;
}

static inline float limit(double x)
{
    if (!isfinite(x))
        return x > 0 ? 0.99f : (x < 0 ? -0.99f : 0.0f);
    double a = fabs(x);
    if (a > 0.8)
        a = 0.8 + 0.2 * tanh((a - 0.8) / 0.2);
    /* tanh rounds to 1 for large inputs; keep strictly inside full scale */
    if (a > 0.999)
        a = 0.999;
    return (float)(x < 0 ? -a : a);
}

float st_soft_limit(double x)
{
    return limit(x);
}

st_status st_sonify_init(st_sonify_state *s, const st_sonify_params *p, st_error *err)
{
    if (!(p->v_max_mv > p->v_min_mv) || !isfinite(p->v_min_mv) || !isfinite(p->v_max_mv))
        return st_error_set(err, ST_ERR_INVAL, "sonify: empty voltage range");
    if (!(p->fs_hz > 0) || !isfinite(p->fs_hz))
        return st_error_set(err, ST_ERR_INVAL, "sonify: bad sample rate %g", p->fs_hz);
    s->r = p->dc_hz > 0 ? exp(-2.0 * PI * p->dc_hz / p->fs_hz) : 1.0;
    s->x1 = s->y1 = 0;
    s->primed = false;
    double len = (p->click_ms > 0 ? p->click_ms : 1.0) * p->fs_hz / 1000.0;
    s->click_len = len < 3 ? 3 : (size_t)len;
    s->click_pos = s->click_len;
    return ST_OK;
}

void st_sonify_process(st_sonify_state *s, const st_sonify_params *p, const double *v,
                       const uint8_t *spike, float *out, size_t n)
{
    if (p->mode == ST_SONIFY_CLICKS) {
        const size_t len = s->click_len;
        size_t pos = s->click_pos;
        for (size_t i = 0; i < n; i++) {
            if (spike && spike[i])
                pos = 0;
            double y = 0;
            if (pos < len) {
                y = 0.8 * 0.5 * (1.0 - cos(2.0 * PI * (double)pos / (double)(len - 1)));
                pos++;
            }
            out[i] = limit(y);
        }
        s->click_pos = pos;
        return;
    }
    const double scale = 2.0 / (p->v_max_mv - p->v_min_mv), lo = p->v_min_mv, r = s->r;
    double x1 = s->x1, y1 = s->y1;
    bool primed = s->primed;
    if (!primed && n > 0 && isfinite(v[0])) {
        x1 = (v[0] - lo) * scale - 1.0; /* start from the first value: no start-up thump */
        primed = true;
    }
    for (size_t i = 0; i < n; i++) {
        double x = isfinite(v[i]) ? (v[i] - lo) * scale - 1.0 : x1;
        double y = r < 1.0 ? x - x1 + r * y1 : x;
        /* The blocker's decay towards a resting v ends at zero rather than in subnormal
         * numbers (under -759 dBFS): slow on some processors, and flushed to zero by audio
         * threads that set FTZ/DAZ (a browser's audio worklet), which would then disagree. */
        if (fabs(y) < FLT_MIN)
            y = 0.0;
        x1 = x;
        y1 = y;
        out[i] = fabs(y) <= 0.8 ? (float)y : limit(y); /* the limiter's linear part inline */
    }
    s->x1 = x1;
    s->y1 = y1;
    s->primed = primed;
}
