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
 * exists and is writable (a read-only file system included), and an existing 'path' is a
 * writable regular file (not a folder, a FIFO or a device). ST_ERR_IO with "PATH: why"
 * otherwise. Call it for every output before long work. */
ST_API st_status st_output_check(const char *path, st_error *err);

/* True if 'a' and 'b' name the same file: by device and inode when both exist (so a hard or a
 * symbolic link is caught), else by the path with its folder resolved ("./o.wav", "d/../o.wav"
 * and "o.wav" are one name). */
ST_API bool st_output_same(const char *a, const char *b);

/* An output file being written: a temporary file beside 'path', renamed over it on commit. */
typedef struct st_outfile {
    FILE *f;
    char *path;
    char *tmp;
} st_outfile;

/* Creates the temporary file (registered, see st_temp_create). ST_ERR_IO "PATH: why". */
ST_API st_status st_outfile_open(st_outfile *o, const char *path, st_error *err);

/* Flushes, closes and renames the temporary file to its path; on any error the temporary file
 * is removed and 'path' is left untouched. Frees 'o'. */
ST_API st_status st_outfile_commit(st_outfile *o, st_error *err);

/* Removes the temporary file and frees 'o'; 'path' is left untouched. NULL-safe. */
ST_API void st_outfile_abort(st_outfile *o);

/* ---- temporary files and termination signals --------------------------------------------- */

/* Creates an empty temporary file beside 'path', named "PATH.tmp-XXXXXX" (with 'keep_ext',
 * PATH's extension is repeated at the end, "fig.png.tmp-XXXXXX.png", for writers that choose
 * a format by the name), mode 0644, and registers it: until st_temp_forget or st_temp_discard,
 * the handler of st_temp_catch_signals removes it. Termination signals wait while it is made,
 * so no file escapes the registry. *fd is open for writing; *tmp is the name (allocated through
 * the hook; st_temp_forget or st_temp_discard frees it). ST_ERR_IO "PATH: cannot create: why",
 * ST_ERR_NOMEM, or ST_ERR_IO when ST_TEMP_MAX files are registered already. */
#define ST_TEMP_MAX 256
ST_API st_status st_temp_create(const char *path, bool keep_ext, int *fd, char **tmp,
                                st_error *err);

/* Unregisters 'tmp' (it was renamed into place, or handed to its owner) and frees the name.
 * NULL-safe. */
ST_API void st_temp_forget(char *tmp);

/* Removes the file 'tmp', unregisters it and frees the name. NULL-safe. */
ST_API void st_temp_discard(char *tmp);

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every registered temporary file,
 * with async-signal-safe calls only, then end the process by the same signal (a shell sees
 * status 128 + N). Finished files are never touched. A signal that was ignored when the
 * process started stays ignored (nohup). For single-threaded command-line runs; a program that
 * handles these signals itself (a live session) installs its own handlers afterwards. */
ST_API void st_temp_catch_signals(void);

/* Between st_temp_hold and st_temp_release the termination signals wait (nestable; the calling
 * thread only): around a writer that makes temporary files the registry cannot know (cairo's
 * plot writer makes its own), and around work that must not be cut in half (renaming a set
 * of outputs). A signal that arrived meanwhile takes effect at the release. */
ST_API void st_temp_hold(void);
ST_API void st_temp_release(void);

/* ---- a run's outputs, committed together ------------------------------------------------- */

/* The outputs of one run, all or nothing: each is written to its own temporary file, and only
 * when every one of them is complete are they renamed into place, together; a failure (a full
 * disk, a failed run) leaves none of them, and every file they would replace unchanged.
 * Typical use:
 *     st_outset_input(set, "input", in, err);                    declare, check: before work
 *     st_outset_add(set, out, "-o", bytes, &id_out, err);        ... for each output
 *     st_outset_check_space(set, err);
 *     st_outset_open(set, id_trace, &f, err);  (a stream)   or  st_outset_path(...) (a name)
 *     ... the work writes them ...
 *     st_outset_commit(set, err);  st_outset_free(set);          (free alone aborts) */
typedef struct st_outset st_outset;

/* An empty set. ST_ERR_NOMEM. */
ST_API st_status st_outset_new(st_outset **out, st_error *err);

/* Declares an input file of the run, 'what' naming it in messages ("input"): no output may be
 * the same file. A missing input is not an error here (its reader says so). */
ST_API st_status st_outset_input(st_outset *s, const char *path, const char *what,
                                 st_error *err);

/* Declares an output, 'what' naming it in messages (its flag: "--trace"), and checks it before
 * any work: writable as st_output_check says (ST_ERR_IO "WHAT: PATH: why"), and not the same
 * file as an input or an earlier output - the same path, another spelling of it ("./o.wav",
 * "d/../o.wav"), a symbolic or a hard link: by device and inode when both files exist, else by
 * the path with its folder resolved (ST_ERR_INVAL "WHAT: 'PATH' is the same file as ...").
 * 'bytes' is the size the output is expected to reach (0: unknown or small), checked by
 * st_outset_check_space. *id (may be NULL) receives the output's number. Creates nothing. */
ST_API st_status st_outset_add(st_outset *s, const char *path, const char *what, uint64_t bytes,
                               int *id, st_error *err);

/* Sets the size output 'id' is expected to reach, once it is known (after the input has been
 * read, say); then st_outset_check_space again. */
ST_API void st_outset_expect(st_outset *s, int id, uint64_t bytes);

/* Checks the expected sizes of the outputs on each file system, summed, against the space
 * free there (for an unprivileged user). ST_ERR_INVAL "WHAT: about SIZE for PATH, but only
 * SIZE is free on its file system" otherwise. */
ST_API st_status st_outset_check_space(const st_outset *s, st_error *err);

/* The path of output 'id' as declared, and its number by path (-1 if none was declared). */
ST_API const char *st_outset_name(const st_outset *s, int id);
ST_API int st_outset_find(const st_outset *s, const char *path);

/* Opens output 'id' as a stream on its temporary file. ST_ERR_IO "PATH: cannot create: why". */
ST_API st_status st_outset_open(st_outset *s, int id, FILE **f, st_error *err);

/* Creates the temporary file of output 'id' (keeping the extension, see st_temp_create) and
 * gives its name, for writers that take a path (plots, WAV files): whatever they leave under
 * that name is what the commit renames into place. */
ST_API st_status st_outset_path(st_outset *s, int id, const char **tmp, st_error *err);

/* In err->msg, puts each output's path where its temporary file's name appears (a writer that
 * took the name reports its failure under it). */
ST_API void st_outset_fix_message(const st_outset *s, st_error *err);

/* Commits the set: closes the streams (a write error, e.g. a full disk, fails the commit with
 * ST_ERR_IO "PATH: write failed: why"), checks that every output was written, then, with the
 * termination signals held, renames each temporary file over its path. If a rename fails, the
 * ones done are undone: replaced files get their old content back (kept meanwhile as a hard
 * link; on a file system without hard links the old content cannot be kept) and new ones are
 * removed. On failure no output has changed and no temporary file is left. Once only. */
ST_API st_status st_outset_commit(st_outset *s, st_error *err);

/* Removes the temporary files of a set not committed (outputs untouched) and frees it.
 * NULL-safe. */
ST_API void st_outset_free(st_outset *s);

/* "512 B", "3.2 KiB", "1.5 GiB": a size for messages. Returns buf. */
ST_API char *st_format_size(char *buf, size_t size, uint64_t bytes);

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
