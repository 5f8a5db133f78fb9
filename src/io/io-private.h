/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal helpers shared by the io modules (audio-device.c, live.c; the figures); not
 * installed. */
#ifndef SPIKETALK_IO_PRIVATE_H
#define SPIKETALK_IO_PRIVATE_H

#include "spiketalk/status.h"

/* Pa_Initialize with file descriptor 2 silenced around it (ALSA and libjack print their probing
 * complaints there). ST_ERR_DEVICE "audio: PortAudio cannot start: why" on failure. */
st_status st_io_pa_start(st_error *err);

/* Pa_Terminate, quietly. */
void st_io_pa_stop(void);

/* Points descriptor 2 at /dev/null until st_io_quiet_end(saved); returns the saved descriptor
 * or -1 (nothing changed). Not thread-safe: others' messages in that window are lost too. */
int st_io_quiet_begin(void);
void st_io_quiet_end(int saved);

/* ---- figures (figure.c): what an st_figure holds, for the builders in other files ---- */

#include "spiketalk/figure.h"

#define ST_FIGURE_MAX_PANELS 20
#define ST_FIGURE_MAX_SERIES 8
#define ST_FIGURE_MAX_ARRAYS 128
#define ST_FIGURE_TEXT 320

struct st_figure {
    st_plot_figure fig;
    st_plot_panel panel[ST_FIGURE_MAX_PANELS];
    st_plot_series series[ST_FIGURE_MAX_PANELS][ST_FIGURE_MAX_SERIES];
    st_plot_image image;
    char title[320];
    char text[ST_FIGURE_MAX_PANELS][3][ST_FIGURE_TEXT]; /* per panel: title, ylabel, y2label */
    char label[ST_FIGURE_MAX_PANELS][ST_FIGURE_MAX_SERIES][96]; /* per series */
    double *array[ST_FIGURE_MAX_ARRAYS];                 /* owned data */
    size_t n_arrays;
};

/* A new figure with its panels initialised (st_plot_panel_init); NULL and ST_ERR_NOMEM. */
st_figure *st_figure_new(st_error *err);

/* An array of n doubles owned by the figure (freed with it); NULL when memory or the figure's
 * room for arrays runs out. */
double *st_figure_keep(st_figure *f, size_t n);

/* Frees the figure and returns ST_ERR_NOMEM "figure: out of memory". */
st_status st_figure_fail(st_figure *f, st_error *err);

#endif
