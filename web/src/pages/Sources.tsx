import { useState } from 'preact/hooks';
import { api, type IngestSource } from '../api';
import { defaultOrgId, useApp } from '../context';
import { useResourceList } from '../hooks';
import { formatNumber } from '../i18n';
import { ResourceTable, type Column } from '../components/ResourceTable';
import { VnTime } from '../components/Monitoring';
import { CopyRow, ErrorBanner, Field, OrgName, OrgSelect, PageHeader, errorText, useFormErrors } from '../components/ui';

// Log sources (admins): agents such as Winlogbeat, NXLog or Vector that post NDJSON events to
// /api/v1/ingest with a bearer token. The token is shown once, right after the creation.

const FILTERS = { offset: 0, limit: 50 };

export function SourcesPage() {
  const { t, lang, notify } = useApp();
  const list = useResourceList<IngestSource, typeof FILTERS>('/ingest/sources', 'sources.list', FILTERS, () => ({}), []);
  const [created, setCreated] = useState<IngestSource | null>(null);

  const remove = async (s: IngestSource) => {
    if (!window.confirm(t('sources.confirmDelete', { name: s.name }))) return;
    try {
      await api.del(`/ingest/sources/${s.id}`);
      notify(t('sources.deleted', { name: s.name }));
      if (created?.id === s.id) setCreated(null);
      list.reload();
    } catch (err) {
      notify(errorText(t, err), 'error');
    }
  };

  const columns: Column<IngestSource>[] = [
    { label: t('common.name'), cell: (s) => <strong>{s.name}</strong> },
    { label: t('common.org'), cell: (s) => <OrgName id={s.org_id} /> },
    { label: t('sources.events'), class: 'num', cell: (s) => formatNumber(lang, s.events ?? 0) },
    { label: t('sources.lastSeen'), class: 'nowrap', cell: (s) => (s.last_seen ? <VnTime value={s.last_seen} /> : <span class="muted">{t('sources.never')}</span>) },
    { label: t('sources.createdAt'), class: 'nowrap', cell: (s) => <VnTime value={s.created_at} /> },
    {
      label: t('intel.f.actions'),
      srOnly: true,
      class: 'row-actions',
      cell: (s) => (
        <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(s)}>
          {t('form.delete')}
        </button>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('sources.title')} sub={t('sources.sub')} />
      <CreateSource
        onCreated={(s) => {
          setCreated(s);
          list.reload();
        }}
      />
      {created?.token && <TokenOnce source={created} onDismiss={() => setCreated(null)} />}
      <ResourceTable list={list} class="table-compact sources-table" empty={t('sources.empty')} columns={columns} />
    </>
  );
}

function CreateSource({ onCreated }: { onCreated: (s: IngestSource) => void }) {
  const { t, user, orgs } = useApp();
  const [name, setName] = useState('');
  const [org, setOrg] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const fe = useFormErrors(['name', 'org_id']);
  const orgId = org ?? defaultOrgId(user, orgs);

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const bad: Record<string, string> = {};
    if (!name.trim()) bad.name = t('form.required');
    if (orgId === null) bad.org_id = t('form.required');
    if (Object.keys(bad).length) return fe.setLocal(bad);
    setBusy(true);
    try {
      const s = await api.post<IngestSource>('/ingest/sources', { name: name.trim(), org_id: orgId });
      setName('');
      onCreated(s);
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card intel-card" aria-labelledby="src-new-h">
      <div class="form-head">
        <h2 id="src-new-h">{t('sources.add')}</h2>
      </div>
      <p class="hint">{t('sources.addHint')}</p>
      <form class="form-grid" onSubmit={submit} noValidate>
        <ErrorBanner error={fe.general()} />
        <Field id="src-name" label={t('sources.name')} required error={fe.fieldMsg('name')} hint={t('sources.nameHint')}>
          <input id="src-name" value={name} autoComplete="off" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="src-org" label={t('common.org')} required error={fe.fieldMsg('org_id')}>
          <OrgSelect id="src-org" value={orgId} onChange={setOrg} />
        </Field>
        <div class="field field-wide intel-submit">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('form.saving') : t('sources.create')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The new source's token (never shown again), a copy button and how an agent uses it. */
function TokenOnce({ source, onDismiss }: { source: IngestSource; onDismiss: () => void }) {
  const { t } = useApp();
  const token = source.token ?? '';
  const example = `curl -H "Authorization: Bearer ${token}" --data-binary @events.ndjson ${window.location.origin}/api/v1/ingest`;
  return (
    <section class="card token-card" role="status" aria-labelledby="src-token-h" data-testid="source-token">
      <div class="form-head">
        <h2 id="src-token-h">{t('sources.tokenTitle', { name: source.name })}</h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={onDismiss}>
          {t('common.close')}
        </button>
      </div>
      <div class="alert alert-warn">{t('sources.tokenOnce')}</div>
      <CopyRow text={token} />
      <h3>{t('sources.example')}</h3>
      <CopyRow text={example} block />
      <p class="hint">{t('sources.exampleHint')}</p>
    </section>
  );
}
