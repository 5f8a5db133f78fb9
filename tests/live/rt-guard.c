/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A test guard for the audio callback, loaded with LD_PRELOAD: between spiketalk_rt_guard(1)
 * and spiketalk_rt_guard(0) (live.c calls them around its work in the callback) any
 * allocation, lock, sleep or stdio/write call aborts the program with a message naming it.
 *
 * The flag is thread-local, so only the callback thread, and only inside that section, is
 * checked: PortAudio's and JACK's own work around it, and every other thread, run freely. At
 * exit the guard prints how many callbacks it checked, so a test can tell that the hook was
 * found at all. Allocation goes to glibc's __libc_* entry points (no dlsym, which itself
 * allocates); the other functions are found with dlsym(RTLD_NEXT) at load time. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* glibc's allocator under the names it exports for exactly this purpose */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);

void spiketalk_rt_guard(int entering);

/* initial-exec: reading it never calls into the dynamic loader (which may allocate) */
static _Thread_local int in_callback __attribute__((tls_model("initial-exec")));
static atomic_ulong checked;

static int (*real_mutex_lock)(pthread_mutex_t *);
static int (*real_mutex_trylock)(pthread_mutex_t *);
static int (*real_nanosleep)(const struct timespec *, struct timespec *);
static int (*real_clock_nanosleep)(clockid_t, int, const struct timespec *, struct timespec *);
static int (*real_usleep)(useconds_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_vfprintf)(FILE *, const char *, va_list);
static size_t (*real_fwrite)(const void *, size_t, size_t, FILE *);
static int (*real_fputs)(const char *, FILE *);
static int (*real_puts)(const char *);
static int (*real_fputc)(int, FILE *);
static int (*real_fflush)(FILE *);

/* dlsym returns an object pointer; POSIX lets it hold a function */
#define RESOLVE(var, name)                         \
    do {                                           \
        void *sym_ = dlsym(RTLD_NEXT, name);       \
        memcpy(&(var), &sym_, sizeof(var));        \
    } while (0)

static void put(const char *s)
{
    syscall(SYS_write, 2, s, strlen(s));
}

static void report(void)
{
    char num[32], *p = num + sizeof num;
    unsigned long n = atomic_load(&checked);
    *--p = '\0';
    do
        *--p = (char)('0' + n % 10);
    while ((n /= 10) && p > num);
    put("rt-guard: ");
    put(p);
    put(" callbacks checked, no allocation, lock, sleep or output in them\n");
}

__attribute__((constructor)) static void setup(void)
{
    RESOLVE(real_mutex_lock, "pthread_mutex_lock");
    RESOLVE(real_mutex_trylock, "pthread_mutex_trylock");
    RESOLVE(real_nanosleep, "nanosleep");
    RESOLVE(real_clock_nanosleep, "clock_nanosleep");
    RESOLVE(real_usleep, "usleep");
    RESOLVE(real_write, "write");
    RESOLVE(real_vfprintf, "vfprintf");
    RESOLVE(real_fwrite, "fwrite");
    RESOLVE(real_fputs, "fputs");
    RESOLVE(real_puts, "puts");
    RESOLVE(real_fputc, "fputc");
    RESOLVE(real_fflush, "fflush");
    atexit(report);
}

void spiketalk_rt_guard(int entering)
{
    in_callback = entering;
    if (entering)
        atomic_fetch_add_explicit(&checked, 1, memory_order_relaxed);
}

static void violation(const char *what)
{
    in_callback = 0;
    put("rt-guard: ");
    put(what);
    put(" called in the audio callback\n");
    abort();
}

#define CHECK(what)              \
    do {                         \
        if (in_callback)         \
            violation(what);     \
    } while (0)

/* ---- allocation ----------------------------------------------------------------------------- */

void *malloc(size_t size)
{
    CHECK("malloc");
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    CHECK("calloc");
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    CHECK("realloc");
    return __libc_realloc(p, size);
}

void free(void *p)
{
    CHECK("free");
    __libc_free(p);
}

void *aligned_alloc(size_t align, size_t size)
{
    CHECK("aligned_alloc");
    return __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    CHECK("posix_memalign");
    void *p = __libc_memalign(align, size);
    if (!p)
        return 12; /* ENOMEM */
    *out = p;
    return 0;
}

/* ---- locks and sleeps ---------------------------------------------------------------------- */

int pthread_mutex_lock(pthread_mutex_t *m)
{
    CHECK("pthread_mutex_lock");
    if (!real_mutex_lock) /* called before setup() ran */
        RESOLVE(real_mutex_lock, "pthread_mutex_lock");
    return real_mutex_lock(m);
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    CHECK("pthread_mutex_trylock");
    if (!real_mutex_trylock) /* called before setup() ran */
        RESOLVE(real_mutex_trylock, "pthread_mutex_trylock");
    return real_mutex_trylock(m);
}

int nanosleep(const struct timespec *t, struct timespec *rem)
{
    CHECK("nanosleep");
    if (!real_nanosleep) /* called before setup() ran */
        RESOLVE(real_nanosleep, "nanosleep");
    return real_nanosleep(t, rem);
}

int clock_nanosleep(clockid_t c, int flags, const struct timespec *t, struct timespec *rem)
{
    CHECK("clock_nanosleep");
    if (!real_clock_nanosleep) /* called before setup() ran */
        RESOLVE(real_clock_nanosleep, "clock_nanosleep");
    return real_clock_nanosleep(c, flags, t, rem);
}

int usleep(useconds_t us)
{
    CHECK("usleep");
    if (!real_usleep) /* called before setup() ran */
        RESOLVE(real_usleep, "usleep");
    return real_usleep(us);
}

/* ---- output -------------------------------------------------------------------------------- */

ssize_t write(int fd, const void *buf, size_t n)
{
    CHECK("write");
    if (!real_write) /* called before setup() ran */
        RESOLVE(real_write, "write");
    return real_write(fd, buf, n);
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    CHECK("vfprintf");
    if (!real_vfprintf) /* called before setup() ran */
        RESOLVE(real_vfprintf, "vfprintf");
    return real_vfprintf(f, fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
    CHECK("fprintf");
    va_list ap;
    va_start(ap, fmt);
    if (!real_vfprintf) /* called before setup() ran */
        RESOLVE(real_vfprintf, "vfprintf");
    int r = real_vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int printf(const char *fmt, ...)
{
    CHECK("printf");
    va_list ap;
    va_start(ap, fmt);
    if (!real_vfprintf) /* called before setup() ran */
        RESOLVE(real_vfprintf, "vfprintf");
    int r = real_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    CHECK("fwrite");
    if (!real_fwrite) /* called before setup() ran */
        RESOLVE(real_fwrite, "fwrite");
    return real_fwrite(p, size, n, f);
}

int fputs(const char *s, FILE *f)
{
    CHECK("fputs");
    if (!real_fputs) /* called before setup() ran */
        RESOLVE(real_fputs, "fputs");
    return real_fputs(s, f);
}

int puts(const char *s)
{
    CHECK("puts");
    if (!real_puts) /* called before setup() ran */
        RESOLVE(real_puts, "puts");
    return real_puts(s);
}

int fputc(int c, FILE *f)
{
    CHECK("fputc");
    if (!real_fputc) /* called before setup() ran */
        RESOLVE(real_fputc, "fputc");
    return real_fputc(c, f);
}

int fflush(FILE *f)
{
    CHECK("fflush");
    if (!real_fflush) /* called before setup() ran */
        RESOLVE(real_fflush, "fflush");
    return real_fflush(f);
}
