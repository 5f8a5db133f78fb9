/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SpiketalkApplication: options (--page, --open, --preset, --feature, --screenshot), app actions
 * reachable over D-Bus (gapplication action org.spiketalk.Spiketalk ACTION: quit, page, set-preset,
 * set-feature, simulate, open, screenshot, export, live-start, live-stop, live-preset,
 * network-start, network-stop, network-source, network-net, network-model), keyboard
 * accelerators and the style sheet. */
#include "spiketalk-application.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spiketalk-window.h"

struct _SpiketalkApplication {
    GtkApplication parent_instance;
    char *page, *open, *preset, *feature, *screenshot;
};

G_DEFINE_FINAL_TYPE(SpiketalkApplication, spiketalk_application, GTK_TYPE_APPLICATION)

static GMutex pipeline_mutex;

GMutex *spiketalk_pipeline_mutex(void)
{
    return &pipeline_mutex;
}

void spiketalk_marker(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("spiketalk-gtk: ", stdout);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    fflush(stdout);
    va_end(ap);
}

/* ---- actions ----------------------------------------------------------------------------- */

static SpiketalkWindow *window_of(GApplication *app)
{
    GtkWindow *w = gtk_application_get_active_window(GTK_APPLICATION(app));
    if (!w) {
        g_application_activate(app);
        w = gtk_application_get_active_window(GTK_APPLICATION(app));
    }
    return SPIKETALK_WINDOW(w);
}

static void quit_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    (void)a;
    (void)p;
    GList *l;
    /* destroying the windows lets the pages cancel their work before the app goes */
    while ((l = gtk_application_get_windows(GTK_APPLICATION(app))))
        gtk_window_destroy(GTK_WINDOW(l->data));
    g_application_quit(G_APPLICATION(app));
}

static void page_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    (void)a;
    spiketalk_window_show_page(window_of(app), g_variant_get_string(p, NULL));
}

static void preset_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    gboolean feature = !g_strcmp0(g_action_get_name(G_ACTION(a)), "set-feature");
    SpiketalkWindow *w = window_of(app);
    spiketalk_window_show_page(w, "simulate");
    spiketalk_window_set_preset(w, g_variant_get_string(p, NULL), feature);
}

static void simulate_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    (void)a;
    (void)p;
    SpiketalkWindow *w = window_of(app);
    spiketalk_window_show_page(w, "simulate");
    spiketalk_window_simulate(w);
}

static void open_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    (void)a;
    SpiketalkWindow *w = window_of(app);
    spiketalk_window_open_path(w, g_variant_get_string(p, NULL));
}

static void screenshot_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    (void)a;
    spiketalk_window_screenshot(window_of(app), g_variant_get_string(p, NULL), FALSE);
}

static void live_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    const char *name = g_action_get_name(G_ACTION(a));
    SpiketalkWindow *w = window_of(app);
    if (!strcmp(name, "live-start"))
        spiketalk_window_live_start(w);
    else if (!strcmp(name, "live-stop"))
        spiketalk_window_live_stop(w);
    else
        spiketalk_window_live_preset(w, g_variant_get_string(p, NULL));
}

static void export_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    (void)a;
    spiketalk_window_export(window_of(app), g_variant_get_string(p, NULL));
}

static void network_activated(GSimpleAction *a, GVariant *p, gpointer app)
{
    const char *name = g_action_get_name(G_ACTION(a));
    SpiketalkWindow *w = window_of(app);
    if (!strcmp(name, "network-start"))
        spiketalk_window_network_start(w);
    else if (!strcmp(name, "network-stop"))
        spiketalk_window_network_stop(w);
    else if (!strcmp(name, "network-source"))
        spiketalk_window_network_source(w, g_variant_get_string(p, NULL));
    else if (!strcmp(name, "network-model"))
        spiketalk_window_network_model(w, g_variant_get_string(p, NULL));
    else
        spiketalk_window_network_net(w, g_variant_get_string(p, NULL));
}

static const GActionEntry app_actions[] = {
    {.name = "quit", .activate = quit_activated},
    {.name = "page", .activate = page_activated, .parameter_type = "s"},
    {.name = "set-preset", .activate = preset_activated, .parameter_type = "s"},
    {.name = "set-feature", .activate = preset_activated, .parameter_type = "s"},
    {.name = "simulate", .activate = simulate_activated},
    {.name = "open", .activate = open_activated, .parameter_type = "s"},
    {.name = "screenshot", .activate = screenshot_activated, .parameter_type = "s"},
    {.name = "live-start", .activate = live_activated},
    {.name = "live-stop", .activate = live_activated},
    {.name = "live-preset", .activate = live_activated, .parameter_type = "s"},
    {.name = "export", .activate = export_activated, .parameter_type = "s"},
    {.name = "network-start", .activate = network_activated},
    {.name = "network-stop", .activate = network_activated},
    {.name = "network-source", .activate = network_activated, .parameter_type = "s"},
    {.name = "network-net", .activate = network_activated, .parameter_type = "s"},
    {.name = "network-model", .activate = network_activated, .parameter_type = "s"},
};

/* ---- life cycle ---------------------------------------------------------------------------- */

