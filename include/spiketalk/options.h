/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline's options by name and as text, the way the command line's flags and the Python
 * module's keywords give them: one set of rules and messages for every front end. */
#ifndef SPIKETALK_OPTIONS_H
#define SPIKETALK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "spiketalk/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A finite number for FLAG: the whole of TEXT must be one (number.h's grammar).
 * ST_ERR_INVAL "FLAG: 'TEXT' is not a finite number (why)" otherwise, the text cut at 60
 * characters in the message; ST_ERR_NOMEM for a numeral the allocator could not copy. */
ST_API st_status st_parse_number(const char *flag, const char *text, double *out, st_error *err);

/* The same for the n characters at s (no terminating NUL needed). */
ST_API st_status st_parse_number_span(const char *flag, const char *s, size_t n, double *out,
                                      st_error *err);

/* A whole number >= min (and <= 1e9) for FLAG. ST_ERR_INVAL "FLAG: must be a whole number >=
 * MIN (got TEXT)". */
ST_API st_status st_parse_count(const char *flag, const char *text, size_t min, size_t *out,
                                st_error *err);

/* A whole number in [lo, hi] for FLAG: digits only (leading spaces skipped). ST_ERR_INVAL
 * "FLAG: 'TEXT' is not a whole number" or "FLAG: TEXT is out of range (LO to HI)", the text cut
 * at 60 characters in the message. */
ST_API st_status st_parse_whole(const char *flag, const char *text, uint64_t lo, uint64_t hi,
                                uint64_t *out, st_error *err);

/* Sets model parameter NAME of 'm' in 'p' from TEXT: ST_ERR_INVAL "--NAME: unknown option or
 * parameter of model M (see --help)" or the number's message. */
ST_API st_status st_param_set_text(const st_model *m, st_model_params *p, const char *name,
                                   const char *text, st_error *err);

#define ST_MAX_PARAM_OPTIONS 32

/* The options as given (NULL: not given), named as the flags without their dashes. */
typedef struct st_pipeline_options {
    const char *recipe, *gate, *gate_k, *gate_window, *gate_thr, *rectify, *envelope, *smooth;
    const char *gain, *normalize, *peak_release, *model, *preset, *integrator, *dt, *decimate;
    const char *v0, *u0, *sonify;
    const char *param_name[ST_MAX_PARAM_OPTIONS];    /* model parameters: --NAME VALUE */
    const char *param_value[ST_MAX_PARAM_OPTIONS];
    size_t n_params;
} st_pipeline_options;

/* The configuration the options describe: the recipe ("default" when not given) for the whole
 * signal or, with 'streaming', for a stream (the stream's defaults; only the default recipe),
 * then the stages, then the neuron (model and preset by st_pipeline_set_neuron, the model
 * parameters, v0, u0, integrator, gain). ST_ERR_INVAL with the message that names the option
 * at fault. The result is checked against a rate later (st_pipeline_check).
 *   gate          adaptive | leading | fixed:T | off | on (the recipe's gate, or adaptive)
 *   gate_thr      the same as gate fixed:T */
ST_API st_status st_pipeline_configure(const st_pipeline_options *o, bool streaming,
                                       st_pipeline_config *c, st_error *err);

#ifdef __cplusplus
}
#endif
#endif
