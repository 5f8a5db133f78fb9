/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkListenPage: a recording or a file through the audio pipeline, plotted and played. */
#pragma once

#include <gtk/gtk.h>

#include "spiketalk/status.h"

G_BEGIN_DECLS

#define SPIKETALK_TYPE_LISTEN_PAGE (spiketalk_listen_page_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkListenPage, spiketalk_listen_page, SPIKETALK, LISTEN_PAGE, GtkBox)

/* Reads 'path' and runs the pipeline in a worker thread, with progress; a bad file shows the
 * banner and keeps what was shown before. Prints "processed PATH spikes=N" when done. */
void spiketalk_listen_page_open(SpiketalkListenPage *self, const char *path);

/* Writes the response (.wav), the plot (.png/.svg/.pdf) or the trace (.csv) to 'path'. */
gboolean spiketalk_listen_page_export(SpiketalkListenPage *self, const char *path,
                                      st_error *err);

G_END_DECLS
