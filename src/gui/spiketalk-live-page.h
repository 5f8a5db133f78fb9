/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkLivePage: talk to the neuron live (full duplex, include/spiketalk/live.h): devices,
 * block size, preset switching while it runs, meters, and a scrolling scope of the input, its
 * envelope and the membrane potential. */
#pragma once

#include <gtk/gtk.h>

#include "spiketalk/status.h"

G_BEGIN_DECLS

#define SPIKETALK_TYPE_LIVE_PAGE (spiketalk_live_page_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkLivePage, spiketalk_live_page, SPIKETALK, LIVE_PAGE, GtkBox)

/* Starts the session when stopped, stops it when running (Space, the Start button). */
void spiketalk_live_page_toggle(SpiketalkLivePage *self);

/* Opens the chosen devices and starts; a failure (no device, a busy one) shows the banner and
 * leaves the page stopped. Prints "live started fs=F block=B ..." on success. No-op while
 * running. */
void spiketalk_live_page_start(SpiketalkLivePage *self);

/* Stops and closes the session; prints "live stopped frames=N xruns=N spikes=N ...". No-op
 * while stopped. */
void spiketalk_live_page_stop(SpiketalkLivePage *self);

/* Selects a cell preset by name (RS, IB, CH, FS, LTS, TC, RZ; case-insensitive); while
 * running it is published to the session at once (no reset, no click). FALSE with the banner
 * for an unknown name. */
gboolean spiketalk_live_page_set_preset(SpiketalkLivePage *self, const char *name);

/* Writes the scope as it is now (PNG, SVG or PDF by extension) with the plot module. */
gboolean spiketalk_live_page_export(SpiketalkLivePage *self, const char *path, st_error *err);

G_END_DECLS
