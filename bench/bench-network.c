/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Network benchmarks, side by side in one run: the izh2003 network at 10,000 neurons x 1,000
 * synapses for 1 s through spiketalk, through the plainest C loop for the same network, and
 * through Brian2's C++ standalone mode (bench/brian2-izh2003.py, when Debian's python3-brian is
 * installed); the neuron update alone; 1000 neurons all-to-all; 2 threads against 1 and 2 MPI
 * processes against 1 at 100,000 neurons; the 1000-neuron network in each neuron model.
 * usage: bench-network [--quick] [--skip-brian2] [--skip-large] [--minutes M]
 *   --only SECTION: one of 10k, update, dense, models, threads, mpi;
 *   --quick: smaller sizes, to see that it runs; --minutes M: repeat the threads and MPI
 *   comparisons for M minutes (a pair every few seconds) and keep the best, for a machine whose
 *   cores are shared. Times are wall-clock unless marked cpu; best of several runs.
 *   (bench-network --mpi-pair, started by the MPI section under mpirun -np 2, runs the pairs.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spiketalk/network-io.h"
#include "spiketalk/network.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU time of the whole process (all its threads): on a shared machine, what the work cost
 * apart from waiting for a core. */
static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *what, const st_error *err)
{
    fprintf(stderr, "bench-network: %s: %s\n", what, err ? err->msg : "failed");
    exit(1);
}

static st_net *build(const char *name, uint32_t n, uint32_t k, int threads, double *build_s)
{
    st_net_config c;
    st_error err = {0};
    if (st_net_preset(name, n, k, &c, &err))
        die("preset", &err);
    c.threads = threads;
    st_net *net;
    double t0 = now();
    if (st_net_create(&c, NULL, &net, &err))
        die("create", &err);
    if (build_s)
        *build_s = now() - t0;
    return net;
}

/* Wall time of 'steps' steps (after 'warm' untimed ones): the best of 'reps' consecutive runs;
 * events per second of that run in *eps, and the best CPU time in *cpu_s. */
static double time_run(st_net *net, uint64_t warm, uint64_t steps, int reps, double *eps,
                       double *cpu_s)
{
    st_error err = {0};
    if (warm && st_net_run(net, warm, NULL, NULL, &err))
        die("run", &err);
    double best = INFINITY, best_cpu = INFINITY;
    for (int r = 0; r < reps; r++) {
        st_net_info a, b;
        st_net_get_info(net, &a);
        double t0 = now(), c0 = cpu();
        if (st_net_run(net, steps, NULL, NULL, &err))
            die("run", &err);
        double t = now() - t0, c = cpu() - c0;
        st_net_get_info(net, &b);
        best_cpu = c < best_cpu ? c : best_cpu;
        if (t < best) {
            best = t;
            if (eps)
                *eps = (double)(b.events - a.events) / t;
        }
    }
    if (cpu_s)
        *cpu_s = best_cpu;
    return best;
}

/* ---- the plainest C loop ------------------------------------------------------------------- */

/* net.m written out in C as anyone would first write it: arrays of doubles, a list of
 * targets and weights per neuron, libm's Box-Muller for the noise, a 64-bit xorshift for
 * the random numbers, the spikes of the last step delivered before the update. */
typedef struct plain {
    uint32_t n, k, ne;
    uint32_t *post;
    double *w, *a, *b, *c, *d, *v, *u, *I, *sigma;
    uint32_t *fired, nf;
    uint64_t rng;
    double spare;
    int has_spare;
} plain;

static double plain_rand(plain *p)
{
    p->rng ^= p->rng << 13;
    p->rng ^= p->rng >> 7;
    p->rng ^= p->rng << 17;
    return (double)(p->rng >> 11) * 0x1p-53;
}

