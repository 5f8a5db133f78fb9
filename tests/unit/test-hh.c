/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the Hodgkin-Huxley point neuron against expectations written out here: the fixed
 * point, the gates at rest, the singular rates, rk4's order, firing regimes and temperature. */
#include <stdlib.h>
#include <string.h>

#include "st-test.h"
#include "spiketalk/spiketalk.h"

/* ---- the model written out independently of src/core/hh.c ----------------------------------- */

/* 0.1 (v + 40) / (1 - exp(-(v + 40) / 10)) away from v = -40, where its limit is 1. */
static double ref_am(double v)
{
    return 0.1 * (v + 40.0) / (1.0 - exp(-(v + 40.0) / 10.0));
}
static double ref_bm(double v)
{
    return 4.0 * exp(-(v + 65.0) / 18.0);
}
static double ref_ah(double v)
{
    return 0.07 * exp(-(v + 65.0) / 20.0);
}
static double ref_bh(double v)
{
    return 1.0 / (1.0 + exp(-(v + 35.0) / 10.0));
}
static double ref_an(double v)
{
    return 0.01 * (v + 55.0) / (1.0 - exp(-(v + 55.0) / 10.0));
}
static double ref_bn(double v)
{
    return 0.125 * exp(-(v + 65.0) / 80.0);
}

/* The steady-state current-voltage relation: the membrane current with every gate at its
 * steady state. Its zero is the resting potential (no input). */
static double ref_iss(double v)
{
    double m = ref_am(v) / (ref_am(v) + ref_bm(v));
    double h = ref_ah(v) / (ref_ah(v) + ref_bh(v));
    double n = ref_an(v) / (ref_an(v) + ref_bn(v));
    return 120.0 * m * m * m * h * (v - 50.0) + 36.0 * n * n * n * n * (v + 77.0) +
           0.3 * (v + 54.3);
}

