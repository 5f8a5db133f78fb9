/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of networks whose neurons are of the other registry models: a 2007-form or HH neuron
 * without synapses against the single neuron (st_izh07_process, st_hh_process), spike for spike
 * and to the last bit of its state; a network of three models, identical for any thread count;
 * the published network carried over to another model (st_net_use_model); bad populations. */
#include <stdlib.h>
#include <string.h>

#include "net-test.h"

/* A configuration with no populations or projections yet: the izh2003 preset's globals. */
static st_net_config empty(void)
{
    st_net_config c;
    assert_int_equal(st_net_preset("izh2003", 5, 0, &c, NULL), ST_OK);
    c.n_pops = 0;
    c.n_projs = 0;
    return c;
}

/* Population q: n neurons of the 2007 form, the registry's book cell 'cell'. */
static void add_izh07(st_net_config *c, const char *cell, uint32_t n, st_integrator how,
                      uint32_t substeps, double gain)
{
    const st_preset *p = st_preset_find(st_model_get(ST_MODEL_IZH07), cell, ST_PRESET_CELL);
    assert_non_null(p);
    st_net_pop *q = &c->pop[c->n_pops++];
    *q = (st_net_pop){.n = n, .model = ST_MODEL_IZH07, .izh07 = p->params.izh07,
                      .a = p->params.izh07.a, .b = p->params.izh07.b, .c = p->params.izh07.c,
                      .d = p->params.izh07.d, .r_power = 1, .v0_mv = p->v0_mv,
                      .integrator = how, .substeps = substeps, .gain = gain};
    snprintf(q->name, sizeof q->name, "%s", cell);
}

static void add_hh(st_net_config *c, uint32_t n, double temperature, st_integrator how,
                   uint32_t substeps, double gain)
{
    st_net_pop *q = &c->pop[c->n_pops++];
    *q = (st_net_pop){.n = n, .model = ST_MODEL_HH, .hh = st_hh_params_default(),
                      .r_power = 1, .v0_mv = -65.0, .integrator = how, .substeps = substeps,
                      .gain = gain};
    q->hh.temperature_c = temperature;
    snprintf(q->name, sizeof q->name, "hh");
}

/* Substep spike indices j (1-based) as network stamps: the step that holds substep j is
 * ceil(j / S), each step counted once. Returns how many. */
static size_t to_stamps(const uint64_t *j, size_t n, uint32_t S, uint64_t *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t s = (j[i] + S - 1) / S;
        if (m == 0 || out[m - 1] != s)
            out[m++] = s;
    }
    return m;
}

/* The currents of the test: neuron i gets a ramp from 0 to top[i / per] over the run plus a
 * jitter of +-10 % of it, from an LCG seeded with 'seed'. */
static double current(uint64_t *lcg, double top, uint64_t k, uint64_t steps)
{
    *lcg = *lcg * 6364136223846793005u + 1442695040888963407u;
    double jitter = ((double)(*lcg >> 40) * 0x1p-24 - 0.5) * 0.2 * top;
    return top * (double)k / (double)steps + jitter;
}

/* Runs 'net' (its N neurons driven by their currents alone) for 'steps' steps under the ramps,
 * one step at a time, recording its spikes into 'r'. Returns the currents, hist[k N + i] for
 * neuron i in step k (the caller frees them). */
static double *run_ramps(st_net *net, uint32_t N, uint32_t per, const double *top,
                         uint64_t steps, uint64_t seed, st_net_raster *r)
{
    double *hist = malloc((size_t)N * steps * sizeof *hist);
    assert_non_null(hist);
    st_net_set_drive(net, ST_NET_DRIVE_REPLACE);
    uint64_t lcg = seed;
    for (uint64_t k = 0; k < steps; k++) {
        for (uint32_t i = 0; i < N; i++)
            hist[k * N + i] = current(&lcg, top[i / per], k, steps);
        assert_int_equal(st_net_set_input(net, 0, N, hist + k * N, NULL), ST_OK);
        run(net, 1, r);
    }
    return hist;
}

/* ---- the 2007 form ------------------------------------------------------------------------ */

/* The book's five cell types with all their rules (FS cubic nullcline; LTS peak and reset
 * shifted by u and u capped; TC and RTN with a b that switches at -65 mV; TC's vu), RS with
 * per-neuron c and d, no synapses, each under its own ramp: every neuron fires at the steps
 * where st_izh07_process, with the population's integrator at dt/substeps and each current
 * held for the substeps and times the gain, fires (each step once), and ends in the same state
 * bit for bit. Steps of 0.25 ms (the book's), twice: the network's own scheme (izh2003, one
 * substep, gain 1) and Euler in four substeps, gain 1.5. */
