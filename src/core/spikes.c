/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spike buffer's growth between blocks. */
#include <string.h>

#include "spiketalk/spikes.h"

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
