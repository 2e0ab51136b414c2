import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Org, type OrgKind } from '../api';
import { canAddOrg, canWrite, subtreeIds, useApp } from '../context';
import { navigate, href } from '../router';
import { FormActions } from '../components/EditForm';
import { SearchBox } from '../components/Filters';
import { DateInput, DueDate, EnumSelect, Empty, ErrorBanner, Field, Loading, OrgSelect, PageHeader, enumLabel, lines, toggled, useFormErrors, errorText } from '../components/ui';

const KINDS: OrgKind[] = ['province', 'department', 'peoples_committee', 'commune', 'unit', 'other'];
const FIELDS = ['name', 'code', 'kind', 'address', 'public_ranges', 'last_assessment_date', 'parent_id'];

// Routes: #/orgs, #/orgs/12 (selected), #/orgs/new (new root), #/orgs/new?parent=12 (new child).
export function OrgsPage({ selected }: { selected?: string }) {
  const { t, orgs, user } = useApp();
  const [collapsed, setCollapsed] = useState<Set<number>>(new Set());
  const [filter, setFilter] = useState('');
  const detailRef = useRef<HTMLElement>(null);
  const parentParam = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('parent');
  const isNew = selected === 'new';
  const selId = !isNew && selected ? Number(selected) : null;
  const sel = selId !== null ? orgs.byId.get(selId) ?? null : null;

  // At phone width the form sits below the tree: bring it into view when a node is picked.
  useEffect(() => {
    if ((selected ?? '') !== '' && window.matchMedia('(max-width: 900px)').matches) {
      detailRef.current?.scrollIntoView({ block: 'start' });
    }
  }, [selected]);

  // Orgs matching the filter plus their ancestors, so matches stay reachable in the tree.
  const visible = useMemo(() => {
    const q = filter.trim().toLocaleLowerCase('vi');
    if (!q) return null;
    const keep = new Set<number>();
    for (const o of orgs.list) {
      if ((o.name ?? '').toLocaleLowerCase('vi').includes(q) || (o.code ?? '').toLocaleLowerCase('vi').includes(q)) {
        let cur: Org | undefined = o;
        while (cur && !keep.has(cur.id)) {
          keep.add(cur.id);
          cur = cur.parent_id !== null ? orgs.byId.get(cur.parent_id) : undefined;
        }
      }
    }
    return keep;
  }, [filter, orgs]);

  const renderNodes = (parent: number | null, depth: number) => {
    const kids = (orgs.children.get(parent) ?? []).filter((o) => !visible || visible.has(o.id));
    if (!kids.length) return null;
    return (
      <ul class={depth === 0 ? 'tree' : 'tree-children'} role={depth === 0 ? 'tree' : 'group'}>
        {kids.map((o) => {
          const hasKids = (orgs.children.get(o.id) ?? []).length > 0;
          const open = !collapsed.has(o.id) || !!visible;
          return (
            <li role="treeitem" aria-expanded={hasKids ? open : undefined} aria-selected={selId === o.id}>
              <div class={`tree-row${selId === o.id ? ' selected' : ''}`}>
                {hasKids ? (
                  <button type="button" class="tree-toggle" aria-label={open ? t('orgs.collapse') : t('orgs.expand')} onClick={() => setCollapsed(toggled(collapsed, o.id))}>
                    {open ? '▾' : '▸'}
                  </button>
                ) : (
                  <span class="tree-toggle tree-leaf" aria-hidden="true">
                    •
                  </span>
                )}
                <a href={href(`/orgs/${o.id}`)} class="tree-link">
                  <span class="tree-name">{o.name}</span>
                  <span class="tree-meta">
                    {o.code} · {enumLabel(t, 'orgKind', o.kind)}
                  </span>
                </a>
              </div>
              {hasKids && open && renderNodes(o.id, depth + 1)}
            </li>
          );
        })}
      </ul>
    );
  };

  return (
    <>
      <PageHeader title={t('orgs.title')} sub={t('orgs.sub')}>
        {canAddOrg(user, true) && (
          <a class="btn" href={href('/orgs/new')}>
            + {t('orgs.addRoot')}
          </a>
        )}
      </PageHeader>
      <div class="split">
        <section class="card tree-card" aria-label={t('orgs.tree')}>
          <SearchBox class="tree-filter" label={t('orgs.filter')} value={filter} onChange={setFilter} />
          {!orgs.loaded ? <Loading /> : orgs.list.length === 0 ? <Empty>{t('orgs.empty')}</Empty> : renderNodes(null, 0) ?? <Empty />}
        </section>
        <section class={`card detail-card${!isNew && !sel ? ' is-empty' : ''}`} ref={detailRef}>
          {isNew ? (
            <OrgForm key={`new-${parentParam ?? ''}`} org={null} parentId={parentParam ? Number(parentParam) : null} />
          ) : sel ? (
            <OrgForm key={`edit-${sel.id}-${sel.updated_at ?? ''}`} org={sel} parentId={sel.parent_id} />
          ) : selId !== null && orgs.loaded ? (
            <Empty>{t('common.notFound')}</Empty>
          ) : (
            <Empty>{t('orgs.pick')}</Empty>
          )}
        </section>
      </div>
    </>
  );
}

