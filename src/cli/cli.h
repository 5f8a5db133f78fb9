/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared helpers of the spiketalk subcommands: errors, flag values, numbers. */
#ifndef SPIKETALK_CLI_H
#define SPIKETALK_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "spiketalk/spiketalk.h"
#include "spiketalk/stream.h"

/* Exit codes: 0 success, 1 the work failed (numerics, I/O), 2 bad usage or input. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Prints "spiketalk: MESSAGE" and a newline to stderr. */
void cli_error(const char *fmt, ...) ST_PRINTF(1, 2);

/* Prints err->msg as an error and returns the exit code for err->code. */
int cli_report(const st_error *err);

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

/* Parses a finite double for FLAG; prints "FLAG: 'TEXT' is not a finite number" on failure. */
bool cli_number(const char *flag, const char *text, double *out);

/* Finds preset NAME of model 'm' (kind ST_PRESET_CELL also accepts features; -1 any) or
 * prints "FLAG: unknown preset 'NAME' for model M; closest: ..." and returns NULL. */
const st_preset *cli_find_preset(const st_model *m, const char *name, int kind,
                                 const char *flag);

/* Sets model parameter NAME (a --NAME flag) of 'm' in 'p' from TEXT, or prints why not
 * (unknown parameter, not a number) and returns false. */
bool cli_set_param(const st_model *m, st_model_params *p, const char *name, const char *text);

/* ---- the pipeline flags of the streaming subcommands (cli-pipeline.c) ---- */

#define CLI_MAX_OVERRIDES 32

/* The stage and neuron flags as given (NULL: not given), and --NAME VALUE model parameters. */
typedef struct cli_pipe_opts {
    const char *recipe, *gate, *gate_k, *gate_window, *gate_thr, *rectify, *envelope, *smooth;
    const char *gain, *normalize, *peak_release, *model, *preset, *integrator, *dt, *decimate;
    const char *v0, *u0, *sonify;
    const char *pname[CLI_MAX_OVERRIDES], *pvalue[CLI_MAX_OVERRIDES];
    size_t n_over;
} cli_pipe_opts;

/* Number of table entries cli_pipe_table adds. */
#define CLI_PIPE_N_OPTS 19

/* Appends the pipeline flags (--recipe .. --sonify) to 'table' at index *n, advancing *n. */
void cli_pipe_table(cli_pipe_opts *o, cli_opt *table, size_t *n);

/* For a cli_other_fn: takes argv[*i] as a model parameter --NAME VALUE (checked later), or
 * reports "ARG: unknown option (see 'spiketalk CMD --help')" and returns CLI_USAGE. */
int cli_pipe_param(cli_pipe_opts *o, int argc, char **argv, int *i, const char *cmd);

/* The offline configuration the flags describe: the recipe (default: "default"), then each
 * flag. Prints why and returns CLI_USAGE (or the error's exit code) for a bad flag. */
int cli_pipe_config(const cli_pipe_opts *o, st_pipeline_config *c);

/* The streaming configuration the flags describe, by the rules of `process --block N`: the
 * stream's defaults (st_stream_config_default), then each flag; only the default recipe.
 * Prints why and returns CLI_USAGE for a bad flag; the configuration is checked against a
 * rate later (st_stream_check). */
int cli_pipe_stream_config(const cli_pipe_opts *o, const char *cmd, st_stream_config *sc);

/* The neuron's name for messages: the preset given, the model's default cell, or the
 * recipe's own neuron. */
const char *cli_pipe_neuron_name(const cli_pipe_opts *o);

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
