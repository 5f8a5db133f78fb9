/* SPDX-License-Identifier: GPL-3.0-or-later */
/* spiketalk-gtk: the desktop app's entry point. */
#include "spiketalk-application.h"

int main(int argc, char **argv)
{
    SpiketalkApplication *app = spiketalk_application_new();
    int status = g_application_run(G_APPLICATION(app), argc, argv);
    g_object_unref(app);
    return status;
}
