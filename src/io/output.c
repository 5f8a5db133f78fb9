/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Result files written through a temporary file and a rename, so failures never truncate. */
#include "spiketalk/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

st_status st_outfile_open(st_outfile *o, const char *path, st_error *err)
{
    memset(o, 0, sizeof *o);
    st_status st = st_output_check(path, err);
    if (st)
        return st;
    size_t n = strlen(path);
    o->path = st_malloc(n + 1);
    o->tmp = st_malloc(n + 16);
    if (!o->path || !o->tmp) {
        st_outfile_abort(o);
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    }
    memcpy(o->path, path, n + 1);
    snprintf(o->tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        st = st_error_set(err, ST_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
        st_free(o->tmp);
        o->tmp = NULL;
        st_outfile_abort(o);
        return st;
    }
    fchmod(fd, 0644);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        st_outfile_abort(o);
        return st_error_set(err, ST_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    return ST_OK;
}

st_status st_outfile_commit(st_outfile *o, st_error *err)
{
    int bad = ferror(o->f);
    int e = errno;
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
    if (bad)
        st = st_error_set(err, ST_ERR_IO, "%s: write failed: %s", o->path, strerror(e));
    st_outfile_abort(o);
    return st;
}

void st_outfile_abort(st_outfile *o)
{
    if (!o)
        return;
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp); /* after a successful rename this fails harmlessly with ENOENT */
    st_free(o->tmp);
    st_free(o->path);
    memset(o, 0, sizeof *o);
}
