/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Audio files through libsndfile: any readable format to mono float, and WAV written safely. */
#include "spiketalk/audio.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include "spiketalk/output.h"

/* Frames per libsndfile call: small enough for the stack-free chunk buffer to stay modest with
 * many channels, large enough that the per-call overhead does not show. */
#define CHUNK_FRAMES 4096
/* The sample buffer grows by doubling from here, so a corrupt header that claims billions of
 * frames costs what the file really holds, not what it claims. */
#define FIRST_CAP_FRAMES (1u << 20)
/* A chunk list this long is not a real WAV or AIFF file; stop walking it. */
#define MAX_CHUNKS 4096

/* ---- header frame count ------------------------------------------------------------------- */

/* libsndfile shortens a WAV or AIFF data length that runs past the end of the file to what is
 * there (it only logs "should be ..."), so its frame count cannot reveal a truncated file. These
 * helpers read the count the header declares, for the containers and encodings where it is
 * plain. */

static uint32_t get_u32(const unsigned char *p, bool big_endian)
{
    if (big_endian)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get_u64le(const unsigned char *p)
{
    return (uint64_t)get_u32(p + 4, false) << 32 | get_u32(p, false);
}

/* Bytes per sample of the fixed-width encodings; 0 for compressed or variable ones. */
static int sample_bytes(int format)
{
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
    case SF_FORMAT_ULAW:
    case SF_FORMAT_ALAW: return 1;
    case SF_FORMAT_PCM_16: return 2;
    case SF_FORMAT_PCM_24: return 3;
    case SF_FORMAT_PCM_32:
    case SF_FORMAT_FLOAT: return 4;
    case SF_FORMAT_DOUBLE: return 8;
    default: return 0;
    }
}

/* The frame count declared by a RIFF/RIFX/RF64 WAV or an AIFF header, or -1 when the container
 * is another one, the encoding is not fixed-width, or the length was left open (0 or
 * 0xFFFFFFFF, as streaming writers do). Reads with pread, so the file offset is untouched. */
static int64_t declared_frames(int fd, const SF_INFO *info)
{
    int bytes = sample_bytes(info->format);
    if (bytes == 0 || info->channels <= 0)
        return -1;
    uint64_t frame_bytes = (uint64_t)bytes * (uint64_t)info->channels;
    unsigned char h[28];
    if (pread(fd, h, 12, 0) != 12)
        return -1;
    bool aiff = !memcmp(h, "FORM", 4) && (!memcmp(h + 8, "AIFF", 4) || !memcmp(h + 8, "AIFC", 4));
    bool rf64 = !memcmp(h, "RF64", 4);
    bool big = aiff || !memcmp(h, "RIFX", 4);
    if (!aiff && !rf64 && memcmp(h, "RIFF", 4) && memcmp(h, "RIFX", 4))
        return -1;
    uint64_t rf64_data = 0;
    off_t off = 12;
    for (int k = 0; k < MAX_CHUNKS; k++) {
        if (pread(fd, h, 8, off) != 8)
            return -1;
        uint32_t size = get_u32(h + 4, big);
        if (aiff && !memcmp(h, "COMM", 4)) {
            /* numChannels (2 bytes), then numSampleFrames */
            if (pread(fd, h + 8, 6, off + 8) != 6)
                return -1;
            return get_u32(h + 10, true);
        }
        if (rf64 && !memcmp(h, "ds64", 4) && size >= 16) {
            if (pread(fd, h + 8, 16, off + 8) != 16)
                return -1;
            rf64_data = get_u64le(h + 16);
        }
        if (!aiff && !memcmp(h, "data", 4)) {
            uint64_t data = (rf64 && size == 0xFFFFFFFFu) ? rf64_data : size;
            if (data == 0 || data == 0xFFFFFFFFu)
                return -1;
            return (int64_t)(data / frame_bytes);
        }
        off += 8 + (off_t)size + (off_t)(size & 1); /* chunks are padded to even lengths */
    }
    return -1;
}

/* ---- reading -------------------------------------------------------------------------------- */

