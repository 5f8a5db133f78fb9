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

/* Blanks around the separators are allowed; inside a kind, a key or a number they are not, and
 * nothing else is silently dropped: a trailing or doubled separator is an error. */
static void test_stimulus_blanks_and_separators(void **state)
{
    (void)state;
    st_stimulus s = parse_ok("  step : onset = 300 , amp = 5 , closed  +  const:amp=1\t");
    assert_int_equal(s.n, 2);
    assert_true(s.term[0].closed);
    assert_true(st_stimulus_at(&s, 301) == 6.0);
    const struct { const char *spec, *token; } bad[] = {
        {"step:onset=3 00,amp=5", "onset=3 00"},      /* not 300 */
        {"step:onset=300,amp=5,", "nothing after"},   /* trailing ',' */
        {"step:,onset=300,amp=5", "nothing before"},
        {"step:onset=300,,amp=5", "nothing after"},
        {"step:", "needs"},                           /* trailing ':' */
        {"const:amp=1+", "an empty term"},            /* trailing '+' */
        {"+const:amp=1", "an empty term"},
        {"const:amp=1 + + const:amp=2", "an empty term"},
        {"st ep:onset=1,amp=1", "unknown kind 'st ep'"},
        {"step:on set=1,amp=1", "unknown key 'on set'"},
        {"step:onset=0x10,amp=1", "hexadecimal"},
        {"step:onset=1,amp=1e309", "too large"},
        {"step:onset=1,amp=1e-400", "too close to 0"},
        {"step:onset=1,amp", "'amp' needs a value"},
        {"step:onset=1,amp=", "amp=' is not a finite number"},
        {"step:onset=1:amp=2", "onset=1:amp=2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        st_error err = {0};
        assert_int_equal(st_stimulus_parse(bad[i].spec, &s, "--input", &err), ST_ERR_INVAL);
        if (!strstr(err.msg, bad[i].token) || strncmp(err.msg, "--input: ", 9)) {
            print_error("spec '%s': message '%s' lacks %s\n", bad[i].spec, err.msg,
                        bad[i].token);
            fail();
        }
    }
}

/* Numbers are read whole, however long: nothing is cut at a buffer's end. */
static void test_stimulus_long_text_is_read_whole(void **state)
{
    (void)state;
    /* amp=0.000...0005 with 300 zeros after the point: 5e-301, exactly as written */
    char spec[600];
    int n = snprintf(spec, sizeof spec, "const:amp=0.");
    memset(spec + n, '0', 300);
    snprintf(spec + n + 300, sizeof spec - (size_t)n - 300, "5");
    st_stimulus s = parse_ok(spec);
    assert_true(s.term[0].amp == 5e-301);
    /* and a key of 400 letters is an unknown key, not a truncated known one */
    char key[512] = "step:onset=1,amp=1,";
    memset(key + strlen(key), 'a', 400);
    st_error err = {0};
    assert_int_equal(st_stimulus_parse(key, &s, "--input", &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "unknown key 'aaaa"));
    assert_non_null(strstr(err.msg, "...")); /* quoted short, said so */
}

/* Subnormal numbers are finite: accepted, and written back so that they read the same. */
static void test_stimulus_subnormal(void **state)
{
    (void)state;
    st_stimulus s = parse_ok("ramp:start=0,slope=5e-324");
    assert_true(s.term[0].slope == 4.9406564584124654e-324);
    char buf[ST_STIMULUS_TEXT_MAX];
    st_stimulus_format(&s, buf, sizeof buf);
    st_stimulus b = parse_ok(buf);
    assert_true(b.term[0].slope == s.term[0].slope);
}

static void assert_same_terms(const st_stimulus *a, const st_stimulus *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const st_stim_term *x = &a->term[i], *y = &b->term[i];
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->closed, y->closed);
        assert_memory_equal(&x->amp, &y->amp, sizeof x->amp); /* bit for bit, -0 included */
        assert_memory_equal(&x->start_ms, &y->start_ms, sizeof x->start_ms);
        assert_memory_equal(&x->dur_ms, &y->dur_ms, sizeof x->dur_ms);
        assert_memory_equal(&x->slope, &y->slope, sizeof x->slope);
        assert_memory_equal(&x->from, &y->from, sizeof x->from);
    }
}

/* The longest text a stimulus can have fits ST_STIMULUS_TEXT_MAX and reads back bit for bit; a
 * small buffer gets a cut, terminated copy and the full length. */
static void test_stimulus_format_bounds(void **state)
{
    (void)state;
    st_stimulus s = {.n = ST_STIM_MAX_TERMS};
    const double awkward[] = {-1.2345678901234567e-308, -0.00012345678901234567,
                              -9999999999999998.0, -4.9406564584124654e-324};
    for (size_t i = 0; i < ST_STIM_MAX_TERMS; i++) {
        st_stim_term *t = &s.term[i];
        t->kind = i % 2 ? ST_STIM_RAMP : ST_STIM_STEP;
        t->amp = t->kind == ST_STIM_STEP ? awkward[i % 4] : 0.0;
        t->start_ms = awkward[(i + 1) % 4];
        t->dur_ms = fabs(awkward[(i + 2) % 4]);
        t->slope = t->kind == ST_STIM_RAMP ? awkward[(i + 3) % 4] : 0.0;
        t->from = t->kind == ST_STIM_RAMP ? -0.0 : 0.0;
        t->closed = t->kind == ST_STIM_STEP;
    }
    static char big[ST_STIMULUS_TEXT_MAX];
    int len = st_stimulus_format(&s, big, sizeof big);
    assert_true(len > 0 && (size_t)len < sizeof big);
    assert_int_equal(strlen(big), (size_t)len);
    st_stimulus back = parse_ok(big);
    assert_same_terms(&s, &back);
    char small[20];
    assert_int_equal(st_stimulus_format(&s, small, sizeof small), len);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(strncmp(small, big, sizeof small - 1), 0);
    assert_int_equal(st_stimulus_format(&s, NULL, 0), len);
}

/* Terms that overflow when summed make the range infinite, or NAN for inf - inf. */
static void test_stimulus_range_overflow(void **state)
{
    (void)state;
    double lo, hi;
    st_stimulus s = parse_ok("const:amp=1e308+const:amp=1e308");
    st_stimulus_range(&s, 100, &lo, &hi);
    assert_true(isinf(hi) && hi > 0);
    s = parse_ok("ramp:start=0,slope=1e308+ramp:start=0,slope=-1e308");
    st_stimulus_range(&s, 100, &lo, &hi);
    assert_true(isnan(lo) && isnan(hi));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stimulus_step_edges),
        cmocka_unit_test(test_stimulus_pulse_ramp_const_sum),
        cmocka_unit_test(test_stimulus_render_matches_at),
        cmocka_unit_test(test_stimulus_format_roundtrip),
        cmocka_unit_test(test_stimulus_errors_name_token),
        cmocka_unit_test(test_stimulus_blanks_and_separators),
        cmocka_unit_test(test_stimulus_long_text_is_read_whole),
        cmocka_unit_test(test_stimulus_subnormal),
        cmocka_unit_test(test_stimulus_format_bounds),
        cmocka_unit_test(test_stimulus_range_overflow),
    };
    return cmocka_run_group_tests_name("stimulus", tests, NULL, NULL);
}
