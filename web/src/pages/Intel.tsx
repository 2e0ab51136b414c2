import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  apiUrl,
  ApiError,
  fetchAll,
  intelApi,
  type Attribution,
  type AttributionResult,
  type AttributionSource,
  type Finding,
  type FindingStatus,
  type IntelConnection,
  type IntelConnections,
  type IntelImportResult,
  type IntelIssue,
  type IntelList,
  type IntelListFormat,
} from '../api';
import { canWrite, isAdmin, useApp } from '../context';
import { useResourceList } from '../hooks';
import { href } from '../router';
import { eventPath, eventSearchPath, parseEvidence, RECENT_WINDOWS, type RecentWindow } from '../intel';
import type { TFunc } from '../i18n';
import { Filters, OrgFilter, SelectFilter, TextFilter } from '../components/Filters';
import { ResourceTable, type Column } from '../components/ResourceTable';
import { EnumSelect, ErrorBanner, Field, LevelBadge, Loading, OrgName, OrgSelect, PageHeader, enumLabel, errorText } from '../components/ui';

// Botnet IP lists from the national authority (and other feeds): import, which of the units'
// addresses are on them (findings, worked from open to cleaned / false positive), the imported
// lists, and NAT attribution (which internal host was behind a listed public address).

const LIST_FORMATS: IntelListFormat[] = ['auto', 'botnet-csv', 'xlsx', 'plain', 'drop', 'drop-json', 'feodo', 'stix', 'misp-csv', 'misp-json'];
const LOG_FORMATS = ['auto', 'fortigate', 'asa', 'paloalto'];
const STATUSES: FindingStatus[] = ['open', 'cleaned', 'false_positive'];
const ATTR_SOURCES: AttributionSource[] = ['upload', 'events'];
/** The later check of a stored list needs a duration ("0" is the import's "do not check"). */
const CHECK_WINDOWS = RECENT_WINDOWS.filter((w) => w !== '0');
/** Rows shown at most from one import or attribution answer (a national list may have 470,000 entries). */
const MAX_ROWS = 200;

export function IntelPage() {
  const { t, user } = useApp();
  // Bumped after an import or a delete: every section reloads.
  const [version, setVersion] = useState(0);
  const [lists, setLists] = useState<IntelList[] | null>(null);
  const bump = () => setVersion((v) => v + 1);

  useEffect(() => {
    let live = true;
    fetchAll<IntelList>('/intel/lists').then(
      (l) => live && setLists(l),
      () => live && setLists([]),
    );
    return () => {
      live = false;
    };
  }, [version]);

  return (
    <>
      <PageHeader title={t('intel.title')} sub={t('intel.sub')} />
      {canWrite(user) && <ImportCard onImported={bump} />}
      <FindingsSection version={version} lists={lists ?? []} />
      <ListsSection version={version} onChanged={bump} />
      {canWrite(user) && <AttributionCard lists={lists} />}
    </>
  );
}

// ---------- helpers ----------

