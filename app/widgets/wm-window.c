/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window. Loading a project, reloading the map under a new filter and every import
 * run in GTask threads against the core; this file only moves their results into widgets on
 * the main thread. */
#include "wm-window.h"

#include <glib/gi18n.h>
#include <math.h>
#include <shumate/shumate.h>

#include "app/map/wm-overlay-layer.h"
#include "app/map/wm-report-pdf.h"
#include "app/map/wm-tile-source.h"
#include "wm-gaps-panel.h"
#include "wm-import-dialog.h"
#include "wm-lines-window.h"
#include "wm-rules-window.h"
#include "wm-side-panel.h"
#include "wm-window-private.h"

G_DEFINE_FINAL_TYPE (WmWindow, wm_window, ADW_TYPE_APPLICATION_WINDOW)

typedef struct
{
  char       *path;    /* to open, or NULL to reload */
  WmProject  *project; /* to reload */
  char       *anchor, *kind, *sector;
  const char *level; /* static string */
  char       *domain;
  WmMapFilter filter;
  gboolean    full; /* summaries and unlocated suppliers too, not only the map */
  gboolean    fit;  /* move the map to the project's extent afterwards */
  /* results */
  WmScene *scene;
} LoadJob;

/* The side panel's figures, read after the map is shown (a national project's summaries take
 * seconds; its map data well under one). */
typedef struct
{
  WmProject  *project;
  gboolean    full;   /* after a full load: the gaps are read again too */
  WmMapFilter filter; /* the side panel's, strings owned below */
  char       *anchor, *sector, *kind;
  /* results: the summaries are of the filtered spend, the rest of all of it */
  WmSummary *by_anchor;
  WmSummary *by_year;
  WmSummary *by_sector;
  WmSummary *by_kind;
  WmSummary *all; /* the header's placed share: by_anchor itself when nothing is filtered */
  GPtrArray *anchors, *years, *sectors; /* what the filters offer */
  GPtrArray *unmatched;
} FiguresJob;

static void
load_job_free (LoadJob *job)
{
  g_free (job->path);
  g_clear_object (&job->project);
  g_free (job->anchor);
  g_free (job->kind);
  g_free (job->sector);
  g_free (job->domain);
  g_clear_pointer (&job->scene, wm_scene_unref);
  g_free (job);
}

static void
figures_job_free (FiguresJob *job)
{
  g_clear_object (&job->project);
  g_free (job->anchor);
  g_free (job->sector);
  g_free (job->kind);
  if (job->all != job->by_anchor)
    g_clear_pointer (&job->all, wm_summary_free);
  g_clear_pointer (&job->anchors, g_ptr_array_unref);
  g_clear_pointer (&job->years, g_ptr_array_unref);
  g_clear_pointer (&job->sectors, g_ptr_array_unref);
  g_clear_pointer (&job->by_anchor, wm_summary_free);
  g_clear_pointer (&job->by_year, wm_summary_free);
  g_clear_pointer (&job->by_sector, wm_summary_free);
  g_clear_pointer (&job->by_kind, wm_summary_free);
  g_clear_pointer (&job->unmatched, g_ptr_array_unref);
  g_free (job);
}

void
_wm_window_show_toast (WmWindow *self, const char *message, int timeout)
{
  AdwToast *toast = adw_toast_new (message);

  g_free (self->last_message);
  self->last_message = g_strdup (message);
  adw_toast_set_timeout (toast, (guint) timeout);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Errors stay until dismissed: they name a file and line the user has to go and fix. */
void
_wm_window_show_error (WmWindow *self, const GError *error)
{
  g_return_if_fail (error != NULL);
  _wm_window_show_toast (self, error->message, 0);
}

void
_wm_window_job_started (WmWindow *self, const char *what)
{
  self->busy++;
  gtk_label_set_text (self->job_label, what);
  gtk_progress_bar_set_fraction (self->job_progress, 0);
  gtk_revealer_set_reveal_child (self->job_revealer, TRUE);
}

void
_wm_window_job_ended (WmWindow *self)
{
  g_assert (self->busy > 0);
  if (--self->busy == 0)
    gtk_revealer_set_reveal_child (self->job_revealer, FALSE);
}

gboolean
_wm_window_job_finish (WmWindow *self, GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;

  _wm_window_job_ended (self);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    return TRUE;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _wm_window_show_error (self, error);
  return FALSE;
}

static void
on_job_cancel_clicked (WmWindow *self)
{
  wm_window_cancel_job (self);
}

static void run_waiting_figures (WmWindow *self);

void
wm_window_cancel_job (WmWindow *self)
{
  g_return_if_fail (WM_IS_WINDOW (self));
  if (self->job_cancellable != NULL)
    g_cancellable_cancel (self->job_cancellable);
  if (self->reload_cancellable != NULL)
    g_cancellable_cancel (self->reload_cancellable);
  if (self->figures_cancellable != NULL)
    g_cancellable_cancel (self->figures_cancellable);
  run_waiting_figures (self); /* ends now, cancelled */
}

void
_wm_window_render_options (WmWindow *self, WmRenderOptions *options)
{
  wm_render_options_init (options);
  if (g_settings_get_enum (self->settings, "area-style") == 1)
    options->style = WM_AREA_STYLE_RECEIVED;
  if (!g_settings_get_boolean (self->settings, "show-flows"))
    options->layers &= ~WM_LAYER_FLOWS;
  options->layers &= ~WM_LAYER_LEGEND;
  options->min_flow = wm_side_panel_get_min_flow (self->side_panel);
  options->basemap = self->basemap; /* borrowed: the tile source and exports take a ref */
  _wm_window_legend_scale (self, &options->label_scale); /* presenting: larger labels */
  if (self->scene != NULL && self->marked_sector != NULL)
    {
      const WmMapData *data = wm_scene_get_data (self->scene);
      gboolean         any = FALSE;

      for (int m = 0; m < WM_RENDER_MAX_MARKED && self->marked_codes[m]; m++)
        for (guint i = 0; i < data->areas->len; i++)
          if (g_strcmp0 (((WmMapArea *) data->areas->pdata[i])->code, self->marked_codes[m]) == 0)
            {
              options->marked_areas[m] = (int) i;
              any = TRUE;
              break;
            }
      if (any)
        g_snprintf (options->marked_title, sizeof options->marked_title, _ ("Candidate sites: %s"),
                    self->marked_sector);
    }
}

/* The per-frame layer and the legend again, for a change that leaves the tiles alone. */
void
_wm_window_update_overlay (WmWindow *self)
{
  WmRenderOptions options;

  if (self->scene == NULL || gtk_widget_get_parent (GTK_WIDGET (self->overlay)) == NULL)
    return;
  _wm_window_render_options (self, &options);
  wm_overlay_layer_set_scene (self->overlay, self->scene, &options);
  gtk_widget_queue_draw (GTK_WIDGET (self->legend));
}

/* A centre that puts the tiles on whole pixels at a whole zoom level: the cairo renderer then
 * draws them 1:1, crisp and without seams between tiles. */
static void
center_snapped (WmWindow *self, double mx, double my, double zoom, double *lon, double *lat)
{
  double scale = 256 * exp2 (zoom);
  double half_w = gtk_widget_get_width (GTK_WIDGET (self->map)) / 2.0;
  double half_h = gtk_widget_get_height (GTK_WIDGET (self->map)) / 2.0;

  mx = (round (mx * scale - half_w) + half_w) / scale;
  my = (round (my * scale - half_h) + half_h) / scale;
  wm_mercator_inverse (mx, my, lon, lat);
}

void
_wm_window_visible_extent (WmWindow *self, double *x0, double *y0, double *x1, double *y1)
{
  ShumateViewport *viewport = shumate_map_get_viewport (shumate_simple_map_get_map (self->map));
  double           scale = 256 * exp2 (shumate_viewport_get_zoom_level (viewport));
  double           half_w = MAX (gtk_widget_get_width (GTK_WIDGET (self->map)), 1) / 2.0 / scale;
  double           half_h = MAX (gtk_widget_get_height (GTK_WIDGET (self->map)), 1) / 2.0 / scale;
  double           mx, my;

  wm_mercator (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
               shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), &mx, &my);
  *x0 = CLAMP (mx - half_w, 0, 1), *x1 = CLAMP (mx + half_w, 0, 1);
  *y0 = CLAMP (my - half_h, 0, 1), *y1 = CLAMP (my + half_h, 0, 1);
}

