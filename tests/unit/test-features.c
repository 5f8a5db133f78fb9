/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The 20 features of Izhikevich (2004): each preset, run through the library (protocol string,
 * registry, integrator), must give the spikes of the author's figure script, transcribed here
 * independently from the published protocol text; plus the counts stated for the figure and the
 * qualitative behaviour each panel is named for. */
#include <string.h>

#include "st-test.h"
#include "spiketalk/spiketalk.h"

/* The protocols as the figure script writes them, at sample time t. */
static double protocol(char id, double t)
{
    switch (id) {
    case 'A': return t > 10 ? 14 : 0;
    case 'B': return t > 20 ? 0.5 : 0;
    case 'C': return t > 22 ? 15 : 0;
    case 'D': return t > 20 ? 0.6 : 0;
    case 'E': return t > 16 ? 10 : 0;
    case 'F': return t > 8.5 ? 30 : 0;
    case 'G': return t > 30 ? 0.075 * (t - 30) : 0;
    case 'H': return t > 30 ? -0.5 + 0.015 * (t - 30) : -0.5;
    case 'I': return (t > 10 && t < 10 + 3) ? 7.04 : 0;
    case 'J': return (t > 20 && t < 20 + 5) ? 2 : 0;
    case 'K': {
        const double T[4] = {40, 60, 280, 320};
        for (int i = 0; i < 4; i++)
            if (t > T[i] && t < T[i] + 4)
                return 0.65;
        return 0;
    }
    case 'L': {
        double T1 = 100.0 / 11, T[4] = {T1, T1 + 5, 70, 80};
        for (int i = 0; i < 4; i++)
            if (t > T[i] && t < T[i] + 2)
                return 9;
        return 0;
    }
    case 'M':
    case 'N': return (t > 20 && t < 25) ? -15 : 0;
    case 'O':
        if ((t > 10 && t < 15) || (t > 80 && t < 85))
            return 1;
        return (t > 70 && t < 75) ? -6 : 0;
    case 'P': return ((t > 37.5 && t < 42.5) || (t > 216 && t < 221)) ? 1.24 : 0.24;
    case 'Q': return fabs(t - 10) < 1 ? 20 : 0;
    case 'R':
        if (t < 200)
            return t / 25;
        if (t < 300)
            return 0;
        if (t < 312.5)
            return (t - 300) / 12.5 * 4;
        return 0;
    case 'S':
    case 'T': return (t < 50 || t > 250) ? 80 : 75;
    }
    return 0;
}

/* The figure script's loop: V first, u from the new V, strict V > 30, spike at sample k. */
static size_t reference(const st_preset *p, size_t nsteps, uint64_t *stamps)
{
    char id = p->letter[0];
    const st_izh_params *q = &p->params.izh;
    double tau = p->dt_ms, V = p->v0_mv;
    double u = id == 'R' ? -16 : q->b * V;
    double k1 = (id == 'G' || id == 'L') ? 4.1 : 5, k0 = (id == 'G' || id == 'L') ? 108 : 140;
    size_t ns = 0;
    for (size_t k = 0; k < nsteps; k++) {
        double t = (double)k * tau, I = protocol(id, t);
        V = V + tau * (0.04 * (V * V) + k1 * V + k0 - u + I);
        if (id == 'R')
            u = u + tau * q->a * (q->b * (V + 65));
        else
            u = u + tau * q->a * (q->b * V - u);
        if (V > 30) {
            stamps[ns++] = k + 1;
            V = q->c;
            u = u + q->d;
        }
    }
    return ns;
}

typedef struct run {
    const st_preset *p;
    st_sim_trace tr;
} run;

static run simulate(const char *name)
{
    const st_model *m = st_model_get(ST_MODEL_IZH);
    run r = {st_preset_find(m, name, ST_PRESET_FEATURE), {0}};
    assert_non_null(r.p);
    st_sim_config cfg;
    assert_int_equal(st_sim_config_init(&cfg, m, r.p, NULL), ST_OK);
    assert_int_equal(st_sim_collect(&cfg, &r.tr, NULL), ST_OK);
    return r;
}

static double spike_time(const run *r, size_t i)
{
    return (double)r->tr.spikes.step[i] * r->p->dt_ms;
}

