/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the plot module: pixels of rendered figures, file formats, and path checks. */
#define _POSIX_C_SOURCE 200809L

#include "st-test.h"

#include <cairo.h>
#include <dirent.h>
#include <float.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spiketalk/plot.h"

#define TWO_PI 6.28318530717958647692

/* fontconfig, loaded with cairo, keeps caches until FcFini(); a weak reference frees them at
 * exit without making the test link fontconfig itself. */
#if defined(__GNUC__)
extern void FcFini(void) __attribute__((weak));
#endif

/* ----------------------------------------------------------------------------------------- */
/* Helpers                                                                                    */

typedef struct rgb8 {
    int r, g, b;
} rgb8;

/* The plot area as the spines show it: pixel columns/rows of the left, right, top, bottom
 * spines. The area in user units runs from the spine pixel's centre, i.e. 'left' + 0.5. */
typedef struct frame {
    int left, right, top, bottom;
} frame;

static char tmpdir[64];

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/st-test-plot-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

/* Removes the files the tests left in 'tmpdir' (one level: tests remove their own folders). */
static int group_teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (!d)
        return -1;
    char path[512];
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    return rmdir(tmpdir);
}

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int count_dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static cairo_surface_t *render(const st_plot_figure *fig, int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    st_plot_draw(cr, fig, w, h);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static rgb8 pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *row =
        cairo_image_surface_get_data(s) + (size_t)y * (size_t)cairo_image_surface_get_stride(s);
    uint32_t v;
    memcpy(&v, row + 4 * (size_t)x, sizeof v);
    return (rgb8){(int)(v >> 16) & 255, (int)(v >> 8) & 255, (int)v & 255};
}

/* ST_RGB_BLUE at >= ~40% coverage over white; white, black, grey and red all fail. */
static bool is_blue(rgb8 c)
{
    return c.b - c.r > 60 && c.b - c.g > 25;
}

static bool is_red(rgb8 c)
{
    return c.r - c.g > 60 && c.r - c.b > 60;
}

static bool is_dark(rgb8 c)
{
    return c.r < 80 && c.g < 80 && c.b < 80;
}

static bool is_white(rgb8 c)
{
    return c.r == 255 && c.g == 255 && c.b == 255;
}

/* Finds the spines inside the rectangle (x0, y0, w, h) as the columns and rows that are dark
 * along more than 40% of it: no label, tick or blue trace comes close. */
static frame find_frame(cairo_surface_t *s, int x0, int y0, int w, int h)
{
    frame f = {-1, -1, -1, -1};
    for (int x = x0; x < x0 + w; x++) {
        int n = 0;
        for (int y = y0; y < y0 + h; y++)
            n += is_dark(pixel(s, x, y));
        if (n > 0.4 * h) {
            f.left = f.left < 0 ? x : f.left;
            f.right = x;
        }
    }
    for (int y = y0; y < y0 + h; y++) {
        int n = 0;
        for (int x = x0; x < x0 + w; x++)
            n += is_dark(pixel(s, x, y));
        if (n > 0.4 * w) {
            f.top = f.top < 0 ? y : f.top;
            f.bottom = y;
        }
    }
    assert_true(f.left >= 0 && f.right > f.left + 10 && f.top >= 0 && f.bottom > f.top + 10);
    return f;
}

/* The pixel row where data value 'v' lands on an axis from 'lo' to 'hi' inside 'f'. */
static double row_of(frame f, double v, double lo, double hi)
{
    return f.top + 0.5 + (hi - v) / (hi - lo) * (f.bottom - f.top);
}

static double col_of(frame f, double v, double lo, double hi)
{
    return f.left + 0.5 + (v - lo) / (hi - lo) * (f.right - f.left);
}

/* The first and last rows of column x, strictly inside the frame, that match 'want'. */
static bool column_extent(cairo_surface_t *s, frame f, int x, bool (*want)(rgb8), int *top,
                          int *bottom)
{
    *top = *bottom = -1;
    for (int y = f.top + 1; y < f.bottom; y++) {
        if (want(pixel(s, x, y))) {
            *top = *top < 0 ? y : *top;
            *bottom = y;
        }
    }
    return *top >= 0;
}

static void sine(double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = sin(TWO_PI * (double)i / (double)(n - 1));
}

static st_plot_panel sine_panel(st_plot_series *s, const double *y, size_t n)
{
    *s = (st_plot_series){.y = y,
                          .n = n,
                          .x0 = 0.0,
                          .dx = TWO_PI / (double)(n - 1),
                          .label = "v",
                          .color = ST_RGB_BLUE};
    st_plot_panel p;
    st_plot_panel_init(&p);
    p.title = "sine";
    p.xlabel = "t";
    p.ylabel = "v";
    p.series = s;
    p.n_series = 1;
    p.legend = false;
    return p;
}

/* ----------------------------------------------------------------------------------------- */
/* Tests                                                                                      */

