/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the networks: the random generator's known answers and its normals, a neuron without
 * synapses against the single neuron, delays along a chain, the STDP rule for one pair, the
 * generators' counts and weights, identical results for any thread count or split of a run,
 * the 2003 network's rates and rhythms over seeds, the spectrum, the sound, bad input, faults
 * and failing allocations. */
#include <stdlib.h>
#include <string.h>

#include "net-test.h"

/* The noise generator, from the library's internals (network-private.h): normals of neurons
 * 4 g0 .. 4 g1 - 1 at 'step', as a network with key {seed lo, seed hi} draws them. */
void st_net_normals(uint64_t step, uint32_t g0, uint32_t g1, const uint32_t key[2], double *z);

#define PI 3.14159265358979323846

/* ---- helpers ------------------------------------------------------------------------------- */

/* A network of single-neuron populations (RS cells) without projections. */
static st_net_config singles(size_t n)
{
    st_net_config c;
    st_error err = {0};
    assert_int_equal(st_net_preset("izh2003", 5, 0, &c, &err), ST_OK);
    c.n_projs = 0;
    c.n_pops = n;
    for (size_t i = 0; i < n; i++) {
        c.pop[i] = (st_net_pop){.n = 1, .a = 0.02, .b = 0.2, .c = -65, .d = 8, .r_power = 1,
                                .v0_mv = -65};
        snprintf(c.pop[i].name, sizeof c.pop[i].name, "n%zu", i);
    }
    return c;
}

/* Sets one neuron's external current, all others 0. */
static void drive_one(st_net *net, uint32_t n, uint32_t id, double I)
{
    double cur[8] = {0};
    assert_true(n <= 8);
    cur[id] = I;
    assert_int_equal(st_net_set_input(net, 0, n, cur, NULL), ST_OK);
}

/* ---- the generator ----------------------------------------------------------------------- */

/* Random123's known-answer vectors for philox4x32 with 10 rounds. */
static void test_network_philox_known_answers(void **state)
{
    (void)state;
    const struct { uint32_t ctr[4], key[2], out[4]; } kat[] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}};
    for (size_t k = 0; k < sizeof kat / sizeof kat[0]; k++) {
        uint32_t out[4];
        st_philox4x32(kat[k].ctr, kat[k].key, out);
        for (int j = 0; j < 4; j++)
            assert_int_equal(out[j], kat[k].out[j]);
    }
}

/* 400,000 normals: mean 0, variance 1, skewness 0, kurtosis 3 and the normal's tail mass
 * beyond 2 sigma (4.55 %), each within about 5 standard errors; and all of them finite. */
static void test_network_normals_are_standard(void **state)
{
    (void)state;
    enum { GROUPS = 1000, STEPS = 100 };
    double *z = malloc(4 * GROUPS * sizeof *z);
    assert_non_null(z);
    const uint32_t key[2] = {12345, 0};
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0, tail = 0, n = 0;
    for (uint64_t k = 0; k < STEPS; k++) {
        st_net_normals(k, 0, GROUPS, key, z);
        for (size_t i = 0; i < 4 * GROUPS; i++) {
            double x = z[i];
            assert_true(isfinite(x));
            s1 += x;
            s2 += x * x;
            s3 += x * x * x;
            s4 += x * x * x * x;
            tail += fabs(x) > 2.0;
            n += 1;
        }
    }
    double mean = s1 / n, var = s2 / n - mean * mean;
    assert_close(mean, 0.0, 5.0 / sqrt(n), 0);
    assert_close(var, 1.0, 5.0 * sqrt(2.0 / n), 0);
    assert_close(s3 / n, 0.0, 5.0 * sqrt(15.0 / n), 0);
    assert_close(s4 / n, 3.0, 5.0 * sqrt(96.0 / n), 0);
    assert_close(tail / n, 0.0455003, 5.0 * sqrt(0.0455 * 0.9545 / n), 0);
    /* neighbouring neurons and steps are uncorrelated */
    double c = 0;
    st_net_normals(7, 0, GROUPS, key, z);
    for (size_t i = 0; i + 1 < 4 * GROUPS; i++)
        c += z[i] * z[i + 1];
    assert_close(c / (4 * GROUPS - 1), 0.0, 5.0 / sqrt(4 * GROUPS), 0);
    free(z);
}

/* ---- one neuron ---------------------------------------------------------------------------- */

/* With no synapses, each network neuron under an external current fires exactly when
 * st_izh_process's izh2003 step (dt 1 ms) fires for the same parameters and current, and ends
 * in the same state, bit for bit; likewise under the network's own noise, rebuilt here from
 * the generator by (neuron, step), and under noise plus an external current. */
