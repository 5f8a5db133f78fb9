/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared helpers of the spiketalk subcommands: errors, flag values, numbers. */
#ifndef SPIKETALK_CLI_H
#define SPIKETALK_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "spiketalk/spiketalk.h"
#include "spiketalk/options.h"
#include "spiketalk/plot.h"
#include "spiketalk/stream.h"
#include "spiketalk/cortex.h"

/* Exit codes: 0 success; 1 a run that failed on its own (a full disk, a numerical blow-up,
 * a lost device, memory that ran out); 2 bad usage or bad input, refused before any work (a bad
 * flag or value, an input file that is missing, empty, not audio or truncated, an output that
 * cannot be written or names the same file as another, a run beyond the limits). A termination
 * signal ends the process with 128 + its number (main.c). */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Prints "spiketalk: MESSAGE" and a newline to the error stream (stderr). */
void cli_error(const char *fmt, ...) ST_PRINTF(1, 2);

/* Where cli_error writes (stderr when NULL): the fuzzing harnesses silence it. */
void cli_error_stream(FILE *f);

/* Prints err->msg as an error and returns the exit code for err->code: CLI_USAGE for
 * ST_ERR_INVAL and ST_ERR_FORMAT (bad input), CLI_FAIL otherwise. Out of memory under the
 * memory limit says so and names --max-memory. */
int cli_report(const st_error *err);

/* Prints err->msg and returns CLI_USAGE (or CLI_FAIL for ST_ERR_NOMEM): for checks made before
 * any work, whose every failure is the request's. */
int cli_refuse(const st_error *err);

/* If argv[*i] is FLAG or FLAG=VALUE, stores the value (the next argument in the first form,
 * advancing *i) in *value and returns true. A missing value is reported and sets *bad. */
bool cli_flag_value(int argc, char **argv, int *i, const char *flag, const char **value,
                    bool *bad);

/* One option of a subcommand: a flag with a value (stored as text in *value) or a switch
 * (sets *on). */
typedef struct cli_opt {
    const char *flag;       /* "--dt", "-o" */
    const char **value;     /* value flags: where the text goes; NULL for a switch */
    bool *on;               /* switches: set to true; NULL for a value flag */
} cli_opt;

/* Called for an argument that no option matches; it may consume more arguments by advancing
 * *i. Returns CLI_OK, or CLI_USAGE after printing why. */
typedef int (*cli_other_fn)(void *ud, int argc, char **argv, int *i);

/* Parses argv[1 ..] against 'opts' (FLAG VALUE and FLAG=VALUE forms). --help or -h prints
 * 'help' to stdout and returns -1. Arguments no option matches go to 'other', or are reported
 * as "ARG: unknown option (see 'spiketalk CMD --help')" when 'other' is NULL. Returns CLI_OK,
 * CLI_USAGE or -1. */
int cli_parse(int argc, char **argv, const cli_opt *opts, size_t n_opts, const char *cmd,
              void (*help)(FILE *), cli_other_fn other, void *ud);

/* True if argv[i] is exactly FLAG. */
bool cli_flag(char **argv, int i, const char *flag);

/* ---- values --------------------------------------------------------------------------------
 * Every number is read by st_number_parse (number.h): the whole token is one decimal number,
 * finite, no spaces, no hexadecimal; subnormal numbers are accepted. The cli_parse_* functions
 * put "FLAG: ..." in 'err' and print nothing (the fuzzing harnesses call them); the others print
 * the message and return false (or -1). */

/* A number for FLAG: "FLAG: 'TEXT' is not a finite number (why)". */
bool cli_parse_number(const char *flag, const char *text, double *out, st_error *err);
bool cli_number(const char *flag, const char *text, double *out);

/* A list of numbers separated by 'sep' (',' or ':'), at most 'max' of them, stored in x[]:
 * *n receives how many. Refused: an empty text, an empty value (a separator at either end or
 * doubled: "5,", ",5", "1,,2"), more than 'max' values, and any value that is not a number. */
bool cli_parse_numbers(const char *flag, const char *text, char sep, double *x, size_t max,
                       size_t *n, st_error *err);
