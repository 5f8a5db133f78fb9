/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The allocator hook: every allocation of the library goes through it (as lua_Alloc), so a
 * test can make the k-th allocation fail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spiketalk/status.h"

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
    return alloc_fn(alloc_ud, NULL, size ? size : 1);
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
    return alloc_fn(alloc_ud, ptr, size ? size : 1);
}

void st_free(void *ptr)
{
    if (ptr)
        alloc_fn(alloc_ud, ptr, 0);
}
