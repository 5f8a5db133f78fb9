/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pipeline's traces as CSV files (trace.h). */
#include "spiketalk/trace.h"

#include <math.h>
#include <stdio.h>

#include "spiketalk/output.h"

st_status st_trace_pipeline_write(FILE *f, const char *name, const st_pipeline_result *r,
                                  st_error *err)
{
    if (!r->gated || !r->current)
        return st_error_set(err, ST_ERR_INVAL, "%s: the run kept no taps", name);
    fputs("t_ms,input,gated,rectified,envelope,I,v,u,output,gate_threshold\n", f);
    for (size_t k = 0; k < r->steps; k++) {
        size_t s = st_pipeline_sample(r, k);
        double row[10] = {(double)k * r->dt_ms, r->input[s], r->gated[s], r->rectified[s],
                          r->envelope[s], r->current[k], r->v[k], r->u ? r->u[k] : NAN,
                          r->output[s], st_pipeline_gate_at(r, s)};
        st_csv_row(f, row, 10);
    }
    return ST_OK;
}

void st_trace_spikes_write(FILE *f, const st_pipeline_result *r)
{
    fputs("t_ms\n", f);
    for (size_t i = 0; i < r->spikes.count; i++)
        fprintf(f, "%.12g\n", (double)r->spikes.step[i] * r->dt_ms);
}

st_status st_trace_pipeline(const char *path, const st_pipeline_result *r, st_error *err)
{
    if (!r->gated || !r->current)
        return st_error_set(err, ST_ERR_INVAL, "%s: the run kept no taps", path);
    st_outfile of;
    st_status st = st_outfile_open(&of, path, err);
    if (st)
        return st;
    st_trace_pipeline_write(of.f, path, r, err);
    return st_outfile_commit(&of, err);
}

st_status st_trace_spikes(const char *path, const st_pipeline_result *r, st_error *err)
{
    st_outfile of;
    st_status st = st_outfile_open(&of, path, err);
    if (st)
        return st;
    st_trace_spikes_write(of.f, r);
    return st_outfile_commit(&of, err);
}
