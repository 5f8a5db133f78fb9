/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the listening network (cortex.h): its time mapping, its tonotopy and its sound
 * against invariants (silence, a tone in one band, the bounds of the sound, blocks). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "st-test.h"
#include "spiketalk/cortex.h"

#define PI 3.14159265358979323846
#define FS 44100.0

/* A small network: 300 neurons, 240 excitatory in 16 groups of 15. */
static st_cortex_config small(st_net_drive drive)
{
    st_cortex_config c;
    assert_int_equal(st_cortex_config_default(&c, "izh2003", 300, 0, 16, FS, NULL), ST_OK);
    c.drive = drive;
    return c;
}

/* Spikes per band (its group) and in all, from st_net_run's reports. */
typedef struct counts {
    const st_cortex *cx;
    uint64_t from;              /* stamps before this are not counted */
    uint64_t band[16], inh, all;
    uint64_t last_stamp;
    bool ordered;
} counts;

static void count(void *ud, uint64_t stamp, const uint32_t *ids, size_t n)
{
    counts *k = ud;
    k->ordered = k->ordered && stamp == k->last_stamp + 1;
    k->last_stamp = stamp;
    if (stamp < k->from)
        return;
    for (size_t i = 0; i < n; i++) {
        int b = st_cortex_band_of(k->cx, ids[i]);
        if (b < 0)
            k->inh++;
        else
            k->band[b]++;
        k->all++;
    }
}

static float *tone(size_t n, double f, double amp)
{
    float *x = malloc(n * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(amp * sin(2 * PI * f * (double)i / FS));
    return x;
}

/* The groups: contiguous, covering the excitatory neurons, lowest band lowest ids, sizes
 * within one of each other; centres as the filterbank's. */
static void test_cortex_groups(void **state)
{
    (void)state;
    st_cortex_config c = small(ST_NET_DRIVE_ADD);
    st_cortex *cx;
    assert_int_equal(st_cortex_create(&c, &cx, NULL), ST_OK);
    uint32_t at = 0;
    for (size_t j = 0; j < 16; j++) {
        uint32_t first, n;
        st_cortex_group(cx, j, &first, &n);
        assert_int_equal(first, at);
        assert_int_equal(n, 15);
        assert_int_equal(st_cortex_band_of(cx, first), (int)j);
        assert_int_equal(st_cortex_band_of(cx, first + n - 1), (int)j);
        at += n;
    }
    assert_int_equal(at, 240);
    assert_int_equal(st_cortex_band_of(cx, 240), -1);
    assert_close(st_cortex_band_hz(cx, 0), 100.0, 0, 0);
    assert_close(st_cortex_band_hz(cx, 15), 8000.0, 0, 0);
    st_cortex_destroy(cx);
}

/* One network step per millisecond of sound at every rate: floor(n * 1000 / fs) steps after n
 * samples, however the sound is split, stamps one after the other. */
static void test_cortex_one_step_per_ms(void **state)
{
    (void)state;
    const double rates[] = {44100.0, 48000.0, 22050.0, 11025.0};
    for (size_t r = 0; r < 4; r++) {
        st_cortex_config c = small(ST_NET_DRIVE_ADD);
        c.bank.fs_hz = rates[r];
        c.bank.fmax_hz = rates[r] < 20000 ? 3000.0 : 8000.0;
        st_cortex *cx;
        assert_int_equal(st_cortex_create(&c, &cx, NULL), ST_OK);
        size_t n = (size_t)(0.3 * rates[r]) + 17;
        float *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y);
        counts k = {.cx = cx, .ordered = true};
        for (size_t at = 0, m = 1; at < n; at += m, m = m * 3 % 997 + 1) {
            m = m < n - at ? m : n - at;
            st_cortex_process(cx, x + at, y + at, m, count, &k);
        }
        st_cortex_stats st;
        st_cortex_stats_get(cx, &st);
        assert_int_equal(st.samples, n);
        assert_int_equal(st.steps, (uint64_t)n * 1000 / (uint64_t)rates[r]);
        assert_int_equal(k.last_stamp, st.steps);
        assert_true(k.ordered);
        assert_int_equal(st.spikes, k.all);
        free(x);
        free(y);
        st_cortex_destroy(cx);
    }
}