static void test_network_neuron_equals_single_neuron(void **state)
{
    (void)state;
    enum { N = 1000, STEPS = 2000 };
    st_net_config c;
    assert_int_equal(st_net_preset("izh2003", N, 0, &c, NULL), ST_OK);
    c.n_projs = 0; /* the 2003 neurons with their random parameters, unconnected */
    c.seed = 77;
    for (int mode = 0; mode < 3; mode++) { /* external current, noise, both */
        st_net *net = make(&c);
        st_net_raster r = {0};
        double *cur = calloc(N, sizeof *cur), *hist = calloc((size_t)N * STEPS, sizeof *hist);
        assert_non_null(cur);
        assert_non_null(hist);
        double zz[4];
        uint32_t key[2] = {(uint32_t)c.seed, (uint32_t)(c.seed >> 32)};
        if (mode == 0)
            st_net_set_drive(net, ST_NET_DRIVE_REPLACE);
        uint64_t lcg = 1;
        for (uint64_t k = 0; k < STEPS; k++) {
            for (uint32_t i = 0; i < N; i++) {
                lcg = lcg * 6364136223846793005u + 1442695040888963407u;
                /* a slow ramp with jitter: 0 to 14 (or -4 to 4 on top of the noise) */
                double jitter = (double)(lcg >> 40) * 0x1p-24 * 4 - 2;
                cur[i] = mode == 0 ? 14.0 * (double)k / STEPS + jitter
                                   : 8.0 * (double)k / STEPS - 4.0;
                st_net_normals(k, i / 4, i / 4 + 1, key, zz);
                double noise = (i < 800 ? 5.0 : 2.0) * zz[i % 4];
                hist[k * N + i] = mode == 0 ? cur[i] : mode == 1 ? noise : noise + cur[i];
            }
            if (mode != 1)
                assert_int_equal(st_net_set_input(net, 0, N, cur, NULL), ST_OK);
            run(net, 1, &r);
        }
        size_t total = 0;
        double *I = malloc(STEPS * sizeof *I);
        uint64_t *want = malloc(STEPS * sizeof *want), *got = malloc(STEPS * sizeof *got);
        assert_non_null(I);
        for (uint32_t i = 0; i < N; i++) {
            st_izh_params p;
            double v, u;
            assert_true(st_net_neuron(net, i, &p, &v, &u));
            for (size_t k = 0; k < STEPS; k++)
                I[k] = hist[k * N + i];
            st_izh_state s;
            st_izh_reset(&s, -65.0, p.b * -65.0);
            st_spikes sp = {.step = want, .cap = STEPS};
            st_izh_process(&s, &p, ST_INT_IZH2003, 1.0, I, NULL, NULL, STEPS, &sp);
            size_t n = stamps_of(&r, i, got, STEPS);
            assert_int_equal(n, sp.count);
            for (size_t j = 0; j < n; j++)
                assert_int_equal(got[j], want[j]);
            assert_true(v == s.v_mv && u == s.u);
            total += n;
        }
        assert_true(total > 1000); /* the comparison covered many spikes */
        free(I);
        free(want);
        free(got);
        free(cur);
        free(hist);
        st_net_raster_free(&r);
        st_net_free(net);
    }
}

/* ---- delays --------------------------------------------------------------------------------- */

/* A chain 0 -> 1 -> 2 -> 3 -> 4 with delays 1, 3, 7 and 20 ms and weights that make each
 * neuron fire in the step a spike reaches it: a spike stamped s with delay D arrives in step
 * s + D - 1, so each link adds exactly D to the stamp. Also with the neurons split over three
 * threads. */
static void test_network_chain_delays(void **state)
{
    (void)state;
    const uint32_t delay[4] = {1, 3, 7, 20};
    for (int threads = 1; threads <= 3; threads += 2) {
        st_net_config c = singles(5);
        c.threads = threads;
        for (uint32_t i = 0; i < 4; i++)
            c.proj[i] = (st_net_proj){.pre = i, .post = i + 1, .rule = ST_NET_DENSE,
                                      .w = 1000.0, .delay_min = delay[i],
                                      .delay_max = delay[i]};
        c.n_projs = 4;
        st_net *net = make(&c);
        st_net_set_drive(net, ST_NET_DRIVE_REPLACE);
        st_net_raster r = {0};
        run(net, 10, &r);
        assert_int_equal(r.count, 0);
        drive_one(net, 5, 0, 1000.0); /* step 10: neuron 0 fires, stamp 11 */
        run(net, 1, &r);
        drive_one(net, 5, 0, 0.0);
        run(net, 60, &r);
        uint64_t expect = 11;
        for (uint32_t i = 0; i < 5; i++) {
            uint64_t t[4];
            assert_int_equal(stamps_of(&r, i, t, 4), 1);
            assert_int_equal(t[0], expect);
            if (i < 4)
                expect += delay[i];
        }
        st_net_raster_free(&r);
        st_net_free(net);
    }
}

/* ---- STDP ----------------------------------------------------------------------------------- */

typedef struct one_syn {
    st_net_synapse s;
    int n;
} one_syn;

static void keep(void *ud, const st_net_synapse *s)
{
    one_syn *o = ud;
    o->s = *s;
    o->n++;
}

static st_net_synapse the_synapse(const st_net *net)
{
    one_syn o = {.n = 0};
    st_net_foreach_synapse(net, keep, &o);
    assert_int_equal(o.n, 1);
    return o.s;
}

/* Fires the presynaptic neuron with stamp tpre and the postsynaptic one with tpost (a strong
 * current for one step) across one plastic synapse of delay D and weight 1. */
static st_net *pair(uint64_t tpre, uint64_t tpost, uint32_t D)
{
    st_net_config c = singles(2);
    c.proj[0] = (st_net_proj){.pre = 0, .post = 1, .rule = ST_NET_DENSE, .w = 1.0,
                              .delay_min = D, .delay_max = D, .plastic = true};
    c.n_projs = 1;
    st_net *net = make(&c);
    st_net_set_drive(net, ST_NET_DRIVE_REPLACE);
    uint64_t first = tpre < tpost ? tpre : tpost, second = tpre < tpost ? tpost : tpre;
    uint32_t a = tpre < tpost ? 0 : 1;
    run(net, first - 1, NULL);
    drive_one(net, 2, a, 1000.0);
    run(net, 1, NULL);
    drive_one(net, 2, a, 0.0);
    run(net, second - first - 1, NULL);
    drive_one(net, 2, 1 - a, 1000.0);
    run(net, 1, NULL);
    drive_one(net, 2, 1 - a, 0.0);
    st_net_info in;
    st_net_get_info(net, &in);
    assert_int_equal(in.spikes, 2);
    return net;
}

/* The 2006 rule: the pre spike (stamp 100, delay 5) reaches the synapse at stamp 105; a post
 * spike at 112 potentiates by A+ 0.95^(112 - 105). A post spike at 100 followed by a pre spike
 * at 103 (delay 5, arriving in step 107) depresses by A- 0.95^(107 - 100). After the first
 * second: w = w0 + 0.01 + sd, and sd is multiplied by 0.9. */
