/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Networks and the world outside the library's core: several processes through MPI, and the
 * figure of a run (raster, population rate, power spectrum; the spectrogram of what a
 * listening network heard). Part of libspiketalk-io. */
#ifndef SPIKETALK_NETWORK_IO_H
#define SPIKETALK_NETWORK_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spiketalk/figure.h"
#include "spiketalk/network.h"
#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- MPI ---------------------------------------------------------------------------------- */

/* True when this build has MPI (Meson found an MPI library, e.g. Debian's libopenmpi-dev). */
ST_API bool st_net_mpi_built(void);

/* True when this process was started by an MPI launcher (mpirun, mpiexec, srun): its
 * environment names a rank. Never initialises anything. */
ST_API bool st_net_mpi_launched(void);

/* When built with MPI and launched by mpirun: initialises MPI (threads funnelled through the
 * calling thread), fills 'comm' for MPI_COMM_WORLD and sets *on. Otherwise sets *on false and
 * leaves 'comm' alone: the caller runs as one process. ST_ERR_DEVICE if MPI fails to start. */
ST_API st_status st_net_mpi_start(st_net_comm *comm, bool *on, st_error *err);

/* Finalises MPI if st_net_mpi_start started it. */
ST_API void st_net_mpi_stop(void);

/* ---- the spikes as CSV ----------------------------------------------------------------------- */

/* A header line "t_ms,neuron", then one row per spike of 'r' in its order: the stamp times
 * dt_ms (st_format_double: the shortest text that reads back to the same double) and the
 * neuron's id. Errors stay in 'f' (ferror). */
ST_API void st_net_raster_print(FILE *f, const st_net_raster *r, double dt_ms);

/* The same to the file 'path', through a temporary file renamed at the end (st_outfile): a
 * failure leaves 'path' as it was. ST_ERR_IO "PATH: why", ST_ERR_NOMEM. */
ST_API st_status st_net_raster_save(const char *path, const st_net_raster *r, double dt_ms,
                                    st_error *err);

/* ---- the figure --------------------------------------------------------------------------- */

/* A run as the papers draw it: the spike raster (excitatory neurons, ids below n_exc, in
 * blue; inhibitory ones in red) over the population rate, and the rate's power spectrum with
 * its peaks marked. Runs longer than 2 s show their last second in the raster and the rate,
 * unless 'whole'. A network that listened (cortex.h) also shows the spectrogram of the sound
 * it heard above the raster, on the same time axis and on the bands' ERB scale, and grey lines
 * between the bands' groups of neurons. */
typedef struct st_net_figure {
    const char *title;
    const st_net_raster *raster;
    uint32_t neurons, n_exc;
    double dt_ms;
    uint64_t steps;
    const double *rate_hz;       /* per step, 'steps' values (st_net_rate) */
    const st_net_psd *psd;       /* of the rate (or of its last part); may be NULL */
    const st_net_peak *peaks;    /* to mark; may be NULL */
    const char *const *peak_names; /* "alpha", ...: the legend says "NAME F Hz"; may be NULL */
    size_t n_peaks;
    bool whole;                  /* the whole run in the raster and the rate */
    /* what a listening network heard (all NULL or 0 otherwise) */
    const float *sound;          /* the sound, sound_n samples at sound_fs_hz */
    size_t sound_n;
    double sound_fs_hz;
    const double *band_hz;       /* the bands' centre frequencies, 'bands' of them */
    const uint32_t *band_first;  /* the first neuron of each band's group, bands + 1 values
                                    (the last: the end of the excitatory groups); may be NULL */
    size_t bands;
} st_net_figure;

/* Builds the figure of 'f' (figure.h: it owns its data, so 'f' may go; draw it with
 * st_plot_draw or save it with st_figure_save). ST_ERR_NOMEM, ST_ERR_INVAL for a sound the
 * spectrogram cannot take. */
ST_API st_status st_net_figure_build(const st_net_figure *f, st_figure **out, st_error *err);

/* Draws 'f' to 'path' (.png, .svg or .pdf), through a temporary file renamed at the end.
 * Errors as st_plot_save. */
ST_API st_status st_net_figure_save(const st_net_figure *f, const char *path, st_error *err);

#ifdef __cplusplus
}
#endif
#endif
