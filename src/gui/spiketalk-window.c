/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkWindow: pages, the banner, busy counting and window screenshots. */
#include "spiketalk-window-private.h"

G_DEFINE_FINAL_TYPE(SpiketalkWindow, spiketalk_window, GTK_TYPE_APPLICATION_WINDOW)

/* ---- the banner ---------------------------------------------------------------------------- */

static void show_banner(SpiketalkWindow *self, const char *msg, gboolean error)
{
    spiketalk_marker("%s: %s", error ? "error" : "note", msg);
    gtk_label_set_text(self->banner_label, msg);
    if (error)
        gtk_widget_remove_css_class(self->banner, "info");
    else
        gtk_widget_add_css_class(self->banner, "info");
    gtk_revealer_set_reveal_child(self->banner_revealer, TRUE);
}

void spiketalk_window_show_error(SpiketalkWindow *self, const char *msg)
{
    show_banner(self, msg, TRUE);
}

void spiketalk_window_show_note(SpiketalkWindow *self, const char *msg)
{
    show_banner(self, msg, FALSE);
}

SpiketalkWindow *spiketalk_window_of(GtkWidget *widget)
{
    GtkWidget *w = gtk_widget_get_ancestor(widget, SPIKETALK_TYPE_WINDOW);
    return w ? SPIKETALK_WINDOW(w) : NULL;
}

/* ---- pages ---------------------------------------------------------------------------------- */

void spiketalk_window_show_page(SpiketalkWindow *self, const char *name)
{
    if (!gtk_stack_get_child_by_name(self->stack, name)) {
        char *msg = g_strdup_printf("page: unknown page '%s' (simulate, listen, live, axon, "
                                    "network)", name);
        spiketalk_window_show_error(self, msg);
        g_free(msg);
        return;
    }
    gtk_stack_set_visible_child_name(self->stack, name);
}

void spiketalk_window_set_preset(SpiketalkWindow *self, const char *name, gboolean feature)
{
    spiketalk_simulate_page_set_preset(self->simulate_page, name, feature);
}

void spiketalk_window_simulate(SpiketalkWindow *self)
{
    spiketalk_simulate_page_simulate(self->simulate_page);
}

void spiketalk_window_open_path(SpiketalkWindow *self, const char *path)
{
    if (!g_strcmp0(gtk_stack_get_visible_child_name(self->stack), "network")) {
        spiketalk_network_page_open(self->network_page, path);
        return;
    }
    gtk_stack_set_visible_child_name(self->stack, "listen");
    spiketalk_listen_page_open(self->listen_page, path);
}

void spiketalk_window_live_start(SpiketalkWindow *self)
{
    gtk_stack_set_visible_child_name(self->stack, "live");
    spiketalk_live_page_start(self->live_page);
}

void spiketalk_window_live_stop(SpiketalkWindow *self)
{
    gtk_stack_set_visible_child_name(self->stack, "live");
    spiketalk_live_page_stop(self->live_page);
}

void spiketalk_window_live_preset(SpiketalkWindow *self, const char *name)
{
    gtk_stack_set_visible_child_name(self->stack, "live");
    spiketalk_live_page_set_preset(self->live_page, name);
}

void spiketalk_window_network_start(SpiketalkWindow *self)
{
    gtk_stack_set_visible_child_name(self->stack, "network");
    spiketalk_network_page_start(self->network_page);
}

void spiketalk_window_network_stop(SpiketalkWindow *self)
{
    gtk_stack_set_visible_child_name(self->stack, "network");
    spiketalk_network_page_stop(self->network_page);
}

void spiketalk_window_network_source(SpiketalkWindow *self, const char *name)
{
    gtk_stack_set_visible_child_name(self->stack, "network");
    spiketalk_network_page_set_source(self->network_page, name);
}

void spiketalk_window_network_net(SpiketalkWindow *self, const char *name)
{
    gtk_stack_set_visible_child_name(self->stack, "network");
    spiketalk_network_page_set_net(self->network_page, name);
}

void spiketalk_window_network_model(SpiketalkWindow *self, const char *name)
{
    gtk_stack_set_visible_child_name(self->stack, "network");
    spiketalk_network_page_set_model(self->network_page, name);
}

/* ---- screenshots ---------------------------------------------------------------------------- */

void spiketalk_window_hold(SpiketalkWindow *self)
{
    self->busy++;
}

void spiketalk_window_release(SpiketalkWindow *self)
{
    if (self->busy > 0)
        self->busy--;
    self->shot_frames = 0; /* the result must be drawn before it is captured */
}

static gboolean save_png(SpiketalkWindow *self, const char *path, int *w, int *h)
{
    GtkWidget *widget = GTK_WIDGET(self);
    *w = gtk_widget_get_width(widget);
    *h = gtk_widget_get_height(widget);
    GdkPaintable *paintable = gtk_widget_paintable_new(widget);
    GtkSnapshot *snap = gtk_snapshot_new();
    gdk_paintable_snapshot(paintable, snap, *w, *h);
    GskRenderNode *node = gtk_snapshot_free_to_node(snap);
    gboolean ok = FALSE;
    if (node) {
        GskRenderer *renderer = gtk_native_get_renderer(GTK_NATIVE(self));
        graphene_rect_t bounds = GRAPHENE_RECT_INIT(0, 0, (float)*w, (float)*h);
        GdkTexture *tex = gsk_renderer_render_texture(renderer, node, &bounds);
        ok = gdk_texture_save_to_png(tex, path);
        g_object_unref(tex);
        gsk_render_node_unref(node);
    }
    g_object_unref(paintable);
    return ok;
}