static void test_network_stdp_pair(void **state)
{
    (void)state;
    const double Ap = 0.1, Am = 0.12;
    st_net *net = pair(100, 112, 5);
    st_net_synapse s = the_synapse(net);
    double sd = Ap * pow(0.95, 7);
    assert_close(s.sd, sd, 1e-7, 1e-5);
    assert_close(s.w, 1.0, 0, 0);
    run(net, 1000 - 112, NULL); /* the weights change after step 999 */
    s = the_synapse(net);
    assert_close(s.w, 1.0 + 0.01 + sd, 1e-6, 0);
    assert_close(s.sd, 0.9 * sd, 1e-7, 1e-5);
    st_net_free(net);

    net = pair(103, 100, 5);
    run(net, 3, NULL); /* steps 103 .. 105: the spike is still on its way */
    assert_close(the_synapse(net).sd, 0.0, 0, 0);
    run(net, 2, NULL); /* step 107 */
    s = the_synapse(net);
    assert_close(s.sd, -Am * pow(0.95, 7), 1e-7, 1e-5);
    st_net_free(net);

    /* simultaneous arrival and post spike: the arrival counts (0.95^0) */
    net = pair(100, 105, 5);
    assert_close(the_synapse(net).sd, Ap, 1e-7, 1e-5);
    st_net_free(net);

    /* the cap: a weight of 9.99 raised by 0.5 after one second is clipped to 10 */
    st_net_config c = singles(2);
    c.stdp.bias = 0.5;
    c.proj[0] = (st_net_proj){.pre = 0, .post = 1, .rule = ST_NET_DENSE, .w = 9.99,
                              .delay_min = 1, .delay_max = 1, .plastic = true};
    c.n_projs = 1;
    net = make(&c);
    run(net, 1000, NULL);
    assert_close(the_synapse(net).w, 10.0, 0, 0);
    st_net_free(net);
}

/* spnet's own bookkeeping, transcribed: a float trace per neuron (LTP of the presynaptic one,
 * indexed by time + D; LTD of the postsynaptic one), set at a spike and multiplied by 0.95 each
 * step; a post spike at t adds the pre trace at t - D, an arrival (step t_pre + D - 1)
 * subtracts the post trace; each second w += 0.01 + sd, sd *= 0.9, w clipped to [0, 10]. */
typedef struct spnet_pair {
    float ltp[4000], ltd, sd, w;
} spnet_pair;

static void spnet_step(spnet_pair *r, int t, int D, bool pre, bool post, const bool *pre_at)
{
    if (t > 0 && t % 1000 == 0) {
        r->w = (float)(r->w + (0.01 + r->sd));
        r->sd = (float)(r->sd * 0.9);
        r->w = r->w > 10.0f ? 10.0f : r->w < 0.0f ? 0.0f : r->w;
    }
    if (pre)
        r->ltp[t + D] = 0.1f;
    if (post) {
        r->ltd = 0.12f;
        r->sd += r->ltp[t + D - D];
    }
    if (t - (D - 1) >= 0 && pre_at[t - (D - 1)])
        r->sd -= r->ltd;
    r->ltp[t + D + 1] = (float)(0.95 * r->ltp[t + D]);
    r->ltd = (float)(r->ltd * 0.95);
}

/* Random spike trains forced on the two ends of one plastic synapse (delays 1, 4 and 20 ms,
 * 2.5 s, across two weight updates): sd and w follow spnet's bookkeeping step by step. */
static void test_network_stdp_matches_spnet(void **state)
{
    (void)state;
    enum { T = 2500 };
    const int delays[3] = {1, 4, 20};
    for (int q = 0; q < 3; q++) {
        int D = delays[q];
        st_net_config c = singles(2);
        for (int i = 0; i < 2; i++) { /* fast spiking: u recovers between forced spikes */
            c.pop[i].a = 0.1;
            c.pop[i].d = 2;
        }
        c.proj[0] = (st_net_proj){.pre = 0, .post = 1, .rule = ST_NET_DENSE, .w = 0.5,
                                  .delay_min = (uint32_t)D, .delay_max = (uint32_t)D,
                                  .plastic = true};
        c.n_projs = 1;
        st_net *net = make(&c);
        st_net_set_drive(net, ST_NET_DRIVE_REPLACE);
        static bool pre_at[T + 1], post_at[T + 1];
        memset(pre_at, 0, sizeof pre_at);
        memset(post_at, 0, sizeof post_at);
        st_net_raster r = {0};
        uint64_t lcg = 99 + (uint64_t)D;
        for (int k = 0; k < T; k++) { /* a spike of each with probability 1/20 per ms */
            double I[2];
            for (int i = 0; i < 2; i++) {
                lcg = lcg * 6364136223846793005u + 1442695040888963407u;
                I[i] = (lcg >> 33) % 20 == 0 ? 200.0 : 0.0;
            }
            pre_at[k + 1] = I[0] > 0;
            post_at[k + 1] = I[1] > 0;
            assert_int_equal(st_net_set_input(net, 0, 2, I, NULL), ST_OK);
            run(net, 1, &r);
        }
        size_t n0 = 0, n1 = 0; /* each neuron fired exactly when driven */
        for (size_t i = 0; i < r.count; i++) {
            assert_true(r.id[i] == 0 ? pre_at[r.stamp[i]] : post_at[r.stamp[i]]);
            n0 += r.id[i] == 0;
            n1 += r.id[i] == 1;
        }
        size_t want0 = 0, want1 = 0;
        for (int t = 0; t <= T; t++) {
            want0 += pre_at[t];
            want1 += post_at[t];
        }
        assert_int_equal(n0, want0);
        assert_int_equal(n1, want1);
        spnet_pair *ref = calloc(1, sizeof *ref);
        assert_non_null(ref);
        ref->w = 0.5f;
        for (int t = 0; t < T; t++) /* stamp t is spnet's time t */
            spnet_step(ref, t, D, pre_at[t], post_at[t], pre_at);
        st_net_synapse y = the_synapse(net);
        assert_close(y.sd, ref->sd, 1e-5, 0);
        assert_close(y.w, ref->w, 1e-5, 0);
        assert_true(fabs(ref->sd) > 0.05 && ref->w != 0.5f); /* the rule did act */
        free(ref);
        st_net_raster_free(&r);
        st_net_free(net);
    }
}

/* ---- generators ------------------------------------------------------------------------ */

typedef struct census {
    uint32_t n;
    uint32_t *out, *in;   /* degrees */
    uint8_t *seen;        /* n x n: each pair at most once */
    uint32_t dup, self;
    double w1, w2, wmin, wmax;
    uint64_t count;
    uint32_t *delays;     /* out-synapses of source 0 per delay */
    uint32_t into_inh;    /* synapses from the last fifth onto the last fifth */
} census;