static void test_network_izh07_neuron_equals_single_neuron(void **state)
{
    (void)state;
    enum { PER = 8, STEPS = 1500 };
    const char *cells[5] = {"RS", "FS", "LTS", "TC", "RTN"};
    const double top[5] = {140, 200, 300, 200, 200}; /* twice the registry's step amplitude */
    for (int mode = 0; mode < 2; mode++) {
        st_integrator how = mode == 0 ? ST_INT_IZH2003 : ST_INT_EULER;
        uint32_t S = mode == 0 ? 1 : 4;
        double gain = mode == 0 ? 1.0 : 1.5;
        st_net_config c = empty();
        for (int q = 0; q < 5; q++)
            add_izh07(&c, cells[q], PER, how, S, gain);
        c.pop[0].c_r = 10.0; /* RS to chattering-like resets, as net.m varies c and d */
        c.pop[0].d_r = -50.0;
        c.pop[0].r_power = 2;
        c.seed = 5;
        c.dt_ms = 0.25; /* the book's step: FS (20 pF) needs it */
        st_net *net = make(&c);
        const uint32_t N = 5 * PER;
        st_net_raster r = {0};
        double *hist = run_ramps(net, N, PER, top, STEPS, 99, &r);
        size_t total = 0;
        double *I = malloc((size_t)S * STEPS * sizeof *I);
        uint64_t *j = malloc((size_t)S * STEPS * sizeof *j);
        uint64_t *want = malloc(STEPS * sizeof *want), *got = malloc(STEPS * sizeof *got);
        assert_non_null(I);
        assert_non_null(j);
        for (uint32_t i = 0; i < N; i++) {
            const st_net_pop *pp = &c.pop[i / PER];
            st_izh_params np;
            double y[ST_HH_NVARS];
            assert_true(st_net_neuron(net, i, &np, NULL, NULL));
            assert_true(st_net_neuron_state(net, i, y));
            st_izh07_params p = pp->izh07;
            p.a = np.a;
            p.b = np.b;
            p.c = np.c;
            p.d = np.d;
            if (i / PER != 0)
                assert_true(p.c == pp->izh07.c && p.d == pp->izh07.d); /* no variation */
            for (size_t k = 0; k < (size_t)S * STEPS; k++)
                I[k] = gain * hist[(k / S) * N + i];
            st_izh07_state s;
            double vu = isnan(p.vu_mv) ? p.vr_mv : p.vu_mv;
            st_izh_reset(&s, pp->v0_mv, p.b * (pp->v0_mv - vu));
            st_spikes sp = {.step = j, .cap = (size_t)S * STEPS};
            st_izh07_process(&s, &p, how, c.dt_ms / S, I, NULL, NULL, (size_t)S * STEPS, &sp);
            assert_false(s.fault);
            size_t m = to_stamps(j, sp.count, S, want);
            size_t n = stamps_of(&r, i, got, STEPS);
            if (n != m)
                print_error("%s neuron %u: %zu spikes, the single neuron %zu\n", cells[i / PER],
                            (unsigned)i, n, m);
            assert_int_equal(n, m);
            for (size_t q = 0; q < n; q++)
                assert_int_equal(got[q], want[q]);
            assert_true(y[ST_HH_V] == s.v_mv && y[ST_HH_M] == s.u);
            assert_true(n > 0); /* every cell type fired under its ramp */
            total += n;
        }
        print_message("izh2007 (%s, %u substeps): %zu spikes compared\n",
                      st_integrator_name(how), (unsigned)S, total);
        free(I);
        free(j);
        free(want);
        free(got);
        free(hist);
        st_net_raster_free(&r);
        st_net_free(net);
    }
}

/* ---- Hodgkin-Huxley ----------------------------------------------------------------------- */

/* HH neurons without synapses, three integrators (RK4 in 20 substeps, Rush-Larsen in 10 at
 * 18.5 degrees, Euler in 50), each under its ramp: every neuron fires in the steps whose
 * substeps hold an upward 0 mV crossing of st_hh_process's trajectory (same integrator,
 * dt/substeps, the current held and times the gain), and ends in the same v, m, h, n bit for
 * bit. Its spike count also matches st_hh_process's own interpolated spike times. */
