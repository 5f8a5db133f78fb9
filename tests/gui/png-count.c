/* SPDX-License-Identifier: GPL-3.0-or-later */
/* png-count: counts the pixels of a PNG near one colour, for the GUI tests' pixel statistics.
 * usage: png-count FILE R G B TOL [X0 Y0 X1 Y1]  (fractions 0..1 of the width and height)
 * prints "WIDTH HEIGHT COUNT"; exit 1 if the file cannot be read. */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 10) {
        fprintf(stderr, "usage: png-count FILE R G B TOL [X0 Y0 X1 Y1]\n");
        return 2;
    }
    cairo_surface_t *s = cairo_image_surface_create_from_png(argv[1]);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "png-count: %s: %s\n", argv[1],
                cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return 1;
    }
    int r = atoi(argv[2]), g = atoi(argv[3]), b = atoi(argv[4]), tol = atoi(argv[5]);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    double f[4] = {0, 0, 1, 1};
    for (int i = 0; argc == 10 && i < 4; i++)
        f[i] = atof(argv[6 + i]);
    int x0 = (int)(f[0] * w), y0 = (int)(f[1] * h), x1 = (int)(f[2] * w), y1 = (int)(f[3] * h);
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    long count = 0;
    for (int y = y0; y < y1 && y < h; y++)
        for (int x = x0; x < x1 && x < w; x++) {
            /* ARGB32 or RGB24, native endian: 0xAARRGGBB */
            unsigned px = *(const unsigned *)(const void *)(data + (size_t)y * stride + 4 * x);
            int pr = (px >> 16) & 255, pg = (px >> 8) & 255, pb = px & 255;
            if (abs(pr - r) <= tol && abs(pg - g) <= tol && abs(pb - b) <= tol)
                count++;
        }
    printf("%d %d %ld\n", w, h, count);
    cairo_surface_destroy(s);
    return 0;
}