static void count_syn(void *ud, const st_net_synapse *s)
{
    census *c = ud;
    c->out[s->pre]++;
    c->in[s->post]++;
    uint8_t *x = &c->seen[(size_t)s->pre * c->n + s->post];
    c->dup += *x;
    *x = 1;
    c->self += s->pre == s->post;
    c->w1 += s->w;
    c->w2 += (double)s->w * s->w;
    c->wmin = fmin(c->wmin, s->w);
    c->wmax = fmax(c->wmax, s->w);
    c->count++;
    if (s->pre == 0 && s->delay < 32)
        c->delays[s->delay]++;
    c->into_inh += s->pre >= c->n - c->n / 5 && s->post >= c->n - c->n / 5;
}

static census take_census(const st_net *net, uint32_t n)
{
    census c = {.n = n, .wmin = INFINITY, .wmax = -INFINITY};
    c.out = calloc(n, sizeof *c.out);
    c.in = calloc(n, sizeof *c.in);
    c.seen = calloc((size_t)n * n, 1);
    c.delays = calloc(32, sizeof *c.delays);
    assert_true(c.out && c.in && c.seen && c.delays);
    st_net_foreach_synapse(net, count_syn, &c);
    return c;
}

static void free_census(census *c)
{
    free(c->out);
    free(c->in);
    free(c->seen);
    free(c->delays);
}

static st_net_config one_pop(uint32_t n, st_net_proj pj)
{
    st_net_config c = singles(1);
    c.pop[0].n = n;
    c.proj[0] = pj;
    c.n_projs = 1;
    return c;
}

/* Dense: every pair once (with or without the self-connections); fixed out-degree K: exactly K
 * distinct targets per source, in-degrees Binomial(N - 1, K/(N - 1)) in mean and variance;
 * fixed probability p: Binomial counts; uniform weights w U[0, 1): mean w/2, variance w^2/12. */
static void test_network_generators(void **state)
{
    (void)state;
    st_net_proj dense = {.rule = ST_NET_DENSE, .autapses = true, .w = 0.5, .w_uniform = true,
                         .delay_min = 1, .delay_max = 1};
    st_net_config c = one_pop(300, dense);
    st_net *net = make(&c);
    census s = take_census(net, 300);
    assert_int_equal(s.count, 300 * 300);
    assert_int_equal(s.dup, 0);
    assert_int_equal(s.self, 300);
    for (uint32_t i = 0; i < 300; i++)
        assert_true(s.out[i] == 300 && s.in[i] == 300);
    double n = (double)s.count, mean = s.w1 / n, var = s.w2 / n - mean * mean;
    assert_close(mean, 0.25, 5 * sqrt(0.5 * 0.5 / 12 / n), 0);
    assert_close(var, 0.5 * 0.5 / 12, 0.002, 0);
    assert_true(s.wmin >= 0.0 && s.wmax < 0.5);
    free_census(&s);
    st_net_free(net);

    dense.autapses = false;
    c = one_pop(300, dense);
    net = make(&c);
    s = take_census(net, 300);
    assert_int_equal(s.count, 300 * 299);
    assert_int_equal(s.self, 0);
    free_census(&s);
    st_net_free(net);

    enum { N = 1000, K = 100 };
    st_net_proj fixed = {.rule = ST_NET_FIXED_OUTDEGREE, .k = K, .w = -5.0, .delay_min = 1,
                         .delay_max = 20};
    c = one_pop(N, fixed);
    net = make(&c);
    s = take_census(net, N);
    assert_int_equal(s.count, (uint64_t)N * K);
    assert_int_equal(s.dup, 0);
    assert_int_equal(s.self, 0);
    double m1 = 0, m2 = 0;
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(s.out[i], K);
        m1 += s.in[i];
        m2 += (double)s.in[i] * s.in[i];
    }
    double p = (double)K / (N - 1), vin = m2 / N - (m1 / N) * (m1 / N);
    assert_close(m1 / N, K, 1e-9, 0);
    assert_close(vin, (N - 1) * p * (1 - p), 0, 0.2);
    assert_true(s.wmin == -5.0 && s.wmax == -5.0);
    for (uint32_t d = 1; d <= 20; d++) /* spnet's equal shares: 5 synapses of each delay */
        assert_int_equal(s.delays[d], K / 20);
    free_census(&s);
    st_net_free(net);

    st_net_proj prob = {.rule = ST_NET_FIXED_PROB, .p = 0.05, .autapses = true, .w = 1.0,
                        .delay_min = 2, .delay_max = 2};
    c = one_pop(N, prob);
    net = make(&c);
    s = take_census(net, N);
    double mu = (double)N * N * 0.05, sd = sqrt(mu * 0.95);
    assert_close((double)s.count, mu, 5 * sd, 0);
    assert_int_equal(s.dup, 0);
    m1 = m2 = 0;
    for (uint32_t i = 0; i < N; i++) {
        m1 += s.out[i];
        m2 += (double)s.out[i] * s.out[i];
    }
    assert_close(m2 / N - (m1 / N) * (m1 / N), N * 0.05 * 0.95, 0, 0.2);
    st_net_info in;
    st_net_get_info(net, &in);
    assert_int_equal(in.delay_min, 2);
    assert_int_equal(in.synapses, s.count);
    free_census(&s);
    st_net_free(net);
}

/* The presets: izh2006's inhibitory neurons reach only excitatory ones, 100 distinct targets
 * each, no neuron reaches itself; izh2003 at 1000 neurons is all-to-all, beyond it K = 1000
 * with weights scaled by 1000/K. */