/* As cli_parse_numbers, printing; returns the count or -1. */
int cli_numbers(const char *flag, const char *text, char sep, double *x, size_t max);

/* A size in bytes: a number with an optional unit B, K/KiB, M/MiB, G/GiB, T/TiB (powers of
 * 1024, any case, no space: "512M", "1.5GiB", "100000"), > 0 and at most 2^64 - 1 bytes. */
bool cli_parse_size(const char *flag, const char *text, uint64_t *bytes, st_error *err);

/* Finds preset NAME of model 'm' (kind ST_PRESET_CELL also accepts features; -1 any) or
 * prints "FLAG: unknown preset 'NAME' for model M; closest: ..." and returns NULL. */
const st_preset *cli_find_preset(const st_model *m, const char *name, int kind,
                                 const char *flag);

/* Sets model parameter NAME (a --NAME flag) of 'm' in 'p' from TEXT, or prints why not
 * (unknown parameter, not a number) and returns false. */
bool cli_set_param(const st_model *m, st_model_params *p, const char *name, const char *text);

/* ---- the pipeline flags of the streaming subcommands (cli-pipeline.c) ---- */

/* The stage and neuron flags as given (NULL: not given), and --NAME VALUE model parameters. */
typedef st_pipeline_options cli_pipe_opts;

/* Number of table entries cli_pipe_table adds. */
#define CLI_PIPE_N_OPTS 19

/* Appends the pipeline flags (--recipe .. --sonify) to 'table' at index *n, advancing *n. */
void cli_pipe_table(cli_pipe_opts *o, cli_opt *table, size_t *n);

/* For a cli_other_fn: takes argv[*i] as a model parameter --NAME VALUE (checked later), or
 * reports "ARG: unknown option (see 'spiketalk CMD --help')" and returns CLI_USAGE. */
int cli_pipe_param(cli_pipe_opts *o, int argc, char **argv, int *i, const char *cmd);

/* The configuration the flags describe: the recipe (default: "default") for the whole signal
 * or, with 'streaming', for a stream (`process --block N`, `live`: the stream's defaults, and
 * only the default recipe), then each flag, the neuron through st_pipeline_set_neuron. Prints
 * why and returns CLI_USAGE (or the error's exit code) for a bad flag; the configuration is
 * checked against a rate later (st_pipeline_check). */
int cli_pipe_config(const cli_pipe_opts *o, bool streaming, st_pipeline_config *c);

/* Saves the figure that a builder (figure.h) returned with status 'built' to 'path', frees it,
 * and reports a failure of either step: CLI_OK or the error's exit code. */
typedef struct st_figure st_figure;
int cli_save_figure(st_status built, st_figure *f, const char *path, st_error *err);

/* ---- the run's outputs (cli-output.c) --------------------------------------------------------
 * One set per process (a command runs once): every output is declared and checked before any
 * work, written to its temporary file, and committed with the others or not at all
 * (st_outset in output.h). Each returns an exit code after printing why, or a value. */

typedef enum cli_out_kind {
    CLI_OUT_FILE,   /* any file: CSV, text */
    CLI_OUT_PLOT,   /* a plot: the extension must be .png, .svg or .pdf */
    CLI_OUT_WAV     /* a WAV file */
} cli_out_kind;

/* Declares an input file: no output may be the same file. */
int cli_outputs_input(const char *what, const char *path);

/* Declares and checks output PATH of FLAG, with the size it is expected to reach (0: unknown or
 * small): writable, not an input, not the same file as an earlier output. CLI_USAGE on failure
 * ("FLAG: ..."); a NULL path is no output (CLI_OK). */
int cli_outputs_add(const char *flag, const char *path, cli_out_kind kind, uint64_t bytes);

/* Sets the size declared output PATH is expected to reach, once it is known (e.g. after the
 * input has been read); check with cli_outputs_check_space. */
void cli_outputs_expect(const char *path, uint64_t bytes);

/* The expected sizes against the free space of their file systems (CLI_USAGE: refused). */
int cli_outputs_check_space(void);

