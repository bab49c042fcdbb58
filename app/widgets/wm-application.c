/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Application start-up: styles, the About window, and which project the first window opens. */
#include "wm-application.h"

#include "wm-window.h"

struct _WmApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (WmApplication, wm_application, ADW_TYPE_APPLICATION)

static WmWindow *
ensure_window (WmApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (wm_window_new (ADW_APPLICATION (self)));
  return WM_WINDOW (window);
}

static void
wm_application_activate (GApplication *app)
{
  WmApplication *self = WM_APPLICATION (app);
  gboolean       fresh = gtk_application_get_active_window (GTK_APPLICATION (app)) == NULL;
  WmWindow      *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (fresh)
    {
      g_autoptr (GSettings) settings = g_settings_new ("org.wealthmap.Wealthmap");
      g_auto (GStrv) recent = g_settings_get_strv (settings, "recent-projects");
      g_autoptr (GError) error = NULL;
      g_autofree char *demo = NULL;

      if (recent[0] != NULL && g_file_test (recent[0], G_FILE_TEST_EXISTS))
        wm_window_open_project (window, recent[0]);
      else if ((demo = wm_window_demo_path (&error)) != NULL)
        wm_window_open_project (window, demo);
      else
        g_warning ("cannot open the demo project: %s", error->message);
    }
}

static void
wm_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  WmWindow *window = ensure_window (WM_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  if (n_files > 0 && g_file_peek_path (files[0]) != NULL)
    wm_window_open_project (window, g_file_peek_path (files[0]));
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  GtkApplication *app = data;
  const char     *developers[] = { "The Wealthmap developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app), "application-name", "Wealthmap",
                         "application-icon", "org.wealthmap.Wealthmap", "version", WM_VERSION,
                         "comments",
                         "Community wealth mapping: where anchor institutions' spend goes, "
                         "where it leaks, and where local enterprises could keep it",
                         "license-type", GTK_LICENSE_GPL_3_0, "developers", developers, "copyright",
                         "© 2026 The Wealthmap developers", NULL);
}

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (data));

  if (window != NULL)
    gtk_window_close (window);
  g_application_quit (G_APPLICATION (data));
}

static void
wm_application_startup (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "about", about_action, NULL, NULL, NULL },
    { "quit", quit_action, NULL, NULL, NULL },
  };
  const char *quit[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (wm_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit);
}

static void
wm_application_class_init (WmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = wm_application_activate;
  app_class->open = wm_application_open;
  app_class->startup = wm_application_startup;
}

static void
wm_application_init (WmApplication *self)
{
}

WmApplication *
wm_application_new (void)
{
  return g_object_new (WM_TYPE_APPLICATION, "application-id", "org.wealthmap.Wealthmap", "flags",
                       G_APPLICATION_HANDLES_OPEN, "resource-base-path", "/org/wealthmap/Wealthmap",
                       NULL);
}
