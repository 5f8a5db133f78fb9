/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing a figure (figure.h) to the --plot path of a subcommand. */
#include "cli.h"
#include "spiketalk/figure.h"

int cli_save_figure(st_status built, st_figure *f, const char *path, st_error *err)
{
    st_status st = built ? built : st_figure_save(f, path, err);
    st_figure_free(f);
    return st ? cli_report(err) : CLI_OK;
}
