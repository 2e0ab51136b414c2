import { useEffect, useState } from 'preact/hooks';
import { api, type Dashboard } from '../api';
import { canAddOrg, useApp } from '../context';
import { useStickyState } from '../hooks';
import { formatNumber } from '../i18n';
import { href } from '../router';
import { DueDate, Empty, ErrorBanner, Loading, OrgSelect, PageHeader, enumLabel } from '../components/ui';

const ROLES = ['server', 'workstation', 'network_device'];

function BarChart(props: { rows: { label: string; value: number; cls?: string }[]; label: string }) {
  const { lang } = useApp();
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <ul class="bars" aria-label={props.label}>
      {props.rows.map((r) => (
        <li class="bar-row">
          <span class="bar-label">{r.label}</span>
          <span class="bar-track">
            {/* width is set through the CSSOM (allowed by the CSP), never as an inline style attribute */}
            <span class={`bar-fill ${r.cls ?? ''}`} style={{ width: `${(r.value / max) * 100}%` }} />
          </span>
          <span class="bar-value">{formatNumber(lang, r.value)}</span>
        </li>
      ))}
    </ul>
  );
}

export function DashboardPage() {
  const { t, orgs, user, lang } = useApp();
  const [orgId, setOrgId] = useStickyState<number | null>('dash.org', null);
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);

  // No selection means everything the user may see (the API's default without org_id).
  useEffect(() => {
    if (orgId !== null && orgs.loaded && !orgs.byId.has(orgId)) setOrgId(null);
  }, [orgs, orgId, setOrgId]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api
      .get<Dashboard>('/dashboard', { org_id: orgId })
      .then((d) => live && setData(d))
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [orgId, tick]);

  if (!orgs.loaded) return <Loading />;

  if (orgs.list.length === 0) {
    return (
      <>
        <PageHeader title={t('dash.title')} />
        <Empty>
          <p>{t('dash.noOrgs')}</p>
          {canAddOrg(user, true) && (
            <a class="btn btn-primary" href={href('/orgs/new')}>
              {t('orgs.addRoot')}
            </a>
          )}
        </Empty>
      </>
    );
  }

  const levels = [1, 2, 3, 4, 5].map((n) => ({
    label: t('level.short', { n }),
    value: data?.systems_by_level?.[String(n)] ?? 0,
    cls: `level-fill-${n}`,
  }));
  const roleKeys = Array.from(new Set([...ROLES, ...Object.keys(data?.assets_by_role ?? {})]));
  const roles = roleKeys.map((r) => ({ label: enumLabel(t, 'assetRole', r), value: data?.assets_by_role?.[r] ?? 0 }));
  const totalSystems = levels.reduce((a, b) => a + b.value, 0);
  const totalAssets = roles.reduce((a, b) => a + b.value, 0);

  return (
    <>
      <PageHeader title={t('dash.title')} sub={t('dash.sub')}>
        <label class="inline-field">
          <span>{t('common.org')}</span>
          <OrgSelect id="dash-org" value={orgId} onChange={(v) => setOrgId(v)} allowEmpty={t('dash.allOrgs')} />
        </label>
      </PageHeader>
      <ErrorBanner error={error} onRetry={() => setTick(tick + 1)} />
      {loading && !data ? (
        <Loading />
      ) : data ? (
        <div class={`dash-grid${loading ? ' is-loading' : ''}`}>
          <section class="card">
            <h2>{t('dash.systemsByLevel')}</h2>
            <p class="card-figure">
              {formatNumber(lang, totalSystems)} <span>{t('dash.systemsTotal')}</span>
            </p>
            <BarChart rows={levels} label={t('dash.systemsByLevel')} />
            <a class="card-link" href={href('/systems')}>
              {t('dash.viewSystems')} →
            </a>
          </section>
          <section class="card">
            <h2>{t('dash.assetsByRole')}</h2>
            <p class="card-figure">
              {formatNumber(lang, totalAssets)} <span>{t('dash.assetsTotal')}</span>
            </p>
            <BarChart rows={roles} label={t('dash.assetsByRole')} />
            <a class="card-link" href={href('/assets')}>
              {t('dash.viewAssets')} →
            </a>
          </section>
          <section class="card">
            <h2>{t('dash.contacts')}</h2>
            <p class="card-figure">
              {formatNumber(lang, data.contacts ?? 0)} <span>{t('dash.contactsTotal')}</span>
            </p>
            <h3>{t('dash.onCall')}</h3>
            {data.on_call?.length ? (
              <ul class="oncall-list">
                {data.on_call.map((c) => (
                  <li>
                    <strong>{c.name}</strong>
                    {c.position && <span class="muted"> · {c.position}</span>}
                    <div class="oncall-contact">
                      {c.phone && <a href={`tel:${c.phone}`}>{c.phone}</a>}
                      {c.email && <a href={`mailto:${c.email}`}>{c.email}</a>}
                    </div>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted warn-text">{t('dash.noOnCall')}</p>
            )}
          </section>
          <section class="card card-wide">
            <h2>{t('dash.assessmentsDue')}</h2>
            <p class="muted">{t('dash.assessmentsHint')}</p>
            {data.assessments_due?.length ? (
              <table class="table table-cards">
                <thead>
                  <tr>
                    <th>{t('dash.col.kind')}</th>
                    <th>{t('common.name')}</th>
                    <th>{t('dash.col.due')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...data.assessments_due]
                    .sort((a, b) => a.due.localeCompare(b.due))
                    .map((a) => (
                      <tr>
                        <td data-label={t('dash.col.kind')}>{a.kind === 'org' ? t('dash.kind.org') : t('dash.kind.system')}</td>
                        <td data-label={t('common.name')}>
                          <a href={href(a.kind === 'org' ? `/orgs/${a.id}` : `/systems/${a.id}`)}>{a.name}</a>
                        </td>
                        <td data-label={t('dash.col.due')}>
                          <DueDate due={a.due} />
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            ) : (
              <Empty>{t('dash.noneDue')}</Empty>
            )}
          </section>
        </div>
      ) : null}
    </>
  );
}
