/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the HH cable: passive cable theory, the 1952 conduction velocity and its
 * convergence, the schemes' orders, the probes, bad input and running out of memory. */
#include <stdlib.h>
#include <string.h>

#include "st-test.h"
#include "spiketalk/spiketalk.h"

#define PI 3.14159265358979323846

static double velocity(st_cable_config cfg)
{
    st_cable_result res;
    st_error err = {0};
    assert_int_equal(st_cable_run(&cfg, NULL, NULL, &res, &err), ST_OK);
    assert_true(res.conducted);
    return res.velocity_m_s;
}

/* A passive cable (no Na, no K; EL = -65 mV) held by a constant current at its sealed x = 0
 * end settles to  V(x) = I r_a lambda cosh((L - x)/lambda) / sinh(L/lambda)  above rest, with
 * r_a = 4 Ra / (pi d^2) and lambda = sqrt(d / (4 Ra gL)): cable theory, which checks the
 * coupling, the stimulus and every unit conversion at once. */
static void test_cable_passive_steady_state_is_cable_theory(void **state)
{
    (void)state;
    st_cable_params p = st_cable_params_default();
    p.hh.gna_ms_cm2 = 0;
    p.hh.gk_ms_cm2 = 0;
    p.hh.el_mv = -65.0;
    p.length_mm = 30.0;
    p.compartments = 600;
    st_cable c;
    assert_int_equal(st_cable_init(&c, &p, ST_CABLE_BE, 0.5, NULL), ST_OK);
    enum { N = 200 }; /* 100 ms: 30 membrane time constants */
    double I[N];
    for (int k = 0; k < N; k++)
        I[k] = 1.0; /* uA */
    st_cable_process(&c, I, N);
    assert_false(c.fault);
    double d = 476e-4, ra = 35.4, gl = 0.3e-3, len = 3.0;      /* cm, Ohm cm, S/cm^2, cm */
    double lambda = sqrt(d / (4.0 * ra * gl)), r_a = 4.0 * ra / (PI * d * d); /* cm, Ohm/cm */
    double v0 = 1e-6 * r_a * lambda * 1e3;                                     /* mV */
    for (size_t i = 0; i < c.n; i += 37) {
        double x = st_cable_x_mm(&c, i) * 0.1;
        double want = v0 * cosh((len - x) / lambda) / sinh(len / lambda);
        assert_close(c.v[i] + 65.0, want, 0, 2e-4);
    }
    print_message("lambda %.4f cm, V(0) %.4f mV\n", lambda, c.v[0] + 65.0);
    st_cable_free(&c);
}

/* The 1952 benchmark at the default resolution (dx 100 um, dt 0.01 ms, Crank-Nicolson): the
 * velocity lies in 17-22 m/s (Hodgkin and Huxley computed 18.8, measured 21.2), and halving dx
 * changes it by less than 1 %. */
static void test_cable_1952_velocity(void **state)
{
    (void)state;
    st_cable_config cfg = st_cable_config_default();
    assert_close(cfg.cable.diameter_um, 476.0, 0, 0);
    assert_close(cfg.cable.ra_ohm_cm, 35.4, 0, 0);
    assert_close(cfg.cable.hh.temperature_c, 18.5, 0, 0);
    assert_close(cfg.cable.length_mm * 1000.0 / (double)cfg.cable.compartments, 100.0, 1e-9, 0);
    st_cable_result res;
    assert_int_equal(st_cable_run(&cfg, NULL, NULL, &res, NULL), ST_OK);
    double v1 = res.velocity_m_s;
    cfg.cable.compartments *= 2;
    double v2 = velocity(cfg);
    print_message("velocity %.4f m/s (dx 100 um), %.4f m/s (dx 50 um); peak %.2f mV, width "
                  "%.3f ms\n", v1, v2, res.peak_mv, res.width_ms);
    assert_true(v1 >= 17.0 && v1 <= 22.0);
    assert_true(fabs(v2 - v1) / v1 < 0.01);
    /* the measured spike: an overshoot to about +25 mV and a half-amplitude width under 1 ms */
    assert_true(res.peak_mv > 15.0 && res.peak_mv < 40.0);
    assert_true(res.width_ms > 0.3 && res.width_ms < 1.0);
    assert_close(res.rest_mv, -65.0, 1e-9, 0);
    assert_close(res.x_mm[0], 12.5, 1e-12, 0);
    assert_close(res.x_mm[2], 37.5, 1e-12, 0);
    assert_true(res.t_cross_ms[0] < res.t_cross_ms[1] && res.t_cross_ms[1] < res.t_cross_ms[2]);
}

/* Velocity error against a fine-step reference: Crank-Nicolson ~4x per halving of dt,
 * backward Euler ~2x. A 30 mm axon keeps it quick. */