/* Silence in, the bands instead of the noise: nothing drives the network, nothing fires, and
 * the sound is exactly 0. With the noise, the network fires on its own and is heard. */
static void test_cortex_silence(void **state)
{
    (void)state;
    enum { N = 22050 };
    float *x = calloc(N, sizeof *x), *y = malloc(N * sizeof *y);
    for (int mode = 0; mode < 2; mode++) {
        st_cortex_config c = small(mode ? ST_NET_DRIVE_ADD : ST_NET_DRIVE_REPLACE);
        st_cortex *cx;
        assert_int_equal(st_cortex_create(&c, &cx, NULL), ST_OK);
        counts k = {.cx = cx, .ordered = true};
        st_cortex_process(cx, x, y, N, count, &k);
        double peak = 0.0;
        for (int i = 0; i < N; i++)
            peak = fmax(peak, fabs(y[i]));
        if (mode == 0) {
            assert_int_equal(k.all, 0);
            assert_true(peak == 0.0);
        } else {
            assert_true(k.all > 100); /* noise of sd 5 and 2: the network's own rhythm */
            assert_true(peak > 0.0 && peak < 1.0);
        }
        st_cortex_destroy(cx);
    }
    free(x);
    free(y);
}

/* The power of x[0 .. n) at frequency f (a DFT at that one frequency), as an amplitude^2. */
static double power_at(const float *x, size_t n, double f)
{
    double re = 0.0, im = 0.0;
    for (size_t i = 0; i < n; i++) {
        re += x[i] * cos(2 * PI * f * (double)i / FS);
        im += x[i] * sin(2 * PI * f * (double)i / FS);
    }
    return 4.0 * (re * re + im * im) / ((double)n * (double)n);
}

/* A tone at band k's centre, the bands alone, no gate (a steady tone is what an adaptive gate
 * takes for the room's noise): after the onset (its first 200 ms, while the current's
 * reference learns the level) group k fires most, ten times more than all the others
 * together, 90 % of the sound's power at the bands' centres is at band k's, and each band's
 * current is the gain times the band's response to the tone relative to band k's. */
static void test_cortex_tone_in_its_band(void **state)
{
    (void)state;
    enum { N = 44100 };
    const size_t bands[] = {2, 8, 13};
    for (size_t t = 0; t < 3; t++) {
        size_t kb = bands[t];
        st_cortex_config c = small(ST_NET_DRIVE_REPLACE);
        c.front.gate = ST_GATE_OFF;
        st_cortex *cx;
        assert_int_equal(st_cortex_create(&c, &cx, NULL), ST_OK);
        float *x = tone(N, st_cortex_band_hz(cx, kb), 0.3), *y = malloc(N * sizeof *y);
        counts k = {.cx = cx, .ordered = true, .from = 200};
        st_cortex_process(cx, x, y, N, count, &k);
        uint64_t others = 0;
        for (size_t j = 0; j < 16; j++)
            if (j != kb) {
                others += k.band[j];
                assert_true(k.band[j] < k.band[kb]);
            }
        print_message("tone at band %zu (%.0f Hz): its group %llu spikes, the other 15 groups "
                      "%llu, inhibitory %llu\n", kb, st_cortex_band_hz(cx, kb),
                      (unsigned long long)k.band[kb], (unsigned long long)others,
                      (unsigned long long)k.inh);
        assert_true(k.band[kb] > 10 * others);
        assert_true(k.band[kb] > 15 * 8); /* above 10 Hz per neuron over 0.8 s */
        /* the second half of the sound, at the bands' centres */
        double own = 0.0, all = 0.0;
        for (size_t j = 0; j < 16; j++) {
            double p = power_at(y + N / 2, N / 2, st_cortex_band_hz(cx, j));
            all += p;
            own += j == kb ? p : 0.0;
        }
        print_message("  sound: %.1f %% of the power at the centres is at band %zu's\n",
                      100.0 * own / all, kb);
        assert_true(own > 0.9 * all);
        /* the currents: band k's at the gain (its level is the reference), every other band's
         * the gain times the gammatone's magnitude at the tone, (1 + ((f - fc) / b)^2)^-2 */
        float cur[16];
        st_cortex_levels(cx, cur, NULL);
        double f = st_cortex_band_hz(cx, kb);
        for (size_t j = 0; j < 16; j++) {
            double fc = st_cortex_band_hz(cx, j), b = 1.019 * 24.7 * (4.37 * fc / 1000.0 + 1.0);
            double d = (f - fc) / b, want = c.front.gain / ((1 + d * d) * (1 + d * d));
            assert_close(cur[j], want, 0.01, 0.05);
        }
        free(x);
        free(y);
        st_cortex_destroy(cx);
    }
}