void
_wm_window_fit_box (WmWindow *self, double x0, double y0, double x1, double y1)
{
  ShumateMap *map = shumate_simple_map_get_map (self->map);
  double      lon, lat, w, h, zoom;

  w = MAX (gtk_widget_get_width (GTK_WIDGET (self->map)), 400);
  h = MAX (gtk_widget_get_height (GTK_WIDGET (self->map)), 300);
  zoom = log2 (MIN ((w - 60) / ((x1 - x0) * 256), (h - 60) / ((y1 - y0) * 256)));
  zoom = CLAMP (floor (zoom), 1, 17);
  center_snapped (self, (x0 + x1) / 2, (y0 + y1) / 2, zoom, &lon, &lat);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), zoom);
  shumate_map_center_on (map, lat, lon);
}

static void
fit_map (WmWindow *self)
{
  double x0, y0, x1, y1;

  if (self->scene == NULL)
    return;
  wm_scene_get_extent (self->scene, &x0, &y0, &x1, &y1);
  _wm_window_fit_box (self, x0, y0, x1, y1);
}

static void
simplify_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  wm_scene_simplify (data);
  g_task_return_boolean (task, TRUE);
}

/* Once a scene's first view is drawn, its per-zoom simplification is worked out in a thread (a
 * quarter of a second for every English LSOA); the tiles drawn after it are drawn faster. */
static void
simplify_when_drawn (WmWindow *self, WmTileSource *source)
{
  g_autoptr (GTask) task = NULL;

  g_signal_handlers_disconnect_by_func (source, simplify_when_drawn, self);
  if (self->scene == NULL)
    return;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, simplify_when_drawn);
  g_task_set_task_data (task, wm_scene_ref (self->scene), (GDestroyNotify) wm_scene_unref);
  g_task_run_in_thread (task, simplify_thread);
}

/* Shows @scene: a new tile source (libshumate cannot invalidate tiles) and the overlay. */
static void
apply_scene (WmWindow *self, WmScene *scene)
{
  WmRenderOptions options;
  g_autoptr (WmTileSource) source = NULL;

  if (scene != NULL)
    {
      g_clear_pointer (&self->scene, wm_scene_unref);
      self->scene = wm_scene_ref (scene);
    }
  if (self->scene == NULL)
    return;
  _wm_window_render_options (self, &options);
  source = wm_tile_source_new (self->scene, &options);
  /* also for the same scene under new options: the source that was to start it may be gone
   * (a scene already simplified returns at once) */
  g_signal_connect_object (source, "drained", G_CALLBACK (simplify_when_drawn), self,
                           G_CONNECT_SWAPPED);
  shumate_simple_map_set_map_source (self->map, SHUMATE_MAP_SOURCE (source));
  /* The overlay goes on once the first base layer exists: ShumateSimpleMap puts its first base
   * layer on top of everything already there. */
  if (gtk_widget_get_parent (GTK_WIDGET (self->overlay)) == NULL)
    shumate_simple_map_add_overlay_layer (self->map, SHUMATE_LAYER (self->overlay));
  wm_overlay_layer_set_scene (self->overlay, self->scene, &options);
  gtk_widget_queue_draw (GTK_WIDGET (self->legend));
}

static void
load_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LoadJob *job = data;
  GError  *error = NULL;

  if (job->project == NULL)
    {
      job->project = wm_project_open (job->path, &error);
      if (job->project == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  job->scene = wm_scene_load (job->project, &job->filter, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

static void
remember_recent (WmWindow *self, const char *path)
{
  g_auto (GStrv) old = g_settings_get_strv (self->settings, "recent-projects");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) recent = NULL;
  guint n = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < 10; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char *const *) recent);
}

static void
figures_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  FiguresJob        *job = data;
  const WmMapFilter *f = &job->filter;
  GError            *error = NULL;
  gboolean           filtered = f->anchor || f->fyear || f->sector || f->kind || f->category;

  job->by_anchor
      = wm_project_summary_filtered (job->project, WM_SUMMARY_BY_ANCHOR, f, FALSE, &error);
  if (job->by_anchor != NULL && !g_cancellable_is_cancelled (cancellable))
    job->by_year = wm_project_summary_filtered (job->project, WM_SUMMARY_BY_YEAR, f, TRUE, &error);
  if (job->by_year != NULL && !g_cancellable_is_cancelled (cancellable))
    job->by_sector
        = wm_project_summary_filtered (job->project, WM_SUMMARY_BY_SECTOR, f, TRUE, &error);
  if (job->by_sector != NULL && !g_cancellable_is_cancelled (cancellable))
    job->by_kind = wm_project_summary_filtered (job->project, WM_SUMMARY_BY_KIND, f, TRUE, &error);
  if (job->by_kind != NULL && !g_cancellable_is_cancelled (cancellable))
    job->all = filtered ? wm_project_summary_filtered (job->project, WM_SUMMARY_BY_ANCHOR, NULL,
                                                       TRUE, &error)
                        : job->by_anchor;
  if (job->all != NULL && !g_cancellable_is_cancelled (cancellable))
    wm_project_filter_choices (job->project, &job->anchors, &job->years, &job->sectors, &error);
  if (job->sectors != NULL && !g_cancellable_is_cancelled (cancellable))
    job->unmatched = wm_project_unmatched (job->project, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

static void
figures_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmWindow   *self = WM_WINDOW (object);
  FiguresJob *job = g_task_get_task_data (G_TASK (result));

  if (!_wm_window_job_finish (self, result))
    return;
  if (job->project != self->project)
    return;
  {
    /* The header says how much of the analysis stands on placed spend (docs/matching.md). */
    const WmShareRow *o = &job->all->overall;
    g_autofree char  *name = g_path_get_basename (wm_project_get_path (self->project));
    g_autofree char *placed = wm_format_share (o->local + o->regional + o->leaked + o->unclassified,
                                               o->total - o->public_bodies);
    g_autofree char *subtitle
        /* Translators: the window subtitle, e.g. "Demo.wealthmap · 87% of supplier spend
         * placed". */
        = o->total > 0 ? g_strdup_printf (_ ("%s · %s of supplier spend placed"), name, placed)
                       : g_strdup (name);

    adw_window_title_set_subtitle (self->window_title, subtitle);
  }
  wm_side_panel_set_choices (self->side_panel, job->anchors, job->years, job->sectors);
  wm_side_panel_set_data (self->side_panel, job->by_anchor, job->by_year, job->by_sector,
                          job->by_kind, job->unmatched);
  /* the gaps are of all the spend: read again only when it changed, not for a filter */
  if (job->full)
    {
      self->figures_full_pending = FALSE;
      wm_gaps_panel_set_project (self->gaps_panel, self->project);
    }
}

