/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A lock-free single-producer / single-consumer ring of fixed-size elements (C11 atomics): the
 * audio callback writes, one other thread reads, and neither ever waits for the other.
 *
 * Exactly one thread may call the producer functions (st_ring_write, st_ring_writable) and
 * exactly one thread the consumer functions (st_ring_read, st_ring_readable) at a time; the
 * two may be different threads running concurrently. The producer's release store of its
 * write index after copying publishes the elements to the consumer's acquire load, and the
 * other way round for the free space, so no element is read before it is complete or
 * overwritten before it is read. */
#ifndef SPIKETALK_RING_H
#define SPIKETALK_RING_H

#include <stddef.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_ring st_ring;

/* Largest capacity st_ring_create accepts, elements (and capacity * elem_size must fit too). */
#define ST_RING_MAX_CAPACITY ((size_t)1 << 30)

/* Creates an empty ring of at least 'capacity' elements of 'elem_size' bytes each (the capacity
 * is rounded up to a power of two; st_ring_capacity says what it became). Allocates through
 * the allocator hook: control thread only. ST_ERR_INVAL for a zero capacity or size, or one
 * above ST_RING_MAX_CAPACITY; ST_ERR_NOMEM when the memory is not there (*out is then NULL). */
ST_API st_status st_ring_create(size_t capacity, size_t elem_size, st_ring **out, st_error *err);

/* Frees the ring. NULL-safe. Neither side may use it any more. */
ST_API void st_ring_destroy(st_ring *r);

/* The capacity in elements (a power of two). */
ST_API size_t st_ring_capacity(const st_ring *r);

/* Producer: copies up to n elements from 'src' in and returns how many fit (0 when full).
 * Never allocates, locks or blocks: safe in an audio callback. */
ST_API size_t st_ring_write(st_ring *r, const void *src, size_t n);

/* Producer: how many elements st_ring_write would take now (at least that many later). */
ST_API size_t st_ring_writable(st_ring *r);

/* Consumer: copies up to n of the oldest elements out to 'dst' and returns how many (0 when
 * empty). Never allocates, locks or blocks. */
ST_API size_t st_ring_read(st_ring *r, void *dst, size_t n);

/* Consumer: how many elements st_ring_read would return now (at least that many later). */
ST_API size_t st_ring_readable(st_ring *r);

#ifdef __cplusplus
}
#endif
#endif