/* Loud noise and clipping in, noise on: the sound stays finite and within [-1, 1]; NaN and
 * infinite samples count as silence. */
static void test_cortex_sound_bounded(void **state)
{
    (void)state;
    enum { N = 44100 };
    st_cortex_config c = small(ST_NET_DRIVE_ADD);
    c.front.gain = 40.0; /* drive every group hard */
    st_cortex *cx;
    assert_int_equal(st_cortex_create(&c, &cx, NULL), ST_OK);
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    uint32_t r = 7;
    for (int i = 0; i < N; i++) {
        r = r * 1664525u + 1013904223u;
        x[i] = (float)((double)r / 2147483648.0 - 1.0);
    }
    x[100] = NAN;
    x[200] = INFINITY;
    x[300] = -INFINITY;
    counts k = {.cx = cx, .ordered = true};
    st_cortex_process(cx, x, y, N, count, &k);
    double peak = 0.0;
    for (int i = 0; i < N; i++) {
        assert_true(isfinite(y[i]));
        peak = fmax(peak, fabs(y[i]));
    }
    assert_true(peak <= 1.0);
    assert_true(peak > 0.3);
    assert_false(st_cortex_fault(cx, NULL));
    st_cortex_destroy(cx);
    free(x);
    free(y);
}

/* A chirp with noise in blocks of odd sizes gives the whole run's sound and spikes bit for bit. */
typedef struct spike_log {
    uint64_t *stamp;
    uint32_t *id;
    size_t n, cap;
} spike_log;

static void log_spikes(void *ud, uint64_t stamp, const uint32_t *ids, size_t n)
{
    spike_log *l = ud;
    for (size_t i = 0; i < n && l->n < l->cap; i++) {
        l->stamp[l->n] = stamp;
        l->id[l->n++] = ids[i];
    }
}

static void test_cortex_block_invariance(void **state)
{
    (void)state;
    enum { N = 33075, CAP = 200000 };
    float *x = malloc(N * sizeof *x), *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    spike_log la = {malloc(CAP * 8), malloc(CAP * 4), 0, CAP},
              lb = {malloc(CAP * 8), malloc(CAP * 4), 0, CAP};
    uint32_t r = 99;
    for (int i = 0; i < N; i++) {
        double t = i / FS;
        r = r * 1664525u + 1013904223u;
        x[i] = (float)(0.3 * sin(2 * PI * (200.0 + 3000.0 * t) * t) +
                       0.01 * ((double)r / 4294967296.0 - 0.5));
    }
    st_cortex_config c = small(ST_NET_DRIVE_ADD);
    st_cortex *whole, *parts;
    assert_int_equal(st_cortex_create(&c, &whole, NULL), ST_OK);
    assert_int_equal(st_cortex_create(&c, &parts, NULL), ST_OK);
    st_cortex_process(whole, x, a, N, log_spikes, &la);
    const size_t sizes[] = {1, 63, 3, 1001, 64, 17, 257};
    for (size_t at = 0, s = 0; at < N; s++) {
        size_t m = sizes[s % 7] < N - at ? sizes[s % 7] : N - at;
        st_cortex_process(parts, x + at, b + at, m, log_spikes, &lb);
        at += m;
    }
    assert_memory_equal(a, b, N * sizeof *a);
    assert_int_equal(la.n, lb.n);
    assert_true(la.n > 100);
    assert_memory_equal(la.stamp, lb.stamp, la.n * sizeof *la.stamp);
    assert_memory_equal(la.id, lb.id, la.n * sizeof *la.id);
    st_cortex_destroy(whole);
    st_cortex_destroy(parts);
    free(x);
    free(a);
    free(b);
    free(la.stamp);
    free(la.id);
    free(lb.stamp);
    free(lb.id);
}

