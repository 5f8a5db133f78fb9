/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkApplication: the GtkApplication, its command line and its D-Bus actions. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SPIKETALK_APP_ID "org.spiketalk.Spiketalk"

#define SPIKETALK_TYPE_APPLICATION (spiketalk_application_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkApplication, spiketalk_application, SPIKETALK, APPLICATION,
                     GtkApplication)

SpiketalkApplication *spiketalk_application_new(void);

/* FFTW's planner is not thread-safe: every pipeline run (which plans FFTs) holds this lock. */
GMutex *spiketalk_pipeline_mutex(void);

/* Prints "spiketalk-gtk: MESSAGE" on stdout at once: the markers tests and scripts wait for
 * (ready, simulated, processed, error, screenshot). */
void spiketalk_marker(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

G_END_DECLS
