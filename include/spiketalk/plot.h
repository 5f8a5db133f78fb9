/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Figures of time series (and images such as space-time maps) drawn with cairo: to PNG/SVG/PDF
 * files, or into any cairo context (a GTK drawing area), with one drawing code for both. */
#ifndef SPIKETALK_PLOT_H
#define SPIKETALK_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "spiketalk/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _cairo cairo_t; /* from <cairo.h>; declared here so callers need not include it */

/* An RGB colour, each channel 0..1. */
typedef struct st_rgb {
    double r, g, b;
} st_rgb;

#define ST_RGB_BLUE   ((st_rgb){0.12, 0.47, 0.71})
#define ST_RGB_RED    ((st_rgb){0.84, 0.15, 0.16})
#define ST_RGB_BLACK  ((st_rgb){0.0, 0.0, 0.0})
#define ST_RGB_PURPLE ((st_rgb){0.58, 0.40, 0.74})
#define ST_RGB_ORANGE ((st_rgb){1.00, 0.50, 0.05})
#define ST_RGB_GREEN  ((st_rgb){0.17, 0.63, 0.17})
#define ST_RGB_GREY   ((st_rgb){0.5, 0.5, 0.5})

typedef enum st_plot_axis {
    ST_AXIS_LEFT = 0, /* the panel's left y axis */
    ST_AXIS_RIGHT = 1 /* the twin y axis on the right */
} st_plot_axis;

/* One line: n points (x[i], y[i]). 'x' may be NULL: then x[i] = x0 + i * dx.
 * Non-finite points break the line. Long series are reduced to a min/max envelope per device
 * pixel column when drawn, so 1e7 points draw as fast as a few thousand and look the same. */
typedef struct st_plot_series {
    const double *x;     /* NULL: uniform spacing from x0 with step dx */
    const double *y;
    size_t n;
    double x0, dx;       /* used when x == NULL */
    const char *label;   /* legend text; NULL or "" keeps it out of the legend */
    st_rgb color;
    double line_width;   /* in points; 0 means 1.2 */
    st_plot_axis axis;
} st_plot_series;

/* Colour maps for images, each running from the colour of the lowest value to the highest. */
typedef enum st_colormap {
    ST_CMAP_VIRIDIS = 0, /* matplotlib's viridis: dark blue, green, yellow (perceptually even) */
    ST_CMAP_GREYS,       /* white to black */
    ST_CMAP_COUNT
} st_colormap;

/* A grid of values drawn as coloured cells under a panel's series, with a colour bar on the
 * right of the panel. Cell (i, j) covers x from x0 + i (x1 - x0) / nx to the next column's
 * edge and y likewise from y0 (row 0 at the bottom), and holds z[j * nx + i]. Non-finite
 * values are left transparent. Grids larger than 4096 cells in either direction are drawn
 * from a subsample (nearest cell). A panel whose limits are NAN takes them from the image
 * extents (and the series), without a margin. */
typedef struct st_plot_image {
    const double *z;       /* ny rows of nx values, row-major */
    size_t nx, ny;         /* columns (along x) and rows (along y) */
    double x0, x1;         /* data x of the left edge of column 0 and right edge of nx - 1 */
    double y0, y1;         /* data y of the bottom edge of row 0 and top edge of ny - 1 */
    double zmin, zmax;     /* values mapped to the ends of the colour map; NAN: data range */
    st_colormap colormap;
    const char *zlabel;    /* label of the colour bar, e.g. "v (mV)"; may be NULL */
    bool smooth;           /* interpolate between cell centres instead of flat cells */
} st_plot_image;

/* The colour of 't' (0..1, clamped; NAN gives white) in 'map'. */
ST_API st_rgb st_plot_colormap(st_colormap map, double t);

/* One set of axes. Limits that are NAN are taken from the data (with a small margin).
 * A panel with any ST_AXIS_RIGHT series draws the twin axis and its label on the right,
 * and colours that axis's ticks like its first series (as the study drew I in red). */
typedef struct st_plot_panel {
    const char *title;          /* above the axes; may be NULL */
    const char *xlabel;         /* e.g. "time (ms)" */
    const char *ylabel;         /* left axis, e.g. "v (mV)" */
    const char *y2label;        /* right axis, e.g. "I" */
    double xmin, xmax;          /* NAN: from the data */
    double ymin, ymax;          /* NAN: from the data */
    double y2min, y2max;        /* NAN: from the data */
    const st_plot_series *series;
    size_t n_series;
    bool legend;                /* draw a legend box with the labelled series */
    const st_plot_image *image; /* drawn under the series, with a colour bar; NULL: none */
} st_plot_panel;

/* A figure: panels laid out in a grid of 'rows' x 'cols' (row-major), with an optional title. */
typedef struct st_plot_figure {
    const char *title;          /* across the top; may be NULL */
    const st_plot_panel *panels;
    size_t n_panels;
    int rows, cols;             /* 0: one column, n_panels rows */
    double width, height;       /* size for files, in pixels (PNG) or points (SVG/PDF) */
} st_plot_figure;

/* Initialises 'p' with NAN limits, no series, no image, no labels, legend on. */
ST_API void st_plot_panel_init(st_plot_panel *p);

/* Draws 'fig' into 'cr' over the rectangle (0, 0, width, height) in user units, white
 * background included. Never fails on data: empty or non-finite series just draw nothing.
 * This is the function the GTK app calls from its draw handler. */
ST_API void st_plot_draw(cairo_t *cr, const st_plot_figure *fig, double width, double height);

/* The file formats, chosen from the path's extension (case-insensitive). */
typedef enum st_plot_format {
    ST_PLOT_PNG,
    ST_PLOT_SVG,
    ST_PLOT_PDF
} st_plot_format;

/* Checks that 'path' ends in .png, .svg or .pdf and that the file can be created (its folder
 * exists and is writable), without creating or truncating anything. Call it before long work,
 * so that a bad --plot path fails first. On failure: ST_ERR_INVAL (extension) or ST_ERR_IO,
 * with err->msg "PATH: why". */
ST_API st_status st_plot_check_path(const char *path, st_plot_format *format, st_error *err);

/* Renders 'fig' to 'path' (format by extension, size fig->width x fig->height). Writes to a
 * temporary file beside 'path' and renames it on success, so a failure never leaves a partial
 * or truncated file. Errors: as st_plot_check_path, or ST_ERR_IO if cairo fails. */
ST_API st_status st_plot_save(const st_plot_figure *fig, const char *path, st_error *err);

#ifdef __cplusplus
}
#endif
#endif
