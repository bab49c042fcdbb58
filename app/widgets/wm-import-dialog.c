/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One dialog for every import kind. The spend preview is read by the core
 * (wm_spend_preview) on a worker thread; the dialog only shows it and turns the user's column
 * choices into "field=Header" overrides, the same as the CLI's --map. */
#include "wm-import-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

struct _WmImportDialog
{
  AdwWindow parent_instance;

  GtkButton           *import_button;
  AdwActionRow        *file_row;
  AdwActionRow        *population_row;
  AdwPreferencesGroup *anchor_group;
  AdwEntryRow         *anchor_entry;
  AdwComboRow         *anchor_kind_row;
  AdwEntryRow         *postcode_entry;
  AdwPreferencesGroup *areas_group;
  AdwComboRow         *level_row;
  AdwEntryRow         *crs_entry;
  AdwPreferencesGroup *columns_group;

  WmImportKind    kind;
  char           *file;
  char           *population;
  WmSpendPreview *preview;
  int             detected[WM_SPEND_N_FIELDS]; /* the importer's own choice of columns */
  char           *preview_error;
  gboolean        preview_ready;
  GtkStringList  *headers;
  AdwComboRow    *field_rows[WM_SPEND_N_FIELDS];
  GtkWidget      *preview_rows;
  GCancellable   *cancellable;
  gboolean        updating;
  gboolean        kind_chosen; /* the user picked the anchor kind: stop guessing it */
  gboolean        setting_kind;
};

G_DEFINE_FINAL_TYPE (WmImportDialog, wm_import_dialog, ADW_TYPE_WINDOW)

enum
{
  IMPORT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* The spend fields' row titles (translated when shown). */
static const char *const field_titles[WM_SPEND_N_FIELDS] = {
  N_ ("Supplier"),       N_ ("Amount"),         N_ ("Date"),      N_ ("Category"),
  N_ ("Service"),        N_ ("Description"),    N_ ("Reference"), N_ ("Supplier postcode"),
  N_ ("Company number"), N_ ("Classification"),
};

static void
update_sensitivity (WmImportDialog *self)
{
  gboolean         ok = self->file != NULL;
  g_autofree char *anchor
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->anchor_entry))));

  if (self->kind == WM_IMPORT_SPEND)
    ok = ok && self->preview != NULL && anchor[0] != '\0';
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), ok);
}

static char **
current_mapping (WmImportDialog *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (self->preview == NULL)
    return NULL;
  for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
    {
      guint selected = adw_combo_row_get_selected (self->field_rows[f]);
      int   column = selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected - 1;

      /* Only what the user changed becomes an override; the rest stays detected. */
      if (column != self->detected[f] && column >= 0 && self->preview->headers != NULL)
        {
          g_autofree char *pair
              = g_strdup_printf ("%s=%s", wm_spend_field_name (f), self->preview->headers[column]);
          g_strv_builder_add (builder, pair);
        }
    }
  return g_strv_builder_end (builder);
}

static void
show_preview_values (WmImportDialog *self)
{
  for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
    {
      guint selected = adw_combo_row_get_selected (self->field_rows[f]);
      int   column = selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected - 1;
      g_autoptr (GString) values = g_string_new (NULL);

      for (guint r = 0; self->preview && column >= 0 && r < self->preview->rows->len && r < 3; r++)
        {
          const char *v = column == self->preview->columns[f]
                              ? ((char **) self->preview->rows->pdata[r])[f]
                              : NULL;
          if (v == NULL)
            continue;
          g_string_append_printf (values, "%s%s", values->len ? " · " : "",
                                  v[0] ? v : _ ("(empty)"));
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->field_rows[f]),
                                   column < 0    ? _ ("Not in this file")
                                   : values->len ? values->str
                                                 : _ ("Values shown after the preview updates"));
    }
}

static void preview_start (WmImportDialog *self);

static void
on_field_changed (WmImportDialog *self)
{
  if (!self->updating)
    preview_start (self);
}

static void
preview_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  char          **args = data;
  GError         *error = NULL;
  WmSpendPreview *preview = wm_spend_preview (args[0], (const char *const *) args + 1, 5, &error);

  if (preview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, preview, (GDestroyNotify) wm_spend_preview_free);
}

