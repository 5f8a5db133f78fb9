/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkPlot: a GtkDrawingArea that draws an st_plot_figure with st_plot_draw, the same code
 * that writes the CLI's PNG/SVG/PDF files. */
#pragma once

#include <gtk/gtk.h>

#include "spiketalk/plot.h"

G_BEGIN_DECLS

#define SPIKETALK_TYPE_PLOT (spiketalk_plot_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkPlot, spiketalk_plot, SPIKETALK, PLOT, GtkDrawingArea)

GtkWidget *spiketalk_plot_new(void);

/* Shows 'fig' (NULL: an empty white area). The figure and every array it points at are owned
 * by the caller and must stay valid until the next call; the plot redraws. */
void spiketalk_plot_set_figure(SpiketalkPlot *self, const st_plot_figure *fig);

const st_plot_figure *spiketalk_plot_get_figure(SpiketalkPlot *self);

/* Writes the shown figure to 'path' (PNG, SVG or PDF by extension) with st_plot_save.
 * FALSE with 'err' set when nothing is shown or the file cannot be written. */
gboolean spiketalk_plot_export(SpiketalkPlot *self, const char *path, st_error *err);

G_END_DECLS