static double plain_randn(plain *p)
{
    if (p->has_spare) {
        p->has_spare = 0;
        return p->spare;
    }
    double u1 = 1.0 - plain_rand(p), u2 = plain_rand(p);
    double r = sqrt(-2.0 * log(u1));
    p->spare = r * sin(2.0 * 3.14159265358979323846 * u2);
    p->has_spare = 1;
    return r * cos(2.0 * 3.14159265358979323846 * u2);
}

static void plain_init(plain *p, uint32_t n, uint32_t k)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    p->k = k;
    p->ne = n - n / 5;
    p->rng = 88172645463325252u;
    p->post = malloc((size_t)n * k * sizeof *p->post);
    p->w = malloc((size_t)n * k * sizeof *p->w);
    double **arr[] = {&p->a, &p->b, &p->c, &p->d, &p->v, &p->u, &p->I, &p->sigma};
    for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++)
        *arr[i] = calloc(n, sizeof(double));
    p->fired = malloc(n * sizeof *p->fired);
    unsigned char *taken = calloc(n, 1);
    if (!p->post || !p->w || !p->fired || !taken || !p->sigma)
        die("plain loop", NULL);
    double scale = 1000.0 / k;
    for (uint32_t i = 0; i < n; i++) {
        double r = plain_rand(p);
        bool exc = i < p->ne;
        p->a[i] = exc ? 0.02 : 0.02 + 0.08 * r;
        p->b[i] = exc ? 0.2 : 0.25 - 0.05 * r;
        p->c[i] = exc ? -65 + 15 * r * r : -65;
        p->d[i] = exc ? 8 - 6 * r * r : 2;
        p->sigma[i] = exc ? 5 : 2;
        p->v[i] = -65;
        p->u[i] = p->b[i] * p->v[i];
        for (uint32_t j = 0; j < k; j++) { /* k distinct targets */
            uint32_t t;
            do
                t = (uint32_t)(plain_rand(p) * n);
            while (taken[t]);
            taken[t] = 1;
            p->post[(size_t)i * k + j] = t;
            p->w[(size_t)i * k + j] = scale * (exc ? 0.5 * plain_rand(p) : -plain_rand(p));
        }
        for (uint32_t j = 0; j < k; j++)
            taken[p->post[(size_t)i * k + j]] = 0;
    }
    free(taken);
}

static uint64_t plain_run(plain *p, uint64_t steps)
{
    uint64_t spikes = 0;
    for (uint64_t t = 0; t < steps; t++) {
        for (uint32_t i = 0; i < p->n; i++)
            p->I[i] = p->sigma[i] * plain_randn(p);
        for (uint32_t f = 0; f < p->nf; f++) {
            size_t row = (size_t)p->fired[f] * p->k;
            for (uint32_t j = 0; j < p->k; j++)
                p->I[p->post[row + j]] += p->w[row + j];
        }
        p->nf = 0;
        for (uint32_t i = 0; i < p->n; i++) {
            double v = p->v[i], u = p->u[i], I = p->I[i];
            v += 0.5 * (0.04 * v * v + 5 * v + 140 - u + I);
            v += 0.5 * (0.04 * v * v + 5 * v + 140 - u + I);
            u += p->a[i] * (p->b[i] * v - u);
            if (v >= 30) {
                p->fired[p->nf++] = i;
                v = p->c[i];
                u += p->d[i];
            }
            p->v[i] = v;
            p->u[i] = u;
        }
        spikes += p->nf;
    }
    return spikes;
}

static void plain_free(plain *p)
{
    free(p->post);
    free(p->w);
    double *arr[] = {p->a, p->b, p->c, p->d, p->v, p->u, p->I, p->sigma};
    for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++)
        free(arr[i]);
    free(p->fired);
}

/* ---- external programs ----------------------------------------------------------------------- */

/* The number after "KEY": in the text s, or NAN. */
static double field(const char *s, const char *key)
{
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *at = s ? strstr(s, pat) : NULL;
    return at ? strtod(at + strlen(pat), NULL) : NAN;
}

