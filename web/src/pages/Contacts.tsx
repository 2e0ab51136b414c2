import type { Contact } from '../api';
import { canWrite, defaultOrgId, useApp } from '../context';
import { useResourceList } from '../hooks';
import { href } from '../router';
import { EditForm, EditPage, useEditForm } from '../components/EditForm';
import { ListHeader } from '../components/ListHeader';
import { Filters, OrgFilter, SelectFilter, TextFilter } from '../components/Filters';
import { ResourceTable } from '../components/ResourceTable';
import { Field, FieldSet, OrgName, OrgSelect } from '../components/ui';

export function ContactsPage({ sub }: { sub?: string }) {
  const { t } = useApp();
  if (!sub) return <ContactList />;
  return (
    <EditPage<Contact> path="/contacts" id={sub === 'new' ? null : Number(sub)} newTitle={t('contacts.new')} editTitle={t('contacts.edit')} name={(c) => c.name} back={t('contacts.back')}>
      {(contact) => <ContactForm contact={contact} />}
    </EditPage>
  );
}

const FILTERS = { org: null as number | null, onCall: '', q: '', offset: 0, limit: 25 };

function ContactList() {
  const { t } = useApp();
  const list = useResourceList<Contact, typeof FILTERS>('/contacts', 'contacts.filters', FILTERS, (f) => ({ org_id: f.org, on_call: f.onCall, q: f.q }));
  const { f, set } = list;

  return (
    <>
      <ListHeader
        title={t('contacts.title')}
        sub={t('contacts.sub')}
        path="/contacts"
        addLabel={t('contacts.add')}
        csv={{ path: '/contacts', query: list.query, columnsHint: t('contacts.csvColumns'), onImported: list.reload }}
      />
      <Filters>
        <OrgFilter id="contact-f-org" value={f.org} onChange={(v) => set({ org: v })} />
        <SelectFilter
          label={t('contacts.f.onCall')}
          value={f.onCall}
          onChange={(v) => set({ onCall: v })}
          options={[
            ['true', t('contacts.onCallOnly')],
            ['false', t('contacts.notOnCall')],
          ]}
        />
        <TextFilter label={t('common.search')} grow value={f.q} placeholder={t('contacts.searchPh')} onChange={(v) => set({ q: v })} />
      </Filters>
      <ResourceTable
        list={list}
        empty={f.q || f.org || f.onCall ? t('common.noMatch') : t('contacts.empty')}
        columns={[
          {
            label: t('contacts.f.name'),
            cell: (c) => (
              <a class="row-link" href={href(`/contacts/${c.id}`)}>
                {c.name}
              </a>
            ),
          },
          { label: t('contacts.f.position'), cell: (c) => c.position || <span class="muted">—</span> },
          { label: t('contacts.f.phone'), cell: (c) => (c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : <span class="muted">—</span>) },
          { label: t('contacts.f.email'), cell: (c) => (c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : <span class="muted">—</span>) },
          { label: t('common.org'), cell: (c) => <OrgName id={c.org_id} /> },
          {
            label: t('contacts.f.onCall'),
            cell: (c) => (c.on_call ? <span class="badge badge-ok">{t('contacts.onCallBadge')}</span> : <span class="muted">—</span>),
          },
        ]}
      />
    </>
  );
}

const FIELDS = ['name', 'position', 'phone', 'email', 'org_id', 'on_call'];


function ContactForm({ contact }: { contact: Contact | null }) {
  const { t, user, orgs } = useApp();
  const form = useEditForm({
    path: '/contacts',
    record: contact,
    fields: FIELDS,
    init: {
      name: contact?.name ?? '',
      position: contact?.position ?? '',
      phone: contact?.phone ?? '',
      email: contact?.email ?? '',
      org_id: (contact?.org_id ?? defaultOrgId(user, orgs)) as number | null,
      on_call: contact?.on_call ?? false,
    },
    check: (v) => {
      const bad: Record<string, string> = {};
      if (!v.name.trim()) bad.name = t('form.required');
      if (v.org_id === null) bad.org_id = t('form.required');
      if (v.email.trim() && !/^[^@\s]+@[^@\s]+$/.test(v.email.trim())) bad.email = t('form.badEmail');
      return bad;
    },
    body: (v) => ({ ...v, name: v.name.trim(), position: v.position.trim(), phone: v.phone.trim(), email: v.email.trim() }),
    created: (c) => t('contacts.created', { name: c.name }),
    confirmDelete: (c) => t('contacts.confirmDelete', { name: c.name }),
  });
  const { v, set, fe } = form;

  return (
    <EditForm form={form} writable={canWrite(user)}>
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
    </EditForm>
  );
}
