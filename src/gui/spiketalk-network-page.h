/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkNetworkPage: a network that listens (cortex.h): the network and its size, the bands,
 * the drive, a file run off line or the microphone live; the spectrogram, the raster (scrolling
 * while a live session runs), the population rate and its spectrum; export of the figure, the
 * spikes and the sound. */
#pragma once

#include <gtk/gtk.h>

#include "spiketalk/status.h"

G_BEGIN_DECLS

#define SPIKETALK_TYPE_NETWORK_PAGE (spiketalk_network_page_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkNetworkPage, spiketalk_network_page, SPIKETALK, NETWORK_PAGE,
                     GtkBox)

/* Selects the file as the source and runs the network over it in a worker thread (a progress
 * bar; Stop cancels). Prints "network ran FILE spikes=N steps=N ..." when done; errors (an
 * unreadable file, a configuration the library refuses) go to the banner. */
void spiketalk_network_page_open(SpiketalkNetworkPage *self, const char *path);

/* Start: runs the file again (source File) or opens a live session with the network on the
 * default devices (source Microphone; prints "network live started ..."); a failure shows the
 * banner. No-op while running. */
void spiketalk_network_page_start(SpiketalkNetworkPage *self);

/* Stop: cancels a file run, or stops the live session (prints "network live stopped frames=N
 * spikes=N shown=N ...") and shows its whole figure. No-op while idle. */
void spiketalk_network_page_stop(SpiketalkNetworkPage *self);
void spiketalk_network_page_toggle(SpiketalkNetworkPage *self);

/* Selects the source ("file" or "microphone") or the network ("izh2003", "izh2006"); FALSE with
 * the banner for an unknown name. Not while running. */
gboolean spiketalk_network_page_set_source(SpiketalkNetworkPage *self, const char *name);
gboolean spiketalk_network_page_set_net(SpiketalkNetworkPage *self, const char *name);

/* Chooses the neurons' model (izhikevich, izh2007, hh); as spiketalk_network_page_set_net. */
gboolean spiketalk_network_page_set_model(SpiketalkNetworkPage *self, const char *name);

/* Writes by extension: .png, .svg or .pdf the figure shown; .csv the spikes (t_ms,neuron);
 * .wav the network's sound. FALSE with 'err' when there is nothing of that kind yet or the
 * file cannot be written. */
gboolean spiketalk_network_page_export(SpiketalkNetworkPage *self, const char *path,
                                       st_error *err);

G_END_DECLS
