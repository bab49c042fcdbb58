/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CLI's stories (docs/presenting.md): list, add, remove, move and export saved views. */
#include <stdio.h>

#include "app/map/wm-story-render.h"
#include "wm-cli.h"

static int
list_stories (WmProject *project, gboolean json)
{
  GError *error = NULL;
  g_auto (GStrv) names = wm_project_list_stories (project, &error);
  g_autoptr (GString) out = g_string_new (json ? "[" : NULL);

  if (names == NULL)
    return cli_fail (error);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr (GPtrArray) views = wm_project_story_views (project, names[i], &error);

      if (views == NULL)
        return cli_fail (error);
      if (json)
        {
          g_autofree char *name = g_strescape (names[i], NULL);
          g_string_append_printf (out, "%s{\"story\": \"%s\", \"views\": %u}", i ? ", " : "", name,
                                  views->len);
        }
      else
        g_string_append_printf (out, "%-40s %3u view%s\n", names[i], views->len,
                                views->len == 1 ? "" : "s");
    }
  if (json)
    g_string_append (out, "]\n");
  else if (names[0] == NULL)
    g_string_append (out, "No stories yet: 'wealthmap-cli story PROJECT NAME --add --caption "
                          "TEXT', or Add View to Story in the app.\n");
  g_print ("%s", out->str);
  return 0;
}

static int
print_story (WmProject *project, const char *story, gboolean json)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) views = wm_project_story_views (project, story, &error);

  if (views == NULL)
    return cli_fail (error);
  if (json)
    {
      g_autofree char *text = wm_story_to_json (story, views);
      g_print ("%s\n", text);
      return 0;
    }
  for (guint i = 0; i < views->len; i++)
    {
      const WmStoryView *v = g_ptr_array_index (views, i);

      g_print ("%2d. %s\n    %s\n    box %.4f,%.4f,%.4f,%.4f · %s, %s%s, %s%s%s%s%s\n", v->number,
               v->title ? v->title : "(the story's name)", v->caption ? v->caption : "(no caption)",
               v->west, v->south, v->east, v->north, v->level,
               g_strcmp0 (v->style, "received") == 0 ? "£ received" : "deprivation: ",
               g_strcmp0 (v->style, "received") == 0 ? "" : v->domain,
               v->flows ? "flows" : "no flows", v->anchor ? " · anchor " : "",
               v->anchor ? v->anchor : "", v->sector ? " · sector " : "",
               v->sector ? v->sector : "");
    }
  return 0;
}

static gboolean
known_anchor (WmProject *project, const char *anchor, GError **error)
{
  g_autoptr (WmSummary) summary = wm_project_summary (project, WM_SUMMARY_BY_ANCHOR, error);
  g_autoptr (GString) names = g_string_new (NULL);

  if (summary == NULL)
    return FALSE;
  for (guint i = 0; i < summary->rows->len; i++)
    {
      const WmShareRow *r = g_ptr_array_index (summary->rows, i);

      if (g_strcmp0 (r->key, anchor) == 0)
        return TRUE;
      g_string_append_printf (names, "%s“%s”", i ? ", " : "", r->key);
    }
  g_set_error (error, WM_ERROR, WM_ERROR_BAD_VALUE, "--anchor %s: no such anchor; there are %s",
               anchor, names->len ? names->str : "none");
  return FALSE;
}

