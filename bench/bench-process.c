/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Speed of the offline pipeline: 60 s of speech through the default pipeline (file read,
 * pipeline, file write; and the whole `spiketalk process` command, start-up included), and the
 * study's seed-hilbert recipe on the 2 s demo clip beside the same recipe in Python/numpy/scipy
 * when /usr/bin/python3 has scipy.
 * usage: bench-process [DEMO.wav [SPIKETALK [SEED_HILBERT.py]]]  (defaults: paths from the build) */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spiketalk/audio.h"
#include "spiketalk/pipeline.h"

extern char **environ;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best wall time of 'reps' runs of a command (start-up included). */
static double time_command(char *const argv[], int reps)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        pid_t pid;
        double t0 = now();
        if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0)
            return -1;
        int status;
        waitpid(pid, &status, 0);
        double t = now() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return -1;
        best = t < best ? t : best;
    }
    return best;
}

static int sixty_seconds(const st_audio *demo, const char *spiketalk)
{
    size_t n = (size_t)(60 * demo->fs_hz);
    float *x = malloc(n * sizeof *x);
    if (!x)
        return 1;
    for (size_t i = 0; i < n; i++)
        x[i] = demo->x[i % demo->n];
    const char *in = "/tmp/spiketalk-bench-60s.wav", *out = "/tmp/spiketalk-bench-out.wav";
    st_error err = {0};
    if (st_audio_write(in, x, n, demo->fs_hz, ST_WAV_PCM16, NULL, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    double best = 1e30;
    size_t spikes = 0;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        st_audio a;
        st_pipeline_config c;
        st_pipeline_recipe("default", false, &c, NULL);
        c.keep_taps = false;
        st_pipeline_result res;
        if (st_audio_read(in, &a, &err) ||
            st_pipeline_run(&c, a.x, a.n, a.fs_hz, &res, NULL, NULL, &err) ||
            st_audio_write(out, res.output, res.n, res.fs_hz, ST_WAV_FLOAT32, in, &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
        double t = now() - t0;
        best = t < best ? t : best;
        spikes = res.spikes.count;
        st_pipeline_result_free(&res);
        st_audio_free(&a);
    }
    printf("60 s of speech, default pipeline (read + run + write): %.3f s = %.0fx real time "
           "(%zu spikes)\n",
           best, 60.0 / best, spikes);
    char *argv[] = {(char *)spiketalk, "process", (char *)in, "-o", (char *)out, "--quiet", NULL};
    double t = access(spiketalk, X_OK) == 0 ? time_command(argv, 5) : -1;
    if (t > 0)
        printf("60 s of speech, 'spiketalk process' command incl. start-up: %.3f s = %.0fx "
               "real time\n",
               t, 60.0 / t);
    unlink(in);
    unlink(out);
    free(x);
    return 0;
}

static int seed_hilbert(const char *demo_path, const st_audio *demo, const char *script)
{
    double best = 1e30;
    size_t spikes = 0;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        st_pipeline_config c;
        st_pipeline_result res;
        if (st_pipeline_recipe("seed-hilbert", false, &c, NULL) ||
            st_pipeline_run(&c, demo->x, demo->n, demo->fs_hz, &res, NULL, NULL, NULL))
            return 1;
        double t = now() - t0;
        best = t < best ? t : best;
        spikes = res.spikes.count;
        st_pipeline_result_free(&res);
    }
    printf("seed-hilbert on %.2f s (%s): spiketalk %.4f s (%zu spikes)\n",
           (double)demo->n / demo->fs_hz, demo_path, best, spikes);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c 'import scipy' 2>/dev/null && "
                              "/usr/bin/python3 '%s' '%s' 3", script, demo_path);
    FILE *p = popen(cmd, "r");
    double py = -1;
    int pys = -1;
    if (p) {
        if (fscanf(p, "%lf %d", &py, &pys) != 2)
            py = -1;
        pclose(p);
    }
    if (py > 0)
        printf("seed-hilbert in Python/numpy/scipy: %.4f s (%d spikes): spiketalk is %.0fx "
               "faster\n",
               py, pys, py / best);
    else
        printf("seed-hilbert in Python: skipped (install python3-scipy to compare)\n");
    return 0;
}

int main(int argc, char **argv)
{
    const char *demo_path = argc > 1 ? argv[1] : ST_BENCH_DEMO;
    const char *spiketalk = argc > 2 ? argv[2] : ST_BENCH_SPIKETALK;
    const char *script = argc > 3 ? argv[3] : ST_BENCH_SCRIPT;
    st_audio demo;
    st_error err = {0};
    if (st_audio_read(demo_path, &demo, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    int rc = sixty_seconds(&demo, spiketalk) || seed_hilbert(demo_path, &demo, script);
    st_audio_free(&demo);
    return rc;
}