/* What the side panel's figures were read under, as one string to compare. */
static char *
filter_key (const WmMapFilter *f)
{
  return g_strdup_printf ("%s\x1f%d\x1f%s\x1f%s", f->anchor ? f->anchor : "", f->fyear,
                          f->sector ? f->sector : "", f->kind ? f->kind : "");
}

/* Reads the side panel's figures in a thread of their own, after the map is up. Only another
 * full load (or Cancel) stops it: a filter change redraws the map but keeps these. */
/* Runs the figures job that waits for the first view's tiles, if there is one. */
static void
run_waiting_figures (WmWindow *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->figures_waiting);

  g_clear_handle_id (&self->figures_wait_timeout, g_source_remove);
  if (self->figures_wait_source != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->figures_wait_source, run_waiting_figures, self);
      g_clear_weak_pointer (&self->figures_wait_source);
    }
  if (task != NULL)
    g_task_run_in_thread (task, figures_thread);
}

static gboolean
figures_wait_over (gpointer data)
{
  WmWindow *self = data;

  self->figures_wait_timeout = 0;
  run_waiting_figures (self);
  return G_SOURCE_REMOVE;
}

static void
start_figures (WmWindow *self, gboolean full)
{
  g_autoptr (GTask) task = NULL;
  FiguresJob       *job = g_new0 (FiguresJob, 1);
  ShumateMapSource *source = shumate_simple_map_get_map_source (self->map);

  if (self->figures_cancellable != NULL)
    g_cancellable_cancel (self->figures_cancellable);
  run_waiting_figures (self); /* a job still waiting ends now, cancelled */
  g_set_object (&self->figures_cancellable, g_cancellable_new ());
  g_object_unref (self->figures_cancellable); /* g_set_object took a reference */
  job->project = g_object_ref (self->project);
  /* a filter change that cancels the figures of a full load takes over its gaps */
  self->figures_full_pending |= full;
  job->full = self->figures_full_pending;
  wm_side_panel_get_filter (self->side_panel, &job->filter);
  job->filter.anchor = job->anchor = g_strdup (job->filter.anchor);
  job->filter.sector = job->sector = g_strdup (job->filter.sector);
  job->filter.kind = job->kind = g_strdup (job->filter.kind);
  job->filter.category = NULL; /* the panel has no category row */
  job->filter.level = job->filter.domain = NULL;
  g_free (self->figures_filter);
  self->figures_filter = filter_key (&job->filter);
  task = g_task_new (self, self->figures_cancellable, figures_done, NULL);
  g_task_set_source_tag (task, start_figures);
  g_task_set_task_data (task, job, (GDestroyNotify) figures_job_free);
  _wm_window_job_started (self, _ ("Adding up the figures…"));
  /* After opening, the first view's tiles have both cores first (a national project's figures
   * take seconds; its tiles a fraction of one): the figures wait until they are drawn, or a
   * second and a half. */
  if (full && WM_IS_TILE_SOURCE (source)
      && (wm_tile_source_get_drawn (WM_TILE_SOURCE (source)) == 0
          || wm_tile_source_get_pending (WM_TILE_SOURCE (source)) > 0))
    {
      self->figures_waiting = g_steal_pointer (&task);
      g_set_weak_pointer (&self->figures_wait_source, source);
      g_signal_connect_swapped (source, "drained", G_CALLBACK (run_waiting_figures), self);
      self->figures_wait_timeout = g_timeout_add (1500, figures_wait_over, self);
      return;
    }
  g_task_run_in_thread (task, figures_thread);
}

static void
load_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmWindow *self = WM_WINDOW (object);
  LoadJob  *job = g_task_get_task_data (G_TASK (result));

  if (!_wm_window_job_finish (self, result))
    return;
  if (job->project != self->project)
    {
      g_autofree char *name = g_path_get_basename (wm_project_get_path (job->project));

      g_set_object (&self->project, job->project);
      adw_window_title_set_subtitle (self->window_title, name);
      /* another project's figures must not stay beside this one's map */
      wm_side_panel_set_data (self->side_panel, NULL, NULL, NULL, NULL, NULL);
      remember_recent (self, wm_project_get_path (job->project));
      if (wm_project_is_read_only (self->project))
        {
          g_autofree char *text = g_strdup_printf (
              _ ("%s is read-only: everything can be explored and exported, but imports and "
                 "edits will be refused (save a copy somewhere you can write to change it)"),
              name);
          _wm_window_show_toast (self, text, 0);
        }
    }
  apply_scene (self, job->scene);
  if (job->fit)
    fit_map (self);
  if (job->full)
    start_figures (self, TRUE);
}

/* libshumate 1.0 has no switch for its rotate gesture: undo any rotation at once. */
static void
keep_north_up (ShumateViewport *viewport, GParamSpec *pspec, gpointer user_data)
{
  if (shumate_viewport_get_rotation (viewport) != 0.0)
    shumate_viewport_set_rotation (viewport, 0.0);
}

static void
start_load (WmWindow *self, const char *path, gboolean full, gboolean fit)
{
  g_autoptr (GTask) task = NULL;
  LoadJob *job = g_new0 (LoadJob, 1);

  if (self->reload_cancellable != NULL)
    g_cancellable_cancel (self->reload_cancellable);
  g_set_object (&self->reload_cancellable, g_cancellable_new ());
  g_object_unref (self->reload_cancellable); /* g_set_object took a reference */
  job->path = g_strdup (path);
  if (path == NULL)
    job->project = g_object_ref (self->project);
  wm_side_panel_get_filter (self->side_panel, &job->filter);
  job->anchor = g_strdup (job->filter.anchor);
  job->kind = g_strdup (job->filter.kind);
  job->filter.anchor = job->anchor;
  job->filter.kind = job->kind;
  job->sector = g_strdup (job->filter.sector);
  job->filter.sector = job->sector;
  job->level = g_settings_get_enum (self->settings, "area-level") == 1 ? "lsoa" : "ward";
  job->domain = g_settings_get_string (self->settings, "deprivation-domain");
  job->filter.level = job->level;
  job->filter.domain = job->domain;
  job->full = full;
  job->fit = fit;
  if (full && self->figures_cancellable != NULL)
    g_cancellable_cancel (self->figures_cancellable); /* this load will read them again */
  task = g_task_new (self, self->reload_cancellable, load_done, NULL);
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  _wm_window_job_started (self, path ? _ ("Opening the project…") : _ ("Drawing the map…"));
  g_task_run_in_thread (task, load_thread);
}

void
wm_window_open_project (WmWindow *self, const char *path)
{
  g_return_if_fail (WM_IS_WINDOW (self) && path != NULL);
  start_load (self, path, TRUE, TRUE);
}

typedef struct
{
  WmWindow *self;
  double    fraction;
  char     *message;
} Progress;

static gboolean
progress_in_main (gpointer data)
{
  Progress *p = data;

  gtk_progress_bar_set_fraction (p->self->job_progress, CLAMP (p->fraction, 0, 1));
  if (p->message != NULL)
    gtk_progress_bar_set_text (p->self->job_progress, p->message);
  return G_SOURCE_REMOVE;
}

static void
progress_free (Progress *p)
{
  g_object_unref (p->self);
  g_free (p->message);
  g_free (p);
}

/* Called on the import thread: hands the figure to the main thread. */
static void
import_progress (double fraction, const char *message, gpointer data)
{
  Progress *p = g_new0 (Progress, 1);

  p->self = g_object_ref (WM_WINDOW (data));
  p->fraction = fraction;
  p->message = g_strdup (message);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, progress_in_main, p,
                              (GDestroyNotify) progress_free);
  /* cppcheck-suppress memleak ; p belongs to the main loop's source now */
}