static void test_cable_orders_in_dt(void **state)
{
    (void)state;
    st_cable_config cfg = st_cable_config_default();
    cfg.cable.length_mm = 30.0;
    cfg.cable.compartments = 300;
    cfg.duration_ms = 2.0;
    const st_cable_scheme schemes[2] = {ST_CABLE_CN, ST_CABLE_BE};
    const double lo[2] = {3.4, 1.7}, hi[2] = {4.6, 2.6};
    cfg.dt_ms = 0.00125;
    cfg.scheme = ST_CABLE_CN;
    double ref = velocity(cfg);
    for (int s = 0; s < 2; s++) {
        double e[3];
        cfg.scheme = schemes[s];
        for (int k = 0; k < 3; k++) {
            cfg.dt_ms = 0.04 / (1 << k);
            e[k] = fabs(velocity(cfg) - ref);
        }
        print_message("%s: velocity errors %.3g %.3g %.3g m/s, ratios %.2f %.2f\n",
                      st_cable_scheme_name(schemes[s]), e[0], e[1], e[2], e[0] / e[1],
                      e[1] / e[2]);
        for (int k = 0; k < 2; k++)
            assert_true(e[k] / e[k + 1] > lo[s] && e[k] / e[k + 1] < hi[s]);
    }
}

/* Second order in dx: errors against dx = 12.5 um shrink ~4x per halving. */
static void test_cable_second_order_in_dx(void **state)
{
    (void)state;
    st_cable_config cfg = st_cable_config_default();
    cfg.cable.length_mm = 30.0;
    cfg.duration_ms = 2.0;
    cfg.dt_ms = 0.01;
    cfg.cable.compartments = 2400;
    double ref = velocity(cfg), e[3];
    for (int k = 0; k < 3; k++) {
        cfg.cable.compartments = 75u << k; /* dx 400, 200, 100 um */
        e[k] = fabs(velocity(cfg) - ref);
    }
    print_message("dx errors %.3g %.3g %.3g m/s, ratios %.2f %.2f\n", e[0], e[1], e[2],
                  e[0] / e[1], e[1] / e[2]);
    for (int k = 0; k < 2; k++)
        assert_true(e[k] / e[k + 1] > 3.0 && e[k] / e[k + 1] < 5.0);
}

/* Without a stimulus the axon stays at rest; a weak shock dies out without conduction. */
static void test_cable_rest_and_subthreshold(void **state)
{
    (void)state;
    st_cable_config cfg = st_cable_config_default();
    cfg.stim_ua = 0;
    st_cable_result res;
    assert_int_equal(st_cable_run(&cfg, NULL, NULL, &res, NULL), ST_OK);
    assert_false(res.conducted);
    assert_true(isnan(res.velocity_m_s) && isnan(res.peak_mv) && isnan(res.width_ms));
    cfg.stim_ua = 1.0;
    assert_int_equal(st_cable_run(&cfg, NULL, NULL, &res, NULL), ST_OK);
    assert_false(res.conducted);
    st_cable c;
    assert_int_equal(st_cable_init(&c, &cfg.cable, ST_CABLE_CN, 0.01, NULL), ST_OK);
    st_cable_process(&c, NULL, 500);
    for (size_t i = 0; i < c.n; i++)
        assert_close(c.v[i], -65.0, 0.1, 0);
    assert_int_equal(c.step, 500);
    st_cable_free(&c);
}

/* Probes at centres read the compartment; between centres they interpolate; outside the
 * first and last centre they clamp. */
static void test_cable_probes(void **state)
{
    (void)state;
    st_cable_params p = st_cable_params_default();
    p.length_mm = 1.0;
    p.compartments = 10; /* centres 0.05, 0.15, ... 0.95 mm */
    st_cable c;
    assert_int_equal(st_cable_init(&c, &p, ST_CABLE_CN, 0.01, NULL), ST_OK);
    for (size_t i = 0; i < c.n; i++)
        c.v[i] = (double)i;
    st_cable_probe pr = st_cable_probe_at(&c, 0.35);
    assert_close(st_cable_probe_v(&c, &pr), 3.0, 1e-12, 0);
    pr = st_cable_probe_at(&c, 0.5);
    assert_close(st_cable_probe_v(&c, &pr), 4.5, 1e-12, 0);
    pr = st_cable_probe_at(&c, 0.0);
    assert_close(st_cable_probe_v(&c, &pr), 0.0, 0, 0);
    pr = st_cable_probe_at(&c, 1.0);
    assert_close(st_cable_probe_v(&c, &pr), 9.0, 1e-12, 0);
    assert_close(st_cable_x_mm(&c, 9), 0.95, 1e-12, 0);
    st_cable_free(&c);
    st_cable_free(&c); /* idempotent */
}

static int count_steps(void *ud, uint64_t j, const st_cable *c, st_error *err)
{
    uint64_t *n = ud;
    (void)c;
    assert_int_equal(j, *n);
    if (++*n == 50)
        return st_error_set(err, ST_ERR_IO, "stop here") != ST_OK;
    return 0;
}

