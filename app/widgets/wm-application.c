/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Application start-up: styles, the About window, and which project the first window opens. */
#include "wm-application.h"

#include <glib/gi18n.h>
#include <stdlib.h>

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

/* WEALTHMAP_EXIT_WHEN_SHOWN=1: quit once the first window shows its project with nothing
 * left to load, printing what it shows; exit status 1 if that has not happened in 120 s.
 * The README check (.ci/check-readme) runs the README's set-up command this way. */
static gboolean
exit_when_shown (gpointer data)
{
  GApplication *app = data;
  GtkWindow    *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  static guint  ticks;

  if (window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window))
      && wm_window_get_project (WM_WINDOW (window)) != NULL
      && !wm_window_is_busy (WM_WINDOW (window)))
    {
      g_print ("wealthmap: shown %s\n",
               wm_project_get_path (wm_window_get_project (WM_WINDOW (window))));
      g_application_quit (app);
      return G_SOURCE_REMOVE;
    }
  if (++ticks > 1200)
    {
      g_printerr ("wealthmap: the window did not show a project within 120 s\n");
      exit (1);
    }
  return G_SOURCE_CONTINUE;
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
      if (g_strcmp0 (g_getenv ("WEALTHMAP_EXIT_WHEN_SHOWN"), "1") == 0)
        g_timeout_add (100, exit_when_shown, app);
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

/* The data a project is built from comes with its own terms: the About window says what they
 * ask (the map export's credit line says it too). */
GtkWindow *
wm_about_window_new (GtkWindow *parent)
{
  const char     *developers[] = { _ ("The Wealthmap developers"), NULL };
  const char     *method[] = { "CLES, Community Wealth Building (Preston, 2013)",
                               "The Evergreen Cooperatives, Cleveland", NULL };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());

  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  adw_about_window_set_application_name (about, _ ("Wealthmap"));
  adw_about_window_set_application_icon (about, "org.wealthmap.Wealthmap");
  adw_about_window_set_version (about, WM_VERSION);
  adw_about_window_set_comments (about,
                                 _ ("Community wealth mapping: where anchor institutions' spend "
                                    "goes, where it leaks, and where local enterprises could keep "
                                    "it."));
  adw_about_window_set_developer_name (about, _ ("The Wealthmap developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_copyright (about, _ ("© 2026 The Wealthmap developers"));
  /* Translators: put your names here, one a line ("Name <email>" or "Name https://…"). */
  adw_about_window_set_translator_credits (about, _ ("translator-credits"));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_add_credit_section (about, _ ("The method"), method);
  adw_about_window_add_legal_section (
      about, _ ("Boundaries, postcodes and deprivation"), NULL, GTK_LICENSE_CUSTOM,
      _ ("Ward and LSOA boundaries, Code-Point Open postcodes and the English Indices of "
         "Deprivation 2019 are published under the <a "
         "href=\"https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/\">Open "
         "Government Licence v3.0</a>. Contains OS data © Crown copyright and database right. "
         "Contains Royal Mail data © Royal Mail copyright and database right. Contains National "
         "Statistics data © Crown copyright and database right. Source: Office for National "
         "Statistics; Ministry of Housing, Communities and Local Government."));
  adw_about_window_add_legal_section (
      about, _ ("Spend and supplier data"), NULL, GTK_LICENSE_CUSTOM,
      _ ("Councils' and other public bodies' spend files are published under the Local Government "
         "Transparency Code, under the Open Government Licence v3.0 unless they say otherwise. "
         "Companies House data is used under the Open Government Licence v3.0."));
  adw_about_window_add_legal_section (
      about, _ ("Basemap"), NULL, GTK_LICENSE_CUSTOM,
      _ ("Land and coastlines from Natural Earth (public domain)."));
  return GTK_WINDOW (about);
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  GtkApplication *app = data;

  gtk_window_present (wm_about_window_new (gtk_application_get_active_window (app)));
}

/* The user guide (docs/user-guide.md, as HTML): installed, else from the build tree. */
char *
wm_application_guide_uri (void)
{
  const char *path
      = g_file_test (WM_GUIDE_INSTALLED, G_FILE_TEST_EXISTS) ? WM_GUIDE_INSTALLED : WM_GUIDE_BUILT;

  return g_filename_to_uri (path, NULL, NULL);
}

static void
help_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  g_autofree char *uri = wm_application_guide_uri ();

  if (uri != NULL)
    gtk_show_uri (gtk_application_get_active_window (GTK_APPLICATION (data)), uri,
                  GDK_CURRENT_TIME);
}

/* Quitting closes every window; the app ends with the last one. A window that is importing
 * asks first (wm-window-close.c) and keeps the app alive until it has stopped cleanly. */
static void
quit_action (GSimpleAction *action, GVariant *param, gpointer data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (data)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static void
wm_application_startup (GApplication *app)
{
  static const GActionEntry entries[] = {
    { "about", about_action, NULL, NULL, NULL },
    { "help", help_action, NULL, NULL, NULL },
    { "quit", quit_action, NULL, NULL, NULL },
  };
  const char *quit[] = { "<Control>q", NULL };
  const char *help[] = { "F1", NULL };

  G_APPLICATION_CLASS (wm_application_parent_class)->startup (app);
  gtk_window_set_default_icon_name ("org.wealthmap.Wealthmap");
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help);
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