typedef struct
{
  WmImportJob    *job;
  WmProject      *project;
  WmImportReport *report;
  WmWindow       *self;
} ImportTask;

static void
import_task_free (ImportTask *t)
{
  wm_import_job_free (t->job);
  g_object_unref (t->project);
  g_clear_pointer (&t->report, wm_import_report_free);
  g_free (t);
}

static void
import_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ImportTask *t = data;
  GError     *error = NULL;

  if (wm_import_job_run (t->job, t->project, import_progress, t->self, cancellable, &t->report,
                         &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
import_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmWindow   *self = WM_WINDOW (object);
  ImportTask *t = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (_wm_window_end_write_job (self))
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The core rolled the transaction back: the project is as it was. */
      if (g_error_matches (error, WM_ERROR, WM_ERROR_CANCELLED))
        _wm_window_show_toast (self, _ ("Import cancelled; the project is unchanged"), 5);
      else
        _wm_window_show_error (self, error);
      return;
    }
  {
    g_autofree char *text = wm_import_report_to_string (t->report);
    _wm_window_show_toast (self, text, 8);
  }
  start_load (self, NULL, TRUE, FALSE);
}

void
wm_window_run_import (WmWindow *self, WmImportJob *job)
{
  g_autoptr (GTask) task = NULL;
  ImportTask      *t;
  g_autofree char *what = NULL, *name = NULL;

  g_return_if_fail (WM_IS_WINDOW (self) && job != NULL);
  if (self->project == NULL || self->job_cancellable != NULL)
    {
      _wm_window_show_toast (self,
                             self->project
                                 ? _ ("Another import is running; wait for it or cancel it")
                                 : _ ("Open or create a project first"),
                             5);
      wm_import_job_free (job);
      return;
    }
  t = g_new0 (ImportTask, 1);
  t->job = job;
  t->project = g_object_ref (self->project);
  t->self = self;
  self->job_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->job_cancellable, import_done, NULL);
  g_task_set_source_tag (task, wm_window_run_import);
  g_task_set_task_data (task, t, (GDestroyNotify) import_task_free);
  name = g_path_get_basename (job->file);
  /* Translators: the first %s is what is imported ("Anchor spend", "Postcodes"…), the second
   * the file's name. */
  what = g_strdup_printf (_ ("Importing %s: %s"), wm_import_kind_to_title (job->kind), name);
  _wm_window_job_started (self, what);
  g_task_run_in_thread (task, import_thread);
}

static void
on_filter_changed (WmWindow *self)
{
  WmMapFilter      filter;
  g_autofree char *key = NULL;

  if (self->project == NULL)
    return;
  start_load (self, NULL, FALSE, FALSE);
  /* The side panel's figures follow the filters (not the smallest flow drawn, which is only
   * drawing): read again when they changed. */
  wm_side_panel_get_filter (self->side_panel, &filter);
  key = filter_key (&filter);
  if (g_strcmp0 (key, self->figures_filter) != 0)
    start_figures (self, FALSE);
}

static void
on_ward_activated (WmWindow *self, const char *code)
{
  const WmMapData *data;
  ShumateMap      *map = shumate_simple_map_get_map (self->map);

  if (self->scene == NULL)
    return;
  data = wm_scene_get_data (self->scene);
  for (guint i = 0; i < data->areas->len; i++)
    {
      const WmMapArea *a = g_ptr_array_index (data->areas, i);
      const double    *xy = (const double *) a->xy->data;
      double           w = 180, s = 90, e = -180, n = -90;

      if (g_strcmp0 (a->code, code) != 0)
        continue;
      for (guint k = 0; k < a->xy->len / 2; k++)
        {
          w = MIN (w, xy[2 * k]), e = MAX (e, xy[2 * k]);
          s = MIN (s, xy[2 * k + 1]), n = MAX (n, xy[2 * k + 1]);
        }
      {
        double x0, y0, x1, y1, zoom;
        double width = MAX (gtk_widget_get_width (GTK_WIDGET (self->map)), 400);
        double height = MAX (gtk_widget_get_height (GTK_WIDGET (self->map)), 300);

        wm_mercator (w, n, &x0, &y0);
        wm_mercator (e, s, &x1, &y1);
        zoom = log2 (MIN (width / 2 / ((x1 - x0) * 256), height / 2 / ((y1 - y0) * 256)));
        shumate_map_go_to_full (map, (s + n) / 2, (w + e) / 2, CLAMP (floor (zoom), 8, 16));
      }
      wm_overlay_layer_set_hover (self->overlay, (int) i, -1);
      return;
    }
}

/* The legend's margin in ui/wm-window.ui, and how far it may shrink to fit a short window. */
#define LEGEND_MARGIN 12
/* What it leaves free under it: the scale bar, bottom left (about 50 px high). */
#define LEGEND_BELOW 64
/* Its width at scale 1: the text is laid out for this width whatever the allocation is, so its
 * height does not depend on the frame the allocation catches up in. */
#define LEGEND_WIDTH 250
#define LEGEND_MIN_SCALE 0.75

static void
draw_legend (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  WmWindow       *self = data;
  WmRenderOptions options;
  double          used, scale, room;
  int             want_width;

  if (self->scene == NULL)
    return;
  /* Presenting: the same legend, larger, to be read from the back of a room. In either mode no
   * taller than the map leaves room for (its margin above, the scale bar below): a legend cut
   * off at the bottom loses its last entries, and one over the scale bar hides it. */
  _wm_window_legend_scale (self, &scale);
  room = gtk_widget_get_height (GTK_WIDGET (self->map_overlay)) - LEGEND_MARGIN - LEGEND_BELOW;
  if (self->legend_used > 0 && room > 0)
    scale = MIN (scale, MAX (LEGEND_MIN_SCALE, room / (self->legend_used + 20)));
  want_width = (int) (LEGEND_WIDTH * scale);
  if (gtk_drawing_area_get_content_width (area) != want_width)
    gtk_drawing_area_set_content_width (area, want_width);
  _wm_window_render_options (self, &options);
  cairo_scale (cr, scale, scale);
  used = wm_render_legend (cr, self->scene, &options,
                           wm_overlay_layer_get_flow_stats (self->overlay), 12, 10,
                           LEGEND_WIDTH - 20);
  if (ABS (used - self->legend_used) > 0.5 && room > 0 && (used + 20) * scale > room + 1)
    {
      /* taller than last time and than the room: drawn again at the scale that fits */
      self->legend_used = used;
      gtk_widget_queue_draw (GTK_WIDGET (area));
      return;
    }
  self->legend_used = used;
  if (ABS ((used + 20) * scale - height) > 1)
    gtk_drawing_area_set_content_height (area, (int) ((used + 20) * scale));
}

static void
on_stats_changed (WmWindow *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->legend));
}

static char *
point_markup (const WmMapPoint *p)
{
  g_autofree char *amount = wm_format_pounds (p->amount);

  if (p->anchor)
    /* Translators: a map popover: the anchor's name, its kind (a code: council, nhs, police…)
     * and its ward. Keep the markup and the line breaks. */
    return g_markup_printf_escaped (_ ("<b>%s</b>\nAnchor institution (%s)\nWard %s"), p->name,
                                    p->kind ? p->kind : "other", p->ward ? p->ward : _ ("unknown"));
  /* Translators: a map popover: the supplier's name, the £ amount, its kind (a code: sme, vcse,
   * large…), its place (local, regional, leaked) and its ward. Keep the markup and line breaks. */
  return g_markup_printf_escaped (_ ("<b>%s</b>\n%s received under the current filter\n"
                                     "Kind: %s · place: %s\nWard: %s"),
                                  p->name, amount, p->kind ? p->kind : _ ("unknown"),
                                  p->place ? p->place : _ ("not set"),
                                  p->ward ? p->ward : _ ("outside the imported wards"));
}