/** A static table (cards at phone width) with the same columns as <ResourceTable>. */
function SimpleTable<T>(props: { items: T[]; columns: Column<T>[]; class?: string }) {
  return (
    <div class="table-wrap">
      <table class={`table table-compact table-cards${props.class ? ` ${props.class}` : ''}`}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th>{c.srOnly ? <span class="sr-only">{c.label}</span> : c.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.items.map((item) => (
            <tr>
              {props.columns.map((c) => (
                <td data-label={c.srOnly ? undefined : c.label} class={c.class}>
                  {c.cell(item)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MoreRows({ total }: { total: number }) {
  const { t } = useApp();
  if (total <= MAX_ROWS) return null;
  return <p class="hint">{t('intel.moreRows', { shown: MAX_ROWS, total })}</p>;
}

/** 'list.xlsx:12:Địa chỉ IP' → its parts (the file name may itself hold colons). */
export function parseWhere(where: string): { file: string; line: number | null; field: string } | null {
  let m = /^(.*):(\d+):(.*)$/.exec(where);
  if (m) return { file: m[1], line: Number(m[2]), field: m[3].trim() };
  m = /^(.*):(\d+)$/.exec(where);
  if (m) return { file: m[1], line: Number(m[2]), field: '' };
  return null;
}

/** "Dòng 12, cột Địa chỉ IP" (or the parts there are). */
function placeText(t: TFunc, line: number | null, field: string): string {
  if (line && field) return t('intel.whereLineField', { line, field });
  if (line) return t('intel.whereLine', { line });
  if (field) return t('intel.whereField', { field });
  return '';
}

/** The `where` of a 400 answer: `error.where`, else the `field` when it has that shape. */
function errorWhere(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  const body = err.body as { error?: { where?: unknown } } | null;
  const w = body?.error?.where;
  if (typeof w === 'string' && w) return w;
  if (err.field && /:\d+(:|$)/.test(err.field)) return err.field;
  return null;
}

function fileStem(name: string): string {
  return name.replace(/\.[A-Za-z0-9]+$/, '');
}

/** File chooser with a translated button (the native one follows the browser's language). */
function FilePick(props: { id: string; label: string; accept: string; file: File | null; onChange: (f: File | null) => void }) {
  const { t } = useApp();
  return (
    <div class="file-pick">
      <span class="file-pick-label" id={`${props.id}-label`}>
        {props.label}
      </span>
      <label class="file-pick-row">
        <input
          id={props.id}
          type="file"
          class="sr-only"
          accept={props.accept}
          aria-labelledby={`${props.id}-label`}
          onChange={(e) => props.onChange((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
        <span class="btn" aria-hidden="true">
          {t('import.choose')}
        </span>
        <span class={props.file ? 'file-name' : 'file-name muted'}>{props.file ? props.file.name : t('import.noFile')}</span>
      </label>
    </div>
  );
}

function StatusBadge({ status }: { status: FindingStatus }) {
  const { t } = useApp();
  const cls = status === 'open' ? 'badge-danger' : status === 'cleaned' ? 'badge-ok' : 'badge-muted';
  return <span class={`badge ${cls}`}>{enumLabel(t, 'findingStatus', status)}</span>;
}

export function AssetLink({ id, name }: { id: number | null | undefined; name?: string }) {
  const { t } = useApp();
  if (id === null || id === undefined) return <span class="muted">{t('intel.noAsset')}</span>;
  return (
    <a class="row-link" href={href(`/assets/${id}`)}>
      {name || t('intel.assetN', { id })}
    </a>
  );
}

/** Columns a finding shows wherever it appears (import answer and findings list). */
function findingColumns(t: TFunc, fmtDateTime: (v: string | null | undefined) => string, rank?: (f: Finding) => number): Column<Finding>[] {
  return [
    {
      label: t('intel.f.priority'),
      class: 'nowrap',
      cell: (f) => (
        <span class="prio">
          {rank && <span class="prio-rank">{rank(f)}</span>}
          {f.system_security_level ? (
            <LevelBadge level={f.system_security_level} />
          ) : (
            <span class="muted" title={t('intel.noLevelHint')}>
              {t('intel.noLevel')}
            </span>
          )}
        </span>
      ),
    },
    { label: t('common.org'), cell: (f) => <OrgName id={f.org_id} /> },
    { label: t('intel.f.asset'), class: 'nowrap', cell: (f) => <AssetLink id={f.asset_id} /> },
    {
      label: t('intel.f.ip'),
      class: 'mono nowrap',
      cell: (f) => (
        <div>
          {f.ip}
          {f.listed_port !== null && f.listed_port !== undefined && <span class="muted small"> :{f.listed_port}</span>}
        </div>
      ),
    },
    {
      label: t('intel.f.indicator'),
      class: 'mono',
      cell: (f) => (
        <div>
          {f.indicator}
          {f.dest_ip && <div class="muted small">{t('intel.destIp', { ip: f.dest_ip })}</div>}
        </div>
      ),
    },
    { label: t('intel.f.family'), cell: (f) => f.family || <span class="muted">—</span> },
    { label: t('intel.f.listedTime'), cell: (f) => (f.listed_time ? fmtDateTime(f.listed_time) : <span class="muted">—</span>) },
  ];
}

// ---------- (1) import ----------

interface Refusal {
  message: string;
  where: { file: string; line: number | null; field: string } | null;
  issues: IntelIssue[];
}

export function ImportCard({ onImported }: { onImported: () => void }) {
  const { t, orgs, user, fmtDateTime } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [format, setFormat] = useState<IntelListFormat>('auto');
  const [strict, setStrict] = useState(true);
  const [org, setOrg] = useState<number | null>(null);
  const [recent, setRecent] = useState<RecentWindow>('7d');
  // The window the shown answer was checked over.
  const [checked, setChecked] = useState<RecentWindow>('7d');
  const [busy, setBusy] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [result, setResult] = useState<IntelImportResult | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [error, setError] = useState<unknown>(null);

  const pick = (f: File | null) => {
    // The name follows the file until the user types one.
    if (f && (!name.trim() || (file && name === fileStem(file.name)))) setName(fileStem(f.name));
    setFile(f);
    setResult(null);
    setRefusal(null);
    setError(null);
    setLocal({});
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const bad: Record<string, string> = {};
    if (!file) bad.file = t('intel.pickList');
    if (!name.trim()) bad.name = t('form.required');
    setLocal(bad);
    if (Object.keys(bad).length) return;
    setBusy(true);
    setResult(null);
    setRefusal(null);
    setError(null);
    try {
      const r = await api.postFile<IntelImportResult>('/intel/lists', file!, {
        name: name.trim(),
        format,
        strict: strict ? 'true' : 'false',
        org_id: org,
        recent,
      });
      setChecked(recent);
      setResult({ list: r.list, issues: r.issues ?? [], findings: r.findings ?? [], connections: r.connections });
      onImported();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        const w = errorWhere(err);
        const body = err.body as { issues?: IntelIssue[] } | null;
        setRefusal({ message: err.message, where: w ? parseWhere(w) : null, issues: Array.isArray(body?.issues) ? body!.issues : [] });
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card intel-card" aria-labelledby="intel-import-h">
      <div class="form-head">
        <h2 id="intel-import-h">{t('intel.import.title')}</h2>
      </div>
      <p class="hint">{t('intel.import.hint')}</p>
      <form class="form-grid intel-import-form" onSubmit={submit} noValidate>
        <div class={`field${local.file ? ' has-error' : ''}`}>
          <FilePick id="intel-file" label={t('intel.import.file')} accept=".csv,.xlsx,.txt,.json,.netset,.ipset" file={file} onChange={pick} />
          <div class="hint">{t('intel.import.fileHint')}</div>
          {local.file && (
            <div class="field-error" role="alert">
              {local.file}
            </div>
          )}
        </div>
        <Field id="intel-name" label={t('intel.import.name')} required error={local.name}>
          <input id="intel-name" value={name} autoComplete="off" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="intel-format" label={t('intel.import.format')} hint={t('intel.import.formatHint')}>
          <EnumSelect id="intel-format" value={format} values={LIST_FORMATS} labels="intelFormat" onChange={setFormat} />
        </Field>
        {/* Unscoped users (no organisation of their own) and users over several units choose. */}
        {(orgs.ordered.length > 1 || (user.org_id === null && orgs.ordered.length > 0)) && (
          <Field id="intel-org" label={t('common.org')} hint={t('intel.import.orgHint')}>
            <OrgSelect id="intel-org" value={org} onChange={setOrg} allowEmpty={user.org_id === null ? t('intel.import.orgDefault') : t('intel.import.orgMine')} />
          </Field>
        )}
        <Field id="intel-recent" label={t('intel.recent.label')} hint={t('intel.recent.hint')}>
          <EnumSelect id="intel-recent" value={recent} values={[...RECENT_WINDOWS]} labels="intel.recent" onChange={setRecent} />
        </Field>
        <div class="field field-wide">
          <label class="check">
            <input type="checkbox" checked={strict} onChange={(e) => setStrict((e.target as HTMLInputElement).checked)} aria-describedby="intel-strict-hint" />
            {t('intel.import.strict')}
          </label>
          <div class="hint" id="intel-strict-hint">
            {strict ? t('intel.import.strictHint') : t('intel.import.lenientHint')}
          </div>
        </div>
        <div class="field field-wide intel-submit">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('intel.import.running') : t('intel.import.submit')}
          </button>
        </div>
      </form>

      {busy && <Loading label={t('intel.import.running')} />}
      <ErrorBanner error={error} />
      {refusal && <RefusalView refusal={refusal} />}
      {result && (
        <div class="intel-result" role="region" aria-label={t('intel.import.resultLabel')}>
          <div class={`alert ${result.issues.length ? 'alert-warn' : 'alert-ok'} intel-summary`} role="status">
            <span>
              {t('intel.import.done', { name: result.list.name, entries: result.list.entries, rejected: result.list.rejected, expired: result.list.expired })}
            </span>
          </div>
          {result.issues.length > 0 && <IssuesTable issues={result.issues} title={t('intel.issues.skipped', { n: result.issues.length })} />}
          {result.findings.length > 0 ? (
            <>
              <div class="alert alert-error intel-answer" role="status">
                <strong>{t('intel.answer.found', { n: result.findings.length })}</strong>
              </div>
              <SimpleTable items={result.findings.slice(0, MAX_ROWS)} columns={findingColumns(t, fmtDateTime)} />
              <MoreRows total={result.findings.length} />
            </>
          ) : (
            <div class="alert alert-ok intel-answer" role="status">
              {t('intel.answer.none')}
            </div>
          )}
          {result.connections !== undefined && (
            <div class="intel-connections" role="region" aria-labelledby="intel-conn-h">
              <h3 id="intel-conn-h">{t('intel.conn.title')}</h3>
              <ConnectionsView connections={result.connections} recent={checked} />
            </div>
          )}
        </div>
      )}
    </section>
  );
}

// ---------- recent connections (import answer, and the check of a stored list) ----------

/** "7 ngày qua" for the known windows, else "the time since <since>". */
function windowText(t: TFunc, fmtDateTime: (v: string) => string, recent: string, since: string): string {
  const key = `intel.conn.period.${recent}`;
  const s = t(key);
  return s === key ? t('intel.conn.since', { since: fmtDateTime(since) }) : s;
}

/**
 * The recent-connections answer: which listed addresses appear in the stored events, on which
 * reporting host, with links to those events. `null`: not checked (`recent` "0") or no monitoring.
 */
export function ConnectionsView({ connections, recent }: { connections: IntelConnections | null; recent: string }) {
  const { t, fmtDateTime } = useApp();
  if (!connections) {
    return <p class="hint intel-conn-none">{recent === '0' ? t('intel.conn.skipped') : t('intel.conn.noMonitoring')}</p>;
  }
  const items = connections.items ?? [];
  const win = windowText(t, fmtDateTime, recent, connections.since);
  const examined = connections.events_examined;
  const total = Math.max(connections.groups ?? 0, items.length);
  const events = items.reduce((n, c) => n + (c.events || 0), 0);
  return (
    <div class="intel-conn">
      {items.length === 0 ? (
        <div class="alert alert-ok intel-conn-answer" role="status">
          {t('intel.conn.none', { window: win, examined })}
        </div>
      ) : (
        <div class="alert alert-error intel-conn-answer" role="status">
          <strong>{t('intel.conn.found', { n: total, window: win, events, examined })}</strong>
        </div>
      )}
      {connections.truncated && (
        <div class="alert alert-warn intel-conn-truncated" role="status">
          {t('intel.conn.truncated', { examined })}
        </div>
      )}
      {items.length > 0 && (
        <>
          <p class="hint">{t('intel.conn.hint')}</p>
          <SimpleTable items={items.slice(0, MAX_ROWS)} columns={connectionColumns(t, fmtDateTime)} class="conn-table" />
          <MoreRows total={total} />
        </>
      )}
    </div>
  );
}

function connectionColumns(t: TFunc, fmtDateTime: (v: string | null | undefined) => string): Column<IntelConnection>[] {
  return [
    {
      label: t('intel.conn.ip'),
      class: 'mono',
      cell: (c) => (
        <div>
          {c.ip}
          {c.indicator && c.indicator !== c.ip && <div class="muted small">{t('intel.conn.matched', { indicator: c.indicator })}</div>}
        </div>
      ),
    },
    { label: t('intel.f.family'), cell: (c) => c.family || <span class="muted">—</span> },
    {
      label: t('intel.conn.host'),
      cell: (c) => (
        <div>
          {c.asset_id !== null && c.asset_id !== undefined ? <AssetLink id={c.asset_id} name={c.host} /> : <span class="mono">{c.host || '—'}</span>}
          {c.org_id !== null && c.org_id !== undefined && (
            <div class="small muted">
              <OrgName id={c.org_id} />
            </div>
          )}
        </div>
      ),
    },
    { label: t('intel.conn.events'), class: 'num', cell: (c) => c.events },
    { label: t('intel.conn.first'), class: 'nowrap', cell: (c) => fmtDateTime(c.first_time) },
    { label: t('intel.conn.last'), class: 'nowrap', cell: (c) => fmtDateTime(c.last_time) },
    {
      label: t('intel.conn.links'),
      class: 'conn-links',
      cell: (c) => (
        <span class="ip-list">
          {(c.event_ids ?? []).map((id) => (
            <a class="mono" href={href(eventPath(id))} title={t('intel.eventN', { id })} aria-label={t('intel.eventN', { id })}>
              #{id}
            </a>
          ))}
          {c.host && (
            <a href={href(eventSearchPath(c.host, c.first_time, c.last_time))}>{t('intel.conn.search')}</a>
          )}
        </span>
      ),
    },
  ];
}

/** The check of a stored list (`GET /intel/lists/{id}/connections`), with its window. */
export function ListConnections({ list }: { list: IntelList }) {
  const { t } = useApp();
  const [recent, setRecent] = useState<RecentWindow>('7d');
  const [data, setData] = useState<{ recent: string; connections: IntelConnections | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);

  useEffect(() => {
    const my = ++seq.current;
    setBusy(true);
    setError(null);
    intelApi.connections(list.id, recent).then(
      (c) => {
        if (my !== seq.current) return;
        setData({ recent, connections: c ?? null });
        setBusy(false);
      },
      (err) => {
        if (my !== seq.current) return;
        setError(err);
        setBusy(false);
      },
    );
  }, [list.id, recent]);

  const id = `intel-conn-window-${list.id}`;
  return (
    <div class="list-connections" role="region" aria-label={t('intel.conn.panel', { name: list.name })}>
      <div class="form-grid">
        <Field id={id} label={t('intel.conn.window')}>
          <EnumSelect id={id} value={recent} values={CHECK_WINDOWS} labels="intel.recent" onChange={setRecent} />
        </Field>
      </div>
      {busy && <Loading label={t('intel.conn.checking')} />}
      <ErrorBanner error={error} />
      {data && !busy && !error && <ConnectionsView connections={data.connections} recent={data.recent} />}
    </div>
  );
}

function RefusalView({ refusal }: { refusal: Refusal }) {
  const { t } = useApp();
  const w = refusal.where;
  const place = w ? placeText(t, w.line, w.field) : '';
  return (
    <div class="alert alert-error intel-refused" role="alert">
      <div>
        <strong>{t('intel.refused')}</strong>
        <div class="intel-where">
          {place ? `${place}: ${refusal.message}` : refusal.message}
          {w && w.file && <span class="muted small"> ({t('intel.inFile', { file: w.file })})</span>}
        </div>
        {refusal.issues.length > 1 && <IssuesTable issues={refusal.issues} title={t('intel.issues.all', { n: refusal.issues.length })} />}
      </div>
    </div>
  );
}

function IssuesTable({ issues, title }: { issues: IntelIssue[]; title: string }) {
  const { t } = useApp();
  const files = new Set(issues.map((i) => i.file));
  const cols: Column<IntelIssue>[] = [
    { label: t('import.line'), class: 'nowrap', cell: (i) => (i.line ? i.line : '—') },
    { label: t('intel.issues.field'), cell: (i) => i.field || <span class="muted">—</span> },
    { label: t('intel.issues.reason'), cell: (i) => i.reason },
  ];
  if (files.size > 1) cols.unshift({ label: t('intel.issues.file'), class: 'mono', cell: (i) => i.file });
  return (
    <div class="intel-issues">
      <h3>{title}</h3>
      <SimpleTable items={issues.slice(0, MAX_ROWS)} columns={cols} />
      <MoreRows total={issues.length} />
    </div>
  );
}

// ---------- (2) findings ----------

const FINDING_FILTERS = { status: 'open', org: null as number | null, list: '', q: '', offset: 0, limit: 25 };

function FindingsSection({ version, lists }: { version: number; lists: IntelList[] }) {
  const { t, user, fmtDateTime } = useApp();
  const list = useResourceList<Finding, typeof FINDING_FILTERS>('/findings', 'intel.findings', FINDING_FILTERS, (f) => ({
    status: f.status,
    org_id: f.org,
    list_id: f.list,
    q: f.q,
  }));
  const { f, set } = list;
  const [acting, setActing] = useState<{ id: number; status: FindingStatus } | null>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    list.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);

  const writer = canWrite(user);
  const rank = (x: Finding) => list.offset + (list.data?.items.indexOf(x) ?? 0) + 1;
  const columns: Column<Finding>[] = [
    ...findingColumns(t, fmtDateTime, rank),
    {
      label: t('intel.f.status'),
      cell: (x) => (
        <div>
          <StatusBadge status={x.status} />
          {x.note && <div class="small muted intel-note">{x.note}</div>}
          {x.status !== 'open' && x.resolved_at && (
            <div class="small muted">{t('intel.resolved', { at: fmtDateTime(x.resolved_at), by: x.resolved_by ?? '—' })}</div>
          )}
        </div>
      ),
    },
  ];
  if (writer) {
    columns.push({
      label: t('intel.f.actions'),
      srOnly: true,
      class: 'row-actions',
      cell: (x) => (
        <div class="btn-row">
          {x.status === 'open' ? (
            <>
              <button type="button" class="btn btn-small" aria-expanded={acting?.id === x.id && acting.status === 'cleaned'} onClick={() => setActing({ id: x.id, status: 'cleaned' })}>
                {t('intel.act.cleaned')}
              </button>
              <button
                type="button"
                class="btn btn-small btn-ghost"
                aria-expanded={acting?.id === x.id && acting.status === 'false_positive'}
                onClick={() => setActing({ id: x.id, status: 'false_positive' })}
              >
                {t('intel.act.falsePositive')}
              </button>
            </>
          ) : (
            <button type="button" class="btn btn-small btn-ghost" aria-expanded={acting?.id === x.id} onClick={() => setActing({ id: x.id, status: 'open' })}>
              {t('intel.act.reopen')}
            </button>
          )}
        </div>
      ),
    });
  }

  return (
    <section class="intel-section" aria-labelledby="intel-findings-h">
      <div class="section-head">
        <h2 id="intel-findings-h">{t('intel.findings.title')}</h2>
        <a class="btn" href={apiUrl('/findings/export.csv', list.query)} download="findings.csv">
          ⤓ {t('csv.export')}
        </a>
      </div>
      <p class="hint">{t('intel.findings.hint')}</p>
      <Filters>
        <SelectFilter label={t('intel.f.status')} value={f.status} onChange={(v) => set({ status: v })} options={STATUSES.map((s) => [s, enumLabel(t, 'findingStatus', s)])} />
        <OrgFilter id="intel-f-org" value={f.org} onChange={(v) => set({ org: v })} />
        {lists.length > 0 && (
          <SelectFilter label={t('intel.f.list')} value={f.list} onChange={(v) => set({ list: v })} options={lists.map((l) => [String(l.id), l.name])} />
        )}
        <TextFilter label={t('common.search')} grow value={f.q} placeholder={t('intel.findings.searchPh')} onChange={(v) => set({ q: v })} />
      </Filters>
      <ResourceTable
        list={list}
        class="table-compact findings-table"
        empty={f.q || f.org || f.list || f.status !== 'open' ? t('common.noMatch') : t('intel.findings.empty')}
        rowClass={(x) => (acting?.id === x.id ? 'expanded' : '')}
        detail={(x) =>
          acting?.id === x.id && (
            <StatusForm
              finding={x}
              status={acting.status}
              onCancel={() => setActing(null)}
              onDone={() => {
                setActing(null);
                list.reload();
              }}
            />
          )
        }
        columns={columns}
      />
    </section>
  );
}

/** Inline confirmation of a status change, with an optional note (no browser prompt). */
function StatusForm(props: { finding: Finding; status: FindingStatus; onCancel: () => void; onDone: () => void }) {
  const { t, notify } = useApp();
  const [note, setNote] = useState(props.finding.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = `finding-note-${props.finding.id}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.patch<Finding>(`/findings/${props.finding.id}`, { status: props.status, note: note.trim() });
      notify(t('intel.act.saved', { ip: props.finding.ip, status: enumLabel(t, 'findingStatus', props.status) }));
      props.onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const label = props.status === 'cleaned' ? t('intel.act.cleaned') : props.status === 'false_positive' ? t('intel.act.falsePositive') : t('intel.act.reopen');
  return (
    <form class="status-form" onSubmit={submit}>
      <ErrorBanner error={error} />
      <Field id={id} label={t('intel.act.note')} hint={t('intel.act.noteHint')}>
        <textarea id={id} rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      </Field>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary btn-small" disabled={busy}>
          {t('intel.act.confirm', { action: label })}
        </button>
        <button type="button" class="btn btn-ghost btn-small" onClick={props.onCancel}>
          {t('form.cancel')}
        </button>
      </div>
    </form>
  );
}

// ---------- (3) imported lists ----------

const LIST_FILTERS = { offset: 0, limit: 25 };

function ListsSection({ version, onChanged }: { version: number; onChanged: () => void }) {
  const { t, user, fmtDateTime, notify } = useApp();
  const list = useResourceList<IntelList, typeof LIST_FILTERS>('/intel/lists', 'intel.lists', LIST_FILTERS, () => ({}), []);
  // The list whose recent connections are shown below its row.
  const [checking, setChecking] = useState<number | null>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    list.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);

  const remove = async (l: IntelList) => {
    if (!window.confirm(t('intel.lists.confirmDelete', { name: l.name }))) return;
    try {
      await api.del(`/intel/lists/${l.id}`);
      notify(t('intel.lists.deleted', { name: l.name }));
      onChanged();
    } catch (err) {
      notify(errorText(t, err), 'error');
    }
  };

  const columns: Column<IntelList>[] = [
    { label: t('common.name'), cell: (l) => <strong>{l.name}</strong> },
    { label: t('intel.import.format'), class: 'nowrap', cell: (l) => enumLabel(t, 'intelFormat', l.format) },
    { label: t('common.org'), cell: (l) => <OrgName id={l.org_id} /> },
    { label: t('intel.lists.entries'), class: 'num', cell: (l) => l.entries },
    { label: t('intel.lists.rejected'), class: 'num', cell: (l) => l.rejected || <span class="muted">0</span> },
    { label: t('intel.lists.expired'), class: 'num', cell: (l) => l.expired || <span class="muted">0</span> },
    { label: t('intel.lists.importedBy'), cell: (l) => l.imported_by_name || <span class="muted">—</span> },
    { label: t('intel.lists.createdAt'), class: 'nowrap', cell: (l) => fmtDateTime(l.created_at) },
  ];
  columns.push({
    label: t('intel.f.actions'),
    srOnly: true,
    class: 'row-actions',
    cell: (l) => (
      <div class="btn-row">
        <button
          type="button"
          class="btn btn-small"
          aria-expanded={checking === l.id}
          aria-controls={`intel-list-conn-${l.id}`}
          onClick={() => setChecking(checking === l.id ? null : l.id)}
        >
          {checking === l.id ? t('intel.conn.hideCheck') : t('intel.conn.check')}
        </button>
        {isAdmin(user) && (
          <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(l)}>
            {t('form.delete')}
          </button>
        )}
      </div>
    ),
  });

  return (
    <section class="intel-section" aria-labelledby="intel-lists-h">
      <div class="section-head">
        <h2 id="intel-lists-h">{t('intel.lists.title')}</h2>
      </div>
      <ResourceTable
        list={list}
        class="lists-table"
        empty={t('intel.lists.empty')}
        rowClass={(l) => (checking === l.id ? 'expanded' : '')}
        detail={(l) =>
          checking === l.id && (
            <div id={`intel-list-conn-${l.id}`}>
              <ListConnections list={l} />
            </div>
          )
        }
        columns={columns}
      />
    </section>
  );
}

// ---------- (4) NAT attribution ----------

export function AttributionCard({ lists }: { lists: IntelList[] | null }) {
  const { t } = useApp();
  const [listId, setListId] = useState<string>('');
  const [source, setSource] = useState<AttributionSource>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [win, setWin] = useState('10m');
  const [format, setFormat] = useState('auto');
  const [busy, setBusy] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [result, setResult] = useState<AttributionResult | null>(null);
  const [error, setError] = useState<unknown>(null);

  // Default to the newest list; forget a deleted one.
  useEffect(() => {
    if (!lists) return;
    if (!lists.some((l) => String(l.id) === listId)) setListId(lists.length ? String(newest(lists).id) : '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lists]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const bad: Record<string, string> = {};
    if (!listId) bad.list = t('form.required');
    if (source === 'upload' && !file) bad.file = t('intel.attr.pickLog');
    if (!/^\d+[smh]?$/.test(win.trim())) bad.window = t('intel.attr.windowBad');
    setLocal(bad);
    if (Object.keys(bad).length) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r =
        source === 'events'
          ? await intelApi.attributeFromEvents(listId, win.trim())
          : await api.postFile<AttributionResult>(`/intel/lists/${listId}/attribute`, file!, { window: win.trim(), format });
      setResult({ attributions: r.attributions ?? [], stats: r.stats ?? {} });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const found = result ? result.attributions.filter((a) => a.internal_ip).length : 0;

  return (
    <section class="card intel-card" aria-labelledby="intel-attr-h">
      <div class="form-head">
        <h2 id="intel-attr-h">{t('intel.attr.title')}</h2>
      </div>
      <p class="hint">{t('intel.attr.hint')}</p>
      {lists && lists.length === 0 ? (
        <p class="muted">{t('intel.attr.noLists')}</p>
      ) : (
        <form class="form-grid" onSubmit={submit} noValidate>
          <Field id="intel-attr-list" label={t('intel.attr.list')} required error={local.list}>
            <select id="intel-attr-list" value={listId} onChange={(e) => setListId((e.target as HTMLSelectElement).value)}>
              {!listId && <option value="">{t('common.choose')}</option>}
              {(lists ?? []).map((l) => (
                <option value={String(l.id)}>{l.name}</option>
              ))}
            </select>
          </Field>
          <fieldset class="radios field field-wide attr-source">
            <legend>{t('intel.attr.source')}</legend>
            {ATTR_SOURCES.map((s) => (
              <label class="check">
                <input
                  type="radio"
                  name="intel-attr-source"
                  value={s}
                  checked={source === s}
                  onChange={() => {
                    setSource(s);
                    setResult(null);
                    setError(null);
                    setLocal({});
                  }}
                />
                {enumLabel(t, 'attrSource', s)}
              </label>
            ))}
            <div class="hint">{source === 'events' ? t('intel.attr.eventsHint') : t('intel.attr.uploadHint')}</div>
          </fieldset>
          {source === 'upload' && (
            <div class={`field${local.file ? ' has-error' : ''}`}>
              <FilePick
                id="intel-attr-file"
                label={t('intel.attr.log')}
                accept=".log,.txt,.csv,.json,.gz,.zst"
                file={file}
                onChange={(f) => {
                  setFile(f);
                  setResult(null);
                  setError(null);
                }}
              />
              {local.file && (
                <div class="field-error" role="alert">
                  {local.file}
                </div>
              )}
            </div>
          )}
          <Field id="intel-attr-window" label={t('intel.attr.window')} hint={t('intel.attr.windowHint')} error={local.window}>
            <input id="intel-attr-window" class="mono narrow-input" value={win} onInput={(e) => setWin((e.target as HTMLInputElement).value)} />
          </Field>
          {source === 'upload' && (
            <Field id="intel-attr-format" label={t('intel.attr.format')}>
              <EnumSelect id="intel-attr-format" value={format} values={LOG_FORMATS} labels="logFormat" onChange={setFormat} />
            </Field>
          )}
          <div class="field field-wide intel-submit">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? t('intel.attr.running') : t('intel.attr.submit')}
            </button>
          </div>
        </form>
      )}
      {busy && <Loading label={t('intel.attr.running')} />}
      <ErrorBanner error={error} />
      {result && (
        <div class="intel-result">
          <div class={`alert ${found ? 'alert-ok' : 'alert-warn'}`} role="status">
            {t('intel.attr.done', { found, total: result.attributions.length })}
          </div>
          {result.stats.truncated === true && (
            <div class="alert alert-warn intel-attr-truncated" role="status">
              {t('intel.attr.truncated', { n: typeof result.stats.events === 'number' ? result.stats.events : '—' })}
            </div>
          )}
          <Stats stats={result.stats} />
          {result.attributions.length > 0 && (
            <div>
              <SimpleTable items={result.attributions.slice(0, MAX_ROWS)} columns={attributionColumns()} class="attr-table" />
              <MoreRows total={result.attributions.length} />
            </div>
          )}
        </div>
      )}
    </section>
  );

  function attributionColumns(): Column<Attribution>[] {
    return [
      {
        label: t('intel.attr.listedIp'),
        class: 'mono nowrap',
        cell: (a) => (
          <div>
            {a.listed_ip}
            {a.listed_port !== null && a.listed_port !== undefined && <span class="muted small"> :{a.listed_port}</span>}
            {a.family && <div class="small muted intel-family">{a.family}</div>}
          </div>
        ),
      },
      { label: t('intel.f.listedTime'), class: 'nowrap', cell: (a) => <ListedTime value={a.listed_time} /> },
      {
        label: t('intel.attr.internalIp'),
        cell: (a) =>
          a.internal_ip ? (
            <span class="mono">{a.internal_ip}</span>
          ) : (
            <span class="warn-text">
              {t('intel.attr.unattributed')}
              {a.reason && <div class="small">{a.reason}</div>}
            </span>
          ),
      },
      { label: t('intel.attr.method'), cell: (a) => <MethodText a={a} /> },
      {
        label: t('intel.attr.evidence'),
        class: 'mono small evidence',
        cell: (a) =>
          a.evidence && a.evidence.length ? (
            <span class="ip-list">
              {a.evidence.slice(0, 5).map((ev) => (
                <EvidenceItem ev={ev} />
              ))}
              {a.evidence.length > 5 && (
                <span class="muted">
                  {t(parseEvidence(a.evidence[0]).kind === 'event' ? 'intel.attr.moreEvents' : 'intel.attr.moreEvidence', { n: a.evidence.length - 5 })}
                </span>
              )}
            </span>
          ) : (
            <span class="muted">—</span>
          ),
      },
      {
        label: t('intel.f.asset'),
        cell: (a) =>
          a.asset ? (
            <div>
              <AssetLink id={a.asset.id} name={a.asset.hostname} />
              <div class="small muted">
                <OrgName id={a.asset.org_id} />
              </div>
            </div>
          ) : (
            <span class="muted">{a.internal_ip ? t('intel.attr.noAsset') : '—'}</span>
          ),
      },
    ];
  }
}

function newest(lists: IntelList[]): IntelList {
  return lists.reduce((a, b) => (b.created_at > a.created_at || (b.created_at === a.created_at && b.id > a.id) ? b : a));
}

function ListedTime({ value }: { value: string | null }) {
  const { fmtDateTime } = useApp();
  return value ? <>{fmtDateTime(value)}</> : <span class="muted">—</span>;
}

function MethodText({ a }: { a: Attribution }) {
  const { t } = useApp();
  if (!a.internal_ip || !a.method) return <span class="muted">—</span>;
  const details: string[] = [];
  if (a.method === 'window' && a.rank) details.push(t('intel.attr.rank', { n: a.rank }));
  if (a.sessions !== null && a.sessions !== undefined) details.push(t('intel.attr.sessions', { n: a.sessions }));
  if (a.nearest_seconds !== null && a.nearest_seconds !== undefined) details.push(t('intel.attr.nearest', { n: a.nearest_seconds }));
  return (
    <span class="method">
      <span class={`badge ${a.method === 'window' ? 'badge-warn' : 'badge-ok'} method-badge`}>{enumLabel(t, 'attrMethod', a.method)}</span>
      <div class="small">{enumLabel(t, 'attrMethodHint', a.method)}</div>
      {details.length > 0 && <div class="small muted">{details.join(' · ')}</div>}
    </span>
  );
}

/** "event:12" → a link to that stored event; "log:12" (a line of the uploaded log) as is. */
function EvidenceItem({ ev }: { ev: string }) {
  const { t } = useApp();
  const e = parseEvidence(ev);
  if (e.kind === 'event') {
    return (
      <a href={href(eventPath(e.id))} title={t('intel.eventN', { id: e.id })}>
        {ev}
      </a>
    );
  }
  return <span>{ev}</span>;
}

function Stats({ stats }: { stats: Record<string, unknown> }) {
  const { t, lang } = useApp();
  // `truncated` is said in a sentence above (when true), not as a number.
  const entries = Object.entries(stats).filter(([k, v]) => k !== 'truncated' && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'));
  if (!entries.length) return null;
  const show = (v: unknown) =>
    typeof v === 'number' ? v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-US') : typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no') : String(v);
  const items: ComponentChildren[] = entries.map(([k, v]) => (
    <div class="stat" data-stat={k}>
      <dt>{enumLabel(t, 'attrStat', k)}</dt>
      <dd>{show(v)}</dd>
    </div>
  ));
  return <dl class="stats">{items}</dl>;
}
