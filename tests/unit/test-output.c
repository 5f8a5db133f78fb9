/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the output helpers: shortest number formatting, the JSON writer, atomic files. */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* ---- sets of outputs ------------------------------------------------------------------------ */

static char tdir[64];

static int make_tdir(void **state)
{
    (void)state;
    snprintf(tdir, sizeof tdir, "/tmp/st-outset-XXXXXX");
    return mkdtemp(tdir) ? 0 : -1;
}

/* Removes everything in the test folder (one level of sub-folders), then the folder. */
static int remove_tdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *name)
{
    static char p[32][256]; /* enough for the longest table below */
    static int k;
    k = (k + 1) % 32;
    snprintf(p[k], sizeof p[k], "%s/%s", tdir, name);
    return p[k];
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Names in the test folder that contain ".tmp-": temporary files left behind. */
static int leftovers(void)
{
    DIR *d = opendir(tdir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

/* Two outputs naming one file, in every spelling, are refused before anything is created;
 * so is an output that is the input. Distinct files are fine. */
static void test_output_set_collisions(void **state)
{
    (void)state;
    put_file(at("in.wav"), "input");
    put_file(at("old.csv"), "old");
    assert_int_equal(mkdir(at("sub"), 0755), 0);
    assert_int_equal(link(at("old.csv"), at("hard.csv")), 0);
    assert_int_equal(symlink(at("old.csv"), at("sym.csv")), 0);
    assert_int_equal(symlink(tdir, at("dirlink")), 0);
    char dotted[300], up[300], viadir[300];
    snprintf(dotted, sizeof dotted, "%s/./new.csv", tdir);
    snprintf(up, sizeof up, "%s/sub/../new.csv", tdir);
    snprintf(viadir, sizeof viadir, "%s/dirlink/new.csv", tdir);
    const struct { const char *first, *second; } same[] = {
        {at("new.csv"), at("new.csv")},    /* the same path, not yet existing */
        {at("new.csv"), dotted},           /* another spelling */
        {at("new.csv"), up},
        {at("new.csv"), viadir},           /* through a symbolic link to the folder */
        {at("old.csv"), at("hard.csv")},   /* a hard link */
        {at("old.csv"), at("sym.csv")},    /* a symbolic link */
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        st_outset *s;
        st_error err = {0};
        assert_int_equal(st_outset_new(&s, &err), ST_OK);
        assert_int_equal(st_outset_add(s, same[i].first, "--trace", 0, NULL, &err), ST_OK);
        assert_int_equal(st_outset_add(s, same[i].second, "--spikes", 0, NULL, &err),
                         ST_ERR_INVAL);
        if (!strstr(err.msg, "--spikes: ") || !strstr(err.msg, "is the same file as --trace")) {
            print_error("'%s' after '%s': %s\n", same[i].second, same[i].first, err.msg);
            fail();
        }
        st_outset_free(s);
    }
    st_outset *s;
    st_error err = {0};
    assert_int_equal(st_outset_new(&s, &err), ST_OK);
    assert_int_equal(st_outset_input(s, at("in.wav"), "input", &err), ST_OK);
    char in_dotted[300];
    snprintf(in_dotted, sizeof in_dotted, "%s/./in.wav", tdir);
    assert_int_equal(st_outset_add(s, in_dotted, "-o", 0, NULL, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "is the same file as the input"));
    int a = -1, b = -1;
    assert_int_equal(st_outset_add(s, at("a.csv"), "--trace", 0, &a, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("sub/a.csv"), "--spikes", 0, &b, &err), ST_OK);
    assert_true(a >= 0 && b > a);
    assert_string_equal(st_outset_name(s, b), at("sub/a.csv"));
    assert_int_equal(st_outset_find(s, at("a.csv")), a);
    assert_int_equal(st_outset_find(s, at("in.wav")), -1); /* an input is no output */
    /* a folder, a missing folder: refused as outputs, with the flag and the path */
    assert_int_equal(st_outset_add(s, at("sub"), "--plot", 0, NULL, &err), ST_ERR_IO);
    assert_non_null(strstr(err.msg, "--plot: "));
    assert_int_equal(st_outset_add(s, at("nowhere/x.csv"), "--plot", 0, NULL, &err), ST_ERR_IO);
    st_outset_free(s); /* never opened: nothing created */
    assert_null(slurp(at("a.csv")));
    assert_string_equal(slurp(at("in.wav")), "input");
    assert_int_equal(st_output_same(dotted, at("new.csv")), true);
    assert_int_equal(st_output_same(at("a.csv"), at("b.csv")), false);
}

/* A set appears whole on commit; a set not committed leaves nothing and changes nothing. */
static void test_output_set_commit_all_or_nothing(void **state)
{
    (void)state;
    put_file(at("keep.csv"), "old");
    st_outset *s;
    st_error err = {0};
    int t, p;
    FILE *f;
    const char *tmp;
    assert_int_equal(st_outset_new(&s, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("keep.csv"), "--trace", 0, &t, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("fig.png"), "--plot", 0, &p, &err), ST_OK);
    assert_int_equal(st_outset_open(s, t, &f, &err), ST_OK);
    fputs("new", f);
    assert_int_equal(st_outset_path(s, p, &tmp, &err), ST_OK);
    /* the temporary file keeps the extension, for writers that choose a format by it */
    assert_non_null(strstr(tmp, "fig.png.tmp-"));
    assert_int_equal(strcmp(tmp + strlen(tmp) - 4, ".png"), 0);
    put_file(tmp, "picture");
    assert_int_equal(leftovers(), 2);
    st_outset_free(s); /* abandoned */
    assert_int_equal(leftovers(), 0);
    assert_string_equal(slurp(at("keep.csv")), "old");
    assert_null(slurp(at("fig.png")));

    assert_int_equal(st_outset_new(&s, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("keep.csv"), "--trace", 0, &t, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("fig.png"), "--plot", 0, &p, &err), ST_OK);
    assert_int_equal(st_outset_open(s, t, &f, &err), ST_OK);
    fputs("new", f);
    assert_int_equal(st_outset_path(s, p, &tmp, &err), ST_OK);
    put_file(tmp, "picture");
    assert_int_equal(st_outset_commit(s, &err), ST_OK);
    st_outset_free(s);
    assert_string_equal(slurp(at("keep.csv")), "new");
    assert_string_equal(slurp(at("fig.png")), "picture");
    assert_int_equal(leftovers(), 0);

    /* an output declared but never written fails the commit: nothing changes */
    assert_int_equal(st_outset_new(&s, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("keep.csv"), "--trace", 0, &t, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("never.csv"), "--spikes", 0, NULL, &err), ST_OK);
    assert_int_equal(st_outset_open(s, t, &f, &err), ST_OK);
    fputs("newer", f);
    assert_int_equal(st_outset_commit(s, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "never.csv"));
    st_outset_free(s);
    assert_string_equal(slurp(at("keep.csv")), "new");
    assert_int_equal(leftovers(), 0);
}

/* When a rename fails halfway, the outputs already renamed are undone: a replaced file gets its
 * old content back, a new one goes away. (The last output's path becomes a non-empty folder
 * after the checks, so that its rename fails.) */
static void test_output_set_rollback(void **state)
{
    (void)state;
    put_file(at("a.csv"), "old a");
    st_outset *s;
    st_error err = {0};
    int ia, ib, ic;
    FILE *fa, *fb, *fc;
    assert_int_equal(st_outset_new(&s, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("a.csv"), "--trace", 0, &ia, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("b.csv"), "--spikes", 0, &ib, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("c.csv"), "--json", 0, &ic, &err), ST_OK);
    assert_int_equal(st_outset_open(s, ia, &fa, &err), ST_OK);
    assert_int_equal(st_outset_open(s, ib, &fb, &err), ST_OK);
    assert_int_equal(st_outset_open(s, ic, &fc, &err), ST_OK);
    fputs("new a", fa);
    fputs("new b", fb);
    fputs("new c", fc);
    assert_int_equal(mkdir(at("c.csv"), 0755), 0);
    put_file(at("c.csv/inside"), "x");
    assert_int_equal(st_outset_commit(s, &err), ST_ERR_IO);
    assert_non_null(strstr(err.msg, "c.csv"));
    st_outset_free(s);
    assert_string_equal(slurp(at("a.csv")), "old a");
    assert_null(slurp(at("b.csv")));
    assert_string_equal(slurp(at("c.csv/inside")), "x");
    assert_int_equal(leftovers(), 0);
}

/* Expected sizes beyond the free space are refused, naming the output. */
static void test_output_set_space(void **state)
{
    (void)state;
    st_outset *s;
    st_error err = {0};
    assert_int_equal(st_outset_new(&s, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("small.csv"), "--spikes", 1000, NULL, &err), ST_OK);
    assert_int_equal(st_outset_check_space(s, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("huge.csv"), "--trace", UINT64_MAX / 4, NULL, &err),
                     ST_OK);
    assert_int_equal(st_outset_check_space(s, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "huge.csv"));
    assert_non_null(strstr(err.msg, "is free on its file system"));
    st_outset_free(s);
    /* a size known only later (after the input is read) */
    int id;
    assert_int_equal(st_outset_new(&s, &err), ST_OK);
    assert_int_equal(st_outset_add(s, at("later.wav"), "-o", 0, &id, &err), ST_OK);
    assert_int_equal(st_outset_check_space(s, &err), ST_OK);
    st_outset_expect(s, id, UINT64_MAX / 4);
    assert_int_equal(st_outset_check_space(s, &err), ST_ERR_INVAL);
    assert_non_null(strstr(err.msg, "-o: about"));
    st_outset_free(s);
    char b[32];
    assert_string_equal(st_format_size(b, sizeof b, 512), "512 B");
    assert_string_equal(st_format_size(b, sizeof b, 1536), "1.5 KiB");
    assert_string_equal(st_format_size(b, sizeof b, (uint64_t)3 << 30), "3.0 GiB");
    assert_string_equal(st_format_size(b, sizeof b, (uint64_t)100 << 20), "100 MiB");
}

/* A termination signal removes every registered temporary file - of single files, of sets,
 * of WAV writers - and ends the process by that signal; committed files stay. Held signals
 * wait for the release. Each case runs in a child process. */
static void test_output_signal_removes_temporaries(void **state)
{
    (void)state;
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        put_file(at("done.csv"), "committed");
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            signal(sigs[i], SIG_DFL);
            st_temp_catch_signals();
            st_outfile o;
            st_outset *s;
            FILE *f;
            int id;
            if (st_outfile_open(&o, at("single.csv"), NULL) || st_outset_new(&s, NULL) ||
                st_outset_add(s, at("set.csv"), "--trace", 0, &id, NULL) ||
                st_outset_open(s, id, &f, NULL))
                _exit(3);
            fputs("partial", o.f);
            fflush(o.f);
            st_temp_hold();
            raise(sigs[i]);
            /* still here: the signal waits */
            put_file(at("held.txt"), "reached");
            st_temp_release();
            _exit(4); /* not reached */
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), sigs[i]);
        assert_string_equal(slurp(at("held.txt")), "reached");
        assert_int_equal(leftovers(), 0);
        assert_null(slurp(at("single.csv")));
        assert_null(slurp(at("set.csv")));
        assert_string_equal(slurp(at("done.csv")), "committed");
        unlink(at("held.txt"));
    }
    /* a signal ignored at the start stays ignored (nohup) */
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGHUP, SIG_IGN);
        st_temp_catch_signals();
        raise(SIGHUP);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_format_double),
        cmocka_unit_test(test_output_json_writer),
        cmocka_unit_test(test_output_outfile_atomic),
        cmocka_unit_test_setup_teardown(test_output_set_collisions, make_tdir, remove_tdir),
        cmocka_unit_test_setup_teardown(test_output_set_commit_all_or_nothing, make_tdir,
                                        remove_tdir),
        cmocka_unit_test_setup_teardown(test_output_set_rollback, make_tdir, remove_tdir),
        cmocka_unit_test_setup_teardown(test_output_set_space, make_tdir, remove_tdir),
        cmocka_unit_test_setup_teardown(test_output_signal_removes_temporaries, make_tdir,
                                        remove_tdir),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
