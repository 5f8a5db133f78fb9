/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Draws figures of time series with cairo, into any context or to PNG/SVG/PDF files. */
#define _POSIX_C_SOURCE 200809L

#include "spiketalk/plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define PLOT_PI 3.14159265358979323846

#define DEFAULT_WIDTH_PX 1200.0
#define DEFAULT_HEIGHT_PX 700.0
#define DEFAULT_LINE_W 1.2
#define FONT_FAMILY "Sans"
#define FONT_MIN 8.0 /* tick-label font size bounds, in user units (px in PNGs) */
#define FONT_MAX 12.0
#define MAX_TICKS 50
#define STROKE_COLUMNS 32  /* envelope columns per cairo_stroke */
#define PNG_MAX_SIDE 32767 /* cairo's image surface limit */
#define IMAGE_MAX_CELLS 4096 /* larger images are drawn from a subsample */
#define CBAR_GAP 1.0         /* ems between the axes (or twin axis) and the colour bar */
#define CBAR_WIDTH 1.1       /* ems */

/* Far-away points are clamped to this distance (user units) from the plot area: cairo keeps
 * coordinates in 24.8 fixed point, so 1e300 must never reach it. Segments that leave the
 * visible area are so steep at this distance that clamping moves their visible part by far
 * less than a pixel. */
#define COORD_LIMIT 1e5

/* Black spines and ticks, as matplotlib's default style; legend frame grey. */
static const st_rgb ink = {0.0, 0.0, 0.0};
static const double spine_width = 1.0; /* user units; 0.8 pt at 100 dpi in matplotlib */
static const double legend_alpha = 0.8;
static const double legend_edge_grey = 0.8;

/* ----------------------------------------------------------------------------------------- */
/* Geometry                                                                                   */

typedef struct rect {
    double x, y, w, h; /* user units */
} rect;

/* Maps data values on one axis to user coordinates: 'lo' goes to 'p0', 'hi' to 'p1'. */
typedef struct scale {
    double lo, hi; /* data limits */
    double p0, p1; /* user coordinates of 'lo' and 'hi' */
} scale;

/* Ticks at (k0 + i) * step for i in 0..n-1: integer multiples, so no drift accumulates. */
typedef struct ticks {
    double k0, step; /* data units */
    int n;
} ticks;

typedef struct axes {
    rect area;         /* the plot area inside the spines */
    scale sx, sy, sy2; /* x, left y, right y */
    ticks tx, ty, ty2;
    bool twin;         /* a right axis is drawn */
    st_rgb twin_color; /* colour of the right axis's first series */
    double fs;         /* tick-label font size, user units */
    double tick_len;   /* outward tick length */
    const st_plot_image *img; /* the panel's image when it has something to draw, or NULL */
    double zlo, zhi;   /* the image's colour limits */
    ticks tz;          /* colour-bar ticks */
} axes;

/* Room one panel needs around its plot area. */
typedef struct margins {
    double left, right, top, bottom; /* user units */
} margins;

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Keeps user coordinate 'u' on the axis of 's' within COORD_LIMIT of the plot area. */
static double keep_near(const scale *s, double u)
{
    double lo = fmin(s->p0, s->p1) - COORD_LIMIT, hi = fmax(s->p0, s->p1) + COORD_LIMIT;
    return isnan(u) ? s->p0 : clampd(u, lo, hi);
}

/* The user units per data unit of 's', over half-differences so that limits of +-DBL_MAX
 * do not overflow the span to infinity (as 'map' does for v - lo). */
static double half_slope(const scale *s)
{
    return (s->p1 - s->p0) / (0.5 * s->hi - 0.5 * s->lo);
}

static double map(const scale *s, double v)
{
    return keep_near(s, s->p0 + (0.5 * v - 0.5 * s->lo) * half_slope(s));
}

static double tick_value(const ticks *t, int i)
{
    return (t->k0 + i) * t->step;
}

/* ----------------------------------------------------------------------------------------- */
/* Colour maps                                                                                */

/* viridis (van der Walt and Smith, CC0) sampled at 33 evenly spaced points of matplotlib's
 * 256-entry table; linear interpolation between them stays within 0.007 of the table. */
static const st_rgb viridis[] = {
    {0.2670, 0.0049, 0.3294}, {0.2770, 0.0502, 0.3755}, {0.2823, 0.0946, 0.4170},
    {0.2829, 0.1354, 0.4530}, {0.2789, 0.1749, 0.4830}, {0.2708, 0.2133, 0.5066},
    {0.2593, 0.2507, 0.5244}, {0.2454, 0.2867, 0.5370}, {0.2302, 0.3213, 0.5455},
    {0.2148, 0.3545, 0.5510}, {0.2000, 0.3864, 0.5545}, {0.1861, 0.4173, 0.5567},
    {0.1733, 0.4474, 0.5579}, {0.1613, 0.4770, 0.5581}, {0.1497, 0.5064, 0.5573},
    {0.1384, 0.5358, 0.5551}, {0.1281, 0.5651, 0.5509}, {0.1209, 0.5945, 0.5442},
    {0.1203, 0.6238, 0.5343}, {0.1310, 0.6529, 0.5208}, {0.1554, 0.6815, 0.5032},
    {0.1930, 0.7096, 0.4812}, {0.2415, 0.7366, 0.4545}, {0.2986, 0.7624, 0.4230},
    {0.3629, 0.7867, 0.3866}, {0.4330, 0.8091, 0.3453}, {0.5081, 0.8292, 0.2992},
    {0.5873, 0.8470, 0.2489}, {0.6694, 0.8622, 0.1954}, {0.7529, 0.8751, 0.1427},
    {0.8359, 0.8861, 0.1025}, {0.9166, 0.8961, 0.1008}, {0.9932, 0.9062, 0.1439},
};

static const st_rgb greys[] = {{1.0, 1.0, 1.0}, {0.0, 0.0, 0.0}};

/* The anchors of 'map', evenly spaced from t = 0 to t = 1. */
static const st_rgb *colormap_anchors(st_colormap map, size_t *n)
{
    if (map == ST_CMAP_GREYS) {
        *n = sizeof greys / sizeof greys[0];
        return greys;
    }
    *n = sizeof viridis / sizeof viridis[0];
    return viridis;
}

