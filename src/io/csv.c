/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV rows of numbers, and a network's spikes as CSV. */
#include <math.h>

#include "spiketalk/network-io.h"
#include "spiketalk/output.h"

void st_csv_row(FILE *f, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        fprintf(f, "%.12g", x[i]);
    }
    fputc('\n', f);
}

/* ---- a network's spikes -------------------------------------------------------------------- */

void st_net_raster_print(FILE *f, const st_net_raster *r, double dt_ms)
{
    char t[40];
    fputs("t_ms,neuron\n", f);
    for (size_t i = 0; i < r->count; i++) {
        st_format_double(t, sizeof t, (double)r->stamp[i] * dt_ms);
        fprintf(f, "%s,%u\n", t, (unsigned)r->id[i]);
    }
}

st_status st_net_raster_save(const char *path, const st_net_raster *r, double dt_ms,
                             st_error *err)
{
    st_outfile o;
    st_status st = st_outfile_open(&o, path, err);
    if (st)
        return st;
    st_net_raster_print(o.f, r, dt_ms);
    return st_outfile_commit(&o, err);
}
