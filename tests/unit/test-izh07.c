/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the 2007 book form: the book's RS example, and each cell type's special rule. */
#include <string.h>

#include "st-test.h"
#include "spiketalk/spiketalk.h"

static const st_model *m07(void)
{
    return st_model_get(ST_MODEL_IZH07);
}

/* The book's listing (p. 287): forward Euler with tau = 1 ms over n = 1000 samples, I = 70 pA
 * from sample 101 (1-based), spike when v(i+1) >= vpeak. Transcribed 0-based. */
static size_t book_rs(uint64_t *stamps)
{
    double C = 100, vr = -60, vt = -40, k = 0.7, a = 0.03, b = -2, c = -50, d = 100;
    double vpeak = 35, tau = 1;
    enum { n = 1000 };
    static double v[n], u[n];
    v[0] = vr;
    u[0] = 0;
    size_t ns = 0;
    for (int i = 0; i < n - 1; i++) {
        double I = i >= 100 ? 70 : 0;
        v[i + 1] = v[i] + tau * (k * (v[i] - vr) * (v[i] - vt) - u[i] + I) / C;
        u[i + 1] = u[i] + tau * a * (b * (v[i] - vr) - u[i]);
        if (v[i + 1] >= vpeak) {
            v[i] = vpeak;
            v[i + 1] = c;
            u[i + 1] = u[i + 1] + d;
            stamps[ns++] = (uint64_t)(i + 1);
        }
    }
    return ns;
}