/* The display feed: the spikes a reader drains while the sound runs are those on_spikes got,
 * in order; a feed too small for the reader's pace drops new spikes and counts them, and the
 * sound and the reported spikes stay the same. */
static void test_cortex_tap(void **state)
{
    (void)state;
    enum { N = 22050, CAP = 200000, PIECE = 441 };
    float *x = tone(N, 1000.0, 0.3), *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    spike_log got = {malloc(CAP * 8), malloc(CAP * 4), 0, CAP},
              small_log = {malloc(CAP * 8), malloc(CAP * 4), 0, CAP};
    uint64_t *ts = malloc(CAP * 8);
    uint32_t *ti = malloc(CAP * 4);
    st_cortex_config c = small(ST_NET_DRIVE_ADD);
    c.tap_spikes = 1u << 16;
    st_cortex_config tiny = c;
    tiny.tap_spikes = 8;
    st_cortex *big, *little;
    assert_int_equal(st_cortex_create(&c, &big, NULL), ST_OK);
    assert_int_equal(st_cortex_create(&tiny, &little, NULL), ST_OK);
    size_t n_tap = 0, n_tiny = 0;
    for (size_t at = 0; at < N; at += PIECE) {
        st_cortex_process(big, x + at, a + at, PIECE, log_spikes, &got);
        st_cortex_process(little, x + at, b + at, PIECE, log_spikes, &small_log);
        n_tap += st_cortex_tap_read(big, ts + n_tap, ti + n_tap, CAP - n_tap);
        uint64_t s1[4];
        uint32_t i1[4];
        n_tiny += st_cortex_tap_read(little, s1, i1, 4); /* a reader that falls behind */
    }
    assert_true(got.n > 100);
    assert_int_equal(n_tap, got.n);
    assert_int_equal(st_cortex_tap_dropped(big), 0);
    assert_memory_equal(ts, got.stamp, got.n * sizeof *ts);
    assert_memory_equal(ti, got.id, got.n * sizeof *ti);
    /* the small feed: what it lost plus what was read and is still queued is everything */
    uint64_t s1[16];
    uint32_t i1[16];
    size_t rest = st_cortex_tap_read(little, s1, i1, 16);
    assert_true(st_cortex_tap_dropped(little) > 0);
    assert_int_equal(n_tiny + rest + st_cortex_tap_dropped(little), small_log.n);
    assert_int_equal(small_log.n, got.n);
    assert_memory_equal(a, b, N * sizeof *a);
    st_cortex_destroy(big);
    st_cortex_destroy(little);
    free(x);
    free(a);
    free(b);
    free(ts);
    free(ti);
    free(got.stamp);
    free(got.id);
    free(small_log.stamp);
    free(small_log.id);
}

/* The feed across threads, as a live session uses it: one thread processes (the callback),
 * another drains concurrently (the window); what arrives is what on_spikes got, in order.
 * Run under ThreadSanitizer by test.sh. */
typedef struct tap_run {
    st_cortex *cx;
    const float *x;
    float *y;
    size_t n;
    spike_log *log;
    atomic_bool done;
} tap_run;

static void *tap_producer(void *ud)
{
    tap_run *t = ud;
    for (size_t at = 0; at < t->n; at += 64)
        st_cortex_process(t->cx, t->x + at, t->y + at, t->n - at < 64 ? t->n - at : 64,
                          log_spikes, t->log);
    atomic_store(&t->done, true);
    return NULL;
}