static char *
area_markup (const WmMapData *data, const WmMapArea *a)
{
  g_autofree char *amount = wm_format_pounds (a->received);
  g_autofree char *decile
      = a->imd_decile > 0 ? g_strdup_printf (_ ("%d of 10 (1 = most deprived)"), a->imd_decile)
                          : g_strdup (_ ("not known (no deprivation or lookup imported)"));

  /* Translators: a map popover: the area's name and code, where it is (In the local area…),
   * its IMD decile and the £ received. Keep the markup and the line breaks. */
  return g_markup_printf_escaped (_ ("<b>%s</b> (%s)\n%s\nIMD decile: %s\nReceived by suppliers "
                                     "located here: %s"),
                                  a->name ? a->name : a->code, a->code,
                                  g_strcmp0 (a->role, "local") == 0    ? _ ("In the local area")
                                  : g_strcmp0 (a->role, "region") == 0 ? _ ("In the region")
                                                                       : _ ("Outside the region"),
                                  decile, amount);
}

static void
pick (WmWindow *self, double x, double y, int *area, int *point)
{
  WmMapView view;

  *area = *point = -1;
  if (self->scene == NULL)
    return;
  wm_overlay_layer_get_view (self->overlay, &view);
  *point = wm_scene_pick_point (self->scene, &view, x, y);
  if (*point < 0)
    *area = wm_scene_pick_area (self->scene, &view, x, y);
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, WmWindow *self)
{
  int area, point;

  pick (self, x, y, &area, &point);
  wm_overlay_layer_set_hover (self->overlay, area, point);
}

/* Opens the spend lines behind a figure, under the map's current filter. */
static void
open_lines (WmWindow   *self,
            const char *anchor,
            gint64      supplier_id,
            const char *ward,
            const char *place,
            const char *what)
{
  WmMapFilter    filter;
  WmLineQuery    query = { 0 };
  WmLinesWindow *window;

  if (self->project == NULL)
    return;
  wm_side_panel_get_filter (self->side_panel, &filter);
  query.anchor = anchor ? anchor : filter.anchor;
  query.supplier_id = supplier_id;
  query.ward = ward;
  query.place = place;
  query.category = filter.category;
  query.fyear = filter.fyear;
  query.kind = filter.kind;
  query.sector = filter.sector;
  window = wm_lines_window_new (GTK_WINDOW (self), self->project, &query, what);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_popover_lines_clicked (GtkButton *button, WmWindow *self)
{
  const WmMapData *data;
  int              point = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "point"));
  int              area = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "area"));

  if (self->scene == NULL)
    return;
  data = wm_scene_get_data (self->scene);
  gtk_popover_popdown (self->popover);
  if (point >= 0 && (guint) point < data->points->len)
    {
      const WmMapPoint *p = g_ptr_array_index (data->points, point);

      if (p->anchor)
        open_lines (self, p->name, 0, NULL, NULL, p->name);
      else
        open_lines (self, NULL, p->id, NULL, NULL, p->name);
    }
  else if (area >= 0 && (guint) area < data->areas->len)
    {
      const WmMapArea *a = g_ptr_array_index (data->areas, area);
      open_lines (self, NULL, 0, a->code, NULL, a->name ? a->name : a->code);
    }
}

/* ---- ward reports ----------------------------------------------------------------------- */

typedef struct
{
  WmProject *project;
  char      *code;
  char      *path;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_object_unref (job->project);
  g_free (job->code);
  g_free (job->path);
  g_free (job);
}