static void test_plot_panel_init_defaults(void **state)
{
    (void)state;
    st_plot_panel p;
    memset(&p, 0xab, sizeof p);
    st_plot_panel_init(&p);
    assert_true(isnan(p.xmin) && isnan(p.xmax) && isnan(p.ymin) && isnan(p.ymax));
    assert_true(isnan(p.y2min) && isnan(p.y2max));
    assert_null(p.series);
    assert_int_equal(p.n_series, 0);
    assert_null(p.title);
    assert_true(p.legend);
}

/* A sine with auto limits: y spans -1.1..1.1 (5% margin), x exactly 0..2pi, so +1 sits at
 * 0.1/2.2 of the height below the top spine, a quarter of the way across. */
static void test_plot_sine_png_pixels(void **state)
{
    (void)state;
    static double y[1000];
    sine(y, 1000);
    st_plot_series s;
    st_plot_panel p = sine_panel(&s, y, 1000);
    st_plot_figure fig = {.panels = &p, .n_panels = 1, .width = 800, .height = 500};
    char path[128];
    tmp_path(path, sizeof path, "sine.png");
    st_error err;
    assert_int_equal(st_plot_save(&fig, path, &err), ST_OK);
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img), 800);
    assert_int_equal(cairo_image_surface_get_height(img), 500);
    assert_true(is_white(pixel(img, 0, 0)) && is_white(pixel(img, 799, 0)));
    assert_true(is_white(pixel(img, 0, 499)) && is_white(pixel(img, 799, 499)));

    frame f = find_frame(img, 0, 0, 800, 500);
    int top = 1 << 30, bottom = -1, top_x = 0, bottom_x = 0;
    for (int x = f.left + 1; x < f.right; x++) {
        int t, b;
        if (!column_extent(img, f, x, is_blue, &t, &b))
            continue;
        if (t < top)
            top = t, top_x = x;
        if (b > bottom)
            bottom = b, bottom_x = x;
    }
    assert_close(top, row_of(f, 1.0, -1.1, 1.1), 2.0, 0.0);
    assert_close(bottom, row_of(f, -1.0, -1.1, 1.1), 2.0, 0.0);
    /* The first column to reach the extreme row lies a little before the peak. */
    assert_close(top_x, col_of(f, 0.25 * TWO_PI, 0.0, TWO_PI), 0.06 * (f.right - f.left), 0.0);
    assert_close(bottom_x, col_of(f, 0.75 * TWO_PI, 0.0, TWO_PI), 0.06 * (f.right - f.left), 0.0);
    /* Nothing blue outside the frame: the trace is clipped to the axes. */
    for (int x = 0; x < 800; x += 3)
        assert_false(is_blue(pixel(img, x, f.top - 3)) || is_blue(pixel(img, x, f.bottom + 3)));
    cairo_surface_destroy(img);
}

/* v on the left, a 0 -> 5 step on the right: the step's top lands where y2 = 5 maps on the
 * right axis (auto -0.25..5.25), and the right tick labels are red. */
static void test_plot_twin_axis_draws_red(void **state)
{
    (void)state;
    static double v[600], cur[600];
    for (int i = 0; i < 600; i++) {
        v[i] = -65.0 + 20.0 * sin(i * 0.05);
        cur[i] = i >= 300 ? 5.0 : 0.0;
    }
    st_plot_series s[2] = {
        {.y = v, .n = 600, .dx = 1.0, .label = "v", .color = ST_RGB_BLUE},
        {.y = cur, .n = 600, .dx = 1.0, .label = "I", .color = ST_RGB_RED, .axis = ST_AXIS_RIGHT},
    };
    st_plot_panel p;
    st_plot_panel_init(&p);
    p.ymin = -95.0;
    p.ymax = 40.0;
    p.ylabel = "v (mV)";
    p.y2label = "I";
    p.series = s;
    p.n_series = 2;
    p.legend = false;
    st_plot_figure fig = {.panels = &p, .n_panels = 1};
    cairo_surface_t *img = render(&fig, 1200, 700);
    frame f = find_frame(img, 0, 0, 1200, 700);
    int t, b, x = (int)col_of(f, 450.0, 0.0, 599.0);
    assert_true(column_extent(img, f, x, is_red, &t, &b));
    assert_close(0.5 * (t + b), row_of(f, 5.0, -0.25, 5.25), 1.5, 0.0);
    x = (int)col_of(f, 150.0, 0.0, 599.0);
    assert_true(column_extent(img, f, x, is_red, &t, &b));
    assert_close(0.5 * (t + b), row_of(f, 0.0, -0.25, 5.25), 1.5, 0.0);
    /* The right axis's labels are drawn in the series' red, beside the right spine. */
    int red_labels = 0;
    for (int yy = f.top; yy <= f.bottom; yy++)
        for (int xx = f.right + 3; xx < 1200; xx++)
            red_labels += is_red(pixel(img, xx, yy));
    assert_true(red_labels > 50);
    cairo_surface_destroy(img);
}