/* Runs 'cmd' and returns its standard output (malloc'ed), or NULL. */
static char *capture(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf && n + 1 < cap) {
        size_t k = fread(buf + n, 1, cap - 1 - n, f);
        if (k == 0)
            break;
        n += k;
    }
    int rc = pclose(f);
    if (!buf || rc != 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static bool have_brian2(void)
{
    return system("/usr/bin/python3 -c 'import brian2' >/dev/null 2>&1") == 0;
}

/* ---- the sections -------------------------------------------------------------------------- */

static void section_10k(uint32_t n, uint32_t k, int brian2)
{
    printf("\n== izh2003, %u neurons x %u synapses, 1 s of model time, one core ==\n", n, k);
    printf("%-38s %9s %9s %12s %10s\n", "", "wall (s)", "cpu (s)", "events/s", "spikes/s");
    double build_s, eps = 0, cs;
    st_net *net = build("izh2003", n, k, 1, &build_s);
    double t = time_run(net, 200, 1000, 3, &eps, &cs);
    st_net_info in;
    st_net_get_info(net, &in);
    printf("%-38s %9.3f %9.3f %12.3g %10.0f\n", "spiketalk (best of 3 s)", t, cs, eps,
           (double)in.spikes / (in.step / 1000.0));
    st_net_free(net);

    plain p;
    double t0 = now();
    plain_init(&p, n, k);
    double plain_build = now() - t0;
    plain_run(&p, 200);
    double best = INFINITY, peps = 0, pcpu = INFINITY;
    uint64_t sp = 0;
    for (int r = 0; r < 3; r++) {
        t0 = now();
        double c0 = cpu();
        uint64_t s = plain_run(&p, 1000);
        double tt = now() - t0, cc = cpu() - c0;
        pcpu = cc < pcpu ? cc : pcpu;
        if (tt < best) {
            best = tt;
            sp = s;
            peps = (double)s * k / tt;
        }
    }
    printf("%-38s %9.3f %9.3f %12.3g %10llu\n", "plain C loop (best of 3 s)", best, pcpu, peps,
           (unsigned long long)sp);
    plain_free(&p);
    printf("build: spiketalk %.2f s, plain loop %.2f s\n", build_s, plain_build);
    if (brian2 <= 0) {
        printf("%-38s (skipped: %s)\n", "Brian2 cpp_standalone",
               brian2 < 0 ? "/usr/bin/python3 cannot import brian2; apt-get install python3-brian"
                          : "--skip-brian2");
        return;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/brian2-izh2003.py %u %u 1000 2>/dev/null",
             ST_BENCH_DIR, (unsigned)n, (unsigned)k);
    char *out = capture(cmd);
    if (!out) {
        printf("%-38s (failed: %s)\n", "Brian2 cpp_standalone", cmd);
        return;
    }
    double rs = field(out, "run_s"), ev = field(out, "events");
    printf("%-38s %9.3f %9s %12.3g %10.0f\n", "Brian2 cpp_standalone (its run timer)", rs, "",
           ev / rs, field(out, "spikes"));
    printf("Brian2: code generation + compilation %.1f s; binary start-up, synapses and run "
           "%.1f s\n", field(out, "compile_s"), field(out, "load_s"));
    printf("spiketalk: %.1fx Brian2, %.1fx the plain loop\n", rs / t, best / t);
    free(out);
}

static void section_update(uint32_t n)
{
    printf("\n== the neuron update alone: %u neurons, no synapses, 1000 steps ==\n", n);
    st_net_config c;
    st_error err = {0};
    if (st_net_preset("izh2003", n, 0, &c, &err))
        die("preset", &err);
    c.n_projs = 0;
    for (int noise = 0; noise < 2; noise++) {
        st_net *net;
        if (st_net_create(&c, NULL, &net, &err))
            die("create", &err);
        if (!noise) { /* a constant current under threshold: no spikes, the update only */
            st_net_set_drive(net, ST_NET_DRIVE_REPLACE);
            double *I = malloc(n * sizeof *I);
            for (uint32_t i = 0; i < n; i++)
                I[i] = 3.0;
            st_net_set_input(net, 0, n, I, NULL);
            free(I);
        }
        double cs, t = time_run(net, 100, 1000, 5, NULL, &cs);
        printf("%-44s %8.4f s wall %8.3g neuron-steps/s; %8.4f s cpu %8.3g /s\n",
               noise ? "update + thalamic noise (Philox, Box-Muller)" : "update (v, u, spike test)",
               t, (double)n * 1000 / t, cs, (double)n * 1000 / cs);
        st_net_free(net);
    }
}

/* The 1000-neuron izh2003 network with its neurons in each registry model (st_net_use_model),
 * and each model's neuron update alone (no synapses, no input: the resting state). */
static void section_models(void)
{
    static const char *const models[] = {"izhikevich", "izh2007", "hh"};
    printf("\n== izh2003, 1000 neurons all-to-all, in each neuron model ==\n");
    printf("%-11s %-22s %12s %10s %16s\n", "model", "scheme", "s/model s", "rate Hz",
           "update steps/s");
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        st_net_config c;
        st_error err = {0};
        if (st_net_preset("izh2003", 1000, 0, &c, &err) || st_net_use_model(&c, models[m], &err))
            die("preset", &err);
        st_net *net;
        if (st_net_create(&c, NULL, &net, &err))
            die("create", &err);
        uint64_t steps = m == 2 ? 300 : 1000;
        double t = time_run(net, 0, steps, m == 2 ? 1 : 3, NULL, NULL);
        st_net_info in;
        st_net_get_info(net, &in);
        double hz = (double)in.spikes / in.neurons / ((double)in.step * in.dt_ms / 1000.0);
        st_net_free(net);
        c.n_projs = 0;
        for (size_t q = 0; q < c.n_pops; q++)
            c.pop[q].noise_sd = 0.0;
        if (st_net_create(&c, NULL, &net, &err))
            die("create", &err);
        double tu = time_run(net, 0, steps, 3, NULL, NULL);
        st_net_free(net);
        char scheme[40];
        const st_net_pop *p = &c.pop[0];
        if (p->model == ST_MODEL_IZH)
            snprintf(scheme, sizeof scheme, "izh2003, vectorised");
        else
            snprintf(scheme, sizeof scheme, "%s x %u substeps", st_integrator_name(p->integrator),
                     (unsigned)p->substeps);
        printf("%-11s %-22s %12.4f %10.2f %16.3g\n", models[m], scheme,
               t / ((double)steps / 1000.0), hz, 1000.0 * (double)steps / tu);
    }
}

