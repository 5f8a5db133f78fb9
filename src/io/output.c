/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Result files written through temporary files and renames: single files, sets of outputs
 * committed together, and the registry that lets a termination signal remove the temporaries. */
#define _DEFAULT_SOURCE /* mkstemps */
#include "spiketalk/output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* ---- paths -------------------------------------------------------------------------------- */

/* A copy of the folder part of 'path' ("." when there is none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    if (slash == path)
        n = 1;
    char *d = st_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, slash ? path : ".", n);
    d[n] = '\0';
    return d;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* A copy of 'a' followed by 'b' (and 'c'). */
static char *concat(const char *a, const char *b, const char *c)
{
    size_t na = strlen(a), nb = strlen(b), nc = c ? strlen(c) : 0;
    char *s = st_malloc(na + nb + nc + 1);
    if (!s)
        return NULL;
    memcpy(s, a, na);
    memcpy(s + na, b, nb);
    if (nc)
        memcpy(s + na + nb, c, nc);
    s[na + nb + nc] = '\0';
    return s;
}

st_status st_output_check(const char *path, st_error *err)
{
    if (!path || !*path)
        return st_error_set(err, ST_ERR_IO, "output: empty file name");
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return st_error_set(err, ST_ERR_IO, "%s: is a directory", path);
        if (!S_ISREG(sb.st_mode))
            return st_error_set(err, ST_ERR_IO, "%s: not a regular file", path);
        if (access(path, W_OK) != 0)
            return st_error_set(err, ST_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    }
    char *dir = dir_of(path);
    if (!dir)
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    st_status st = ST_OK;
    if (stat(dir, &sb) != 0)
        st = st_error_set(err, ST_ERR_IO, "%s: cannot write: folder '%s': %s", path, dir,
                          strerror(errno));
    else if (!S_ISDIR(sb.st_mode))
        st = st_error_set(err, ST_ERR_IO, "%s: cannot write: '%s' is not a folder", path, dir);
    else if (access(dir, W_OK) != 0)
        st = st_error_set(err, ST_ERR_IO, "%s: cannot write: folder '%s': %s", path, dir,
                          strerror(errno));
    st_free(dir);
    return st;
}

/* ---- the temporary-file registry and the signal handler ---------------------------------- */

/* The names of the temporary files that exist now. Slots are claimed and released with
 * compare-and-swap, and read by the signal handler with plain atomic loads: lock-free
 * atomics are async-signal-safe. */
static _Atomic(char *) temp_slot[ST_TEMP_MAX];

static const int term_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_TERM_SIGNALS (sizeof term_signals / sizeof term_signals[0])

static int hold_depth;
static sigset_t hold_saved;

void st_temp_hold(void)
{
    if (hold_depth++ > 0)
        return;
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < N_TERM_SIGNALS; i++)
        sigaddset(&set, term_signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, &hold_saved);
}

void st_temp_release(void)
{
    if (hold_depth > 0 && --hold_depth == 0)
        pthread_sigmask(SIG_SETMASK, &hold_saved, NULL);
}

static bool registry_add(char *name)
{
    for (size_t i = 0; i < ST_TEMP_MAX; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&temp_slot[i], &expected, name))
            return true;
    }
    return false;
}

static void registry_remove(const char *name)
{
    for (size_t i = 0; i < ST_TEMP_MAX; i++) {
        char *expected = (char *)name;
        if (atomic_compare_exchange_strong(&temp_slot[i], &expected, NULL))
            return;
    }
}

/* Only async-signal-safe calls: unlink, signal, sigprocmask, raise, _exit. */
static void on_term_signal(int sig)
{
    int saved_errno = errno;
    for (size_t i = 0; i < ST_TEMP_MAX; i++) {
        char *name = atomic_load(&temp_slot[i]);
        if (name)
            unlink(name);
    }
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig); /* ends the process: the parent sees the signal, a shell 128 + sig */
    errno = saved_errno;
    _exit(128 + sig);
}