static void
preview_done (GObject *object, GAsyncResult *result, gpointer data)
{
  WmImportDialog *self;
  g_autoptr (GError) error = NULL;
  WmSpendPreview *preview = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WM_IMPORT_DIALOG (object);
  self->preview_ready = TRUE;
  g_clear_pointer (&self->preview, wm_spend_preview_free);
  g_clear_pointer (&self->preview_error, g_free);
  self->preview = preview;
  if (preview == NULL)
    {
      self->preview_error = g_strdup (error->message);
      adw_preferences_group_set_description (self->columns_group, error->message);
      update_sensitivity (self);
      return;
    }
  /* A preview without overrides is what the importer detects by itself. */
  if (g_strv_length (g_task_get_task_data (G_TASK (result))) == 1)
    memcpy (self->detected, preview->columns, sizeof self->detected);
  self->updating = TRUE;
  gtk_string_list_splice (self->headers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->headers)),
                          NULL);
  gtk_string_list_append (self->headers, _ ("(not used)"));
  for (guint k = 0; preview->headers[k] != NULL; k++)
    gtk_string_list_append (self->headers,
                            preview->headers[k][0] ? preview->headers[k] : _ ("(blank)"));
  for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
    adw_combo_row_set_selected (self->field_rows[f], (guint) (preview->columns[f] + 1));
  self->updating = FALSE;
  {
    g_autofree char *where
        = preview->sheet
              ? g_strdup_printf (_ ("Header row %llu of sheet %s"),
                                 (unsigned long long) preview->header_line, preview->sheet)
              : g_strdup_printf (_ ("Header on line %llu"),
                                 (unsigned long long) preview->header_line);
    /* Translators: %s is "Header row N of sheet S" or "Header on line N". */
    g_autofree char *text = g_strdup_printf (
        _ ("%s; the first values of each field are shown. Change any column that is wrong."),
        where);
    adw_preferences_group_set_description (self->columns_group, text);
  }
  show_preview_values (self);
  update_sensitivity (self);
}

static void
preview_start (WmImportDialog *self)
{
  g_autoptr (GTask) task = NULL;
  g_auto (GStrv) mapping = current_mapping (self);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (self->file == NULL || self->kind != WM_IMPORT_SPEND)
    return;
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  g_object_unref (self->cancellable);
  self->preview_ready = FALSE;
  g_strv_builder_add (builder, self->file);
  if (mapping != NULL)
    g_strv_builder_addv (builder, (const char **) mapping);
  task = g_task_new (self, self->cancellable, preview_done, NULL);
  g_task_set_task_data (task, g_strv_builder_end (builder), (GDestroyNotify) g_strfreev);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, preview_thread);
}

void
wm_import_dialog_set_file (WmImportDialog *self, const char *path)
{
  g_return_if_fail (WM_IS_IMPORT_DIALOG (self) && path != NULL);
  g_free (self->file);
  self->file = g_strdup (path);
  adw_action_row_set_subtitle (self->file_row, path);
  if (self->kind == WM_IMPORT_SPEND)
    {
      g_clear_pointer (&self->preview, wm_spend_preview_free);
      for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
        self->detected[f] = -1;
      self->updating = TRUE;
      for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
        adw_combo_row_set_selected (self->field_rows[f], 0);
      self->updating = FALSE;
      preview_start (self);
    }
  update_sensitivity (self);
}

/* The anchor kind a name suggests; "other" when none does. */
static guint
guess_anchor_kind (const char *name)
{
  static const char *const hints[][2] = {
    { "council", "council" }, { "nhs", "nhs" },
    { "hospital", "nhs" },    { "police", "police" },
    { "pcc", "police" },      { "constabulary", "police" },
    { "fire", "fire" },       { "universit", "university" },
    { "college", "college" }, { "housing", "housing" },
    { "homes", "housing" },
  };
  static const char *const kinds[]
      = { "council", "nhs", "police", "fire", "university", "college", "housing", "other" };
  g_autofree char *lower = g_ascii_strdown (name ? name : "", -1);

  for (guint i = 0; i < G_N_ELEMENTS (hints); i++)
    if (strstr (lower, hints[i][0]) != NULL)
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (strcmp (kinds[k], hints[i][1]) == 0)
          return k;
  return G_N_ELEMENTS (kinds) - 1;
}