/* A flat trace at -65 widens to -71.5..-58.5, so the line runs through the middle. */
static void test_plot_constant_series_is_centred(void **state)
{
    (void)state;
    static double y[100];
    for (int i = 0; i < 100; i++)
        y[i] = -65.0;
    st_plot_series s;
    st_plot_panel p = sine_panel(&s, y, 100);
    st_plot_figure fig = {.panels = &p, .n_panels = 1};
    cairo_surface_t *img = render(&fig, 600, 400);
    frame f = find_frame(img, 0, 0, 600, 400);
    int t, b;
    assert_true(column_extent(img, f, (f.left + f.right) / 2, is_blue, &t, &b));
    assert_close(0.5 * (t + b), 0.5 * (f.top + f.bottom) + 0.5, 1.5, 0.0);
    cairo_surface_destroy(img);
}

/* NAN in the middle third of a series leaves a gap, in both drawing paths. */
static void test_plot_nan_breaks_line(void **state)
{
    (void)state;
    size_t sizes[2] = {300, 200000}; /* polyline, envelope */
    for (int k = 0; k < 2; k++) {
        size_t n = sizes[k];
        double *y = malloc(n * sizeof *y);
        assert_non_null(y);
        sine(y, n);
        for (size_t i = n / 3; i < 2 * n / 3; i++)
            y[i] = (i % 2) ? NAN : INFINITY;
        st_plot_series s;
        st_plot_panel p = sine_panel(&s, y, n);
        st_plot_figure fig = {.panels = &p, .n_panels = 1};
        cairo_surface_t *img = render(&fig, 600, 400);
        frame f = find_frame(img, 0, 0, 600, 400);
        int t, b, blue_cols = 0;
        for (double u = 0.37; u < 0.63; u += 0.01)
            assert_false(column_extent(img, f, (int)col_of(f, u, 0, 1), is_blue, &t, &b));
        for (double u = 0.05; u < 0.30; u += 0.01)
            blue_cols += column_extent(img, f, (int)col_of(f, u, 0, 1), is_blue, &t, &b);
        assert_int_equal(blue_cols, 25);
        cairo_surface_destroy(img);
        free(y);
    }
}

/* 2e6 points take the envelope path; column by column it must cover the same rows as the
 * polyline of 1000 points of the same sine (both well under a pixel per step vertically). */
static void test_plot_envelope_matches_polyline(void **state)
{
    (void)state;
    size_t n_long = 2000000, n_short = 1000;
    double *y_long = malloc(n_long * sizeof *y_long), *y_short = malloc(n_short * sizeof *y_short);
    assert_non_null(y_long);
    assert_non_null(y_short);
    sine(y_long, n_long);
    sine(y_short, n_short);
    st_plot_series s_long, s_short;
    st_plot_panel p_long = sine_panel(&s_long, y_long, n_long);
    st_plot_panel p_short = sine_panel(&s_short, y_short, n_short);
    st_plot_figure f_long = {.panels = &p_long, .n_panels = 1};
    st_plot_figure f_short = {.panels = &p_short, .n_panels = 1};
    cairo_surface_t *a = render(&f_long, 700, 400), *b = render(&f_short, 700, 400);
    frame f = find_frame(a, 0, 0, 700, 400), g = find_frame(b, 0, 0, 700, 400);
    assert_memory_equal(&f, &g, sizeof f);
    int matched = 0;
    for (int x = f.left + 2; x < f.right - 1; x++) {
        int ta, ba, tb, bb;
        bool in_a = column_extent(a, f, x, is_blue, &ta, &ba);
        assert_int_equal(in_a, column_extent(b, f, x, is_blue, &tb, &bb));
        if (!in_a)
            continue;
        assert_close(ta, tb, 1.0, 0.0);
        assert_close(ba, bb, 1.0, 0.0);
        matched++;
    }
    assert_true(matched > f.right - f.left - 5);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    free(y_long);
    free(y_short);
}

/* Samples alternating -1, +1 fill the band between the two levels in every column: what the
 * full polyline draws, and what a decimating plot (every k-th sample) would lose. */
static void test_plot_envelope_fills_alternating_band(void **state)
{
    (void)state;
    size_t n = 2000000;
    double *y = malloc(n * sizeof *y);
    assert_non_null(y);
    for (size_t i = 0; i < n; i++)
        y[i] = (i % 2) ? 1.0 : -1.0;
    st_plot_series s;
    st_plot_panel p = sine_panel(&s, y, n);
    p.ymin = -2.0;
    p.ymax = 2.0;
    st_plot_figure fig = {.panels = &p, .n_panels = 1};
    cairo_surface_t *img = render(&fig, 700, 400);
    frame f = find_frame(img, 0, 0, 700, 400);
    int hi = (int)row_of(f, 1.0, -2.0, 2.0), lo = (int)row_of(f, -1.0, -2.0, 2.0);
    for (int x = f.left + 2; x < f.right - 1; x++) {
        for (int yy = hi + 1; yy < lo; yy++)
            assert_true(is_blue(pixel(img, x, yy)));
        assert_false(is_blue(pixel(img, x, hi - 3)) || is_blue(pixel(img, x, lo + 3)));
    }
    cairo_surface_destroy(img);
    free(y);
}

