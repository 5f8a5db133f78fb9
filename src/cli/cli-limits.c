/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bounds on a run before it starts - memory, windows, output sizes - and its progress on a
 * terminal while it runs. */
#define _DEFAULT_SOURCE /* _SC_PHYS_PAGES */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spiketalk/output.h"

/* ---- the memory limit ------------------------------------------------------------------------ */

/* Every block carries its size in front, so that a free can give it back to the count. 16 bytes
 * keep the caller's pointer as aligned as malloc's. */
#define HEADER 16

static atomic_uint_fast64_t mem_used;
static uint64_t mem_limit = UINT64_MAX;
static atomic_bool mem_refused;

static void *counted_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    unsigned char *base = ptr ? (unsigned char *)ptr - HEADER : NULL;
    size_t old = 0;
    if (base)
        memcpy(&old, base, sizeof old);
    if (size == 0) {
        atomic_fetch_sub(&mem_used, old);
        free(base);
        return NULL;
    }
    if (size > SIZE_MAX - HEADER)
        return NULL;
    if (size > old) {
        uint64_t more = size - old;
        uint64_t before = atomic_fetch_add(&mem_used, more);
        if (before + more > mem_limit || before + more < before) {
            atomic_fetch_sub(&mem_used, more);
            atomic_store(&mem_refused, true);
            return NULL;
        }
    }
    unsigned char *grown = realloc(base, size + HEADER);
    if (!grown) {
        if (size > old)
            atomic_fetch_sub(&mem_used, size - old);
        return NULL;
    }
    if (size < old)
        atomic_fetch_sub(&mem_used, old - size);
    memcpy(grown, &size, sizeof size);
    return grown + HEADER;
}

/* A number from a cgroup file ("max" or missing: none). */
static uint64_t cgroup_limit(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return UINT64_MAX;
    unsigned long long x = 0;
    int got = fscanf(f, "%llu", &x);
    fclose(f);
    return got == 1 && x > 0 ? (uint64_t)x : UINT64_MAX;
}

void cli_memory_init(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    uint64_t phys = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : UINT64_MAX;
    uint64_t cg2 = cgroup_limit("/sys/fs/cgroup/memory.max");
    uint64_t cg1 = cgroup_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    uint64_t m = phys < cg2 ? phys : cg2;
    m = m < cg1 ? m : cg1;
    mem_limit = m == UINT64_MAX ? UINT64_MAX : m / 2;
    st_set_allocator(counted_alloc, NULL);
}

uint64_t cli_memory_limit(void)
{
    return mem_limit;
}

bool cli_memory_refused(void)
{
    return atomic_load(&mem_refused);
}

int cli_memory_option(const char *text)
{
    st_error err = {0};
    uint64_t bytes;
    if (!cli_parse_size("--max-memory", text, &bytes, &err))
        return cli_refuse(&err);
    mem_limit = bytes;
    return CLI_OK;
}

int cli_memory_check(const char *flag, const char *what, uint64_t bytes)
{
    if (bytes <= mem_limit)
        return CLI_OK;
    char need[32], lim[32];
    cli_error("%s: %s needs about %s of memory, more than the limit of %s (--max-memory; by "
              "default half of the physical memory)",
              flag, what, st_format_size(need, sizeof need, bytes),
              st_format_size(lim, sizeof lim, mem_limit));
    return CLI_USAGE;
}

/* ---- estimates ------------------------------------------------------------------------------- */

uint64_t cli_pipeline_memory(const st_pipeline_config *c, size_t n, double fs_hz, bool taps,
                             size_t block)
{
    st_pipeline_config k = *c;
    k.keep_taps = taps;
    if (block) {
        k.mode = ST_RUN_STREAM;
        k.block = block;
    }
    double bytes = (double)st_pipeline_memory(&k, n, fs_hz);
    if (taps) /* the plot's copies (process --plot) */
        bytes += (double)n * 8.0 * 3.0 + (double)n * 8.0 * 2.0;
    return bytes < 1.8e19 ? (uint64_t)bytes : UINT64_MAX;
}

int cli_window_check(const char *flag, double window, size_t n, double fs_hz)
{
    if (window <= (double)n)
        return CLI_OK;
    cli_error("%s: %.0f samples (%.4g s) is longer than the input (%zu samples, %.4g s); give at "
              "most %zu",
              flag, window, window / fs_hz, n, (double)n / fs_hz, n);
    return CLI_USAGE;
}

uint64_t cli_csv_bytes(double rows, unsigned cols)
{
    /* %.12g: about 13 characters and a separator per number, many shorter, a few longer */
    double b = rows * cols * 14.0;
    return b < 1.8e19 ? (uint64_t)b : UINT64_MAX;
}

/* ---- the cause of a blow-up ------------------------------------------------------------------ */

static bool far_outside(double x, double lo, double hi)
{
    double span = hi - lo;
    return !(x >= lo - 1000.0 * span && x <= hi + 1000.0 * span) || (lo > 0 && x < lo / 1000.0);
}

bool cli_fault_suspect(const st_model *m, const st_model_params *p, double v0_mv, char *buf,
                       size_t size)
{
    if (far_outside(v0_mv, m->v_min_mv, m->v_max_mv)) {
        snprintf(buf, size, "--v0 is %g mV, far outside the range of v (%g to %g mV)", v0_mv,
                 m->v_min_mv, m->v_max_mv);
        return true;
    }
    for (size_t i = 0; i < m->n_params; i++) {
        const st_param_desc *d = &m->params[i];
        double x = st_param_get(p, d);
        if (!isfinite(d->min) || !isfinite(d->max) || !isfinite(x) ||
            !far_outside(x, d->min, d->max))
            continue;
        snprintf(buf, size, "--%s is %g%s%s, far outside its usual range (%g to %g)", d->name, x,
                 d->unit[0] ? " " : "", d->unit, d->min, d->max);
        return true;
    }
    return false;
}

/* ---- progress -------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_start(cli_progress *p, const char *what, const char *unit, double total,
                        bool quiet)
{
    memset(p, 0, sizeof *p);
    p->what = what;
    p->unit = unit;
    p->total = total;
    p->enabled = !quiet && total > 0 && isatty(STDERR_FILENO);
    p->start_s = p->last_s = p->enabled ? now_s() : 0.0;
}

static void print_left(char *buf, size_t size, double s)
{
    if (s < 60)
        snprintf(buf, size, "%.0f s", ceil(s));
    else if (s < 3600)
        snprintf(buf, size, "%.0f min %.0f s", floor(s / 60), fmod(floor(s), 60));
    else
        snprintf(buf, size, "%.0f h %.0f min", floor(s / 3600), fmod(floor(s / 60), 60));
}

void cli_progress_update(cli_progress *p, double done)
{
    if (!p->enabled)
        return;
    double t = now_s();
    /* quiet for the first second (short runs never show it), then four lines a second */
    if (t - p->start_s < 1.0 || t - p->last_s < 0.25 || done <= 0)
        return;
    p->last_s = t;
    p->shown = true;
    double frac = fmin(done / p->total, 1.0);
    char left[48];
    print_left(left, sizeof left, (t - p->start_s) * (1.0 - frac) / frac);
    fprintf(stderr, "\r%s: %3.0f%% (%.3g of %.3g %s), about %s left   ", p->what, 100.0 * frac,
            done, p->total, p->unit, left);
    fflush(stderr);
}

void cli_progress_end(cli_progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r%*s\r", 78, "");
    p->shown = false;
}
