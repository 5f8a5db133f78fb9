/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Names of the integrators, and the spike buffer's growth between blocks. */
#include "spiketalk/integrator.h"

#include <string.h>
#include <strings.h>

#include "core-private.h"
#include "spiketalk/spikes.h"

static const char *const names[ST_INT_COUNT] = {"euler", "symplectic", "izh2003", "rk4",
                                                "rush-larsen", "study"};

static const char *const helps[ST_INT_COUNT] = {
    "forward Euler: v and u both from the old state (the 2007 book's code)",
    "v first, then u from the new v, in the order of the 2004 figure script",
    "two half steps of v, then u from the new v (the 2003 network code)",
    "classical fourth-order Runge-Kutta on (v, u)",
    "Hodgkin-Huxley only (spiketalk hh): exact exponential step of each gate, Euler for v",
    "the study's loop: symplectic in its order, v + h*(0.04*v*v + ...), u + h*(a*(b*v - u))"};

const char *st_integrator_name(st_integrator how)
{
    return (unsigned)how < ST_INT_COUNT ? names[how] : NULL;
}

const char *st_integrator_help(st_integrator how)
{
    return (unsigned)how < ST_INT_COUNT ? helps[how] : "";
}

st_status st_integrator_parse(const char *name, st_integrator *out, st_error *err)
{
    int i = st_name_index(names, ST_INT_COUNT, name);
    if (i < 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "--integrator: unknown integrator '%s' (choose euler, symplectic, "
                            "izh2003, rk4, rush-larsen or study)",
                            name ? name : "");
    *out = (st_integrator)i;
    return ST_OK;
}

st_status st_spikes_reserve(st_spikes *sp, size_t more)
{
    if (sp->cap - sp->count >= more)
        return ST_OK;
    size_t want = sp->count + more;
    size_t cap = sp->cap ? sp->cap : 256;
    while (cap < want) {
        if (cap > SIZE_MAX / 2 / sizeof *sp->step)
            return ST_ERR_NOMEM;
        cap *= 2;
    }
    uint64_t *p = st_realloc(sp->step, cap * sizeof *p);
    if (!p)
        return ST_ERR_NOMEM;
    sp->step = p;
    sp->cap = cap;
    return ST_OK;
}

void st_spikes_free(st_spikes *sp)
{
    st_free(sp->step);
    memset(sp, 0, sizeof *sp);
}
