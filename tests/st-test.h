/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helpers on top of cmocka: double-precision closeness with both values printed. */
#ifndef ST_TEST_H
#define ST_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

/* Fails unless |actual - expected| <= abs_tol + rel_tol * |expected|; prints both values. */
#define assert_close(actual, expected, abs_tol, rel_tol) \
    st_assert_close((actual), (expected), (abs_tol), (rel_tol), #actual, __FILE__, __LINE__)

static inline void st_assert_close(double actual, double expected, double abs_tol, double rel_tol,
                                   const char *what, const char *file, int line)
{
    double tol = abs_tol + rel_tol * fabs(expected);
    if (!(fabs(actual - expected) <= tol)) {
        print_error("%s = %.17g, expected %.17g (tolerance %.3g)\n", what, actual, expected, tol);
        _fail(file, line);
    }
}

/* An allocator hook for st_set_allocator(st_test_failing_alloc, &left): the allocation after
 * 'left' more successful ones fails (a negative budget never fails). Frees always work. */
static inline void *st_test_failing_alloc(void *ud, void *ptr, size_t size)
{
    int *left = ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if ((*left)-- == 0)
        return NULL;
    return realloc(ptr, size);
}

#endif
