/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A caller-owned buffer of spike stamps, filled by the neuron models without allocating. */
#ifndef SPIKETALK_SPIKES_H
#define SPIKETALK_SPIKES_H

#include <stddef.h>
#include <stdint.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Spike stamps are time-grid indices: a spike stamped j happened in the step from t_{j-1} to
 * t_j and is reported at t_j = j * dt (the end of the step in which v passed the peak).
 * When the buffer is full, further spikes are counted in 'dropped' and not stored. */
typedef struct st_spikes {
    uint64_t *step;     /* stamps, ascending; owned by the caller */
    size_t cap;         /* capacity of 'step' */
    size_t count;       /* stamps stored */
    uint64_t dropped;   /* spikes that did not fit */
} st_spikes;

/* Records stamp 'j' (no allocation). NULL 'sp' is allowed and ignores the spike. */
static inline void st_spikes_push(st_spikes *sp, uint64_t j)
{
    if (!sp)
        return;
    if (sp->count < sp->cap)
        sp->step[sp->count++] = j;
    else
        sp->dropped++;
}

/* Makes room for at least 'more' further stamps, growing 'step' through the allocator hook.
 * For use between blocks, never in a process function. ST_ERR_NOMEM on failure (the buffer
 * is then unchanged). */
ST_API st_status st_spikes_reserve(st_spikes *sp, size_t more);

/* Frees the storage (allocated by st_spikes_reserve) and zeroes the struct. */
ST_API void st_spikes_free(st_spikes *sp);

#ifdef __cplusplus
}
#endif
#endif