/* Opens declared output PATH as a stream on its temporary file; NULL after printing why. */
FILE *cli_outputs_open(const char *path);

/* The temporary file a writer that takes a path writes for declared output PATH; NULL after
 * printing why. */
const char *cli_outputs_temp(const char *path);

/* Puts each output's name where its temporary file's name appears in err->msg. */
void cli_outputs_fix_message(st_error *err);

/* Renders 'fig' for declared output PATH (st_plot_save into its temporary file, termination
 * signals waiting meanwhile: cairo's writer makes a temporary file of its own); a PATH that was
 * not declared is saved directly. Errors name PATH. */
st_status cli_plot_save(const st_plot_figure *fig, const char *path, st_error *err);

/* Renames every output into place together (CLI_OK), or removes them all and reports why
 * (CLI_FAIL). */
int cli_outputs_commit(void);

/* Removes the temporary files of the outputs not committed; nothing appears. Idempotent. */
void cli_outputs_abort(void);

/* ---- limits and progress (cli-limits.c) --------------------------------------------------- */

/* Counts the library's allocations (st_set_allocator) against a limit: by default half of the
 * physical memory (or of the cgroup's limit when that is lower). Call once, first. */
void cli_memory_init(void);

/* The limit now, in bytes, and whether an allocation has been refused because of it. */
uint64_t cli_memory_limit(void);
bool cli_memory_refused(void);

/* --max-memory SIZE (cli_parse_size): sets the limit; CLI_USAGE after printing why. */
int cli_memory_option(const char *text);

/* Before work: a run that needs about 'bytes' of memory ('what' says for what) within the
 * limit, or CLI_USAGE after "FLAG: ... needs about X of memory, more than the limit of Y". */
int cli_memory_check(const char *flag, const char *what, uint64_t bytes);

/* The memory the offline pipeline (st_pipeline_run) or, with block > 0, the streaming one
 * (st_stream over the file in blocks) needs for n samples at fs_hz under 'c', with every
 * stage's signal kept when 'taps': the per-sample arrays, the envelope's windows and the FFT's
 * buffers. An estimate, for cli_memory_check. */
uint64_t cli_pipeline_memory(const st_pipeline_config *c, size_t n, double fs_hz, bool taps,
                             size_t block);

/* A window FLAG of 'window' samples against a signal of 'n' samples at fs_hz: CLI_OK when it
 * is at most the signal, else CLI_USAGE after "FLAG: W samples (S s) is longer than the input
 * (N samples, S s)". */
int cli_window_check(const char *flag, double window, size_t n, double fs_hz);

/* After a numerical blow-up: the value that most likely caused it, when one is far outside its
 * usual range (v0 against the model's range of v, each parameter against its descriptor's
 * range: a thousand spans beyond it, or a thousandth of a positive minimum). Writes e.g.
 * "--a is 1e+308, far outside its usual range (-0.1 to 1)" into buf and returns true; false
 * when every value is plausible (then the step is the likely cause). */
bool cli_fault_suspect(const st_model *m, const st_model_params *p, double v0_mv, char *buf,
                       size_t size);

/* About how many bytes a CSV of 'rows' rows of 'cols' numbers (%.12g) takes. */
uint64_t cli_csv_bytes(double rows, unsigned cols);

/* Progress with the time left, on stderr when it is a terminal, for runs longer than a second:
 * "simulate: 42% (1.3e+09 of 3e+09 steps), about 1 min 5 s left". */
typedef struct cli_progress {
    const char *what;       /* "simulate" */
    const char *unit;       /* "steps" */
    double total;
    double start_s, last_s; /* monotonic clock */
    bool enabled, shown;
} cli_progress;

void cli_progress_start(cli_progress *p, const char *what, const char *unit, double total,
                        bool quiet);
void cli_progress_update(cli_progress *p, double done);
/* Clears the line. */
void cli_progress_end(cli_progress *p);

/* Subcommands. */
int cmd_process(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_presets(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_hh(int argc, char **argv);
int cmd_axon(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_network(int argc, char **argv);

#endif