st_rgb st_plot_colormap(st_colormap map, double t)
{
    if (isnan(t))
        return (st_rgb){1.0, 1.0, 1.0};
    size_t n;
    const st_rgb *c = colormap_anchors(map, &n);
    double x = (t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t) * (double)(n - 1);
    size_t k = (size_t)x;
    if (k >= n - 1)
        return c[n - 1];
    double f = x - (double)k;
    return (st_rgb){c[k].r + f * (c[k + 1].r - c[k].r), c[k].g + f * (c[k + 1].g - c[k].g),
                    c[k].b + f * (c[k + 1].b - c[k].b)};
}

/* An image with cells, finite distinct extents and data: anything else draws nothing. */
static bool image_drawable(const st_plot_image *im)
{
    return im && im->z && im->nx > 0 && im->ny > 0 && isfinite(im->x0) && isfinite(im->x1) &&
           isfinite(im->y0) && isfinite(im->y1) && im->x0 != im->x1 && im->y0 != im->y1;
}

/* ----------------------------------------------------------------------------------------- */
/* Limits and ticks                                                                           */

static double series_x(const st_plot_series *s, size_t i)
{
    return s->x ? s->x[i] : s->x0 + (double)i * s->dx;
}

/* The range of some finite data; empty while lo > hi. */
typedef struct extent {
    double lo, hi;
} extent;

static const extent empty_extent = {INFINITY, -INFINITY};

/* One pass over the points of 's' whose coordinates are both finite: x into 'ex', y into
 * 'ey'. The only pass over the data besides drawing, as it runs on 1e7 points. */
static void extend(const st_plot_series *s, extent *ex, extent *ey)
{
    extent x = *ex, y = *ey;
    for (size_t i = 0; i < s->n; i++) {
        double xi = series_x(s, i), yi = s->y[i];
        if (!isfinite(xi) || !isfinite(yi))
            continue;
        x.lo = xi < x.lo ? xi : x.lo;
        x.hi = xi > x.hi ? xi : x.hi;
        y.lo = yi < y.lo ? yi : y.lo;
        y.hi = yi > y.hi ? yi : y.hi;
    }
    *ex = x;
    *ey = y;
}

/* Half the width a degenerate axis at 'c' is widened to. */
static double widening(double c)
{
    return c == 0.0 ? 1.0 : fabs(c) * 0.1;
}

/* Resolves one axis's limits: explicit ones win, NAN ones come from 'data' plus 'margin' of
 * the span on each side. A range that is empty or reversed is repaired around what the
 * caller gave, so it can always be drawn. */
static void resolve(double want_lo, double want_hi, extent data, double margin, double *lo,
                    double *hi)
{
    double dlo = data.lo <= data.hi ? data.lo : 0.0, dhi = data.lo <= data.hi ? data.hi : 1.0;
    /* Half-differences, so that a span of +-DBL_MAX does not overflow to infinity. */
    double pad = margin * 2.0 * (0.5 * dhi - 0.5 * dlo);
    bool fix_lo = isfinite(want_lo), fix_hi = isfinite(want_hi);
    double l = fix_lo ? want_lo : dlo - pad, h = fix_hi ? want_hi : dhi + pad;
    if (fix_lo && fix_hi && l > h) {
        *lo = h;
        *hi = l;
        return;
    }
    if (!(h > l)) {
        if (fix_lo && !fix_hi)
            h = l + 2.0 * widening(l);
        else if (fix_hi && !fix_lo)
            l = h - 2.0 * widening(h);
        else {
            double c = l;
            l = c - widening(c);
            h = c + widening(c);
        }
    }
    *lo = clampd(l, -DBL_MAX, DBL_MAX);
    *hi = clampd(h, -DBL_MAX, DBL_MAX);
}

/* The largest step of the form {1, 2, 5} x 10^k that gives at most about 'target' intervals. */
static double nice_step(double span, double target)
{
    double raw = span / fmax(target, 0.5);
    if (!(raw > 0.0) || !isfinite(raw))
        return NAN;
    static const double mantissas[] = {1.0, 2.0, 5.0};
    double mag = pow(10.0, floor(log10(raw)));
    for (size_t i = 0; i < sizeof mantissas / sizeof mantissas[0]; i++) {
        if (raw / mag <= mantissas[i] * (1.0 + 1e-9))
            return mantissas[i] * mag;
    }
    return 10.0 * mag;
}

static ticks make_ticks(double lo, double hi, double target)
{
    ticks t = {0.0, nice_step(0.5 * hi - 0.5 * lo, 0.5 * target), 0}; /* no overflow */
    if (!isfinite(t.step))
        return t;
    double k0 = ceil(lo / t.step - 1e-9), k1 = floor(hi / t.step + 1e-9);
    if (!isfinite(k0) || !isfinite(k1) || k1 - k0 > MAX_TICKS || k1 < k0)
        return t;
    t.k0 = k0;
    t.n = (int)(k1 - k0) + 1;
    return t;
}

/* Formats tick value 'v' with just enough digits for 'step'; a minus is U+2212, as in
 * typeset figures. */
static void tick_label(char *buf, size_t size, double v, double step)
{
    if (fabs(v) < step * 1e-6)
        v = 0.0; /* never "-0" or "1e-17" at the origin */
    int decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    double mag = fmax(fabs(v), step);
    char tmp[64];
    if (mag >= 1e6 || decimals > 6) {
        int sig = (int)floor(log10(mag)) - (int)floor(log10(step)) + 1;
        snprintf(tmp, sizeof tmp, "%.*g", (int)clampd(sig, 1, 15), v);
    } else {
        snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    }
    if (tmp[0] == '-')
        snprintf(buf, size, "\xe2\x88\x92%s", tmp + 1);
    else
        snprintf(buf, size, "%s", tmp);
}

/* ----------------------------------------------------------------------------------------- */
/* Text                                                                                       */

typedef enum valign {
    VA_TOP,    /* the top of the digits at y */
    VA_MIDDLE, /* digits centred on y */
    VA_BOTTOM  /* the lowest descender at y */
} valign;

