import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { AuditEntry } from '../api';
import { useApp } from '../context';
import { useDebounced, useList, useStickyState } from '../hooks';
import { Empty, ErrorBanner, Loading, OrgName, OrgSelect, PageHeader, Pagination, enumLabel } from '../components/ui';

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

export function AuditPage() {
  const { t, fmtDateTime } = useApp();
  const [f, setF] = useStickyState('audit.filters', {
    org: null as number | null,
    actor: '',
    kind: '',
    action: '',
    objectId: '',
    offset: 0,
    limit: 50,
  });
  const [open, setOpen] = useState<Set<number>>(new Set());
  const actor = useDebounced(f.actor);
  const objectId = useDebounced(f.objectId);
  const list = useList<AuditEntry>('/audit', {
    org_id: f.org,
    actor,
    kind: f.kind,
    action: f.action,
    object_id: objectId,
    limit: f.limit,
    offset: f.offset,
  });
  const set = (patch: Partial<typeof f>) => setF({ ...f, offset: 0, ...patch });
  const toggle = (id: number) => {
    const n = new Set(open);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    setOpen(n);
  };

  return (
    <>
      <PageHeader title={t('audit.title')} sub={t('audit.sub')} />
      <div class="filters" role="search">
        <label>
          <span>{t('common.org')}</span>
          <OrgSelect id="audit-f-org" value={f.org} onChange={(v) => set({ org: v })} allowEmpty={t('common.allOrgs')} />
        </label>
        <label>
          <span>{t('audit.kind')}</span>
          <select value={f.kind} onChange={(e) => set({ kind: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('common.all')}</option>
            {KINDS.map((k) => (
              <option value={k}>{enumLabel(t, 'objKind', k)}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('audit.action')}</span>
          <select value={f.action} onChange={(e) => set({ action: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('common.all')}</option>
            {ACTIONS.map((k) => (
              <option value={k}>{enumLabel(t, 'action', k)}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('audit.actor')}</span>
          <input type="search" value={f.actor} onInput={(e) => set({ actor: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          <span>{t('audit.objectId')}</span>
          <input type="search" inputMode="numeric" class="narrow" value={f.objectId} onInput={(e) => set({ objectId: (e.target as HTMLInputElement).value })} />
        </label>
      </div>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.items.length === 0 ? (
        <Empty>{t('audit.empty')}</Empty>
      ) : list.data ? (
        <>
          <div class={`table-wrap${list.loading ? ' is-loading' : ''}`}>
            <table class="table table-cards audit-table">
              <thead>
                <tr>
                  <th>
                    <span class="sr-only">{t('audit.details')}</span>
                  </th>
                  <th>{t('audit.at')}</th>
                  <th>{t('audit.actor')}</th>
                  <th>{t('audit.action')}</th>
                  <th>{t('audit.kind')}</th>
                  <th>{t('audit.object')}</th>
                  <th>{t('common.org')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((e) => {
                  const isOpen = open.has(e.id);
                  const hasDetail = e.before != null || e.after != null;
                  return (
                    <Fragment key={e.id}>
                      <tr class={isOpen ? 'expanded' : ''}>
                        <td class="cell-toggle">
                          {hasDetail && (
                            <button type="button" class="tree-toggle" aria-expanded={isOpen} aria-label={isOpen ? t('audit.hide') : t('audit.show')} onClick={() => toggle(e.id)}>
                              {isOpen ? '▾' : '▸'}
                            </button>
                          )}
                        </td>
                        <td data-label={t('audit.at')} class="nowrap">
                          {fmtDateTime(e.at)}
                        </td>
                        <td data-label={t('audit.actor')} class="mono">
                          {e.actor}
                        </td>
                        <td data-label={t('audit.action')} class="nowrap">
                          <span class={`action action-${e.action}`}>{enumLabel(t, 'action', e.action)}</span>
                        </td>
                        <td data-label={t('audit.kind')}>{e.kind ? enumLabel(t, 'objKind', e.kind) : <span class="muted">—</span>}</td>
                        <td data-label={t('audit.object')}>{objectLabel(e)}</td>
                        <td data-label={t('common.org')}>
                          <OrgName id={e.org_id} />
                        </td>
                      </tr>
                      {isOpen && (
                        <tr class="detail-row">
                          <td colSpan={7}>
                            <AuditDiff before={e.before} after={e.after} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pagination total={list.data.total} hasMore={list.data.has_more} count={list.data.items.length} limit={f.limit} offset={f.offset} onChange={(offset, limit) => setF({ ...f, offset, limit })} />
        </>
      ) : null}
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
