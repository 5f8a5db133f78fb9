/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rectification: none, full wave, half wave, or offset by the minimum. */
#include <math.h>
#include <strings.h>

#include "core-private.h"
#include "spiketalk/dsp.h"

static const char *const names[] = {"none", "full", "half", "offset"};

const char *st_rectify_name(st_rectify_mode m)
{
    return (unsigned)m < 4 ? names[m] : "?";
}

st_status st_rectify_parse(const char *name, st_rectify_mode *out, st_error *err)
{
    int i = st_name_index(names, ST_COUNTOF(names), name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--rectify: unknown mode '%s' (none, full, half or offset)",
                            name ? name : "");
    *out = (st_rectify_mode)i;
    return ST_OK;
}

void st_rectify(st_rectify_mode m, const double *in, double *out, size_t n)
{
    switch (m) {
    case ST_RECT_FULL:
        for (size_t i = 0; i < n; i++)
            out[i] = fabs(in[i]);
        break;
    case ST_RECT_HALF:
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] > 0.0 ? in[i] : 0.0;
        break;
    case ST_RECT_OFFSET: {
        double mn = INFINITY;
        for (size_t i = 0; i < n; i++)
            mn = fmin(mn, in[i]);
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] - mn;
        break;
    }
    default:
        for (size_t i = 0; i < n && in != out; i++)
            out[i] = in[i];
        break;
    }
}
