/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the number reader: the whole token or nothing, each refusal with its reason, the
 * subnormal range, very long numerals, and the round trip with st_format_double. */
#include <float.h>
#include <locale.h>
#include <stdbool.h>
#include <string.h>

#include "st-test.h"
#include "spiketalk/number.h"

static st_number_status parse(const char *s, double *x)
{
    return st_number_parse(s, strlen(s), x);
}

/* Accepted tokens and the value C's own reading of the same decimal gives. */
static void test_number_accepts_decimals(void **state)
{
    (void)state;
    const struct { const char *text; double value; } ok[] = {
        {"5", 5.0},           {"-2", -2.0},        {"+0.25", 0.25},     {".5", 0.5},
        {"5.", 5.0},          {"1e3", 1000.0},     {"1E-3", 0.001},     {"-1.5e+2", -150.0},
        {"0", 0.0},           {"-0", -0.0},        {"007", 7.0},        {"0e999999", 0.0},
        {"1.7976931348623157e308", DBL_MAX},       {"2.2250738585072014e-308", DBL_MIN},
        {"4.9406564584124654e-324", 4.9406564584124654e-324},   /* the smallest subnormal */
        {"5e-324", 4.9406564584124654e-324},  {"1e-310", 1e-310},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double x = 42;
        st_number_status st = parse(ok[i].text, &x);
        if (st != ST_NUMBER_OK || memcmp(&x, &ok[i].value, sizeof x)) {
            print_error("'%s': status %d, value %.17g, expected %.17g\n", ok[i].text, (int)st, x,
                        ok[i].value);
            fail();
        }
    }
    double x;
    assert_int_equal(parse("-0", &x), ST_NUMBER_OK);
    assert_true(signbit(x));
}

/* Each refusal has its own status, and leaves the output alone. */
static void test_number_refuses_with_reason(void **state)
{
    (void)state;
    const struct { const char *text; st_number_status st; } bad[] = {
        {"", ST_NUMBER_EMPTY},          {" 5", ST_NUMBER_SPACE},      {"5 ", ST_NUMBER_SPACE},
        {"1 0", ST_NUMBER_SPACE},       {"\t5", ST_NUMBER_SPACE},     {"5\n", ST_NUMBER_SPACE},
        {"0x10", ST_NUMBER_HEX},        {"-0X1p3", ST_NUMBER_HEX},    {"inf", ST_NUMBER_WORD},
        {"-Infinity", ST_NUMBER_WORD},  {"NaN", ST_NUMBER_WORD},      {"nan(0x1)", ST_NUMBER_WORD},
        {"abc", ST_NUMBER_SYNTAX},      {"1e", ST_NUMBER_SYNTAX},     {"1e+", ST_NUMBER_SYNTAX},
        {".", ST_NUMBER_SYNTAX},        {"-", ST_NUMBER_SYNTAX},      {"+-1", ST_NUMBER_SYNTAX},
        {"1.2.3", ST_NUMBER_SYNTAX},    {"5,", ST_NUMBER_SYNTAX},     {"5:", ST_NUMBER_SYNTAX},
        {"1,5", ST_NUMBER_SYNTAX},      {"e5", ST_NUMBER_SYNTAX},     {"5ms", ST_NUMBER_SYNTAX},
        {"1e309", ST_NUMBER_OVERFLOW},  {"-2e308", ST_NUMBER_OVERFLOW},
        {"1e-400", ST_NUMBER_UNDERFLOW}, {"-2e-324", ST_NUMBER_UNDERFLOW},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double x = 42;
        st_number_status st = parse(bad[i].text, &x);
        if (st != bad[i].st || x != 42) {
            print_error("'%s': status %d, expected %d\n", bad[i].text, (int)st, (int)bad[i].st);
            fail();
        }
        assert_true(strlen(st_number_why(st)) > 0);
    }
    /* a NUL inside the span is not the end of the number */
    double x = 42;
    assert_int_equal(st_number_parse("12\0" "3", 4, &x), ST_NUMBER_SYNTAX);
    assert_int_equal(st_number_parse(NULL, 0, &x), ST_NUMBER_EMPTY);
}

