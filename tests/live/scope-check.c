/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scope feed of a live session (st_live_scope_read), checked against the session's own
 * recordings: runs a session with the scope on (JACK host API, block 64) for SECONDS while the
 * control thread drains the scope every 10 ms, as a GUI's frame clock would, then compares
 * every point with the recorded input and envelope it condenses.
 *
 *   scope-check SECONDS DIR        prints "points P dropped D spikes S in_peak X v_max V"
 *
 * Run under the LD_PRELOAD guard (rt-guard.so) this also proves the feed neither allocates,
 * locks nor prints in the callback. Exit status 1 on any mismatch, 2 on usage. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spiketalk/audio.h"
#include "spiketalk/live.h"

#define MAX_POINTS 200000u

static int failed(const char *what, const st_error *err)
{
    fprintf(stderr, "scope-check: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: scope-check SECONDS DIR\n");
        return 2;
    }
    double seconds = atof(argv[1]);
    char in_path[4096], env_path[4096];
    snprintf(in_path, sizeof in_path, "%s/scope-in.wav", argv[2]);
    snprintf(env_path, sizeof env_path, "%s/scope-env.wav", argv[2]);

    st_live_config c;
    st_live_config_default(&c);
    c.host_api = "jack";
    c.duration_s = seconds;
    c.scope = true;
    c.record_in = in_path;
    c.record_env = env_path;
    st_pipeline_config sc;
    st_error err = {0};
    st_live *l = NULL;
    if (st_pipeline_recipe("default", true, &sc, &err) || st_live_open(&c, &sc, &l, &err))
        return failed("open", &err);
    st_live_scope_point *pts = calloc(MAX_POINTS, sizeof *pts);
    if (!pts)
        return failed("out of memory", NULL);
    size_t n = 0;
    const struct timespec tick = {0, 10000000L};
    if (st_live_start(l, &err))
        return failed("start", &err);
    st_live_stats st;
    do {
        nanosleep(&tick, NULL);
        n += st_live_scope_read(l, pts + n, MAX_POINTS - n);
        st_live_stats_get(l, &st);
    } while (st.active);
    if (st_live_stop(l, &err))
        return failed("stop", &err);
    n += st_live_scope_read(l, pts + n, MAX_POINTS - n);
    st_live_stats_get(l, &st);
    uint64_t dropped = st_live_scope_dropped(l);
    double rate = st_live_scope_rate(l);
    bool guard = st_live_info_get(l)->rt_guard;
    st_live_close(l);

    int bad = 0;
    st_audio in = {0}, env = {0};
    if (st_audio_read(in_path, &in, &err) || st_audio_read(env_path, &env, &err)) {
        free(pts);
        return failed("the recordings", &err);
    }
    const size_t every = ST_LIVE_SCOPE_DECIMATE;
    if (rate != in.fs_hz / every) {
        fprintf(stderr, "scope-check: rate %g, expected %g\n", rate, in.fs_hz / every);
        bad++;
    }
    if (n + dropped != st.frames / every || dropped) {
        fprintf(stderr, "scope-check: %zu points + %llu dropped for %llu frames\n", n,
                (unsigned long long)dropped, (unsigned long long)st.frames);
        bad++;
    }
    float peak = 0.0f, vmax = -INFINITY;
    for (size_t k = 0; k < n && (k + 1) * every <= in.n && !bad; k++) {
        st_live_scope_point want = {INFINITY, -INFINITY, -INFINITY, 0, 0};
        for (size_t j = k * every; j < (k + 1) * every; j++) {
            want.in_min = fminf(want.in_min, in.x[j]);
            want.in_max = fmaxf(want.in_max, in.x[j]);
            want.env = fmaxf(want.env, env.x[j]);
        }
        const st_live_scope_point *p = &pts[k];
        if (p->in_min != want.in_min || p->in_max != want.in_max || p->env != want.env ||
            !(p->v_min <= p->v_max) || !isfinite(p->v_min) || !isfinite(p->v_max)) {
            fprintf(stderr,
                    "scope-check: point %zu: in %g..%g env %g v %g..%g; the recordings say "
                    "in %g..%g env %g\n",
                    k, p->in_min, p->in_max, p->env, p->v_min, p->v_max, want.in_min,
                    want.in_max, want.env);
            bad++;
        }
        peak = fmaxf(peak, fmaxf(-p->in_min, p->in_max));
        vmax = fmaxf(vmax, p->v_max);
    }
    printf("points %zu dropped %llu spikes %llu in_peak %.4f v_max %.1f guard %s\n", n,
           (unsigned long long)dropped, (unsigned long long)st.spikes, peak, vmax,
           guard ? "on" : "off");
    st_audio_free(&in);
    st_audio_free(&env);
    free(pts);
    return bad ? 1 : 0;
}
