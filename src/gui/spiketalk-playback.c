/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Playback through PortAudio's blocking API in a GTask thread; the writes go in short chunks so
 * that a cancel stops within a few tens of milliseconds. */
#include "spiketalk-playback.h"

#include <portaudio.h>
#include <string.h>

#include "spiketalk/audio.h"

#define CHUNK 2048

typedef struct job {
    float *x;
    size_t n;
    double fs_hz;
    st_error err;
} job;

static void job_free(gpointer p)
{
    job *j = p;
    g_free(j->x);
    g_free(j);
}

static st_status play(job *j, GCancellable *cancel)
{
    PaError pe = Pa_Initialize();
    if (pe != paNoError)
        return st_error_set(&j->err, ST_ERR_DEVICE, "playback: PortAudio: %s",
                            Pa_GetErrorText(pe));
    int dev;
    PaStream *stream = NULL;
    st_status st = st_device_find(NULL, false, &dev, &j->err);
    if (st)
        goto out;
    PaStreamParameters out = {.device = dev, .channelCount = 1, .sampleFormat = paFloat32,
                              .suggestedLatency =
                                  Pa_GetDeviceInfo(dev)->defaultHighOutputLatency};
    pe = Pa_OpenStream(&stream, NULL, &out, j->fs_hz, CHUNK, paClipOff, NULL, NULL);
    if (pe == paNoError)
        pe = Pa_StartStream(stream);
    for (size_t i = 0; pe == paNoError && i < j->n && !g_cancellable_is_cancelled(cancel);
         i += CHUNK) {
        size_t k = MIN((size_t)CHUNK, j->n - i);
        pe = Pa_WriteStream(stream, j->x + i, (unsigned long)k);
        if (pe == paOutputUnderflowed)
            pe = paNoError; /* a glitch, not a failure */
    }
    if (pe != paNoError)
        st = st_error_set(&j->err, ST_ERR_DEVICE, "playback: %s", Pa_GetErrorText(pe));
    if (stream) {
        Pa_StopStream(stream);
        Pa_CloseStream(stream);
    }
out:
    Pa_Terminate();
    return st;
}

static void thread_func(GTask *task, gpointer src, gpointer data, GCancellable *cancel)
{
    (void)src;
    job *j = data;
    g_task_return_boolean(task, play(j, cancel) == ST_OK);
}

void spiketalk_playback_play_async(const float *x, size_t n, double fs_hz,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer ud)
{
    job *j = g_new0(job, 1);
    j->x = g_memdup2(x, n * sizeof *x);
    j->n = n;
    j->fs_hz = fs_hz;
    GTask *task = g_task_new(NULL, cancellable, callback, ud);
    g_task_set_task_data(task, j, job_free);
    g_task_run_in_thread(task, thread_func);
    g_object_unref(task);
}

gboolean spiketalk_playback_finish(GAsyncResult *res, st_error *err)
{
    GTask *task = G_TASK(res);
    job *j = g_task_get_task_data(task);
    gboolean ok = g_task_propagate_boolean(task, NULL);
    if (!ok && err)
        *err = j->err;
    return ok;
}
