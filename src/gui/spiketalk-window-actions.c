/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's actions: open (Ctrl+O), export (Ctrl+S), page switching (Alt+1..5), the banner's
 * dismiss, live start/stop and about. */
#include "spiketalk-window-private.h"

/* ---- open ------------------------------------------------------------------------------------ */

static void open_response(GtkNativeDialog *dialog, int response, gpointer ud)
{
    SpiketalkWindow *self = ud;
    if (response == GTK_RESPONSE_ACCEPT) {
        GFile *file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        char *path = file ? g_file_get_path(file) : NULL;
        if (path)
            spiketalk_window_open_path(self, path);
        else
            spiketalk_window_show_error(self, "open: only local files can be read");
        g_free(path);
        g_clear_object(&file);
    }
    gtk_native_dialog_destroy(dialog);
    g_clear_object(&self->chooser);
}

static void open_activated(GSimpleAction *a, GVariant *p, gpointer ud)
{
    SpiketalkWindow *self = ud;
    (void)a;
    (void)p;
    if (self->chooser)
        return;
    self->chooser = gtk_file_chooser_native_new("Open Audio File", GTK_WINDOW(self),
                                                GTK_FILE_CHOOSER_ACTION_OPEN, "_Open",
                                                "_Cancel");
    GtkFileFilter *f = gtk_file_filter_new();
    gtk_file_filter_set_name(f, "Audio files");
    gtk_file_filter_add_mime_type(f, "audio/*");
    static const char *const pats[] = {"*.wav", "*.flac", "*.ogg", "*.aiff", "*.aif"};
    for (size_t i = 0; i < G_N_ELEMENTS(pats); i++)
        gtk_file_filter_add_pattern(f, pats[i]);
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(self->chooser), f);
    g_object_unref(f);
    g_signal_connect(self->chooser, "response", G_CALLBACK(open_response), self);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(self->chooser));
}

/* ---- export ---------------------------------------------------------------------------------- */

void spiketalk_window_export(SpiketalkWindow *self, const char *path)
{
    const char *page = gtk_stack_get_visible_child_name(self->stack);
    st_error err = {0};
    gboolean ok;
    if (!g_strcmp0(page, "simulate"))
        ok = spiketalk_simulate_page_export(self->simulate_page, path, &err);
    else if (!g_strcmp0(page, "listen"))
        ok = spiketalk_listen_page_export(self->listen_page, path, &err);
    else if (!g_strcmp0(page, "axon"))
        ok = spiketalk_axon_page_export(self->axon_page, path, &err);
    else if (!g_strcmp0(page, "network"))
        ok = spiketalk_network_page_export(self->network_page, path, &err);
    else
        ok = spiketalk_live_page_export(self->live_page, path, &err);
    if (ok) {
        char *msg = g_strdup_printf("Saved %s", path);
        spiketalk_window_show_note(self, msg);
        g_free(msg);
    } else {
        spiketalk_window_show_error(self, err.msg);
    }
}

static void export_response(GtkNativeDialog *dialog, int response, gpointer ud)
{
    SpiketalkWindow *self = ud;
    if (response == GTK_RESPONSE_ACCEPT) {
        GFile *file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        char *path = file ? g_file_get_path(file) : NULL;
        if (path)
            spiketalk_window_export(self, path);
        g_free(path);
        g_clear_object(&file);
    }
    gtk_native_dialog_destroy(dialog);
    g_clear_object(&self->chooser);
}

static void export_activated(GSimpleAction *a, GVariant *p, gpointer ud)
{
    SpiketalkWindow *self = ud;
    (void)a;
    (void)p;
    const char *page = gtk_stack_get_visible_child_name(self->stack);
    const char *name = "spiketalk.png";
    if (!g_strcmp0(page, "simulate"))
        name = spiketalk_simulate_page_suggest_name(self->simulate_page);
    else if (!g_strcmp0(page, "listen"))
        name = "response.wav";
    else if (!g_strcmp0(page, "axon"))
        name = "axon.png";
    else if (!g_strcmp0(page, "network"))
        name = "network.png";
    else
        name = "live-scope.png";
    if (self->chooser)
        return;
    self->chooser = gtk_file_chooser_native_new(
        "Export (.png, .svg, .pdf plot; .csv trace or spikes; .wav response)", GTK_WINDOW(self),
        GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
    gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(self->chooser), name);
    g_signal_connect(self->chooser, "response", G_CALLBACK(export_response), self);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(self->chooser));
}

/* ---- the rest -------------------------------------------------------------------------------- */

static void page_activated(GSimpleAction *a, GVariant *p, gpointer ud)
{
    (void)a;
    spiketalk_window_show_page(ud, g_variant_get_string(p, NULL));
}

static void dismiss_activated(GSimpleAction *a, GVariant *p, gpointer ud)
{
    SpiketalkWindow *self = ud;
    (void)a;
    (void)p;
    gtk_revealer_set_reveal_child(self->banner_revealer, FALSE);
}

static void toggle_live_activated(GSimpleAction *a, GVariant *p, gpointer ud)
{
    SpiketalkWindow *self = ud;
    (void)a;
    (void)p;
    gtk_stack_set_visible_child_name(self->stack, "live");
    spiketalk_live_page_toggle(self->live_page);
}

static void about_activated(GSimpleAction *a, GVariant *p, gpointer ud)
{
    (void)a;
    (void)p;
    static const char *const authors[] = {"the spiketalk authors", NULL};
    gtk_show_about_dialog(GTK_WINDOW(ud), "program-name", "spiketalk", "version", "0.1.0",
                          "comments",
                          "A person speaks; a model neuron answers.\n"
                          "Izhikevich and Hodgkin\u2013Huxley neurons driven by sound.",
                          "license-type", GTK_LICENSE_GPL_3_0, "authors", authors,
                          "logo-icon-name", "audio-input-microphone-symbolic", NULL);
}

void spiketalk_window_actions_init(SpiketalkWindow *self)
{
    static const GActionEntry entries[] = {
        {.name = "open", .activate = open_activated},
        {.name = "export", .activate = export_activated},
        {.name = "page", .activate = page_activated, .parameter_type = "s"},
        {.name = "dismiss", .activate = dismiss_activated},
        {.name = "toggle-live", .activate = toggle_live_activated},
        {.name = "about", .activate = about_activated},
    };
    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
}