static void test_network_presets(void **state)
{
    (void)state;
    st_net_config c;
    assert_int_equal(st_net_preset("izh2006", 1000, 0, &c, NULL), ST_OK);
    st_net *net = make(&c);
    census s = take_census(net, 1000);
    assert_int_equal(s.count, 100000);
    assert_int_equal(s.dup, 0);
    assert_int_equal(s.self, 0);
    assert_int_equal(s.into_inh, 0);
    for (uint32_t i = 0; i < 1000; i++)
        assert_int_equal(s.out[i], 100);
    st_net_info in;
    st_net_get_info(net, &in);
    assert_int_equal(in.synapses_plastic, 80000);
    assert_int_equal(in.delay_max, 20);
    free_census(&s);
    st_net_free(net);

    assert_int_equal(st_net_preset("izh2003", 1000, 0, &c, NULL), ST_OK);
    assert_int_equal(c.proj[0].rule, ST_NET_DENSE);
    assert_close(c.proj[0].w, 0.5, 0, 0);
    assert_int_equal(st_net_preset("izh2003", 4000, 0, &c, NULL), ST_OK);
    assert_int_equal(c.proj[0].rule, ST_NET_FIXED_OUTDEGREE);
    assert_int_equal(c.proj[0].k, 1000);
    assert_int_equal(st_net_preset("izh2003", 4000, 250, &c, NULL), ST_OK);
    assert_close(c.proj[0].w, 0.5 * 4, 1e-12, 0);
    assert_close(c.proj[1].w, -1.0 * 4, 1e-12, 0);
    assert_int_equal(c.pop[0].n + c.pop[1].n, 4000);
    assert_int_equal(c.pop[1].n, 800);
}

/* ---- determinism -------------------------------------------------------------------------- */

/* Weights by (pre, post) of a 1000-neuron network; NAN where there is no synapse. */
typedef struct weights {
    float *w;
    size_t n;
} weights;

static void keep_w(void *ud, const st_net_synapse *s)
{
    weights *k = ud;
    k->w[(size_t)s->pre * 1000 + s->post] = s->w;
    k->n++;
}

static weights weight_matrix(void)
{
    weights k = {.w = malloc(1000 * 1000 * sizeof(float)), .n = 0};
    assert_non_null(k.w);
    for (size_t i = 0; i < 1000 * 1000; i++)
        k.w[i] = NAN;
    return k;
}

/* izh2003 (noise, dense) and izh2006 (delays, STDP across a weight update), on 1, 2 and 3
 * threads and run in one piece or several: the same spikes, state and weights, bit for bit. */
static void test_network_threads_identical(void **state)
{
    (void)state;
    const char *nets[2] = {"izh2003", "izh2006"};
    const uint64_t steps[2] = {400, 1300};
    for (int which = 0; which < 2; which++) {
        st_net_raster ref = {0};
        weights wref = weight_matrix();
        for (int threads = 1; threads <= 3; threads++) {
            st_net_config c;
            assert_int_equal(st_net_preset(nets[which], 1000, 0, &c, NULL), ST_OK);
            c.threads = threads;
            c.seed = 4242;
            st_net *net = make(&c);
            st_net_raster r = {0};
            if (threads == 2) { /* in uneven pieces */
                run(net, 1, &r);
                run(net, 377, &r);
                run(net, steps[which] - 378, &r);
            } else {
                run(net, steps[which], &r);
            }
            weights w = weight_matrix();
            if (which == 1)
                st_net_foreach_synapse(net, keep_w, &w);
            if (threads == 1) {
                ref = r;
                memcpy(wref.w, w.w, 1000 * 1000 * sizeof(float));
                wref.n = w.n;
                assert_true(r.count > 1000);
            } else {
                assert_int_equal(r.count, ref.count);
                assert_memory_equal(r.stamp, ref.stamp, r.count * sizeof *r.stamp);
                assert_memory_equal(r.id, ref.id, r.count * sizeof *r.id);
                assert_int_equal(w.n, wref.n);
                assert_memory_equal(w.w, wref.w, 1000 * 1000 * sizeof(float));
                st_net_raster_free(&r);
            }
            free(w.w);
            st_net_free(net);
        }
        st_net_raster_free(&ref);
        free(wref.w);
    }
}

/* ---- the 2003 network --------------------------------------------------------------------- */

/* net.m at 1000 neurons, five seeds of 4 s: every seed fires at 6 to 9 Hz, and in at least
 * four of five the rate's spectrum has, among its three strongest peaks, one in the alpha
 * band (6-10 Hz) and one in the gamma band (25-45 Hz), each at least 3 times the spectrum's
 * median: the rhythms of the paper's figure (about 8 and 30-40 Hz). The same for the network
 * with its cells in the 2007 form (st_net_use_model "izh2007"): a change of variables, run by
 * the 2007 form's own step, that must keep the paper's behaviour. */
static void izh2003_rhythms(int form)
{
    enum { SEEDS = 5, STEPS = 4000 };
    int alpha = 0, gamma = 0;
    double mean_rate = 0;
    double *rate = malloc(STEPS * sizeof *rate);
    assert_non_null(rate);
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        st_net_config c;
        assert_int_equal(st_net_preset("izh2003", 1000, 0, &c, NULL), ST_OK);
        assert_int_equal(st_net_use_model(&c, form ? "izh2007" : "izhikevich", NULL), ST_OK);
        c.seed = seed * 7919;
        st_net *net = make(&c);
        st_net_raster r = {0};
        run(net, STEPS, &r);
        st_net_rate(&r, 0, 1000, 1.0, STEPS, rate);
        double hz = (double)r.count / 1000 / (STEPS / 1000.0);
        assert_true(hz >= 6.0 && hz <= 9.0);
        mean_rate += hz / SEEDS;
        st_net_psd p;
        assert_int_equal(st_net_psd_welch(rate, STEPS, 1.0, 0, &p, NULL), ST_OK);
        st_net_peak pk[3];
        size_t np = st_net_psd_peaks(&p, 2.0, 100.0, pk, 3);
        bool a = false, g = false;
        for (size_t i = 0; i < np; i++) {
            a |= pk[i].freq_hz >= 6.0 && pk[i].freq_hz <= 10.0 && pk[i].prominence >= 3.0;
            g |= pk[i].freq_hz >= 25.0 && pk[i].freq_hz <= 45.0 && pk[i].prominence >= 3.0;
        }
        alpha += a;
        gamma += g;
        st_net_psd_free(&p);
        st_net_raster_free(&r);
        st_net_free(net);
    }
    print_message("izh2003 (%s form): mean rate %.2f Hz; alpha in %d, gamma in %d of %d "
                  "seeds\n", form ? "2007" : "2003", mean_rate, alpha, gamma, SEEDS);
    assert_true(alpha >= 4);
    assert_true(gamma >= 4);
    free(rate);
}