int
cli_verb_story (int argc, char **argv)
{
  g_autofree char *title = NULL, *caption = NULL, *bbox = NULL, *style = NULL, *level = NULL;
  g_autofree char *domain = NULL, *anchor = NULL, *sector = NULL, *kind = NULL;
  g_autofree char *category = NULL, *pdf = NULL, *paper = NULL;
  gboolean         add = FALSE, no_flows = FALSE, json = FALSE, delete = FALSE;
  int              remove = 0, move = 0, to = 0, year = 0;
  double           min_flow = 0;
  GOptionEntry     entries[] = {
        { "add", 0, 0, G_OPTION_ARG_NONE, &add, "Add a view at the end of the story", NULL },
        { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Its heading (default: the story's name)", "T" },
        { "caption", 0, 0, G_OPTION_ARG_STRING, &caption, "What the room is told about it", "C" },
        { "bbox", 0, 0, G_OPTION_ARG_STRING, &bbox, "Its extent (default: the place)", "W,S,E,N" },
        { "style", 0, 0, G_OPTION_ARG_STRING, &style, "Areas: imd (default) or received", "S" },
        { "level", 0, 0, G_OPTION_ARG_STRING, &level, "ward (default) or lsoa", "L" },
        { "domain", 0, 0, G_OPTION_ARG_STRING, &domain, "Deprivation domain (default imd)", "D" },
        { "no-flows", 0, 0, G_OPTION_ARG_NONE, &no_flows, "Hide the flows", NULL },
        { "anchor", 0, 0, G_OPTION_ARG_STRING, &anchor, "Only this anchor's spend", "NAME" },
        { "sector", 0, 0, G_OPTION_ARG_STRING, &sector, "Only this sector", "S" },
        { "year", 0, 0, G_OPTION_ARG_INT, &year, "Only the financial year starting then", "Y" },
        { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "Only suppliers of this kind", "K" },
        { "category", 0, 0, G_OPTION_ARG_STRING, &category, "Only this spend category", "C" },
        { "min-flow", 0, 0, G_OPTION_ARG_DOUBLE, &min_flow, "Leave out flows under £N", "N" },
        { "remove", 0, 0, G_OPTION_ARG_INT, &remove, "Remove view N", "N" },
        { "move", 0, 0, G_OPTION_ARG_INT, &move, "Move view N (with --to)", "N" },
        { "to", 0, 0, G_OPTION_ARG_INT, &to, "... to position M", "M" },
        { "delete", 0, 0, G_OPTION_ARG_NONE, &delete, "Delete the whole story", NULL },
        { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "Write the story as a PDF, a page a view", "OUT" },
        { "paper", 0, 0, G_OPTION_ARG_STRING, &paper, "Its paper (default a4, landscape)", "P" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("PROJECT [STORY]");
  g_autoptr (WmProject) project = NULL;
  GError     *error = NULL;
  const char *story;
  int         actions;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_usage_error ("%s", error->message);
  if (argc < 2 || argc > 3)
    return cli_usage_error ("usage: wealthmap-cli story PROJECT [STORY] [options]");
  story = argc == 3 ? argv[2] : NULL;
  actions = !!add + !!remove + !!move + !!delete + !!pdf;
  if (actions > 1)
    return cli_usage_error ("give one of --add, --remove, --move, --delete or --pdf");
  if (actions == 1 && story == NULL)
    return cli_usage_error ("name the story: wealthmap-cli story PROJECT STORY ...");
  if ((move != 0) != (to != 0))
    return cli_usage_error ("--move N needs --to M, and --to M needs --move N");
  project = cli_open_project (argv[1]);
  if (project == NULL)
    return 1;
  if (story == NULL)
    return list_stories (project, json);
  if (add)
    {
      g_autoptr (WmStoryView) view = wm_story_view_new ();
      gint64 id;

      view->title = g_strdup (title);
      view->caption = g_strdup (caption);
      if (style)
        g_free (view->style), view->style = g_strdup (style);
      if (level)
        g_free (view->level), view->level = g_strdup (level);
      if (domain)
        g_free (view->domain), view->domain = g_strdup (domain);
      view->flows = !no_flows;
      if (anchor && !known_anchor (project, anchor, &error))
        return cli_fail (error);
      view->anchor = g_strdup (anchor);
      if (sector)
        {
          const char *key = cli_sector (project, sector);

          if (key == NULL)
            return 2;
          view->sector = g_strdup (key);
        }
      view->kind = g_strdup (kind);
      view->category = g_strdup (category);
      view->year = year;
      view->min_flow = (gint64) (min_flow * 100 + 0.5);
      if (bbox != NULL)
        {
          if (sscanf (bbox, "%lf,%lf,%lf,%lf", &view->west, &view->south, &view->east, &view->north)
              != 4)
            return cli_usage_error ("--bbox is WEST,SOUTH,EAST,NORTH in degrees");
        }
      else
        {
          /* The place, as the map first shows it. */
          WmMapFilter filter;
          double      x0, y0, x1, y1;
          g_autoptr (WmScene) scene = NULL;

          wm_story_view_get_filter (view, &filter);
          scene = wm_scene_load (project, &filter, &error);
          if (scene == NULL)
            return cli_fail (error);
          wm_scene_get_extent (scene, &x0, &y0, &x1, &y1);
          wm_mercator_inverse (x0, y1, &view->west, &view->south);
          wm_mercator_inverse (x1, y0, &view->east, &view->north);
        }
      id = wm_project_add_story_view (project, story, view, &error);
      if (id == 0)
        return cli_fail (error);
      {
        g_autoptr (GPtrArray) views = wm_project_story_views (project, story, &error);
        if (views == NULL)
          return cli_fail (error);
        g_print ("%s: view %u added\n", story, views->len);
      }
      return 0;
    }
  if (remove || move)
    {
      g_autoptr (GPtrArray) views = wm_project_story_views (project, story, &error);
      int                n = remove ? remove : move;
      const WmStoryView *v;

      if (views == NULL)
        return cli_fail (error);
      if (n < 1 || n > (int) views->len)
        {
          g_printerr ("wealthmap-cli: story “%s” has views 1 to %u, not %d\n", story, views->len,
                      n);
          return 1;
        }
      v = g_ptr_array_index (views, n - 1);
      if (remove ? !wm_project_remove_story_view (project, v->id, &error)
                 : !wm_project_move_story_view (project, v->id, to, &error))
        return cli_fail (error);
      if (remove)
        g_print ("%s: view %d removed\n", story, n);
      else
        g_print ("%s: view %d is now view %d\n", story, n, CLAMP (to, 1, (int) views->len));
      return 0;
    }
  if (delete)
    {
      if (!wm_project_delete_story (project, story, &error))
        return cli_fail (error);
      g_print ("%s: deleted\n", story);
      return 0;
    }
  if (pdf)
    {
      WmPageSize size;

      if (!wm_page_size_for_paper (paper ? paper : "a4", WM_RENDER_PDF, 72, &size, &error))
        {
          g_printerr ("wealthmap-cli: %s\n", error->message);
          g_error_free (error);
          return 2;
        }
      if (!wm_story_write_pdf (project, story, pdf, &size, NULL, &error))
        return cli_fail (error);
      g_print ("wrote %s\n", pdf);
      return 0;
    }
  return print_story (project, story, json);
}
