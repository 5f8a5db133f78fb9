/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing a figure (figure.h) to the --plot path of a subcommand, through the run's set of
 * outputs (cli-output.c) when the path was declared there. */
#include "cli.h"
#include "spiketalk/figure.h"

int cli_save_figure(st_status built, st_figure *f, const char *path, st_error *err)
{
    st_status st = built ? built : cli_plot_save(st_figure_plot(f), path, err);
    st_figure_free(f);
    return st ? cli_report(err) : CLI_OK;
}
