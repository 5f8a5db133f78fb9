/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A JACK test client for the live suite: plays a WAV file into one port while recording
 * another, both from the same JACK cycle (optionally in freewheel mode), or passes audio
 * through for the soak test, counting xruns.
 *
 *   jack-client play IN.wav OUT.wav --to PORT --from PORT [--tail N] [--freewheel] [--wait S]
 *   jack-client pass SECONDS
 *   jack-client feed IN.wav PORT SECONDS
 *
 * play: two clients, st-player (out -> PORT given to --to) and st-recorder (--from PORT ->
 * in), so that the graph is player -> device under test -> recorder with no loop and JACK runs
 * them in that order within every cycle. The player counts cycles; the recorder starts on the
 * cycle the player started and checks, cycle by cycle, that it saw every one of them. Other
 * connections into --to are removed first, so the device under test hears the file only.
 * pass copies system:capture_1 to system:playback_1; feed loops a file into PORT; both count
 * the xruns the server reports to them. */
#include <jack/jack.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spiketalk/audio.h"

typedef struct shared {
    const float *x;                  /* the file, n frames */
    size_t n;
    float *rec;                      /* the recording, total frames */
    size_t total;
    jack_port_t *out, *in;
    atomic_uint_fast64_t cycle;      /* the player's cycles so far */
    atomic_uint_fast64_t start;      /* the cycle both started on; UINT64_MAX before */
    atomic_bool go, done, freewheel;
    atomic_uint xruns, misaligned;
    size_t play_pos, rec_pos;        /* each callback's own */
    uint64_t rec_cycles;
} shared;

static void nap_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int play_cb(jack_nframes_t nf, void *ud)
{
    shared *s = ud;
    float *buf = jack_port_get_buffer(s->out, nf);
    uint64_t c = atomic_fetch_add(&s->cycle, 1) + 1;
    uint64_t start = atomic_load(&s->start);
    if (start == UINT64_MAX && atomic_load(&s->go))
        atomic_store(&s->start, start = c);
    for (jack_nframes_t i = 0; i < nf; i++)
        buf[i] = start != UINT64_MAX && s->play_pos < s->n ? s->x[s->play_pos++] : 0.0f;
    return 0;
}

static int rec_cb(jack_nframes_t nf, void *ud)
{
    shared *s = ud;
    const float *buf = jack_port_get_buffer(s->in, nf);
    uint64_t start = atomic_load(&s->start);
    if (start == UINT64_MAX || s->rec_pos >= s->total)
        return 0;
    /* the player ran first in this cycle: its count is the start plus what we recorded */
    if (atomic_load(&s->cycle) != start + s->rec_cycles)
        atomic_fetch_add(&s->misaligned, 1);
    s->rec_cycles++;
    size_t k = s->total - s->rec_pos < nf ? s->total - s->rec_pos : nf;
    memcpy(s->rec + s->rec_pos, buf, k * sizeof *buf);
    s->rec_pos += k;
    if (s->rec_pos == s->total)
        atomic_store(&s->done, true);
    return 0;
}

static int pass_cb(jack_nframes_t nf, void *ud)
{
    shared *s = ud;
    memcpy(jack_port_get_buffer(s->out, nf), jack_port_get_buffer(s->in, nf),
           nf * sizeof(float));
    return 0;
}

static int on_xrun(void *ud)
{
    atomic_fetch_add(&((shared *)ud)->xruns, 1);
    return 0;
}

static void on_freewheel(int starting, void *ud)
{
    atomic_store(&((shared *)ud)->freewheel, starting != 0);
}

static jack_client_t *open_client(const char *name, shared *s, JackProcessCallback cb)
{
    jack_status_t status;
    jack_client_t *c = jack_client_open(name, JackNoStartServer | JackUseExactName, &status);
    if (!c) {
        fprintf(stderr, "jack-client: cannot open client %s (status 0x%x)\n", name, status);
        return NULL;
    }
    jack_set_process_callback(c, cb, s);
    jack_set_xrun_callback(c, on_xrun, s);
    return c;
}

/* Waits until 'flag' equals 'want', up to 'ms'. */
static bool wait_flag(atomic_bool *flag, bool want, long ms)
{
    for (long t = 0; t < ms; t++) {
        if (atomic_load(flag) == want)
            return true;
        nap_ms(1);
    }
    return atomic_load(flag) == want;
}