static void
on_anchor_changed (WmImportDialog *self)
{
  /* Until the user picks a kind, follow the name. */
  if (!self->kind_chosen)
    {
      self->setting_kind = TRUE;
      adw_combo_row_set_selected (self->anchor_kind_row, guess_anchor_kind (gtk_editable_get_text (
                                                             GTK_EDITABLE (self->anchor_entry))));
      self->setting_kind = FALSE;
    }
  update_sensitivity (self);
}

static void
on_anchor_kind_selected (WmImportDialog *self)
{
  if (!self->setting_kind)
    self->kind_chosen = TRUE;
}

void
wm_import_dialog_set_anchor (WmImportDialog *self, const char *name, const char *postcode)
{
  gtk_editable_set_text (GTK_EDITABLE (self->anchor_entry), name ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->postcode_entry), postcode ? postcode : "");
  update_sensitivity (self);
}

static void
file_chosen (GtkNativeDialog *chooser, int response, WmImportDialog *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gboolean population = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "population"));

  if (response == GTK_RESPONSE_ACCEPT && file != NULL && g_file_peek_path (file) != NULL)
    {
      if (population)
        {
          g_free (self->population);
          self->population = g_file_get_path (file);
          adw_action_row_set_subtitle (self->population_row, self->population);
        }
      else
        wm_import_dialog_set_file (self, g_file_peek_path (file));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose (WmImportDialog *self, gboolean population)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      population ? _ ("Choose the Population File") : wm_import_kind_to_title (self->kind),
      GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Choose"), _ ("_Cancel"));

  g_object_set_data (G_OBJECT (chooser), "population", GINT_TO_POINTER (population));
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_choose_clicked (WmImportDialog *self)
{
  choose (self, FALSE);
}

static void
on_choose_population_clicked (WmImportDialog *self)
{
  choose (self, TRUE);
}

WmImportJob *
wm_import_dialog_build_job (WmImportDialog *self)
{
  g_autoptr (WmImportJob) job = NULL;
  g_autofree char *anchor = NULL;

  g_return_val_if_fail (WM_IS_IMPORT_DIALOG (self), NULL);
  if (self->file == NULL)
    return NULL;
  job = wm_import_job_new (self->kind, self->file);
  switch (self->kind)
    {
    case WM_IMPORT_SPEND:
      anchor = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->anchor_entry))));
      if (anchor[0] == '\0' || self->preview == NULL)
        return NULL;
      job->anchor = g_steal_pointer (&anchor);
      job->anchor_kind = g_strdup (gtk_string_list_get_string (
          GTK_STRING_LIST (adw_combo_row_get_model (self->anchor_kind_row)),
          adw_combo_row_get_selected (self->anchor_kind_row)));
      job->anchor_postcode = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->postcode_entry)));
      job->mapping = current_mapping (self);
      break;
    case WM_IMPORT_AREAS:
      if (adw_combo_row_get_selected (self->level_row) > 0)
        job->level = g_strdup (
            gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (self->level_row)),
                                        adw_combo_row_get_selected (self->level_row)));
      job->crs = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->crs_entry)));
      break;
    case WM_IMPORT_DEPRIVATION:
      job->population_file = g_strdup (self->population);
      break;
    default:
      break;
    }
  return g_steal_pointer (&job);
}

static void
on_import_clicked (WmImportDialog *self)
{
  WmImportJob *job = wm_import_dialog_build_job (self);

  if (job == NULL)
    return;
  g_signal_emit (self, signals[IMPORT], 0, job);
  gtk_window_close (GTK_WINDOW (self));
}