static void test_network_izh2003_rhythms(void **state)
{
    (void)state;
    izh2003_rhythms(0);
    izh2003_rhythms(1);
}

/* spnet at 1000 neurons for a simulated minute, two seeds: from all excitatory weights at 6,
 * STDP drives them apart: at least 30 % end within 1 of the cap (10) and at least 5 % within 1
 * of 0, while fewer than 40 % stay in the middle (3 to 7); inhibitory neurons fire faster than
 * excitatory ones; and the rate's spectrum over the last 30 s has a gamma peak (25-45 Hz) at
 * least 3 times its median. */
static void test_network_izh2006_minute(void **state)
{
    (void)state;
    enum { STEPS = 60000, LAST = 30000 };
    double *rate = malloc(STEPS * sizeof *rate);
    assert_non_null(rate);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        st_net_config c;
        assert_int_equal(st_net_preset("izh2006", 1000, 0, &c, NULL), ST_OK);
        c.seed = seed;
        st_net *net = make(&c);
        st_net_raster r = {0};
        run(net, STEPS, &r);
        double h[10];
        assert_int_equal(st_net_weight_histogram(net, 0, 10, 10, h, NULL), ST_OK);
        double total = 0, middle = h[3] + h[4] + h[5] + h[6];
        for (int k = 0; k < 10; k++)
            total += h[k];
        assert_close(total, 80000, 0, 0);
        print_message("izh2006 seed %llu: weights below 1 %.1f %%, above 9 %.1f %%, 3-7 %.1f %%\n",
                      (unsigned long long)seed, 100 * h[0] / total, 100 * h[9] / total,
                      100 * middle / total);
        assert_true(h[9] >= 0.30 * total);
        assert_true(h[0] >= 0.05 * total);
        assert_true(middle < 0.40 * total);
        st_net_info in;
        st_net_get_info(net, &in);
        assert_true((double)in.spikes_inh / in.neurons_inh >
                    (double)in.spikes_exc / in.neurons_exc);
        st_net_rate(&r, 0, 1000, 1.0, STEPS, rate);
        st_net_psd p;
        assert_int_equal(st_net_psd_welch(rate + STEPS - LAST, LAST, 1.0, 0, &p, NULL), ST_OK);
        st_net_peak pk;
        assert_int_equal(st_net_psd_peaks(&p, 25, 45, &pk, 1), 1);
        assert_true(pk.prominence >= 3.0);
        st_net_psd_free(&p);
        st_net_raster_free(&r);
        st_net_free(net);
    }
    free(rate);
}

/* ---- the spectrum and the sound -------------------------------------------------------------- */

/* A 25 Hz sine of amplitude 2 plus a small deterministic ripple: the spectrum peaks at 25 Hz
 * (within a bin) and its integral is the variance (Parseval), within 2 %. */
static void test_network_psd(void **state)
{
    (void)state;
    enum { N = 8192 };
    double *x = malloc(N * sizeof *x), var = 0, mean = 0;
    assert_non_null(x);
    for (size_t i = 0; i < N; i++) {
        x[i] = 3.0 + 2.0 * sin(2 * PI * 25.0 * (double)i / 1000.0) +
               0.3 * sin(2 * PI * 140.0 * (double)i / 1000.0 + 0.7);
        mean += x[i] / N;
    }
    for (size_t i = 0; i < N; i++)
        var += (x[i] - mean) * (x[i] - mean) / N;
    st_net_psd p;
    assert_int_equal(st_net_psd_welch(x, N, 1.0, 0, &p, NULL), ST_OK);
    assert_int_equal(p.segment, 512);
    assert_close(p.df_hz, 1000.0 / 512, 1e-12, 0);
    double total = 0;
    for (size_t k = 0; k < p.n; k++)
        total += p.power[k] * p.df_hz;
    assert_close(total, var, 0, 0.02);
    st_net_peak pk[2];
    assert_int_equal(st_net_psd_peaks(&p, 1, 400, pk, 2), 2);
    assert_close(pk[0].freq_hz, 25.0, p.df_hz, 0);
    assert_close(pk[1].freq_hz, 140.0, p.df_hz, 0);
    assert_true(pk[0].prominence > 100);
    st_net_psd_free(&p);
    st_error err = {0};
    assert_int_equal(st_net_psd_welch(x, 20, 1.0, 0, &p, &err), ST_ERR_INVAL);
    free(x);
}

/* One spike of the lowest neuron at 100 ms sounds as a 200 Hz burst starting at 0.1 s (4.41 k
 * samples at 44.1 kHz) and lasting 5 ms, peak 0.5; nothing else is heard. No spikes: silence. */
static void test_network_sound(void **state)
{
    (void)state;
    st_net_raster r = {0};
    uint32_t id = 0;
    float *y;
    size_t n;
    assert_int_equal(st_net_sonify(&r, 100, 1.0, 1000, 44100, &y, &n, NULL), ST_OK);
    assert_int_equal(n, 44100);
    for (size_t i = 0; i < n; i++)
        assert_true(y[i] == 0.0f);
    st_free(y);
    assert_int_equal(st_net_raster_add(&r, 100, &id, 1), ST_OK);
    assert_int_equal(st_net_sonify(&r, 100, 1.0, 1000, 44100, &y, &n, NULL), ST_OK);
    double peak = 0;
    size_t first = n, last = 0, crossings = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0.0f) {
            first = i < first ? i : first;
            last = i;
        }
        peak = fmax(peak, fabs(y[i]));
        if (i && (y[i - 1] < 0) != (y[i] < 0) && y[i] != 0.0f && y[i - 1] != 0.0f)
            crossings++;
    }
    assert_close(peak, 0.5, 1e-6, 0);
    assert_true(first == 4410 || first == 4411); /* the sine starts at 0 */
    assert_close((double)(last - first), 0.005 * 44100, 2, 0);
    assert_close((double)crossings, 2 * 200 * 0.005, 1, 0); /* 200 Hz for 5 ms */
    st_free(y);
    st_net_raster_free(&r);
    assert_int_equal(st_net_sonify(&r, 100, 1.0, 1000, 100, &y, &n, NULL), ST_ERR_INVAL);
}

/* ---- bad input, faults, memory ---------------------------------------------------------- */

