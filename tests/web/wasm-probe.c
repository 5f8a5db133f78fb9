/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Configure-time probe: can clang build a WASI reactor with wasi-libc's libm and the
 * compiler-rt builtins for wasm32? */
#include <math.h>
#include <stdlib.h>

__attribute__((export_name("probe"))) double probe(double x);

double probe(double x)
{
    double *p = malloc(sizeof *p);
    if (!p)
        return 0;
    *p = exp(x);
    double y = *p;
    free(p);
    return y;
}