static void set_font(cairo_t *cr, double size)
{
    cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

/* Digit height, rather than the font's ascent, aligns numbers with their ticks exactly. */
static double digit_height(cairo_t *cr)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, "0", &te);
    return te.height;
}

/* Shows 's' anchored at (x, y): 'halign' 0 left, 0.5 centre, 1 right; turned by 'angle'. */
static void text_at(cairo_t *cr, const char *s, double x, double y, double halign, valign va,
                    double angle)
{
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double dh = digit_height(cr);
    double base = va == VA_TOP ? dh : va == VA_MIDDLE ? 0.5 * dh : -fe.descent;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, -halign * text_width(cr, s), base);
    cairo_show_text(cr, s);
    cairo_restore(cr);
}

static bool has_text(const char *s)
{
    return s && s[0];
}

static void set_rgb(cairo_t *cr, st_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* ----------------------------------------------------------------------------------------- */
/* Layout                                                                                     */

static double tick_labels_width(cairo_t *cr, const ticks *t)
{
    double w = 0.0;
    char buf[80];
    for (int i = 0; i < t->n; i++) {
        tick_label(buf, sizeof buf, tick_value(t, i), t->step);
        w = fmax(w, text_width(cr, buf));
    }
    return w;
}

/* Adds the extents of image 'im' to 'ex' and 'ey', and resolves its colour limits. */
static void extend_image(const st_plot_image *im, extent *ex, extent *ey, axes *a)
{
    ex->lo = fmin(ex->lo, fmin(im->x0, im->x1));
    ex->hi = fmax(ex->hi, fmax(im->x0, im->x1));
    ey->lo = fmin(ey->lo, fmin(im->y0, im->y1));
    ey->hi = fmax(ey->hi, fmax(im->y0, im->y1));
    extent z = empty_extent;
    if (isnan(im->zmin) || isnan(im->zmax)) {
        for (size_t j = 0; j < im->ny; j++) {
            const double *row = im->z + j * im->nx;
            for (size_t i = 0; i < im->nx; i++) {
                if (!isfinite(row[i]))
                    continue;
                z.lo = row[i] < z.lo ? row[i] : z.lo;
                z.hi = row[i] > z.hi ? row[i] : z.hi;
            }
        }
    }
    resolve(im->zmin, im->zmax, z, 0.0, &a->zlo, &a->zhi);
}

/* Picks the first right-axis series's colour and the three axes' limits. */
static void resolve_limits(const st_plot_panel *p, axes *a)
{
    extent x = empty_extent, y[2] = {empty_extent, empty_extent};
    a->twin = false;
    for (size_t k = 0; k < p->n_series; k++) {
        const st_plot_series *s = &p->series[k];
        bool right = s->axis == ST_AXIS_RIGHT;
        if (right && !a->twin)
            a->twin_color = s->color;
        a->twin = a->twin || right;
        if (s->y)
            extend(s, &x, &y[right]);
    }
    a->img = image_drawable(p->image) ? p->image : NULL;
    if (a->img)
        extend_image(a->img, &x, &y[0], a);
    resolve(p->xmin, p->xmax, x, 0.0, &a->sx.lo, &a->sx.hi);
    /* An image fills its axes to the edges, as matplotlib's imshow does. */
    resolve(p->ymin, p->ymax, y[0], a->img ? 0.0 : 0.05, &a->sy.lo, &a->sy.hi);
    resolve(p->y2min, p->y2max, y[1], 0.05, &a->sy2.lo, &a->sy2.hi);
}

/* Space beside the plot area for one y axis: ticks, their labels, and the rotated label. */
static double y_side_width(cairo_t *cr, const axes *a, const ticks *t, const char *label)
{
    double w = a->tick_len + 0.35 * a->fs + tick_labels_width(cr, t);
    if (has_text(label))
        w += 1.6 * a->fs;
    return w;
}

/* About one tick per three ems of height, both y axes alike. */
static void y_ticks(axes *a, double height)
{
    double target = clampd(floor(height / (3.2 * a->fs)), 2.0, 8.0);
    a->ty = make_ticks(a->sy.lo, a->sy.hi, target);
    a->ty2 = a->twin ? make_ticks(a->sy2.lo, a->sy2.hi, target) : (ticks){0.0, NAN, 0};
    a->tz = a->img ? make_ticks(a->zlo, a->zhi, target) : (ticks){0.0, NAN, 0};
}

/* Chooses x ticks whose labels fit the width, each interval one label plus two ems. Label
 * widths depend on the step and the step on how many labels fit: two rounds settle it. */
static ticks x_ticks(cairo_t *cr, const axes *a)
{
    ticks t = make_ticks(a->sx.lo, a->sx.hi, 10.0);
    for (int pass = 0; pass < 2; pass++) {
        double room = tick_labels_width(cr, &t) + 2.0 * a->fs;
        t = make_ticks(a->sx.lo, a->sx.hi, clampd(floor(a->area.w / room), 1.0, 10.0));
    }
    return t;
}

/* Moves (x, y) onto the device pixel grid so that spines and ticks of 'line_w' user units
 * come out crisp: odd device widths need pixel centres, even ones pixel edges. */
static void snap(cairo_t *cr, double *x, double *y, double line_w)
{
    double dw = line_w, dummy = 0.0;
    cairo_user_to_device_distance(cr, &dw, &dummy);
    double offset = (long)floor(fabs(dw) + 0.5) % 2 ? 0.5 : 0.0;
    cairo_user_to_device(cr, x, y);
    *x = floor(clampd(*x, -1e9, 1e9) - offset + 0.5) + offset;
    *y = floor(clampd(*y, -1e9, 1e9) - offset + 0.5) + offset;
    cairo_device_to_user(cr, x, y);
}

/* Sets the plot area to 'cell' less 'm', on the pixel grid, and the scales and ticks on it. */
static void place(cairo_t *cr, axes *a, rect cell, margins m)
{
    double x0 = cell.x + m.left, y0 = cell.y + m.top;
    double x1 = cell.x + cell.w - m.right, y1 = cell.y + cell.h - m.bottom;
    snap(cr, &x0, &y0, spine_width);
    snap(cr, &x1, &y1, spine_width);
    a->area = (rect){x0, y0, fmax(x1 - x0, 1.0), fmax(y1 - y0, 1.0)};
    a->sx.p0 = a->area.x;
    a->sx.p1 = a->area.x + a->area.w;
    a->sy.p0 = a->sy2.p0 = a->area.y + a->area.h; /* y grows upwards */
    a->sy.p1 = a->sy2.p1 = a->area.y;
    y_ticks(a, a->area.h);
    a->tx = x_ticks(cr, a);
}

/* How far the last x label, centred on its tick, reaches past the cell's right padding. */
static double x_overhang(cairo_t *cr, const axes *a, rect cell)
{
    if (a->twin || a->img || a->tx.n == 0)
        return 0.0;
    char buf[80];
    double v = tick_value(&a->tx, a->tx.n - 1);
    tick_label(buf, sizeof buf, v, a->tx.step);
    double reach = map(&a->sx, v) + 0.5 * text_width(cr, buf);
    return fmax(reach - (cell.x + cell.w - 0.6 * a->fs), 0.0);
}

/* Resolves the limits of 'p' and what it needs around its plot area inside 'cell': the title
 * above, x ticks and label below, y ticks and labels beside. */
static margins prepare(cairo_t *cr, const st_plot_panel *p, rect cell, double fs, axes *a)
{
    double pad = 0.6 * fs;
    margins m;
    resolve_limits(p, a);
    a->fs = fs;
    a->tick_len = 0.35 * fs;
    set_font(cr, fs);
    m.top = pad + (has_text(p->title) ? 2.3 * fs : 0.6 * fs);
    m.bottom = pad + a->tick_len + 1.55 * fs + (has_text(p->xlabel) ? 1.65 * fs : 0.0);
    y_ticks(a, cell.h - m.top - m.bottom);
    m.left = pad + y_side_width(cr, a, &a->ty, p->ylabel);
    m.right = pad + (a->twin ? y_side_width(cr, a, &a->ty2, p->y2label) : 0.8 * fs);
    if (a->img)
        m.right += CBAR_GAP * fs + CBAR_WIDTH * fs +
                   y_side_width(cr, a, &a->tz, a->img->zlabel) - (a->twin ? 0.0 : 0.8 * fs);
    place(cr, a, cell, m);
    m.right += x_overhang(cr, a, cell);
    return m;
}

/* ----------------------------------------------------------------------------------------- */
/* Series                                                                                     */

/* The points of one device pixel column of a long series, in data units and data order. */
typedef struct column {
    long col; /* device pixel column */
    double x_first, y_first;
    double x_last, y_last;
    double y_min, y_max;
    size_t i_min, i_max; /* which came first decides the pen's order */
    size_t count;        /* 0: nothing to draw */
} column;

/* Where the envelope's path stands: whether it continues, and columns since the last stroke. */
typedef struct pen_state {
    bool down;
    int columns;
} pen_state;

/* Draws column 'c' as first point -> extremes (in data order) -> last point, joined to the
 * previous column: the pixels the full polyline would cover, in four segments. */
static void flush_column(cairo_t *cr, const column *c, const scale *sx, const scale *sy, double xc,
                         pen_state *pen)
{
    if (c->count == 0)
        return;
    if (pen->down)
        cairo_line_to(cr, map(sx, c->x_first), map(sy, c->y_first));
    else
        cairo_move_to(cr, map(sx, c->x_first), map(sy, c->y_first));
    bool min_first = c->i_min < c->i_max;
    xc = keep_near(sx, xc);
    cairo_line_to(cr, xc, map(sy, min_first ? c->y_min : c->y_max));
    cairo_line_to(cr, xc, map(sy, min_first ? c->y_max : c->y_min));
    cairo_line_to(cr, map(sx, c->x_last), map(sy, c->y_last));
    pen->down = true;
    /* One path of thousands of full-height segments makes cairo's rasteriser cross every
     * edge on every scanline; short strokes keep that linear. Round caps hide the seams. */
    if (++pen->columns == STROKE_COLUMNS) {
        double x, y;
        cairo_get_current_point(cr, &x, &y);
        cairo_stroke(cr);
        cairo_move_to(cr, x, y);
        pen->columns = 0;
    }
}

static void column_start(column *c, long col, size_t i, double x, double y)
{
    *c = (column){col, x, y, x, y, y, y, i, i, 1};
}

/* The device column of device x 'dev'; far-off and NaN ones collapse to the ends. */
static long pixel_column(double dev)
{
    if (!(dev > -1e9))
        return -1000000000L;
    if (!(dev < 1e9))
        return 1000000000L;
    long t = (long)dev; /* floor() without a libm call: this runs once per point */
    return t - (dev < (double)t);
}

/* Builds the path of a series too long to draw point by point: one min/max envelope per
 * device pixel column. Device columns, not user units, so a HiDPI scale keeps full detail.
 * The loop maps nothing but x; y is mapped once per column. */
static void path_envelope(cairo_t *cr, const st_plot_series *s, const scale *sx, const scale *sy)
{
    double ox = 0.0, oy = 0.0, kx = 1.0, ky = 0.0;
    cairo_user_to_device(cr, &ox, &oy);
    cairo_user_to_device_distance(cr, &kx, &ky);
    double k = half_slope(sx), half_lo = 0.5 * sx->lo, p0 = sx->p0;
    column c = {.col = LONG_MIN, .count = 0};
    pen_state pen = {false, 0};
    for (size_t i = 0; i < s->n; i++) {
        double x = series_x(s, i), y = s->y[i];
        if (!isfinite(x) || !isfinite(y)) {
            flush_column(cr, &c, sx, sy, (c.col + 0.5 - ox) / kx, &pen);
            c.count = 0;
            pen.down = false;
            continue;
        }
        long col = pixel_column(ox + kx * (p0 + (0.5 * x - half_lo) * k));
        if (col != c.col || c.count == 0) {
            flush_column(cr, &c, sx, sy, (c.col + 0.5 - ox) / kx, &pen);
            column_start(&c, col, i, x, y);
            continue;
        }
        if (y < c.y_min) {
            c.y_min = y;
            c.i_min = i;
        } else if (y > c.y_max) {
            c.y_max = y;
            c.i_max = i;
        }
        c.x_last = x;
        c.y_last = y;
        c.count++;
    }
    flush_column(cr, &c, sx, sy, (c.col + 0.5 - ox) / kx, &pen);
}

static void path_polyline(cairo_t *cr, const st_plot_series *s, const scale *sx, const scale *sy)
{
    bool pen_down = false;
    for (size_t i = 0; i < s->n; i++) {
        double x = series_x(s, i), y = s->y[i];
        if (!isfinite(x) || !isfinite(y)) {
            pen_down = false;
            continue;
        }
        if (pen_down)
            cairo_line_to(cr, map(sx, x), map(sy, y));
        else
            cairo_move_to(cr, map(sx, x), map(sy, y));
        pen_down = true;
    }
}

static void draw_series(cairo_t *cr, const axes *a, const st_plot_series *s)
{
    if (!s->y || s->n == 0)
        return;
    const scale *sy = s->axis == ST_AXIS_RIGHT ? &a->sy2 : &a->sy;
    double dx = a->area.w, dy = 0.0;
    cairo_user_to_device_distance(cr, &dx, &dy);
    double columns = hypot(dx, dy);
    set_rgb(cr, s->color);
    cairo_set_line_width(cr, s->line_width > 0.0 ? s->line_width : DEFAULT_LINE_W);
    /* Below a few points per column the envelope saves nothing and the polyline is exact. */
    if ((double)s->n > 4.0 * columns)
        path_envelope(cr, s, &a->sx, sy);
    else
        path_polyline(cr, s, &a->sx, sy);
    cairo_stroke(cr);
}

static void draw_all_series(cairo_t *cr, const st_plot_panel *p, const axes *a)
{
    cairo_save(cr);
    cairo_rectangle(cr, a->area.x, a->area.y, a->area.w, a->area.h);
    cairo_clip(cr);
    /* Round joins keep the envelope's vertical back-and-forth free of miter spikes. */
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (size_t k = 0; k < p->n_series; k++)
        draw_series(cr, a, &p->series[k]);
    cairo_restore(cr);
}

/* ----------------------------------------------------------------------------------------- */
/* Axes, labels, legend                                                                       */

static void draw_x_axis(cairo_t *cr, const axes *a, const char *xlabel)
{
    double y0 = a->area.y + a->area.h;
    char buf[80];
    set_font(cr, a->fs);
    for (int i = 0; i < a->tx.n; i++) {
        double x = map(&a->sx, tick_value(&a->tx, i)), y = y0;
        snap(cr, &x, &y, spine_width);
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y0 + a->tick_len);
        cairo_stroke(cr);
        tick_label(buf, sizeof buf, tick_value(&a->tx, i), a->tx.step);
        text_at(cr, buf, x, y0 + a->tick_len + 0.35 * a->fs, 0.5, VA_TOP, 0.0);
    }
    if (has_text(xlabel)) {
        set_font(cr, 1.1 * a->fs);
        double y = y0 + a->tick_len + 0.35 * a->fs + a->fs + 0.6 * a->fs;
        text_at(cr, xlabel, a->area.x + 0.5 * a->area.w, y, 0.5, VA_TOP, 0.0);
    }
}