static int play(int argc, char **argv)
{
    const char *in_path = argv[2], *out_path = argv[3], *to = NULL, *from = NULL;
    size_t tail = 4096;
    bool freewheel = false;
    long wait_ms = 10000;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--to") && i + 1 < argc)
            to = argv[++i];
        else if (!strcmp(argv[i], "--from") && i + 1 < argc)
            from = argv[++i];
        else if (!strcmp(argv[i], "--tail") && i + 1 < argc)
            tail = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--wait") && i + 1 < argc)
            wait_ms = (long)(atof(argv[++i]) * 1000);
        else if (!strcmp(argv[i], "--freewheel"))
            freewheel = true;
        else
            return fprintf(stderr, "jack-client: unknown argument %s\n", argv[i]), 2;
    }
    if (!to || !from)
        return fprintf(stderr, "jack-client: play needs --to PORT and --from PORT\n"), 2;
    st_audio a;
    st_error err = {0};
    if (st_audio_read(in_path, &a, &err))
        return fprintf(stderr, "jack-client: %s\n", err.msg), 1;
    shared s = {.x = a.x, .n = a.n, .total = a.n + tail};
    atomic_init(&s.start, UINT64_MAX);
    s.rec = calloc(s.total, sizeof *s.rec);
    jack_client_t *p = open_client("st-player", &s, play_cb);
    jack_client_t *r = p ? open_client("st-recorder", &s, rec_cb) : NULL;
    int rc = 1;
    if (!s.rec || !r)
        goto out;
    jack_set_freewheel_callback(p, on_freewheel, &s);
    s.out = jack_port_register(p, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    s.in = jack_port_register(r, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (!s.out || !s.in || jack_activate(p) || jack_activate(r))
        goto out;
    jack_port_t *target = NULL, *source = NULL;
    for (long t = 0; t < wait_ms; t += 10) { /* the device registers its ports one by one */
        if ((target = jack_port_by_name(p, to)) && (source = jack_port_by_name(p, from)))
            break;
        nap_ms(10);
    }
    if (!target || !source) {
        fprintf(stderr, "jack-client: ports %s / %s did not appear\n", to, from);
        goto out;
    }
    const char **conns = jack_port_get_all_connections(p, target);
    for (size_t i = 0; conns && conns[i]; i++)
        jack_disconnect(p, conns[i], to);
    jack_free(conns);
    if (jack_connect(p, jack_port_name(s.out), to) || jack_connect(r, from, jack_port_name(s.in))) {
        fprintf(stderr, "jack-client: cannot connect to %s / %s\n", to, from);
        goto out;
    }
    nap_ms(300); /* the server orders the new graph */
    if (freewheel && (jack_set_freewheel(p, 1) || !wait_flag(&s.freewheel, true, 5000))) {
        fprintf(stderr, "jack-client: the server did not enter freewheel mode\n");
        goto out;
    }
    atomic_store(&s.go, true);
    long limit_ms = 2000 + (long)(1000.0 * (double)s.total / jack_get_sample_rate(p)) * 2;
    bool done = wait_flag(&s.done, true, limit_ms);
    if (freewheel) {
        jack_set_freewheel(p, 0);
        wait_flag(&s.freewheel, false, 5000);
    }
    if (!done) {
        fprintf(stderr, "jack-client: recorded only %zu of %zu frames\n", s.rec_pos, s.total);
        goto out;
    }
    unsigned bad = atomic_load(&s.misaligned);
    printf("played %zu recorded %zu start_cycle %llu misaligned %u xruns %u freewheel %d\n",
           s.n, s.total, (unsigned long long)atomic_load(&s.start), bad, atomic_load(&s.xruns),
           freewheel);
    if (st_audio_write(out_path, s.rec, s.total, jack_get_sample_rate(p), ST_WAV_FLOAT32, NULL,
                       &err))
        fprintf(stderr, "jack-client: %s\n", err.msg);
    else
        rc = bad && freewheel ? 1 : 0; /* in real time a late cycle is the server's call */
out:
    if (r)
        jack_client_close(r);
    if (p)
        jack_client_close(p);
    free(s.rec);
    st_audio_free(&a);
    return rc;
}

static int feed_cb(jack_nframes_t nf, void *ud)
{
    shared *s = ud;
    float *buf = jack_port_get_buffer(s->out, nf);
    for (jack_nframes_t i = 0; i < nf; i++) {
        buf[i] = s->x[s->play_pos];
        s->play_pos = s->play_pos + 1 == s->n ? 0 : s->play_pos + 1;
    }
    return 0;
}

/* Plays a file into 'to' over and over for 'seconds' (the soak test's talker). */
static int feed(const char *path, const char *to, double seconds)
{
    st_audio a;
    st_error err = {0};
    if (st_audio_read(path, &a, &err))
        return fprintf(stderr, "jack-client: %s\n", err.msg), 1;
    shared s = {.x = a.x, .n = a.n};
    jack_client_t *c = open_client("st-feeder", &s, feed_cb);
    int rc = 1;
    if (!c)
        goto out;
    s.out = jack_port_register(c, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    for (int t = 0; t < 1000 && !jack_port_by_name(c, to); t++)
        nap_ms(10);
    if (!s.out || jack_activate(c) || jack_connect(c, jack_port_name(s.out), to)) {
        fprintf(stderr, "jack-client: cannot feed %s\n", to);
        goto out;
    }
    nap_ms((long)(seconds * 1000));
    printf("feeder: %g s, xruns %u\n", seconds, atomic_load(&s.xruns));
    rc = 0;
out:
    if (c)
        jack_client_close(c);
    st_audio_free(&a);
    return rc;
}

/* A pass-through client between the dummy driver's first capture and playback ports. */
static int pass(double seconds)
{
    shared s = {0};
    jack_client_t *c = open_client("st-passthru", &s, pass_cb);
    if (!c)
        return 1;
    s.in = jack_port_register(c, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    s.out = jack_port_register(c, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (!s.in || !s.out || jack_activate(c) ||
        jack_connect(c, "system:capture_1", jack_port_name(s.in)) ||
        jack_connect(c, jack_port_name(s.out), "system:playback_1")) {
        fprintf(stderr, "jack-client: cannot set up the pass-through\n");
        jack_client_close(c);
        return 1;
    }
    nap_ms((long)(seconds * 1000));
    printf("pass-through: %g s, xruns %u\n", seconds, atomic_load(&s.xruns));
    jack_client_close(c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "play"))
        return play(argc, argv);
    if (argc == 3 && !strcmp(argv[1], "pass"))
        return pass(atof(argv[2]));
    if (argc == 5 && !strcmp(argv[1], "feed"))
        return feed(argv[2], argv[3], atof(argv[4]));
    fputs("usage: jack-client play IN.wav OUT.wav --to PORT --from PORT [--tail N] [--freewheel]"
          " [--wait S]\n       jack-client pass SECONDS\n       jack-client feed IN.wav PORT"
          " SECONDS\n",
          stderr);
    return 2;
}
