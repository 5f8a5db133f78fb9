/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes a short file (32 frames of a sine, 8 kHz, mono; stereo for a few) in every container
 * and encoding libsndfile can write here, as seeds for the audio harness: the fuzzer mutates
 * real headers of every format instead of guessing them. usage: make-audio-seeds DIR */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sndfile.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make-audio-seeds DIR\n");
        return 2;
    }
    float x[2 * 32];
    for (int i = 0; i < 32; i++)
        x[2 * i] = x[2 * i + 1] = (float)(0.5 * sin(i * 0.7));
    int majors = 0, subs = 0, written = 0;
    sf_command(NULL, SFC_GET_FORMAT_MAJOR_COUNT, &majors, sizeof majors);
    sf_command(NULL, SFC_GET_FORMAT_SUBTYPE_COUNT, &subs, sizeof subs);
    for (int i = 0; i < majors; i++) {
        SF_FORMAT_INFO major = {.format = i};
        sf_command(NULL, SFC_GET_FORMAT_MAJOR, &major, sizeof major);
        if ((major.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_RAW)
            continue; /* headerless: nothing st_audio_read opens */
        for (int j = 0; j < subs; j++) {
            SF_FORMAT_INFO sub = {.format = j};
            sf_command(NULL, SFC_GET_FORMAT_SUBTYPE, &sub, sizeof sub);
            for (int ch = 1; ch <= 2; ch++) {
                SF_INFO info = {.samplerate = 8000, .channels = ch,
                                .format = major.format | sub.format};
                if (!sf_format_check(&info) || (ch == 2 && j % 4))
                    continue; /* stereo for one encoding in four is enough */
                char path[512];
                snprintf(path, sizeof path, "%s/%s-%02x-%d.%s", argv[1], major.extension,
                         (unsigned)(sub.format & 0xff), ch, major.extension);
                SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
                if (!sf)
                    continue;
                sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
                sf_writef_float(sf, x, 32);
                sf_close(sf);
                written++;
            }
        }
    }
    printf("%d files\n", written);
    return 0;
}
