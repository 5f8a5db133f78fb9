/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the lock-free SPSC ring: sizes, wrap-around, full and empty, bad arguments, failed
 * allocations, and a producer and a consumer thread racing over millions of elements. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spiketalk/ring.h"
#include "st-test.h"

static void test_ring_capacity_rounds_up(void **state)
{
    (void)state;
    const size_t want[] = {1, 2, 3, 64, 65, 1000, 4096};
    const size_t got[] = {1, 2, 4, 64, 128, 1024, 4096};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        st_ring *r;
        assert_int_equal(st_ring_create(want[i], sizeof(float), &r, NULL), ST_OK);
        assert_int_equal(st_ring_capacity(r), got[i]);
        assert_int_equal(st_ring_writable(r), got[i]);
        assert_int_equal(st_ring_readable(r), 0);
        st_ring_destroy(r);
    }
    st_ring_destroy(NULL);
}

static void test_ring_bad_arguments(void **state)
{
    (void)state;
    st_ring *r = (st_ring *)&r; /* anything but NULL: the failure must clear it */
    st_error err = {0};
    assert_int_equal(st_ring_create(0, 4, &r, &err), ST_ERR_INVAL);
    assert_null(r);
    assert_non_null(strstr(err.msg, "ring: capacity"));
    assert_int_equal(st_ring_create(16, 0, &r, &err), ST_ERR_INVAL);
    assert_int_equal(st_ring_create(ST_RING_MAX_CAPACITY + 1, 4, &r, &err), ST_ERR_INVAL);
    assert_int_equal(st_ring_create(ST_RING_MAX_CAPACITY, SIZE_MAX / 4, &r, &err), ST_ERR_INVAL);
    assert_null(r);
}

/* Writes and reads of awkward sizes cross the end of the buffer many times; every element
 * comes out once, in order, and full / empty are reported exactly. */
static void test_ring_wraps_in_order(void **state)
{
    (void)state;
    st_ring *r;
    assert_int_equal(st_ring_create(16, sizeof(uint32_t), &r, NULL), ST_OK);
    uint32_t next_in = 0, next_out = 0, buf[40];
    const size_t wsize[] = {5, 7, 16, 3, 11, 1, 13};
    const size_t rsize[] = {6, 2, 9, 16, 4, 10};
    for (int round = 0; round < 500; round++) {
        size_t n = wsize[round % 7], room = st_ring_writable(r);
        for (size_t i = 0; i < n; i++)
            buf[i] = next_in + (uint32_t)i;
        size_t put = st_ring_write(r, buf, n);
        assert_int_equal(put, n < room ? n : room);
        next_in += (uint32_t)put;
        assert_int_equal(st_ring_readable(r), next_in - next_out);
        size_t m = rsize[round % 6], have = st_ring_readable(r);
        size_t got = st_ring_read(r, buf, m);
        assert_int_equal(got, m < have ? m : have);
        for (size_t i = 0; i < got; i++)
            assert_int_equal(buf[i], next_out + i);
        next_out += (uint32_t)got;
    }
    assert_true(next_out > 16 * 50); /* it really went round */
    st_ring_destroy(r);
}

static void test_ring_full_and_empty(void **state)
{
    (void)state;
    st_ring *r;
    assert_int_equal(st_ring_create(8, sizeof(double), &r, NULL), ST_OK);
    double x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, y[10] = {0};
    assert_int_equal(st_ring_read(r, y, 3), 0);
    assert_int_equal(st_ring_write(r, x, 10), 8);
    assert_int_equal(st_ring_writable(r), 0);
    assert_int_equal(st_ring_write(r, x, 1), 0);
    assert_int_equal(st_ring_write(r, x, 0), 0);
    assert_int_equal(st_ring_read(r, y, 10), 8);
    for (int i = 0; i < 8; i++)
        assert_true(y[i] == x[i]);
    assert_int_equal(st_ring_read(r, y, 1), 0);
    assert_int_equal(st_ring_writable(r), 8);
    st_ring_destroy(r);
}

/* Both allocations may fail: ST_ERR_NOMEM, no ring, no leak (the sanitizer build checks). */
static void test_ring_alloc_failure(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        int left = k;
        st_set_allocator(st_test_failing_alloc, &left);
        st_ring *r;
        st_error err = {0};
        st_status st = st_ring_create(1024, 4, &r, &err);
        st_set_allocator(NULL, NULL);
        assert_int_equal(st, ST_ERR_NOMEM);
        assert_null(r);
        assert_non_null(strstr(err.msg, "out of memory"));
    }
}

/* ---- two threads -------------------------------------------------------------------------- */

#define RACE_ELEMENTS 3000000u

typedef struct race {
    st_ring *r;
    uint64_t errors;     /* elements out of sequence (consumer) */
    uint64_t received;
} race;

/* A cheap generator of chunk sizes, different on each side. */
static size_t chunk(uint32_t *seed, size_t max)
{
    *seed = *seed * 1664525u + 1013904223u;
    return 1 + (*seed >> 8) % max;
}

static void *producer(void *ud)
{
    race *t = ud;
    uint64_t buf[97], next = 0;
    uint32_t seed = 1;
    while (next < RACE_ELEMENTS) {
        size_t n = chunk(&seed, 97);
        if (n > RACE_ELEMENTS - next)
            n = RACE_ELEMENTS - next;
        for (size_t i = 0; i < n; i++)
            buf[i] = next + i;
        size_t put = st_ring_write(t->r, buf, n); /* a full ring takes fewer: the rest again */
        next += put;
        if (put == 0)
            sched_yield(); /* two shared cores: let the consumer run */
    }
    return NULL;
}

static void *consumer(void *ud)
{
    race *t = ud;
    uint64_t buf[61];
    uint32_t seed = 7;
    while (t->received < RACE_ELEMENTS) {
        size_t got = st_ring_read(t->r, buf, chunk(&seed, 61));
        for (size_t i = 0; i < got; i++)
            t->errors += buf[i] != t->received + i;
        t->received += got;
        if (got == 0)
            sched_yield();
    }
    return NULL;
}

/* A small ring makes the two threads meet at both ends constantly: every element must arrive
 * exactly once and in order (a missing acquire/release shows up as stale or torn values). */
static void test_ring_two_threads(void **state)
{
    (void)state;
    race t = {0};
    assert_int_equal(st_ring_create(128, sizeof(uint64_t), &t.r, NULL), ST_OK);
    pthread_t p, c;
    assert_int_equal(pthread_create(&c, NULL, consumer, &t), 0);
    assert_int_equal(pthread_create(&p, NULL, producer, &t), 0);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    assert_int_equal(t.received, RACE_ELEMENTS);
    assert_int_equal(t.errors, 0);
    assert_int_equal(st_ring_readable(t.r), 0);
    st_ring_destroy(t.r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_capacity_rounds_up),
        cmocka_unit_test(test_ring_bad_arguments),
        cmocka_unit_test(test_ring_wraps_in_order),
        cmocka_unit_test(test_ring_full_and_empty),
        cmocka_unit_test(test_ring_alloc_failure),
        cmocka_unit_test(test_ring_two_threads),
    };
    return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
