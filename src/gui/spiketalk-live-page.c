/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkLivePage: the controls and scopes of the live mode. The streaming engine
 * (include/spiketalk/stream.h with a PortAudio driver) is not finished, so Start only explains
 * that; the device list and the empty scopes are real. */
#include "spiketalk-live-page.h"

#include <math.h>

#include "spiketalk-plot.h"
#include "spiketalk-window.h"
#include "spiketalk/audio.h"

#define MAX_DEVICES 64

struct _SpiketalkLivePage {
    GtkBox parent_instance;
    GtkDropDown *device_dd, *neuron_dd;
    GtkButton *refresh_button, *start_button;
    SpiketalkPlot *scope;
    st_plot_panel panels[2];
    st_plot_figure fig;
};

G_DEFINE_FINAL_TYPE(SpiketalkLivePage, spiketalk_live_page, GTK_TYPE_BOX)

void spiketalk_live_page_toggle(SpiketalkLivePage *self)
{
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (w)
        spiketalk_window_show_note(w, "live: not yet available: the streaming engine "
                                      "('spiketalk live') is being built; use the Listen page");
}

static void refresh_clicked(SpiketalkLivePage *self)
{
    st_device_info devs[MAX_DEVICES];
    size_t n = 0;
    st_error err = {0};
    GtkStringList *list = gtk_string_list_new(NULL);
    gtk_string_list_append(list, "Default device");
    if (st_device_list(devs, MAX_DEVICES, &n, &err) == ST_OK) {
        for (size_t i = 0; i < MIN(n, (size_t)MAX_DEVICES); i++) {
            if (devs[i].max_input_channels < 1 || devs[i].max_output_channels < 1)
                continue; /* live talk is full duplex */
            char *s = g_strdup_printf("%s (%s)", devs[i].name, devs[i].host_api);
            gtk_string_list_append(list, s);
            g_free(s);
        }
    }
    gtk_drop_down_set_model(self->device_dd, G_LIST_MODEL(list));
    g_object_unref(list);
    SpiketalkWindow *w = spiketalk_window_of(GTK_WIDGET(self));
    if (err.code && w)
        spiketalk_window_show_error(w, err.msg);
    else if (g_list_model_get_n_items(G_LIST_MODEL(gtk_drop_down_get_model(self->device_dd))) <
                 2 && w)
        spiketalk_window_show_error(w, "devices: no full-duplex audio device found");
}

static void dispose(GObject *obj)
{
    gtk_widget_dispose_template(GTK_WIDGET(obj), SPIKETALK_TYPE_LIVE_PAGE);
    G_OBJECT_CLASS(spiketalk_live_page_parent_class)->dispose(obj);
}

static void spiketalk_live_page_class_init(SpiketalkLivePageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = dispose;
    g_type_ensure(SPIKETALK_TYPE_PLOT);
    gtk_widget_class_set_template_from_resource(wc,
                                                "/org/spiketalk/Spiketalk/spiketalk-live-page.ui");
    gtk_widget_class_bind_template_child(wc, SpiketalkLivePage, device_dd);
    gtk_widget_class_bind_template_child(wc, SpiketalkLivePage, neuron_dd);
    gtk_widget_class_bind_template_child(wc, SpiketalkLivePage, refresh_button);
    gtk_widget_class_bind_template_child(wc, SpiketalkLivePage, start_button);
    gtk_widget_class_bind_template_child(wc, SpiketalkLivePage, scope);
}

static void spiketalk_live_page_init(SpiketalkLivePage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    g_signal_connect_swapped(self->refresh_button, "clicked", G_CALLBACK(refresh_clicked), self);
    /* empty scopes with the axes they will have: the last 2 s of sound, and the neuron */
    for (int k = 0; k < 2; k++)
        st_plot_panel_init(&self->panels[k]);
    self->panels[0].title = "microphone: raw and envelope (last 2 s)";
    self->panels[0].xlabel = "time (s)";
    self->panels[0].ylabel = "amplitude";
    self->panels[0].xmin = -2;
    self->panels[0].xmax = 0;
    self->panels[0].ymin = -1;
    self->panels[0].ymax = 1;
    self->panels[1].title = "neuron: membrane potential (last 2 s)";
    self->panels[1].xlabel = "time (s)";
    self->panels[1].ylabel = "v (mV)";
    self->panels[1].xmin = -2;
    self->panels[1].xmax = 0;
    self->panels[1].ymin = -90;
    self->panels[1].ymax = 40;
    self->fig = (st_plot_figure){.panels = self->panels, .n_panels = 2, .rows = 2, .cols = 1,
                                 .width = 1200, .height = 850};
    spiketalk_plot_set_figure(self->scope, &self->fig);
    /* Space starts and stops, wherever the focus is on this page */
    GtkEventController *sc = gtk_shortcut_controller_new();
    gtk_shortcut_controller_add_shortcut(
        GTK_SHORTCUT_CONTROLLER(sc),
        gtk_shortcut_new(gtk_keyval_trigger_new(GDK_KEY_space, 0),
                         gtk_named_action_new("win.toggle-live")));
    gtk_shortcut_controller_set_scope(GTK_SHORTCUT_CONTROLLER(sc), GTK_SHORTCUT_SCOPE_LOCAL);
    gtk_widget_add_controller(GTK_WIDGET(self), sc);
}
