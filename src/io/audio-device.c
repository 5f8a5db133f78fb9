/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Audio devices through PortAudio: list them, find one by index or name, record from one. */
#include "spiketalk/audio.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <portaudio.h>

#include "io-private.h"

/* More channels than this are not averaged; a device that cannot record mono or stereo and
 * has more would be odd, and this bounds the read buffer. */
#define MAX_RECORD_CHANNELS 64
/* Highest sample rate st_record asks a device for. */
#define MAX_RECORD_FS_HZ 1000000.0
/* The control thread looks at the take this often (progress about ten times a second). */
#define POLL_MS 100
/* A device that delivers nothing for this long has stopped (a JACK server gone, a USB device
 * unplugged); report it instead of waiting forever. */
#define STALL_MS 5000

static const char no_capture_msg[] =
    "no audio capture device found; to use a file, run 'spiketalk process FILE'";
static const char no_playback_msg[] =
    "no audio playback device found; to write the result to a file, run "
    "'spiketalk process FILE -o OUT.wav'";

/* ---- PortAudio start and stop, quietly ------------------------------------------------------ */

/* ALSA writes its configuration complaints ("cannot find card '0'", "Unknown PCM ...") straight
 * to file descriptor 2 while PortAudio probes devices, on every machine without a sound card.
 * They are not our messages and carry nothing the returned error does not, so descriptor 2
 * points at /dev/null while PortAudio probes. Not thread-safe: another thread's messages in
 * that window are lost too. Returns the saved descriptor, or -1 (then nothing was changed). */
static int quiet_begin(void)
{
    fflush(stderr);
    int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
    if (saved < 0)
        return -1;
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, STDERR_FILENO) < 0) {
        if (null >= 0)
            close(null);
        close(saved);
        return -1;
    }
    close(null);
    return saved;
}

static void quiet_end(int saved)
{
    if (saved < 0)
        return;
    dup2(saved, STDERR_FILENO);
    close(saved);
}

static st_status pa_start(st_error *err)
{
    int saved = quiet_begin();
    PaError e = Pa_Initialize();
    quiet_end(saved);
    if (e != paNoError)
        return st_error_set(err, ST_ERR_DEVICE, "audio: PortAudio cannot start: %s",
                            Pa_GetErrorText(e));
    return ST_OK;
}

static void pa_stop(void)
{
    int saved = quiet_begin();
    Pa_Terminate();
    quiet_end(saved);
}

/* ---- listing and finding ---------------------------------------------------------------- */

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

st_status st_device_list(st_device_info *out, size_t cap, size_t *count, st_error *err)
{
    *count = 0;
    st_status st = pa_start(err);
    if (st)
        return st;
    PaDeviceIndex n = Pa_GetDeviceCount();
    if (n < 0) {
        st = st_error_set(err, ST_ERR_DEVICE, "audio devices: %s", Pa_GetErrorText(n));
        goto cleanup;
    }
    PaDeviceIndex def_in = Pa_GetDefaultInputDevice(), def_out = Pa_GetDefaultOutputDevice();
    for (PaDeviceIndex i = 0; i < n && (size_t)i < cap; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        const PaHostApiInfo *api = d ? Pa_GetHostApiInfo(d->hostApi) : NULL;
        st_device_info *o = &out[i];
        memset(o, 0, sizeof *o);
        o->index = i;
        if (d) {
            copy_str(o->name, sizeof o->name, d->name);
            o->max_input_channels = d->maxInputChannels;
            o->max_output_channels = d->maxOutputChannels;
            o->default_fs_hz = d->defaultSampleRate;
        }
        copy_str(o->host_api, sizeof o->host_api, api ? api->name : "unknown");
        o->is_default_input = i == def_in;
        o->is_default_output = i == def_out;
    }
    *count = (size_t)n;
cleanup:
    pa_stop();
    return st;
}

static int channels_of(PaDeviceIndex i, bool want_input)
{
    const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
    if (!d)
        return 0;
    return want_input ? d->maxInputChannels : d->maxOutputChannels;
}

