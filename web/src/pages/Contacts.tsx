import { useState } from 'preact/hooks';
import { api, apiUrl, type Contact } from '../api';
import { canWrite, useApp } from '../context';
import { useDebounced, useList, useResource, useStickyState } from '../hooks';
import { href, navigate } from '../router';
import { CsvImport } from '../components/CsvImport';
import { Empty, ErrorBanner, Field, FieldSet, Loading, OrgName, OrgSelect, PageHeader, Pagination, errorText, useFormErrors } from '../components/ui';

export function ContactsPage({ sub }: { sub?: string }) {
  if (sub === 'new') return <ContactEdit id={null} />;
  if (sub) return <ContactEdit id={Number(sub)} />;
  return <ContactList />;
}

function ContactList() {
  const { t, user } = useApp();
  const [f, setF] = useStickyState('contacts.filters', { org: null as number | null, onCall: '', q: '', offset: 0, limit: 25 });
  const [showImport, setShowImport] = useState(false);
  const q = useDebounced(f.q);
  const list = useList<Contact>('/contacts', { org_id: f.org, on_call: f.onCall, q, limit: f.limit, offset: f.offset });
  const set = (patch: Partial<typeof f>) => setF({ ...f, offset: 0, ...patch });

  return (
    <>
      <PageHeader title={t('contacts.title')} sub={t('contacts.sub')}>
        <a class="btn" href={apiUrl('/contacts/export.csv', { org_id: f.org, on_call: f.onCall, q })} download="contacts.csv">
          ⤓ {t('csv.export')}
        </a>
        {canWrite(user) && (
          <button type="button" class="btn" aria-expanded={showImport} onClick={() => setShowImport(!showImport)}>
            ⤒ {t('csv.import')}
          </button>
        )}
        {canWrite(user) && (
          <a class="btn btn-primary" href={href('/contacts/new')}>
            + {t('contacts.add')}
          </a>
        )}
      </PageHeader>
      {showImport && (
        <CsvImport path="/contacts/import" columnsHint={t('contacts.csvColumns')} onDone={list.reload} onClose={() => setShowImport(false)} />
      )}
      <div class="filters" role="search">
        <label>
          <span>{t('common.org')}</span>
          <OrgSelect id="contact-f-org" value={f.org} onChange={(v) => set({ org: v })} allowEmpty={t('common.allOrgs')} />
        </label>
        <label>
          <span>{t('contacts.f.onCall')}</span>
          <select value={f.onCall} onChange={(e) => set({ onCall: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('common.all')}</option>
            <option value="true">{t('contacts.onCallOnly')}</option>
            <option value="false">{t('contacts.notOnCall')}</option>
          </select>
        </label>
        <label class="grow">
          <span>{t('common.search')}</span>
          <input type="search" value={f.q} placeholder={t('contacts.searchPh')} onInput={(e) => set({ q: (e.target as HTMLInputElement).value })} />
        </label>
      </div>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.items.length === 0 ? (
        <Empty>{f.q || f.org || f.onCall ? t('common.noMatch') : t('contacts.empty')}</Empty>
      ) : list.data ? (
        <>
          <div class={`table-wrap${list.loading ? ' is-loading' : ''}`}>
            <table class="table table-cards">
              <thead>
                <tr>
                  <th>{t('contacts.f.name')}</th>
                  <th>{t('contacts.f.position')}</th>
                  <th>{t('contacts.f.phone')}</th>
                  <th>{t('contacts.f.email')}</th>
                  <th>{t('common.org')}</th>
                  <th>{t('contacts.f.onCall')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((c) => (
                  <tr>
                    <td data-label={t('contacts.f.name')}>
                      <a class="row-link" href={href(`/contacts/${c.id}`)}>
                        {c.name}
                      </a>
                    </td>
                    <td data-label={t('contacts.f.position')}>{c.position || <span class="muted">—</span>}</td>
                    <td data-label={t('contacts.f.phone')}>{c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : <span class="muted">—</span>}</td>
                    <td data-label={t('contacts.f.email')}>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : <span class="muted">—</span>}</td>
                    <td data-label={t('common.org')}>
                      <OrgName id={c.org_id} />
                    </td>
                    <td data-label={t('contacts.f.onCall')}>
                      {c.on_call ? <span class="badge badge-ok">{t('contacts.onCallBadge')}</span> : <span class="muted">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination total={list.data.total} hasMore={list.data.has_more} count={list.data.items.length} limit={f.limit} offset={f.offset} onChange={(offset, limit) => setF({ ...f, offset, limit })} />
        </>
      ) : null}
    </>
  );
}

const FIELDS = ['name', 'position', 'phone', 'email', 'org_id', 'on_call'];

function ContactEdit({ id }: { id: number | null }) {
  const { t } = useApp();
  const res = useResource<Contact>(id !== null ? `/contacts/${id}` : null);
  return (
    <>
      <PageHeader title={id === null ? t('contacts.new') : res.data?.name ?? t('contacts.edit')}>
        <a class="btn btn-ghost" href={href('/contacts')}>
          ← {t('contacts.back')}
        </a>
      </PageHeader>
      {id !== null && res.loading ? <Loading /> : res.error ? <ErrorBanner error={res.error} /> : <ContactForm contact={res.data} />}
    </>
  );
}

function ContactForm({ contact }: { contact: Contact | null }) {
  const { t, user, orgs, notify } = useApp();
  const fe = useFormErrors(FIELDS);
  const writable = canWrite(user);
  const defaultOrg: number | null = user.org_id !== null && orgs.byId.has(user.org_id) ? user.org_id : orgs.ordered[0]?.org.id ?? null;
  const [v, setV] = useState({
    name: contact?.name ?? '',
    position: contact?.position ?? '',
    phone: contact?.phone ?? '',
    email: contact?.email ?? '',
    org_id: (contact?.org_id ?? defaultOrg) as number | null,
    on_call: contact?.on_call ?? false,
  });
  const set = (patch: Partial<typeof v>) => setV({ ...v, ...patch });
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const local: Record<string, string> = {};
    if (!v.name.trim()) local.name = t('form.required');
    if (v.org_id === null) local.org_id = t('form.required');
    if (v.email.trim() && !/^[^@\s]+@[^@\s]+$/.test(v.email.trim())) local.email = t('form.badEmail');
    if (Object.keys(local).length) {
      fe.setLocal(local);
      return;
    }
    const body = { ...v, name: v.name.trim(), position: v.position.trim(), phone: v.phone.trim(), email: v.email.trim() };
    setBusy(true);
    try {
      if (contact) {
        await api.patch<Contact>(`/contacts/${contact.id}`, body);
        notify(t('form.saved'));
      } else {
        const c = await api.post<Contact>('/contacts', body);
        notify(t('contacts.created', { name: c.name }));
      }
      navigate('/contacts');
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!contact || !window.confirm(t('contacts.confirmDelete', { name: contact.name }))) return;
    setBusy(true);
    try {
      await api.del(`/contacts/${contact.id}`);
      notify(t('form.deleted'));
      navigate('/contacts');
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form" onSubmit={submit} noValidate>
      <ErrorBanner error={fe.general()} />
      <fieldset class="form-grid" disabled={!writable || busy}>
        <Field id="contact-name" label={t('contacts.f.name')} required error={fe.fieldMsg('name')}>
          <input id="contact-name" value={v.name} onInput={(e) => set({ name: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="contact-position" label={t('contacts.f.position')} error={fe.fieldMsg('position')}>
          <input id="contact-position" value={v.position} onInput={(e) => set({ position: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="contact-phone" label={t('contacts.f.phone')} error={fe.fieldMsg('phone')}>
          <input id="contact-phone" type="tel" value={v.phone} onInput={(e) => set({ phone: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="contact-email" label={t('contacts.f.email')} error={fe.fieldMsg('email')}>
          <input id="contact-email" type="email" value={v.email} onInput={(e) => set({ email: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="contact-org" label={t('common.org')} required error={fe.fieldMsg('org_id')}>
          <OrgSelect id="contact-org" value={v.org_id} onChange={(x) => set({ org_id: x })} allowEmpty={t('common.choose')} />
        </Field>
        <FieldSet legend={t('contacts.f.onCall')} error={fe.fieldMsg('on_call')}>
          <label class="check">
            <input type="checkbox" checked={v.on_call} onChange={(e) => set({ on_call: (e.target as HTMLInputElement).checked })} />
            {t('contacts.f.onCallLabel')}
          </label>
        </FieldSet>
      </fieldset>
      {writable && (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('form.saving') : contact ? t('form.save') : t('form.create')}
          </button>
          <a class="btn btn-ghost" href={href('/contacts')}>
            {t('form.cancel')}
          </a>
          {contact && (
            <button type="button" class="btn btn-danger" disabled={busy} onClick={remove}>
              {t('form.delete')}
            </button>
          )}
        </div>
      )}
    </form>
  );
}
