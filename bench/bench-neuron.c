/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Single-neuron speed: steps per second of each integrator through the library's simulation loop
 * (stimulus rendering, blocks, spike buffer; no trace), beside the plainest C loop for the same
 * RS neuron and step current, measured in the same run.
 * usage: bench-neuron [STEPS]   (default 1e8: 2,000,000 ms at dt 0.02 ms) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "spiketalk/spiketalk.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The reference: RS, I = 10 for t > 0, symplectic Euler, as one would write it by hand. */
static uint64_t plain_loop(uint64_t n, double dt, double *v_end)
{
    double v = -65, u = -13, a = 0.02, b = 0.2, c = -65, d = 8;
    uint64_t spikes = 0;
    for (uint64_t k = 0; k < n; k++) {
        double I = (double)k * dt > 0 ? 10 : 0;
        v += dt * (0.04 * (v * v) + 5 * v + 140 - u + I);
        u += dt * a * (b * v - u);
        if (v > 30) {
            v = c;
            u += d;
            spikes++;
        }
    }
    *v_end = v;
    return spikes;
}

int main(int argc, char **argv)
{
    uint64_t steps = argc > 1 ? (uint64_t)strtod(argv[1], NULL) : 100000000u;
    double dt = 0.02;
    const st_model *m = st_model_get(ST_MODEL_IZH);
    st_sim_config cfg;
    if (st_sim_config_init(&cfg, m, st_preset_find(m, "RS", -1), NULL) ||
        st_stimulus_parse("step:onset=0,amp=10", &cfg.stim, NULL, NULL))
        return 1;
    cfg.dt_ms = dt;
    cfg.duration_ms = (double)steps * dt;
    printf("RS neuron, I = 10 for t > 0, dt %g ms, %llu steps (%g s of model time)\n\n", dt,
           (unsigned long long)steps, cfg.duration_ms / 1000);
    double vp;
    double t0 = now();
    uint64_t plain_spikes = plain_loop(steps, dt, &vp);
    double t_plain = now() - t0;
    double plain_rate = (double)steps / t_plain;
    printf("%-22s %8.1f Msteps/s  %7.3f s  %llu spikes\n", "plain C loop", plain_rate / 1e6,
           t_plain, (unsigned long long)plain_spikes);
    int rc = 0;
    for (int how = 0; how < ST_INT_COUNT; how++) {
        if (!(m->integrators & ST_INT_BIT(how)))
            continue;
        cfg.how = (st_integrator)how;
        st_spikes sp = {0};
        st_error err = {0};
        t0 = now();
        if (st_sim_run(&cfg, NULL, NULL, &sp, NULL, &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
        double t = now() - t0;
        char name[64];
        snprintf(name, sizeof name, "spiketalk %s", st_integrator_name(cfg.how));
        printf("%-22s %8.1f Msteps/s  %7.3f s  %zu spikes  (%.2fx the plain loop)\n", name,
               (double)steps / t / 1e6, t, sp.count, ((double)steps / t) / plain_rate);
        /* the same arithmetic must give the same spikes, or the comparison is void */
        if (cfg.how == ST_INT_SYMPLECTIC && sp.count != plain_spikes) {
            fprintf(stderr, "bench: symplectic and the plain loop disagree\n");
            rc = 1;
        }
        st_spikes_free(&sp);
    }
    return rc;
}