static void section_dense(void)
{
    printf("\n== izh2003, 1000 neurons all-to-all, 10 s of model time ==\n");
    st_net *net = build("izh2003", 1000, 0, 1, NULL);
    double eps, cs;
    double t = time_run(net, 100, 10000, 3, &eps, &cs);
    printf("wall %.4f s per simulated second (best of 3 x 10 s; cpu %.4f s), %.3g events/s\n",
           t / 10, cs / 10, eps);
    st_net_free(net);
}

/* Comparisons on a shared machine: the two runs of a pair follow each other, pairs repeat
 * every few seconds for 'minutes' (at least 5 pairs), and the best time of each side is kept
 * (the run that found its cores free). */
typedef struct pairs {
    double best1, best2, cpu1, cpu2;
    int n;
} pairs;

static void pair_add(pairs *p, double t1, double t2, double c1, double c2)
{
    if (p->n == 0 || t1 < p->best1) {
        p->best1 = t1;
        p->cpu1 = c1;
    }
    if (p->n == 0 || t2 < p->best2) {
        p->best2 = t2;
        p->cpu2 = c2;
    }
    p->n++;
}

static bool pairs_more(const pairs *p, double t_start, double minutes)
{
    return p->n < 5 || now() - t_start < 60.0 * minutes;
}

