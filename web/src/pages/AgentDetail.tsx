import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  TASK_STATUSES,
  agentHealth,
  agentsApi,
  filterPackages,
  formatBytes,
  passwordPolicyIssues,
  pathLines,
  riskyBrowserStores,
  settingsField,
  settingsForm,
  settingsPatch,
  badPath,
  type Agent,
  type AgentInventory,
  type AgentTask,
  type AgentWithSettings,
  type Inventory,
  type SettingsForm,
} from '../agents';
import { ApiError } from '../api';
import { canWrite, useApp } from '../context';
import { useResource, useResourceList } from '../hooks';
import { formatNumber } from '../i18n';
import { href } from '../router';
import { SearchBox } from '../components/Filters';
import { ResourceTable, type Column } from '../components/ResourceTable';
import { VnTime } from '../components/Monitoring';
import { ErrorBanner, Field, Loading, OrgName, PageHeader, enumLabel, errorText } from '../components/ui';
import { HealthBadge } from './Agents';
import { DetectionsSection } from './Quarantine';

// One agent: where it runs and how it is doing, its settings, "scan now" and the tasks sent to it,
// the files it found, and the inventory it last reported (in tabs). Revoking refuses its
// credential at once.

export function AgentDetailPage({ id }: { id: number }) {
  const { t, user, notify } = useApp();
  const [agent, setAgent] = useState<AgentWithSettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const [tasksTick, setTasksTick] = useState(0);
  const writer = canWrite(user);

  useEffect(() => {
    let live = true;
    setError(null);
    agentsApi.get(id).then(
      (a) => live && setAgent(a),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id, tick]);

  const back = (
    <a class="btn btn-ghost" href={href('/agents')}>
      ← {t('agent.back')}
    </a>
  );
  if (error && !agent) {
    return (
      <>
        <PageHeader title={t('agent.title')}>{back}</PageHeader>
        <ErrorBanner error={error} onRetry={() => setTick(tick + 1)} />
      </>
    );
  }
  if (!agent) return <Loading />;
  const a = agent;
  // The answers of PATCH and revoke carry no settings: keep the ones loaded.
  const update = (x: Agent) => setAgent((cur) => (cur ? { ...cur, ...x, settings: (x as AgentWithSettings).settings ?? cur.settings } : cur));
  const health = agentHealth(a, Date.now(), a.settings?.heartbeat_seconds);

  const revoke = async () => {
    if (!window.confirm(t('agent.confirmRevoke', { name: a.name }))) return;
    try {
      update(await agentsApi.revoke(a.id));
      notify(t('agent.revoked', { name: a.name }));
    } catch (err) {
      notify(errorText(t, err), 'error');
    }
  };

  return (
    <>
      <PageHeader
        title={a.name}
        sub={
          <span class="alert-sub">
            <HealthBadge health={health} /> <span class="muted">#{a.id}</span>
          </span>
        }
      >
        {writer && a.status === 'active' && (
          <button type="button" class="btn btn-danger" data-testid="revoke-button" onClick={() => void revoke()}>
            {t('agent.revoke')}
          </button>
        )}
        {back}
      </PageHeader>
      {a.status === 'revoked' && (
        <div class="alert alert-warn">
          {t('agent.revokedNote', { by: a.revoked_by_name ?? '—' })} <VnTime value={a.revoked_at} />
        </div>
      )}
      <div class="alert-grid">
        <SummaryCard agent={a} />
        <HealthCard agent={a} />
        <SettingsCard agent={a} writable={writer && a.status === 'active'} onSaved={update} />
        <ScanCard agent={a} writable={writer && a.status === 'active'} onQueued={() => setTasksTick((x) => x + 1)} />
      </div>
      <TasksSection agentId={a.id} version={tasksTick} />
      <DetectionsSection agentId={a.id} />
      <InventorySection agentId={a.id} />
    </>
  );
}

function SummaryCard({ agent: a }: { agent: Agent }) {
  const { t, lang } = useApp();
  return (
    <section class="card" aria-labelledby="agent-sum-h">
      <h2 id="agent-sum-h">{t('agent.summary')}</h2>
      <dl class="kv">
        <dt>{t('common.org')}</dt>
        <dd>
          <OrgName id={a.org_id} />
        </dd>
        <dt>{t('agent.asset')}</dt>
        <dd>{a.asset_id !== null && a.asset_id !== undefined ? <a href={href(`/assets/${a.asset_id}`)}>{t('agent.assetN', { id: a.asset_id })}</a> : <span class="muted">—</span>}</dd>
        <dt>{t('agents.col.status')}</dt>
        <dd>{enumLabel(t, 'agentStatus', a.status)}</dd>
        <dt>{t('agent.os')}</dt>
        <dd>{a.os || <span class="muted">—</span>}</dd>
        <dt>{t('agent.kernel')}</dt>
        <dd class="mono">{a.kernel || '—'}</dd>
        <dt>{t('agent.version')}</dt>
        <dd class="mono">{a.version || '—'}</dd>
        <dt>{t('agents.col.addresses')}</dt>
        <dd class="mono">{a.addresses?.length ? a.addresses.join(', ') : '—'}</dd>
        <dt>{t('agent.packages')}</dt>
        <dd>{typeof a.package_count === 'number' ? formatNumber(lang, a.package_count) : '—'}</dd>
        <dt>{t('agents.col.lastSeen')}</dt>
        <dd>{a.last_seen ? <VnTime value={a.last_seen} /> : <span class="muted">{t('sources.never')}</span>}</dd>
        <dt>{t('agent.enrolled')}</dt>
        <dd>
          <VnTime value={a.created_at} />
        </dd>
      </dl>
    </section>
  );
}

function HealthCard({ agent: a }: { agent: Agent }) {
  const { t, lang } = useApp();
  const h = a.health ?? {};
  const num = (v: number | null | undefined) => (typeof v === 'number' ? formatNumber(lang, v) : '—');
  const s = a.last_scan?.stats ?? {};
  const dropped = h.dropped_events ?? a.dropped_events ?? 0;
  return (
    <section class="card" aria-labelledby="agent-health-h">
      <h2 id="agent-health-h">{t('agent.health')}</h2>
      <dl class="stats">
        <div class="stat">
          <dt>{t('agent.queued')}</dt>
          <dd>{num(h.queued_events)}</dd>
        </div>
        <div class="stat">
          <dt>{t('agent.dropped')}</dt>
          <dd class={dropped > 0 ? 'warn-text' : undefined}>{num(dropped)}</dd>
        </div>
        <div class="stat">
          <dt>{t('agent.rules')}</dt>
          <dd>{num(h.rules)}</dd>
        </div>
        <div class="stat">
          <dt>{t('agent.hashes')}</dt>
          <dd>{num(h.hash_indicators)}</dd>
        </div>
      </dl>
      {h.rules_version && (
        <p class="small muted">
          {t('agent.rulesVersion')}: <span class="mono">{h.rules_version}</span>
        </p>
      )}
      <h3>{t('agents.col.lastScan')}</h3>
      {a.last_scan_at ? (
        <>
          <p class="small">
            <VnTime value={a.last_scan_at} /> · {a.last_scan?.scheduled ? t('agent.scanScheduled') : t('agent.scanManual')}
            {a.last_scan?.paths?.length ? (
              <>
                {' · '}
                <span class="mono">{a.last_scan.paths.join(', ')}</span>
              </>
            ) : null}
          </p>
          <dl class="stats">
            <div class="stat">
              <dt>{t('agent.scan.seen')}</dt>
              <dd>{num(s.files_seen)}</dd>
            </div>
            <div class="stat">
              <dt>{t('agent.scan.scanned')}</dt>
              <dd>{num(s.files_scanned)}</dd>
            </div>
            <div class="stat">
              <dt>{t('agent.scan.unchanged')}</dt>
              <dd>{num(s.files_unchanged)}</dd>
            </div>
            <div class="stat">
              <dt>{t('agent.scan.tooLarge')}</dt>
              <dd>{num(s.files_too_large)}</dd>
            </div>
            <div class="stat">
              <dt>{t('agent.scan.errors')}</dt>
              <dd>{num(s.errors)}</dd>
            </div>
            <div class="stat">
              <dt>{t('agent.scan.bytes')}</dt>
              <dd>{formatBytes(s.bytes_scanned)}</dd>
            </div>
            <div class="stat">
              <dt>{t('agent.scan.seconds')}</dt>
              <dd>{typeof s.seconds === 'number' ? s.seconds.toFixed(1) : '—'}</dd>
            </div>
            <div class="stat">
              <dt>{t('agent.scan.detections')}</dt>
              <dd class={(s.detections ?? 0) > 0 ? 'warn-text' : undefined}>{num(s.detections)}</dd>
            </div>
          </dl>
        </>
      ) : (
        <p class="muted">{t('agents.noScan')}</p>
      )}
    </section>
  );
}

/** Scan paths, interval, CPU share, file size limit and quarantine, sent to the agent on its next heartbeat. */
function SettingsCard({ agent: a, writable, onSaved }: { agent: AgentWithSettings; writable: boolean; onSaved: (x: Agent) => void }) {
  const { t, notify } = useApp();
  const [form, setForm] = useState<SettingsForm>(() => settingsForm(a.settings));
  const [asset, setAsset] = useState(a.asset_id === null || a.asset_id === undefined ? '' : String(a.asset_id));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [apiErr, setApiErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const setF = (patch: Partial<SettingsForm>) => setForm({ ...form, ...patch });

  const submit = async (e: Event) => {
    e.preventDefault();
    setApiErr(null);
    const { patch, errors: bad } = settingsPatch(a.settings, form);
    const msgs: Record<string, string> = {};
    for (const [k, v] of Object.entries(bad)) msgs[k] = v.path !== undefined ? t('agent.set.badPath', { path: v.path }) : t('agent.set.range', { min: v.min!, max: v.max! });
    const assetText = asset.trim();
    if (assetText && !/^\d+$/.test(assetText)) msgs.asset_id = t('agent.set.badAsset');
    setErrors(msgs);
    if (Object.keys(msgs).length) return;
    const assetId = assetText ? Number(assetText) : null;
    const body: { asset_id?: number | null; settings?: typeof patch } = {};
    if (Object.keys(patch).length) body.settings = patch;
    if (assetId !== (a.asset_id ?? null)) body.asset_id = assetId;
    if (!Object.keys(body).length) return notify(t('agent.set.nothing'));
    setBusy(true);
    try {
      const x = await agentsApi.update(a.id, body);
      const settings = { ...a.settings, ...patch };
      onSaved({ ...x, settings } as AgentWithSettings);
      notify(t('agent.set.saved'));
    } catch (err) {
      const f = err instanceof ApiError ? settingsField(err.field) : null;
      if (f && ['scan_paths', 'scan_interval_hours', 'cpu_percent', 'max_file_mb', 'quarantine', 'asset_id'].includes(f)) setErrors({ [f]: (err as ApiError).message });
      else setApiErr(err);
    } finally {
      setBusy(false);
    }
  };

  const num = (key: 'scan_interval_hours' | 'cpu_percent' | 'max_file_mb', label: string, hint: string) => (
    <Field id={`agent-set-${key}`} label={label} error={errors[key]} hint={hint}>
      <input id={`agent-set-${key}`} type="number" class="narrow-input" disabled={!writable} value={form[key]} onInput={(e) => setF({ [key]: (e.target as HTMLInputElement).value })} />
    </Field>
  );

  return (
    <section class="card" aria-labelledby="agent-set-h">
      <h2 id="agent-set-h">{t('agent.settings')}</h2>
      <p class="hint">{t('agent.settingsHint')}</p>
      <form class="form-grid" onSubmit={submit} noValidate>
        <ErrorBanner error={apiErr} />
        <Field id="agent-set-paths" label={t('agent.set.paths')} wide error={errors.scan_paths} hint={t('agent.set.pathsHint')}>
          <textarea id="agent-set-paths" class="mono" rows={5} disabled={!writable} value={form.scan_paths} onInput={(e) => setF({ scan_paths: (e.target as HTMLTextAreaElement).value })} />
        </Field>
        {num('scan_interval_hours', t('agent.set.interval'), t('agent.set.intervalHint'))}
        {num('cpu_percent', t('agent.set.cpu'), t('agent.set.cpuHint'))}
        {num('max_file_mb', t('agent.set.maxFile'), t('agent.set.maxFileHint'))}
        <Field id="agent-set-asset" label={t('agent.asset')} error={errors.asset_id} hint={t('agent.set.assetHint')}>
          <input id="agent-set-asset" inputMode="numeric" class="narrow-input" disabled={!writable} value={asset} onInput={(e) => setAsset((e.target as HTMLInputElement).value)} />
        </Field>
        <div class="field field-wide">
          <label class="check">
            <input type="checkbox" disabled={!writable} checked={form.quarantine} onChange={(e) => setF({ quarantine: (e.target as HTMLInputElement).checked })} />
            {t('agent.set.quarantine')}
          </label>
          <div class="hint">{t('agent.set.quarantineHint')}</div>
          {errors.quarantine && <div class="field-error">{errors.quarantine}</div>}
        </div>
        {writable && (
          <div class="field field-wide intel-submit">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? t('form.saving') : t('form.save')}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

/** "Scan now": the agent's scan paths, or the ones typed here. */
function ScanCard({ agent: a, writable, onQueued }: { agent: AgentWithSettings; writable: boolean; onQueued: () => void }) {
  const { t, notify } = useApp();
  const [paths, setPaths] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const [apiErr, setApiErr] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setErr(null);
    setApiErr(null);
    const list = pathLines(paths);
    const bad = badPath(list);
    if (bad !== null) return setErr(t('agent.set.badPath', { path: bad }));
    setBusy(true);
    try {
      await agentsApi.scan(a.id, list);
      notify(t('agent.scanQueued'));
      setPaths('');
      onQueued();
    } catch (x) {
      if (x instanceof ApiError && settingsField(x.field) && /paths/.test(x.field ?? '')) setErr(x.message);
      else setApiErr(x);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="agent-scan-h">
      <h2 id="agent-scan-h">{t('agent.scanNow')}</h2>
      <p class="hint">{t('agent.scanHint', { paths: (a.settings?.scan_paths ?? []).join(', ') || '—' })}</p>
      {writable ? (
        <form class="form-grid" onSubmit={submit} noValidate>
          <ErrorBanner error={apiErr} />
          <Field id="agent-scan-paths" label={t('agent.scanPaths')} wide error={err} hint={t('agent.scanPathsHint')}>
            <textarea id="agent-scan-paths" class="mono" rows={3} placeholder="/var/www" value={paths} onInput={(e) => setPaths((e.target as HTMLTextAreaElement).value)} />
          </Field>
          <div class="field field-wide intel-submit">
            <button type="submit" class="btn btn-primary" data-testid="scan-button" disabled={busy}>
              {busy ? t('form.saving') : t('agent.scanNow')}
            </button>
          </div>
        </form>
      ) : (
        <p class="muted small">{t('agent.scanReadonly')}</p>
      )}
    </section>
  );
}

const TASK_FILTERS = { offset: 0, limit: 25 };

export function TaskStatusBadge({ status }: { status: string }) {
  const { t } = useApp();
  const cls = status === 'done' ? 'badge-ok' : status === 'failed' ? 'badge-danger' : status === 'sent' ? 'badge-warn' : 'badge-muted';
  return <span class={`badge ${cls}`}>{enumLabel(t, 'taskStatus', status)}</span>;
}

function resultText(r: unknown): string {
  if (r === null || r === undefined || r === '') return '';
  if (typeof r === 'string') return r;
  // A task's answer ({ok, message}); a scan's is its stats.
  if (typeof r === 'object' && typeof (r as { message?: unknown }).message === 'string' && (r as { message: string }).message) return (r as { message: string }).message;
  return JSON.stringify(r);
}

function TasksSection({ agentId, version }: { agentId: number; version: number }) {
  const { t } = useApp();
  const list = useResourceList<AgentTask, typeof TASK_FILTERS>('/agent-tasks', `agent.${agentId}.tasks`, TASK_FILTERS, () => ({ agent_id: agentId }), []);
  useEffect(() => {
    if (version) list.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);
  const columns: Column<AgentTask>[] = [
    { label: t('agent.task.created'), class: 'nowrap', cell: (x) => <VnTime value={x.created_at} /> },
    { label: t('agent.task.kind'), cell: (x) => enumLabel(t, 'taskKind', x.kind) },
    { label: t('agent.task.args'), class: 'mono', cell: (x) => (x.args?.paths ? x.args.paths.join(', ') : typeof x.args?.path === 'string' ? x.args.path : '—') },
    { label: t('agent.task.status'), class: 'nowrap', cell: (x) => <TaskStatusBadge status={x.status} /> },
    { label: t('agent.task.result'), class: 'mono small', cell: (x) => resultText(x.result) || <span class="muted">—</span> },
    { label: t('agent.task.by'), cell: (x) => x.created_by_name || '—' },
  ];
  return (
    <section class="intel-section" aria-labelledby="agent-tasks-h">
      <div class="section-head">
        <h2 id="agent-tasks-h">{t('agent.tasks')}</h2>
        <button type="button" class="btn btn-small btn-ghost" onClick={list.reload}>
          ↻ {t('quarantine.refresh')}
        </button>
      </div>
      <p class="hint">{t('agent.tasksHint', { statuses: TASK_STATUSES.map((s) => enumLabel(t, 'taskStatus', s)).join(' → ') })}</p>
      <ResourceTable list={list} class="table-compact tasks-table" empty={t('agent.tasksEmpty')} columns={columns} />
    </section>
  );
}

// ---------- inventory ----------

const TABS = ['system', 'packages', 'network', 'processes', 'accounts', 'security'] as const;
type Tab = (typeof TABS)[number];
/** Rows rendered at most in a long inventory table (the filter narrows the rest). */
const MAX_ROWS = 300;

function InventorySection({ agentId }: { agentId: number }) {
  const { t } = useApp();
  const res = useResource<AgentInventory>(`/agents/${agentId}/inventory`);
  const [tab, setTab] = useState<Tab>('system');
  const inv = res.data?.inventory ?? null;
  const notYet = !inv && (!res.error || (res.error instanceof ApiError && res.error.status === 404));
  const weak = inv ? passwordPolicyIssues(inv.password_policy).length + riskyBrowserStores(inv.browser_stores).length : 0;
  const count = (k: Tab): number | null => {
    if (!inv) return null;
    if (k === 'packages') return inv.packages?.length ?? 0;
    if (k === 'network') return (inv.listening?.length ?? 0) + (inv.connections?.length ?? 0);
    if (k === 'processes') return inv.processes?.length ?? 0;
    if (k === 'accounts') return inv.accounts?.length ?? 0;
    return null;
  };

  return (
    <section class="intel-section" aria-labelledby="agent-inv-h">
      <div class="section-head">
        <h2 id="agent-inv-h">{t('inv.title')}</h2>
        {res.data?.collected_at && (
          <span class="small muted">
            {t('inv.collected')} <VnTime value={res.data.collected_at} />
          </span>
        )}
      </div>
      {res.loading ? (
        <Loading />
      ) : notYet ? (
        <p class="muted">{t('inv.none')}</p>
      ) : !inv ? (
        <ErrorBanner error={res.error} />
      ) : (
        <>
          <div class="tabs" role="tablist" aria-label={t('inv.title')}>
            {TABS.map((k) => (
              <button type="button" role="tab" id={`inv-tab-${k}`} aria-controls="inv-panel" aria-selected={tab === k} class={`tab${tab === k ? ' active' : ''}`} onClick={() => setTab(k)}>
                {t(`inv.tab.${k}`)}
                {count(k) !== null && <span class="tab-count">{count(k)}</span>}
                {k === 'security' && weak > 0 && <span class="badge badge-danger">{weak}</span>}
              </button>
            ))}
          </div>
          <div class="tab-panel" id="inv-panel" role="tabpanel" aria-labelledby={`inv-tab-${tab}`}>
            {tab === 'system' && <SystemTab inv={inv} />}
            {tab === 'packages' && <PackagesTab inv={inv} />}
            {tab === 'network' && <NetworkTab inv={inv} />}
            {tab === 'processes' && <ProcessesTab inv={inv} />}
            {tab === 'accounts' && <AccountsTab inv={inv} />}
            {tab === 'security' && <SecurityTab inv={inv} />}
          </div>
        </>
      )}
    </section>
  );
}

function Table(props: { headers: string[]; rows: ComponentChildren[][]; class?: string }) {
  const { t } = useApp();
  if (!props.rows.length) return <p class="muted">{t('common.empty')}</p>;
  return (
    <div class="table-wrap">
      <table class={`table table-compact table-cards${props.class ? ` ${props.class}` : ''}`}>
        <thead>
          <tr>
            {props.headers.map((h) => (
              <th>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              {r.map((c, i) => (
                <td data-label={props.headers[i]}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Showing({ shown, matched, total }: { shown: number; matched: number; total: number }) {
  const { t } = useApp();
  if (shown === total) return null;
  return <p class="small muted">{matched === total ? t('inv.showing', { n: shown, m: total }) : t('inv.showingMatched', { n: shown, m: matched, total })}</p>;
}

function SystemTab({ inv }: { inv: Inventory }) {
  const { t } = useApp();
  const s = inv.system ?? {};
  return (
    <>
      <dl class="kv">
        <dt>{t('inv.hostname')}</dt>
        <dd class="mono">{s.hostname || '—'}</dd>
        <dt>{t('agent.os')}</dt>
        <dd>{[s.os_name, s.os_version].filter(Boolean).join(' ') || '—'}{s.os_id ? <span class="muted"> ({s.os_id})</span> : null}</dd>
        <dt>{t('agent.kernel')}</dt>
        <dd class="mono">{s.kernel || '—'}</dd>
        <dt>{t('inv.arch')}</dt>
        <dd class="mono">{s.arch || '—'}</dd>
      </dl>
      <h3>{t('agents.col.addresses')}</h3>
      <Table headers={[t('inv.interface'), t('inv.ip')]} rows={(inv.addresses ?? []).map((x) => [<span class="mono">{x.interface}</span>, <span class={`mono${x.loopback ? ' muted' : ''}`}>{x.ip}</span>])} />
      {inv.warnings && inv.warnings.length > 0 && (
        <>
          <h3>{t('inv.warnings')}</h3>
          <div class="alert alert-warn">
            <ul class="inv-warnings">
              {inv.warnings.map((w) => (
                <li>{w}</li>
              ))}
            </ul>
          </div>
        </>
      )}
    </>
  );
}

function PackagesTab({ inv }: { inv: Inventory }) {
  const { t } = useApp();
  const [q, setQ] = useState('');
  const r = filterPackages(inv.packages, q, MAX_ROWS);
  return (
    <>
      <SearchBox class="inv-filter" label={t('inv.packagesFilter')} value={q} onChange={setQ} />
      <Showing shown={r.shown.length} matched={r.matched} total={r.total} />
      <Table
        class="packages-table"
        headers={[t('common.name'), t('inv.version'), t('inv.arch'), t('inv.manager'), t('inv.pkgStatus')]}
        rows={r.shown.map((p) => [<span class="mono">{p.name}</span>, <span class="mono">{p.version}</span>, p.arch, p.manager, p.status])}
      />
    </>
  );
}

function NetworkTab({ inv }: { inv: Inventory }) {
  const { t } = useApp();
  const listening = inv.listening ?? [];
  const conns = inv.connections ?? [];
  const proc = (pid: number | null, name: string) => (name || pid ? `${name || '?'}${pid ? ` (${pid})` : ''}` : '—');
  return (
    <>
      <h3>{t('inv.listening')}</h3>
      <Table
        headers={[t('inv.proto'), t('inv.address'), t('inv.port'), t('inv.process')]}
        rows={listening.slice(0, MAX_ROWS).map((x) => [x.proto, <span class="mono">{x.ip}</span>, x.port, proc(x.pid, x.process)])}
      />
      <Showing shown={Math.min(listening.length, MAX_ROWS)} matched={listening.length} total={listening.length} />
      <h3>{t('inv.connections')}</h3>
      <Table
        headers={[t('inv.proto'), t('inv.local'), t('inv.remote'), t('inv.process')]}
        rows={conns.slice(0, MAX_ROWS).map((x) => [x.proto, <span class="mono">{`${x.local_ip}:${x.local_port}`}</span>, <span class="mono">{`${x.remote_ip}:${x.remote_port}`}</span>, proc(x.pid, x.process)])}
      />
      <Showing shown={Math.min(conns.length, MAX_ROWS)} matched={conns.length} total={conns.length} />
    </>
  );
}

function ProcessesTab({ inv }: { inv: Inventory }) {
  const { t } = useApp();
  const [q, setQ] = useState('');
  const all = inv.processes ?? [];
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const matched = words.length ? all.filter((p) => words.every((w) => `${p.pid} ${p.name} ${p.user} ${p.path} ${p.cmdline}`.toLowerCase().includes(w))) : all;
  const shown = matched.slice(0, MAX_ROWS);
  return (
    <>
      <SearchBox class="inv-filter" label={t('inv.processesFilter')} value={q} onChange={setQ} />
      <Showing shown={shown.length} matched={matched.length} total={all.length} />
      <Table
        class="processes-table"
        headers={[t('inv.pid'), t('common.name'), t('inv.user'), t('inv.cmdline'), 'SHA-256']}
        rows={shown.map((p) => [
          <span class="mono">{p.pid}</span>,
          <span class="mono" title={p.path}>{p.name}</span>,
          p.user,
          <span class="mono small inv-cmd">{p.cmdline || p.path}</span>,
          p.sha256 ? <span class="mono small" title={p.sha256}>{p.sha256.slice(0, 12)}…</span> : <span class="muted">—</span>,
        ])}
      />
    </>
  );
}

function AccountsTab({ inv }: { inv: Inventory }) {
  const { t } = useApp();
  const accounts = [...(inv.accounts ?? [])].sort((a, b) => Number(b.login) - Number(a.login) || a.uid - b.uid);
  return (
    <Table
      headers={[t('common.name'), 'UID', 'GID', t('inv.home'), t('inv.shell'), t('inv.login')]}
      rows={accounts.map((x) => [<span class="mono">{x.name}</span>, x.uid, x.gid, <span class="mono">{x.home}</span>, <span class="mono">{x.shell}</span>, x.login ? <span class="badge badge-warn">{t('common.yes')}</span> : <span class="muted">{t('common.no')}</span>])}
    />
  );
}

/** Password policy (weaknesses highlighted) and browsers keeping saved passwords. */
function SecurityTab({ inv }: { inv: Inventory }) {
  const { t } = useApp();
  const p = inv.password_policy ?? null;
  const issues = passwordPolicyIssues(p);
  const risky = riskyBrowserStores(inv.browser_stores);
  const v = (x: number | null | undefined) => (typeof x === 'number' ? String(x) : '—');
  const weakMin = issues.includes('minLengthUnset') || issues.includes('minLengthShort');
  const weakMax = issues.includes('maxDaysUnset') || issues.includes('maxDaysLong');
  return (
    <>
      <h3>{t('inv.policy')}</h3>
      {issues.length > 0 ? (
        <div class="alert alert-error" data-testid="policy-issues">
          <ul class="inv-warnings">
            {issues.map((i) => (
              <li>{t(`inv.issue.${i}`)}</li>
            ))}
          </ul>
        </div>
      ) : (
        <div class="alert alert-ok">{t('inv.policyOk')}</div>
      )}
      <dl class="kv">
        <dt>{t('inv.minLength')}</dt>
        <dd class={weakMin ? 'warn-text' : undefined}>{v(p?.min_length)}</dd>
        <dt>{t('inv.maxDays')}</dt>
        <dd class={weakMax ? 'warn-text' : undefined}>{v(p?.max_days)}</dd>
        <dt>{t('inv.minDays')}</dt>
        <dd>{v(p?.min_days)}</dd>
        <dt>{t('inv.warnDays')}</dt>
        <dd>{v(p?.warn_days)}</dd>
        <dt>{t('inv.minClasses')}</dt>
        <dd>{v(p?.min_classes)}</dd>
        <dt>{t('inv.credits')}</dt>
        <dd class="mono">
          d={v(p?.dcredit)} u={v(p?.ucredit)} l={v(p?.lcredit)} o={v(p?.ocredit)}
        </dd>
        <dt>{t('inv.sources')}</dt>
        <dd class="mono">{p?.sources?.length ? p.sources.join(', ') : '—'}</dd>
      </dl>
      <h3>{t('inv.browsers')}</h3>
      <p class="hint">{t('inv.browsersHint')}</p>
      {risky.length > 0 && <div class="alert alert-error">{t('inv.browsersRisky', { n: risky.length })}</div>}
      <Table
        headers={[t('inv.user'), t('inv.browser'), t('inv.profile'), t('inv.savedLogins'), t('inv.path')]}
        rows={(inv.browser_stores ?? []).map((s) => [
          s.user,
          s.browser,
          s.profile,
          (s.saved_logins ?? 0) > 0 ? <span class="badge badge-danger">{s.saved_logins}</span> : <span class="muted">{v(s.saved_logins)}</span>,
          <span class="mono small">{s.path}</span>,
        ])}
      />
    </>
  );
}
