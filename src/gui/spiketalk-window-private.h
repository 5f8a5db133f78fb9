/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkWindow's instance, shared by spiketalk-window.c and spiketalk-window-actions.c. */
#pragma once

#include "spiketalk-axon-page.h"
#include "spiketalk-listen-page.h"
#include "spiketalk-live-page.h"
#include "spiketalk-network-page.h"
#include "spiketalk-simulate-page.h"
#include "spiketalk-window.h"

struct _SpiketalkWindow {
    GtkApplicationWindow parent_instance;
    /* template children */
    GtkStack *stack;
    GtkRevealer *banner_revealer;
    GtkWidget *banner;
    GtkLabel *banner_label;
    SpiketalkSimulatePage *simulate_page;
    SpiketalkListenPage *listen_page;
    SpiketalkLivePage *live_page;
    SpiketalkAxonPage *axon_page;
    SpiketalkNetworkPage *network_page;
    /* screenshot */
    int busy;                 /* background jobs running */
    char *shot_path;
    gboolean shot_quit;
    guint shot_tick;          /* set from the request until the capture */
    gulong shot_paint;        /* the frame clock's after-paint handler */
    int shot_frames;          /* frames drawn while idle */
    GtkFileChooserNative *chooser;
};

void spiketalk_window_actions_init(SpiketalkWindow *self);