/* One y axis on side 'dir' (-1 left, +1 right): outward ticks, labels, rotated axis label. */
static void draw_y_axis(cairo_t *cr, const axes *a, const scale *s, const ticks *t,
                        const char *label, double dir)
{
    double x0 = dir < 0 ? a->area.x : a->area.x + a->area.w;
    double gap = a->tick_len + 0.35 * a->fs;
    char buf[80];
    set_font(cr, a->fs);
    for (int i = 0; i < t->n; i++) {
        double x = x0, y = map(s, tick_value(t, i));
        snap(cr, &x, &y, spine_width);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x0 + dir * a->tick_len, y);
        cairo_stroke(cr);
        tick_label(buf, sizeof buf, tick_value(t, i), t->step);
        text_at(cr, buf, x0 + dir * gap, y, dir < 0 ? 1.0 : 0.0, VA_MIDDLE, 0.0);
    }
    if (has_text(label)) {
        double x = x0 + dir * (gap + tick_labels_width(cr, t) + 0.5 * a->fs);
        set_font(cr, 1.1 * a->fs);
        /* Turned -90 degrees the text reads upwards with its top to the left: the left label
         * hangs from its bottom edge and the right one from its top, both outside the ticks. */
        text_at(cr, label, x, a->area.y + 0.5 * a->area.h, 0.5, dir < 0 ? VA_BOTTOM : VA_TOP,
                -0.5 * PLOT_PI);
    }
}

