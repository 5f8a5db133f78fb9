/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the output helpers: shortest number formatting, the JSON writer, atomic files. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "st-test.h"
#include "spiketalk/output.h"

static void test_output_format_double(void **state)
{
    (void)state;
    char b[40];
    assert_string_equal(st_format_double(b, sizeof b, 0.1), "0.1");
    assert_string_equal(st_format_double(b, sizeof b, 100), "100");
    assert_string_equal(st_format_double(b, sizeof b, -65), "-65");
    assert_string_equal(st_format_double(b, sizeof b, 1e20), "1e+20");
    const double xs[] = {100.0 / 11, 1.0 / 3, -15.860000000000001, 2.5e-7, 123456789.125};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        assert_true(strtod(st_format_double(b, sizeof b, xs[i]), NULL) == xs[i]);
}

static void test_output_json_writer(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    st_json j;
    st_json_init(&j, f);
    st_json_object_begin(&j, NULL);
    st_json_string(&j, "name", "a \"q\"\n");
    st_json_number(&j, "x", 0.5);
    st_json_number(&j, "bad", NAN);
    st_json_array_begin(&j, "t", true);
    st_json_number(&j, NULL, 1);
    st_json_number(&j, NULL, 2.5);
    st_json_array_end(&j);
    st_json_array_begin(&j, "empty", true);
    st_json_array_end(&j);
    st_json_object_end(&j);
    fclose(f);
    assert_string_equal(buf, "{\n  \"name\": \"a \\\"q\\\"\\n\",\n  \"x\": 0.5,\n"
                             "  \"bad\": null,\n  \"t\": [1, 2.5],\n  \"empty\": []\n}\n");
    free(buf);
}

static void test_output_outfile_atomic(void **state)
{
    (void)state;
    char dir[] = "/tmp/st-out-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/result.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("old\n", f);
    fclose(f);

    st_outfile o;
    assert_int_equal(st_outfile_open(&o, path, NULL), ST_OK);
    fputs("new\n", o.f);
    st_outfile_abort(&o); /* abandoned: the old content stays */
    char line[16] = {0};
    f = fopen(path, "r");
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "old\n");

    assert_int_equal(st_outfile_open(&o, path, NULL), ST_OK);
    fputs("new\n", o.f);
    assert_int_equal(st_outfile_commit(&o, NULL), ST_OK);
    f = fopen(path, "r");
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "new\n");

    st_error err = {0};
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/x.csv", dir);
    assert_int_equal(st_output_check(bad, &err), ST_ERR_IO);
    assert_non_null(strstr(err.msg, bad));
    assert_int_equal(st_output_check(dir, &err), ST_ERR_IO); /* a folder */
    unlink(path);
    assert_int_equal(rmdir(dir), 0); /* nothing else was left behind */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_format_double),
        cmocka_unit_test(test_output_json_writer),
        cmocka_unit_test(test_output_outfile_atomic),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