/* The callback sees t_0 and every step, and can stop the run with its own message. */
static void test_cable_callback(void **state)
{
    (void)state;
    st_cable_config cfg = st_cable_config_default();
    uint64_t n = 0;
    st_cable_result res;
    st_error err = {0};
    assert_int_equal(st_cable_run(&cfg, count_steps, &n, &res, &err), ST_ERR_IO);
    assert_int_equal(n, 50);
    assert_string_equal(err.msg, "stop here");
}

/* Bad parameters name their flag; too few compartments and a bad dt are refused. */
static void test_cable_rejects_bad_input(void **state)
{
    (void)state;
    st_error err;
    st_cable_config cfg = st_cable_config_default();
    st_cable_result res;
    const struct { double *field; double bad; const char *flag; } cases[] = {
        {&cfg.cable.diameter_um, 0.0, "--diameter-um"},
        {&cfg.cable.length_mm, -1.0, "--length-mm"},
        {&cfg.cable.ra_ohm_cm, NAN, "--ra"},
        {&cfg.cable.hh.temperature_c, 70.0, "--temperature"},
        {&cfg.dt_ms, 0.0, "--dt"},
        {&cfg.duration_ms, -1.0, "--duration"},
        {&cfg.stim_ms, -0.1, "--stimulus"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cfg = st_cable_config_default();
        *cases[i].field = cases[i].bad;
        assert_int_equal(st_cable_run(&cfg, NULL, NULL, &res, &err), ST_ERR_INVAL);
        assert_non_null(strstr(err.msg, cases[i].flag));
    }
    cfg = st_cable_config_default();
    cfg.cable.compartments = 3;
    assert_int_equal(st_cable_run(&cfg, NULL, NULL, &res, &err), ST_ERR_INVAL);
    cfg.cable.compartments = 0;
    assert_int_equal(st_cable_config_check(&cfg, &err), ST_ERR_INVAL);
    cfg = st_cable_config_default();
    cfg.scheme = ST_CABLE_SCHEME_COUNT;
    assert_int_equal(st_cable_config_check(&cfg, &err), ST_ERR_INVAL);
    st_cable_scheme s;
    assert_int_equal(st_cable_scheme_parse("BE", &s, NULL), ST_OK);
    assert_int_equal(s, ST_CABLE_BE);
    assert_int_equal(st_cable_scheme_parse("crank-nicolson", &s, NULL), ST_OK);
    assert_int_equal(s, ST_CABLE_CN);
    assert_int_equal(st_cable_scheme_parse("rk4", &s, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--scheme"));
}

/* A non-finite stimulus makes v non-finite at once: reported with its time and a hint. */
static void test_cable_blow_up_reported(void **state)
{
    (void)state;
    st_cable_config cfg = st_cable_config_default();
    cfg.stim_ua = 1e308;
    cfg.stim_ms = 1.0;
    st_cable_result res;
    st_error err;
    assert_int_equal(st_cable_run(&cfg, NULL, NULL, &res, &err), ST_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "not finite at t = "));
    assert_non_null(strstr(err.msg, "smaller --dt"));
}

/* Every allocation made to fail in turn: ST_ERR_NOMEM and nothing leaked (ASan checks). */
static void test_cable_out_of_memory(void **state)
{
    (void)state;
    st_cable_config cfg = st_cable_config_default();
    cfg.cable.compartments = 50;
    cfg.cable.length_mm = 5.0;
    cfg.duration_ms = 1.5;
    int total = -1;
    for (int fail_at = 0;; fail_at++) {
        int left = fail_at;
        st_set_allocator(st_test_failing_alloc, &left);
        st_cable_result res;
        st_error err;
        st_status rc = st_cable_run(&cfg, NULL, NULL, &res, &err);
        st_set_allocator(NULL, NULL);
        if (rc == ST_OK) {
            total = fail_at;
            break;
        }
        assert_int_equal(rc, ST_ERR_NOMEM);
        assert_true(fail_at < 100);
    }
    assert_true(total >= 2); /* the arrays and the spike-shape buffers */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cable_passive_steady_state_is_cable_theory),
        cmocka_unit_test(test_cable_1952_velocity),
        cmocka_unit_test(test_cable_orders_in_dt),
        cmocka_unit_test(test_cable_second_order_in_dx),
        cmocka_unit_test(test_cable_rest_and_subthreshold),
        cmocka_unit_test(test_cable_probes),
        cmocka_unit_test(test_cable_callback),
        cmocka_unit_test(test_cable_rejects_bad_input),
        cmocka_unit_test(test_cable_blow_up_reported),
        cmocka_unit_test(test_cable_out_of_memory),
    };
    return cmocka_run_group_tests_name("cable", tests, NULL, NULL);
}
