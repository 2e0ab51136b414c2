import { useState } from 'preact/hooks';
import { api, type InfoSystem, type InfoType, type OnlineServiceLevel, type Scope, type SystemType } from '../api';
import { canWrite, useApp } from '../context';
import { useDebounced, useList, useResource, useStickyState } from '../hooks';
import { href, navigate } from '../router';
import {
  DateInput, DueDate, Empty, ErrorBanner, Field, FieldSet, LevelBadge, Loading, OrgName, OrgSelect, PageHeader, Pagination, YesNo,
  enumLabel, errorText, useFormErrors,
} from '../components/ui';

export const INFO_TYPES: InfoType[] = ['public', 'private', 'personal', 'state_secret'];
export const SYSTEM_TYPES: SystemType[] = ['internal', 'public_service', 'shared_infrastructure', 'industrial_control'];
export const ONLINE_LEVELS: OnlineServiceLevel[] = ['none', 'partial', 'full'];
export const SCOPES: Scope[] = ['agency', 'province', 'national'];

export function SystemsPage({ sub }: { sub?: string }) {
  if (sub === 'new') return <SystemEdit id={null} />;
  if (sub) return <SystemEdit id={Number(sub)} />;
  return <SystemList />;
}

function SystemList() {
  const { t, user, fmtDate } = useApp();
  const [f, setF] = useStickyState('systems.filters', { org: null as number | null, level: '', q: '', offset: 0, limit: 25 });
  const q = useDebounced(f.q);
  const list = useList<InfoSystem>('/systems', {
    org_id: f.org,
    security_level: f.level,
    q,
    limit: f.limit,
    offset: f.offset,
  });
  const set = (patch: Partial<typeof f>) => setF({ ...f, offset: 0, ...patch });

  return (
    <>
      <PageHeader title={t('systems.title')} sub={t('systems.sub')}>
        {canWrite(user) && (
          <a class="btn btn-primary" href={href('/systems/new')}>
            + {t('systems.add')}
          </a>
        )}
      </PageHeader>
      <div class="filters" role="search">
        <label>
          <span>{t('common.org')}</span>
          <OrgSelect id="sys-f-org" value={f.org} onChange={(v) => set({ org: v })} allowEmpty={t('common.allOrgs')} />
        </label>
        <label>
          <span>{t('systems.f.level')}</span>
          <select value={f.level} onChange={(e) => set({ level: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('common.all')}</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option value={String(n)}>{t('level.short', { n })}</option>
            ))}
          </select>
        </label>
        <label class="grow">
          <span>{t('common.search')}</span>
          <input type="search" value={f.q} placeholder={t('systems.searchPh')} onInput={(e) => set({ q: (e.target as HTMLInputElement).value })} />
        </label>
      </div>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.items.length === 0 ? (
        <Empty>{f.q || f.org || f.level ? t('common.noMatch') : t('systems.empty')}</Empty>
      ) : list.data ? (
        <>
          <div class={`table-wrap${list.loading ? ' is-loading' : ''}`}>
            <table class="table table-cards">
              <thead>
                <tr>
                  <th>{t('systems.f.name')}</th>
                  <th>{t('systems.f.owner')}</th>
                  <th>{t('systems.f.level')}</th>
                  <th>{t('systems.f.type')}</th>
                  <th>{t('systems.f.needs24x7')}</th>
                  <th>{t('systems.f.lastAssessment')}</th>
                  <th>{t('common.nextDue')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((s) => (
                  <tr>
                    <td data-label={t('systems.f.name')}>
                      <a href={href(`/systems/${s.id}`)} class="row-link">
                        {s.name}
                      </a>
                    </td>
                    <td data-label={t('systems.f.owner')}>
                      <OrgName id={s.owner_org_id} />
                    </td>
                    <td data-label={t('systems.f.level')}>
                      <LevelBadge level={s.security_level} />
                    </td>
                    <td data-label={t('systems.f.type')}>{enumLabel(t, 'systemType', s.system_type)}</td>
                    <td data-label={t('systems.f.needs24x7')}>
                      <YesNo value={!!s.needs_24x7} />
                    </td>
                    <td data-label={t('systems.f.lastAssessment')}>{fmtDate(s.last_assessment_date) || <span class="muted">—</span>}</td>
                    <td data-label={t('common.nextDue')}>
                      <DueDate due={s.next_assessment_due} />
                    </td>
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

const FIELDS = [
  'name', 'description', 'owner_org_id', 'operator_org_id', 'security_level', 'info_types', 'system_type', 'online_service_level',
  'personal_data_subjects', 'scope', 'needs_24x7', 'approval_decision', 'approval_date', 'last_assessment_date',
];

function SystemEdit({ id }: { id: number | null }) {
  const { t } = useApp();
  const res = useResource<InfoSystem>(id !== null ? `/systems/${id}` : null);
  return (
    <>
      <PageHeader title={id === null ? t('systems.new') : res.data?.name ?? t('systems.edit')}>
        <a class="btn btn-ghost" href={href('/systems')}>
          ← {t('systems.back')}
        </a>
      </PageHeader>
      {id !== null && res.loading ? (
        <Loading />
      ) : res.error ? (
        <ErrorBanner error={res.error} />
      ) : (
        <SystemForm sys={res.data} />
      )}
    </>
  );
}

function SystemForm({ sys }: { sys: InfoSystem | null }) {
  const { t, user, orgs, notify } = useApp();
  const fe = useFormErrors(FIELDS);
  const writable = canWrite(user);
  const defaultOrg: number | null = user.org_id !== null && orgs.byId.has(user.org_id) ? user.org_id : orgs.ordered[0]?.org.id ?? null;
  const [v, setV] = useState({
    name: sys?.name ?? '',
    description: sys?.description ?? '',
    owner_org_id: (sys?.owner_org_id ?? defaultOrg) as number | null,
    operator_org_id: sys?.operator_org_id ?? null,
    security_level: sys?.security_level ?? 0,
    info_types: new Set<InfoType>(sys?.info_types ?? []),
    system_type: sys?.system_type ?? ('internal' as SystemType),
    online_service_level: sys?.online_service_level ?? ('none' as OnlineServiceLevel),
    personal_data_subjects: String(sys?.personal_data_subjects ?? 0),
    scope: sys?.scope ?? ('agency' as Scope),
    needs_24x7: sys?.needs_24x7 ?? false,
    approval_decision: sys?.approval_decision ?? '',
    approval_date: (sys?.approval_date ?? '') as string | null,
    last_assessment_date: (sys?.last_assessment_date ?? '') as string | null,
  });
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof v>) => setV({ ...v, ...patch });

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const local: Record<string, string> = {};
    if (!v.name.trim()) local.name = t('form.required');
    if (v.owner_org_id === null) local.owner_org_id = t('form.required');
    if (!(v.security_level >= 1 && v.security_level <= 5)) local.security_level = t('systems.pickLevel');
    if (!/^\d+$/.test(v.personal_data_subjects.trim())) local.personal_data_subjects = t('form.nonNegativeInt');
    if (v.approval_date === null) local.approval_date = t('form.badDate');
    if (v.last_assessment_date === null) local.last_assessment_date = t('form.badDate');
    if (Object.keys(local).length) {
      fe.setLocal(local);
      return;
    }
    const body = {
      name: v.name.trim(),
      description: v.description.trim(),
      owner_org_id: v.owner_org_id,
      operator_org_id: v.operator_org_id,
      security_level: v.security_level,
      info_types: INFO_TYPES.filter((x) => v.info_types.has(x)),
      system_type: v.system_type,
      online_service_level: v.online_service_level,
      personal_data_subjects: Number(v.personal_data_subjects.trim()),
      scope: v.scope,
      needs_24x7: v.needs_24x7,
      approval_decision: v.approval_decision.trim(),
      approval_date: v.approval_date || null,
      last_assessment_date: v.last_assessment_date || null,
    };
    setBusy(true);
    try {
      if (sys) {
        await api.patch<InfoSystem>(`/systems/${sys.id}`, body);
        notify(t('form.saved'));
      } else {
        const s = await api.post<InfoSystem>('/systems', body);
        notify(t('systems.created', { name: s.name }));
      }
      navigate('/systems');
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!sys || !window.confirm(t('systems.confirmDelete', { name: sys.name }))) return;
    setBusy(true);
    try {
      await api.del(`/systems/${sys.id}`);
      notify(t('form.deleted'));
      navigate('/systems');
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
        <Field id="sys-name" label={t('systems.f.name')} required error={fe.fieldMsg('name')} wide>
          <input id="sys-name" value={v.name} onInput={(e) => set({ name: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="sys-desc" label={t('systems.f.description')} error={fe.fieldMsg('description')} wide>
          <textarea id="sys-desc" rows={2} value={v.description} onInput={(e) => set({ description: (e.target as HTMLTextAreaElement).value })} />
        </Field>
        <Field id="sys-owner" label={t('systems.f.owner')} hint={t('systems.f.ownerHint')} required error={fe.fieldMsg('owner_org_id')}>
          <OrgSelect id="sys-owner" value={v.owner_org_id} onChange={(x) => set({ owner_org_id: x })} allowEmpty={t('common.choose')} />
        </Field>
        <Field id="sys-operator" label={t('systems.f.operator')} hint={t('systems.f.operatorHint')} error={fe.fieldMsg('operator_org_id')}>
          <OrgSelect id="sys-operator" value={v.operator_org_id} onChange={(x) => set({ operator_org_id: x })} allowEmpty={t('systems.sameAsOwner')} />
        </Field>
        <FieldSet legend={`${t('systems.f.level')} *`} error={fe.fieldMsg('security_level')} hint={t('systems.levelApproval')} wide>
          <div class="level-picker">
            {[1, 2, 3, 4, 5].map((n) => (
              <label class={`level-option${v.security_level === n ? ' checked' : ''}`}>
                <input type="radio" name="security_level" value={String(n)} checked={v.security_level === n} onChange={() => set({ security_level: n })} />
                <span class={`level level-${n}`}>{t('level.short', { n })}</span>
                <span class="level-hint">{t(`level.hint.${n}`)}</span>
              </label>
            ))}
          </div>
        </FieldSet>
        <FieldSet legend={t('systems.f.infoTypes')} error={fe.fieldMsg('info_types')} wide>
          <div class="checks">
            {INFO_TYPES.map((x) => (
              <label class="check">
                <input
                  type="checkbox"
                  checked={v.info_types.has(x)}
                  onChange={(e) => {
                    const n = new Set(v.info_types);
                    if ((e.target as HTMLInputElement).checked) n.add(x);
                    else n.delete(x);
                    set({ info_types: n });
                  }}
                />
                {enumLabel(t, 'infoType', x)}
              </label>
            ))}
          </div>
        </FieldSet>
        <Field id="sys-type" label={t('systems.f.type')} error={fe.fieldMsg('system_type')}>
          <select id="sys-type" value={v.system_type} onChange={(e) => set({ system_type: (e.target as HTMLSelectElement).value as SystemType })}>
            {SYSTEM_TYPES.map((x) => (
              <option value={x}>{enumLabel(t, 'systemType', x)}</option>
            ))}
          </select>
        </Field>
        <Field id="sys-online" label={t('systems.f.onlineLevel')} error={fe.fieldMsg('online_service_level')}>
          <select id="sys-online" value={v.online_service_level} onChange={(e) => set({ online_service_level: (e.target as HTMLSelectElement).value as OnlineServiceLevel })}>
            {ONLINE_LEVELS.map((x) => (
              <option value={x}>{enumLabel(t, 'onlineLevel', x)}</option>
            ))}
          </select>
        </Field>
        <Field id="sys-subjects" label={t('systems.f.subjects')} hint={t('systems.f.subjectsHint')} error={fe.fieldMsg('personal_data_subjects')}>
          <input id="sys-subjects" inputMode="numeric" value={v.personal_data_subjects} onInput={(e) => set({ personal_data_subjects: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="sys-scope" label={t('systems.f.scope')} error={fe.fieldMsg('scope')}>
          <select id="sys-scope" value={v.scope} onChange={(e) => set({ scope: (e.target as HTMLSelectElement).value as Scope })}>
            {SCOPES.map((x) => (
              <option value={x}>{enumLabel(t, 'scope', x)}</option>
            ))}
          </select>
        </Field>
        <FieldSet legend={t('systems.f.needs24x7')} error={fe.fieldMsg('needs_24x7')}>
          <label class="check">
            <input type="checkbox" checked={v.needs_24x7} onChange={(e) => set({ needs_24x7: (e.target as HTMLInputElement).checked })} />
            {t('systems.f.needs24x7Label')}
          </label>
        </FieldSet>
        <Field id="sys-decision" label={t('systems.f.approvalDecision')} hint={t('systems.f.approvalDecisionHint')} error={fe.fieldMsg('approval_decision')}>
          <input id="sys-decision" value={v.approval_decision} onInput={(e) => set({ approval_decision: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="sys-approval-date" label={t('systems.f.approvalDate')} error={fe.fieldMsg('approval_date')}>
          <DateInput id="sys-approval-date" value={v.approval_date ?? ''} onChange={(x) => set({ approval_date: x })} invalid={v.approval_date === null} />
        </Field>
        <Field id="sys-last" label={t('systems.f.lastAssessment')} error={fe.fieldMsg('last_assessment_date')}>
          <DateInput id="sys-last" value={v.last_assessment_date ?? ''} onChange={(x) => set({ last_assessment_date: x })} invalid={v.last_assessment_date === null} />
        </Field>
        <div class="field">
          <span class="label">{t('common.nextDue')}</span>
          <div class="readonly">{sys ? <DueDate due={sys.next_assessment_due} /> : <span class="muted">{t('systems.dueAfterSave')}</span>}</div>
          <div class="hint">{t('systems.dueRule')}</div>
        </div>
      </fieldset>
      {writable && (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('form.saving') : sys ? t('form.save') : t('form.create')}
          </button>
          <a class="btn btn-ghost" href={href('/systems')}>
            {t('form.cancel')}
          </a>
          {sys && (
            <button type="button" class="btn btn-danger" disabled={busy} onClick={remove}>
              {t('form.delete')}
            </button>
          )}
        </div>
      )}
    </form>
  );
}
