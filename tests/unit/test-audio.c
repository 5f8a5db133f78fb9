/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of audio files and devices: formats read to mono, safe writes, bad files, no device. */
#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include "st-test.h"
#include "spiketalk/audio.h"

#define PI 3.14159265358979323846

/* ---- fixtures ------------------------------------------------------------------------------ */

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/st-audio-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

/* Removes the files of the test folder, then the folder, which must then be empty of any
 * temporary file a failed write could have left (the tests that care count entries first). */
static int remove_dir(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    return rmdir(dir);
}

static const char *in_dir(const char *name)
{
    static char p[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static int count_entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* Writes interleaved float frames to 'path' in 'format' through libsndfile itself. */
static void write_float_file(const char *path, int format, int channels, int fs_hz,
                             const float *x, sf_count_t frames)
{
    SF_INFO info = {.samplerate = fs_hz, .channels = channels, .format = format};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    assert_non_null(sf);
    assert_int_equal(sf_writef_float(sf, x, frames), frames);
    assert_int_equal(sf_close(sf), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void assert_prefix(const char *msg, const char *path)
{
    if (strncmp(msg, path, strlen(path)) || msg[strlen(path)] != ':') {
        print_error("message '%s' does not start with '%s:'\n", msg, path);
        fail();
    }
}

static void assert_contains(const char *msg, const char *part)
{
    if (!strstr(msg, part)) {
        print_error("message '%s' lacks '%s'\n", msg, part);
        fail();
    }
}

/* ---- reading ------------------------------------------------------------------------------ */

/* Left +0.5 and right -0.25 average to exactly 0.125 in every frame. */
static void test_audio_stereo_to_mono(void **state)
{
    (void)state;
    enum { N = 5000 };
    static float x[2 * N];
    for (int i = 0; i < N; i++) {
        x[2 * i] = 0.5f;
        x[2 * i + 1] = -0.25f;
    }
    const char *path = in_dir("stereo.wav");
    write_float_file(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 32000, x, N);
    st_audio a;
    st_error err = {0};
    assert_int_equal(st_audio_read(path, &a, &err), ST_OK);
    assert_int_equal(a.n, N);
    assert_int_equal(a.channels, 2);
    assert_close(a.fs_hz, 32000, 0, 0);
    for (size_t i = 0; i < a.n; i++)
        assert_true(a.x[i] == 0.125f);
    assert_contains(a.format, "WAV");
    st_audio_free(&a);
    assert_null(a.x);
    assert_int_equal(a.n, 0);
}

typedef struct format_case {
    const char *name;
    int format;
    int bits;        /* integer resolution written; 0 for float, -1 for lossy */
    int fs_hz;
    int channels;
} format_case;

/* A 441 Hz sine of amplitude 0.5 in each format. Integer formats are written as integers already
 * on the format's grid, so libsndfile's reading (v / 2^(bits-1)) gives them back exactly and the
 * tolerance is float rounding; Vorbis is lossy and is checked by its RMS and its correlation
 * with the sine. */
static void test_audio_formats(void **state)
{
    (void)state;
    const format_case cases[] = {
        {"u8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 8, 8000, 1},
        {"s16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16, 44100, 1},
        {"s24.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 24, 48000, 2},
        {"s32.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 32, 96000, 1},
        {"f32.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 0, 22050, 1},
        {"f64.wav", SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 0, 11025, 1},
        {"s16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16, 44100, 2},
        {"s24.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 24, 16000, 1},
        {"s16.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 16, 44100, 1},
        {"s24.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 24, 8000, 1},
        {"vorbis.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, -1, 44100, 1},
    };
    const double amp = 0.5, f_hz = 441.0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const format_case *fc = &cases[c];
        size_t n = (size_t)fc->fs_hz / 2 + 17; /* half a second and a ragged end */
        int ch = fc->channels;
        int32_t *vi = malloc(n * (size_t)ch * sizeof *vi);
        float *vf = malloc(n * (size_t)ch * sizeof *vf);
        double *want = malloc(n * sizeof *want);
        assert_non_null(vi);
        assert_non_null(vf);
        assert_non_null(want);
        for (size_t i = 0; i < n; i++) {
            double s = amp * sin(2 * PI * f_hz * (double)i / fc->fs_hz);
            if (fc->bits > 0) {
                /* on the grid of a 'bits'-bit sample, in the top bits of an int32 */
                double q = ldexp(1.0, fc->bits - 1);
                int32_t v = (int32_t)(lrint(s * q) * ((int64_t)1 << (32 - fc->bits)));
                want[i] = ldexp((double)v, -31);
                for (int k = 0; k < ch; k++)
                    vi[i * (size_t)ch + (size_t)k] = v;
            } else {
                want[i] = (float)s;
                for (int k = 0; k < ch; k++)
                    vf[i * (size_t)ch + (size_t)k] = (float)s;
            }
        }
        const char *path = in_dir(fc->name);
        SF_INFO info = {.samplerate = fc->fs_hz, .channels = ch, .format = fc->format};
        SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
        assert_non_null(sf);
        sf_count_t wrote = fc->bits > 0 ? sf_writef_int(sf, vi, (sf_count_t)n)
                                        : sf_writef_float(sf, vf, (sf_count_t)n);
        assert_int_equal(wrote, n);
        assert_int_equal(sf_close(sf), 0);

        st_audio a;
        st_error err = {0};
        if (st_audio_read(path, &a, &err) != ST_OK) {
            print_error("%s: %s\n", fc->name, err.msg);
            fail();
        }
        assert_int_equal(a.n, n);
        assert_int_equal(a.channels, ch);
        assert_close(a.fs_hz, fc->fs_hz, 0, 0);
        if (fc->bits >= 0) {
            double worst = 0;
            for (size_t i = 0; i < n; i++)
                worst = fmax(worst, fabs(a.x[i] - want[i]));
            if (!(worst <= 1e-7)) {
                print_error("%s: max error %g\n", fc->name, worst);
                fail();
            }
        } else {
            double ss = 0, dot = 0, ww = 0;
            for (size_t i = n / 10; i < n - n / 10; i++) { /* away from the codec's edges */
                ss += (double)a.x[i] * a.x[i];
                dot += a.x[i] * want[i];
                ww += want[i] * want[i];
            }
            assert_close(sqrt(ss / (double)(n - 2 * (n / 10))), amp / sqrt(2), 0, 0.03);
            assert_true(dot / sqrt(ss * ww) > 0.99);
        }
        st_audio_free(&a);
        free(vi);
        free(vf);
        free(want);
    }
}

/* Every failure names the file first, has the right status, and allocates nothing. */
static void expect_read_error(const char *path, st_status code, const char *part)
{
    st_audio a;
    memset(&a, 0xAB, sizeof a);
    st_error err = {0};
    assert_int_equal(st_audio_read(path, &a, &err), code);
    assert_int_equal(err.code, code);
    assert_prefix(err.msg, path);
    assert_contains(err.msg, part);
    assert_null(a.x);
    assert_int_equal(a.n, 0);
}

static void test_audio_bad_files(void **state)
{
    (void)state;
    enum { N = 44100 };
    static float x[N];
    for (int i = 0; i < N; i++)
        x[i] = (float)(0.3 * sin(i * 0.05));

    /* a valid 16-bit WAV cut in the middle of its data: 44-byte header + half the samples */
    const char *cut = in_dir("cut.wav");
    write_float_file(cut, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 44100, x, N);
    assert_int_equal(truncate(cut, 44 + N), 0);
    expect_read_error(cut, ST_ERR_FORMAT, "truncated: header says 44100 frames, only 22050 "
                                          "could be read");
    /* the same with AIFF, whose COMM chunk declares the count */
    const char *cut_aiff = in_dir("cut.aiff");
    write_float_file(cut_aiff, SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 1, 44100, x, N);
    struct stat sb;
    assert_int_equal(stat(cut_aiff, &sb), 0);
    assert_int_equal(truncate(cut_aiff, sb.st_size - N), 0);
    expect_read_error(cut_aiff, ST_ERR_FORMAT, "truncated: header says 44100 frames");
    /* and a stereo float WAV cut inside a frame */
    static float st[2 * 1000];
    memset(st, 0, sizeof st);
    const char *cut2 = in_dir("cut2.wav");
    write_float_file(cut2, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 8000, st, 1000);
    assert_int_equal(stat(cut2, &sb), 0);
    assert_int_equal(truncate(cut2, sb.st_size - 8 * 300 - 3), 0);
    expect_read_error(cut2, ST_ERR_FORMAT, "header says 1000 frames, only 699 could be read");

    const char *empty = in_dir("empty.wav");
    write_text(empty, "");
    expect_read_error(empty, ST_ERR_FORMAT, "empty");

    const char *text = in_dir("notes.wav");
    write_text(text, "These are my notes, not a recording.\n");
    expect_read_error(text, ST_ERR_FORMAT, "not a readable audio file");

    /* names of no readable file are bad input (ST_ERR_INVAL), not a failing system */
    expect_read_error(in_dir("missing.wav"), ST_ERR_INVAL, "No such file");
    expect_read_error(dir, ST_ERR_INVAL, "directory");

    const char *zero = in_dir("zero.wav");
    write_float_file(zero, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 44100, x, 0);
    expect_read_error(zero, ST_ERR_FORMAT, "no audio frames");

    float bad[2 * 8] = {0};
    bad[2 * 3] = NAN;
    const char *nan_path = in_dir("nan.wav");
    write_float_file(nan_path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 8000, bad, 8);
    expect_read_error(nan_path, ST_ERR_FORMAT, "sample 3 of channel 1 is not finite");
    bad[2 * 3] = 0;
    bad[2 * 5 + 1] = -INFINITY;
    const char *inf_path = in_dir("inf.wav");
    write_float_file(inf_path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 8000, bad, 8);
    expect_read_error(inf_path, ST_ERR_FORMAT, "sample 5 of channel 2 is not finite");
}

/* Overwrites 4 little-endian bytes at 'offset' of 'path' (a header field). */
static void patch_u32(const char *path, long offset, uint32_t x)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    unsigned char b[4] = {x & 255, (x >> 8) & 255, (x >> 16) & 255, x >> 24};
    assert_int_equal(fseek(f, offset, SEEK_SET), 0);
    assert_int_equal(fwrite(b, 1, 4, f), 4);
    assert_int_equal(fclose(f), 0);
}

/* A FIFO, a device and headers that lie about the rate: refused at once, naming the file and
 * what is wrong, without hanging on the FIFO or reading the device forever. */
static void test_audio_hostile_files(void **state)
{
    (void)state;
    const char *fifo = in_dir("fifo.wav");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_read_error(fifo, ST_ERR_INVAL, "is a FIFO, not an audio file");
    expect_read_error("/dev/zero", ST_ERR_INVAL, "is a character device, not an audio file");

    /* a canonical 44-byte WAV header: the rate at byte 24, the byte rate at 28 */
    float x[64] = {0.25f};
    const char *lie = in_dir("lie.wav");
    const struct { uint32_t rate; const char *says; } rates[] = {
        {2000000000u, "its header gives a sample rate of 2000000000 Hz"},
        {500u, "its header gives a sample rate of 500 Hz"},
        {10000001u, "its header gives a sample rate of 10000001 Hz"},
    };
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        write_float_file(lie, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 44100, x, 64);
        patch_u32(lie, 24, rates[i].rate);
        patch_u32(lie, 28, rates[i].rate * 2u);
        expect_read_error(lie, ST_ERR_FORMAT, rates[i].says);
    }
    /* the edges of the range are read */
    const uint32_t edges[] = {(uint32_t)ST_AUDIO_MIN_RATE_HZ, (uint32_t)ST_AUDIO_MAX_RATE_HZ};
    for (size_t i = 0; i < 2; i++) {
        write_float_file(lie, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 44100, x, 64);
        patch_u32(lie, 24, edges[i]);
        patch_u32(lie, 28, edges[i] * 2u);
        st_audio a;
        st_error err = {0};
        assert_int_equal(st_audio_read(lie, &a, &err), ST_OK);
        assert_true(a.fs_hz == edges[i]);
        assert_int_equal(a.n, 64);
        st_audio_free(&a);
    }
}

/* Each of st_audio_read's allocations may fail: ST_ERR_NOMEM, nothing returned, no leak (the
 * sanitizer build checks the leaks). */
static void test_audio_read_alloc_failure(void **state)
{
    (void)state;
    static float x[3000];
    const char *path = in_dir("alloc.wav");
    write_float_file(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, 8000, x, 3000);
    int failures = 0;
    for (int k = 0; k < 20; k++) {
        int left = k;
        st_set_allocator(st_test_failing_alloc, &left);
        st_audio a;
        st_error err = {0};
        st_status st = st_audio_read(path, &a, &err);
        st_set_allocator(NULL, NULL);
        if (st == ST_OK) {
            assert_int_equal(a.n, 3000);
            st_audio_free(&a);
            break;
        }
        assert_int_equal(st, ST_ERR_NOMEM);
        assert_prefix(err.msg, path);
        assert_null(a.x);
        failures++;
    }
    assert_true(failures >= 2); /* the chunk buffer and the samples */
}

/* ---- writing ------------------------------------------------------------------------------ */

static void test_audio_write_roundtrip(void **state)
{
    (void)state;
    enum { N = 20000 };
    static float x[N];
    unsigned seed = 12345;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = (float)((double)(seed >> 8) / (1 << 23) * 2.0 - 1.0);
    }
    x[0] = 1.0f;
    x[1] = -1.0f;
    x[2] = 1e-30f;
    x[3] = -0.0f;
    const char *f32 = in_dir("f32.wav");
    st_error err = {0};
    assert_int_equal(st_audio_write(f32, x, N, 48000, ST_WAV_FLOAT32, NULL, &err), ST_OK);
    st_audio a;
    assert_int_equal(st_audio_read(f32, &a, &err), ST_OK);
    assert_int_equal(a.n, N);
    assert_close(a.fs_hz, 48000, 0, 0);
    assert_memory_equal(a.x, x, sizeof x); /* bit for bit */
    st_audio_free(&a);

    x[4] = 1.5f; /* clipped to full scale */
    x[5] = -7.0f;
    const char *s16 = in_dir("s16.wav");
    assert_int_equal(st_audio_write(s16, x, N, 44100.0000001, ST_WAV_PCM16, NULL, &err), ST_OK);
    assert_int_equal(st_audio_read(s16, &a, &err), ST_OK);
    assert_int_equal(a.n, N);
    assert_close(a.fs_hz, 44100, 0, 0);
    assert_contains(a.format, "16");
    for (size_t i = 0; i < N; i++) {
        double want = fmax(-1.0, fmin(1.0, x[i]));
        assert_close(a.x[i], want, 1.0 / 32768, 0);
    }
    assert_true(a.x[5] == -1.0f);
    st_audio_free(&a);

    /* writing over an existing output replaces it */
    assert_int_equal(st_audio_write(f32, x, 10, 8000, ST_WAV_FLOAT32, NULL, &err), ST_OK);
    assert_int_equal(st_audio_read(f32, &a, &err), ST_OK);
    assert_int_equal(a.n, 10);
    st_audio_free(&a);
    assert_int_equal(count_entries(), 2);
}

static void test_audio_write_refuses(void **state)
{
    (void)state;
    float x[100] = {0.25f};
    const char *in = in_dir("input.wav");
    st_error err = {0};
    assert_int_equal(st_audio_write(in, x, 100, 8000, ST_WAV_PCM16, NULL, &err), ST_OK);
    struct stat before, after;
    assert_int_equal(stat(in, &before), 0);

    /* the input itself, also under another spelling of its name */
    assert_int_equal(st_audio_write(in, x, 50, 8000, ST_WAV_FLOAT32, in, &err), ST_ERR_IO);
    assert_prefix(err.msg, in);
    assert_contains(err.msg, "input");
    char other[300];
    snprintf(other, sizeof other, "%s/./input.wav", dir);
    assert_int_equal(st_audio_write(other, x, 50, 8000, ST_WAV_FLOAT32, in, &err), ST_ERR_IO);
    assert_int_equal(stat(in, &after), 0);
    assert_int_equal(after.st_size, before.st_size);
    assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);

    /* a missing folder */
    char missing[300];
    snprintf(missing, sizeof missing, "%s/no-such-folder/out.wav", dir);
    assert_int_equal(st_audio_write(missing, x, 50, 8000, ST_WAV_FLOAT32, NULL, &err), ST_ERR_IO);
    assert_prefix(err.msg, missing);

    /* non-finite samples and a bad rate are refused before anything is created */
    x[7] = NAN;
    const char *out = in_dir("out.wav");
    assert_int_equal(st_audio_write(out, x, 50, 8000, ST_WAV_FLOAT32, NULL, &err),
                     ST_ERR_NUMERIC);
    assert_contains(err.msg, "sample 7");
    x[7] = 0;
    assert_int_equal(st_audio_write(out, x, 50, 0, ST_WAV_FLOAT32, NULL, &err), ST_ERR_INVAL);
    assert_int_equal(st_audio_write(out, x, 50, NAN, ST_WAV_FLOAT32, NULL, &err), ST_ERR_INVAL);
    /* a folder as the output */
    assert_int_equal(st_audio_write(dir, x, 50, 8000, ST_WAV_FLOAT32, NULL, &err), ST_ERR_IO);

    assert_int_equal(count_entries(), 1); /* the input only: no output, no temporary file */
}

static void test_audio_check_output_same_file(void **state)
{
    (void)state;
    float x[10] = {0};
    const char *in = in_dir("x.wav");
    st_error err = {0};
    assert_int_equal(st_audio_write(in, x, 10, 8000, ST_WAV_FLOAT32, NULL, &err), ST_OK);

    /* "./x.wav" against "x.wav", from inside the folder */
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    st_status st1 = st_audio_check_output("./x.wav", "x.wav", &err);
    st_status st2 = st_audio_check_output("x.wav", "x.wav", &err);
    st_status st3 = st_audio_check_output("y.wav", "x.wav", &err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(st1, ST_ERR_IO);
    assert_int_equal(st2, ST_ERR_IO);
    assert_int_equal(st3, ST_OK);

    const char *hard = in_dir("hard.wav");
    assert_int_equal(link(in, hard), 0);
    assert_int_equal(st_audio_check_output(hard, in, &err), ST_ERR_IO);
    assert_prefix(err.msg, hard);
    assert_contains(err.msg, "is the input file");
    const char *sym = in_dir("sym.wav");
    assert_int_equal(symlink(in, sym), 0);
    assert_int_equal(st_audio_check_output(sym, in, &err), ST_ERR_IO);

    /* a different file, and a new name, are fine; neither call creates anything */
    assert_int_equal(st_audio_check_output(in_dir("new.wav"), in, &err), ST_OK);
    assert_int_equal(st_audio_check_output(in, NULL, &err), ST_OK);
    assert_int_equal(access(in_dir("new.wav"), F_OK), -1);
    assert_int_equal(count_entries(), 3);
}

/* The demo input in data/ is what data/README.md says: 44.1 kHz mono 16-bit, a peak near
 * -3 dBFS, and a leading 0.15 s quiet enough for a noise gate to measure. */
static void test_audio_demo_voice(void **state)
{
    (void)state;
#ifdef ST_TEST_DATA
    /* ST_TEST_DATA is SOURCE/tests/data; the demo lives in SOURCE/data */
    char path[1024];
    snprintf(path, sizeof path, "%s", ST_TEST_DATA);
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(path, '/');
        assert_non_null(slash);
        *slash = '\0';
    }
    strncat(path, "/data/demo-voice.wav", sizeof path - strlen(path) - 1);
    st_audio a;
    st_error err = {0};
    if (st_audio_read(path, &a, &err)) {
        print_error("%s\n", err.msg);
        fail();
    }
    assert_close(a.fs_hz, 44100, 0, 0);
    assert_int_equal(a.channels, 1);
    assert_contains(a.format, "16 bit");
    assert_true(a.n > 44100 && a.n < 5 * 44100);
    float peak = 0, lead = 0;
    for (size_t i = 0; i < a.n; i++)
        peak = fmaxf(peak, fabsf(a.x[i]));
    for (size_t i = 0; i < 44100 * 15 / 100; i++)
        lead = fmaxf(lead, fabsf(a.x[i]));
    assert_close(peak, pow(10, -3 / 20.0), 0.01, 0);
    assert_true(lead < 1e-3f);
    st_audio_free(&a);
#else
    skip();
#endif
}

/* ---- devices ------------------------------------------------------------------------------- */

static void test_audio_device_list(void **state)
{
    (void)state;
    st_device_info dev[64];
    size_t n = 99;
    st_error err = {0};
    assert_int_equal(st_device_list(dev, 64, &n, &err), ST_OK);
    for (size_t i = 0; i < n && i < 64; i++) {
        assert_int_equal(dev[i].index, (int)i);
        assert_true(dev[i].max_input_channels >= 0 && dev[i].max_output_channels >= 0);
        assert_true(dev[i].host_api[0] != '\0');
    }
    /* twice in a row: PortAudio is started and stopped cleanly each time */
    size_t n2 = 0;
    assert_int_equal(st_device_list(dev, 0, &n2, &err), ST_OK);
    assert_int_equal(n2, n);
}

static bool have_capture_device(void)
{
    st_device_info dev[256];
    size_t n = 0;
    if (st_device_list(dev, 256, &n, NULL))
        return false;
    for (size_t i = 0; i < n && i < 256; i++)
        if (dev[i].max_input_channels > 0)
            return true;
    return false;
}

static void test_audio_record_without_device(void **state)
{
    (void)state;
    st_audio a;
    st_error err = {0};
    /* bad durations are refused before any device is touched */
    assert_int_equal(st_record(NULL, 0.0, 0, &a, NULL, NULL, &err), ST_ERR_INVAL);
    assert_int_equal(st_record(NULL, NAN, 0, &a, NULL, NULL, &err), ST_ERR_INVAL);
    assert_int_equal(st_record(NULL, -1.0, 0, &a, NULL, NULL, &err), ST_ERR_INVAL);
    assert_int_equal(st_record(NULL, 1.0, -44100, &a, NULL, NULL, &err), ST_ERR_INVAL);
    if (have_capture_device()) {
        print_message("a capture device exists here; the no-device path cannot be tested\n");
        skip();
    }
    const char *specs[] = {NULL, "", "0", "USB"};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        memset(&a, 0xAB, sizeof a);
        assert_int_equal(st_record(specs[i], 1.0, 0, &a, NULL, NULL, &err), ST_ERR_DEVICE);
        assert_contains(err.msg, "no audio capture device found");
        assert_contains(err.msg, "'spiketalk process FILE'");
        assert_null(a.x);
    }
}

/* ---- writing in pieces ------------------------------------------------------------------- */

/* The path appears only at commit, whole; an aborted writer leaves nothing; non-finite samples
 * become 0 so that the file reads back. */
static void test_audio_wav_writer(void **state)
{
    (void)state;
    const char *path = in_dir("pieces.wav");
    st_wav_writer *w;
    st_error err = {0};
    assert_int_equal(st_wav_writer_open(path, 8000, ST_WAV_FLOAT32, NULL, &w, &err), ST_OK);
    float x[1000];
    for (int i = 0; i < 1000; i++)
        x[i] = (float)sin(2 * PI * i / 50.0) * 0.5f;
    x[7] = NAN;
    for (int k = 0; k < 10; k++)
        assert_int_equal(st_wav_writer_write(w, x, 1000, &err), ST_OK);
    assert_int_equal(st_wav_writer_frames(w), 10000);
    assert_int_equal(access(path, F_OK), -1); /* not there before the commit */
    assert_int_equal(count_entries(), 1);     /* the temporary file */
    assert_int_equal(st_wav_writer_commit(w, &err), ST_OK);
    assert_int_equal(count_entries(), 1);
    st_audio a;
    assert_int_equal(st_audio_read(path, &a, &err), ST_OK);
    assert_int_equal(a.n, 10000);
    assert_true(a.fs_hz == 8000);
    assert_true(a.x[7] == 0.0f && a.x[1007] == 0.0f);
    assert_true(a.x[5] == x[5] && a.x[9999] == x[999]);
    st_audio_free(&a);
    /* abort: no file, no temporary file */
    const char *gone = in_dir("gone.wav");
    assert_int_equal(st_wav_writer_open(gone, 8000, ST_WAV_PCM16, NULL, &w, &err), ST_OK);
    assert_int_equal(st_wav_writer_write(w, x + 8, 100, &err), ST_OK);
    st_wav_writer_abort(w);
    st_wav_writer_abort(NULL);
    assert_int_equal(access(gone, F_OK), -1);
    assert_int_equal(count_entries(), 1);
}

static void test_audio_wav_writer_refuses(void **state)
{
    (void)state;
    st_wav_writer *w = (st_wav_writer *)&w;
    st_error err = {0};
    assert_int_equal(st_wav_writer_open("/nonexistent-dir/x.wav", 8000, ST_WAV_FLOAT32, NULL,
                                        &w, &err),
                     ST_ERR_IO);
    assert_null(w);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.wav"));
    assert_int_equal(st_wav_writer_open(in_dir("r.wav"), 0, ST_WAV_FLOAT32, NULL, &w, &err),
                     ST_ERR_INVAL);
    assert_int_equal(st_wav_writer_open(in_dir("r.wav"), 8000, (st_wav_format)7, NULL, &w, &err),
                     ST_ERR_INVAL);
    assert_int_equal(count_entries(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_audio_stereo_to_mono, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_formats, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_bad_files, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_read_alloc_failure, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_hostile_files, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_write_roundtrip, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_write_refuses, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_check_output_same_file, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_wav_writer, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_audio_wav_writer_refuses, make_dir, remove_dir),
        cmocka_unit_test(test_audio_demo_voice),
        cmocka_unit_test(test_audio_device_list),
        cmocka_unit_test(test_audio_record_without_device),
    };
    return cmocka_run_group_tests_name("audio", tests, NULL, NULL);
}