/* x given as an array or as x0 + i*dx must draw the same picture. */
static void test_plot_explicit_x_equals_uniform(void **state)
{
    (void)state;
    static double x[500], y[500];
    for (int i = 0; i < 500; i++) {
        x[i] = 10.0 + 0.5 * i;
        y[i] = cos(i * 0.03);
    }
    st_plot_series s;
    st_plot_panel p = sine_panel(&s, y, 500);
    s.x0 = 10.0;
    s.dx = 0.5;
    st_plot_figure fig = {.panels = &p, .n_panels = 1};
    cairo_surface_t *a = render(&fig, 500, 300);
    s.x = x;
    s.x0 = s.dx = 12345.0; /* ignored when x is given */
    cairo_surface_t *b = render(&fig, 500, 300);
    int stride = cairo_image_surface_get_stride(a);
    assert_memory_equal(cairo_image_surface_get_data(a), cairo_image_surface_get_data(b),
                        (size_t)stride * 300);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
}

/* Empty, NULL, non-finite and huge data, degenerate grids: all draw, none fail. */
static void test_plot_draw_survives_bad_data(void **state)
{
    (void)state;
    static const double huge[4] = {-DBL_MAX, DBL_MAX, 1e308, -1e-308};
    static const double nans[3] = {NAN, INFINITY, -INFINITY};
    static double wild[5000];
    for (int i = 0; i < 5000; i++)
        wild[i] = (i % 3) ? ((i % 2) ? DBL_MAX : -DBL_MAX) : (i % 7 ? 1.0 : NAN);
    st_plot_series w[2] = {
        {.y = wild, .n = 5000, .dx = 1.0, .color = ST_RGB_RED}, /* envelope path */
        {.y = wild, .n = 5000, .x0 = -DBL_MAX, .dx = DBL_MAX / 2000.0, .color = ST_RGB_BLUE},
    };
    st_plot_series s[4] = {
        {.y = huge, .n = 4, .dx = 1e300, .color = ST_RGB_GREEN},
        {.y = nans, .n = 3, .dx = 1.0, .color = ST_RGB_BLUE, .axis = ST_AXIS_RIGHT},
        {.y = NULL, .n = 10, .dx = 1.0, .color = ST_RGB_RED},
        {.y = huge, .n = 0, .dx = NAN, .color = ST_RGB_GREY, .label = "empty"},
    };
    st_plot_panel p[3];
    for (int i = 0; i < 3; i++)
        st_plot_panel_init(&p[i]);
    p[2].xmin = 10.0; /* most of 'wild' lies far off the right edge */
    p[2].xmax = 20.0;
    p[2].series = w;
    p[2].n_series = 2;
    p[0].series = s;
    p[0].n_series = 4;
    p[1].xmin = 5.0; /* inverted and one-sided limits */
    p[1].xmax = -5.0;
    p[1].ymin = 7.0;
    p[1].series = &s[1];
    p[1].n_series = 1;
    st_plot_figure figs[4] = {
        {.panels = p, .n_panels = 3, .rows = 2},
        {.panels = p, .n_panels = 3, .cols = 2, .title = "t"},
        {.panels = p, .n_panels = 3, .rows = 1, .cols = 1},
        {.panels = NULL, .n_panels = 0},
    };
    for (int i = 0; i < 4; i++)
        cairo_surface_destroy(render(&figs[i], 300, 200));
    cairo_surface_destroy(render(&figs[0], 3, 2));
    cairo_surface_t *img = render(NULL, 20, 10);
    assert_true(is_white(pixel(img, 5, 5)));
    cairo_surface_destroy(img);
}

static void test_plot_check_path_rejects_extension(void **state)
{
    (void)state;
    const char *bad[] = {"fig.txt", "fig", "fig.png.gz", "dir.png/fig", "fig.pn", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        st_error err;
        st_plot_format fmt = ST_PLOT_PDF;
        assert_int_equal(st_plot_check_path(bad[i], &fmt, &err), ST_ERR_INVAL);
        assert_int_equal(err.code, ST_ERR_INVAL);
        assert_int_equal(fmt, ST_PLOT_PDF);
    }
    st_error err;
    assert_int_equal(st_plot_check_path("out.txt", NULL, &err), ST_ERR_INVAL);
    assert_string_equal(err.msg, "out.txt: unknown plot format (use .png, .svg or .pdf)");
}