/* A span is read to its end and never past it: "12" out of "123". */
static void test_number_reads_the_span_only(void **state)
{
    (void)state;
    double x;
    assert_int_equal(st_number_parse("123", 2, &x), ST_NUMBER_OK);
    assert_true(x == 12.0);
    assert_int_equal(st_number_parse("1e5", 2, &x), ST_NUMBER_SYNTAX); /* "1e" */
}

/* Numerals of any length are read whole: a thousand digits are neither cut nor misread. */
static void test_number_long_numerals(void **state)
{
    (void)state;
    enum { N = 3000 };
    static char s[N + 8];
    /* 0.000...0005 with 2000 zeros: too close to 0 for a double, and said so */
    strcpy(s, "0.");
    memset(s + 2, '0', 2000);
    strcpy(s + 2002, "5");
    double x = 42;
    assert_int_equal(parse(s, &x), ST_NUMBER_UNDERFLOW);
    /* 000...0005 with 2000 leading zeros is 5 */
    memset(s, '0', 2000);
    strcpy(s + 2000, "5");
    assert_int_equal(parse(s, &x), ST_NUMBER_OK);
    assert_true(x == 5.0);
    /* 1 followed by 400 zeros is too large */
    s[0] = '1';
    memset(s + 1, '0', 400);
    s[401] = '\0';
    assert_int_equal(parse(s, &x), ST_NUMBER_OVERFLOW);
    /* 0.1000...0001 (1500 digits after the point): the digit far out decides nothing here,
     * but it is read, so the result is the nearest double to 0.1 */
    strcpy(s, "0.1");
    memset(s + 3, '0', 1500);
    strcpy(s + 1503, "1");
    assert_int_equal(parse(s, &x), ST_NUMBER_OK);
    assert_true(x == 0.1);
}

/* Whatever st_format_double writes reads back to the same double, subnormals included. */
static void test_number_format_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 0x9e3779b97f4a7c15u;
    char buf[64];
    for (int i = 0; i < 200000; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        double x;
        uint64_t bits = seed;
        if (i % 4 == 0)
            bits &= 0x800fffffffffffffu; /* exponent 0: a subnormal (or zero) */
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        st_format_double(buf, sizeof buf, x);
        double y = 42;
        st_number_status st = parse(buf, &y);
        if (st != ST_NUMBER_OK || memcmp(&x, &y, sizeof x)) {
            print_error("%.17g written as '%s' reads back as %.17g (status %d)\n", x, buf, y,
                        (int)st);
            fail();
        }
    }
}

/* The reading does not depend on the process's locale (a desktop app sets it): under a locale
 * whose decimal separator is ',' strtod alone would stop at the '.'. Skipped where no such
 * locale is installed. */
static void test_number_locale_independent(void **state)
{
    (void)state;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8"};
    bool comma = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !comma; i++)
        comma = setlocale(LC_NUMERIC, names[i]) && !strcmp(localeconv()->decimal_point, ",");
    if (!comma) {
        setlocale(LC_NUMERIC, "C");
        print_message("skipped: no locale with a decimal comma is installed here\n");
        skip();
    }
    double x;
    st_number_status st1 = parse("0.25", &x);
    double x1 = x;
    st_number_status st2 = parse("0,25", &x);
    setlocale(LC_NUMERIC, "C");
    assert_int_equal(st1, ST_NUMBER_OK);
    assert_true(x1 == 0.25);
    assert_int_equal(st2, ST_NUMBER_SYNTAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_accepts_decimals),
        cmocka_unit_test(test_number_refuses_with_reason),
        cmocka_unit_test(test_number_reads_the_span_only),
        cmocka_unit_test(test_number_long_numerals),
        cmocka_unit_test(test_number_format_round_trip),
        cmocka_unit_test(test_number_locale_independent),
    };
    return cmocka_run_group_tests_name("number", tests, NULL, NULL);
}
