/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline's traces as CSV files, written the same way by every front end. */
#ifndef SPIKETALK_TRACE_H
#define SPIKETALK_TRACE_H

#include <stdio.h>

#include "spiketalk/pipeline.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One row per neuron step: t_ms,input,gated,rectified,envelope,I,v,u,output,gate_threshold,
 * the audio columns taken at the step's sample (st_pipeline_sample), the last the gate's
 * threshold in force there (st_pipeline_gate_at). Needs the result's taps. Written
 * through a temporary file renamed at the end (output.h); ST_ERR_IO "PATH: why",
 * ST_ERR_INVAL without taps. */
ST_API st_status st_trace_pipeline(const char *path, const st_pipeline_result *r,
                                   st_error *err);

/* The spike times: a header line t_ms, then one time (step * dt) per line. */
ST_API st_status st_trace_spikes(const char *path, const st_pipeline_result *r, st_error *err);

/* The same rows written to an open stream (a caller that commits its files itself, output.h's
 * st_outset); 'name' names the stream in the error. Write errors stay in the stream. */
ST_API st_status st_trace_pipeline_write(FILE *f, const char *name, const st_pipeline_result *r,
                                         st_error *err);
ST_API void st_trace_spikes_write(FILE *f, const st_pipeline_result *r);

#ifdef __cplusplus
}
#endif
#endif
