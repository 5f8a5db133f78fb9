/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing result files safely (temporary file, then rename) and the CSV and JSON writers. */
#ifndef SPIKETALK_OUTPUT_H
#define SPIKETALK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- files written atomically ----------------------------------------------------------- */

/* Checks, without creating or truncating anything, that 'path' can be written: its folder
 * exists and is writable, and an existing 'path' is a writable regular file. ST_ERR_IO with
 * "PATH: why" otherwise. Call it for every output before long work. */
ST_API st_status st_output_check(const char *path, st_error *err);

/* An output file being written: a temporary file beside 'path', renamed over it on commit. */
typedef struct st_outfile {
    FILE *f;
    char *path;
    char *tmp;
} st_outfile;

/* Creates the temporary file. ST_ERR_IO "PATH: why" on failure. */
ST_API st_status st_outfile_open(st_outfile *o, const char *path, st_error *err);

/* Flushes, closes and renames the temporary file to its path; on any error the temporary file
 * is removed and 'path' is left untouched. Frees 'o'. */
ST_API st_status st_outfile_commit(st_outfile *o, st_error *err);

/* Removes the temporary file and frees 'o'; 'path' is left untouched. NULL-safe. */
ST_API void st_outfile_abort(st_outfile *o);

/* ---- CSV ---------------------------------------------------------------------------------- */

/* Writes one row of 'n' numbers separated by commas (%.12g; non-finite values as nan/inf). */
ST_API void st_csv_row(FILE *f, const double *x, size_t n);

/* ---- JSON -------------------------------------------------------------------------------- */

#define ST_JSON_MAX_DEPTH 16

/* A small streaming JSON writer with two-space indentation. Keys are ignored inside arrays
 * and required inside objects. Non-finite numbers are written as null. */
typedef struct st_json {
    FILE *f;
    int depth;
    bool in_array[ST_JSON_MAX_DEPTH];
    size_t count[ST_JSON_MAX_DEPTH];
    bool compact_array;  /* numbers of the current array on one line */
} st_json;

ST_API void st_json_init(st_json *j, FILE *f);
ST_API void st_json_object_begin(st_json *j, const char *key);
ST_API void st_json_object_end(st_json *j);
/* 'compact' puts the elements on one line (for long lists of numbers). */
ST_API void st_json_array_begin(st_json *j, const char *key, bool compact);
ST_API void st_json_array_end(st_json *j);
ST_API void st_json_number(st_json *j, const char *key, double x);
ST_API void st_json_uint(st_json *j, const char *key, uint64_t x);
ST_API void st_json_string(st_json *j, const char *key, const char *s);
ST_API void st_json_bool(st_json *j, const char *key, bool b);
ST_API void st_json_null(st_json *j, const char *key);

#ifdef __cplusplus
}
#endif
#endif