static void draw_axes(cairo_t *cr, const st_plot_panel *p, const axes *a)
{
    cairo_set_line_width(cr, spine_width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    set_rgb(cr, ink);
    cairo_rectangle(cr, a->area.x, a->area.y, a->area.w, a->area.h);
    cairo_stroke(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    draw_x_axis(cr, a, p->xlabel);
    draw_y_axis(cr, a, &a->sy, &a->ty, p->ylabel, -1.0);
    if (a->twin) {
        set_rgb(cr, a->twin_color);
        draw_y_axis(cr, a, &a->sy2, &a->ty2, p->y2label, 1.0);
        set_rgb(cr, ink);
    }
    if (has_text(p->title)) {
        set_font(cr, 1.2 * a->fs);
        text_at(cr, p->title, a->area.x + 0.5 * a->area.w, a->area.y - 0.6 * a->fs, 0.5, VA_BOTTOM,
                0.0);
    }
}

static void rounded_rect(cairo_t *cr, rect r, double radius)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, r.x + r.w - radius, r.y + radius, radius, -0.5 * PLOT_PI, 0.0);
    cairo_arc(cr, r.x + r.w - radius, r.y + r.h - radius, radius, 0.0, 0.5 * PLOT_PI);
    cairo_arc(cr, r.x + radius, r.y + r.h - radius, radius, 0.5 * PLOT_PI, PLOT_PI);
    cairo_arc(cr, r.x + radius, r.y + radius, radius, PLOT_PI, 1.5 * PLOT_PI);
    cairo_close_path(cr);
}

