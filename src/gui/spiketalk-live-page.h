/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkLivePage: talk to the neuron live (full duplex). Waits for the streaming engine. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SPIKETALK_TYPE_LIVE_PAGE (spiketalk_live_page_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkLivePage, spiketalk_live_page, SPIKETALK, LIVE_PAGE, GtkBox)

/* Start or stop the live stream (Space). Until the live driver exists it says so in the
 * banner. */
void spiketalk_live_page_toggle(SpiketalkLivePage *self);

G_END_DECLS