static void test_network_hh_neuron_equals_single_neuron(void **state)
{
    (void)state;
    enum { PER = 6, STEPS = 400 };
    const st_integrator how[3] = {ST_INT_RK4, ST_INT_RUSH_LARSEN, ST_INT_EULER};
    const uint32_t sub[3] = {20, 10, 50};
    const double temp[3] = {6.3, 18.5, 6.3}, gain[3] = {1.0, 0.5, 1.0};
    st_net_config c = empty();
    for (int q = 0; q < 3; q++)
        add_hh(&c, PER, temp[q], how[q], sub[q], gain[q]);
    st_net *net = make(&c);
    const uint32_t N = 3 * PER;
    const double top[3] = {30.0, 30.0, 30.0};
    st_net_raster r = {0};
    double *hist = run_ramps(net, N, PER, top, STEPS, 7, &r);
    size_t total = 0, most = (size_t)50 * STEPS;
    double *I = malloc(most * sizeof *I), *y = malloc(most * ST_HH_NVARS * sizeof *y);
    uint64_t *j = malloc(most * sizeof *j), *want = malloc(STEPS * sizeof *want);
    uint64_t *got = malloc(STEPS * sizeof *got);
    double t_ms[STEPS];
    assert_non_null(y);
    for (uint32_t i = 0; i < N; i++) {
        int q = (int)(i / PER);
        uint32_t S = sub[q];
        size_t n_sub = (size_t)S * STEPS;
        st_hh_params p = c.pop[q].hh;
        assert_int_equal(st_hh_prepare(&p, NULL), ST_OK);
        for (size_t k = 0; k < n_sub; k++)
            I[k] = gain[q] * hist[(k / S) * N + i];
        st_hh_state s;
        st_hh_reset(&s, -65.0);
        st_hh_spikes times = {.t_ms = t_ms, .cap = STEPS};
        st_hh_process(&s, &p, how[q], 1.0 / S, I, y, n_sub, &times);
        assert_false(s.fault);
        size_t nj = 0;
        double prev = -65.0;
        for (size_t k = 0; k < n_sub; k++) {
            double v = y[k * ST_HH_NVARS + ST_HH_V];
            if (prev < 0.0 && v >= 0.0)
                j[nj++] = k + 1;
            prev = v;
        }
        assert_int_equal(nj, times.count);
        size_t m = to_stamps(j, nj, S, want);
        size_t n = stamps_of(&r, i, got, STEPS);
        assert_int_equal(n, m);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(got[k], want[k]);
        double yn[ST_HH_NVARS];
        assert_true(st_net_neuron_state(net, i, yn));
        assert_memory_equal(yn, s.y, sizeof yn);
        total += n;
    }
    print_message("hh: %zu spikes compared\n", total);
    assert_true(total > 3 * PER * 5); /* the ramps made every kind fire repeatedly */
    free(I);
    free(y);
    free(j);
    free(want);
    free(got);
    free(hist);
    st_net_raster_free(&r);
    st_net_free(net);
}

/* ---- three models in one network ---------------------------------------------------------- */

/* 2003-form, 2007-form (RS, with the per-neuron c and d of net.m's excitatory cells carried
 * over) and HH populations, connected every way with delays of 1 to 5 ms and thalamic noise in
 * each model's units: 1, 2 and 3 threads (partitions that cut across populations) give the
 * same spikes and the same final state of every neuron, bit for bit; and all three models
 * fire. */
static void test_network_models_threads_identical(void **state)
{
    (void)state;
    enum { STEPS = 300 };
    st_net_raster ref = {0};
    double ref_y[300][ST_HH_NVARS];
    for (int threads = 1; threads <= 3; threads++) {
        st_net_config c = empty();
        c.pop[0] = (st_net_pop){.n = 100, .a = 0.02, .b = 0.2, .c = -65, .d = 8, .c_r = 15,
                                .d_r = -6, .r_power = 2, .v0_mv = -65, .noise_sd = 5};
        c.n_pops = 1;
        add_izh07(&c, "RS", 100, ST_INT_EULER, 4, 100.0);
        c.pop[1].c_r = 10;
        c.pop[1].d_r = -50;
        c.pop[1].noise_sd = 5;
        add_hh(&c, 100, 6.3, ST_INT_RK4, 20, 1.0);
        c.pop[2].noise_sd = 5;
        for (uint32_t q = 0; q < 3; q++)
            c.proj[q] = (st_net_proj){.pre = q, .post = ST_NET_ALL,
                                      .rule = ST_NET_FIXED_OUTDEGREE, .k = 30, .w = 2.0,
                                      .w_uniform = true, .delay_min = 1, .delay_max = 5};
        c.n_projs = 3;
        c.threads = threads;
        c.seed = 31;
        st_net *net = make(&c);
        st_net_raster r = {0};
        run(net, STEPS, &r);
        if (threads == 1) {
            ref = r;
            size_t per[3] = {0, 0, 0};
            for (size_t i = 0; i < r.count; i++)
                per[r.id[i] / 100]++;
            print_message("three models: %zu, %zu and %zu spikes\n", per[0], per[1], per[2]);
            assert_true(per[0] > 0 && per[1] > 0 && per[2] > 0);
            for (uint32_t i = 0; i < 300; i++)
                assert_true(st_net_neuron_state(net, i, ref_y[i]));
        } else {
            assert_int_equal(r.count, ref.count);
            assert_memory_equal(r.stamp, ref.stamp, r.count * sizeof *r.stamp);
            assert_memory_equal(r.id, ref.id, r.count * sizeof *r.id);
            for (uint32_t i = 0; i < 300; i++) {
                double y[ST_HH_NVARS];
                assert_true(st_net_neuron_state(net, i, y));
                assert_memory_equal(y, ref_y[i], sizeof y);
            }
            st_net_raster_free(&r);
        }
        st_net_free(net);
    }
    st_net_raster_free(&ref);
}

