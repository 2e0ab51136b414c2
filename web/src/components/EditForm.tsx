import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { useApp } from '../context';
import { useResource } from '../hooks';
import { href, navigate } from '../router';
import { ErrorBanner, Loading, PageHeader, errorText, useFormErrors } from './ui';

/**
 * The page of one record of a collection (`path`, e.g. '/assets'): a header with the way back to
 * the list, then `children` with the loaded record, or with null at once for a new one (id null).
 */
export function EditPage<R>(props: {
  path: string;
  id: number | null;
  newTitle: string;
  /** Title while the record loads. */
  editTitle: string;
  name: (r: R) => string;
  back: string;
  children: (r: R | null) => ComponentChildren;
}) {
  const { id } = props;
  const res = useResource<R>(id !== null ? `${props.path}/${id}` : null);
  return (
    <>
      <PageHeader title={id === null ? props.newTitle : res.data ? props.name(res.data) : props.editTitle}>
        <a class="btn btn-ghost" href={href(props.path)}>
          ← {props.back}
        </a>
      </PageHeader>
      {id !== null && res.loading ? <Loading /> : res.error ? <ErrorBanner error={res.error} /> : props.children(res.data)}
    </>
  );
}

export interface EditFormOptions<R, V> {
  /** The collection, e.g. '/assets': POST there, PATCH and DELETE `${path}/${id}`, back to it after. */
  path: string;
  /** The record being edited; null for a new one. */
  record: R | null;
  /** The form's fields: an API error naming one is shown next to it, others above the form. */
  fields: string[];
  /** The values the form starts with. */
  init: V;
  /** Client-side checks: a message by field name (nothing sent while there is one). */
  check: (v: V) => Record<string, string>;
  /** The request body for the values. */
  body: (v: V) => unknown;
  /** Notice after a creation. */
  created: (r: R) => string;
  /** Question before a deletion. */
  confirmDelete: (r: R) => string;
}

export interface EditFormState<R, V> {
  path: string;
  record: R | null;
  v: V;
  set: (patch: Partial<V>) => void;
  fe: ReturnType<typeof useFormErrors>;
  busy: boolean;
  submit: (e: Event) => Promise<void>;
  remove: () => Promise<void>;
}

/** Values, errors and the save / delete handlers of a record's create-or-edit form. */
export function useEditForm<R extends { id: number }, V>(o: EditFormOptions<R, V>): EditFormState<R, V> {
  const { t, notify } = useApp();
  const fe = useFormErrors(o.fields);
  const [v, setV] = useState(o.init);
  const [busy, setBusy] = useState(false);
  const { path, record } = o;

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const local = o.check(v);
    if (Object.keys(local).length) {
      fe.setLocal(local);
      return;
    }
    const body = o.body(v);
    setBusy(true);
    try {
      if (record) {
        await api.patch<R>(`${path}/${record.id}`, body);
        notify(t('form.saved'));
      } else {
        notify(o.created(await api.post<R>(path, body)));
      }
      navigate(path);
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!record || !window.confirm(o.confirmDelete(record))) return;
    setBusy(true);
    try {
      await api.del(`${path}/${record.id}`);
      notify(t('form.deleted'));
      navigate(path);
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
    }
  };

  return { path, record, v, set: (patch) => setV({ ...v, ...patch }), fe, busy, submit, remove };
}

/** Save (or create), cancel and delete buttons under a form; each of the last two only when given. */
export function FormActions(props: { busy: boolean; editing: boolean; cancel?: string; onDelete?: () => void }) {
  const { t } = useApp();
  const { busy } = props;
  return (
    <div class="form-actions">
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {busy ? t('form.saving') : props.editing ? t('form.save') : t('form.create')}
      </button>
      {props.cancel !== undefined && (
        <a class="btn btn-ghost" href={props.cancel}>
          {t('form.cancel')}
        </a>
      )}
      {props.onDelete && (
        <button type="button" class="btn btn-danger" disabled={busy} onClick={props.onDelete}>
          {t('form.delete')}
        </button>
      )}
    </div>
  );
}

/**
 * The form of a useEditForm(): the error not tied to a field, the fields, then the buttons.
 * Read-only (no buttons) unless `writable`; no delete button for a new record or when not `deletable`.
 */
export function EditForm<R, V>(props: { form: EditFormState<R, V>; writable?: boolean; deletable?: boolean; children: ComponentChildren }) {
  const { form, writable = true, deletable = true } = props;
  return (
    <form class="card form" onSubmit={form.submit} noValidate>
      <ErrorBanner error={form.fe.general()} />
      <fieldset class="form-grid" disabled={!writable || form.busy}>
        {props.children}
      </fieldset>
      {writable && (
        <FormActions busy={form.busy} editing={!!form.record} cancel={href(form.path)} onDelete={form.record && deletable ? form.remove : undefined} />
      )}
    </form>
  );
}
