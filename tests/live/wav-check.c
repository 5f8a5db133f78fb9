/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live suite's measurements on WAV files: a probe signal, padding, where one signal sits in
 * another, the lag between a reference and a recording, and an envelope's half-rise time.
 *
 *   wav-check probe VOICE.wav OUT.wav      0.3 s silence, a 0.2 s burst, 0.2 s silence, VOICE,
 *                                          0.3 s silence; prints "burst_mid C burst_frames M":
 *                                          the burst's amplitude is half its plateau at sample C
 *                                          and it lasts M samples from there
 *   wav-check pad IN.wav S OUT.wav         S zeros, then IN
 *   wav-check cut IN.wav S OUT.wav         IN without its first S samples
 *   wav-check find NEEDLE.wav HAY.wav      "offset S maxdiff D": where NEEDLE sits in HAY
 *   wav-check lag REF.wav REC.wav MAXLAG   "lag L maxdiff D runner_up D2 compared N": the lag
 *                                          0 <= L <= MAXLAG with REC[k] closest to REF[k - L]
 *   wav-check same A.wav B.wav [N]         "maxdiff D compared N" over the first N (or common)
 *   wav-check late OUT.wav REF.wav SHIFT BLOCK
 *                                          OUT against REF delayed by SHIFT samples (zeros
 *                                          before), block by block from sample 0: "exact E
 *                                          silent L wrong W exact_after_silent A maxdiff D
 *                                          compared N": E blocks equal, L blocks all zero where
 *                                          the delayed REF is not, W blocks neither, A exact
 *                                          blocks after the last silent one, D the largest
 *                                          difference in the exact and wrong blocks
 *   wav-check rise ENV.wav MID LEN         "half_rise T plateau P delay D": the envelope of the
 *                                          probe's burst (half amplitude at sample MID) crosses
 *                                          half its plateau at T (interpolated); D = T - MID
 * Exit status 1 when a file cannot be read or nothing matches. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spiketalk/audio.h"

/* The burst: a tone of fs / 22, so that |sin| repeats every 11 samples exactly and moving
 * averages of 44 or 88 samples hold whole periods (no ripple to blur the timing), well inside
 * the FIR Hilbert transformer's passband; its amplitude rises linearly over ATTACK samples.
 * A linear-phase filter delays a linear ramp by exactly its group delay, and an envelope
 * detector follows a ramp this slow (10 ms against the Hilbert FIR's 1 ms) without lag of its
 * own, so the envelope's half-rise comes exactly 'delay' after the ramp's midpoint. A sharp
 * onset would not do: the Hilbert FIR's imaginary part answers an abrupt start up to M
 * samples early, moving the half-rise of the magnitude off the group delay. */
#define BURST_PERIOD 22
#define BURST_AMP 0.5
#define ATTACK 440