/* A legend box in the top-right corner of the plot area, one row per labelled series. */
static void draw_legend(cairo_t *cr, const st_plot_panel *p, const axes *a)
{
    double fs = a->fs, text_w = 0.0, row = 1.45 * fs, swatch = 2.0 * fs;
    int rows = 0;
    if (!p->legend)
        return;
    set_font(cr, fs);
    for (size_t k = 0; k < p->n_series; k++) {
        if (has_text(p->series[k].label)) {
            text_w = fmax(text_w, text_width(cr, p->series[k].label));
            rows++;
        }
    }
    if (rows == 0)
        return;
    rect box = {0.0, a->area.y + 0.5 * fs, swatch + text_w + 2.0 * fs, rows * row + 0.6 * fs};
    box.x = a->area.x + a->area.w - 0.5 * fs - box.w;
    rounded_rect(cr, box, 0.3 * fs);
    cairo_set_source_rgba(cr, 1.0, 1.0, 1.0, legend_alpha);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, legend_edge_grey, legend_edge_grey, legend_edge_grey);
    cairo_set_line_width(cr, spine_width);
    cairo_stroke(cr);
    double y = box.y + 0.3 * fs + 0.5 * row;
    for (size_t k = 0; k < p->n_series; k++) {
        const st_plot_series *s = &p->series[k];
        if (!has_text(s->label))
            continue;
        set_rgb(cr, s->color);
        cairo_set_line_width(cr, s->line_width > 0.0 ? s->line_width : DEFAULT_LINE_W);
        cairo_move_to(cr, box.x + 0.6 * fs, y);
        cairo_line_to(cr, box.x + 0.6 * fs + swatch, y);
        cairo_stroke(cr);
        set_rgb(cr, ink);
        text_at(cr, s->label, box.x + swatch + 1.2 * fs, y, 0.0, VA_MIDDLE, 0.0);
        y += row;
    }
}

/* ----------------------------------------------------------------------------------------- */
/* Images                                                                                     */

/* The image's cells as pixels, subsampled to at most IMAGE_MAX_CELLS a side, row 0 on top;
 * non-finite values transparent. NULL if cairo cannot make the surface. */