/* Captures right after a frame was painted: the widget paintable copies the window's last
 * render node, which a widget that redraws every frame (the live scope) clears again at the
 * next tick, so a capture from a tick callback could find none. */
static void shot_after_paint(GdkFrameClock *clock, SpiketalkWindow *self)
{
    int w = 0, h = 0;
    gboolean ok = save_png(self, self->shot_path, &w, &h);
    g_signal_handler_disconnect(clock, self->shot_paint);
    self->shot_paint = 0;
    self->shot_tick = 0;
    if (ok) {
        spiketalk_marker("screenshot %s %dx%d", self->shot_path, w, h);
    } else {
        char *msg = g_strdup_printf("%s: could not save the screenshot", self->shot_path);
        spiketalk_window_show_error(self, msg);
        g_free(msg);
    }
    g_clear_pointer(&self->shot_path, g_free);
    if (self->shot_quit) {
        GApplication *app = G_APPLICATION(gtk_window_get_application(GTK_WINDOW(self)));
        g_action_group_activate_action(G_ACTION_GROUP(app), "quit", NULL);
    }
}

/* Waits for a few drawn frames with no work pending, then captures after the next paint. */
static gboolean shot_tick(GtkWidget *widget, GdkFrameClock *clock, gpointer ud)
{
    SpiketalkWindow *self = SPIKETALK_WINDOW(widget);
    (void)ud;
    if (self->busy > 0 || !gtk_widget_get_mapped(widget) || ++self->shot_frames < 4)
        return G_SOURCE_CONTINUE;
    self->shot_paint = g_signal_connect_object(clock, "after-paint", G_CALLBACK(shot_after_paint),
                                               self, 0);
    gtk_widget_queue_draw(widget);
    return G_SOURCE_REMOVE; /* shot_tick stays set until the capture: one at a time */
}

void spiketalk_window_screenshot(SpiketalkWindow *self, const char *path, gboolean then_quit)
{
    if (self->shot_tick) {
        spiketalk_window_show_error(self, "screenshot: one is already being taken");
        return;
    }
    g_free(self->shot_path);
    self->shot_path = g_strdup(path);
    self->shot_quit = then_quit;
    self->shot_frames = 0;
    self->shot_tick = gtk_widget_add_tick_callback(GTK_WIDGET(self), shot_tick, NULL, NULL);
}

/* ---- life cycle ---------------------------------------------------------------------------- */

static void visible_page_changed(SpiketalkWindow *self)
{
    const char *name = gtk_stack_get_visible_child_name(self->stack);
    spiketalk_marker("page %s", name ? name : "none");
}

static void on_map(GtkWidget *widget, gpointer ud)
{
    SpiketalkWindow *self = SPIKETALK_WINDOW(widget);
    (void)ud;
    const char *name = gtk_stack_get_visible_child_name(self->stack);
    spiketalk_marker("ready page=%s", name ? name : "none");
}

static void dispose(GObject *obj)
{
    SpiketalkWindow *self = SPIKETALK_WINDOW(obj);
    if (self->chooser) {
        gtk_native_dialog_destroy(GTK_NATIVE_DIALOG(self->chooser));
        g_clear_object(&self->chooser);
    }
    gtk_widget_dispose_template(GTK_WIDGET(self), SPIKETALK_TYPE_WINDOW);
    G_OBJECT_CLASS(spiketalk_window_parent_class)->dispose(obj);
}

static void finalize(GObject *obj)
{
    SpiketalkWindow *self = SPIKETALK_WINDOW(obj);
    g_free(self->shot_path);
    G_OBJECT_CLASS(spiketalk_window_parent_class)->finalize(obj);
}

static void spiketalk_window_class_init(SpiketalkWindowClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);
    G_OBJECT_CLASS(klass)->dispose = dispose;
    G_OBJECT_CLASS(klass)->finalize = finalize;
    g_type_ensure(SPIKETALK_TYPE_SIMULATE_PAGE);
    g_type_ensure(SPIKETALK_TYPE_LISTEN_PAGE);
    g_type_ensure(SPIKETALK_TYPE_LIVE_PAGE);
    g_type_ensure(SPIKETALK_TYPE_AXON_PAGE);
    g_type_ensure(SPIKETALK_TYPE_NETWORK_PAGE);
    gtk_widget_class_set_template_from_resource(wc,
                                                "/org/spiketalk/Spiketalk/spiketalk-window.ui");
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, stack);
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, banner_revealer);
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, banner);
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, banner_label);
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, simulate_page);
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, listen_page);
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, live_page);
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, axon_page);
    gtk_widget_class_bind_template_child(wc, SpiketalkWindow, network_page);
}

static void spiketalk_window_init(SpiketalkWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    spiketalk_window_actions_init(self);
    g_signal_connect(self, "map", G_CALLBACK(on_map), NULL);
    g_signal_connect_swapped(self->stack, "notify::visible-child", G_CALLBACK(visible_page_changed),
                             self);
}

SpiketalkWindow *spiketalk_window_new(SpiketalkApplication *app)
{
    return g_object_new(SPIKETALK_TYPE_WINDOW, "application", app, NULL);
}
