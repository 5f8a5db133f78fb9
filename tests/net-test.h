/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the network tests share: building and running a network that must succeed, recording
 * its spikes, the stamps of one neuron, and a configuration that must be refused. */
#ifndef NET_TEST_H
#define NET_TEST_H

#include <string.h>

#include "st-test.h"
#include "spiketalk/spiketalk.h"

/* An st_net_spike_fn appending to the st_net_raster 'ud'. */
static inline void record(void *ud, uint64_t stamp, const uint32_t *ids, size_t n)
{
    assert_int_equal(st_net_raster_add(ud, stamp, ids, n), ST_OK);
}

static inline st_net *make(const st_net_config *c)
{
    st_net *net = NULL;
    st_error err = {0};
    st_status rc = st_net_create(c, NULL, &net, &err);
    if (rc)
        print_error("st_net_create: %s\n", err.msg);
    assert_int_equal(rc, ST_OK);
    return net;
}

/* Runs 'steps' steps, recording into 'r' unless it is NULL. */
static inline void run(st_net *net, uint64_t steps, st_net_raster *r)
{
    st_error err = {0};
    st_status rc = st_net_run(net, steps, r ? record : NULL, r, &err);
    if (rc)
        print_error("st_net_run: %s\n", err.msg);
    assert_int_equal(rc, ST_OK);
}

/* The stamps at which neuron 'id' fired. */
static inline size_t stamps_of(const st_net_raster *r, uint32_t id, uint64_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        if (r->id[i] == id && n < cap)
            out[n++] = r->stamp[i];
    return n;
}

/* st_net_create refuses 'c' with ST_ERR_INVAL and a message that contains 'what'. */
static inline void expect_bad(const st_net_config *c, const char *what)
{
    st_error err = {0};
    st_net *net = NULL;
    assert_int_equal(st_net_create(c, NULL, &net, &err), ST_ERR_INVAL);
    assert_null(net);
    if (!strstr(err.msg, what))
        print_error("message '%s' lacks '%s'\n", err.msg, what);
    assert_non_null(strstr(err.msg, what));
}

#endif