static cairo_surface_t *image_pixels(const st_plot_image *im, double zlo, double zhi)
{
    size_t w = im->nx < IMAGE_MAX_CELLS ? im->nx : IMAGE_MAX_CELLS;
    size_t h = im->ny < IMAGE_MAX_CELLS ? im->ny : IMAGE_MAX_CELLS;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w, (int)h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    size_t stride = (size_t)cairo_image_surface_get_stride(s);
    /* Half-differences, so that limits of +-DBL_MAX do not overflow the span. */
    double half_span = 0.5 * zhi - 0.5 * zlo;
    for (size_t r = 0; r < h; r++) {
        size_t j = im->ny - 1 - (size_t)((double)r * (double)im->ny / (double)h);
        const double *row = im->z + j * im->nx;
        for (size_t c = 0; c < w; c++) {
            double z = row[(size_t)((double)c * (double)im->nx / (double)w)];
            uint32_t px = 0; /* transparent */
            if (isfinite(z)) {
                st_rgb col = st_plot_colormap(im->colormap, (0.5 * z - 0.5 * zlo) / half_span);
                px = 0xff000000u | (uint32_t)lround(255.0 * col.r) << 16 |
                     (uint32_t)lround(255.0 * col.g) << 8 | (uint32_t)lround(255.0 * col.b);
            }
            memcpy(data + r * stride + 4 * c, &px, sizeof px);
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

/* The user coordinate of data value 'v' on 's', without keep_near's clamping: the image's
 * transform is a double-precision matrix, so far-off edges keep the scale exact. */
static double map_exact(const scale *s, double v)
{
    return s->p0 + (0.5 * v - 0.5 * s->lo) * half_slope(s);
}

/* Draws the image under the series, clipped to the plot area. */
static void draw_image(cairo_t *cr, const axes *a)
{
    const st_plot_image *im = a->img;
    if (!im)
        return;
    double ux0 = map_exact(&a->sx, im->x0), ux1 = map_exact(&a->sx, im->x1);
    double uy_top = map_exact(&a->sy, im->y1), uy_bot = map_exact(&a->sy, im->y0);
    double wu = ux1 - ux0, hu = uy_bot - uy_top;
    if (!isfinite(wu) || !isfinite(hu) || fabs(wu) < 1e-6 || fabs(hu) < 1e-6 ||
        fabs(wu) > 1e12 || fabs(hu) > 1e12)
        return;
    cairo_surface_t *s = image_pixels(im, a->zlo, a->zhi);
    if (!s)
        return;
    double w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    cairo_pattern_t *pat = cairo_pattern_create_for_surface(s);
    cairo_matrix_t mtx; /* user -> pattern (pixel) space */
    cairo_matrix_init(&mtx, w / wu, 0.0, 0.0, h / hu, -ux0 * w / wu, -uy_top * h / hu);
    cairo_pattern_set_matrix(pat, &mtx);
    cairo_pattern_set_extend(pat, CAIRO_EXTEND_PAD);
    /* Flat cells stay flat when enlarged; shrunk or smooth images are filtered. */
    bool enlarged = fabs(wu) >= w && fabs(hu) >= h;
    cairo_pattern_set_filter(pat, !im->smooth && enlarged ? CAIRO_FILTER_NEAREST
                                                          : CAIRO_FILTER_GOOD);
    double left = clampd(fmin(ux0, ux1), a->area.x, a->area.x + a->area.w);
    double right = clampd(fmax(ux0, ux1), a->area.x, a->area.x + a->area.w);
    double top = clampd(fmin(uy_top, uy_bot), a->area.y, a->area.y + a->area.h);
    double bottom = clampd(fmax(uy_top, uy_bot), a->area.y, a->area.y + a->area.h);
    cairo_save(cr);
    cairo_set_source(cr, pat);
    cairo_rectangle(cr, left, top, right - left, bottom - top);
    cairo_fill(cr);
    cairo_restore(cr);
    cairo_pattern_destroy(pat);
    cairo_surface_destroy(s);
}

/* The colour bar right of the axes (and of the twin axis): the colour map as a gradient
 * with the map's own anchors as stops, framed, with ticks and the label on its right. */
static void draw_colorbar(cairo_t *cr, const st_plot_panel *p, const axes *a)
{
    if (!a->img)
        return;
    set_font(cr, a->fs);
    double x = a->area.x + a->area.w + CBAR_GAP * a->fs +
               (a->twin ? y_side_width(cr, a, &a->ty2, p->y2label) : 0.0);
    axes bar = *a;
    bar.area = (rect){x, a->area.y, CBAR_WIDTH * a->fs, a->area.h};
    double y0 = bar.area.y, x1 = bar.area.x + bar.area.w;
    snap(cr, &bar.area.x, &y0, spine_width);
    snap(cr, &x1, &y0, spine_width);
    bar.area.w = x1 - bar.area.x;
    scale sz = {a->zlo, a->zhi, a->area.y + a->area.h, a->area.y};
    size_t n;
    const st_rgb *c = colormap_anchors(a->img->colormap, &n);
    cairo_pattern_t *g = cairo_pattern_create_linear(0.0, sz.p0, 0.0, sz.p1);
    for (size_t k = 0; k < n; k++)
        cairo_pattern_add_color_stop_rgb(g, (double)k / (double)(n - 1), c[k].r, c[k].g, c[k].b);
    cairo_rectangle(cr, bar.area.x, bar.area.y, bar.area.w, bar.area.h);
    cairo_set_source(cr, g);
    cairo_fill(cr);
    cairo_pattern_destroy(g);
    set_rgb(cr, ink);
    cairo_set_line_width(cr, spine_width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    cairo_rectangle(cr, bar.area.x, bar.area.y, bar.area.w, bar.area.h);
    cairo_stroke(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    draw_y_axis(cr, &bar, &sz, &a->tz, a->img->zlabel, 1.0);
}

/* Draws panel 'p', prepared into 'a', with its plot area inside 'cell' less 'm'. */
static void draw_panel(cairo_t *cr, const st_plot_panel *p, axes *a, rect cell, margins m)
{
    place(cr, a, cell, m);
    /* Shared margins can leave a panel narrower than it measured itself for. */
    double overhang = x_overhang(cr, a, cell);
    if (overhang > 0.0) {
        m.right += overhang;
        place(cr, a, cell, m);
    }
    draw_image(cr, a);
    draw_all_series(cr, p, a);
    draw_axes(cr, p, a);
    draw_colorbar(cr, p, a);
    draw_legend(cr, p, a);
}

/* ----------------------------------------------------------------------------------------- */
/* Figures                                                                                    */

void st_plot_panel_init(st_plot_panel *p)
{
    memset(p, 0, sizeof *p);
    p->xmin = p->xmax = NAN;
    p->ymin = p->ymax = NAN;
    p->y2min = p->y2max = NAN;
    p->legend = true;
}

/* The grid: 'rows' x 'cols' as given, the missing one derived, or one column. */
static void grid_shape(const st_plot_figure *fig, int *rows, int *cols)
{
    int n = fig->n_panels > INT_MAX ? INT_MAX : (int)fig->n_panels;
    *rows = fig->rows;
    *cols = fig->cols;
    if (*rows <= 0 && *cols <= 0) {
        *cols = 1;
        *rows = n;
    } else if (*rows <= 0) {
        *rows = (n + *cols - 1) / *cols;
    } else if (*cols <= 0) {
        *cols = (n + *rows - 1) / *rows;
    }
}

/* A panel's layout, kept between measuring all panels and drawing them. */
typedef struct slot {
    axes a;
    margins m;
} slot;

/* The widest margins in panel k's grid column (left, right) and row (top, bottom), so that
 * plot areas line up as matplotlib's subplots do. */
static margins shared_margins(const slot *s, size_t n, size_t k, size_t cols)
{
    margins m = s[k].m;
    for (size_t j = 0; j < n; j++) {
        if (j % cols == k % cols) {
            m.left = fmax(m.left, s[j].m.left);
            m.right = fmax(m.right, s[j].m.right);
        }
        if (j / cols == k / cols) {
            m.top = fmax(m.top, s[j].m.top);
            m.bottom = fmax(m.bottom, s[j].m.bottom);
        }
    }
    return m;
}

/* Lays out and draws the panels in 'frame'. Without memory for the layouts it still draws,
 * each panel with its own margins, because drawing never fails. */
static void draw_grid(cairo_t *cr, const st_plot_figure *fig, int rows, int cols, rect frame,
                      double fs)
{
    size_t n = fig->n_panels, nc = (size_t)cols;
    if (n > (size_t)rows * nc)
        n = (size_t)rows * nc;
    double cw = frame.w / cols, ch = frame.h / rows;
    slot *s = st_calloc(n, sizeof *s);
    for (size_t k = 0; k < n; k++) {
        rect cell = {frame.x + (double)(k % nc) * cw, frame.y + (double)(k / nc) * ch, cw, ch};
        slot local, *sk = s ? &s[k] : &local;
        sk->m = prepare(cr, &fig->panels[k], cell, fs, &sk->a);
        if (!s)
            draw_panel(cr, &fig->panels[k], &local.a, cell, local.m);
    }
    for (size_t k = 0; s && k < n; k++) {
        rect cell = {frame.x + (double)(k % nc) * cw, frame.y + (double)(k / nc) * ch, cw, ch};
        draw_panel(cr, &fig->panels[k], &s[k].a, cell, shared_margins(s, n, k, nc));
    }
    st_free(s);
}

void st_plot_draw(cairo_t *cr, const st_plot_figure *fig, double width, double height)
{
    cairo_save(cr);
    cairo_rectangle(cr, 0.0, 0.0, width, height);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_fill(cr);
    int rows, cols;
    if (!fig || !fig->panels || fig->n_panels == 0 || !(width > 0.0) || !(height > 0.0))
        goto done;
    grid_shape(fig, &rows, &cols);
    if (rows <= 0 || cols <= 0)
        goto done;
    /* One font size for every panel, from the cell size, so a contact sheet reads evenly. */
    double fs = clampd(fmin(width / cols / 34.0, height / rows / 24.0), FONT_MIN, FONT_MAX);
    double top = 0.0;
    if (has_text(fig->title)) {
        set_font(cr, 1.35 * fs);
        set_rgb(cr, ink);
        text_at(cr, fig->title, 0.5 * width, 0.8 * fs, 0.5, VA_TOP, 0.0);
        top = 0.8 * fs + 1.35 * fs;
    }
    draw_grid(cr, fig, rows, cols, (rect){0.0, top, width, height - top}, fs);
done:
    cairo_restore(cr);
}

/* ----------------------------------------------------------------------------------------- */
/* Files                                                                                      */

static bool ext_is(const char *ext, const char *want)
{
    for (; *ext && *want; ext++, want++) {
        char c = *ext >= 'A' && *ext <= 'Z' ? (char)(*ext - 'A' + 'a') : *ext;
        if (c != *want)
            return false;
    }
    return *ext == '\0' && *want == '\0';
}

static bool format_of(const char *path, st_plot_format *format)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    if (!dot)
        return false;
    if (ext_is(dot, ".png"))
        *format = ST_PLOT_PNG;
    else if (ext_is(dot, ".svg"))
        *format = ST_PLOT_SVG;
    else if (ext_is(dot, ".pdf"))
        *format = ST_PLOT_PDF;
    else
        return false;
    return true;
}

/* Checks that the folder holding 'path' is a directory we may create files in. */
static st_status check_dir(const char *path, st_error *err)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 1;
    char *dir = st_malloc(len + 1);
    if (!dir)
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    if (!slash)
        memcpy(dir, ".", 2);
    else if (len == 0)
        memcpy(dir, "/", 2);
    else {
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    struct stat sb;
    st_status rc = ST_OK;
    if (stat(dir, &sb) != 0)
        rc = st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(errno));
    else if (!S_ISDIR(sb.st_mode))
        rc = st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(ENOTDIR));
    else if (access(dir, W_OK | X_OK) != 0)
        rc = st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(errno));
    st_free(dir);
    return rc;
}

st_status st_plot_check_path(const char *path, st_plot_format *format, st_error *err)
{
    st_plot_format f;
    if (!path || !path[0])
        return st_error_set(err, ST_ERR_INVAL, "plot: empty file name");
    if (!format_of(path, &f))
        return st_error_set(err, ST_ERR_INVAL, "%s: unknown plot format (use .png, .svg or .pdf)",
                            path);
    st_status rc = check_dir(path, err);
    if (rc)
        return rc;
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(EISDIR));
        if (!S_ISREG(sb.st_mode))
            return st_error_set(err, ST_ERR_IO, "%s: not a regular file", path);
        if (access(path, W_OK) != 0)
            return st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(errno));
    } else if (errno != ENOENT) {
        return st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(errno));
    }
    if (format)
        *format = f;
    return ST_OK;
}