static void test_plot_check_path_formats(void **state)
{
    (void)state;
    const char *names[] = {"a.png", "b.PNG", "c.svg", "d.Svg", "e.pdf", "f.PDF"};
    const st_plot_format want[] = {ST_PLOT_PNG, ST_PLOT_PNG, ST_PLOT_SVG,
                                   ST_PLOT_SVG, ST_PLOT_PDF, ST_PLOT_PDF};
    for (int i = 0; i < 6; i++) {
        char path[128];
        tmp_path(path, sizeof path, names[i]);
        st_plot_format fmt;
        assert_int_equal(st_plot_check_path(path, &fmt, NULL), ST_OK);
        assert_int_equal(fmt, want[i]);
        assert_int_equal(st_plot_check_path(path, NULL, NULL), ST_OK);
        assert_false(file_exists(path)); /* checking creates nothing */
    }
}

static void test_plot_check_path_rejects_missing_dir(void **state)
{
    (void)state;
    char path[160], dir[128];
    tmp_path(dir, sizeof dir, "missing");
    snprintf(path, sizeof path, "%s/fig.png", dir);
    st_error err;
    assert_int_equal(st_plot_check_path(path, NULL, &err), ST_ERR_IO);
    assert_int_equal(err.code, ST_ERR_IO);
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    assert_non_null(strstr(err.msg, ": "));
    assert_false(file_exists(dir));
    assert_false(file_exists(path));
}

/* A directory in the way, a file used as a folder, and (unless root) a read-only folder and
 * a read-only file: each is ST_ERR_IO, and nothing is changed. */
static void test_plot_check_path_rejects_unwritable(void **state)
{
    (void)state;
    char path[160], sub[128], file[128];
    st_error err;
    tmp_path(sub, sizeof sub, "dir.png");
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(st_plot_check_path(sub, NULL, &err), ST_ERR_IO);
    tmp_path(file, sizeof file, "plain.svg");
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fputs("keep", fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/x.png", file);
    assert_int_equal(st_plot_check_path(path, NULL, &err), ST_ERR_IO);
    if (geteuid() != 0) {
        assert_int_equal(chmod(file, 0400), 0);
        assert_int_equal(st_plot_check_path(file, NULL, &err), ST_ERR_IO);
        assert_int_equal(chmod(sub, 0500), 0);
        snprintf(path, sizeof path, "%s/x.png", sub);
        assert_int_equal(st_plot_check_path(path, NULL, &err), ST_ERR_IO);
        assert_int_equal(count_dir_entries(sub), 0);
        chmod(file, 0600);
    }
    assert_int_equal(rmdir(sub), 0);
    assert_int_equal(unlink(file), 0);
}

static void read_head(const char *path, char *buf, size_t n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    memset(buf, 0, n);
    assert_true(fread(buf, 1, n - 1, fp) > 0);
    fclose(fp);
}

static void test_plot_save_svg_and_pdf(void **state)
{
    (void)state;
    static double y[200];
    sine(y, 200);
    st_plot_series s;
    st_plot_panel p = sine_panel(&s, y, 200);
    st_plot_figure fig = {.panels = &p, .n_panels = 1, .title = "formats"};
    char svg[128], pdf[128], head[256];
    tmp_path(svg, sizeof svg, "fig.SVG");
    tmp_path(pdf, sizeof pdf, "fig.pdf");
    int before = count_dir_entries(tmpdir);
    assert_int_equal(st_plot_save(&fig, svg, NULL), ST_OK);
    assert_int_equal(st_plot_save(&fig, pdf, NULL), ST_OK);
    read_head(svg, head, sizeof head);
    assert_true(strncmp(head, "<?xml", 5) == 0 || strncmp(head, "<svg", 4) == 0);
    assert_non_null(strstr(head, "<svg"));
    read_head(pdf, head, sizeof head);
    assert_memory_equal(head, "%PDF", 4);
    /* The temporary files were renamed away: exactly two new entries. */
    assert_int_equal(count_dir_entries(tmpdir), before + 2);
}

/* Default size is 1200 x 700; saving over an existing figure replaces it. */
static void test_plot_save_png_default_size_replaces(void **state)
{
    (void)state;
    static double y[50];
    sine(y, 50);
    st_plot_series s;
    st_plot_panel p = sine_panel(&s, y, 50);
    st_plot_figure fig = {.panels = &p, .n_panels = 1};
    char path[128];
    tmp_path(path, sizeof path, "default.png");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("old contents", fp);
    fclose(fp);
    assert_int_equal(st_plot_save(&fig, path, NULL), ST_OK);
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img), 1200);
    assert_int_equal(cairo_image_surface_get_height(img), 700);
    cairo_surface_destroy(img);
}

