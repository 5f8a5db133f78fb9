/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk record`: a take from a capture device, saved as a WAV file for `process`. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spiketalk/audio.h"
#include "spiketalk/output.h"

/* An hour of float32 at 48 kHz is 690 MB in memory; longer takes are a mistyped flag. */
#define MAX_SECONDS 3600.0
#define MIN_RATE_HZ 1000.0
#define MAX_RATE_HZ 768000.0

typedef struct opts {
    const char *duration, *output, *device, *rate, *max_memory;
    bool pcm16, json;
} opts;

static void help(FILE *f)
{
    fputs("usage: spiketalk record -d SECONDS -o FILE.wav [--device SPEC] [--rate HZ] [--pcm16]\n"
          "                        [--json]\n"
          "\n"
          "Records SECONDS of sound from a capture device, mixed to mono, into a WAV file\n"
          "(written whole or not at all; the output is checked before recording starts).\n"
          "\n"
          "  -d, --duration SECONDS   length of the take, > 0 and at most 3600\n"
          "  -o, --output FILE.wav    where to save it (32-bit float WAV by default)\n"
          "  --device SPEC            device index or part of its name (see 'spiketalk devices');\n"
          "                           default: the default capture device\n"
          "  --rate HZ                sample rate (default: the device's own)\n"
          "  --pcm16                  write 16-bit integer PCM instead of 32-bit float\n"
          "  --max-memory SIZE        refuse a take that needs more memory (512M, 2G; default\n"
          "                           half of the physical memory)\n"
          "  --json                   one JSON object on stdout: output, device, fs_hz, frames,\n"
          "                           duration_s, channels, sample_format, peak\n"
          "\n"
          "Progress goes to stderr when it is a terminal. Without a capture device, record\n"
          "fails (exit 1); an audio file works instead: spiketalk process FILE\n"
          "\n"
          "Examples:\n"
          "  spiketalk record -d 2 -o take.wav\n"
          "  spiketalk record -d 5 -o take.wav --device USB --rate 48000 --pcm16\n",
          f);
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    const cli_opt table[] = {
        {"-d", &o->duration, NULL},   {"--duration", &o->duration, NULL},
        {"-o", &o->output, NULL},     {"--output", &o->output, NULL},
        {"--device", &o->device, NULL}, {"--rate", &o->rate, NULL},
        {"--max-memory", &o->max_memory, NULL},
        {"--json", NULL, &o->json},   {"--pcm16", NULL, &o->pcm16}};
    return cli_parse(argc, argv, table, sizeof table / sizeof table[0], "record", help, NULL,
                     NULL);
}

/* Checks every flag and the output path; nothing is recorded before all of them pass. */
static int check_args(const opts *o, double *seconds, double *rate_hz)
{
    if (!o->duration) {
        cli_error("-d: the duration in seconds is required (e.g. -d 2)");
        return CLI_USAGE;
    }
    if (!cli_number("-d", o->duration, seconds))
        return CLI_USAGE;
    if (!(*seconds > 0.0 && *seconds <= MAX_SECONDS)) {
        cli_error("-d: must be > 0 and at most %g seconds (got %s)", MAX_SECONDS, o->duration);
        return CLI_USAGE;
    }
    *rate_hz = 0.0;
    if (o->rate) {
        if (!cli_number("--rate", o->rate, rate_hz))
            return CLI_USAGE;
        if (!(*rate_hz >= MIN_RATE_HZ && *rate_hz <= MAX_RATE_HZ) || *rate_hz != floor(*rate_hz)) {
            cli_error("--rate: must be a whole number of Hz from %g to %g (got %s)", MIN_RATE_HZ,
                      MAX_RATE_HZ, o->rate);
            return CLI_USAGE;
        }
    }
    if (!o->output) {
        cli_error("-o: an output file is required (e.g. -o take.wav)");
        return CLI_USAGE;
    }
    if (o->max_memory && cli_memory_option(o->max_memory))
        return CLI_USAGE;
    /* the take is kept in memory as float samples until it is written: at the rate asked for,
     * or at the highest rate a device is likely to choose by itself */
    double rate = *rate_hz > 0 ? *rate_hz : 192000.0;
    if (cli_memory_check("-d", "the take", (uint64_t)(*seconds * rate * 4.0 * 2.0) + (1u << 20)))
        return CLI_USAGE;
    st_error err = {0};
    /* An output that cannot be written is a usage error here: nothing has been recorded. */
    if (st_audio_check_output(o->output, NULL, &err)) {
        cli_error("-o: %s", err.msg);
        return CLI_USAGE;
    }
    return CLI_OK;
}

typedef struct progress_state {
    double seconds;
    int last_tenth;
} progress_state;

static void show_progress(void *ud, double fraction)
{
    progress_state *p = ud;
    int tenth = (int)(fraction * p->seconds * 10.0);
    if (tenth == p->last_tenth)
        return;
    p->last_tenth = tenth;
    fprintf(stderr, "\rrecording: %.1f / %.1f s", tenth / 10.0, p->seconds);
    fflush(stderr);
}

static float peak_of(const st_audio *a)
{
    float peak = 0.0f;
    for (size_t i = 0; i < a->n; i++)
        if (fabsf(a->x[i]) > peak)
            peak = fabsf(a->x[i]);
    return peak;
}

static void report(const opts *o, const st_audio *a)
{
    float peak = peak_of(a);
    const char *fmt = o->pcm16 ? "pcm16" : "float32";
    if (o->json) {
        st_json j;
        st_json_init(&j, stdout);
        st_json_object_begin(&j, NULL);
        st_json_string(&j, "output", o->output);
        st_json_string(&j, "device", a->format);
        st_json_number(&j, "fs_hz", a->fs_hz);
        st_json_uint(&j, "frames", a->n);
        st_json_number(&j, "duration_s", (double)a->n / a->fs_hz);
        st_json_number(&j, "channels", a->channels);
        st_json_string(&j, "sample_format", fmt);
        st_json_number(&j, "peak", peak);
        st_json_object_end(&j);
        return;
    }
    printf("%s: %g s (%zu frames at %g Hz, %s WAV) from %s, peak %.3g", o->output,
           (double)a->n / a->fs_hz, a->n, a->fs_hz, fmt, a->format, peak);
    if (peak > 0.0f)
        printf(" (%.1f dBFS)", 20.0 * log10(peak));
    putchar('\n');
}

int cmd_record(int argc, char **argv)
{
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    double seconds, rate_hz;
    if ((rc = check_args(&o, &seconds, &rate_hz)))
        return rc;
    st_audio take = {0};
    st_error err = {0};
    progress_state ps = {.seconds = seconds, .last_tenth = -1};
    bool tty = isatty(STDERR_FILENO);
    st_status st = st_record(o.device, seconds, rate_hz, &take, tty ? show_progress : NULL, &ps,
                             &err);
    if (tty && ps.last_tenth >= 0)
        fputc('\n', stderr);
    if (st)
        return cli_report(&err);
    if (st_audio_write(o.output, take.x, take.n, take.fs_hz,
                       o.pcm16 ? ST_WAV_PCM16 : ST_WAV_FLOAT32, NULL, &err))
        rc = cli_report(&err);
    else
        report(&o, &take);
    st_audio_free(&take);
    return rc;
}
