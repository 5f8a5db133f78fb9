/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lock-free single-producer / single-consumer ring (ring.h). */
#include "spiketalk/ring.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "core-private.h"

/* The indices count elements since creation and are never wrapped by hand: with a power-of-two
 * capacity, 'head - tail' is the fill level and 'index & mask' the slot even after the size_t
 * counters overflow. */
#if ATOMIC_LONG_LOCK_FREE != 2 && ATOMIC_LLONG_LOCK_FREE != 2
#error "st_ring needs lock-free atomic size_t: a lock in the audio callback defeats its purpose"
#endif

/* Bytes between the two indices, so that the producer's and the consumer's stores do not
 * fight over one cache line. */
#define CACHE_LINE 64

struct st_ring {
    atomic_size_t head;                          /* elements written so far (producer) */
    char pad1[CACHE_LINE - sizeof(atomic_size_t)];
    atomic_size_t tail;                          /* elements read so far (consumer) */
    char pad2[CACHE_LINE - sizeof(atomic_size_t)];
    size_t mask;                                 /* capacity - 1 */
    size_t elem;                                 /* bytes per element */
    unsigned char *buf;                          /* capacity * elem bytes */
};

st_status st_ring_create(size_t capacity, size_t elem_size, st_ring **out, st_error *err)
{
    *out = NULL;
    if (capacity == 0 || capacity > ST_RING_MAX_CAPACITY || elem_size == 0)
        return st_error_set(err, ST_ERR_INVAL,
                            "ring: capacity must be 1 .. %zu elements and the element size > 0 "
                            "(got %zu x %zu bytes)",
                            ST_RING_MAX_CAPACITY, capacity, elem_size);
    size_t cap = 1;
    while (cap < capacity)
        cap <<= 1;
    if (elem_size > SIZE_MAX / cap)
        return st_error_set(err, ST_ERR_INVAL, "ring: %zu x %zu bytes does not fit in memory",
                            cap, elem_size);
    st_ring *r = st_calloc(1, sizeof *r);
    unsigned char *buf = r ? st_malloc(cap * elem_size) : NULL;
    if (!buf) {
        st_free(r);
        return st_error_set(err, ST_ERR_NOMEM, "ring: out of memory (%zu x %zu bytes)", cap,
                            elem_size);
    }
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    r->mask = cap - 1;
    r->elem = elem_size;
    r->buf = buf;
    *out = r;
    return ST_OK;
}

void st_ring_destroy(st_ring *r)
{
    if (!r)
        return;
    st_free(r->buf);
    st_free(r);
}

size_t st_ring_capacity(const st_ring *r)
{
    return r->mask + 1;
}

/* Copies n elements between the ring's slot 'at' onwards (wrapping) and 'ext'. */
static void copy_in(st_ring *r, size_t at, const unsigned char *ext, size_t n)
{
    size_t slot = at & r->mask, first = r->mask + 1 - slot;
    if (first > n)
        first = n;
    memcpy(r->buf + slot * r->elem, ext, first * r->elem);
    memcpy(r->buf, ext + first * r->elem, (n - first) * r->elem);
}

static void copy_out(const st_ring *r, size_t at, unsigned char *ext, size_t n)
{
    size_t slot = at & r->mask, first = r->mask + 1 - slot;
    if (first > n)
        first = n;
    memcpy(ext, r->buf + slot * r->elem, first * r->elem);
    memcpy(ext + first * r->elem, r->buf, (n - first) * r->elem);
}

size_t st_ring_writable(st_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    return r->mask + 1 - (head - tail);
}

size_t st_ring_write(st_ring *r, const void *src, size_t n)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    /* acquire: the consumer has finished copying out of the slots it released */
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = r->mask + 1 - (head - tail);
    size_t k = n < space ? n : space;
    if (k == 0)
        return 0;
    copy_in(r, head, src, k);
    /* release: the elements are in place before the consumer can see the new head */
    atomic_store_explicit(&r->head, head + k, memory_order_release);
    return k;
}

size_t st_ring_readable(st_ring *r)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    return head - tail;
}

size_t st_ring_read(st_ring *r, void *dst, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = head - tail;
    size_t k = n < avail ? n : avail;
    if (k == 0)
        return 0;
    copy_out(r, tail, dst, k);
    /* release: the slots are copied out before the producer may overwrite them */
    atomic_store_explicit(&r->tail, tail + k, memory_order_release);
    return k;
}