/* A save that fails leaves no file, and no temporary, anywhere. */
static void test_plot_save_failure_leaves_nothing(void **state)
{
    (void)state;
    static double y[50];
    sine(y, 50);
    st_plot_series s;
    st_plot_panel p = sine_panel(&s, y, 50);
    st_plot_figure fig = {.panels = &p, .n_panels = 1, .width = 40000, .height = 100};
    char path[128], missing[128];
    st_error err;
    tmp_path(missing, sizeof missing, "nodir/fig.png");
    assert_int_equal(st_plot_save(&fig, missing, &err), ST_ERR_IO);
    assert_false(file_exists(missing));
    int before = count_dir_entries(tmpdir);
    tmp_path(path, sizeof path, "toolarge.png");
    assert_int_not_equal(st_plot_save(&fig, path, &err), ST_OK);
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    assert_false(file_exists(path));
    assert_int_equal(count_dir_entries(tmpdir), before);
    assert_int_equal(st_plot_save(NULL, path, &err), ST_ERR_INVAL);
}

/* A 5 x 4 contact sheet: every cell holds a framed panel with a blue trace, and the panels
 * of a grid column share their left spine. */
static void test_plot_contact_sheet(void **state)
{
    (void)state;
    static double y[400];
    sine(y, 400);
    st_plot_series s[20];
    st_plot_panel p[20];
    for (int i = 0; i < 20; i++) {
        p[i] = sine_panel(&s[i], y, 400 - 10 * (size_t)i);
        p[i].ylabel = i % 5 == 0 ? "v (mV)" : NULL;
        p[i].xlabel = i >= 15 ? "time (ms)" : NULL;
    }
    st_plot_figure fig = {.title = "sheet",
                          .panels = p,
                          .n_panels = 20,
                          .rows = 4,
                          .cols = 5,
                          .width = 1600,
                          .height = 1200};
    char path[128];
    tmp_path(path, sizeof path, "sheet.png");
    assert_int_equal(st_plot_save(&fig, path, NULL), ST_OK);
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    /* Quarters of the height hold each row's frame whatever the title takes. */
    int top = 0, cw = 320, ch = 300;
    for (int i = 0; i < 20; i++) {
        int cx = (i % 5) * cw, cy = top + (i / 5) * ch;
        frame f = find_frame(img, cx, cy, cw, ch);
        int t, b, blue = 0;
        for (int x = f.left + 1; x < f.right; x++)
            blue += column_extent(img, f, x, is_blue, &t, &b);
        assert_true(blue > (f.right - f.left) / 2);
        if (i >= 5)
            assert_int_equal(f.left, find_frame(img, cx, top + ((i / 5) - 1) * ch, cw, ch).left);
    }
    cairo_surface_destroy(img);
}

/* ----------------------------------------------------------------------------------------- */
/* Images                                                                                     */

/* The columns that are dark over more than 40% of the rows from 'top' to 'bottom': spines and
 * the colour bar's frame. Returns how many were found (at most 'max'). */
static int dark_columns(cairo_surface_t *s, int top, int bottom, int *cols, int max)
{
    int n = 0, w = cairo_image_surface_get_width(s);
    for (int x = 0; x < w && n < max; x++) {
        int k = 0;
        for (int y = top; y <= bottom; y++)
            k += is_dark(pixel(s, x, y));
        if (k > 0.4 * (bottom - top + 1))
            cols[n++] = x;
    }
    return n;
}

static bool near_rgb(rgb8 c, st_rgb want, int tol)
{
    return abs(c.r - (int)lround(255 * want.r)) <= tol &&
           abs(c.g - (int)lround(255 * want.g)) <= tol &&
           abs(c.b - (int)lround(255 * want.b)) <= tol;
}

/* The colour maps: viridis's ends and middle as matplotlib's table has them, greys from white
 * to black, clamping outside 0..1 and white for NaN. */
static void test_plot_colormap_values(void **state)
{
    (void)state;
    st_rgb c = st_plot_colormap(ST_CMAP_VIRIDIS, 0.0);
    assert_close(c.r, 0.267004, 1e-3, 0);
    assert_close(c.g, 0.004874, 1e-3, 0);
    assert_close(c.b, 0.329415, 1e-3, 0);
    c = st_plot_colormap(ST_CMAP_VIRIDIS, 1.0);
    assert_close(c.r, 0.993248, 1e-3, 0);
    assert_close(c.g, 0.906157, 1e-3, 0);
    assert_close(c.b, 0.143936, 1e-3, 0);
    c = st_plot_colormap(ST_CMAP_VIRIDIS, 0.5); /* entry 127.5 of 255: between 127 and 128 */
    assert_close(c.r, 0.128, 0.01, 0);
    assert_close(c.g, 0.565, 0.01, 0);
    assert_close(c.b, 0.551, 0.01, 0);
    double prev = -1.0; /* viridis's green rises monotonically */
    for (double t = 0.0; t <= 1.0; t += 0.01) {
        c = st_plot_colormap(ST_CMAP_VIRIDIS, t);
        assert_true(c.g > prev);
        prev = c.g;
    }
    c = st_plot_colormap(ST_CMAP_GREYS, 0.25);
    assert_close(c.r, 0.75, 1e-12, 0);
    assert_true(c.r == c.g && c.g == c.b);
    c = st_plot_colormap(ST_CMAP_VIRIDIS, 7.0);
    assert_close(c.r, 0.993248, 1e-3, 0);
    c = st_plot_colormap(ST_CMAP_GREYS, NAN);
    assert_true(c.r == 1.0 && c.g == 1.0 && c.b == 1.0);
}

