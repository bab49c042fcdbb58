/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wm-story-render.h"

#include "app/core/wm-error.h"

void
wm_story_view_render_options (const WmStoryView *view, const char *story, WmRenderOptions *options)
{
  wm_render_options_init (options);
  wm_mercator (view->west, view->north, &options->extent[0], &options->extent[1]);
  wm_mercator (view->east, view->south, &options->extent[2], &options->extent[3]);
  options->has_extent = TRUE;
  options->style
      = g_strcmp0 (view->style, "received") == 0 ? WM_AREA_STYLE_RECEIVED : WM_AREA_STYLE_IMD;
  if (!view->flows)
    options->layers &= ~WM_LAYER_FLOWS;
  options->min_flow = view->min_flow;
  options->title = view->title ? view->title : story;
  options->caption = view->caption;
}

static gboolean
same_filter (const WmStoryView *a, const WmStoryView *b)
{
  return g_strcmp0 (a->level, b->level) == 0 && g_strcmp0 (a->domain, b->domain) == 0
         && g_strcmp0 (a->anchor, b->anchor) == 0 && g_strcmp0 (a->sector, b->sector) == 0
         && g_strcmp0 (a->kind, b->kind) == 0 && g_strcmp0 (a->category, b->category) == 0
         && a->year == b->year;
}

gboolean
wm_story_write_pdf (WmProject        *project,
                    const char       *story,
                    const char       *path,
                    const WmPageSize *size,
                    GCancellable     *cancellable,
                    GError          **error)
{
  g_autoptr (GPtrArray) views = NULL;
  g_autoptr (GPtrArray) scenes = NULL;
  WmRenderDoc *doc;

  g_return_val_if_fail (WM_IS_PROJECT (project) && story != NULL && path != NULL, FALSE);
  views = wm_project_story_views (project, story, error);
  if (views == NULL)
    return FALSE;
  /* Loaded before the file is begun: a filter that fails writes nothing. */
  scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) wm_scene_unref);
  for (guint i = 0; i < views->len; i++)
    {
      const WmStoryView *v = g_ptr_array_index (views, i);
      WmScene           *scene = NULL;

      for (guint k = 0; k < i && scene == NULL; k++)
        if (same_filter (v, g_ptr_array_index (views, k)))
          scene = wm_scene_ref (g_ptr_array_index (scenes, k));
      if (scene == NULL)
        {
          WmMapFilter filter;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          wm_story_view_get_filter (v, &filter);
          scene = wm_scene_load (project, &filter, error);
          if (scene == NULL)
            {
              g_prefix_error (error, "story “%s”, view %d: ", story, v->number);
              return FALSE;
            }
        }
      g_ptr_array_add (scenes, scene);
    }
  doc = wm_render_doc_new (path, WM_RENDER_PDF, size, error);
  if (doc == NULL)
    return FALSE;
  for (guint i = 0; i < views->len; i++)
    {
      WmRenderOptions  options;
      g_autofree char *label = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        {
          wm_render_doc_abandon (doc);
          return !g_cancellable_set_error_if_cancelled (cancellable, error);
        }
      wm_story_view_render_options (g_ptr_array_index (views, i), story, &options);
      /* as the presentation's "Workshop · 2 of 3" */
      label = g_strdup_printf ("%s · %u of %u", story, i + 1, views->len);
      options.page_label = label;
      wm_render_doc_add_page (doc, g_ptr_array_index (scenes, i), &options);
    }
  return wm_render_doc_finish (doc, error);
}