static void pause_between_pairs(double minutes)
{
    if (minutes > 0) {
        struct timespec ts = {5, 0};
        nanosleep(&ts, NULL);
    }
}

static void section_threads(uint32_t n, uint64_t steps, double minutes)
{
    printf("\n== izh2003, %u neurons x 1000 synapses, %llu ms: 2 threads against 1 ==\n", n,
           (unsigned long long)steps);
    double b1, b2, eps;
    st_net *one = build("izh2003", n, 0, 1, &b1), *two = build("izh2003", n, 0, 2, &b2);
    time_run(one, 200, 1, 1, NULL, NULL);
    time_run(two, 200, 1, 1, NULL, NULL);
    pairs p = {0};
    for (double t0 = now(); pairs_more(&p, t0, minutes);) {
        double c1, c2;
        double t1 = time_run(one, 0, steps, 1, &eps, &c1);
        double t2 = time_run(two, 0, steps, 1, NULL, &c2);
        pair_add(&p, t1, t2, c1, c2);
        pause_between_pairs(minutes);
    }
    printf("1 thread : best %.3f s wall (%.3f s cpu), %.3g events/s; built in %.1f s\n",
           p.best1, p.cpu1, eps, b1);
    printf("2 threads: best %.3f s wall (%.3f s cpu for both); built in %.1f s\n", p.best2,
           p.cpu2, b2);
    printf("speed-up: %.2fx (best of %d runs each)\n", p.best1 / p.best2, p.n);
    st_net_free(one);
    st_net_free(two);
}

/* Under mpirun -np 2 (bench-network --mpi-pair): the network on both processes, and on
 * process 0 alone while process 1 sleeps, in adjacent runs. */
static int mpi_pair(uint32_t n, uint64_t steps, double minutes)
{
    st_net_comm comm;
    bool on = false;
    st_error err = {0};
    if (st_net_mpi_start(&comm, &on, &err) || !on || comm.size != 2) {
        fprintf(stderr, "bench-network --mpi-pair: run me under mpirun -np 2 (%s)\n", err.msg);
        st_net_mpi_stop();
        return 1;
    }
    st_net_config c;
    if (st_net_preset("izh2003", n, 0, &c, &err))
        die("preset", &err);
    st_net *two = NULL, *one = NULL;
    if (st_net_create(&c, &comm, &two, &err) ||
        (comm.rank == 0 && st_net_create(&c, NULL, &one, &err)))
        die("create", &err);
    pairs p = {0};
    st_net_info a, b;
    double ex = 0, nex = 0, ev = 0;
    if (st_net_run(two, 200, NULL, NULL, &err) || (one && st_net_run(one, 200, NULL, NULL, &err)))
        die("run", &err);
    for (double t0 = now();;) {
        /* process 0 decides whether to go on; the sum tells process 1 and lines both up */
        double go = comm.rank == 0 && pairs_more(&p, t0, minutes) ? 1.0 : 0.0;
        if (comm.sum(comm.ud, &go, 1, &err))
            die("MPI", &err);
        if (go == 0.0)
            break;
        st_net_get_info(two, &a);
        double w0 = now();
        if (st_net_run(two, steps, NULL, NULL, &err))
            die("run", &err);
        double t2 = now() - w0, t1 = 0;
        st_net_get_info(two, &b);
        if (one) {
            w0 = now();
            if (st_net_run(one, steps, NULL, NULL, &err))
                die("run", &err);
            t1 = now() - w0;
        } else { /* sleep through process 0's run alone rather than poll in MPI beside it */
            double z = 2.5 * t2;
            struct timespec ts = {(time_t)z, (long)((z - (double)(time_t)z) * 1e9)};
            nanosleep(&ts, NULL);
        }
        if (p.n == 0 || t2 < p.best2) {
            ex = b.exchange_s - a.exchange_s;
            nex = (double)(b.exchanges - a.exchanges);
            ev = (double)(b.events - a.events);
        }
        pair_add(&p, t1, t2, 0, 0);
        pause_between_pairs(minutes);
    }
    if (comm.rank == 0) {
        printf("1 process  : best %.3f s\n", p.best1);
        printf("2 processes: best %.3f s, %.3g events/s per process, exchanges %.1f us each "
               "(%.1f %% of the run)\n", p.best2, ev / p.best2 / 2, 1e6 * ex / nex,
               100 * ex / p.best2);
        printf("speed-up: %.2fx (best of %d runs each)\n", p.best1 / p.best2, p.n);
    }
    st_net_free(one);
    st_net_free(two);
    st_net_mpi_stop();
    return 0;
}

