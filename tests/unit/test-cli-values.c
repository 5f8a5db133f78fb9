/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the command line's value readers and limits (src/cli/cli.c, cli-limits.c): lists
 * read whole with every malformed separator refused, sizes with units, the memory limit and
 * its counting allocator, the window check and the pipeline's memory estimate. */
#include <string.h>

#include "st-test.h"
#include "cli.h"

static char *messages;
static size_t messages_len;
static FILE *message_stream;

static int capture(void **state)
{
    (void)state;
    message_stream = open_memstream(&messages, &messages_len);
    cli_error_stream(message_stream);
    return message_stream ? 0 : -1;
}

static int release(void **state)
{
    (void)state;
    cli_error_stream(NULL);
    fclose(message_stream);
    free(messages);
    messages = NULL;
    return 0;
}

static const char *said(void)
{
    fflush(message_stream);
    return messages ? messages : "";
}

static void expect_msg(const st_error *err, const char *part)
{
    if (!strstr(err->msg, part)) {
        print_error("message '%s' lacks '%s'\n", err->msg, part);
        fail();
    }
}

static void test_cli_number(void **state)
{
    (void)state;
    double x = 42;
    st_error err = {0};
    assert_true(cli_parse_number("--dt", "0.5", &x, &err));
    assert_true(x == 0.5);
    assert_true(cli_parse_number("--dt", "5e-324", &x, &err)); /* subnormal: finite */
    assert_true(x > 0);
    const struct { const char *text, *part; } bad[] = {
        {" 5", "--dt: ' 5' is not a finite number (spaces"},
        {"5 ", "--dt: '5 ' is not a finite number (spaces"},
        {"0x10", "hexadecimal"},
        {"nan", "inf and nan"},
        {"1e999", "too large"},
        {"", "--dt: '' is not a finite number (empty)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        x = 42;
        assert_false(cli_parse_number("--dt", bad[i].text, &x, &err));
        assert_true(x == 42);
        assert_int_equal(err.code, ST_ERR_INVAL);
        expect_msg(&err, bad[i].part);
    }
    /* a long value is quoted short in the message, and read whole: here it is not a number
     * only because of its last character */
    char text[400];
    memset(text, '1', sizeof text - 2);
    text[sizeof text - 2] = 'x';
    text[sizeof text - 1] = '\0';
    assert_false(cli_parse_number("--gain", text, &x, &err));
    expect_msg(&err, "111...' is not a finite number");
}

static void test_cli_number_lists(void **state)
{
    (void)state;
    double x[8];
    size_t n;
    st_error err = {0};
    assert_true(cli_parse_numbers("--at", "1,2.5,-3", ',', x, 8, &n, &err));
    assert_int_equal(n, 3);
    assert_true(x[0] == 1 && x[1] == 2.5 && x[2] == -3);
    assert_true(cli_parse_numbers("--fi", "0:20:1", ':', x, 3, &n, &err));
    assert_int_equal(n, 3);
    const struct { const char *text; char sep; const char *part; } bad[] = {
        {"", ',', "--at: needs a number"},
        {"5,", ',', "'5,' ends with ','"},
        {",5", ',', "nothing before it"},
        {"1,,2", ',', "nothing after it"},
        {"0:20:1:", ':', "ends with ':'"},
        {"0::1", ':', "nothing after it"},
        {"1, 2", ',', "' 2' is not a finite number (spaces"},
        {"1,2,3,4,5,6,7,8,9", ',', "has more than 8 values"},
        {"1;2", ',', "'1;2' is not a finite number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(cli_parse_numbers("--at", bad[i].text, bad[i].sep, x, 8, &n, &err));
        expect_msg(&err, bad[i].part);
    }
    /* a list of 2000 characters is read to its end: the bad value at the end is found */
    static char longlist[2100];
    for (size_t i = 0; i < 1000; i++)
        memcpy(longlist + 2 * i, "1,", 2);
    strcpy(longlist + 2000, "x");
    static double many[1001];
    assert_false(cli_parse_numbers("--at", longlist, ',', many, 1001, &n, &err));
    expect_msg(&err, "'x' is not a finite number");
    assert_int_equal(n, 1000);
}

static void test_cli_sizes(void **state)
{
    (void)state;
    uint64_t b;
    st_error err = {0};
    const struct { const char *text; uint64_t bytes; } ok[] = {
        {"100000", 100000},     {"512M", 512u << 20},  {"512mib", 512u << 20},
        {"1.5GiB", 3u << 29},   {"2g", 2ull << 30},    {"1T", 1ull << 40},
        {"64k", 65536},         {"10B", 10},           {"1e3K", 1024000},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_true(cli_parse_size("--max-memory", ok[i].text, &b, &err));
        assert_true(b == ok[i].bytes);
    }
    const struct { const char *text, *part; } bad[] = {
        {"0", "at least 1 byte"},        {"-1M", "at least 1 byte"},
        {"12Q", "unknown unit 'Q'"},     {"nan", "inf and nan"},
        {"1e30", "below 16 EiB"},        {"M", "not a finite number"},
        {" 1G", "spaces"},               {"0x10M", "hexadecimal"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(cli_parse_size("--max-memory", bad[i].text, &b, &err));
        expect_msg(&err, bad[i].part);
    }
}

/* The limit is enforced on the library's allocations, and a check before the work names the
 * flag and both sizes. */
static void test_cli_memory_limit(void **state)
{
    (void)state;
    cli_memory_init();
    assert_true(cli_memory_limit() > 0);
    assert_int_equal(cli_memory_option("1M"), CLI_OK);
    assert_true(cli_memory_limit() == 1u << 20);
    void *small = st_malloc(1000);
    assert_non_null(small);
    small = st_realloc(small, 500000);
    assert_non_null(small);
    assert_false(cli_memory_refused());
    assert_null(st_malloc(600000)); /* 500000 + 600000 > 1 MiB */
    assert_true(cli_memory_refused());
    st_free(small);
    void *again = st_malloc(900000); /* freed memory counts no more */
    assert_non_null(again);
    st_free(again);
    assert_int_equal(cli_memory_check("--smooth", "the run", 2u << 20), CLI_USAGE);
    assert_non_null(strstr(said(), "--smooth: the run needs about 2.0 MiB of memory, more than "
                                   "the limit of 1.0 MiB (--max-memory"));
    assert_int_equal(cli_memory_check("--smooth", "the run", 1000), CLI_OK);
    st_error err = {0};
    st_error_set(&err, ST_ERR_NOMEM, "pipeline: out of memory");
    assert_int_equal(cli_report(&err), CLI_FAIL);
    assert_non_null(strstr(said(), "pipeline: out of memory (the memory limit of 1.0 MiB was "
                                   "reached; see --max-memory)"));
    assert_int_equal(cli_memory_option("nonsense"), CLI_USAGE);
    st_set_allocator(NULL, NULL);
}

/* The pipeline's estimate grows with what the run keeps: the 1 s file smoothed over
 * 1e9 samples needs about 4 GB (a float per sample of the window), a plain second of 44.1 kHz
 * sound a few MB. */
static void test_cli_pipeline_memory(void **state)
{
    (void)state;
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe("default", false, &c, NULL), ST_OK);
    uint64_t plain = cli_pipeline_memory(&c, 44100, 44100, false, 0);
    assert_true(plain > 44100 * 4 && plain < (16u << 20));
    assert_true(cli_pipeline_memory(&c, 44100, 44100, true, 0) > plain);
    assert_true(cli_pipeline_memory(&c, 441000, 44100, false, 0) > plain);
    c.smooth_n = 1000000000;
    assert_true(cli_pipeline_memory(&c, 8000, 8000, false, 0) > 3.9e9);
    assert_true(cli_pipeline_memory(&c, 8000, 8000, false, 64) > 3.9e9);
    assert_int_equal(cli_window_check("--smooth", 1e9, 8000, 8000), CLI_USAGE);
    assert_non_null(strstr(said(), "--smooth: 1000000000 samples (1.25e+05 s) is longer than "
                                   "the input (8000 samples, 1 s)"));
    assert_int_equal(cli_window_check("--smooth", 8000, 8000, 8000), CLI_OK);
    assert_true(cli_csv_bytes(1000, 4) >= 1000 * 4 * 10);
    assert_true(cli_csv_bytes(1e30, 9) == UINT64_MAX);
}

/* Exit codes: bad input (INVAL, FORMAT) is 2, a failed run 1. */
static void test_cli_exit_codes(void **state)
{
    (void)state;
    st_error err = {0};
    const struct { st_status code; int exit; } map[] = {
        {ST_ERR_INVAL, CLI_USAGE}, {ST_ERR_FORMAT, CLI_USAGE},  {ST_ERR_IO, CLI_FAIL},
        {ST_ERR_NUMERIC, CLI_FAIL}, {ST_ERR_DEVICE, CLI_FAIL}, {ST_ERR_NOMEM, CLI_FAIL},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        st_error_set(&err, map[i].code, "x: y");
        assert_int_equal(cli_report(&err), map[i].exit);
    }
    st_error_set(&err, ST_ERR_IO, "out.csv: cannot write");
    assert_int_equal(cli_refuse(&err), CLI_USAGE); /* before any work: the request's fault */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_number),
        cmocka_unit_test(test_cli_number_lists),
        cmocka_unit_test(test_cli_sizes),
        cmocka_unit_test_setup_teardown(test_cli_memory_limit, capture, release),
        cmocka_unit_test_setup_teardown(test_cli_pipeline_memory, capture, release),
        cmocka_unit_test_setup_teardown(test_cli_exit_codes, capture, release),
    };
    return cmocka_run_group_tests_name("cli-values", tests, NULL, NULL);
}