/* A 4 x 3 image with explicit colour limits fills the axes: every cell's centre has its
 * colour, a NaN cell is white, a series is drawn over the image, and a colour bar right of
 * the axes runs from the map's bottom colour to its top one. */
static void test_plot_image_cells_and_colour_bar(void **state)
{
    (void)state;
    enum { NX = 4, NY = 3 };
    double z[NY * NX];
    for (int k = 0; k < NY * NX; k++)
        z[k] = k;
    z[1 * NX + 2] = NAN;
    st_plot_image im = {.z = z, .nx = NX, .ny = NY, .x0 = 0.0, .x1 = 8.0, .y0 = -3.0,
                        .y1 = 3.0, .zmin = 0.0, .zmax = 11.0, .colormap = ST_CMAP_VIRIDIS,
                        .zlabel = "z (units)"};
    static const double lx[2] = {0.0, 8.0}, ly[2] = {-1.5, -1.5};
    st_plot_series s = {.x = lx, .y = ly, .n = 2, .color = ST_RGB_RED, .line_width = 3.0};
    st_plot_panel p;
    st_plot_panel_init(&p);
    p.xlabel = "time";
    p.ylabel = "position";
    p.image = &im;
    p.series = &s;
    p.n_series = 1;
    p.legend = false;
    st_plot_figure fig = {.panels = &p, .n_panels = 1};
    cairo_surface_t *img = render(&fig, 800, 500);
    frame f = find_frame(img, 0, 0, 800, 500);
    int cols[8];
    assert_int_equal(dark_columns(img, f.top, f.bottom, cols, 8), 4);
    f.left = cols[0];
    f.right = cols[1];
    for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
            int x = (int)col_of(f, 2.0 * i + 1.0, 0.0, 8.0);
            int y = (int)row_of(f, -3.0 + 2.0 * j + 1.0, -3.0, 3.0);
            rgb8 c = pixel(img, x, y);
            if (j == 1 && i == 2)
                assert_true(is_white(c));
            else
                assert_true(
                    near_rgb(c, st_plot_colormap(ST_CMAP_VIRIDIS, z[j * NX + i] / 11.0), 3));
        }
    }
    /* the series on top of the image */
    assert_true(is_red(pixel(img, (int)col_of(f, 5.0, 0.0, 8.0), (int)row_of(f, -1.5, -3.0, 3.0))));
    /* the colour bar: bottom colour at the bottom, top colour at the top, a rising green */
    int bx = (cols[2] + cols[3]) / 2;
    assert_true(cols[2] > f.right + 5 && cols[3] - cols[2] >= 6);
    assert_true(near_rgb(pixel(img, bx, f.bottom - 2), st_plot_colormap(ST_CMAP_VIRIDIS, 0.0), 8));
    assert_true(near_rgb(pixel(img, bx, f.top + 2), st_plot_colormap(ST_CMAP_VIRIDIS, 1.0), 8));
    int prev = -1;
    for (int y = f.bottom - 2; y > f.top + 1; y -= 8) {
        assert_true(pixel(img, bx, y).g >= prev);
        prev = pixel(img, bx, y).g;
    }
    /* tick labels and the label beside the bar: dark pixels right of it */
    int ink = 0;
    for (int y = f.top; y <= f.bottom; y++)
        for (int x = cols[3] + 3; x < 800; x++)
            ink += is_dark(pixel(img, x, y));
    assert_true(ink > 100);
    cairo_surface_destroy(img);
}

/* NAN limits come from the image's extents, without a margin; NAN colour limits from its
 * data. The greys map then puts white at the lowest value and black at the highest: the left
 * half of the axes is white, the right half black up to the right spine. */
static void test_plot_image_auto_limits(void **state)
{
    (void)state;
    double z[2] = {5.0, 7.0};
    st_plot_image im = {.z = z, .nx = 2, .ny = 1, .x0 = 10.0, .x1 = 20.0, .y0 = 0.0,
                        .y1 = 1.0, .zmin = NAN, .zmax = NAN, .colormap = ST_CMAP_GREYS};
    st_plot_panel p;
    st_plot_panel_init(&p);
    p.image = &im;
    st_plot_figure fig = {.panels = &p, .n_panels = 1};
    cairo_surface_t *img = render(&fig, 600, 400);
    frame f = find_frame(img, 0, 0, 600, 400);
    int cols[600];
    int n = dark_columns(img, f.top, f.bottom, cols, 600);
    /* the left spine, then one run: the black cell and the right spine; then the bar's edges */
    assert_true(n > 100);
    int run_end = 1;
    while (run_end + 1 < n && cols[run_end + 1] == cols[run_end] + 1)
        run_end++;
    int left = cols[0], black = cols[1], right = cols[run_end];
    assert_close(black, left + 0.5 * (right - left), 1.5, 0);
    int mid = (f.top + f.bottom) / 2;
    for (int x = left + 2; x < black - 1; x += 5)
        assert_true(is_white(pixel(img, x, mid)));
    /* the image reaches the top and bottom spines: no margin */
    assert_true(is_dark(pixel(img, black + 5, f.top + 1)));
    assert_true(is_dark(pixel(img, black + 5, f.bottom - 1)));
    assert_int_equal(n - run_end - 1, 2); /* the colour bar's frame */
    cairo_surface_destroy(img);
}