function OrgForm({ org, parentId }: { org: Org | null; parentId: number | null }) {
  const { t, orgs, reloadOrgs, notify, user } = useApp();
  const fe = useFormErrors(FIELDS);
  const [name, setName] = useState(org?.name ?? '');
  const [code, setCode] = useState(org?.code ?? '');
  const [kind, setKind] = useState<OrgKind>(org?.kind ?? (parentId === null ? 'province' : 'unit'));
  const [address, setAddress] = useState(org?.address ?? '');
  const [ranges, setRanges] = useState((org?.public_ranges ?? []).join('\n'));
  const [lastAssess, setLastAssess] = useState<string | null>(org?.last_assessment_date ?? '');
  const [parent, setParent] = useState<number | null>(parentId);
  const [busy, setBusy] = useState(false);
  const writable = canWrite(user);

  useEffect(() => fe.clear(), [org?.id]); // eslint-disable-line react-hooks/exhaustive-deps

  const exclude = useMemo(() => (org ? subtreeIds(orgs, org.id) : undefined), [org, orgs]);
  const parentOrg = parentId !== null ? orgs.byId.get(parentId) : null;

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = t('form.required');
    if (!code.trim()) local.code = t('form.required');
    if (lastAssess === null) local.last_assessment_date = t('form.badDate');
    if (Object.keys(local).length) {
      fe.setLocal(local);
      return;
    }
    const body: Record<string, unknown> = {
      name: name.trim(),
      code: code.trim(),
      kind,
      address: address.trim(),
      public_ranges: lines(ranges),
      last_assessment_date: lastAssess || null,
    };
    if (!org || parent !== org.parent_id) body.parent_id = parent;
    setBusy(true);
    try {
      const saved = org ? await api.patch<Org>(`/orgs/${org.id}`, body) : await api.post<Org>('/orgs', body);
      await reloadOrgs();
      notify(org ? t('form.saved') : t('orgs.created', { name: saved.name }));
      if (!org) navigate(`/orgs/${saved.id}`);
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!org) return;
    if (!window.confirm(t('orgs.confirmDelete', { name: org.name }))) return;
    setBusy(true);
    try {
      await api.del(`/orgs/${org.id}`);
      await reloadOrgs();
      notify(t('form.deleted'));
      navigate('/orgs');
    } catch (err) {
      notify(errorText(t, err), 'error');
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate class="form">
      <div class="form-head">
        <h2>{org ? org.name : parentOrg ? t('orgs.newChildOf', { name: parentOrg.name }) : t('orgs.newRoot')}</h2>
        {org && canAddOrg(user, false) && (
          <a class="btn btn-small" href={href(`/orgs/new?parent=${org.id}`)}>
            + {t('orgs.addChild')}
          </a>
        )}
      </div>
      <ErrorBanner error={fe.general()} />
      <fieldset class="form-grid" disabled={!writable || busy}>
        <Field id="org-name" label={t('orgs.f.name')} required error={fe.fieldMsg('name')} wide>
          <input id="org-name" value={name} maxLength={200} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="org-code" label={t('orgs.f.code')} required error={fe.fieldMsg('code')}>
          <input id="org-code" value={code} maxLength={50} onInput={(e) => setCode((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="org-kind" label={t('orgs.f.kind')} error={fe.fieldMsg('kind')}>
          <EnumSelect id="org-kind" value={kind} values={KINDS} labels="orgKind" onChange={setKind} />
        </Field>
        <Field id="org-parent" label={t('orgs.f.parent')} error={fe.fieldMsg('parent_id')} wide>
          <OrgSelect
            id="org-parent"
            value={parent}
            onChange={setParent}
            allowEmpty={t('orgs.noParent')}
            exclude={exclude}
            disabled={!canAddOrg(user, false) || (org !== null && org.id === user.org_id)}
          />
        </Field>
        <Field id="org-address" label={t('orgs.f.address')} error={fe.fieldMsg('address')} wide>
          <input id="org-address" value={address} onInput={(e) => setAddress((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="org-ranges" label={t('orgs.f.ranges')} hint={t('orgs.f.rangesHint')} error={fe.fieldMsg('public_ranges')} wide>
          <textarea id="org-ranges" rows={4} class="mono" value={ranges} onInput={(e) => setRanges((e.target as HTMLTextAreaElement).value)} />
        </Field>
        <Field id="org-last" label={t('orgs.f.lastAssessment')} hint={t('orgs.f.lastAssessmentHint')} error={fe.fieldMsg('last_assessment_date')}>
          <DateInput id="org-last" value={lastAssess ?? ''} onChange={setLastAssess} invalid={lastAssess === null} />
        </Field>
        {org && (
          <div class="field">
            <span class="label">{t('common.nextDue')}</span>
            <div class="readonly">
              <DueDate due={org.next_assessment_due} />
            </div>
          </div>
        )}
      </fieldset>
      {writable && (
        <FormActions
          busy={busy}
          editing={!!org}
          cancel={org ? undefined : href(parentId !== null ? `/orgs/${parentId}` : '/orgs')}
          onDelete={org ? remove : undefined}
        />
      )}
    </form>
  );
}
