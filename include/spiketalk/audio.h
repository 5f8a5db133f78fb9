/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Audio files (libsndfile): read any format to mono float, write WAV safely; and audio devices
 * (PortAudio): list them and record from one. */
#ifndef SPIKETALK_AUDIO_H
#define SPIKETALK_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- files ------------------------------------------------------------------------------ */

/* The sample rates files are read and written at: from telephone speech far below the lowest
 * common rate to far above any converter; a header outside claims an absurd rate. */
#define ST_AUDIO_MIN_RATE_HZ 1000.0
#define ST_AUDIO_MAX_RATE_HZ 10000000.0

/* A mono signal in memory. */
typedef struct st_audio {
    float *x;            /* samples, full scale = 1 (owned; free with st_audio_free) */
    size_t n;            /* number of frames */
    double fs_hz;        /* sample rate */
    int channels;        /* channels in the file (mixed to mono by averaging) */
    char format[96];     /* human description, e.g. "WAV, 16-bit PCM" */
} st_audio;

/* Reads any file libsndfile reads (WAV, FLAC, OGG, AIFF, ...; 8/16/24/32-bit int and float; a
 * rate from ST_AUDIO_MIN_RATE_HZ to ST_AUDIO_MAX_RATE_HZ) and mixes its channels to mono by
 * averaging them frame by frame. Fails, with err->msg "PATH: reason" and nothing allocated:
 * ST_ERR_INVAL when 'path' names no regular file it may read (missing, no permission, a folder,
 * a FIFO, a device); ST_ERR_FORMAT when the file is empty, not audio, truncated or corrupt, has
 * zero frames ("no audio frames"), claims a sample rate outside the range ("its header gives a
 * sample rate of 2000000000 Hz ..."), or holds a NaN or infinite sample ("sample K of channel C
 * is not finite"); ST_ERR_IO when the system fails to read it; ST_ERR_NOMEM. The first two are
 * bad input, the others failures of the run. */
ST_API st_status st_audio_read(const char *path, st_audio *out, st_error *err);

/* Frees the samples and zeroes 'a'. NULL-safe. */
ST_API void st_audio_free(st_audio *a);

typedef enum st_wav_format {
    ST_WAV_FLOAT32 = 0,  /* 32-bit IEEE float (the default) */
    ST_WAV_PCM16         /* 16-bit integer PCM */
} st_wav_format;

/* Checks before long work that 'path' may be written as output: not the same file as
 * 'input_path' (may be NULL; compared by device and inode when both exist, else by name), and
 * writable as st_output_check says. ST_ERR_IO "PATH: ..." otherwise; creates nothing. */
ST_API st_status st_audio_check_output(const char *path, const char *input_path,
                                       st_error *err);

/* Writes n mono samples at fs_hz as a WAV file in 'fmt', through a temporary file renamed on
 * success: on any failure 'path' is neither created nor truncated. Refuses to overwrite
 * 'input_path' (may be NULL). Samples must be finite; they are written as they are (PCM16
 * clips to [-1, 1]). */
ST_API st_status st_audio_write(const char *path, const float *x, size_t n, double fs_hz,
                                st_wav_format fmt, const char *input_path, st_error *err);

/* A WAV file written in pieces (a live session's recording): the samples go to a temporary
 * file beside 'path', renamed over it by st_wav_writer_commit; until then 'path' is neither
 * created nor truncated, and st_wav_writer_abort (or a crash) leaves it as it was. */
typedef struct st_wav_writer st_wav_writer;

/* Checks 'path' as st_audio_check_output does (not 'input_path', which may be NULL), creates
 * the temporary file and its mono header for fs_hz in 'fmt'. ST_ERR_IO "PATH: why",
 * ST_ERR_INVAL (rate, format) or ST_ERR_NOMEM; *out is NULL then and nothing is left behind.
 * Control thread only: it allocates and does file I/O. */
ST_API st_status st_wav_writer_open(const char *path, double fs_hz, st_wav_format fmt,
                                    const char *input_path, st_wav_writer **out,
                                    st_error *err);

/* Appends n samples (non-finite ones written as 0, so the file reads back). ST_ERR_IO "PATH:
 * write failed: why" (a full disk); the writer stays usable for st_wav_writer_abort. */
ST_API st_status st_wav_writer_write(st_wav_writer *w, const float *x, size_t n,
                                     st_error *err);

/* Frames written so far. */
ST_API uint64_t st_wav_writer_frames(const st_wav_writer *w);

/* Finishes the header, closes and renames the file to its path; on failure the temporary file
 * is removed and 'path' is untouched. Frees 'w' either way. */
ST_API st_status st_wav_writer_commit(st_wav_writer *w, st_error *err);

/* Removes the temporary file and frees 'w'; 'path' is untouched. NULL-safe. */
ST_API void st_wav_writer_abort(st_wav_writer *w);

/* ---- devices ---------------------------------------------------------------------------- */

typedef struct st_device_info {
    int index;              /* PortAudio device index */
    char name[128];
    char host_api[64];      /* "ALSA", "JACK Audio Connection Kit", ... */
    int max_input_channels;
    int max_output_channels;
    double default_fs_hz;
    bool is_default_input;
    bool is_default_output;
} st_device_info;

/* Lists the audio devices (initialising and terminating PortAudio around the call). Stores up
 * to 'cap' entries in 'out' and the total in *count. ST_ERR_DEVICE with the PortAudio error
 * text if PortAudio cannot start. Zero devices is not an error. */
ST_API st_status st_device_list(st_device_info *out, size_t cap, size_t *count, st_error *err);

/* Finds a capture (want_input) or playback device by index ("3") or by a case-insensitive
 * substring of its name; NULL or "" means the default device. ST_ERR_DEVICE with a message that
 * names 'spec' (or says there is no capture/playback device at all) on failure. Requires
 * PortAudio to be initialised by the caller (Pa_Initialize). */
ST_API st_status st_device_find(const char *spec, bool want_input, int *index, st_error *err);

/* As st_device_find, among the devices of one host API only: 'host_api' is a case-insensitive
 * part of its name ("jack", "alsa", "oss") and NULL or "" means every host API. With an empty
 * 'spec' it takes the host API's default device, else its first one that can capture (or
 * play). ST_ERR_DEVICE with a message that names the host API when PortAudio has none such
 * (listing the ones it has) or it has no such device. Requires PortAudio to be initialised. */
ST_API st_status st_device_find_on(const char *host_api, const char *spec, bool want_input,
                                   int *index, st_error *err);

/* Records 'seconds' of mono float audio from capture device 'spec' (see st_device_find) at
 * fs_hz (0: the device's default rate) into a newly allocated 'out'. Prints nothing; calls
 * 'progress' (may be NULL) from the calling thread about ten times a second with the fraction
 * done. ST_ERR_DEVICE when there is no capture device ("no audio capture device found; to use
 * a file, run 'spiketalk process FILE'") or the stream fails; ST_ERR_INVAL for seconds <= 0 or
 * not finite. */
ST_API st_status st_record(const char *spec, double seconds, double fs_hz, st_audio *out,
                           void (*progress)(void *ud, double fraction), void *ud,
                           st_error *err);

#ifdef __cplusplus
}
#endif
#endif