static void set_accels(GtkApplication *app)
{
    static const struct { const char *action, *accels[3]; } accels[] = {
        {"app.quit", {"<Control>q", NULL}},
        {"window.close", {"<Control>w", NULL}},
        {"win.open", {"<Control>o", NULL}},
        {"win.export", {"<Control>s", NULL}},
        {"win.page::simulate", {"<Alt>1", NULL}},
        {"win.page::listen", {"<Alt>2", NULL}},
        {"win.page::live", {"<Alt>3", NULL}},
        {"win.page::axon", {"<Alt>4", NULL}},
        {"win.page::network", {"<Alt>5", NULL}},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(accels); i++)
        gtk_application_set_accels_for_action(app, accels[i].action, accels[i].accels);
}

static void startup(GApplication *app)
{
    G_APPLICATION_CLASS(spiketalk_application_parent_class)->startup(app);
    g_action_map_add_action_entries(G_ACTION_MAP(app), app_actions, G_N_ELEMENTS(app_actions),
                                    app);
    set_accels(GTK_APPLICATION(app));
    GtkCssProvider *css = gtk_css_provider_new();
    gtk_css_provider_load_from_resource(css, "/org/spiketalk/Spiketalk/style.css");
    gtk_style_context_add_provider_for_display(gdk_display_get_default(), GTK_STYLE_PROVIDER(css),
                                               GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref(css);
}

static void activate(GApplication *gapp)
{
    SpiketalkApplication *self = SPIKETALK_APPLICATION(gapp);
    GtkWindow *existing = gtk_application_get_active_window(GTK_APPLICATION(gapp));
    if (existing) {
        gtk_window_present(existing);
        return;
    }
    SpiketalkWindow *w = spiketalk_window_new(self);
    if (self->page)
        spiketalk_window_show_page(w, self->page);
    if (self->preset)
        spiketalk_window_set_preset(w, self->preset, FALSE);
    if (self->feature)
        spiketalk_window_set_preset(w, self->feature, TRUE);
    if (self->open)
        spiketalk_window_open_path(w, self->open);
    gtk_window_present(GTK_WINDOW(w));
    if (self->screenshot)
        spiketalk_window_screenshot(w, self->screenshot, TRUE);
}

static int handle_local_options(GApplication *app, GVariantDict *opts)
{
    SpiketalkApplication *self = SPIKETALK_APPLICATION(app);
    g_variant_dict_lookup(opts, "page", "s", &self->page);
    g_variant_dict_lookup(opts, "open", "^ay", &self->open);
    g_variant_dict_lookup(opts, "preset", "s", &self->preset);
    g_variant_dict_lookup(opts, "feature", "s", &self->feature);
    g_variant_dict_lookup(opts, "screenshot", "^ay", &self->screenshot);
    static const char *const pages[] = {"simulate", "listen", "live", "axon", "network", NULL};
    if (self->page && !g_strv_contains(pages, self->page)) {
        g_printerr("spiketalk-gtk: --page: unknown page '%s' (simulate, listen, live, axon, "
                   "network)\n", self->page);
        return 2;
    }
    /* a screenshot run is a batch job: it must not hand its work to a running instance */
    if (self->screenshot)
        g_application_set_flags(app, g_application_get_flags(app) | G_APPLICATION_NON_UNIQUE);
    return -1;
}

static void finalize(GObject *obj)
{
    SpiketalkApplication *self = SPIKETALK_APPLICATION(obj);
    g_free(self->page);
    g_free(self->open);
    g_free(self->preset);
    g_free(self->feature);
    g_free(self->screenshot);
    G_OBJECT_CLASS(spiketalk_application_parent_class)->finalize(obj);
}

static void spiketalk_application_class_init(SpiketalkApplicationClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = finalize;
    G_APPLICATION_CLASS(klass)->startup = startup;
    G_APPLICATION_CLASS(klass)->activate = activate;
    G_APPLICATION_CLASS(klass)->handle_local_options = handle_local_options;
}

static void spiketalk_application_init(SpiketalkApplication *self)
{
    static const GOptionEntry entries[] = {
        {"page", 0, 0, G_OPTION_ARG_STRING, NULL,
         "Page to show: simulate, listen, live, axon or network", "PAGE"},
        {"open", 0, 0, G_OPTION_ARG_FILENAME, NULL,
         "Open and process an audio file (with --page network: run the network over it)",
         "FILE"},
        {"preset", 0, 0, G_OPTION_ARG_STRING, NULL, "Cell type to simulate (RS, FS, ...)",
         "NAME"},
        {"feature", 0, 0, G_OPTION_ARG_STRING, NULL,
         "One of the 20 features of Izhikevich (2004), by name or letter", "NAME"},
        {"screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
         "Do the work, save the window as a PNG and exit", "OUT.png"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    g_application_add_main_option_entries(G_APPLICATION(self), entries);
    g_application_set_option_context_summary(G_APPLICATION(self),
        "A person speaks; a model neuron answers. The desktop workbench of spiketalk.");
}

SpiketalkApplication *spiketalk_application_new(void)
{
    return g_object_new(SPIKETALK_TYPE_APPLICATION, "application-id", SPIKETALK_APP_ID,
                        "flags", G_APPLICATION_DEFAULT_FLAGS, NULL);
}
