/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The figures of spiketalk, each built once from a result: the CLI saves them to PNG/SVG/PDF
 * (st_plot_save), the app draws them in a widget (st_plot_draw), from the same st_figure. A
 * figure owns every array and string it points at, so the result may be freed after. */
#ifndef SPIKETALK_FIGURE_H
#define SPIKETALK_FIGURE_H

#include <stddef.h>
#include <stdint.h>

#include "spiketalk/cable.h"
#include "spiketalk/hh-protocol.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/plot.h"
#include "spiketalk/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_figure st_figure;

/* What to draw or save. Valid until st_figure_free. */
ST_API const st_plot_figure *st_figure_plot(const st_figure *f);
ST_API void st_figure_free(st_figure *f);

/* Saves the figure to 'path' (st_plot_save: format by extension, temporary file renamed). */
ST_API st_status st_figure_save(const st_figure *f, const char *path, st_error *err);

/* ---- rows of a long run, kept for a figure -------------------------------------------------- */

#define ST_ROWS_MAX_COLS 10

/* Rows of up to ST_ROWS_MAX_COLS numbers (the first usually the time), all of them or, for a
 * run longer than the figure needs, two rows per bin holding each column's minimum and
 * maximum over the bin: the drawing looks the same, the memory stays bounded. */
typedef struct st_rows {
    size_t ncol;
    double *col[ST_ROWS_MAX_COLS];
    size_t n, cap;
    uint64_t bin, in_bin;
    double lo[ST_ROWS_MAX_COLS], hi[ST_ROWS_MAX_COLS];
} st_rows;

/* Prepares to keep 'rows' rows of ncol columns in at most about max_points points. */
ST_API void st_rows_init(st_rows *r, size_t ncol, uint64_t rows, size_t max_points);

/* Adds one row. ST_ERR_NOMEM when the storage cannot grow. */
ST_API st_status st_rows_add(st_rows *r, const double *row);

ST_API void st_rows_free(st_rows *r);

/* ---- the figures ----------------------------------------------------------------------------- */

/* `spiketalk process`: the study's two figures in one image. Above, the sound: raw (purple),
 * rectified (orange) and envelope (black) over time (s); below, the neuron: v (blue, spikes
 * drawn to the peak) with the input current I (black) on a twin axis over model time (ms).
 * 'source' names the sound in the title (a file's base name is taken). Needs the result's
 * taps. */
ST_API st_status st_figure_process(const st_pipeline_config *c, const st_pipeline_result *r,
                                   const char *source, st_figure **out, st_error *err);

/* One neuron's run for st_figure_simulate: v and I at times t. */
typedef struct st_figure_run {
    const st_sim_config *cfg;
    const st_preset *preset;   /* may be NULL */
    const double *t_ms, *v_mv, *current;
    size_t n;
    const st_spikes *spikes;   /* may be NULL: v already shows the spikes; else, for one row
                                  per step (row k at t_k), each stamp's row is drawn to the
                                  model's peak, as the published figures draw spikes */
} st_figure_run;

/* `spiketalk simulate`: v (blue) and I (red, twin axis) of each run; one panel, or a sheet of
 * panels (the seven cell types, the twenty features) titled as Izhikevich's figures. */
ST_API st_status st_figure_simulate(const st_figure_run *runs, size_t n, st_figure **out,
                                    st_error *err);

/* `spiketalk hh`: v with I, the gates m, h, n, and the three ionic currents, from rows of
 * ST_HH_COLS columns (st_hh_run's). */
ST_API st_status st_figure_hh(const st_hh_run_config *c, const st_stimulus *stim,
                              double duration_ms, const st_rows *rows, size_t spikes,
                              st_figure **out, st_error *err);

/* `spiketalk hh --fi`: the mean and the steady rate against the current, with the two
 * thresholds. */
ST_API st_status st_figure_hh_fi(const st_hh_run_config *c, const st_hh_fi *fi,
                                 st_figure **out, st_error *err);

/* `spiketalk axon`: the space-time image v(x, t) with the measured front, profiles v(x) at
 * four moments (or, when cursor_ms is finite, at that moment, marked on the image), and v(t)
 * at the recorded positions. */
ST_API st_status st_figure_axon(const st_cable_config *c, const st_cable_result *res,
                                const st_cable_record *rec, double cursor_ms, st_figure **out,
                                st_error *err);

#ifdef __cplusplus
}
#endif
#endif