static void describe(SNDFILE *sf, const SF_INFO *info, char *buf, size_t size)
{
    SF_FORMAT_INFO major = {.format = info->format & SF_FORMAT_TYPEMASK};
    SF_FORMAT_INFO sub = {.format = info->format & SF_FORMAT_SUBMASK};
    if (sf_command(sf, SFC_GET_FORMAT_INFO, &major, sizeof major) != 0)
        major.name = "unknown container";
    if (sf_command(sf, SFC_GET_FORMAT_INFO, &sub, sizeof sub) != 0)
        sub.name = "unknown encoding";
    snprintf(buf, size, "%s, %s", major.name, sub.name);
}

/* libsndfile's messages end with a full stop; ours continue after them. */
static const char *sf_reason(SNDFILE *sf, char *buf, size_t size)
{
    snprintf(buf, size, "%s", sf_strerror(sf));
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '.' || buf[n - 1] == '\n'))
        buf[--n] = '\0';
    return buf;
}

/* Averages 'n' interleaved frames of 'ch' channels into 'out', checking every sample. Returns
 * false at the first non-finite sample, with its frame and channel (from 0) in *frame, *chan. */
static bool mix(const float *in, size_t n, int ch, float *out, size_t *frame, int *chan)
{
    if (ch == 1) { /* a copy, checked once for the whole chunk */
        bool finite = true;
        for (size_t f = 0; f < n; f++) {
            out[f] = in[f];
            finite &= fabsf(in[f]) <= FLT_MAX;
        }
        if (finite)
            return true;
    }
    for (size_t f = 0; f < n; f++) {
        const float *s = in + f * (size_t)ch;
        double sum = 0.0;
        for (int c = 0; c < ch; c++) {
            if (!isfinite(s[c])) {
                *frame = f;
                *chan = c;
                return false;
            }
            sum += s[c];
        }
        /* In double, so the mean of a few channels is the correctly rounded one. */
        out[f] = ch == 1 ? s[0] : (float)(sum / ch);
    }
    return true;
}

/* Errors of open(2) that mean the name given is not a file we may read: bad input, not a
 * failure of the system. */
static bool names_no_file(int e)
{
    return e == ENOENT || e == ENOTDIR || e == EACCES || e == EPERM || e == ELOOP ||
           e == ENAMETOOLONG || e == EISDIR;
}

