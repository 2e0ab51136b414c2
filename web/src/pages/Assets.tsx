import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, apiUrl, fetchAll, type Asset, type AssetRole, type InfoSystem } from '../api';
import { canWrite, useApp } from '../context';
import { useDebounced, useList, useResource, useStickyState } from '../hooks';
import { href, navigate } from '../router';
import { CsvImport } from '../components/CsvImport';
import {
  Empty, ErrorBanner, Field, FieldSet, LevelBadge, Loading, OrgName, OrgSelect, PageHeader, Pagination, enumLabel, errorText, lines,
  useFormErrors,
} from '../components/ui';

const ROLES: AssetRole[] = ['server', 'workstation', 'network_device'];

export function AssetsPage({ sub }: { sub?: string }) {
  if (sub === 'new') return <AssetEdit id={null} />;
  if (sub) return <AssetEdit id={Number(sub)} />;
  return <AssetList />;
}

function AssetList() {
  const { t, user } = useApp();
  const [f, setF] = useStickyState('assets.filters', { org: null as number | null, role: '', q: '', offset: 0, limit: 25 });
  const [showImport, setShowImport] = useState(false);
  const q = useDebounced(f.q);
  const list = useList<Asset>('/assets', { org_id: f.org, role: f.role, q, limit: f.limit, offset: f.offset });
  const set = (patch: Partial<typeof f>) => setF({ ...f, offset: 0, ...patch });
  const exportHref = apiUrl('/assets/export.csv', { org_id: f.org, role: f.role, q });

  return (
    <>
      <PageHeader title={t('assets.title')} sub={t('assets.sub')}>
        <a class="btn" href={exportHref} download="assets.csv">
          ⤓ {t('csv.export')}
        </a>
        {canWrite(user) && (
          <button type="button" class="btn" aria-expanded={showImport} onClick={() => setShowImport(!showImport)}>
            ⤒ {t('csv.import')}
          </button>
        )}
        {canWrite(user) && (
          <a class="btn btn-primary" href={href('/assets/new')}>
            + {t('assets.add')}
          </a>
        )}
      </PageHeader>
      {showImport && (
        <CsvImport path="/assets/import" columnsHint={t('assets.csvColumns')} onDone={list.reload} onClose={() => setShowImport(false)} />
      )}
      <div class="filters" role="search">
        <label>
          <span>{t('common.org')}</span>
          <OrgSelect id="asset-f-org" value={f.org} onChange={(v) => set({ org: v })} allowEmpty={t('common.allOrgs')} />
        </label>
        <label>
          <span>{t('assets.f.role')}</span>
          <select value={f.role} onChange={(e) => set({ role: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('common.all')}</option>
            {ROLES.map((r) => (
              <option value={r}>{enumLabel(t, 'assetRole', r)}</option>
            ))}
          </select>
        </label>
        <label class="grow">
          <span>{t('common.search')}</span>
          <input type="search" value={f.q} placeholder={t('assets.searchPh')} onInput={(e) => set({ q: (e.target as HTMLInputElement).value })} />
        </label>
      </div>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.items.length === 0 ? (
        <Empty>{f.q || f.org || f.role ? t('common.noMatch') : t('assets.empty')}</Empty>
      ) : list.data ? (
        <>
          <div class={`table-wrap${list.loading ? ' is-loading' : ''}`}>
            <table class="table table-cards">
              <thead>
                <tr>
                  <th>{t('assets.f.hostname')}</th>
                  <th>{t('assets.f.ips')}</th>
                  <th>{t('assets.f.role')}</th>
                  <th>{t('assets.f.os')}</th>
                  <th>{t('common.org')}</th>
                  <th>{t('assets.f.systems')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((a) => (
                  <tr>
                    <td data-label={t('assets.f.hostname')}>
                      <a class="row-link" href={href(`/assets/${a.id}`)}>
                        {a.hostname}
                      </a>
                    </td>
                    <td data-label={t('assets.f.ips')}>
                      <span class="ip-list mono">
                        {(a.ips ?? []).map((ip) => (
                          <span>{ip}</span>
                        ))}
                      </span>
                    </td>
                    <td data-label={t('assets.f.role')}>{enumLabel(t, 'assetRole', a.role)}</td>
                    <td data-label={t('assets.f.os')}>{[a.os, a.os_version].filter(Boolean).join(' ') || <span class="muted">—</span>}</td>
                    <td data-label={t('common.org')}>
                      <OrgName id={a.org_id} />
                    </td>
                    <td data-label={t('assets.f.systems')}>{(a.system_ids ?? []).length || <span class="muted">0</span>}</td>
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

const FIELDS = ['hostname', 'org_id', 'role', 'ips', 'mac', 'os', 'os_version', 'system_ids', 'description'];

function AssetEdit({ id }: { id: number | null }) {
  const { t } = useApp();
  const res = useResource<Asset>(id !== null ? `/assets/${id}` : null);
  return (
    <>
      <PageHeader title={id === null ? t('assets.new') : res.data?.hostname ?? t('assets.edit')}>
        <a class="btn btn-ghost" href={href('/assets')}>
          ← {t('assets.back')}
        </a>
      </PageHeader>
      {id !== null && res.loading ? <Loading /> : res.error ? <ErrorBanner error={res.error} /> : <AssetForm asset={res.data} />}
    </>
  );
}

function AssetForm({ asset }: { asset: Asset | null }) {
  const { t, user, orgs, notify } = useApp();
  const fe = useFormErrors(FIELDS);
  const writable = canWrite(user);
  const defaultOrg: number | null = user.org_id !== null && orgs.byId.has(user.org_id) ? user.org_id : orgs.ordered[0]?.org.id ?? null;
  const [v, setV] = useState({
    hostname: asset?.hostname ?? '',
    org_id: (asset?.org_id ?? defaultOrg) as number | null,
    role: asset?.role ?? ('server' as AssetRole),
    ips: (asset?.ips ?? []).join('\n'),
    mac: asset?.mac ?? '',
    os: asset?.os ?? '',
    os_version: asset?.os_version ?? '',
    system_ids: new Set<number>(asset?.system_ids ?? []),
    description: asset?.description ?? '',
  });
  const set = (patch: Partial<typeof v>) => setV({ ...v, ...patch });
  const [busy, setBusy] = useState(false);
  const [systems, setSystems] = useState<InfoSystem[] | null>(null);
  const [sysErr, setSysErr] = useState<unknown>(null);
  const [sysFilter, setSysFilter] = useState('');

  useEffect(() => {
    fetchAll<InfoSystem>('/systems').then(setSystems, setSysErr);
  }, []);

  const shownSystems = useMemo(() => {
    if (!systems) return [];
    const q = sysFilter.trim().toLocaleLowerCase('vi');
    const arr = systems.filter((s) => !q || s.name.toLocaleLowerCase('vi').includes(q) || v.system_ids.has(s.id));
    // Systems of the asset's organisation first, then by name.
    return arr.sort((a, b) => Number(b.owner_org_id === v.org_id) - Number(a.owner_org_id === v.org_id) || a.name.localeCompare(b.name, 'vi'));
  }, [systems, sysFilter, v.org_id, v.system_ids]);

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const local: Record<string, string> = {};
    if (!v.hostname.trim()) local.hostname = t('form.required');
    if (v.org_id === null) local.org_id = t('form.required');
    if (Object.keys(local).length) {
      fe.setLocal(local);
      return;
    }
    const body = {
      hostname: v.hostname.trim(),
      org_id: v.org_id,
      role: v.role,
      ips: lines(v.ips),
      mac: v.mac.trim(),
      os: v.os.trim(),
      os_version: v.os_version.trim(),
      system_ids: Array.from(v.system_ids),
      description: v.description.trim(),
    };
    setBusy(true);
    try {
      if (asset) {
        await api.patch<Asset>(`/assets/${asset.id}`, body);
        notify(t('form.saved'));
      } else {
        const a = await api.post<Asset>('/assets', body);
        notify(t('assets.created', { name: a.hostname }));
      }
      navigate('/assets');
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!asset || !window.confirm(t('assets.confirmDelete', { name: asset.hostname }))) return;
    setBusy(true);
    try {
      await api.del(`/assets/${asset.id}`);
      notify(t('form.deleted'));
      navigate('/assets');
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
        <Field id="asset-hostname" label={t('assets.f.hostname')} required error={fe.fieldMsg('hostname')}>
          <input id="asset-hostname" value={v.hostname} autoComplete="off" onInput={(e) => set({ hostname: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="asset-org" label={t('common.org')} required error={fe.fieldMsg('org_id')}>
          <OrgSelect id="asset-org" value={v.org_id} onChange={(x) => set({ org_id: x })} allowEmpty={t('common.choose')} />
        </Field>
        <Field id="asset-role" label={t('assets.f.role')} error={fe.fieldMsg('role')}>
          <select id="asset-role" value={v.role} onChange={(e) => set({ role: (e.target as HTMLSelectElement).value as AssetRole })}>
            {ROLES.map((r) => (
              <option value={r}>{enumLabel(t, 'assetRole', r)}</option>
            ))}
          </select>
        </Field>
        <Field id="asset-mac" label={t('assets.f.mac')} error={fe.fieldMsg('mac')}>
          <input id="asset-mac" class="mono" value={v.mac} placeholder="00:11:22:33:44:55" onInput={(e) => set({ mac: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="asset-ips" label={t('assets.f.ips')} hint={t('assets.f.ipsHint')} error={fe.fieldMsg('ips')} wide>
          <textarea id="asset-ips" class="mono" rows={3} value={v.ips} onInput={(e) => set({ ips: (e.target as HTMLTextAreaElement).value })} />
        </Field>
        <Field id="asset-os" label={t('assets.f.osName')} hint={t('assets.f.osHint')} error={fe.fieldMsg('os')}>
          <input id="asset-os" value={v.os} onInput={(e) => set({ os: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="asset-osver" label={t('assets.f.osVersion')} hint={t('assets.f.osVersionHint')} error={fe.fieldMsg('os_version')}>
          <input id="asset-osver" value={v.os_version} onInput={(e) => set({ os_version: (e.target as HTMLInputElement).value })} />
        </Field>
        <FieldSet legend={t('assets.f.systems')} error={fe.fieldMsg('system_ids')} hint={t('assets.f.systemsHint')} wide>
          {sysErr ? (
            <ErrorBanner error={sysErr} />
          ) : !systems ? (
            <Loading />
          ) : systems.length === 0 ? (
            <p class="muted">{t('assets.noSystems')}</p>
          ) : (
            <>
              {systems.length > 8 && (
                <input
                  type="search"
                  class="list-filter"
                  placeholder={t('assets.filterSystems')}
                  aria-label={t('assets.filterSystems')}
                  value={sysFilter}
                  onInput={(e) => setSysFilter((e.target as HTMLInputElement).value)}
                />
              )}
              <div class="check-list">
                {shownSystems.map((s) => (
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={v.system_ids.has(s.id)}
                      onChange={(e) => {
                        const n = new Set(v.system_ids);
                        if ((e.target as HTMLInputElement).checked) n.add(s.id);
                        else n.delete(s.id);
                        set({ system_ids: n });
                      }}
                    />
                    <span>{s.name}</span>
                    <LevelBadge level={s.security_level} />
                    <span class="muted small">
                      <OrgName id={s.owner_org_id} />
                    </span>
                  </label>
                ))}
              </div>
            </>
          )}
        </FieldSet>
        <Field id="asset-desc" label={t('assets.f.description')} error={fe.fieldMsg('description')} wide>
          <textarea id="asset-desc" rows={2} value={v.description} onInput={(e) => set({ description: (e.target as HTMLTextAreaElement).value })} />
        </Field>
      </fieldset>
      {writable && (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('form.saving') : asset ? t('form.save') : t('form.create')}
          </button>
          <a class="btn btn-ghost" href={href('/assets')}>
            {t('form.cancel')}
          </a>
          {asset && (
            <button type="button" class="btn btn-danger" disabled={busy} onClick={remove}>
              {t('form.delete')}
            </button>
          )}
        </div>
      )}
    </form>
  );
}
