/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the stimulus protocols: grammar, edges, sums, errors that name the bad token. */
#include <string.h>

#include "st-test.h"
#include "spiketalk/stimulus.h"

static st_stimulus parse_ok(const char *spec)
{
    st_stimulus s;
    st_error err = {0};
    st_status st = st_stimulus_parse(spec, &s, "--input", &err);
    if (st)
        print_error("%s\n", err.msg);
    assert_int_equal(st, ST_OK);
    return s;
}

/* The step is off at its onset (t > onset, as the study), on just after. */
static void test_stimulus_step_edges(void **state)
{
    (void)state;
    st_stimulus s = parse_ok("step:onset=300,amp=5");
    assert_true(st_stimulus_at(&s, 299.5) == 0.0);
    assert_true(st_stimulus_at(&s, 300.0) == 0.0);
    assert_true(st_stimulus_at(&s, 300.5) == 5.0);
    assert_true(st_stimulus_at(&s, 1e6) == 5.0);
    s = parse_ok("step:onset=10,amp=2,dur=5");
    assert_true(st_stimulus_at(&s, 15.0) == 0.0);
    assert_true(st_stimulus_at(&s, 14.9) == 2.0);
    s = parse_ok("step:onset=50,dur=200,amp=-5,closed");
    assert_true(st_stimulus_at(&s, 50.0) == -5.0);
    assert_true(st_stimulus_at(&s, 250.0) == -5.0);
    assert_true(st_stimulus_at(&s, 250.5) == 0.0);
}

static void test_stimulus_pulse_ramp_const_sum(void **state)
{
    (void)state;
    st_stimulus s = parse_ok("pulse:start=9,width=2,amp=20");
    assert_true(st_stimulus_at(&s, 9.0) == 0.0);
    assert_true(st_stimulus_at(&s, 10.0) == 20.0);
    assert_true(st_stimulus_at(&s, 11.0) == 0.0);
    s = parse_ok("ramp:start=30,slope=0.015,from=-0.5");
    assert_true(st_stimulus_at(&s, 0.0) == -0.5);
    assert_close(st_stimulus_at(&s, 300.0), -0.5 + 0.015 * 270.0, 1e-12, 0);
    s = parse_ok("ramp:start=0,slope=0.04,dur=200");
    assert_close(st_stimulus_at(&s, 100.0), 4.0, 1e-12, 0);
    assert_true(st_stimulus_at(&s, 200.0) == 0.0);
    s = parse_ok(" const:amp=0.24 + pulse:start=37.5,width=5,amp=1 ");
    assert_int_equal(s.n, 2);
    assert_close(st_stimulus_at(&s, 40.0), 1.24, 1e-15, 0);
    assert_close(st_stimulus_at(&s, 30.0), 0.24, 1e-15, 0);
    /* exponent signs are part of numbers, not term separators */
    s = parse_ok("const:amp=1e+1+step:onset=+5,amp=-2.5E-1");
    assert_int_equal(s.n, 2);
    assert_close(st_stimulus_at(&s, 6.0), 9.75, 1e-15, 0);
}

static void test_stimulus_render_matches_at(void **state)
{
    (void)state;
    st_stimulus s = parse_ok("ramp:start=3,slope=0.5+pulse:start=1,width=2,amp=3");
    double out[64];
    st_stimulus_render(&s, 5, 0.25, out, 64);
    for (int i = 0; i < 64; i++)
        assert_true(out[i] == st_stimulus_at(&s, (double)(5 + i) * 0.25));
    double lo, hi;
    st_stimulus_range(&s, 10.0, &lo, &hi);
    assert_close(lo, 0.0, 1e-12, 0);
    assert_close(hi, 3.5, 1e-9, 0);
}

static void test_stimulus_format_roundtrip(void **state)
{
    (void)state;
    const char *specs[] = {"step:onset=300,amp=5", "pulse:start=10,width=3,amp=7.04",
                           "ramp:start=30,slope=0.015,from=-0.5",
                           "const:amp=80+step:onset=50,amp=-5,dur=200,closed"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        st_stimulus a = parse_ok(specs[i]);
        char buf[512];
        st_stimulus_format(&a, buf, sizeof buf);
        assert_string_equal(buf, specs[i]);
        st_stimulus b = parse_ok(buf);
        for (double t = 0; t < 400; t += 0.5)
            assert_true(st_stimulus_at(&a, t) == st_stimulus_at(&b, t));
    }
}

/* Each bad spec fails and the message contains the offending token. */
static void test_stimulus_errors_name_token(void **state)
{
    (void)state;
    const struct { const char *spec, *token; } bad[] = {
        {"stp:onset=1,amp=2", "'stp'"},
        {"step:onset=abc,amp=5", "onset=abc"},
        {"step:amp=5", "'onset'"},
        {"pulse:start=1,amp=2", "'width'"},
        {"step:onset=1,amp=2,foo=3", "'foo'"},
        {"step:onset=1,amp=nan", "amp=nan"},
        {"step:onset=1,amp=inf", "amp=inf"},
        {"pulse:start=1,width=-2,amp=1", "width=-2"},
        {"step:onset=1,amp=2,amp=3", "'amp'"},
        {"const:amp=1+ramp", "'ramp'"},
        {"", "empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        st_stimulus s;
        st_error err = {0};
        assert_int_equal(st_stimulus_parse(bad[i].spec, &s, "--input", &err), ST_ERR_INVAL);
        if (!strstr(err.msg, bad[i].token) || strncmp(err.msg, "--input: ", 9)) {
            print_error("spec '%s': message '%s' lacks %s\n", bad[i].spec, err.msg,
                        bad[i].token);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stimulus_step_edges),
        cmocka_unit_test(test_stimulus_pulse_ramp_const_sum),
        cmocka_unit_test(test_stimulus_render_matches_at),
        cmocka_unit_test(test_stimulus_format_roundtrip),
        cmocka_unit_test(test_stimulus_errors_name_token),
    };
    return cmocka_run_group_tests_name("stimulus", tests, NULL, NULL);
}