static int load(const char *path, st_audio *a)
{
    st_error err = {0};
    if (st_audio_read(path, a, &err)) {
        fprintf(stderr, "wav-check: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static int save(const char *path, const float *x, size_t n, double fs)
{
    st_error err = {0};
    if (st_audio_write(path, x, n, fs, ST_WAV_FLOAT32, NULL, &err)) {
        fprintf(stderr, "wav-check: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static int probe(const char *voice, const char *out)
{
    st_audio v;
    if (load(voice, &v))
        return 1;
    size_t lead = (size_t)(0.3 * v.fs_hz), burst = (size_t)(0.2 * v.fs_hz);
    size_t gap = (size_t)(0.2 * v.fs_hz), end = (size_t)(0.3 * v.fs_hz);
    size_t n = lead + burst + gap + v.n + end;
    float *x = calloc(n, sizeof *x);
    if (!x)
        return 1;
    const double pi = 3.14159265358979323846;
    for (size_t i = 0; i < burst; i++) {
        /* half amplitude at i = ATTACK / 2, full from i = ATTACK on */
        double a = (double)i / ATTACK < 1.0 ? (double)i / ATTACK : 1.0;
        x[lead + i] = (float)(BURST_AMP * a * sin(2 * pi * (double)i / BURST_PERIOD));
    }
    memcpy(x + lead + burst + gap, v.x, v.n * sizeof *x);
    int rc = save(out, x, n, v.fs_hz);
    if (!rc)
        printf("burst_mid %zu burst_frames %zu\n", lead + ATTACK / 2, burst - ATTACK / 2);
    free(x);
    st_audio_free(&v);
    return rc;
}

static int pad(const char *in, size_t zeros, const char *out)
{
    st_audio a;
    if (load(in, &a))
        return 1;
    float *x = calloc(zeros + a.n, sizeof *x);
    int rc = !x || save(out, (memcpy(x + zeros, a.x, a.n * sizeof *x), x), zeros + a.n, a.fs_hz);
    free(x);
    st_audio_free(&a);
    return rc;
}

static int cut(const char *in, size_t skip, const char *out)
{
    st_audio a;
    if (load(in, &a))
        return 1;
    int rc = skip >= a.n || save(out, a.x + skip, a.n - skip, a.fs_hz);
    st_audio_free(&a);
    return rc;
}

static int find(const char *needle, const char *hay)
{
    st_audio a, b;
    if (load(needle, &a) || load(hay, &b))
        return 1;
    size_t k0 = 0;
    while (k0 < a.n && a.x[k0] == 0.0f)
        k0++;
    for (size_t s = 0; k0 < a.n && s + a.n <= b.n; s++) {
        if (b.x[s + k0] != a.x[k0])
            continue;
        double d = 0;
        for (size_t k = 0; k < a.n; k++)
            d = fmax(d, fabs((double)b.x[s + k] - a.x[k]));
        if (d == 0.0) {
            printf("offset %zu maxdiff %g\n", s, d);
            return 0;
        }
    }
    printf("offset none\n");
    return 1;
}

/* Largest |rec[k] - ref[k - lag]| where both exist; *count gets how many were compared. */
static double diff_at(const st_audio *ref, const st_audio *rec, size_t lag, size_t *count)
{
    double d = 0;
    size_t c = 0;
    for (size_t k = lag; k < rec->n && k - lag < ref->n; k++, c++)
        d = fmax(d, fabs((double)rec->x[k] - ref->x[k - lag]));
    *count = c;
    return d;
}

static int lag(const char *ref_path, const char *rec_path, size_t max_lag)
{
    st_audio ref, rec;
    if (load(ref_path, &ref) || load(rec_path, &rec))
        return 1;
    double best = INFINITY, second = INFINITY;
    size_t best_lag = 0, best_n = 0;
    for (size_t l = 0; l <= max_lag; l++) {
        size_t n;
        double d = diff_at(&ref, &rec, l, &n);
        if (n == 0)
            continue;
        if (d < best) {
            second = best;
            best = d;
            best_lag = l;
            best_n = n;
        } else if (d < second) {
            second = d;
        }
    }
    printf("lag %zu maxdiff %g runner_up %g compared %zu\n", best_lag, best, second, best_n);
    return isfinite(best) ? 0 : 1;
}

static int same(const char *pa, const char *pb, size_t n)
{
    st_audio a, b;
    if (load(pa, &a) || load(pb, &b))
        return 1;
    size_t m = a.n < b.n ? a.n : b.n;
    if (n && n < m)
        m = n;
    double d = 0;
    for (size_t k = 0; k < m; k++)
        d = fmax(d, fabs((double)a.x[k] - b.x[k]));
    printf("maxdiff %g compared %zu\n", d, m);
    return 0;
}

/* A worker's output: each block either the reference delayed by 'shift', or silence (late). */
static int late(const char *po, const char *pr, size_t shift, size_t block)
{
    st_audio o, r;
    if (block == 0 || load(po, &o) || load(pr, &r))
        return 1;
    size_t n = o.n < r.n + shift ? o.n : r.n + shift;
    size_t exact = 0, silent = 0, wrong = 0, after = 0;
    double dmax = 0;
    for (size_t b0 = 0; b0 < n; b0 += block) {
        size_t b1 = b0 + block < n ? b0 + block : n;
        double d = 0;
        bool zero = true, ref_zero = true;
        for (size_t k = b0; k < b1; k++) {
            double want = k < shift ? 0.0 : (double)r.x[k - shift];
            d = fmax(d, fabs((double)o.x[k] - want));
            zero = zero && o.x[k] == 0.0f;
            ref_zero = ref_zero && want == 0.0;
        }
        if (d == 0) {
            exact++;
            after++;
        } else if (zero && !ref_zero) {
            silent++;
            after = 0;
        } else {
            wrong++;
            dmax = fmax(dmax, d);
        }
    }
    printf("exact %zu silent %zu wrong %zu exact_after_silent %zu maxdiff %g compared %zu\n",
           exact, silent, wrong, after, dmax, n);
    st_audio_free(&o);
    st_audio_free(&r);
    return 0;
}

static int rise(const char *path, size_t mid, size_t len)
{
    st_audio e;
    if (load(path, &e))
        return 1;
    if (mid < ATTACK / 2 || mid + len > e.n || len < 8) {
        fprintf(stderr, "wav-check: the burst lies outside %s\n", path);
        return 1;
    }
    double plateau = 0;
    for (size_t k = mid + len / 4; k < mid + 3 * len / 4; k++)
        plateau += e.x[k];
    plateau /= (double)(len / 2);
    double half = plateau / 2;
    for (size_t k = mid - ATTACK / 2; k < mid + len; k++) {
        if (e.x[k] < half)
            continue;
        double prev = e.x[k - 1];
        double t = (double)k - 1 + (half - prev) / ((double)e.x[k] - prev);
        printf("half_rise %.3f plateau %.6g delay %.3f\n", t, plateau, t - (double)mid);
        return 0;
    }
    printf("half_rise none plateau %.6g\n", plateau);
    return 1;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    if (!strcmp(cmd, "probe") && argc == 4)
        return probe(argv[2], argv[3]);
    if (!strcmp(cmd, "pad") && argc == 5)
        return pad(argv[2], (size_t)atol(argv[3]), argv[4]);
    if (!strcmp(cmd, "cut") && argc == 5)
        return cut(argv[2], (size_t)atol(argv[3]), argv[4]);
    if (!strcmp(cmd, "find") && argc == 4)
        return find(argv[2], argv[3]);
    if (!strcmp(cmd, "lag") && argc == 5)
        return lag(argv[2], argv[3], (size_t)atol(argv[4]));
    if (!strcmp(cmd, "same") && (argc == 4 || argc == 5))
        return same(argv[2], argv[3], argc == 5 ? (size_t)atol(argv[4]) : 0);
    if (!strcmp(cmd, "late") && argc == 6)
        return late(argv[2], argv[3], (size_t)atol(argv[4]), (size_t)atol(argv[5]));
    if (!strcmp(cmd, "rise") && argc == 5)
        return rise(argv[2], (size_t)atol(argv[3]), (size_t)atol(argv[4]));
    fputs("usage: wav-check probe|pad|cut|find|lag|same|late|rise ... (see the source's head)\n",
          stderr);
    return 2;
}