static const char *file_type(mode_t m)
{
    return S_ISFIFO(m)   ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

/* Opens 'path' for reading, with the errors a person can act on (missing, a folder, a FIFO or
 * a device, empty). */
static st_status open_input(const char *path, int *fd, st_error *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not hang the open */
    if (*fd < 0)
        return st_error_set(err, names_no_file(errno) ? ST_ERR_INVAL : ST_ERR_IO,
                            "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    st_status st = ST_OK;
    if (fstat(*fd, &sb) != 0)
        st = st_error_set(err, ST_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    else if (S_ISDIR(sb.st_mode))
        st = st_error_set(err, ST_ERR_INVAL, "%s: is a directory, not an audio file", path);
    else if (!S_ISREG(sb.st_mode))
        st = st_error_set(err, ST_ERR_INVAL, "%s: is %s, not an audio file", path,
                          file_type(sb.st_mode));
    else if (sb.st_size == 0)
        st = st_error_set(err, ST_ERR_FORMAT, "%s: empty file (0 bytes), not audio", path);
    else if (fcntl(*fd, F_SETFL, 0) != 0) /* back to blocking reads */
        st = st_error_set(err, ST_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    if (st) {
        close(*fd);
        *fd = -1;
    }
    return st;
}

/* Reads every frame of the open file into a newly allocated mono buffer. 'first' (0: none)
 * is a frame count the file can hold for certain, allocated at once: no copy as it grows. */
static st_status read_frames(SNDFILE *sf, const SF_INFO *info, int64_t expected, size_t first,
                             const char *path, float **xp, size_t *np, st_error *err)
{
    int ch = info->channels;
    float *chunk = st_malloc((size_t)CHUNK_FRAMES * (size_t)ch * sizeof *chunk);
    float *x = NULL;
    size_t n = 0, cap = 0;
    st_status st = ST_OK;
    if (!chunk) {
        st = st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
        goto cleanup;
    }
    for (;;) {
        sf_count_t got = sf_readf_float(sf, chunk, CHUNK_FRAMES);
        if (got <= 0)
            break;
        if (n + (size_t)got > cap) {
            size_t want = cap ? cap * 2 : first > FIRST_CAP_FRAMES ? first : FIRST_CAP_FRAMES;
            if (expected > 0 && (uint64_t)expected >= n + (size_t)got &&
                (uint64_t)expected < want)
                want = (size_t)expected; /* usually the whole file in one allocation */
            while (want < n + (size_t)got)
                want *= 2;
            float *grown = want <= SIZE_MAX / sizeof *x ? st_realloc(x, want * sizeof *x) : NULL;
            if (!grown) {
                st = st_error_set(err, ST_ERR_NOMEM, "%s: out of memory (%zu frames)", path,
                                  want);
                goto cleanup;
            }
            x = grown;
            cap = want;
        }
        size_t f;
        int c;
        if (!mix(chunk, (size_t)got, ch, x + n, &f, &c)) {
            st = st_error_set(err, ST_ERR_FORMAT,
                              "%s: sample %zu of channel %d is not finite (at %.6g s)", path,
                              n + f, c + 1, (double)(n + f) / info->samplerate);
            goto cleanup;
        }
        n += (size_t)got;
    }
    if (expected >= 0 && n < (uint64_t)expected) {
        char why[200] = "";
        if (sf_error(sf) != SF_ERR_NO_ERROR)
            sf_reason(sf, why, sizeof why);
        st = st_error_set(err, ST_ERR_FORMAT,
                          "%s: truncated: header says %lld frames, only %zu could be read%s%s%s",
                          path, (long long)expected, n, why[0] ? " (" : "", why,
                          why[0] ? ")" : "");
        goto cleanup;
    }
    if (n == 0) {
        st = st_error_set(err, ST_ERR_FORMAT, "%s: no audio frames", path);
        goto cleanup;
    }
    *xp = x;
    *np = n;
    x = NULL;
cleanup:
    st_free(x);
    st_free(chunk);
    return st;
}

st_status st_audio_read(const char *path, st_audio *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    if (!path || !*path)
        return st_error_set(err, ST_ERR_IO, "input: empty file name");
    int fd;
    st_status st = open_input(path, &fd, err);
    if (st)
        return st;
    SF_INFO info = {0};
    /* We keep the descriptor (SF_FALSE) so that one close path owns it whatever happens. */
    SNDFILE *sf = sf_open_fd(fd, SFM_READ, &info, SF_FALSE);
    if (!sf) {
        char why[200];
        st = st_error_set(err, sf_error(NULL) == SF_ERR_SYSTEM ? ST_ERR_IO : ST_ERR_FORMAT,
                          "%s: not a readable audio file: %s", path,
                          sf_reason(NULL, why, sizeof why));
        goto cleanup;
    }
    if (info.samplerate <= 0 || info.channels <= 0) {
        st = st_error_set(err, ST_ERR_FORMAT, "%s: corrupt header (%d Hz, %d channels)", path,
                          info.samplerate, info.channels);
        goto cleanup;
    }
    /* Refused here, naming the file, rather than blamed on an output after the work. */
    if (info.samplerate < ST_AUDIO_MIN_RATE_HZ || info.samplerate > ST_AUDIO_MAX_RATE_HZ) {
        st = st_error_set(err, ST_ERR_FORMAT,
                          "%s: its header gives a sample rate of %d Hz; audio files are read at "
                          "%.0f to %.0f Hz",
                          path, info.samplerate, ST_AUDIO_MIN_RATE_HZ, ST_AUDIO_MAX_RATE_HZ);
        goto cleanup;
    }
    int64_t expected = declared_frames(fd, &info);
    /* a fixed-width header's count, when the file is long enough to hold it */
    size_t first = 0;
    struct stat sb;
    uint64_t frame_bytes = (uint64_t)sample_bytes(info.format) * (uint64_t)info.channels;
    if (expected > 0 && fstat(fd, &sb) == 0 && frame_bytes > 0 &&
        (uint64_t)expected <= (uint64_t)sb.st_size / frame_bytes && (uint64_t)expected < SIZE_MAX / 8)
        first = (size_t)expected;
    /* Otherwise libsndfile's count is the header's, except that it reports SF_COUNT_MAX for an
     * open-ended stream and 0 for an Ogg file cut before its last page: then only the data
     * itself says how long the file is. */
    if (expected < 0 && info.frames > 0 && info.frames < SF_COUNT_MAX)
        expected = info.frames;
    st = read_frames(sf, &info, expected, first, path, &out->x, &out->n, err);
    if (st)
        goto cleanup;
    out->fs_hz = info.samplerate;
    out->channels = info.channels;
    describe(sf, &info, out->format, sizeof out->format);
cleanup:
    if (sf)
        sf_close(sf);
    close(fd);
    return st;
}

void st_audio_free(st_audio *a)
{
    if (!a)
        return;
    st_free(a->x);
    memset(a, 0, sizeof *a);
}

/* ---- writing -------------------------------------------------------------------------------- */

st_status st_audio_check_output(const char *path, const char *input_path, st_error *err)
{
    if (!path || !*path)
        return st_error_set(err, ST_ERR_IO, "output: empty file name");
    /* by identity where both exist, so "./x.wav", a hard link or a symbolic link to the input
     * are all caught; by the resolved name where one is missing */
    if (input_path && st_output_same(path, input_path))
        return st_error_set(err, ST_ERR_IO, "%s: is the input file; choose another output name",
                            path);
    return st_output_check(path, err);
}

/* Writes 'n' samples to 'sf' in chunks, as float32 or as clipped 16-bit integers. */
static st_status write_samples(SNDFILE *sf, const float *x, size_t n, st_wav_format fmt,
                               const char *path, st_error *err)
{
    short pcm[CHUNK_FRAMES];
    for (size_t done = 0; done < n;) {
        size_t k = n - done < CHUNK_FRAMES ? n - done : CHUNK_FRAMES;
        sf_count_t wrote;
        if (fmt == ST_WAV_PCM16) {
            /* Our own conversion, full scale 32768 as libsndfile reads it back, clipped, so
             * the result does not depend on libsndfile's write-side scaling options. */
            for (size_t i = 0; i < k; i++) {
                double s = nearbyint((double)x[done + i] * 32768.0);
                pcm[i] = (short)(s > 32767.0 ? 32767.0 : (s < -32768.0 ? -32768.0 : s));
            }
            wrote = sf_write_short(sf, pcm, (sf_count_t)k);
        } else {
            wrote = sf_write_float(sf, x + done, (sf_count_t)k);
        }
        if (wrote != (sf_count_t)k) {
            char why[200];
            return st_error_set(err, ST_ERR_IO, "%s: write failed: %s", path,
                                sf_reason(sf, why, sizeof why));
        }
        done += k;
    }
    return ST_OK;
}

st_status st_audio_write(const char *path, const float *x, size_t n, double fs_hz,
                         st_wav_format fmt, const char *input_path, st_error *err)
{
    if (!path || !*path)
        return st_error_set(err, ST_ERR_IO, "output: empty file name");
    if (n > 0 && !x)
        return st_error_set(err, ST_ERR_INVAL, "%s: no samples given", path);
    /* refused before anything is created (the piece-by-piece writer would write silence) */
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return st_error_set(err, ST_ERR_NUMERIC,
                                "%s: sample %zu is not finite; nothing written", path, i);
    /* the whole signal is the piece-by-piece writer's one piece */
    st_wav_writer *w;
    st_status st = st_wav_writer_open(path, fs_hz, fmt, input_path, &w, err);
    if (!st && (st = st_wav_writer_write(w, x, n, err)))
        st_wav_writer_abort(w);
    else if (!st)
        st = st_wav_writer_commit(w, err);
    return st;
}

/* ---- writing in pieces -------------------------------------------------------------------- */

struct st_wav_writer {
    SNDFILE *sf;
    int fd;
    st_wav_format fmt;
    uint64_t frames;     /* written so far */
    char *path;          /* the final name */
    char *tmp;           /* the temporary file beside it */
};

st_status st_wav_writer_open(const char *path, double fs_hz, st_wav_format fmt,
                             const char *input_path, st_wav_writer **out, st_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return st_error_set(err, ST_ERR_IO, "output: empty file name");
    if (fmt != ST_WAV_FLOAT32 && fmt != ST_WAV_PCM16)
        return st_error_set(err, ST_ERR_INVAL, "%s: unknown WAV sample format %d", path,
                            (int)fmt);
    /* WAV stores a whole number of Hz; a rate like 44100/3 computed in floating point lands
     * a hair off an integer, so round rather than refuse. */
    if (!(fs_hz >= ST_AUDIO_MIN_RATE_HZ && fs_hz <= ST_AUDIO_MAX_RATE_HZ))
        return st_error_set(err, ST_ERR_INVAL, "%s: sample rate %g Hz is out of range (%.0f to %.0f)",
                            path, fs_hz, ST_AUDIO_MIN_RATE_HZ, ST_AUDIO_MAX_RATE_HZ);
    st_status st = st_audio_check_output(path, input_path, err);
    if (st)
        return st;
    st_wav_writer *w = st_calloc(1, sizeof *w);
    if (!w)
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    w->fd = -1;
    w->fmt = fmt;
    size_t len = strlen(path);
    if (!(w->path = st_malloc(len + 1))) {
        st = st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    memcpy(w->path, path, len + 1);
    /* registered: a termination signal removes it (st_temp_catch_signals) */
    if ((st = st_temp_create(path, false, &w->fd, &w->tmp, err)))
        goto fail;
    SF_INFO info = {.samplerate = (int)lround(fs_hz), .channels = 1,
                    .format = SF_FORMAT_WAV |
                              (fmt == ST_WAV_PCM16 ? SF_FORMAT_PCM_16 : SF_FORMAT_FLOAT)};
    if (!(w->sf = sf_open_fd(w->fd, SFM_WRITE, &info, SF_FALSE))) {
        char why[200];
        st = st_error_set(err, ST_ERR_IO, "%s: cannot write WAV: %s", path,
                          sf_reason(NULL, why, sizeof why));
        goto fail;
    }
    sf_command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE); /* no time stamp in the file */
    *out = w;
    return ST_OK;
fail:
    st_wav_writer_abort(w);
    return st;
}

st_status st_wav_writer_write(st_wav_writer *w, const float *x, size_t n, st_error *err)
{
    float clean[CHUNK_FRAMES];
    for (size_t done = 0; done < n;) {
        size_t k = n - done < CHUNK_FRAMES ? n - done : CHUNK_FRAMES;
        /* A broken device can deliver NaN; our own reader refuses such files, so a recording
         * keeps the time line with silence there instead. */
        for (size_t i = 0; i < k; i++)
            clean[i] = isfinite(x[done + i]) ? x[done + i] : 0.0f;
        st_status st = write_samples(w->sf, clean, k, w->fmt, w->path, err);
        if (st)
            return st;
        done += k;
        w->frames += k;
    }
    return ST_OK;
}

uint64_t st_wav_writer_frames(const st_wav_writer *w)
{
    return w->frames;
}

st_status st_wav_writer_commit(st_wav_writer *w, st_error *err)
{
    st_status st = ST_OK;
    /* sf_close writes the final header sizes; its failure means a broken file. */
    int rc = sf_close(w->sf);
    w->sf = NULL;
    if (rc != 0) {
        st = st_error_set(err, ST_ERR_IO, "%s: write failed: %s", w->path, sf_error_number(rc));
    } else {
        rc = close(w->fd);
        w->fd = -1;
        if (rc != 0 || rename(w->tmp, w->path) != 0) {
            st = st_error_set(err, ST_ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
        } else {
            st_temp_forget(w->tmp); /* renamed: nothing left to remove */
            w->tmp = NULL;
        }
    }
    st_wav_writer_abort(w);
    return st;
}

void st_wav_writer_abort(st_wav_writer *w)
{
    if (!w)
        return;
    if (w->sf)
        sf_close(w->sf);
    if (w->fd >= 0)
        close(w->fd);
    st_temp_discard(w->tmp);
    st_free(w->path);
    st_free(w);
}
