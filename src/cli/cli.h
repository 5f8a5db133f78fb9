/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared helpers of the spiketalk subcommands: errors, flag values, numbers. */
#ifndef SPIKETALK_CLI_H
#define SPIKETALK_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "spiketalk/spiketalk.h"

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

/* True if argv[i] is exactly FLAG. */
bool cli_flag(char **argv, int i, const char *flag);

/* Parses a finite double for FLAG; prints "FLAG: 'TEXT' is not a finite number" on failure. */
bool cli_number(const char *flag, const char *text, double *out);

/* Subcommands. */
int cmd_simulate(int argc, char **argv);
int cmd_presets(int argc, char **argv);

#endif
