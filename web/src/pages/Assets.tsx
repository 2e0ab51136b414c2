import { useEffect, useMemo, useState } from 'preact/hooks';
import { fetchAll, type Asset, type AssetRole, type InfoSystem } from '../api';
import { canWrite, defaultOrgId, useApp } from '../context';
import { useResourceList } from '../hooks';
import { href } from '../router';
import { EditForm, EditPage, useEditForm } from '../components/EditForm';
import { ListHeader } from '../components/ListHeader';
import { Filters, OrgFilter, SearchBox, SelectFilter, TextFilter } from '../components/Filters';
import { ResourceTable } from '../components/ResourceTable';
import { EnumSelect, ErrorBanner, Field, FieldSet, LevelBadge, Loading, OrgName, OrgSelect, enumLabel, lines, toggled } from '../components/ui';

const ROLES: AssetRole[] = ['server', 'workstation', 'network_device'];

export function AssetsPage({ sub }: { sub?: string }) {
  const { t } = useApp();
  if (!sub) return <AssetList />;
  return (
    <EditPage<Asset> path="/assets" id={sub === 'new' ? null : Number(sub)} newTitle={t('assets.new')} editTitle={t('assets.edit')} name={(a) => a.hostname} back={t('assets.back')}>
      {(asset) => <AssetForm asset={asset} />}
    </EditPage>
  );
}

const FILTERS = { org: null as number | null, role: '', q: '', offset: 0, limit: 25 };

function AssetList() {
  const { t } = useApp();
  const list = useResourceList<Asset, typeof FILTERS>('/assets', 'assets.filters', FILTERS, (f) => ({ org_id: f.org, role: f.role, q: f.q }));
  const { f, set } = list;

  return (
    <>
      <ListHeader
        title={t('assets.title')}
        sub={t('assets.sub')}
        path="/assets"
        addLabel={t('assets.add')}
        csv={{ path: '/assets', query: list.query, columnsHint: t('assets.csvColumns'), onImported: list.reload }}
      />
      <Filters>
        <OrgFilter id="asset-f-org" value={f.org} onChange={(v) => set({ org: v })} />
        <SelectFilter label={t('assets.f.role')} value={f.role} onChange={(v) => set({ role: v })} options={ROLES.map((r) => [r, enumLabel(t, 'assetRole', r)])} />
        <TextFilter label={t('common.search')} grow value={f.q} placeholder={t('assets.searchPh')} onChange={(v) => set({ q: v })} />
      </Filters>
      <ResourceTable
        list={list}
        empty={f.q || f.org || f.role ? t('common.noMatch') : t('assets.empty')}
        columns={[
          {
            label: t('assets.f.hostname'),
            cell: (a) => (
              <a class="row-link" href={href(`/assets/${a.id}`)}>
                {a.hostname}
              </a>
            ),
          },
          {
            label: t('assets.f.ips'),
            cell: (a) => (
              <span class="ip-list mono">
                {(a.ips ?? []).map((ip) => (
                  <span>{ip}</span>
                ))}
              </span>
            ),
          },
          { label: t('assets.f.role'), cell: (a) => enumLabel(t, 'assetRole', a.role) },
          { label: t('assets.f.os'), cell: (a) => [a.os, a.os_version].filter(Boolean).join(' ') || <span class="muted">—</span> },
          { label: t('common.org'), cell: (a) => <OrgName id={a.org_id} /> },
          { label: t('assets.f.systems'), cell: (a) => (a.system_ids ?? []).length || <span class="muted">0</span> },
        ]}
      />
    </>
  );
}

const FIELDS = ['hostname', 'org_id', 'role', 'ips', 'mac', 'os', 'os_version', 'system_ids', 'description'];


function AssetForm({ asset }: { asset: Asset | null }) {
  const { t, user, orgs } = useApp();
  const form = useEditForm({
    path: '/assets',
    record: asset,
    fields: FIELDS,
    init: {
      hostname: asset?.hostname ?? '',
      org_id: (asset?.org_id ?? defaultOrgId(user, orgs)) as number | null,
      role: asset?.role ?? ('server' as AssetRole),
      ips: (asset?.ips ?? []).join('\n'),
      mac: asset?.mac ?? '',
      os: asset?.os ?? '',
      os_version: asset?.os_version ?? '',
      system_ids: new Set<number>(asset?.system_ids ?? []),
      description: asset?.description ?? '',
    },
    check: (v) => {
      const bad: Record<string, string> = {};
      if (!v.hostname.trim()) bad.hostname = t('form.required');
      if (v.org_id === null) bad.org_id = t('form.required');
      return bad;
    },
    body: (v) => ({
      hostname: v.hostname.trim(),
      org_id: v.org_id,
      role: v.role,
      ips: lines(v.ips),
      mac: v.mac.trim(),
      os: v.os.trim(),
      os_version: v.os_version.trim(),
      system_ids: Array.from(v.system_ids),
      description: v.description.trim(),
    }),
    created: (a) => t('assets.created', { name: a.hostname }),
    confirmDelete: (a) => t('assets.confirmDelete', { name: a.hostname }),
  });
  const { v, set, fe } = form;
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

  return (
    <EditForm form={form} writable={canWrite(user)}>
      <Field id="asset-hostname" label={t('assets.f.hostname')} required error={fe.fieldMsg('hostname')}>
        <input id="asset-hostname" value={v.hostname} autoComplete="off" onInput={(e) => set({ hostname: (e.target as HTMLInputElement).value })} />
      </Field>
      <Field id="asset-org" label={t('common.org')} required error={fe.fieldMsg('org_id')}>
        <OrgSelect id="asset-org" value={v.org_id} onChange={(x) => set({ org_id: x })} allowEmpty={t('common.choose')} />
      </Field>
      <Field id="asset-role" label={t('assets.f.role')} error={fe.fieldMsg('role')}>
        <EnumSelect id="asset-role" value={v.role} values={ROLES} labels="assetRole" onChange={(x) => set({ role: x })} />
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
              <SearchBox class="list-filter" label={t('assets.filterSystems')} value={sysFilter} onChange={setSysFilter} />
            )}
            <div class="check-list">
              {shownSystems.map((s) => (
                <label class="check">
                  <input
                    type="checkbox"
                    checked={v.system_ids.has(s.id)}
                    onChange={(e) => set({ system_ids: toggled(v.system_ids, s.id, (e.target as HTMLInputElement).checked) })}
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
    </EditForm>
  );
}