WmImportKind
wm_import_dialog_guess_kind (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *lower = g_ascii_strdown (name, -1);
  const char      *areas[] = { ".json", ".geojson", ".shp", ".gpkg", ".zip", ".fgb", ".kml" };

  if (strstr (lower, "postcode") || strstr (lower, "codepoint") || strstr (lower, "onspd"))
    return WM_IMPORT_POSTCODES;
  if (strstr (lower, "imd") || strstr (lower, "iod") || strstr (lower, "deprivation"))
    return WM_IMPORT_DEPRIVATION;
  if (strstr (lower, "lookup") || (strstr (lower, "lsoa") && strstr (lower, "ward")))
    return WM_IMPORT_LOOKUP;
  for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
    if (g_str_has_suffix (lower, areas[i]))
      return WM_IMPORT_AREAS;
  if (strstr (lower, "compan") || strstr (lower, "supplier"))
    return WM_IMPORT_SUPPLIERS;
  return WM_IMPORT_SPEND;
}

gboolean
wm_import_dialog_preview_ready (WmImportDialog *self)
{
  return self->preview_ready;
}

const char *
wm_import_dialog_get_preview_error (WmImportDialog *self)
{
  return self->preview_error;
}

static void
wm_import_dialog_dispose (GObject *object)
{
  WmImportDialog *self = WM_IMPORT_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), WM_TYPE_IMPORT_DIALOG);
  g_clear_object (&self->headers);
  G_OBJECT_CLASS (wm_import_dialog_parent_class)->dispose (object);
}

static void
wm_import_dialog_finalize (GObject *object)
{
  WmImportDialog *self = WM_IMPORT_DIALOG (object);

  g_free (self->file);
  g_free (self->population);
  g_free (self->preview_error);
  g_clear_pointer (&self->preview, wm_spend_preview_free);
  G_OBJECT_CLASS (wm_import_dialog_parent_class)->finalize (object);
}

static void
wm_import_dialog_class_init (WmImportDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wm_import_dialog_dispose;
  object_class->finalize = wm_import_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wealthmap/Wealthmap/ui/wm-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, population_row);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, anchor_group);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, anchor_entry);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, anchor_kind_row);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, postcode_entry);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, areas_group);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, level_row);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, crs_entry);
  gtk_widget_class_bind_template_child (widget_class, WmImportDialog, columns_group);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_population_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitivity);
  signals[IMPORT] = g_signal_new ("import", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
wm_import_dialog_init (WmImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->headers = gtk_string_list_new (NULL);
  g_signal_connect_swapped (self->anchor_entry, "changed", G_CALLBACK (on_anchor_changed), self);
  g_signal_connect_swapped (self->anchor_kind_row, "notify::selected",
                            G_CALLBACK (on_anchor_kind_selected), self);
  self->setting_kind = TRUE;
  adw_combo_row_set_selected (self->anchor_kind_row, guess_anchor_kind (NULL));
  self->setting_kind = FALSE;
  for (int f = 0; f < WM_SPEND_N_FIELDS; f++)
    {
      self->field_rows[f] = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->field_rows[f]),
                                     _ (field_titles[f]));
      adw_combo_row_set_model (self->field_rows[f], G_LIST_MODEL (self->headers));
      g_signal_connect_swapped (self->field_rows[f], "notify::selected",
                                G_CALLBACK (on_field_changed), self);
      adw_preferences_group_add (self->columns_group, GTK_WIDGET (self->field_rows[f]));
    }
}

WmImportDialog *
wm_import_dialog_new (GtkWindow *parent, WmImportKind kind)
{
  WmImportDialog *self = g_object_new (WM_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  /* Translators: the import window's title; %s is what is imported ("Anchor spend"…). */
  g_autofree char *title = g_strdup_printf (_ ("Import %s"), wm_import_kind_to_title (kind));

  self->kind = kind;
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_widget_set_visible (GTK_WIDGET (self->anchor_group), kind == WM_IMPORT_SPEND);
  gtk_widget_set_visible (GTK_WIDGET (self->columns_group), kind == WM_IMPORT_SPEND);
  gtk_widget_set_visible (GTK_WIDGET (self->areas_group), kind == WM_IMPORT_AREAS);
  gtk_widget_set_visible (GTK_WIDGET (self->population_row), kind == WM_IMPORT_DEPRIVATION);
  return self;
}
