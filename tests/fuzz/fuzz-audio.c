/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness: the audio file reader (libsndfile behind st_audio_read) on any bytes.
 * Properties: a read either fails with "PATH: why" and nothing allocated, or gives at least one
 * frame, every sample finite, a rate in ST_AUDIO_MIN_RATE_HZ .. ST_AUDIO_MAX_RATE_HZ and at
 * least one channel. The bytes live in a memory file (memfd), read through /proc/self/fd/N as
 * any path is. libsndfile itself is not instrumented: the seeds (one small file of every format
 * it reads) carry the fuzzer into its parsers. */
#define _GNU_SOURCE /* memfd_create */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "spiketalk/audio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mem = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (mem < 0) {
        mem = memfd_create("fuzz-audio", 0);
        if (mem < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", mem);
    }
    if (ftruncate(mem, 0) != 0 || pwrite(mem, data, size, 0) != (ssize_t)size)
        abort();
    st_audio a;
    st_error err = {0};
    if (st_audio_read(path, &a, &err) != ST_OK) {
        if (strncmp(err.msg, path, strlen(path)) || a.x || a.n)
            abort(); /* a refusal names the file and leaves nothing */
        return 0;
    }
    if (a.n == 0 || !a.x || a.channels < 1 || !(a.fs_hz >= ST_AUDIO_MIN_RATE_HZ) ||
        !(a.fs_hz <= ST_AUDIO_MAX_RATE_HZ) || !a.format[0])
        abort();
    for (size_t i = 0; i < a.n; i++)
        if (!isfinite(a.x[i]))
            abort();
    st_audio_free(&a);
    return 0;
}
