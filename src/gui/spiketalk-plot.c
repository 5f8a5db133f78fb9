/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkPlot: st_plot_draw into a GtkDrawingArea (one drawing code for files and screen). */
#include "spiketalk-plot.h"

struct _SpiketalkPlot {
    GtkDrawingArea parent_instance;
    const st_plot_figure *fig;   /* not owned */
};

G_DEFINE_FINAL_TYPE(SpiketalkPlot, spiketalk_plot, GTK_TYPE_DRAWING_AREA)

static void draw(GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer ud)
{
    SpiketalkPlot *self = SPIKETALK_PLOT(area);
    (void)ud;
    if (!self->fig) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        return;
    }
    st_plot_draw(cr, self->fig, width, height);
}

static void spiketalk_plot_class_init(SpiketalkPlotClass *klass)
{
    gtk_widget_class_set_css_name(GTK_WIDGET_CLASS(klass), "spiketalk-plot");
}

static void spiketalk_plot_init(SpiketalkPlot *self)
{
    gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(self), draw, NULL, NULL);
    gtk_widget_set_hexpand(GTK_WIDGET(self), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(self), TRUE);
    gtk_drawing_area_set_content_width(GTK_DRAWING_AREA(self), 480);
    gtk_drawing_area_set_content_height(GTK_DRAWING_AREA(self), 320);
}

GtkWidget *spiketalk_plot_new(void)
{
    return g_object_new(SPIKETALK_TYPE_PLOT, NULL);
}

void spiketalk_plot_set_figure(SpiketalkPlot *self, const st_plot_figure *fig)
{
    g_return_if_fail(SPIKETALK_IS_PLOT(self));
    self->fig = fig;
    gtk_widget_queue_draw(GTK_WIDGET(self));
}

const st_plot_figure *spiketalk_plot_get_figure(SpiketalkPlot *self)
{
    g_return_val_if_fail(SPIKETALK_IS_PLOT(self), NULL);
    return self->fig;
}

gboolean spiketalk_plot_export(SpiketalkPlot *self, const char *path, st_error *err)
{
    if (!self->fig) {
        st_error_set(err, ST_ERR_INVAL, "%s: nothing to export yet", path);
        return FALSE;
    }
    return st_plot_save(self->fig, path, err) == ST_OK;
}