/* Every feature reproduces the figure script's spikes, stamp for stamp. */
static void test_features_match_figure_script(void **state)
{
    (void)state;
    const st_model *m = st_model_get(ST_MODEL_IZH);
    size_t nfeat = 0;
    for (size_t i = 0; i < m->n_presets; i++) {
        const st_preset *p = &m->presets[i];
        if (p->kind != ST_PRESET_FEATURE)
            continue;
        nfeat++;
        run r = simulate(p->name);
        static uint64_t ref[4096];
        size_t n = reference(p, r.tr.n, ref);
        print_message("(%s) %-30s %3zu spikes\n", p->letter, p->name, n);
        assert_int_equal(r.tr.spikes.count, n);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(r.tr.spikes.step[k], ref[k]);
        st_sim_trace_free(&r.tr);
    }
    assert_int_equal(nfeat, 20);
}

/* Counts stated for the published figure. */
static void test_features_published_counts(void **state)
{
    (void)state;
    const struct { const char *name; size_t count; } pub[] = {
        {"tonic-spiking", 5}, {"phasic-spiking", 1}, {"tonic-bursting", 28}};
    for (size_t i = 0; i < 3; i++) {
        run r = simulate(pub[i].name);
        assert_int_equal(r.tr.spikes.count, pub[i].count);
        st_sim_trace_free(&r.tr);
    }
    run a = simulate("A"), b = simulate("tonic_spiking");
    assert_ptr_equal(a.p, b.p); /* letters and spellings reach the same preset */
    st_sim_trace_free(&a.tr);
    st_sim_trace_free(&b.tr);
}

/* What each panel is named for. */
static void test_features_behaviour(void **state)
{
    (void)state;
    run r = simulate("phasic-spiking"); /* one spike at onset, then silence */
    assert_int_equal(r.tr.spikes.count, 1);
    assert_true(spike_time(&r, 0) > 20);
    st_sim_trace_free(&r.tr);

    r = simulate("spike-latency"); /* a single spike, well after the 3 ms pulse ended */
    assert_int_equal(r.tr.spikes.count, 1);
    assert_true(spike_time(&r, 0) > 13 + 5);
    st_sim_trace_free(&r.tr);

    r = simulate("rebound-spike"); /* fires only after the inhibitory pulse ends */
    assert_true(r.tr.spikes.count >= 1 && spike_time(&r, 0) > 25);
    st_sim_trace_free(&r.tr);
    r = simulate("rebound-burst"); /* a burst: several spikes, all after the pulse */
    assert_true(r.tr.spikes.count >= 3 && spike_time(&r, 0) > 25);
    st_sim_trace_free(&r.tr);

    r = simulate("threshold-variability"); /* the same pulse fires only after inhibition */
    for (size_t i = 0; i < r.tr.spikes.count; i++)
        assert_true(spike_time(&r, i) > 80);
    assert_true(r.tr.spikes.count >= 1);
    st_sim_trace_free(&r.tr);

    r = simulate("bistability"); /* pulse 1 switches tonic firing on, pulse 2 off */
    assert_true(r.tr.spikes.count >= 3);
    assert_true(spike_time(&r, 0) > 37.5);
    for (size_t i = 0; i < r.tr.spikes.count; i++)
        assert_true(spike_time(&r, i) < 216 + 10);
    st_sim_trace_free(&r.tr);

    r = simulate("accommodation"); /* the slow ramp never fires, the fast one does */
    assert_true(r.tr.spikes.count >= 1);
    for (size_t i = 0; i < r.tr.spikes.count; i++)
        assert_true(spike_time(&r, i) > 300);
    st_sim_trace_free(&r.tr);

    r = simulate("inhibition-induced-spiking"); /* fires only while the current is lowered */
    assert_true(r.tr.spikes.count >= 2);
    for (size_t i = 0; i < r.tr.spikes.count; i++)
        assert_true(spike_time(&r, i) > 50 && spike_time(&r, i) < 260);
    st_sim_trace_free(&r.tr);

    r = simulate("class-1-excitable"); /* the rate grows with the ramp: shrinking intervals */
    size_t n = r.tr.spikes.count;
    assert_true(n >= 4);
    assert_true(spike_time(&r, n - 1) - spike_time(&r, n - 2) <
                spike_time(&r, 1) - spike_time(&r, 0));
    st_sim_trace_free(&r.tr);

    r = simulate("spike-frequency-adaptation"); /* intervals lengthen */
    n = r.tr.spikes.count;
    assert_true(n >= 3);
    assert_true(spike_time(&r, n - 1) - spike_time(&r, n - 2) >
                spike_time(&r, 1) - spike_time(&r, 0));
    st_sim_trace_free(&r.tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_match_figure_script),
        cmocka_unit_test(test_features_published_counts),
        cmocka_unit_test(test_features_behaviour),
    };
    return cmocka_run_group_tests_name("features", tests, NULL, NULL);
}