/* Degenerate and huge images draw nothing or a subsample, and never fail; files of every
 * format can hold an image. */
static void test_plot_image_survives_bad_input(void **state)
{
    (void)state;
    size_t nx = 5000, ny = 3;
    double *z = malloc(nx * ny * sizeof *z);
    assert_non_null(z);
    for (size_t k = 0; k < nx * ny; k++)
        z[k] = (k % 7) ? sin((double)k) : ((k % 2) ? INFINITY : NAN);
    st_plot_image ims[6] = {
        {.z = z, .nx = nx, .ny = ny, .x0 = 0, .x1 = 1, .y0 = 0, .y1 = 1, .zmin = NAN, .zmax = NAN},
        {.z = z, .nx = nx, .ny = ny, .x0 = 1, .x1 = 1, .y0 = 0, .y1 = 1, .zmin = NAN, .zmax = NAN},
        {.z = z, .nx = nx, .ny = ny, .x0 = NAN, .x1 = 1, .y0 = 0, .y1 = 1, .zmin = 0, .zmax = 0},
        {.z = NULL, .nx = 3, .ny = 3, .x0 = 0, .x1 = 1, .y0 = 0, .y1 = 1, .zmin = 0, .zmax = 1},
        {.z = z, .nx = 0, .ny = 3, .x0 = 0, .x1 = 1, .y0 = 0, .y1 = 1, .zmin = 0, .zmax = 1},
        {.z = z, .nx = nx, .ny = ny, .x0 = -DBL_MAX, .x1 = DBL_MAX, .y0 = 1e300, .y1 = -1e300,
         .zmin = -DBL_MAX, .zmax = DBL_MAX, .smooth = true},
    };
    st_plot_panel p[6];
    for (int k = 0; k < 6; k++) {
        st_plot_panel_init(&p[k]);
        p[k].image = &ims[k];
    }
    p[0].xmin = 0.2; /* zoomed into the image */
    p[0].xmax = 0.3;
    st_plot_figure fig = {.panels = p, .n_panels = 6, .rows = 3, .cols = 2, .title = "bad"};
    cairo_surface_destroy(render(&fig, 900, 700));
    const char *names[3] = {"image.png", "image.svg", "image.pdf"};
    for (int k = 0; k < 3; k++) {
        char path[128];
        tmp_path(path, sizeof path, names[k]);
        st_plot_figure one = {.panels = p, .n_panels = 1, .width = 400, .height = 300};
        assert_int_equal(st_plot_save(&one, path, NULL), ST_OK);
        assert_true(file_exists(path));
    }
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plot_panel_init_defaults),
        cmocka_unit_test(test_plot_sine_png_pixels),
        cmocka_unit_test(test_plot_twin_axis_draws_red),
        cmocka_unit_test(test_plot_constant_series_is_centred),
        cmocka_unit_test(test_plot_nan_breaks_line),
        cmocka_unit_test(test_plot_envelope_matches_polyline),
        cmocka_unit_test(test_plot_envelope_fills_alternating_band),
        cmocka_unit_test(test_plot_explicit_x_equals_uniform),
        cmocka_unit_test(test_plot_draw_survives_bad_data),
        cmocka_unit_test(test_plot_check_path_rejects_extension),
        cmocka_unit_test(test_plot_check_path_formats),
        cmocka_unit_test(test_plot_check_path_rejects_missing_dir),
        cmocka_unit_test(test_plot_check_path_rejects_unwritable),
        cmocka_unit_test(test_plot_save_svg_and_pdf),
        cmocka_unit_test(test_plot_save_png_default_size_replaces),
        cmocka_unit_test(test_plot_save_failure_leaves_nothing),
        cmocka_unit_test(test_plot_contact_sheet),
        cmocka_unit_test(test_plot_colormap_values),
        cmocka_unit_test(test_plot_image_cells_and_colour_bar),
        cmocka_unit_test(test_plot_image_auto_limits),
        cmocka_unit_test(test_plot_image_survives_bad_input),
    };
    int failed = cmocka_run_group_tests_name("plot", tests, group_setup, group_teardown);
    /* Drops cairo's and fontconfig's caches, so LeakSanitizer reports only our leaks. */
    cairo_debug_reset_static_data();
#if defined(__GNUC__)
    if (FcFini)
        FcFini();
#endif
    return failed;
}
