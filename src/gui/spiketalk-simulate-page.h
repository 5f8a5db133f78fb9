/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkSimulatePage: one neuron under a stimulus protocol, re-simulated as you edit. */
#pragma once

#include <gtk/gtk.h>

#include "spiketalk/status.h"

G_BEGIN_DECLS

#define SPIKETALK_TYPE_SIMULATE_PAGE (spiketalk_simulate_page_get_type())
G_DECLARE_FINAL_TYPE(SpiketalkSimulatePage, spiketalk_simulate_page, SPIKETALK, SIMULATE_PAGE,
                     GtkBox)

/* Selects a cell type of the current model (or, with 'feature', one of the 2004 features of
 * the 2003 model, by name or letter) and simulates it. An unknown name shows the banner with
 * the closest names; FALSE then. */
gboolean spiketalk_simulate_page_set_preset(SpiketalkSimulatePage *self, const char *name,
                                            gboolean feature);

/* Runs the simulation now with the controls' values and redraws. */
void spiketalk_simulate_page_simulate(SpiketalkSimulatePage *self);

/* Writes the plot (.png, .svg, .pdf) or the trace t_ms,I,v,u (.csv) to 'path'. */
gboolean spiketalk_simulate_page_export(SpiketalkSimulatePage *self, const char *path,
                                        st_error *err);

/* A file name for the export dialog, e.g. "spiketalk-RS.png". */
const char *spiketalk_simulate_page_suggest_name(SpiketalkSimulatePage *self);

G_END_DECLS
