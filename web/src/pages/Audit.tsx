import { useState } from 'preact/hooks';
import type { AuditEntry } from '../api';
import { useApp } from '../context';
import { useResourceList } from '../hooks';
import { Filters, OrgFilter, SelectFilter, TextFilter } from '../components/Filters';
import { ResourceTable } from '../components/ResourceTable';
import { OrgName, PageHeader, enumLabel, toggled } from '../components/ui';

// `kind` is the collection name (orgs, systems, ...) or session / api_tokens for sign-ins and tokens.
const KINDS = ['orgs', 'systems', 'assets', 'contacts', 'users', 'api_tokens', 'session'];
const ACTIONS = ['create', 'update', 'delete', 'import', 'login', 'login_failed', 'logout', 'seed_demo'];

function show(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 1);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Field-by-field comparison of before and after; unchanged fields are listed after the changes. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useApp();
  const [showSame, setShowSame] = useState(false);
  if (!isObj(before) && !isObj(after)) {
    return (
      <div class="diff-raw">
        <pre class="diff-old">{show(before) || '—'}</pre>
        <pre class="diff-new">{show(after) || '—'}</pre>
      </div>
    );
  }
  const b = isObj(before) ? before : {};
  const a = isObj(after) ? after : {};
  // A creation has no "before" and a deletion no "after": show one value column then.
  const cols: ('before' | 'after')[] = !isObj(before) ? ['after'] : !isObj(after) ? ['before'] : ['before', 'after'];
  const keys = Array.from(new Set([...Object.keys(b), ...Object.keys(a)]));
  const changed = cols.length === 2 ? keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])) : keys;
  const same = keys.filter((k) => !changed.includes(k));
  const row = (k: string, cls: string) => (
    <tr class={cls}>
      <th scope="row" class="mono">
        {k}
      </th>
      {cols.map((c) => {
        const src = c === 'before' ? b : a;
        return (
          <td class={c === 'before' ? 'diff-old' : 'diff-new'}>
            <pre>{k in src ? show(src[k]) : ''}</pre>
          </td>
        );
      })}
    </tr>
  );
  return (
    <div class="diff">
      <table class="table table-compact diff-table">
        <thead>
          <tr>
            <th>{t('audit.field')}</th>
            {cols.map((c) => (
              <th>{c === 'before' ? t('audit.before') : t('audit.after')}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {changed.map((k) => row(k, cols.length === 2 ? 'diff-changed' : ''))}
          {showSame && same.map((k) => row(k, 'diff-same'))}
        </tbody>
      </table>
      {same.length > 0 && (
        <button type="button" class="btn btn-ghost btn-small" onClick={() => setShowSame(!showSame)}>
          {showSame ? t('audit.hideSame') : t('audit.showSame', { n: same.length })}
        </button>
      )}
    </div>
  );
}

const FILTERS = { org: null as number | null, actor: '', kind: '', action: '', objectId: '', offset: 0, limit: 50 };

export function AuditPage() {
  const { t, fmtDateTime } = useApp();
  const list = useResourceList<AuditEntry, typeof FILTERS>(
    '/audit',
    'audit.filters',
    FILTERS,
    (f) => ({ org_id: f.org, actor: f.actor, kind: f.kind, action: f.action, object_id: f.objectId }),
    ['actor', 'objectId'],
  );
  const { f, set } = list;
  const [open, setOpen] = useState<Set<number>>(new Set());

  return (
    <>
      <PageHeader title={t('audit.title')} sub={t('audit.sub')} />
      <Filters>
        <OrgFilter id="audit-f-org" value={f.org} onChange={(v) => set({ org: v })} />
        <SelectFilter label={t('audit.kind')} value={f.kind} onChange={(v) => set({ kind: v })} options={KINDS.map((k) => [k, enumLabel(t, 'objKind', k)])} />
        <SelectFilter label={t('audit.action')} value={f.action} onChange={(v) => set({ action: v })} options={ACTIONS.map((k) => [k, enumLabel(t, 'action', k)])} />
        <TextFilter label={t('audit.actor')} value={f.actor} onChange={(v) => set({ actor: v })} />
        <TextFilter label={t('audit.objectId')} numeric value={f.objectId} onChange={(v) => set({ objectId: v })} />
      </Filters>
      <ResourceTable
        list={list}
        class="audit-table"
        empty={t('audit.empty')}
        rowClass={(e) => (open.has(e.id) ? 'expanded' : '')}
        detail={(e) => open.has(e.id) && <AuditDiff before={e.before} after={e.after} />}
        columns={[
          {
            label: t('audit.details'),
            srOnly: true,
            class: 'cell-toggle',
            cell: (e) =>
              (e.before != null || e.after != null) && (
                <button
                  type="button"
                  class="tree-toggle"
                  aria-expanded={open.has(e.id)}
                  aria-label={open.has(e.id) ? t('audit.hide') : t('audit.show')}
                  onClick={() => setOpen(toggled(open, e.id))}
                >
                  {open.has(e.id) ? '▾' : '▸'}
                </button>
              ),
          },
          { label: t('audit.at'), class: 'nowrap', cell: (e) => fmtDateTime(e.at) },
          { label: t('audit.actor'), class: 'mono', cell: (e) => e.actor },
          {
            label: t('audit.action'),
            class: 'nowrap',
            cell: (e) => <span class={`action action-${e.action}`}>{enumLabel(t, 'action', e.action)}</span>,
          },
          { label: t('audit.kind'), cell: (e) => (e.kind ? enumLabel(t, 'objKind', e.kind) : <span class="muted">—</span>) },
          { label: t('audit.object'), cell: objectLabel },
          { label: t('common.org'), cell: (e) => <OrgName id={e.org_id} /> },
        ]}
      />
    </>
  );
}

/** "#12 · web-portal": the id plus a name-like field of the object when present. */
function objectLabel(e: AuditEntry): string {
  const src = (isObj(e.after) ? e.after : isObj(e.before) ? e.before : {}) as Record<string, unknown>;
  const name = ['name', 'hostname', 'username', 'code'].map((k) => src[k]).find((x) => typeof x === 'string' && x);
  const id = e.object_id === null || e.object_id === undefined || e.object_id === '' ? '' : `#${e.object_id}`;
  return [id, name].filter(Boolean).join(' · ') || '—';
}
