/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prints the speed of the HH point neuron and of the HH axon, beside NEURON's when installed. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spiketalk/spiketalk.h"

#ifndef ST_BENCH_DIR
#define ST_BENCH_DIR "bench"
#endif
#define REPEATS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the point neuron ------------------------------------------------------------------------ */

/* 1 s at dt 0.01 ms under 10 uA/cm^2 (a train of ~70 spikes) with each integrator. */
static int bench_point(void)
{
    enum { N = 100000 };
    static double I[N];
    static double t_ms[1024];
    for (int k = 0; k < N; k++)
        I[k] = 10.0;
    st_hh_params p = st_hh_params_default();
    const st_integrator hows[3] = {ST_INT_RK4, ST_INT_RUSH_LARSEN, ST_INT_EULER};
    printf("HH point neuron, 6.3 degrees C, I = 10 uA/cm^2, 1 s at dt 0.01 ms (%d steps), best "
           "of %d:\n",
           N, REPEATS);
    for (int w = 0; w < 3; w++) {
        double best = INFINITY;
        st_hh_spikes sp = {t_ms, 1024, 0, 0};
        for (int r = 0; r < REPEATS; r++) {
            st_hh_state s;
            st_hh_reset(&s, -65.0);
            sp.count = 0;
            double t0 = now();
            st_hh_process(&s, &p, hows[w], 0.01, I, NULL, N, &sp);
            best = fmin(best, now() - t0);
            if (s.fault)
                return fprintf(stderr, "bench: %s blew up\n", st_integrator_name(hows[w])), 1;
        }
        printf("  %-12s %8.2f ms  %6.1f Msteps/s  %zu spikes, first at %.3f ms\n",
               st_integrator_name(hows[w]), 1e3 * best, N / best / 1e6, sp.count, sp.t_ms[0]);
    }
    return 0;
}

/* ---- the axon ------------------------------------------------------------------------------- */

static st_cable_config axon(size_t compartments, double dt_ms, st_cable_scheme scheme)
{
    st_cable_config c = st_cable_config_default();
    c.cable.length_mm = 50.0;
    c.cable.compartments = compartments;
    c.dt_ms = dt_ms;
    c.duration_ms = 10.0;
    c.scheme = scheme;
    return c;
}

static double run_axon(st_cable_config c, double *best_s)
{
    st_cable_result res;
    st_error err = {0};
    *best_s = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now();
        if (st_cable_run(&c, NULL, NULL, &res, &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            exit(1);
        }
        *best_s = fmin(*best_s, now() - t0);
    }
    return res.velocity_m_s;
}

/* Runs bench/neuron-axon.py with the first Python that imports neuron; false if none does. */
static bool run_neuron(int secondorder, int usetable, size_t nseg, double dt, double *wall_s,
                       double *vel)
{
    const char *pythons[] = {getenv("ST_PYTHON"), "python3", "/usr/bin/python3"};
    for (size_t i = 0; i < sizeof pythons / sizeof pythons[0]; i++) {
        if (!pythons[i] || !pythons[i][0])
            continue;
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "%s -c 'import neuron' >/dev/null 2>&1 && %s %s/neuron-axon.py 50 476 35.4 18.5 "
                 "%zu %g 10 20 0.2 %d %d 2>/dev/null",
                 pythons[i], pythons[i], ST_BENCH_DIR, nseg, dt, secondorder, usetable);
        double best = INFINITY, v = NAN;
        bool got = false;
        for (int r = 0; r < REPEATS; r++) {
            FILE *f = popen(cmd, "r");
            if (!f)
                break;
            char line[256];
            double w;
            while (fgets(line, sizeof line, f))
                if (sscanf(line, "neuron %lf %lf", &w, &v) == 2) {
                    best = fmin(best, w);
                    got = true;
                }
            pclose(f);
            if (!got)
                break;
        }
        if (got) {
            *wall_s = best;
            *vel = v;
            return true;
        }
    }
    return false;
}

static int bench_axon(void)
{
    printf("\nHH axon, the 1952 benchmark (d 476 um, Ra 35.4 Ohm cm, 18.5 degrees C), 5 cm at "
           "dx 100 um (500 compartments), 10 ms at dt 0.01 ms, best of %d:\n",
           REPEATS);
    double t_ref, t_cn, t_be, t_cn2;
    double ref = run_axon(axon(2000, 0.0025, ST_CABLE_CN), &t_ref);
    double v_cn = run_axon(axon(500, 0.01, ST_CABLE_CN), &t_cn);
    double v_be = run_axon(axon(500, 0.01, ST_CABLE_BE), &t_be);
    double v_cn2 = run_axon(axon(500, 0.02, ST_CABLE_CN), &t_cn2);
    printf("  reference: spiketalk cn at dx 25 um, dt 0.0025 ms: %.4f m/s (%.0f ms)\n", ref,
           1e3 * t_ref);
    printf("  %-36s %9s %12s %11s\n", "", "wall (ms)", "velocity", "error");
    printf("  %-36s %9.2f %10.4f %+10.4f\n", "spiketalk cn (Crank-Nicolson)", 1e3 * t_cn, v_cn,
           v_cn - ref);
    printf("  %-36s %9.2f %10.4f %+10.4f\n", "spiketalk be (backward Euler)", 1e3 * t_be, v_be,
           v_be - ref);
    printf("  %-36s %9.2f %10.4f %+10.4f\n", "spiketalk cn at dt 0.02 ms", 1e3 * t_cn2, v_cn2,
           v_cn2 - ref);
    /* NEURON's defaults (backward Euler, rate tables at 1 mV), then Crank-Nicolson, then
     * Crank-Nicolson with exact rates: the numerics of spiketalk cn, step for step. */
    const struct { int so, table; const char *name; } nrn[3] = {
        {0, 1, "NEURON, defaults (be, rate tables)"},
        {2, 1, "NEURON, secondorder=2 (cn), tables"},
        {2, 0, "NEURON, secondorder=2, exact rates"}};
    for (int k = 0; k < 3; k++) {
        double w, v;
        if (!run_neuron(nrn[k].so, nrn[k].table, 500, 0.01, &w, &v)) {
            printf("  NEURON: not found (install python3-neuron to compare; ST_PYTHON names "
                   "the Python)\n");
            return 0;
        }
        printf("  %-36s %9.2f %10.4f %+10.4f\n", nrn[k].name, 1e3 * w, v, v - ref);
    }
    printf("  (NEURON's wall time covers its integration loop only, not its start-up)\n");
    return 0;
}

int main(void)
{
    if (bench_point())
        return 1;
    return bench_axon();
}
