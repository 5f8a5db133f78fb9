/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkWindow: the main window: a header bar with the page switcher, an error banner and
 * the pages Simulate, Listen, Live, Axon and Network in a GtkStack. */
#pragma once

#include <gtk/gtk.h>

#include "spiketalk-application.h"

G_BEGIN_DECLS

#define SPIKETALK_TYPE_WINDOW (spiketalk_window_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkWindow, spiketalk_window, SPIKETALK, WINDOW,
                     GtkApplicationWindow)

SpiketalkWindow *spiketalk_window_new(SpiketalkApplication *app);

/* The window that holds 'widget', or NULL (before it is placed in one). */
SpiketalkWindow *spiketalk_window_of(GtkWidget *widget);

/* Shows page "simulate", "listen", "live", "axon" or "network"; unknown names show the
 * banner. */
void spiketalk_window_show_page(SpiketalkWindow *self, const char *name);

/* Simulate page: selects a cell type (feature FALSE) or one of the 2004 features and runs it.
 * An unknown name shows the banner with the closest names. */
void spiketalk_window_set_preset(SpiketalkWindow *self, const char *name, gboolean feature);
void spiketalk_window_simulate(SpiketalkWindow *self);

/* Listen page (or the Network page when it is shown): reads and processes an audio file in the
 * background. */
void spiketalk_window_open_path(SpiketalkWindow *self, const char *path);

/* Live page: shows it, then starts or stops the session or selects a preset ("RS", ...; the
 * banner for an unknown name), published to a running session at once. */
void spiketalk_window_live_start(SpiketalkWindow *self);
void spiketalk_window_live_stop(SpiketalkWindow *self);
void spiketalk_window_live_preset(SpiketalkWindow *self, const char *name);

/* Network page: shows it, then starts (the file off line, or the microphone live) or stops,
 * or selects the source ("file", "microphone") or the network ("izh2003", "izh2006"). */
void spiketalk_window_network_start(SpiketalkWindow *self);
void spiketalk_window_network_stop(SpiketalkWindow *self);
void spiketalk_window_network_source(SpiketalkWindow *self, const char *name);
void spiketalk_window_network_net(SpiketalkWindow *self, const char *name);
void spiketalk_window_network_model(SpiketalkWindow *self, const char *name);

/* Exports what the visible page shows to 'path' (the extension picks the format); the banner
 * says "Saved PATH" or the error. */
void spiketalk_window_export(SpiketalkWindow *self, const char *path);

/* Shows 'msg' in the banner at the top of the window (errors in red, notes in blue) and prints
 * the marker "error: MSG" (or "note: MSG"). The app goes on. */
void spiketalk_window_show_error(SpiketalkWindow *self, const char *msg);
void spiketalk_window_show_note(SpiketalkWindow *self, const char *msg);

/* Pages count their background work, so that a screenshot waits for it to finish. */
void spiketalk_window_hold(SpiketalkWindow *self);
void spiketalk_window_release(SpiketalkWindow *self);

/* Saves the window as drawn to the PNG 'path' once no work is pending and a frame has been
 * drawn; then quits the app when 'then_quit'. Prints "screenshot PATH WxH". */
void spiketalk_window_screenshot(SpiketalkWindow *self, const char *path, gboolean then_quit);

G_END_DECLS