/* True if 'name' contains 'part', ignoring ASCII case. */
static bool contains_nocase(const char *name, const char *part)
{
    size_t n = strlen(part);
    for (; *name; name++) {
        size_t k = 0;
        while (k < n && name[k] &&
               tolower((unsigned char)name[k]) == tolower((unsigned char)part[k]))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

st_status st_device_find(const char *spec, bool want_input, int *index, st_error *err)
{
    const char *what = want_input ? "capture" : "playback";
    PaDeviceIndex n = Pa_GetDeviceCount();
    if (n < 0)
        return st_error_set(err, ST_ERR_DEVICE, "audio devices: %s", Pa_GetErrorText(n));
    PaDeviceIndex first = paNoDevice;
    for (PaDeviceIndex i = 0; i < n && first == paNoDevice; i++)
        if (channels_of(i, want_input) > 0)
            first = i;
    if (first == paNoDevice)
        return st_error_set(err, ST_ERR_DEVICE, "%s", want_input ? no_capture_msg
                                                                  : no_playback_msg);
    if (!spec || !*spec) {
        PaDeviceIndex d = want_input ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
        /* Some hosts have devices but no default; the first usable one is the best guess. */
        *index = (d != paNoDevice && channels_of(d, want_input) > 0) ? d : first;
        return ST_OK;
    }
    if (all_digits(spec)) {
        errno = 0;
        long i = strtol(spec, NULL, 10);
        if (errno || i >= n)
            return st_error_set(err, ST_ERR_DEVICE,
                                "device '%s': no such device (0 to %d; see 'spiketalk devices')",
                                spec, n - 1);
        if (channels_of((PaDeviceIndex)i, want_input) <= 0)
            return st_error_set(err, ST_ERR_DEVICE,
                                "device '%s' (%s): not a %s device (see 'spiketalk devices')",
                                spec, Pa_GetDeviceInfo((PaDeviceIndex)i)->name, what);
        *index = (int)i;
        return ST_OK;
    }
    for (PaDeviceIndex i = 0; i < n; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (d && d->name && channels_of(i, want_input) > 0 && contains_nocase(d->name, spec)) {
            *index = i;
            return ST_OK;
        }
    }
    return st_error_set(err, ST_ERR_DEVICE,
                        "device '%s': no %s device has that in its name (see 'spiketalk devices')",
                        spec, what);
}

/* ---- recording ---------------------------------------------------------------------------- */

/* Recording runs a callback rather than PortAudio's blocking read, so that the control thread
 * keeps its hands free to report progress and to notice a device that stops delivering (a
 * blocking read would wait forever; one did once here, on JACK's dummy driver). */

/* What the capture callback shares with the control thread. The callback owns 'x' up to 'total'
 * frames and publishes how far it got in 'done' (release); the control thread only reads. */
typedef struct capture {
    float *x;             /* the take, preallocated: the callback never allocates */
    size_t total;         /* frames wanted */
    int channels;         /* channels in the stream, averaged to mono */
    atomic_size_t done;   /* frames written so far */
} capture;

static int on_input(const void *input, void *output, unsigned long frames,
                    const PaStreamCallbackTimeInfo *when, PaStreamCallbackFlags flags, void *ud)
{
    (void)output;
    (void)when;
    (void)flags; /* an input overflow lost samples; the take keeps its length and goes on */
    capture *c = ud;
    size_t done = atomic_load_explicit(&c->done, memory_order_relaxed);
    size_t k = c->total - done < frames ? c->total - done : (size_t)frames;
    const float *in = input;
    float *x = c->x + done;
    int ch = c->channels;
    if (!in) {
        memset(x, 0, k * sizeof *x); /* no input this block: a gap of silence keeps time */
    } else if (ch == 1) {
        memcpy(x, in, k * sizeof *x);
    } else {
        for (size_t f = 0; f < k; f++) {
            float sum = 0.0f;
            for (int j = 0; j < ch; j++)
                sum += in[f * (size_t)ch + (size_t)j];
            x[f] = sum / (float)ch;
        }
    }
    done += k;
    atomic_store_explicit(&c->done, done, memory_order_release);
    return done == c->total ? paComplete : paContinue;
}

/* Fills 'p' for recording from 'dev' at 'fs_hz': mono if the device takes it, else all of its
 * channels (to be averaged). */
static st_status capture_params(PaDeviceIndex dev, double fs_hz, PaStreamParameters *p,
                                st_error *err)
{
    const PaDeviceInfo *d = Pa_GetDeviceInfo(dev);
    memset(p, 0, sizeof *p);
    p->device = dev;
    p->channelCount = 1;
    p->sampleFormat = paFloat32;
    p->suggestedLatency = d->defaultHighInputLatency; /* a file take, not a live path */
    int saved = quiet_begin();
    PaError e = Pa_IsFormatSupported(p, NULL, fs_hz);
    if (e != paFormatIsSupported && d->maxInputChannels > 1) {
        p->channelCount = d->maxInputChannels < MAX_RECORD_CHANNELS ? d->maxInputChannels
                                                                    : MAX_RECORD_CHANNELS;
        e = Pa_IsFormatSupported(p, NULL, fs_hz);
    }
    quiet_end(saved);
    if (e != paFormatIsSupported)
        return st_error_set(err, ST_ERR_DEVICE, "device '%s': cannot record at %g Hz: %s",
                            d->name, fs_hz, Pa_GetErrorText(e));
    return ST_OK;
}

/* Waits for the callback to fill the take, reporting progress about ten times a second. A
 * device that delivers nothing for STALL_MS is given up on rather than waited for forever. */
static st_status wait_for_take(PaStream *stream, capture *c, const char *name,
                               void (*progress)(void *, double), void *ud, st_error *err)
{
    size_t last = 0;
    long still_ms = 0;
    for (;;) {
        Pa_Sleep(POLL_MS);
        size_t done = atomic_load_explicit(&c->done, memory_order_acquire);
        if (progress)
            progress(ud, (double)done / (double)c->total);
        if (done == c->total)
            return ST_OK;
        PaError active = Pa_IsStreamActive(stream);
        if (active < 0)
            return st_error_set(err, ST_ERR_DEVICE, "device '%s': recording failed: %s", name,
                                Pa_GetErrorText(active));
        still_ms = done == last ? still_ms + POLL_MS : 0;
        last = done;
        if (active == 0 || still_ms >= STALL_MS)
            return st_error_set(err, ST_ERR_DEVICE,
                                "device '%s': stopped delivering audio after %zu of %zu frames",
                                name, done, c->total);
    }
}

st_status st_record(const char *spec, double seconds, double fs_hz, st_audio *out,
                    void (*progress)(void *ud, double fraction), void *ud, st_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(seconds > 0.0) || !isfinite(seconds))
        return st_error_set(err, ST_ERR_INVAL, "duration: must be > 0 s and finite (got %g)",
                            seconds);
    if (!(fs_hz >= 0.0 && fs_hz <= MAX_RECORD_FS_HZ))
        return st_error_set(err, ST_ERR_INVAL,
                            "sample rate: must be 0 (the device's) or up to %g Hz (got %g)",
                            MAX_RECORD_FS_HZ, fs_hz);
    st_status st = pa_start(err);
    if (st)
        return st;
    PaStream *stream = NULL;
    bool started = false;
    capture c = {0};
    int dev;
    if ((st = st_device_find(spec, true, &dev, err)))
        goto cleanup;
    const PaDeviceInfo *d = Pa_GetDeviceInfo(dev);
    double rate = fs_hz > 0.0 ? fs_hz : d->defaultSampleRate;
    double frames = round(seconds * rate);
    if (!(frames >= 1.0)) {
        st = st_error_set(err, ST_ERR_INVAL, "duration: %g s is less than one sample", seconds);
        goto cleanup;
    }
    if (frames > (double)(SIZE_MAX / sizeof *c.x / 2)) {
        st = st_error_set(err, ST_ERR_NOMEM, "duration: %g s does not fit in memory", seconds);
        goto cleanup;
    }
    PaStreamParameters in;
    if ((st = capture_params(dev, rate, &in, err)))
        goto cleanup;
    c.total = (size_t)frames;
    c.channels = in.channelCount;
    atomic_init(&c.done, 0);
    if (!(c.x = st_malloc(c.total * sizeof *c.x))) {
        st = st_error_set(err, ST_ERR_NOMEM, "recording: out of memory (%zu frames)", c.total);
        goto cleanup;
    }
    int saved = quiet_begin();
    PaError e = Pa_OpenStream(&stream, &in, NULL, rate, paFramesPerBufferUnspecified, paClipOff,
                              on_input, &c);
    if (e == paNoError && (e = Pa_StartStream(stream)) == paNoError)
        started = true;
    quiet_end(saved);
    if (e != paNoError) {
        st = st_error_set(err, ST_ERR_DEVICE, "device '%s': cannot start recording: %s",
                          d->name, Pa_GetErrorText(e));
        goto cleanup;
    }
    if ((st = wait_for_take(stream, &c, d->name, progress, ud, err)))
        goto cleanup;
    started = false;
    if ((e = Pa_StopStream(stream)) != paNoError) {
        st = st_error_set(err, ST_ERR_DEVICE, "device '%s': cannot stop recording: %s",
                          d->name, Pa_GetErrorText(e));
        goto cleanup;
    }
    out->x = c.x;
    out->n = c.total;
    out->fs_hz = rate;
    out->channels = in.channelCount;
    const PaHostApiInfo *api = Pa_GetHostApiInfo(d->hostApi);
    snprintf(out->format, sizeof out->format, "%s (%s)", d->name, api ? api->name : "?");
    c.x = NULL;
cleanup:
    if (started)
        Pa_AbortStream(stream); /* the callback no longer runs after this returns */
    if (stream)
        Pa_CloseStream(stream);
    st_free(c.x);
    pa_stop();
    return st;
}

/* ---- finding a device of one host API ------------------------------------------------------ */

/* Lists PortAudio's host API names into 'buf' ("ALSA, OSS, JACK Audio Connection Kit"). */
static const char *host_api_names(char *buf, size_t size)
{
    buf[0] = '\0';
    PaHostApiIndex n = Pa_GetHostApiCount();
    for (PaHostApiIndex h = 0; h < n; h++) {
        const PaHostApiInfo *api = Pa_GetHostApiInfo(h);
        size_t len = strlen(buf);
        if (api && len < size)
            snprintf(buf + len, size - len, "%s%s", len ? ", " : "", api->name);
    }
    return buf[0] ? buf : "none";
}

st_status st_device_find_on(const char *host_api, const char *spec, bool want_input, int *index,
                            st_error *err)
{
    if (!host_api || !*host_api)
        return st_device_find(spec, want_input, index, err);
    const char *what = want_input ? "capture" : "playback";
    PaHostApiIndex h = 0, n = Pa_GetHostApiCount();
    const PaHostApiInfo *api = NULL;
    for (; h < n && !api; h++) {
        const PaHostApiInfo *a = Pa_GetHostApiInfo(h);
        if (a && a->name && contains_nocase(a->name, host_api))
            api = a;
    }
    char names[256];
    if (!api)
        return st_error_set(err, ST_ERR_DEVICE,
                            "host API '%s': PortAudio has none such here (it has: %s; a JACK "
                            "server must be running to be one); to use a file, run 'spiketalk "
                            "process FILE'",
                            host_api, host_api_names(names, sizeof names));
    h--;
    PaDeviceIndex chosen = paNoDevice;
    if (!spec || !*spec) {
        PaDeviceIndex d = want_input ? api->defaultInputDevice : api->defaultOutputDevice;
        if (d != paNoDevice && channels_of(d, want_input) > 0)
            chosen = d;
    }
    for (int k = 0; k < api->deviceCount && chosen == paNoDevice; k++) {
        PaDeviceIndex d = Pa_HostApiDeviceIndexToDeviceIndex(h, k);
        const PaDeviceInfo *info = d >= 0 ? Pa_GetDeviceInfo(d) : NULL;
        if (!info || channels_of(d, want_input) <= 0)
            continue;
        if (!spec || !*spec || (all_digits(spec) && atol(spec) == (long)d) ||
            (!all_digits(spec) && info->name && contains_nocase(info->name, spec)))
            chosen = d;
    }
    if (chosen == paNoDevice) {
        if (!spec || !*spec)
            return st_error_set(err, ST_ERR_DEVICE,
                                "host API '%s' (%s): no %s device (is its server running? see "
                                "'spiketalk devices'); to use a file, run 'spiketalk process "
                                "FILE'",
                                host_api, api->name, what);
        return st_error_set(err, ST_ERR_DEVICE,
                            "device '%s': host API %s has no such %s device (see 'spiketalk "
                            "devices')",
                            spec, api->name, what);
    }
    *index = chosen;
    return ST_OK;
}

/* ---- shared with live.c (io-private.h) ------------------------------------------------------ */

st_status st_io_pa_start(st_error *err)
{
    return pa_start(err);
}

void st_io_pa_stop(void)
{
    pa_stop();
}

int st_io_quiet_begin(void)
{
    return quiet_begin();
}

void st_io_quiet_end(int saved)
{
    quiet_end(saved);
}