static void test_cortex_tap_threads(void **state)
{
    (void)state;
    enum { N = 22050, CAP = 200000 };
    float *x = tone(N, 500.0, 0.3), *y = malloc(N * sizeof *y);
    spike_log log = {malloc(CAP * 8), malloc(CAP * 4), 0, CAP};
    uint64_t *ts = malloc(CAP * 8);
    uint32_t *ti = malloc(CAP * 4);
    st_cortex_config c = small(ST_NET_DRIVE_ADD);
    c.tap_spikes = CAP;
    tap_run t = {.x = x, .y = y, .n = N, .log = &log};
    atomic_init(&t.done, false);
    assert_int_equal(st_cortex_create(&c, &t.cx, NULL), ST_OK);
    pthread_t p;
    assert_int_equal(pthread_create(&p, NULL, tap_producer, &t), 0);
    size_t got = 0;
    bool finished = false;
    while (!finished) {
        finished = atomic_load(&t.done); /* read once more after the producer is done */
        got += st_cortex_tap_read(t.cx, ts + got, ti + got, 97);
    }
    pthread_join(p, NULL);
    got += st_cortex_tap_read(t.cx, ts + got, ti + got, CAP - got);
    assert_true(log.n > 100);
    assert_int_equal(got, log.n);
    assert_int_equal(st_cortex_tap_dropped(t.cx), 0);
    assert_memory_equal(ts, log.stamp, log.n * sizeof *ts);
    assert_memory_equal(ti, log.id, log.n * sizeof *ti);
    st_cortex_destroy(t.cx);
    free(x);
    free(y);
    free(ts);
    free(ti);
    free(log.stamp);
    free(log.id);
}

static void expect_inval(const st_cortex_config *c, const char *word)
{
    st_error err = {0};
    st_cortex *cx = NULL;
    assert_int_equal(st_cortex_create(c, &cx, &err), ST_ERR_INVAL);
    assert_null(cx);
    if (!strstr(err.msg, word)) {
        print_error("message '%s' lacks '%s'\n", err.msg, word);
        fail();
    }
}

static void test_cortex_bad_config(void **state)
{
    (void)state;
    st_cortex_config c = small(ST_NET_DRIVE_ADD);
    c.bank.bands = 241; /* more bands than the 240 excitatory neurons */
    expect_inval(&c, "--bands");
    c = small(ST_NET_DRIVE_ADD);
    c.front.normalize = ST_NORM_MAX;
    expect_inval(&c, "--normalize");
    c = small(ST_NET_DRIVE_ADD);
    c.front.envelope = ST_ENV_HILBERT;
    expect_inval(&c, "--envelope");
    c = small(ST_NET_DRIVE_ADD);
    c.net.dt_ms = 0.5;
    expect_inval(&c, "1 ms");
    c = small(ST_NET_DRIVE_ADD);
    c.bank.fs_hz = 44100.5;
    expect_inval(&c, "whole number");
    c = small(ST_NET_DRIVE_ADD);
    c.bank.fs_hz = 16000.0;
    expect_inval(&c, "--fmax");
    c = small(ST_NET_DRIVE_ADD);
    c.voice_tau_ms = 0;
    expect_inval(&c, "voice");
    st_cortex_config d;
    assert_int_equal(st_cortex_config_default(&d, "izh1999", 0, 0, 16, FS, NULL), ST_ERR_INVAL);
}

/* Every allocation made to fail in turn: ST_ERR_NOMEM, nothing leaked (LeakSanitizer). */
static void test_cortex_nomem(void **state)
{
    (void)state;
    st_cortex_config c = small(ST_NET_DRIVE_ADD);
    bool made = false;
    for (int k = 0; !made && k < 2000; k++) {
        int left = k;
        st_set_allocator(st_test_failing_alloc, &left);
        st_cortex *cx = NULL;
        st_status st = st_cortex_create(&c, &cx, NULL);
        st_set_allocator(NULL, NULL);
        if (st == ST_OK) {
            made = true;
            st_cortex_destroy(cx);
        } else {
            assert_int_equal(st, ST_ERR_NOMEM);
            assert_null(cx);
        }
    }
    assert_true(made);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cortex_groups),
        cmocka_unit_test(test_cortex_one_step_per_ms),
        cmocka_unit_test(test_cortex_silence),
        cmocka_unit_test(test_cortex_tone_in_its_band),
        cmocka_unit_test(test_cortex_sound_bounded),
        cmocka_unit_test(test_cortex_block_invariance),
        cmocka_unit_test(test_cortex_tap),
        cmocka_unit_test(test_cortex_tap_threads),
        cmocka_unit_test(test_cortex_bad_config),
        cmocka_unit_test(test_cortex_nomem),
    };
    return cmocka_run_group_tests_name("cortex", tests, NULL, NULL);
}