static void
report_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ReportJob  *job = data;
  WmMapFilter filter = { 0 };
  GError     *error = NULL;
  g_autoptr (WmWardReport) report = wm_project_ward_report (job->project, job->code, &error);
  g_autoptr (WmScene) scene = report ? wm_scene_load (job->project, &filter, &error) : NULL;

  if (scene == NULL || !wm_ward_report_to_pdf (report, scene, job->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
report_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmWindow  *self = WM_WINDOW (object);
  ReportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  _wm_window_job_ended (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    _wm_window_show_error (self, error);
  else
    {
      g_autofree char *text = g_strdup_printf (_ ("Ward report saved: %s"), job->path);
      _wm_window_show_toast (self, text, 6);
    }
}

void
wm_window_save_ward_report (WmWindow *self, const char *code, const char *path)
{
  g_autoptr (GTask) task = NULL;
  ReportJob *job;

  g_return_if_fail (WM_IS_WINDOW (self) && code != NULL && path != NULL);
  if (self->project == NULL)
    return;
  job = g_new0 (ReportJob, 1);
  job->project = g_object_ref (self->project);
  job->code = g_strdup (code);
  job->path = g_strdup (path);
  task = g_task_new (self, NULL, report_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) report_job_free);
  _wm_window_job_started (self, _ ("Writing the ward report…"));
  g_task_run_in_thread (task, report_thread);
}

static void
report_response (GtkNativeDialog *chooser, int response, WmWindow *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  const char *code = g_object_get_data (G_OBJECT (chooser), "code");

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    wm_window_save_ward_report (self, code, g_file_peek_path (file));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

/* Asks where to save ward @code's report, then writes it. */
static void
ask_ward_report (WmWindow *self, const char *code)
{
  GtkFileChooserNative *chooser;
  g_autofree char      *name = g_strdup_printf ("%s.pdf", code);

  chooser = gtk_file_chooser_native_new (_ ("Save the Ward Report"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "code", g_strdup (code), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (report_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_popover_report_clicked (GtkButton *button, WmWindow *self)
{
  gtk_popover_popdown (self->popover);
  ask_ward_report (self, g_object_get_data (G_OBJECT (button), "code"));
}

static void
on_click (GtkGestureClick *gesture, int n_press, double x, double y, WmWindow *self)
{
  const WmMapData *data;
  g_autofree char *markup = NULL;
  GtkWidget       *box, *label, *button;
  int              area, point;

  pick (self, x, y, &area, &point);
  if (area < 0 && point < 0)
    return;
  data = wm_scene_get_data (self->scene);
  markup = point >= 0 ? point_markup (g_ptr_array_index (data->points, point))
                      : area_markup (data, g_ptr_array_index (data->areas, area));
  if (self->popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->popover));
  self->popover = GTK_POPOVER (gtk_popover_new ());
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  button = gtk_button_new_with_mnemonic (_ ("_Spend Lines…"));
  gtk_widget_set_tooltip_text (
      button, _ ("The lines behind these figures, with their source file and line"));
  g_object_set_data (G_OBJECT (button), "point", GINT_TO_POINTER (point));
  g_object_set_data (G_OBJECT (button), "area", GINT_TO_POINTER (area));
  g_signal_connect (button, "clicked", G_CALLBACK (on_popover_lines_clicked), self);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);
  if (point < 0 && g_strcmp0 (data->level, "lsoa") != 0)
    {
      const WmMapArea *a = g_ptr_array_index (data->areas, area);

      button = gtk_button_new_with_mnemonic (_ ("Ward _Report…"));
      gtk_widget_set_tooltip_text (button,
                                   _ ("One A4 page about this ward for its councillors (PDF)"));
      g_object_set_data_full (G_OBJECT (button), "code", g_strdup (a->code), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_popover_report_clicked), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  gtk_popover_set_child (self->popover, box);
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self->overlay));
  gtk_popover_set_pointing_to (self->popover, &(GdkRectangle){ (int) x, (int) y, 1, 1 });
  gtk_popover_popup (self->popover);
}

typedef struct
{
  WmProject *project;
  gint64     id;
  char      *postcode;
} LocateJob;

static void
locate_job_free (LocateJob *job)
{
  g_object_unref (job->project);
  g_free (job->postcode);
  g_free (job);
}

static void
locate_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LocateJob *job = data;
  GError    *error = NULL;

  if (wm_project_locate_supplier (job->project, job->id, job->postcode, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
locate_done (GObject *object, GAsyncResult *result, gpointer data)
{
  WmWindow  *self = WM_WINDOW (object);
  LocateJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  _wm_window_job_ended (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _wm_window_show_error (self, error);
      return;
    }
  {
    g_autofree char *postcode = wm_normalize_postcode (job->postcode);
    g_autofree char *text = g_strdup_printf (_ ("Supplier placed at %s"), postcode);
    _wm_window_show_toast (self, text, 5);
  }
  start_load (self, NULL, TRUE, FALSE);
}

/* A postcode typed in the panel for an unlocated supplier: stored and placed off the main
 * thread (placing re-runs point-in-polygon for the project). */
void
wm_window_locate_supplier (WmWindow *self, gint64 supplier_id, const char *postcode)
{
  g_autoptr (GTask) task = NULL;
  LocateJob *job;

  g_return_if_fail (WM_IS_WINDOW (self));
  if (self->project == NULL)
    return;
  job = g_new0 (LocateJob, 1);
  job->project = g_object_ref (self->project);
  job->id = supplier_id;
  job->postcode = g_strdup (postcode);
  task = g_task_new (self, NULL, locate_done, NULL);
  g_task_set_source_tag (task, wm_window_locate_supplier);
  g_task_set_task_data (task, job, (GDestroyNotify) locate_job_free);
  _wm_window_job_started (self, _ ("Placing the supplier…"));
  g_task_run_in_thread (task, locate_thread);
}

static void
on_anchor_activated (WmWindow *self, const char *anchor, const char *place)
{
  g_autofree char *what = g_strdup_printf ("%s%s%s", anchor ? anchor : _ ("All anchors"),
                                           place ? ", " : "", place ? place : "");
  open_lines (self, anchor, 0, NULL, place, what);
}

/* The basemap-file setting's raster tiles: opened here (GDAL reads only the header), drawn by
 * the tile threads. A file that cannot be read is said in a toast and the map keeps its own
 * base. */
static void
load_basemap (WmWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "basemap-file");
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->basemap, wm_basemap_unref);
  if (*path == '\0')
    return;
  self->basemap = wm_basemap_open (path, &error);
  if (self->basemap == NULL)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("%s; the map is drawn on its own base"), error->message);
      _wm_window_show_toast (self, text, 0);
    }
}

static void
on_settings_changed (WmWindow *self, const char *key)
{
  if (g_strcmp0 (key, "basemap-file") == 0)
    {
      load_basemap (self);
      apply_scene (self, NULL);
      return;
    }
  if (g_strcmp0 (key, "area-style") == 0 || g_strcmp0 (key, "show-flows") == 0)
    apply_scene (self, NULL);
  else if ((g_strcmp0 (key, "area-level") == 0 || g_strcmp0 (key, "deprivation-domain") == 0)
           && self->project != NULL)
    start_load (self, NULL, FALSE, FALSE);
  if (g_strcmp0 (key, "deprivation-domain") == 0)
    {
      g_autofree char *domain = g_settings_get_string (self->settings, "deprivation-domain");
      wm_gaps_panel_set_domain (self->gaps_panel, domain);
    }
}

static void
on_gap_selected (WmWindow *self, const char *sector)
{
  wm_side_panel_set_sector (self->side_panel, sector);
}

static void
on_sites_changed (WmWindow *self)
{
  const WmSites *sites = wm_gaps_panel_get_sites (self->gaps_panel);

  for (int m = 0; m < WM_RENDER_MAX_MARKED; m++)
    g_clear_pointer (&self->marked_codes[m], g_free);
  g_clear_pointer (&self->marked_sector, g_free);
  if (sites != NULL)
    {
      self->marked_sector = g_strdup (sites->sector);
      for (guint m = 0; m < MIN (WM_RENDER_MAX_MARKED, sites->rows->len); m++)
        self->marked_codes[m] = g_strdup (((WmSiteRow *) sites->rows->pdata[m])->code);
    }
  _wm_window_update_overlay (self);
  /* Zooms to the candidate wards (with room around them), so they can be seen and compared. */
  if (self->scene != NULL && sites != NULL)
    {
      WmRenderOptions options;
      double          box[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY };

      _wm_window_render_options (self, &options);
      for (int m = 0; m < WM_RENDER_MAX_MARKED; m++)
        {
          double a[4];

          if (options.marked_areas[m] >= 0
              && wm_scene_get_area_extent (self->scene, (guint) options.marked_areas[m], &a[0],
                                           &a[1], &a[2], &a[3]))
            for (int k = 0; k < 2; k++)
              {
                box[k] = MIN (box[k], a[k]);
                box[k + 2] = MAX (box[k + 2], a[k + 2]);
              }
        }
      if (isfinite (box[0]))
        {
          double pad = MAX (box[2] - box[0], box[3] - box[1]) * 0.6;
          _wm_window_fit_box (self, box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad);
        }
    }
}

/* A gap's "Lines": the leaked influenceable lines behind its figure. */
static void
on_gap_show_lines (WmWindow *self, const char *sector)
{
  WmLineQuery    query = { 0 };
  WmLinesWindow *window;
  /* Translators: the spend lines window's title after "Spend Lines: "; %s is a sector. */
  g_autofree char *what = g_strdup_printf (_ ("%s, leaked, influenceable"), sector);

  if (self->project == NULL)
    return;
  query.sector = sector;
  query.place = "leaked";
  query.influenceable = TRUE;
  window = wm_lines_window_new (GTK_WINDOW (self), self->project, &query, what);
  gtk_window_present (GTK_WINDOW (window));
}

/* ---- the rules editor ------------------------------------------------------------------- */

typedef struct
{
  WmProject     *project;
  WmSectorRules *rules;
  WmRulesWindow *editor; /* weak */
} RulesTask;

static void
rules_task_free (RulesTask *t)
{
  g_object_unref (t->project);
  wm_sector_rules_free (t->rules);
  g_clear_weak_pointer (&t->editor);
  g_free (t);
}

static void
rules_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RulesTask *t = data;
  GError    *error = NULL;

  if (wm_project_set_sector_rules (t->project, t->rules, TRUE, TRUE, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
rules_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  WmWindow  *self = WM_WINDOW (object);
  RulesTask *t = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (_wm_window_end_write_job (self))
    return;
  if (t->editor != NULL)
    wm_rules_window_applied (t->editor, error);
  if (!ok)
    {
      if (g_error_matches (error, WM_ERROR, WM_ERROR_CANCELLED))
        _wm_window_show_toast (self, _ ("Cancelled; the project's rules are unchanged"), 5);
      else
        _wm_window_show_error (self, error);
      return;
    }
  _wm_window_show_toast (self, _ ("Sector rules applied to every spend line"), 5);
  start_load (self, NULL, TRUE, FALSE);
}

static void
on_rules_apply (WmRulesWindow *editor, WmSectorRules *rules, WmWindow *self)
{
  g_autoptr (GTask) task = NULL;
  RulesTask *t;

  if (self->project == NULL || self->job_cancellable != NULL)
    {
      g_autoptr (GError) error = g_error_new_literal (
          WM_ERROR, WM_ERROR_IO, _ ("another import is running: wait for it or cancel it"));
      wm_sector_rules_free (rules);
      wm_rules_window_applied (editor, error);
      return;
    }
  t = g_new0 (RulesTask, 1);
  t->project = g_object_ref (self->project);
  t->rules = rules;
  g_set_weak_pointer (&t->editor, editor);
  self->job_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->job_cancellable, rules_done, NULL);
  g_task_set_task_data (task, t, (GDestroyNotify) rules_task_free);
  _wm_window_job_started (self, _ ("Giving every spend line its sector under the new rules…"));
  g_task_run_in_thread (task, rules_thread);
}

WmRulesWindow *
wm_window_open_rules (WmWindow *self)
{
  g_autoptr (GError) error = NULL;
  WmRulesWindow *editor;

  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  if (self->project == NULL)
    return NULL;
  editor = wm_rules_window_new (GTK_WINDOW (self), self->project, &error);
  if (editor == NULL)
    {
      _wm_window_show_error (self, error);
      return NULL;
    }
  g_signal_connect_object (editor, "apply", G_CALLBACK (on_rules_apply), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
  return editor;
}

static void
wm_window_rules_action (GtkWidget *widget, const char *action, GVariant *param)
{
  wm_window_open_rules (WM_WINDOW (widget));
}

static void
basemap_chosen (GtkNativeDialog *chooser, int response, WmWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_settings_set_string (self->settings, "basemap-file", path);
    }
  g_object_unref (chooser);
}

/* Raster tiles under the map: a local MBTiles file (docs/user-guide.md). */
static void
wm_window_basemap_action (GtkWidget *widget, const char *action, GVariant *param)
{
  WmWindow             *self = WM_WINDOW (widget);
  GtkFileChooserNative *chooser
      = gtk_file_chooser_native_new (_ ("Raster Tiles Under the Map"), GTK_WINDOW (self),
                                     GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Use"), _ ("_Cancel"));
  g_autoptr (GtkFileFilter) tiles = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (tiles, _ ("Map tiles (MBTiles, GeoPackage, GeoTIFF)"));
  gtk_file_filter_add_pattern (tiles, "*.mbtiles");
  gtk_file_filter_add_pattern (tiles, "*.gpkg");
  gtk_file_filter_add_pattern (tiles, "*.tif");
  gtk_file_filter_add_pattern (tiles, "*.tiff");
  gtk_file_filter_set_name (all, _ ("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), tiles);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (basemap_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
wm_window_basemap_none_action (GtkWidget *widget, const char *action, GVariant *param)
{
  g_settings_set_string (WM_WINDOW (widget)->settings, "basemap-file", "");
}

static void
wm_window_gaps_action (GtkWidget *widget, const char *action, GVariant *param)
{
  WmWindow *self = WM_WINDOW (widget);

  adw_flap_set_reveal_flap (self->gaps_flap, !adw_flap_get_reveal_flap (self->gaps_flap));
}

static void
open_response (GtkNativeDialog *chooser, int response, WmWindow *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    wm_window_open_project (self, g_file_peek_path (file));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
wm_window_open_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter        *filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_ ("Open a Project"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Open"), _ ("_Cancel"));
  gtk_file_filter_set_name (filter, _ ("Wealthmap projects"));
  gtk_file_filter_add_pattern (filter, "*.wealthmap");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (open_response), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
new_response (GtkNativeDialog *chooser, int response, WmWindow *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (WmProject) project = NULL;

      if (!g_str_has_suffix (path, ".wealthmap"))
        {
          char *with = g_strconcat (path, ".wealthmap", NULL);
          g_free (path);
          path = with;
        }
      project = wm_project_create (path, &error);
      if (project == NULL)
        _wm_window_show_error (self, error);
      else
        {
          g_clear_object (&project);
          wm_window_open_project (self, path);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
wm_window_new_action (GtkWidget *widget, const char *action, GVariant *param)
{
  GtkFileChooserNative *chooser;
  /* Translators: the suggested file name of a new project, without its .wealthmap suffix. */
  g_autofree char *name = g_strdup_printf ("%s.wealthmap", C_ ("new project file name", "Place"));

  chooser
      = gtk_file_chooser_native_new (_ ("New Project"), GTK_WINDOW (widget),
                                     GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Create"), _ ("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (new_response), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The bundled demo, copied to the user's data folder first so that imports into it never
 * touch the installed file. */
char *
wm_window_demo_path (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "wealthmap", NULL);
  g_autofree char *copy = g_build_filename (dir, "Demo.wealthmap", NULL);
  const char      *bundled = g_getenv ("WM_DEMO_PROJECT");
  g_autoptr (GFile) from = NULL;
  g_autoptr (GFile) to = NULL;

  if (g_file_test (copy, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&copy);
  if (bundled == NULL)
    bundled
        = g_file_test (WM_DEMO_INSTALLED, G_FILE_TEST_EXISTS) ? WM_DEMO_INSTALLED : WM_DEMO_BUILT;
  g_mkdir_with_parents (dir, 0755);
  from = g_file_new_for_path (bundled);
  to = g_file_new_for_path (copy);
  if (!g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&copy);
}

static void
wm_window_open_demo_action (GtkWidget *widget, const char *action, GVariant *param)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = wm_window_demo_path (&error);

  if (path == NULL)
    _wm_window_show_error (WM_WINDOW (widget), error);
  else
    wm_window_open_project (WM_WINDOW (widget), path);
}

static void
on_review_changed (WmWindow *self)
{
  if (self->project != NULL)
    start_load (self, NULL, TRUE, FALSE);
}

WmReviewWindow *
wm_window_open_review (WmWindow *self)
{
  WmReviewWindow *review;

  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  if (self->project == NULL)
    return NULL;
  review = wm_review_window_new (GTK_WINDOW (self), self->project);
  g_signal_connect_object (review, "project-changed", G_CALLBACK (on_review_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (review));
  return review;
}

static void
wm_window_review_action (GtkWidget *widget, const char *action, GVariant *param)
{
  wm_window_open_review (WM_WINDOW (widget));
}

static void
wm_window_import_action (GtkWidget *widget, const char *action, GVariant *param)
{
  WmWindow       *self = WM_WINDOW (widget);
  WmImportKind    kind;
  WmImportDialog *dialog;

  if (!wm_import_kind_from_string (g_variant_get_string (param, NULL), &kind))
    return;
  if (self->project == NULL)
    {
      _wm_window_show_toast (self, _ ("Open or create a project first"), 5);
      return;
    }
  dialog = wm_import_dialog_new (GTK_WINDOW (self), kind);
  g_signal_connect_object (dialog, "import", G_CALLBACK (wm_window_run_import), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y, WmWindow *self)
{
  GFile           *file = g_value_get_object (value);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *lower = g_ascii_strdown (path ? path : "", -1);
  WmImportDialog  *dialog;
  WmImportKind     kind;

  if (path == NULL)
    return FALSE;
  if (g_str_has_suffix (lower, ".wealthmap"))
    {
      wm_window_open_project (self, path);
      return TRUE;
    }
  if (self->project == NULL)
    {
      _wm_window_show_toast (self, _ ("Open or create a project first"), 5);
      return FALSE;
    }
  kind = wm_import_dialog_guess_kind (path);
  dialog = wm_import_dialog_new (GTK_WINDOW (self), kind);
  wm_import_dialog_set_file (dialog, path);
  g_signal_connect_object (dialog, "import", G_CALLBACK (wm_window_run_import), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static gboolean
wm_window_close_request (GtkWindow *window)
{
  WmWindow *self = WM_WINDOW (window);
  int       width, height;

  if (_wm_window_hold_close (self))
    return TRUE;
  /* A story changes the colouring and flows settings while it is shown: put them (and the
   * panels) back, or the next start would keep the last view's. */
  wm_window_stop_presenting (self);
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_set_boolean (self->settings, "panel-visible", adw_flap_get_reveal_flap (self->flap));
  wm_window_cancel_job (self);
  return GTK_WINDOW_CLASS (wm_window_parent_class)->close_request (window);
}

static void
wm_window_dispose (GObject *object)
{
  WmWindow *self = WM_WINDOW (object);

  if (self->popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->popover));
  self->popover = NULL;
  wm_window_cancel_job (self);
  _wm_window_present_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), WM_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->overlay);
  g_clear_object (&self->job_cancellable);
  g_clear_object (&self->reload_cancellable);
  g_clear_object (&self->figures_cancellable);
  G_OBJECT_CLASS (wm_window_parent_class)->dispose (object);
}

static void
wm_window_finalize (GObject *object)
{
  WmWindow *self = WM_WINDOW (object);

  g_clear_object (&self->project);
  g_clear_pointer (&self->scene, wm_scene_unref);
  g_clear_pointer (&self->basemap, wm_basemap_unref);
  g_free (self->last_message);
  g_free (self->figures_filter);
  for (int m = 0; m < WM_RENDER_MAX_MARKED; m++)
    g_free (self->marked_codes[m]);
  g_free (self->marked_sector);
  G_OBJECT_CLASS (wm_window_parent_class)->finalize (object);
}

static void
wm_window_class_init (WmWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = wm_window_dispose;
  object_class->finalize = wm_window_finalize;
  window_class->close_request = wm_window_close_request;
  g_type_ensure (SHUMATE_TYPE_SIMPLE_MAP);
  g_type_ensure (WM_TYPE_SIDE_PANEL);
  g_type_ensure (WM_TYPE_GAPS_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, gaps_flap);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, gaps_panel);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, map);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, map_overlay);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, legend);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, job_revealer);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, job_label);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, job_progress);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, caption_box);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, caption_title);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, caption_text);
  gtk_widget_class_bind_template_child (widget_class, WmWindow, caption_step);
  _wm_window_present_class_init (widget_class);
  _wm_window_export_class_init (widget_class);
  _wm_window_place_class_init (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, on_job_cancel_clicked);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, wm_window_open_action);
  gtk_widget_class_install_action (widget_class, "win.new", NULL, wm_window_new_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, wm_window_open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.import", "s", wm_window_import_action);
  gtk_widget_class_install_action (widget_class, "win.review", NULL, wm_window_review_action);
  gtk_widget_class_install_action (widget_class, "win.gaps", NULL, wm_window_gaps_action);
  gtk_widget_class_install_action (widget_class, "win.rules", NULL, wm_window_rules_action);
  gtk_widget_class_install_action (widget_class, "win.basemap", NULL, wm_window_basemap_action);
  gtk_widget_class_install_action (widget_class, "win.basemap-none", NULL,
                                   wm_window_basemap_none_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.review",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "win.gaps", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", "s",
                                       "spend");
}

static void
wm_window_init (WmWindow *self)
{
  ShumateMap         *map;
  GtkEventController *motion;
  GtkGesture         *click;
  GtkDropTarget      *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new ("org.wealthmap.Wealthmap");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  adw_flap_set_reveal_flap (self->flap, g_settings_get_boolean (self->settings, "panel-visible"));
  {
    g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
    g_autoptr (GAction) style = g_settings_create_action (self->settings, "area-style");
    g_autoptr (GAction) flows = g_settings_create_action (self->settings, "show-flows");
    g_autoptr (GAction) level = g_settings_create_action (self->settings, "area-level");
    g_autoptr (GAction) domain = g_settings_create_action (self->settings, "deprivation-domain");

    g_action_map_add_action (G_ACTION_MAP (group), level);
    g_action_map_add_action (G_ACTION_MAP (group), domain);
    g_action_map_add_action (G_ACTION_MAP (group), style);
    g_action_map_add_action (G_ACTION_MAP (group), flows);
    gtk_widget_insert_action_group (GTK_WIDGET (self), "settings", G_ACTION_GROUP (group));
  }
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self,
                           G_CONNECT_SWAPPED);
  load_basemap (self);

  map = shumate_simple_map_get_map (self->map);
  /* Ward maps are read north up; a two-finger twist would only turn the labels. */
  g_signal_connect (shumate_map_get_viewport (map), "notify::rotation", G_CALLBACK (keep_north_up),
                    NULL);
  self->overlay = g_object_ref_sink (wm_overlay_layer_new (shumate_map_get_viewport (map)));
  g_signal_connect_object (self->overlay, "stats-changed", G_CALLBACK (on_stats_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_drawing_area_set_draw_func (self->legend, draw_legend, self, NULL);
  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self->overlay), motion);
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self->overlay), GTK_EVENT_CONTROLLER (click));
  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  _wm_window_present_init (self);

  g_signal_connect_object (self->side_panel, "filter-changed", G_CALLBACK (on_filter_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->side_panel, "ward-activated", G_CALLBACK (on_ward_activated), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->side_panel, "locate-supplier",
                           G_CALLBACK (wm_window_locate_supplier), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->side_panel, "anchor-activated", G_CALLBACK (on_anchor_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->side_panel, "ward-report", G_CALLBACK (ask_ward_report), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->gaps_panel, "sector-selected", G_CALLBACK (on_gap_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->gaps_panel, "sites-changed", G_CALLBACK (on_sites_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->gaps_panel, "show-lines", G_CALLBACK (on_gap_show_lines), self,
                           G_CONNECT_SWAPPED);
  {
    g_autofree char *domain = g_settings_get_string (self->settings, "deprivation-domain");
    wm_gaps_panel_set_domain (self->gaps_panel, domain);
  }
}

WmWindow *
wm_window_new (AdwApplication *app)
{
  return g_object_new (WM_TYPE_WINDOW, "application", app, NULL);
}

WmProject *
wm_window_get_project (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  return self->project;
}

gboolean
wm_window_is_busy (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), FALSE);
  return self->busy > 0;
}

const char *
wm_window_get_last_message (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  return self->last_message;
}

void
wm_window_show_sector (WmWindow *self, const char *sector)
{
  g_return_if_fail (WM_IS_WINDOW (self));
  wm_side_panel_set_sector (self->side_panel, sector);
}

const WmMapData *
wm_window_get_map_data (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  return self->scene ? wm_scene_get_data (self->scene) : NULL;
}

GtkWidget *
wm_window_get_map_widget (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->map);
}

void
wm_window_show_gaps (WmWindow *self, gboolean show)
{
  g_return_if_fail (WM_IS_WINDOW (self));
  adw_flap_set_reveal_flap (self->gaps_flap, show);
}

WmGapsPanel *
wm_window_get_gaps_panel (WmWindow *self)
{
  g_return_val_if_fail (WM_IS_WINDOW (self), NULL);
  return self->gaps_panel;
}

void
_wm_window_reload (WmWindow *self)
{
  start_load (self, NULL, TRUE, FALSE);
}
