/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The allocator hook: every allocation of the library goes through it (as lua_Alloc), so a
 * test can make the k-th allocation fail. */
#define _DEFAULT_SOURCE /* madvise */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "spiketalk/status.h"

/* A signal's arrays (a minute of audio is 10 MB a copy) are touched page by page as they are
 * first written: with 4 KiB pages that is a fault per page, a fifth of a whole run's time.
 * Blocks this large ask the kernel for huge pages where it grants them on request
 * (transparent huge pages in 'madvise' mode, the usual setting): 512 times fewer faults. */
#define HUGE_BLOCK ((size_t)4 << 20)

static void *advise(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p && size >= HUGE_BLOCK) {
        const uintptr_t huge = (uintptr_t)2 << 20;
        uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
        uintptr_t hi = ((uintptr_t)p + size) & ~(huge - 1);
        if (hi > lo)
            (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice: a refusal is fine */
    }
#else
    (void)size;
#endif
    return p;
}

static void *default_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

/* One hook for the whole library, as lua_Alloc: tests install a failing one. */
static st_alloc_fn alloc_fn = default_alloc;
static void *alloc_ud = NULL;

void st_set_allocator(st_alloc_fn fn, void *ud)
{
    alloc_fn = fn ? fn : default_alloc;
    alloc_ud = fn ? ud : NULL;
}

void *st_malloc(size_t size)
{
    return advise(alloc_fn(alloc_ud, NULL, size ? size : 1), size);
}

void *st_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = st_malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *st_realloc(void *ptr, size_t size)
{
    return advise(alloc_fn(alloc_ud, ptr, size ? size : 1), size);
}

void st_free(void *ptr)
{
    if (ptr)
        alloc_fn(alloc_ud, ptr, 0);
}