static void test_network_bad_input(void **state)
{
    (void)state;
    st_error err = {0};
    st_net_config c;
    assert_int_equal(st_net_preset("izh2005", 0, 0, &c, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "izh2003, izh2006"));
    assert_int_equal(st_net_preset("izh2003", 4, 0, &c, &err), ST_ERR_INVAL);
    assert_int_equal(st_net_preset("izh2003", 100, 101, &c, &err), ST_ERR_INVAL);
    assert_int_equal(st_net_preset("izh2006", 100, 81, &c, &err), ST_ERR_INVAL);
    assert_int_equal(st_net_preset("izh2003", 1000, 0, &c, NULL), ST_OK);
    st_net_config b = c;
    b.proj[0].delay_min = 0;
    expect_bad(&b, "delays");
    b = c;
    b.proj[0].rule = ST_NET_FIXED_OUTDEGREE;
    b.proj[0].k = 1001;
    expect_bad(&b, "out-degree 1001");
    b = c;
    b.dt_ms = 0;
    expect_bad(&b, "dt");
    b = c;
    b.pop[1].noise_sd = -1;
    expect_bad(&b, "noise_sd");
    b = c;
    b.threads = 0;
    expect_bad(&b, "--threads");
    b = c;
    b.proj[0].plastic = true;
    b.proj[0].w = -1;
    expect_bad(&b, "plastic");
    st_net *net = make(&c);
    double I = 1.0;
    assert_int_equal(st_net_set_input(net, 1000, 1, &I, &err), ST_ERR_INVAL);
    I = NAN;
    assert_int_equal(st_net_set_input(net, 3, 1, &I, &err), ST_ERR_INVAL);
    st_net_free(net);
}

/* A current that drives v out of the doubles: ST_ERR_NUMERIC naming the neuron and the time,
 * and the network refuses to run on. */
static void test_network_fault(void **state)
{
    (void)state;
    st_net_config c = singles(3);
    st_net *net = make(&c);
    st_net_set_drive(net, ST_NET_DRIVE_REPLACE);
    run(net, 5, NULL);
    drive_one(net, 3, 2, 1e300);
    st_error err = {0};
    assert_int_equal(st_net_run(net, 10, NULL, NULL, &err), ST_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "neuron 2"));
    assert_non_null(strstr(err.msg, "t = 6 ms"));
    assert_int_equal(st_net_run(net, 1, NULL, NULL, &err), ST_ERR_NUMERIC);
    st_net_free(net);
}

/* The same fault on 1, 2 and 3 threads (one partition each, the direct run's meeting per
 * interval): the earliest fault of any partition is reported, a tie going to the lower id, the
 * spikes before it are delivered alike, and every thread stops (no thread is left waiting). */
static void test_network_fault_threads(void **state)
{
    (void)state;
    for (int t = 1; t <= 3; t++) {
        for (int which = 0; which < 2; which++) {
            st_net_config c = singles(6);
            c.threads = t;
            st_net *net = make(&c);
            st_net_set_drive(net, ST_NET_DRIVE_REPLACE);
            double cur[6] = {0, 0, 0, 0, 20, 0}; /* neuron 4 fires on the way */
            assert_int_equal(st_net_set_input(net, 0, 6, cur, NULL), ST_OK);
            st_net_raster r = {0};
            run(net, 40, &r);
            size_t before = r.count;
            assert_true(before > 0);
            cur[4] = 1e300;
            if (which)
                cur[1] = 1e300; /* the same step in partition 0 (t = 3: neurons 0-1) */
            assert_int_equal(st_net_set_input(net, 0, 6, cur, NULL), ST_OK);
            st_error err = {0};
            assert_int_equal(st_net_run(net, 10, record, &r, &err), ST_ERR_NUMERIC);
            assert_non_null(strstr(err.msg, which ? "neuron 1 " : "neuron 4 "));
            assert_non_null(strstr(err.msg, "t = 41 ms"));
            assert_int_equal(r.count, before); /* nothing fired in the faulty step */
            st_net_info info;
            st_net_get_info(net, &info);
            assert_int_equal(info.step, 41);
            assert_int_equal(info.spikes, before);
            assert_int_equal(st_net_run(net, 1, NULL, NULL, &err), ST_ERR_NUMERIC);
            st_net_raster_free(&r);
            st_net_free(net);
        }
    }
}

/* The named rhythms of a spectrum with a flat floor: a peak at 8 Hz is alpha, one at 30 Hz
 * gamma, one at 18 Hz neither; a peak under the prominence is not marked. */
static void test_network_rhythms(void **state)
{
    (void)state;
    enum { N = 201 };
    double f[N], p[N];
    for (int i = 0; i < N; i++) {
        f[i] = i; /* 1 Hz apart, 0 to 200 Hz */
        p[i] = 1.0;
    }
    st_net_psd psd = {.freq_hz = f, .power = p, .n = N, .df_hz = 1.0};
    st_net_peak marks[2];
    const char *names[2];
    assert_int_equal(st_net_rhythms(&psd, marks, names), 0);
    p[8] = 5.0;
    p[18] = 9.0;
    p[30] = 1.5; /* under twice the median */
    assert_int_equal(st_net_rhythms(&psd, marks, names), 1);
    assert_string_equal(names[0], "alpha");
    assert_true(marks[0].freq_hz == 8.0);
    p[30] = 4.0;
    assert_int_equal(st_net_rhythms(&psd, marks, names), 2);
    assert_string_equal(names[1], "gamma");
    assert_true(marks[1].freq_hz == 30.0);
    psd.n = 0;
    assert_int_equal(st_net_rhythms(&psd, marks, names), 0);
}

/* st_net_record keeps every spike it is given while memory lasts; when the raster cannot grow it
 * sets 'failed', keeps exactly the spikes before and takes no more. */