static double ref_rest(void)
{
    double lo = -70.0, hi = -60.0; /* ref_iss(lo) < 0 < ref_iss(hi) */
    assert_true(ref_iss(lo) < 0 && ref_iss(hi) > 0);
    for (int i = 0; i < 200 && hi - lo > 1e-13; i++) {
        double mid = 0.5 * (lo + hi);
        if (ref_iss(mid) < 0)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* ---- helpers ------------------------------------------------------------------------------- */

enum { MAXN = 200000, MAXSPIKES = 4096 };

static double cur[MAXN];
static double traj[MAXN * ST_HH_NVARS];
static double spike_buf[MAXSPIKES];

/* Runs n steps of constant-by-parts current 'I_of' from rest; returns the final state. */
static st_hh_state run(const st_hh_params *p, st_integrator how, double dt, size_t n,
                       double amp, double onset_ms, double width_ms, st_hh_spikes *sp,
                       double *y_out)
{
    assert_true(n <= MAXN);
    for (size_t k = 0; k < n; k++) {
        double t = (double)k * dt;
        cur[k] = t >= onset_ms && t < onset_ms + width_ms ? amp : 0.0;
    }
    st_hh_state s;
    st_hh_reset(&s, -65.0);
    if (sp)
        *sp = (st_hh_spikes){spike_buf, MAXSPIKES, 0, 0};
    st_hh_process(&s, p, how, dt, cur, y_out, n, sp);
    assert_false(s.fault);
    return s;
}

/* ---- tests ---------------------------------------------------------------------------------- */

/* With I = 0 the model settles at the zero of its steady-state I-V relation, solved here by
 * bisection, and the start (-65 mV) is within 0.1 mV of it, as NEURON's hh intends. */
static void test_hh_rest_is_the_fixed_point(void **state)
{
    (void)state;
    double rest = ref_rest();
    print_message("fixed point %.9f mV\n", rest);
    assert_close(rest, -65.0, 0.1, 0);
    st_hh_params p = st_hh_params_default();
    const st_integrator hows[3] = {ST_INT_RK4, ST_INT_RUSH_LARSEN, ST_INT_EULER};
    for (int i = 0; i < 3; i++) {
        st_hh_state s = run(&p, hows[i], 0.01, 100000, 0.0, 0.0, 0.0, NULL, NULL);
        assert_close(s.y[ST_HH_V], rest, 1e-4, 0);
        double m, h, n;
        st_hh_steady(rest, &m, &h, &n);
        assert_close(s.y[ST_HH_M], m, 1e-6, 0);
        assert_close(s.y[ST_HH_H], h, 1e-6, 0);
        assert_close(s.y[ST_HH_N], n, 1e-6, 0);
    }
}

/* m_inf, h_inf, n_inf at -65 mV: the textbook values and the formulas written out above. */
static void test_hh_gates_at_rest(void **state)
{
    (void)state;
    double m, h, n, v = -65.0;
    st_hh_steady(v, &m, &h, &n);
    assert_close(m, ref_am(v) / (ref_am(v) + ref_bm(v)), 1e-14, 0);
    assert_close(h, ref_ah(v) / (ref_ah(v) + ref_bh(v)), 1e-14, 0);
    assert_close(n, ref_an(v) / (ref_an(v) + ref_bn(v)), 1e-14, 0);
    assert_close(m, 0.0529, 5e-5, 0);
    assert_close(h, 0.5961, 5e-5, 0);
    assert_close(n, 0.3177, 5e-5, 0);
    st_hh_state s;
    st_hh_reset(&s, v);
    assert_true(s.y[ST_HH_V] == v && s.y[ST_HH_M] == m && s.y[ST_HH_H] == h &&
                s.y[ST_HH_N] == n);
    /* and the six rates away from the singular points, exactly the formulas */
    for (double x = -100.0; x <= 60.0; x += 7.3) {
        st_hh_rates r;
        st_hh_rates_at(x, &r);
        assert_close(r.am, ref_am(x), 0, 1e-13);
        assert_close(r.bm, ref_bm(x), 0, 1e-13);
        assert_close(r.ah, ref_ah(x), 0, 1e-13);
        assert_close(r.bh, ref_bh(x), 0, 1e-13);
        assert_close(r.an, ref_an(x), 0, 1e-13);
        assert_close(r.bn, ref_bn(x), 0, 1e-13);
    }
}

/* alpha_m at -40 mV and alpha_n at -55 mV: the formulas are 0/0 there (the naive form gives
 * NaN), the limits are 1 and 0.1 /ms, and nearby values follow the Taylor expansion
 * k (1 + u/2 + u^2/12 - u^4/720), u = (v - v0)/10, on both sides, down to offsets of
 * 1e-13 mV. */
static void test_hh_rates_continuous_at_singular_voltages(void **state)
{
    (void)state;
    assert_true(isnan(ref_am(-40.0)) && isnan(ref_an(-55.0)));
    const struct { double v0, k; bool is_m; } sing[2] = {{-40.0, 1.0, true}, {-55.0, 0.1, false}};
    for (int s = 0; s < 2; s++) {
        st_hh_rates r;
        st_hh_rates_at(sing[s].v0, &r);
        double a0 = sing[s].is_m ? r.am : r.an;
        assert_true(a0 == sing[s].k);
        double prev = -1.0;
        for (int e = -1; e >= -13; e--) {
            for (int sign = -1; sign <= 1; sign += 2) {
                double dv = sign * pow(10.0, e), u = dv / 10.0;
                st_hh_rates_at(sing[s].v0 + dv, &r);
                double a = sing[s].is_m ? r.am : r.an;
                double want = sing[s].k * (1.0 + u / 2.0 + u * u / 12.0 - u * u * u * u / 720.0);
                assert_true(isfinite(a));
                assert_close(a, want, 0, 1e-11);
            }
        }
        /* increasing through the singular point on a fine grid */
        for (double dv = -0.01; dv <= 0.01; dv += 1e-4) {
            st_hh_rates_at(sing[s].v0 + dv, &r);
            double a = sing[s].is_m ? r.am : r.an;
            assert_true(a > prev);
            prev = a;
        }
    }
    assert_true(st_hh_xexp(0.0) == 1.0);
    assert_close(st_hh_xexp(1e-300), 1.0, 1e-15, 0);
    assert_close(st_hh_xexp(50.0), 50.0, 0, 1e-15);
    assert_close(st_hh_xexp(-50.0), 50.0 * exp(-50.0), 0, 1e-13);
}

/* The derivative at an arbitrary state is the model written out here (with phi at 18.5 C). */
static void test_hh_deriv_matches_equations(void **state)
{
    (void)state;
    st_hh_params p = st_hh_params_default();
    p.temperature_c = 18.5;
    assert_int_equal(st_hh_prepare(&p, NULL), ST_OK);
    double phi = pow(3.0, (18.5 - 6.3) / 10.0);
    double y[4] = {-20.0, 0.4, 0.3, 0.6}, d[4], I = 7.5;
    st_hh_deriv(&p, I, y, d);
    double v = y[0], m = y[1], h = y[2], n = y[3];
    double iion = 120 * m * m * m * h * (v - 50) + 36 * n * n * n * n * (v + 77) + 0.3 * (v + 54.3);
    assert_close(d[0], I - iion, 1e-12, 1e-13);
    assert_close(d[1], phi * (ref_am(v) * (1 - m) - ref_bm(v) * m), 1e-14, 1e-12);
    assert_close(d[2], phi * (ref_ah(v) * (1 - h) - ref_bh(v) * h), 1e-14, 1e-12);
    assert_close(d[3], phi * (ref_an(v) * (1 - n) - ref_bn(v) * n), 1e-14, 1e-12);
}

/* rk4 on a spike-free trajectory (1 uA/cm^2 from rest for 20 ms): the error against a fine
 * reference shrinks ~16x per halving of dt; rush-larsen and euler ~2x (first order). */
static void test_hh_rk4_fourth_order(void **state)
{
    (void)state;
    st_hh_params p = st_hh_params_default();
    const double T = 20.0;
    const st_integrator hows[3] = {ST_INT_RK4, ST_INT_RUSH_LARSEN, ST_INT_EULER};
    const double lo[3] = {14.0, 1.8, 1.8}, hi[3] = {18.5, 2.2, 2.2};
    for (int w = 0; w < 3; w++) {
        double dt0 = hows[w] == ST_INT_RK4 ? 0.08 : 0.02;
        st_hh_spikes sp;
        st_hh_state ref = run(&p, ST_INT_RK4, 1.0 / 1024, (size_t)(T * 1024), 1.0, 0, 1e9, &sp,
                              NULL);
        assert_int_equal(sp.count, 0);
        assert_true(ref.y[ST_HH_V] > -64.7); /* it did depolarise */
        double e[3];
        for (int k = 0; k < 3; k++) {
            double dt = dt0 / (1 << k);
            st_hh_state s = run(&p, hows[w], dt, (size_t)llround(T / dt), 1.0, 0, 1e9, NULL,
                                NULL);
            e[k] = fabs(s.y[ST_HH_V] - ref.y[ST_HH_V]);
        }
        print_message("%s errors %.3g %.3g %.3g, ratios %.2f %.2f\n",
                      st_integrator_name(hows[w]), e[0], e[1], e[2], e[0] / e[1], e[1] / e[2]);
        for (int k = 0; k < 2; k++) {
            assert_true(e[k] / e[k + 1] > lo[w]);
            assert_true(e[k] / e[k + 1] < hi[w]);
        }
    }
}

/* At 6.3 C a long step of 10 uA/cm^2 fires on and on (spikes up to its end), 1 uA/cm^2 not
 * at all, with either integrator. */
static void test_hh_repetitive_at_10_silent_at_1(void **state)
{
    (void)state;
    st_hh_params p = st_hh_params_default();
    const st_integrator hows[2] = {ST_INT_RK4, ST_INT_RUSH_LARSEN};
    for (int w = 0; w < 2; w++) {
        st_hh_spikes sp;
        run(&p, hows[w], 0.01, 50000, 10.0, 0.0, 1e9, &sp, NULL);
        print_message("%s: %zu spikes at 10 uA/cm^2, last at %.2f ms\n",
                      st_integrator_name(hows[w]), sp.count, sp.t_ms[sp.count - 1]);
        assert_true(sp.count >= 25);
        assert_true(sp.t_ms[sp.count - 1] > 480.0);
        run(&p, hows[w], 0.01, 50000, 1.0, 0.0, 1e9, &sp, NULL);
        assert_int_equal(sp.count, 0);
    }
}

/* The full width of the first spike at 0 mV, from the trajectory. */
static double width_at_0mv(const double *y, size_t n, double dt)
{
    double up = NAN;
    for (size_t k = 1; k < n; k++) {
        double v0 = y[(k - 1) * ST_HH_NVARS], v1 = y[k * ST_HH_NVARS];
        double t = (double)k * dt + dt * (0.0 - v0) / (v1 - v0); /* y[k] is at t_{k+1} */
        if (isnan(up) && v0 < 0 && v1 >= 0)
            up = t;
        else if (!isnan(up) && v0 >= 0 && v1 < 0)
            return t - up;
    }
    return NAN;
}

/* A brief shock at 6.3, 12 and 18.5 C gives one spike each, narrower as it gets warmer (the
 * gates run phi times faster). */
static void test_hh_warmer_spikes_are_narrower(void **state)
{
    (void)state;
    const double temps[3] = {6.3, 12.0, 18.5};
    double prev = INFINITY;
    for (int i = 0; i < 3; i++) {
        st_hh_params p = st_hh_params_default();
        p.temperature_c = temps[i];
        assert_int_equal(st_hh_prepare(&p, NULL), ST_OK);
        st_hh_spikes sp;
        size_t n = 3000;
        run(&p, ST_INT_RK4, 0.01, n, 60.0, 1.0, 0.5, &sp, traj);
        assert_int_equal(sp.count, 1);
        double w = width_at_0mv(traj, n, 0.01);
        print_message("%.1f C: spike width at 0 mV %.3f ms\n", temps[i], w);
        assert_true(w < 0.8 * prev);
        prev = w;
    }
}

/* The interpolated 0 mV crossing at dt 0.01 ms lies within 2 us of a 0.0005 ms run's. */
static void test_hh_spike_time_interpolated(void **state)
{
    (void)state;
    st_hh_params p = st_hh_params_default();
    st_hh_spikes a, b;
    run(&p, ST_INT_RK4, 0.01, 2000, 10.0, 1.0, 1e9, &a, NULL);
    double ta = a.t_ms[0];
    run(&p, ST_INT_RK4, 0.0005, 40000, 10.0, 1.0, 1e9, &b, NULL);
    assert_close(ta, b.t_ms[0], 0.002, 0);
    /* and it is no grid point: the interpolation did something */
    assert_true(fabs(ta / 0.01 - round(ta / 0.01)) > 1e-6);
}

/* rush-larsen at dt 0.01 ms fires the same train as rk4, within 0.2 ms per spike. */
static void test_hh_rush_larsen_agrees_with_rk4(void **state)
{
    (void)state;
    st_hh_params p = st_hh_params_default();
    double t_rk4[64];
    st_hh_spikes sp;
    run(&p, ST_INT_RK4, 0.002, 50000, 10.0, 5.0, 1e9, &sp, NULL);
    size_t n = sp.count;
    assert_true(n >= 5 && n < 64);
    memcpy(t_rk4, sp.t_ms, n * sizeof *t_rk4);
    run(&p, ST_INT_RUSH_LARSEN, 0.01, 10000, 10.0, 5.0, 1e9, &sp, NULL);
    assert_int_equal(sp.count, n);
    for (size_t k = 0; k < n; k++) {
        print_message("spike %zu: rk4 %.3f ms, rush-larsen %.3f ms\n", k, t_rk4[k], sp.t_ms[k]);
        assert_close(sp.t_ms[k], t_rk4[k], 0.5, 0);
    }
}

/* Blocks of 1, 37, 64 and 1024 steps give the same states and spikes as one block. */
static void test_hh_block_invariance(void **state)
{
    (void)state;
    enum { N = 10000 };
    static double I[N], y1[N * ST_HH_NVARS], y2[N * ST_HH_NVARS];
    for (int k = 0; k < N; k++)
        I[k] = 10.0 + 5.0 * sin(k * 0.002);
    st_hh_params p = st_hh_params_default();
    const st_integrator hows[3] = {ST_INT_RK4, ST_INT_RUSH_LARSEN, ST_INT_EULER};
    for (int w = 0; w < 3; w++) {
        double t1[256], t2[256];
        st_hh_spikes s1 = {t1, 256, 0, 0}, s2 = {t2, 256, 0, 0};
        st_hh_state a, b;
        st_hh_reset(&a, -65);
        st_hh_reset(&b, -65);
        st_hh_process(&a, &p, hows[w], 0.01, I, y1, N, &s1);
        const size_t sizes[] = {1, 37, 64, 1024};
        for (size_t k = 0, j = 0; k < N; j++) {
            size_t n = sizes[j % 4] < N - k ? sizes[j % 4] : N - k;
            st_hh_process(&b, &p, hows[w], 0.01, I + k, y2 + k * ST_HH_NVARS, n, &s2);
            k += n;
        }
        assert_memory_equal(y1, y2, sizeof y1);
        assert_true(s1.count > 3);
        assert_int_equal(s1.count, s2.count);
        assert_memory_equal(t1, t2, s1.count * sizeof *t1);
        assert_int_equal(a.step, N);
    }
}

/* Forward Euler at dt 0.5 ms blows up: the state reports the step; outputs turn NAN. */
static void test_hh_fault_reported(void **state)
{
    (void)state;
    st_hh_params p = st_hh_params_default();
    enum { N = 400 };
    static double I[N], y[N * ST_HH_NVARS];
    for (int k = 0; k < N; k++)
        I[k] = 20.0;
    st_hh_state s;
    st_hh_reset(&s, -65);
    st_hh_process(&s, &p, ST_INT_EULER, 0.5, I, y, N, NULL);
    assert_true(s.fault);
    assert_true(s.fault_step >= 1 && s.fault_step <= N);
    assert_true(isnan(y[(N - 1) * ST_HH_NVARS]));
    uint64_t at = s.fault_step;
    st_hh_process(&s, &p, ST_INT_EULER, 0.5, I, y, N, NULL); /* stays stopped */
    assert_int_equal(s.fault_step, at);
}

/* Bad parameters are refused with the flag's name; temperatures from -20 to 60 C pass. */
static void test_hh_prepare_rejects_bad_params(void **state)
{
    (void)state;
    st_error err;
    st_hh_params p = st_hh_params_default();
    p.temperature_c = 60.5;
    assert_int_equal(st_hh_prepare(&p, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--temperature"));
    assert_false(p.derived.prepared);
    p.temperature_c = -21;
    assert_int_equal(st_hh_prepare(&p, &err), ST_ERR_INVAL);
    p.temperature_c = NAN;
    assert_int_equal(st_hh_prepare(&p, &err), ST_ERR_INVAL);
    for (double t = -20.0; t <= 60.0; t += 10.0) {
        p.temperature_c = t;
        assert_int_equal(st_hh_prepare(&p, NULL), ST_OK);
        assert_close(p.derived.phi, pow(3.0, (t - 6.3) / 10.0), 0, 1e-14);
    }
    p = st_hh_params_default();
    p.gna_ms_cm2 = -1;
    assert_int_equal(st_hh_prepare(&p, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--gNa"));
    p = st_hh_params_default();
    p.cm_uf_cm2 = 0;
    assert_int_equal(st_hh_prepare(&p, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "--Cm"));
    p = st_hh_params_default();
    p.ek_mv = INFINITY;
    assert_int_equal(st_hh_prepare(&p, &err), ST_ERR_INVAL);
    assert_true(st_hh_offers(ST_INT_RK4) && st_hh_offers(ST_INT_RUSH_LARSEN));
    assert_false(st_hh_offers(ST_INT_SYMPLECTIC) || st_hh_offers(ST_INT_IZH2003));
    st_integrator how;
    assert_int_equal(st_integrator_parse("Rush-Larsen", &how, NULL), ST_OK);
    assert_int_equal(how, ST_INT_RUSH_LARSEN);
    assert_string_equal(st_integrator_name(ST_INT_RUSH_LARSEN), "rush-larsen");
}

/* A full spike buffer counts what it cannot store. */
static void test_hh_spike_buffer(void **state)
{
    (void)state;
    st_hh_params p = st_hh_params_default();
    double t[2];
    st_hh_spikes sp = {t, 2, 0, 0};
    for (size_t k = 0; k < 20000; k++)
        cur[k] = 15.0;
    st_hh_state s;
    st_hh_reset(&s, -65);
    st_hh_process(&s, &p, ST_INT_RK4, 0.01, cur, NULL, 20000, &sp);
    assert_int_equal(sp.count, 2);
    assert_true(sp.dropped >= 10);
    st_hh_spikes grown = {0};
    assert_int_equal(st_hh_spikes_reserve(&grown, 1000), ST_OK);
    assert_true(grown.cap >= 1000);
    st_hh_spikes_free(&grown);
    assert_null(grown.t_ms);
}

/* The protocol's block hook counts every step and may stop a run or the f-I curve (a front
 * end's Ctrl-C): "hh: stopped", or the code the hook set. */
typedef struct hh_blocks {
    uint64_t steps;
    int calls, stop_at;
} hh_blocks;

static int on_hh_steps(void *ud, uint64_t n, st_error *err)
{
    (void)err;
    hh_blocks *b = ud;
    b->steps += n;
    return ++b->calls == b->stop_at;
}

static void test_hh_protocol_stops_when_told(void **state)
{
    (void)state;
    hh_blocks b = {0};
    st_hh_run_config c = {.p = st_hh_params_default(), .how = ST_INT_RK4, .dt_ms = 0.01,
                          .v0_mv = -65.0, .on_steps = on_hh_steps, .steps_ud = &b};
    assert_int_equal(st_hh_prepare(&c.p, NULL), ST_OK);
    st_stimulus stim;
    assert_int_equal(st_stimulus_parse("step:onset=10,amp=10", &stim, "--input", NULL), ST_OK);
    st_hh_spikes sp = {0};
    st_error err = {0};
    assert_int_equal(st_hh_run(&c, &stim, 100.0, &sp, NULL, NULL, &err), ST_OK);
    assert_int_equal(b.steps, 10000);
    assert_true(b.calls >= 2 && sp.count == 7);
    int all = b.calls;
    b = (hh_blocks){.stop_at = 2};
    sp.count = 0;
    assert_int_equal(st_hh_run(&c, &stim, 100.0, &sp, NULL, NULL, &err), ST_ERR_IO);
    assert_string_equal(err.msg, "hh: stopped");
    assert_true(b.calls == 2 && b.calls < all);
    st_hh_spikes_free(&sp);
    st_hh_fi fi;
    b = (hh_blocks){.stop_at = 30};
    err = (st_error){0};
    assert_int_equal(st_hh_fi_curve(&c, 0.0, 5.0, 4, &fi, &err), ST_ERR_IO);
    assert_int_equal(b.calls, 30);
    assert_null(fi.pts);
    assert_int_equal(fi.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hh_rest_is_the_fixed_point),
        cmocka_unit_test(test_hh_gates_at_rest),
        cmocka_unit_test(test_hh_rates_continuous_at_singular_voltages),
        cmocka_unit_test(test_hh_deriv_matches_equations),
        cmocka_unit_test(test_hh_rk4_fourth_order),
        cmocka_unit_test(test_hh_repetitive_at_10_silent_at_1),
        cmocka_unit_test(test_hh_warmer_spikes_are_narrower),
        cmocka_unit_test(test_hh_spike_time_interpolated),
        cmocka_unit_test(test_hh_rush_larsen_agrees_with_rk4),
        cmocka_unit_test(test_hh_block_invariance),
        cmocka_unit_test(test_hh_fault_reported),
        cmocka_unit_test(test_hh_prepare_rejects_bad_params),
        cmocka_unit_test(test_hh_spike_buffer),
        cmocka_unit_test(test_hh_protocol_stops_when_told),
    };
    return cmocka_run_group_tests_name("hh", tests, NULL, NULL);
}