/* Where cairo's output goes: a file descriptor, with the first write error kept. */
typedef struct sink {
    int fd;
    int error; /* errno of the first failed write, 0 if none */
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    sink *s = closure;
    while (len > 0) {
        ssize_t k = write(s->fd, data, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            s->error = k < 0 ? errno : EIO;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        data += k;
        len -= (unsigned int)k;
    }
    return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t render(const st_plot_figure *fig, st_plot_format format, double w, double h,
                             sink *out)
{
    cairo_surface_t *surface;
    if (format == ST_PLOT_PNG)
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(w), (int)ceil(h));
    else if (format == ST_PLOT_SVG)
        surface = cairo_svg_surface_create_for_stream(sink_write, out, w, h);
    else
        surface = cairo_pdf_surface_create_for_stream(sink_write, out, w, h);
    cairo_t *cr = cairo_create(surface);
    st_plot_draw(cr, fig, w, h);
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    if (status == CAIRO_STATUS_SUCCESS && format == ST_PLOT_PNG)
        status = cairo_surface_write_to_png_stream(surface, sink_write, out);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    return status;
}

/* Creates "PATH.tmp-PID-N" exclusively. Not mkstemp: its 0600 mode would stick to the
 * renamed figure, while open(0666) lets the umask decide, as for any new file. */
static int open_temp(const char *path, char *tmp, size_t size)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(tmp, size, "%s.tmp-%ld-%d", path, (long)getpid(), attempt);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Renders into the already-open 'fd' and closes it; reports the first failure. */
static st_status write_figure(const st_plot_figure *fig, st_plot_format format, const char *path,
                              int fd, st_error *err)
{
    double w = fig->width > 0.0 ? fig->width : DEFAULT_WIDTH_PX;
    double h = fig->height > 0.0 ? fig->height : DEFAULT_HEIGHT_PX;
    if (format == ST_PLOT_PNG && (w > PNG_MAX_SIDE || h > PNG_MAX_SIDE)) {
        close(fd);
        return st_error_set(err, ST_ERR_INVAL, "%s: figure %gx%g is too large for PNG (max %d)",
                            path, w, h, PNG_MAX_SIDE);
    }
    sink out = {fd, 0};
    cairo_status_t status = render(fig, format, w, h, &out);
    int close_rc = close(fd);
    if (out.error)
        return st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(out.error));
    if (status != CAIRO_STATUS_SUCCESS)
        return st_error_set(err, ST_ERR_IO, "%s: cairo: %s", path, cairo_status_to_string(status));
    if (close_rc != 0)
        return st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(errno));
    return ST_OK;
}

st_status st_plot_save(const st_plot_figure *fig, const char *path, st_error *err)
{
    st_plot_format format;
    if (!fig)
        return st_error_set(err, ST_ERR_INVAL, "plot: no figure");
    st_status rc = st_plot_check_path(path, &format, err);
    if (rc)
        return rc;
    size_t size = strlen(path) + 48;
    char *tmp = st_malloc(size);
    if (!tmp)
        return st_error_set(err, ST_ERR_NOMEM, "%s: out of memory", path);
    int fd = open_temp(path, tmp, size);
    if (fd < 0) {
        rc = st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(errno));
        goto done;
    }
    rc = write_figure(fig, format, path, fd, err);
    if (rc == ST_OK && rename(tmp, path) != 0)
        rc = st_error_set(err, ST_ERR_IO, "%s: %s", path, strerror(errno));
    if (rc != ST_OK)
        unlink(tmp);
done:
    st_free(tmp);
    return rc;
}