static void test_izh07_book_rs_example(void **state)
{
    (void)state;
    uint64_t ref[1000];
    size_t nref = book_rs(ref);
    assert_int_equal(nref, 6); /* the six spikes of the book's figure */
    st_sim_config cfg;
    assert_int_equal(st_sim_config_init(&cfg, m07(), st_preset_find(m07(), "RS", -1), NULL),
                     ST_OK);
    assert_int_equal(cfg.how, ST_INT_EULER);
    assert_true(cfg.v0_mv == -60 && cfg.u0 == 0); /* v0 = vr, u0 = 0 */
    /* samples 0..99 at 0 pA, from 100 on at 70 pA: on for t > 99.5 with tau = 1 */
    assert_int_equal(st_stimulus_parse("step:onset=99.5,amp=70", &cfg.stim, NULL, NULL), ST_OK);
    cfg.dt_ms = 1;
    cfg.duration_ms = 999;
    st_sim_trace tr;
    assert_int_equal(st_sim_collect(&cfg, &tr, NULL), ST_OK);
    assert_int_equal(tr.spikes.count, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(tr.spikes.step[i], ref[i]);
    st_sim_trace_free(&tr);
}

/* At exactly vpeak the 2007 form spikes (v >= vpeak), unlike the 2003 form. */
static void test_izh07_spike_test_inclusive(void **state)
{
    (void)state;
    st_izh07_params p = st_izh07_params_default();
    p.k = 1e-300; /* v' = (I - u) / C in effect */
    p.a = 0;
    p.vr_mv = 0;
    p.vt_mv = 0;
    p.c = -50;
    double v, u, I = 100 * 5; /* C = 100 pF: dv = 5 mV in 1 ms */
    uint64_t st[2];
    st_spikes sp = {st, 2, 0, 0};
    st_izh07_state s;
    st_izh_reset(&s, 30, 0);
    st_izh07_process(&s, &p, ST_INT_EULER, 1.0, &I, &v, &u, 1, &sp);
    assert_int_equal(sp.count, 1);
    assert_true(v == -50 && u == p.d);
}

/* LTS: u is capped at 670 after a spike, and the peak and reset depend on u. */
static void test_izh07_lts_rules(void **state)
{
    (void)state;
    st_izh07_params p = st_preset_find(m07(), "LTS", -1)->params.izh07;
    assert_true(p.umax == 670 && p.pu == -0.1 && p.ru == 0.04);
    p.d = 500;
    double I[200], v[200], u[200];
    for (size_t i = 0; i < 200; i++)
        I[i] = 2000;
    uint64_t st[200];
    st_spikes sp = {st, 200, 0, 0};
    st_izh07_state s;
    st_izh_reset(&s, p.vr_mv, 600);
    st_izh07_process(&s, &p, ST_INT_EULER, 0.25, I, v, u, 200, &sp);
    assert_true(sp.count >= 1);
    size_t j = (size_t)sp.step[0] - 1; /* the sample right after the first spike */
    assert_close(u[j], 670, 0, 0); /* 600 + 500 would exceed the cap */
    /* below the cap: reset v = c + 0.04 u_pre and u = u_pre + d */
    p.d = 20;
    sp.count = 0;
    st_izh_reset(&s, p.vr_mv, 0);
    st_izh07_process(&s, &p, ST_INT_EULER, 0.25, I, v, u, 200, &sp);
    assert_true(sp.count >= 1);
    j = (size_t)sp.step[0] - 1;
    assert_close(v[j], p.c + 0.04 * (u[j] - p.d), 1e-9, 0);
}

/* FS: below vb the nullcline is U = 0, so u relaxes to 0 at rate a; above it is cubic. */
static void test_izh07_fs_cubic_nullcline(void **state)
{
    (void)state;
    st_izh07_params p = st_preset_find(m07(), "FS", -1)->params.izh07;
    assert_true(p.ucubic == 0.025 && p.vb_mv == -55);
    p.k = 1e-300; /* freeze v (dv = (I - u) dt / C) by balancing I = u */
    p.C_pf = 1e300;
    double I = 0, v, u;
    st_izh07_state s;
    st_izh_reset(&s, -60, 10); /* below vb: u' = -a u */
    st_izh07_process(&s, &p, ST_INT_EULER, 0.01, &I, &v, &u, 1, NULL);
    assert_close(u, 10 - 0.01 * 0.2 * 10, 1e-12, 0);
    st_izh_reset(&s, -45, 0); /* above vb: u' = a (0.025 (v + 55)^3 - u) */
    st_izh07_process(&s, &p, ST_INT_EULER, 0.01, &I, &v, &u, 1, NULL);
    assert_close(u, 0.01 * 0.2 * 0.025 * 1000, 1e-12, 0);
}

/* TC and RTN: b switches on v; TC's spike and reset depend on u. */
static void test_izh07_thalamic_b_switch(void **state)
{
    (void)state;
    st_izh07_params p = st_preset_find(m07(), "RTN", -1)->params.izh07;
    p.k = 1e-300;
    p.C_pf = 1e300;
    double I = 0, v, u;
    st_izh07_state s;
    st_izh_reset(&s, -70, 0); /* hyperpolarised: b = 10, u' = a b (v - vr) */
    st_izh07_process(&s, &p, ST_INT_EULER, 1, &I, &v, &u, 1, NULL);
    assert_close(u, 0.015 * 10 * (-70 + 65), 1e-12, 0);
    st_izh_reset(&s, -60, 0); /* depolarised: b = 2 */
    st_izh07_process(&s, &p, ST_INT_EULER, 1, &I, &v, &u, 1, NULL);
    assert_close(u, 0.015 * 2 * (-60 + 65), 1e-12, 0);

    st_izh07_params tc = st_preset_find(m07(), "TC", -1)->params.izh07;
    assert_true(tc.pu == 0.1 && tc.ru == -0.1 && tc.vu_mv == -65 && tc.bh == 15 && tc.b == 0);
    /* a rebound burst: hyperpolarise, release, expect spikes (the TC signature) */
    st_sim_config cfg;
    assert_int_equal(st_sim_config_init(&cfg, m07(), st_preset_find(m07(), "TC", -1), NULL),
                     ST_OK);
    assert_int_equal(st_stimulus_parse("pulse:start=0,width=120,amp=-1200", &cfg.stim, NULL,
                                       NULL),
                     ST_OK);
    cfg.duration_ms = 400;
    st_sim_trace tr;
    assert_int_equal(st_sim_collect(&cfg, &tr, NULL), ST_OK);
    assert_true(tr.spikes.count >= 1);
    assert_true((double)tr.spikes.step[0] * cfg.dt_ms > 120);
    st_sim_trace_free(&tr);
}

/* Every book cell fires under its default protocol and rests without input. */
static void test_izh07_cells_fire_and_rest(void **state)
{
    (void)state;
    for (size_t i = 0; i < m07()->n_presets; i++) {
        const st_preset *p = &m07()->presets[i];
        st_sim_config cfg;
        assert_int_equal(st_sim_config_init(&cfg, m07(), p, NULL), ST_OK);
        st_sim_trace tr;
        assert_int_equal(st_sim_collect(&cfg, &tr, NULL), ST_OK);
        print_message("%-4s %zu spikes\n", p->name, tr.spikes.count);
        assert_true(tr.spikes.count >= 3);
        st_sim_trace_free(&tr);
        assert_int_equal(st_stimulus_parse("const:amp=0", &cfg.stim, NULL, NULL), ST_OK);
        assert_int_equal(st_sim_collect(&cfg, &tr, NULL), ST_OK);
        assert_int_equal(tr.spikes.count, 0);
        assert_close(tr.v_mv[tr.n], p->params.izh07.vr_mv, 0.5, 0);
        st_sim_trace_free(&tr);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_izh07_book_rs_example),
        cmocka_unit_test(test_izh07_spike_test_inclusive),
        cmocka_unit_test(test_izh07_lts_rules),
        cmocka_unit_test(test_izh07_fs_cubic_nullcline),
        cmocka_unit_test(test_izh07_thalamic_b_switch),
        cmocka_unit_test(test_izh07_cells_fire_and_rest),
    };
    return cmocka_run_group_tests_name("izh07", tests, NULL, NULL);
}
