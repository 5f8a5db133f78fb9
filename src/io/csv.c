/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV rows of numbers. */
#include <math.h>

#include "spiketalk/output.h"

void st_csv_row(FILE *f, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        fprintf(f, "%.12g", x[i]);
    }
    fputc('\n', f);
}
