/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Status codes, error messages and the allocation hook shared by all of libspiketalk. */
#ifndef SPIKETALK_STATUS_H
#define SPIKETALK_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ST_API __attribute__((visibility("default")))
#else
#define ST_API
#endif

#if defined(__GNUC__)
#define ST_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ST_PRINTF(fmt, args)
#endif

/* Result of every fallible function. ST_OK is zero so that `if (st_foo(...))` means failure. */
typedef enum st_status {
    ST_OK = 0,
    ST_ERR_INVAL,   /* a parameter or argument is out of range or malformed */
    ST_ERR_NOMEM,   /* an allocation failed */
    ST_ERR_IO,      /* a file could not be read or written */
    ST_ERR_FORMAT,  /* a file or string has the wrong format */
    ST_ERR_DEVICE,  /* an audio device is missing or failed */
    ST_ERR_NUMERIC  /* a computation produced a non-finite value */
} st_status;

#define ST_ERROR_MSG_MAX 512

/* A status plus a "what: why" message that names the file, flag or parameter at fault. */
typedef struct st_error {
    st_status code;
    char msg[ST_ERROR_MSG_MAX];
} st_error;

/* Returns a short, static description of 'code' ("invalid argument", ...). Never NULL. */
ST_API const char *st_status_str(st_status code);

/* Stores 'code' and the formatted message in 'err' (which may be NULL) and returns 'code'.
 * The message should read "what: why", e.g. "--dt: must be > 0 (got -1)". */
ST_API st_status st_error_set(st_error *err, st_status code, const char *fmt, ...) ST_PRINTF(3, 4);

/* Clears 'err' to ST_OK and an empty message; NULL is allowed. */
ST_API void st_error_clear(st_error *err);

/* The allocator hook: every allocation in libspiketalk goes through it, so tests can make the
 * k-th allocation fail.  'ptr' NULL and 'size' > 0 allocates; 'size' 0 frees 'ptr' and returns
 * NULL; otherwise it reallocates.  Must behave like realloc/free. */
typedef void *(*st_alloc_fn)(void *ud, void *ptr, size_t size);

/* Installs 'fn' (NULL restores the default, libc realloc/free). Not thread-safe: call it
 * before any other libspiketalk function. */
ST_API void st_set_allocator(st_alloc_fn fn, void *ud);

/* Allocation helpers through the hook. st_calloc zero-fills and checks n*size overflow. */
ST_API void *st_malloc(size_t size);
ST_API void *st_calloc(size_t n, size_t size);
ST_API void *st_realloc(void *ptr, size_t size);
ST_API void st_free(void *ptr);

/* Formats 'x' with the fewest digits that read back as the same double ("0.1", not
 * "0.10000000000000001"; "100", not "1e+02"). Returns buf. */
ST_API char *st_format_double(char *buf, size_t size, double x);

#ifdef __cplusplus
}
#endif
#endif