void st_temp_catch_signals(void)
{
    for (size_t i = 0; i < N_TERM_SIGNALS; i++) {
        struct sigaction old;
        if (sigaction(term_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue; /* ignored by whoever started us (nohup, a background job): keep it so */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_term_signal;
        sigfillset(&sa.sa_mask); /* one handler at a time */
        sigaction(term_signals[i], &sa, NULL);
    }
}

st_status st_temp_create(const char *path, bool keep_ext, int *fd, char **tmp, st_error *err)
{
    *fd = -1;
    *tmp = NULL;
    const char *base = base_of(path);
    const char *dot = keep_ext ? strrchr(base, '.') : NULL;
    const char *ext = dot && dot != base ? dot : "";
    char *name = concat(path, ".tmp-XXXXXX", ext);
    if (!name)
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    st_status st = ST_OK;
    st_temp_hold(); /* a signal between creating and registering would leave the file */
    int f = mkstemps(name, (int)strlen(ext));
    if (f < 0) {
        st = st_error_set(err, ST_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    } else if (!registry_add(name)) {
        close(f);
        unlink(name);
        st = st_error_set(err, ST_ERR_IO, "%s: cannot create: more than %d temporary files",
                          path, ST_TEMP_MAX);
    }
    st_temp_release();
    if (st) {
        st_free(name);
        return st;
    }
    fchmod(f, 0644); /* mkstemp's 0600 would hide the result from other users */
    *fd = f;
    *tmp = name;
    return ST_OK;
}

void st_temp_forget(char *tmp)
{
    if (!tmp)
        return;
    registry_remove(tmp);
    st_free(tmp);
}

void st_temp_discard(char *tmp)
{
    if (!tmp)
        return;
    unlink(tmp);
    registry_remove(tmp);
    st_free(tmp);
}

/* ---- single files ------------------------------------------------------------------------- */

st_status st_outfile_open(st_outfile *o, const char *path, st_error *err)
{
    memset(o, 0, sizeof *o);
    st_status st = st_output_check(path, err);
    if (st)
        return st;
    size_t n = strlen(path);
    if (!(o->path = st_malloc(n + 1)))
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    memcpy(o->path, path, n + 1);
    int fd;
    if ((st = st_temp_create(path, false, &fd, &o->tmp, err))) {
        st_outfile_abort(o);
        return st;
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        st = st_error_set(err, ST_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        st_outfile_abort(o);
        return st;
    }
    return ST_OK;
}

st_status st_outfile_commit(st_outfile *o, st_error *err)
{
    int bad = ferror(o->f);
    int e = bad ? EIO : 0;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (!bad && rename(o->tmp, o->path) != 0) {
        bad = 1;
        e = errno;
    }
    st_status st = ST_OK;
    if (bad) {
        st = st_error_set(err, ST_ERR_IO, "%s: write failed: %s", o->path, strerror(e));
    } else {
        st_temp_forget(o->tmp); /* renamed: nothing left to remove */
        o->tmp = NULL;
    }
    st_outfile_abort(o);
    return st;
}

void st_outfile_abort(st_outfile *o)
{
    if (!o)
        return;
    if (o->f)
        fclose(o->f);
    st_temp_discard(o->tmp);
    st_free(o->path);
    memset(o, 0, sizeof *o);
}

/* ---- sets of outputs ---------------------------------------------------------------------- */

typedef enum state { DECLARED, STREAM, NAMED } state;

typedef struct entry {
    char *path;       /* as given */
    char *what;       /* the flag or role, for messages */
    char *norm;       /* the path with its folder resolved, for files that do not exist yet */
    bool input;
    uint64_t bytes;   /* expected size, 0: unknown */
    state st;
    FILE *f;
    char *tmp;        /* the temporary file being written */
    char *backup;     /* during the commit: a hard link to the file being replaced */
    bool existed;     /* during the commit: a file was there before */
} entry;

struct st_outset {
    entry *e;
    size_t n, cap;
    bool committed;
};

st_status st_outset_new(st_outset **out, st_error *err)
{
    *out = st_calloc(1, sizeof **out);
    return *out ? ST_OK : st_error_set(err, ST_ERR_NOMEM, "outputs: out of memory");
}

/* The path with its folder resolved by realpath ("./o.wav" and "d/../o.wav" become one name),
 * or a copy of the path itself when the folder cannot be resolved. */
static char *normalise(const char *path)
{
    char *dir = dir_of(path);
    if (!dir)
        return NULL;
    char *real = realpath(dir, NULL);
    st_free(dir);
    if (!real)
        return concat(path, "", NULL);
    char *n = concat(real, strcmp(real, "/") ? "/" : "", base_of(path));
    free(real); /* realpath allocates with malloc */
    return n;
}

static bool same_file(const entry *a, const char *path, const char *norm)
{
    struct stat x, y;
    if (stat(a->path, &x) == 0 && stat(path, &y) == 0)
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
    return !strcmp(a->norm, norm);
}

bool st_output_same(const char *a, const char *b)
{
    struct stat x, y;
    if (stat(a, &x) == 0 && stat(b, &y) == 0)
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
    char *na = normalise(a), *nb = normalise(b);
    bool same = na && nb ? !strcmp(na, nb) : !strcmp(a, b);
    st_free(na);
    st_free(nb);
    return same;
}

static st_status push(st_outset *s, const char *path, const char *what, bool input,
                      uint64_t bytes, char *norm, st_error *err)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        entry *grown = st_realloc(s->e, cap * sizeof *grown);
        if (!grown)
            goto nomem;
        s->e = grown;
        s->cap = cap;
    }
    entry *e = &s->e[s->n];
    memset(e, 0, sizeof *e);
    e->path = concat(path, "", NULL);
    e->what = concat(what, "", NULL);
    if (!e->path || !e->what) {
        st_free(e->path);
        st_free(e->what);
        goto nomem;
    }
    e->norm = norm;
    e->input = input;
    e->bytes = bytes;
    s->n++;
    return ST_OK;
nomem:
    st_free(norm);
    return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
}

st_status st_outset_input(st_outset *s, const char *path, const char *what, st_error *err)
{
    if (!path || !*path)
        return ST_OK; /* the reader reports it */
    char *norm = normalise(path);
    if (!norm)
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    return push(s, path, what ? what : "input", true, 0, norm, err);
}

st_status st_outset_add(st_outset *s, const char *path, const char *what, uint64_t bytes,
                        int *id, st_error *err)
{
    what = what ? what : "output";
    if (!path || !*path)
        return st_error_set(err, ST_ERR_INVAL, "%s: empty file name", what);
    st_error why = {0};
    if (st_output_check(path, &why))
        return st_error_set(err, why.code, "%s: %s", what, why.msg);
    char *norm = normalise(path);
    if (!norm)
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    for (size_t i = 0; i < s->n; i++) {
        const entry *e = &s->e[i];
        if (!same_file(e, path, norm))
            continue;
        st_free(norm);
        if (e->input)
            return st_error_set(err, ST_ERR_INVAL,
                                "%s: '%s' is the same file as the %s '%s'; choose another output "
                                "name",
                                what, path, e->what, e->path);
        return st_error_set(err, ST_ERR_INVAL,
                            "%s: '%s' is the same file as %s '%s'; each output needs a file of "
                            "its own",
                            what, path, e->what, e->path);
    }
    st_status st = push(s, path, what, false, bytes, norm, err);
    if (!st && id)
        *id = (int)(s->n - 1);
    return st;
}

static entry *output(const st_outset *s, int id)
{
    if (!s || id < 0 || (size_t)id >= s->n || s->e[id].input)
        return NULL;
    return &s->e[id];
}

const char *st_outset_name(const st_outset *s, int id)
{
    entry *e = output(s, id);
    return e ? e->path : NULL;
}

int st_outset_find(const st_outset *s, const char *path)
{
    for (size_t i = 0; s && path && i < s->n; i++)
        if (!s->e[i].input && !strcmp(s->e[i].path, path))
            return (int)i;
    return -1;
}

void st_outset_expect(st_outset *s, int id, uint64_t bytes)
{
    entry *e = output(s, id);
    if (e)
        e->bytes = bytes;
}

/* The device of the folder 'path' would be written in; false when it cannot be known. */
static bool folder_device(const char *path, dev_t *dev, struct statvfs *fs)
{
    char *dir = dir_of(path);
    struct stat sb;
    bool known = dir && stat(dir, &sb) == 0 && (!fs || statvfs(dir, fs) == 0);
    st_free(dir);
    if (known)
        *dev = sb.st_dev;
    return known;
}

st_status st_outset_check_space(const st_outset *s, st_error *err)
{
    for (size_t i = 0; i < s->n; i++) {
        const entry *e = &s->e[i];
        dev_t dev;
        struct statvfs fs;
        if (e->input || !e->bytes || !folder_device(e->path, &dev, &fs))
            continue; /* (st_output_check has said what is wrong with a folder) */
        /* every output bound for this file system counts; the group is judged once, at its
         * first member, and the message names its largest */
        uint64_t need = 0;
        const entry *largest = e;
        bool first = true;
        for (size_t k = 0; k < s->n; k++) {
            const entry *o = &s->e[k];
            dev_t od;
            if (o->input || !o->bytes || !folder_device(o->path, &od, NULL) || od != dev)
                continue;
            need = need + o->bytes < need ? UINT64_MAX : need + o->bytes;
            first = first && k >= i;
            if (o->bytes > largest->bytes)
                largest = o;
        }
        uint64_t avail = (uint64_t)fs.f_bavail * (uint64_t)fs.f_frsize;
        if (first && need > avail) {
            char a[32], b[32];
            return st_error_set(err, ST_ERR_INVAL,
                                "%s: about %s for '%s'%s, but only %s is free on its file "
                                "system",
                                largest->what, st_format_size(a, sizeof a, need), largest->path,
                                need > largest->bytes ? " and the other outputs there" : "",
                                st_format_size(b, sizeof b, avail));
        }
    }
    return ST_OK;
}

st_status st_outset_open(st_outset *s, int id, FILE **f, st_error *err)
{
    *f = NULL;
    entry *e = output(s, id);
    if (!e || e->st != DECLARED)
        return st_error_set(err, ST_ERR_INVAL, "outputs: output %d cannot be opened", id);
    int fd;
    st_status st = st_temp_create(e->path, false, &fd, &e->tmp, err);
    if (st)
        return st;
    if (!(e->f = fdopen(fd, "w"))) {
        st = st_error_set(err, ST_ERR_IO, "%s: cannot open: %s", e->path, strerror(errno));
        close(fd);
        st_temp_discard(e->tmp);
        e->tmp = NULL;
        return st;
    }
    e->st = STREAM;
    *f = e->f;
    return ST_OK;
}

st_status st_outset_path(st_outset *s, int id, const char **tmp, st_error *err)
{
    *tmp = NULL;
    entry *e = output(s, id);
    if (!e || e->st != DECLARED)
        return st_error_set(err, ST_ERR_INVAL, "outputs: output %d cannot be opened", id);
    int fd;
    st_status st = st_temp_create(e->path, true, &fd, &e->tmp, err);
    if (st)
        return st;
    close(fd);
    e->st = NAMED;
    *tmp = e->tmp;
    return ST_OK;
}

void st_outset_fix_message(const st_outset *s, st_error *err)
{
    if (!err || !s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        const entry *e = &s->e[i];
        char *at = e->tmp ? strstr(err->msg, e->tmp) : NULL;
        if (!at)
            continue;
        size_t head = (size_t)(at - err->msg), nt = strlen(e->tmp), np = strlen(e->path);
        char rest[ST_ERROR_MSG_MAX];
        snprintf(rest, sizeof rest, "%s", at + nt);
        snprintf(err->msg + head, sizeof err->msg - head, "%.*s%s", (int)np, e->path, rest);
    }
}

/* Closes the streams and checks what the writers left; the first failure goes to 'err'. */
static st_status finish_writing(st_outset *s, st_error *err)
{
    st_status st = ST_OK;
    for (size_t i = 0; i < s->n; i++) {
        entry *e = &s->e[i];
        if (e->input)
            continue;
        if (e->st == STREAM) {
            /* A write that failed earlier (a full disk) left its data in the buffer: flushing
             * again meets the same cause and says what it is. */
            int code = 0;
            if (fflush(e->f) != 0)
                code = errno;
            bool bad = code || ferror(e->f);
            if (fclose(e->f) != 0 && !code) {
                bad = true;
                code = errno;
            }
            e->f = NULL;
            if (bad && !st)
                st = st_error_set(err, ST_ERR_IO, "%s: write failed: %s", e->path,
                                  code ? strerror(code) : "an earlier write to it failed");
        } else if (e->st == NAMED) {
            struct stat sb;
            if ((stat(e->tmp, &sb) != 0 || !S_ISREG(sb.st_mode)) && !st)
                st = st_error_set(err, ST_ERR_IO, "%s: was not written", e->path);
        } else if (!st) {
            st = st_error_set(err, ST_ERR_INVAL, "%s: nothing was written to it", e->path);
        }
    }
    return st;
}

/* A hard link to the file at e->path under a new temporary name, so that the commit can put it
 * back. NULL when there is no such file or no link can be made. */
static char *keep_old(const entry *e)
{
    struct stat sb;
    if (lstat(e->path, &sb) != 0)
        return NULL;
    for (int attempt = 0; attempt < 8; attempt++) {
        int fd;
        char *name;
        if (st_temp_create(e->path, false, &fd, &name, NULL))
            return NULL;
        close(fd);
        unlink(name); /* the name is ours (registered); the link takes it */
        if (link(e->path, name) == 0)
            return name;
        int why = errno;
        st_temp_forget(name);
        if (why != EEXIST)
            return NULL; /* e.g. a file system without hard links */
    }
    return NULL;
}

st_status st_outset_commit(st_outset *s, st_error *err)
{
    if (s->committed)
        return st_error_set(err, ST_ERR_INVAL, "outputs: committed twice");
    s->committed = true;
    st_status st = finish_writing(s, err);
    if (st) {
        for (size_t i = 0; i < s->n; i++) {
            st_temp_discard(s->e[i].tmp);
            s->e[i].tmp = NULL;
        }
        return st;
    }
    st_temp_hold();
    size_t done = 0;
    for (; done < s->n; done++) {
        entry *e = &s->e[done];
        if (e->input)
            continue;
        struct stat sb;
        e->existed = lstat(e->path, &sb) == 0;
        e->backup = e->existed ? keep_old(e) : NULL;
        if (rename(e->tmp, e->path) != 0) {
            st = st_error_set(err, ST_ERR_IO, "%s: cannot put it in place: %s; no output was "
                              "changed", e->path, strerror(errno));
            break;
        }
        st_temp_forget(e->tmp);
        e->tmp = NULL;
    }
    for (size_t i = 0; i < s->n; i++) {
        entry *e = &s->e[i];
        if (st && i < done && !e->input) {
            /* undo: the old file back, or the new one away; an old file that could not be
             * kept (no hard links there) stays replaced rather than lost */
            if (e->backup) {
                if (rename(e->backup, e->path) == 0) {
                    st_temp_forget(e->backup);
                    e->backup = NULL;
                }
            } else if (!e->existed) {
                unlink(e->path);
            }
        }
        st_temp_discard(e->backup);
        e->backup = NULL;
        st_temp_discard(e->tmp);
        e->tmp = NULL;
    }
    st_temp_release();
    return st;
}

void st_outset_free(st_outset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        entry *e = &s->e[i];
        if (e->f)
            fclose(e->f);
        st_temp_discard(e->tmp);
        st_temp_discard(e->backup);
        st_free(e->path);
        st_free(e->what);
        st_free(e->norm);
    }
    st_free(s->e);
    st_free(s);
}

char *st_format_size(char *buf, size_t size, uint64_t bytes)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double x = (double)bytes;
    size_t u = 0;
    while (x >= 1024.0 && u + 1 < sizeof unit / sizeof unit[0]) {
        x /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, size, "%llu B", (unsigned long long)bytes);
    else
        snprintf(buf, size, "%.*f %s", x < 10 ? 1 : 0, x, unit[u]);
    return buf;
}