/* ---- the published network in another model ---------------------------------------------- */

/* izh2007: the same cells in the book's variables, C = 1 and k (v - vr)(v - vt) = q2 v^2 +
 * q1 v + q0 at any v (to rounding), the network's scheme, gain 1; hh: NEURON's membrane, gain
 * Cm; the rest of the network unchanged. Unknown names are refused with the choices. */
static void test_network_use_model(void **state)
{
    (void)state;
    st_net_config c0, c;
    assert_int_equal(st_net_preset("izh2003", 1000, 0, &c0, NULL), ST_OK);
    c = c0;
    assert_int_equal(st_net_use_model(&c, "izhikevich", NULL), ST_OK);
    assert_memory_equal(&c, &c0, sizeof c);
    assert_int_equal(st_net_use_model(&c, "izh2007", NULL), ST_OK);
    for (size_t q = 0; q < 2; q++) {
        const st_net_pop *p = &c.pop[q], *o = &c0.pop[q];
        assert_int_equal(p->model, ST_MODEL_IZH07);
        assert_true(p->a == o->a && p->b == o->b && p->c == o->c && p->d == o->d);
        assert_true(p->a_r == o->a_r && p->b_r == o->b_r && p->c_r == o->c_r &&
                    p->d_r == o->d_r);
        assert_true(p->izh07.C_pf == 1.0 && p->gain == 1.0 && p->substeps == 1);
        assert_int_equal(p->integrator, ST_INT_IZH2003);
        for (double v = -90; v <= 30; v += 7.5) {
            double book = p->izh07.k * (v - p->izh07.vr_mv) * (v - p->izh07.vt_mv);
            assert_close(book, 0.04 * v * v + 5 * v + 140, 1e-11, 0);
        }
        assert_true(p->izh07.vu_mv == 0.0 && p->izh07.vpeak_mv == 30.0);
    }
    assert_memory_equal(c.proj, c0.proj, sizeof c.proj);
    c = c0;
    assert_int_equal(st_net_use_model(&c, "hh", NULL), ST_OK);
    for (size_t q = 0; q < 2; q++) {
        assert_int_equal(c.pop[q].model, ST_MODEL_HH);
        assert_true(c.pop[q].gain == c.pop[q].hh.cm_uf_cm2);
        assert_true(c.pop[q].noise_sd == c0.pop[q].noise_sd);
    }
    st_error err = {0};
    c = c0;
    assert_int_equal(st_net_use_model(&c, "lif", &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--model: unknown model 'lif'"));
    assert_non_null(strstr(err.msg, "izhikevich, izh2007 or hh"));
}

/* ---- bad populations ---------------------------------------------------------------------- */

static void test_network_models_bad_input(void **state)
{
    (void)state;
    st_net_config c = empty();
    add_izh07(&c, "RS", 5, ST_INT_EULER, 4, 1.0);
    add_hh(&c, 5, 6.3, ST_INT_RK4, 20, 1.0);
    st_net_free(make(&c));
    st_net_config b = c;
    b.pop[0].gain = 0;
    expect_bad(&b, "gain");
    b = c;
    b.pop[1].gain = NAN;
    expect_bad(&b, "gain");
    b = c;
    b.pop[0].substeps = 0;
    expect_bad(&b, "substeps");
    b = c;
    b.pop[1].substeps = ST_NET_MAX_SUBSTEPS + 1;
    expect_bad(&b, "substeps");
    b = c;
    b.pop[1].integrator = ST_INT_SYMPLECTIC;
    expect_bad(&b, "does not offer integrator symplectic");
    b = c;
    b.pop[0].integrator = ST_INT_RUSH_LARSEN;
    expect_bad(&b, "does not offer integrator rush-larsen");
    b = c;
    b.pop[0].c_r = 100; /* c = -50 + 100 r reaches past vpeak = 35 */
    expect_bad(&b, "population 0 (r = 1)");
    b = c;
    b.pop[1].hh.temperature_c = 100;
    expect_bad(&b, "--temperature");
    b = c;
    b.pop[0].model = (st_model_id)7;
    expect_bad(&b, "unknown neuron model");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_izh07_neuron_equals_single_neuron),
        cmocka_unit_test(test_network_hh_neuron_equals_single_neuron),
        cmocka_unit_test(test_network_models_threads_identical),
        cmocka_unit_test(test_network_use_model),
        cmocka_unit_test(test_network_models_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
