/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkAxonPage: the Hodgkin-Huxley neuron with its gates, and the spike travelling along
 * an axon (animated profile, space-time image, conduction velocity). */
#pragma once

#include <gtk/gtk.h>

#include "spiketalk/status.h"

G_BEGIN_DECLS

#define SPIKETALK_TYPE_AXON_PAGE (spiketalk_axon_page_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkAxonPage, spiketalk_axon_page, SPIKETALK, AXON_PAGE, GtkBox)

/* Writes the figure as shown (.png, .svg, .pdf). */
gboolean spiketalk_axon_page_export(SpiketalkAxonPage *self, const char *path, st_error *err);

G_END_DECLS