static void section_mpi(const char *self, uint32_t n, uint64_t steps, double minutes)
{
    printf("\n== izh2003, %u neurons x 1000 synapses, %llu ms: 2 MPI processes against 1 ==\n",
           n, (unsigned long long)steps);
#ifdef ST_BENCH_MPIRUN
    char cmd[800];
    snprintf(cmd, sizeof cmd,
             "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 %s --oversubscribe -np 2 "
             "%s --mpi-pair --neurons %u --steps %llu --minutes %g", ST_BENCH_MPIRUN, self,
             (unsigned)n, (unsigned long long)steps, minutes);
    fflush(stdout);
    if (system(cmd) != 0)
        printf("(failed: %s)\n", cmd);
#else
    (void)self;
    printf("(skipped: built without MPI, or mpirun not found)\n");
#endif
}

int main(int argc, char **argv)
{
    bool quick = false, brian2 = true, large = true, pair = false;
    const char *only = NULL; /* one section: 10k, update, dense, models, threads or mpi */
    double minutes = 0;
    uint32_t n_pair = 100000;
    uint64_t steps_pair = 200;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = true;
        else if (!strcmp(argv[i], "--skip-brian2"))
            brian2 = false;
        else if (!strcmp(argv[i], "--skip-large"))
            large = false;
        else if (!strcmp(argv[i], "--mpi-pair"))
            pair = true;
        else if (!strcmp(argv[i], "--minutes") && i + 1 < argc)
            minutes = atof(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc &&
                 strstr(" 10k update dense models threads mpi ", argv[i + 1]) && *argv[i + 1] &&
                 !strchr(argv[i + 1], ' '))
            only = argv[++i];
        else if (!strcmp(argv[i], "--neurons") && i + 1 < argc)
            n_pair = (uint32_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--steps") && i + 1 < argc)
            steps_pair = (uint64_t)atoll(argv[++i]);
        else {
            fprintf(stderr, "usage: bench-network [--quick] [--skip-brian2] [--skip-large] "
                            "[--minutes M] [--only 10k|update|dense|models|threads|mpi]\n");
            return 2;
        }
    }
    if (pair)
        return mpi_pair(n_pair, steps_pair, minutes);
    printf("bench-network: %ld cores online; wall-clock times\n", sysconf(_SC_NPROCESSORS_ONLN));
#define WANT(name) (!only || !strcmp(only, name))
    if (WANT("10k"))
        section_10k(quick ? 2000 : 10000, quick ? 200 : 1000,
                    !brian2 ? 0 : have_brian2() ? 1 : -1);
    if (WANT("update")) {
        section_update(10000);
        if (!quick)
            section_update(100000);
    }
    if (WANT("dense"))
        section_dense();
    if (WANT("models"))
        section_models();
    uint32_t n = quick ? 20000 : 100000;
    uint64_t steps = quick ? 100 : 200;
    if (large && WANT("threads"))
        section_threads(n, steps, minutes);
    if (large && WANT("mpi"))
        section_mpi(argv[0], n, steps, minutes);
#undef WANT
    return 0;
}