static void test_network_recorder(void **state)
{
    (void)state;
    st_net_raster r = {0};
    st_net_recorder rec = {&r, false};
    uint32_t ids[5000];
    for (uint32_t i = 0; i < 5000; i++)
        ids[i] = 7 * i;
    st_net_record(&rec, 3, ids, 3000); /* 4096 places */
    st_net_record(&rec, 4, ids, 0);
    assert_false(rec.failed);
    assert_int_equal(r.count, 3000);
    int left = 0; /* the next growth fails */
    st_set_allocator(st_test_failing_alloc, &left);
    st_net_record(&rec, 5, ids, 5000);
    st_set_allocator(NULL, NULL);
    assert_true(rec.failed);
    assert_int_equal(r.count, 3000);
    st_net_record(&rec, 6, ids, 1); /* after a failure: nothing more */
    assert_int_equal(r.count, 3000);
    for (size_t i = 0; i < r.count; i++)
        assert_true(r.stamp[i] == 3 && r.id[i] == 7 * i);
    st_net_raster_free(&r);
}

/* Every allocation of st_net_create made to fail in turn: ST_ERR_NOMEM, nothing leaked
 * (AddressSanitizer checks the latter). */
static void test_network_allocation_failures(void **state)
{
    (void)state;
    st_net_config c;
    assert_int_equal(st_net_preset("izh2006", 100, 10, &c, NULL), ST_OK);
    c.threads = 2;
    for (int k = 0;; k++) {
        int left = k;
        st_set_allocator(st_test_failing_alloc, &left);
        st_net *net = NULL;
        st_error err = {0};
        st_status rc = st_net_create(&c, NULL, &net, &err);
        if (rc == ST_OK) {
            run(net, 50, NULL);
            st_net_free(net);
            st_set_allocator(NULL, NULL);
            assert_true(k > 5);
            break;
        }
        st_set_allocator(NULL, NULL);
        assert_int_equal(rc, ST_ERR_NOMEM);
        assert_null(net);
        assert_true(k < 1000);
    }
}

/* The options every front end passes as text: the defaults, the duration in whole steps, and
 * each flag's message. */
static void test_network_options(void **state)
{
    (void)state;
    st_net_config c;
    uint64_t steps;
    double ms;
    st_error err = {0};
    st_net_options o = {0};
    assert_int_equal(st_net_configure(&o, &c, &steps, &ms, &err), ST_OK);
    assert_string_equal(c.name, "izh2003");
    assert_int_equal(st_net_config_neurons(&c), 1000);
    assert_true(steps == 1000 && ms == 1000.0 && c.seed == 1 && c.threads == 1);
    o = (st_net_options){.net = "izh2006", .neurons = "2000", .duration = "2.6",
                         .seed = "18446744073709551615", .threads = "3"};
    assert_int_equal(st_net_configure(&o, &c, &steps, &ms, &err), ST_OK);
    assert_string_equal(c.name, "izh2006");
    assert_true(steps == 3 && ms == 3.0 && c.seed == UINT64_MAX && c.threads == 3);
    assert_int_equal(c.pulses, 2);
    const struct { st_net_options o; const char *msg; } bad[] = {
        {{.neurons = "4"}, "--neurons: 4 is out of range (5 to 100000000)"},
        {{.neurons = "1e3"}, "--neurons: '1e3' is not a whole number"},
        {{.synapses = "0"}, "--synapses: 0 is out of range (1 to 100000000)"},
        {{.net = "izh2005"}, "--net: unknown network 'izh2005' (choose izh2003, izh2006)"},
        {{.duration = "0.4"}, "--duration: 0.4 ms is out of range (1 to 1e+09 ms)"},
        {{.seed = "-1"}, "--seed: '-1' is not a whole number"},
        {{.threads = "1025"}, "--threads: 1025 is out of range (1 to 1024)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(st_net_configure(&bad[k].o, &c, &steps, &ms, &err), ST_ERR_INVAL);
        assert_string_equal(err.msg, bad[k].msg);
    }
}

/* The summary of a run: every neuron firing every 100 ms is a 10 Hz rhythm in the alpha band;
 * the rate holds every spike; a run too short for a spectrum has none. */
static void test_network_summary(void **state)
{
    (void)state;
    st_net_raster r = {0};
    uint32_t ids[10];
    for (uint32_t i = 0; i < 10; i++)
        ids[i] = i;
    for (uint64_t s = 100; s <= 4000; s += 100)
        assert_int_equal(st_net_raster_add(&r, s, ids, 10), ST_OK);
    st_net_summary sum;
    assert_int_equal(st_net_summarise(&r, 10, 1.0, 4000, &sum, NULL), ST_OK);
    double total = 0.0;
    for (size_t k = 0; k < 4000; k++)
        total += sum.rate_hz[k];
    assert_close(total * 1.0 / 1000.0, 40.0, 0, 1e-12); /* 40 spikes per neuron */
    assert_true(sum.psd.n > 0 && sum.n_peaks > 0);
    assert_true(fabs(sum.alpha_hz - 10.0) <= sum.psd.df_hz);
    st_net_summary_free(&sum);
    assert_null(sum.rate_hz);
    assert_int_equal(st_net_summarise(&r, 10, 1.0, 50, &sum, NULL), ST_OK);
    assert_true(sum.psd.n == 0 && sum.n_peaks == 0 && isnan(sum.alpha_hz));
    st_net_summary_free(&sum);
    st_net_raster_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_philox_known_answers),
        cmocka_unit_test(test_network_normals_are_standard),
        cmocka_unit_test(test_network_neuron_equals_single_neuron),
        cmocka_unit_test(test_network_chain_delays),
        cmocka_unit_test(test_network_stdp_pair),
        cmocka_unit_test(test_network_stdp_matches_spnet),
        cmocka_unit_test(test_network_generators),
        cmocka_unit_test(test_network_presets),
        cmocka_unit_test(test_network_threads_identical),
        cmocka_unit_test(test_network_izh2003_rhythms),
        cmocka_unit_test(test_network_izh2006_minute),
        cmocka_unit_test(test_network_psd),
        cmocka_unit_test(test_network_sound),
        cmocka_unit_test(test_network_bad_input),
        cmocka_unit_test(test_network_fault),
        cmocka_unit_test(test_network_fault_threads),
        cmocka_unit_test(test_network_recorder),
        cmocka_unit_test(test_network_rhythms),
        cmocka_unit_test(test_network_allocation_failures),
        cmocka_unit_test(test_network_options),
        cmocka_unit_test(test_network_summary),
    };
    return cmocka_run_group_tests_name("network", tests, NULL, NULL);
}
