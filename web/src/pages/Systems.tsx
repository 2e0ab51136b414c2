import type { InfoSystem, InfoType, OnlineServiceLevel, Scope, SystemType } from '../api';
import { canWrite, defaultOrgId, useApp } from '../context';
import { useResourceList } from '../hooks';
import { href } from '../router';
import { EditForm, EditPage, useEditForm } from '../components/EditForm';
import { ListHeader } from '../components/ListHeader';
import { Filters, OrgFilter, SelectFilter, TextFilter } from '../components/Filters';
import { ResourceTable } from '../components/ResourceTable';
import { DateInput, DueDate, EnumSelect, Field, FieldSet, LevelBadge, OrgName, OrgSelect, YesNo, enumLabel, toggled } from '../components/ui';

export const INFO_TYPES: InfoType[] = ['public', 'private', 'personal', 'state_secret'];
export const SYSTEM_TYPES: SystemType[] = ['internal', 'public_service', 'shared_infrastructure', 'industrial_control'];
export const ONLINE_LEVELS: OnlineServiceLevel[] = ['none', 'partial', 'full'];
export const SCOPES: Scope[] = ['agency', 'province', 'national'];
const LEVELS = [1, 2, 3, 4, 5];

export function SystemsPage({ sub }: { sub?: string }) {
  const { t } = useApp();
  if (!sub) return <SystemList />;
  return (
    <EditPage<InfoSystem> path="/systems" id={sub === 'new' ? null : Number(sub)} newTitle={t('systems.new')} editTitle={t('systems.edit')} name={(s) => s.name} back={t('systems.back')}>
      {(sys) => <SystemForm sys={sys} />}
    </EditPage>
  );
}

const FILTERS = { org: null as number | null, level: '', q: '', offset: 0, limit: 25 };

function SystemList() {
  const { t, fmtDate } = useApp();
  const list = useResourceList<InfoSystem, typeof FILTERS>('/systems', 'systems.filters', FILTERS, (f) => ({ org_id: f.org, security_level: f.level, q: f.q }));
  const { f, set } = list;

  return (
    <>
      <ListHeader title={t('systems.title')} sub={t('systems.sub')} path="/systems" addLabel={t('systems.add')} />
      <Filters>
        <OrgFilter id="sys-f-org" value={f.org} onChange={(v) => set({ org: v })} />
        <SelectFilter label={t('systems.f.level')} value={f.level} onChange={(v) => set({ level: v })} options={LEVELS.map((n) => [String(n), t('level.short', { n })])} />
        <TextFilter label={t('common.search')} grow value={f.q} placeholder={t('systems.searchPh')} onChange={(v) => set({ q: v })} />
      </Filters>
      <ResourceTable
        list={list}
        empty={f.q || f.org || f.level ? t('common.noMatch') : t('systems.empty')}
        columns={[
          {
            label: t('systems.f.name'),
            cell: (s) => (
              <a href={href(`/systems/${s.id}`)} class="row-link">
                {s.name}
              </a>
            ),
          },
          { label: t('systems.f.owner'), cell: (s) => <OrgName id={s.owner_org_id} /> },
          { label: t('systems.f.level'), cell: (s) => <LevelBadge level={s.security_level} /> },
          { label: t('systems.f.type'), cell: (s) => enumLabel(t, 'systemType', s.system_type) },
          { label: t('systems.f.needs24x7'), cell: (s) => <YesNo value={!!s.needs_24x7} /> },
          { label: t('systems.f.lastAssessment'), cell: (s) => fmtDate(s.last_assessment_date) || <span class="muted">—</span> },
          { label: t('common.nextDue'), cell: (s) => <DueDate due={s.next_assessment_due} /> },
        ]}
      />
    </>
  );
}

const FIELDS = [
  'name', 'description', 'owner_org_id', 'operator_org_id', 'security_level', 'info_types', 'system_type', 'online_service_level',
  'personal_data_subjects', 'scope', 'needs_24x7', 'approval_decision', 'approval_date', 'last_assessment_date',
];


function SystemForm({ sys }: { sys: InfoSystem | null }) {
  const { t, user, orgs } = useApp();
  const form = useEditForm({
    path: '/systems',
    record: sys,
    fields: FIELDS,
    init: {
      name: sys?.name ?? '',
      description: sys?.description ?? '',
      owner_org_id: (sys?.owner_org_id ?? defaultOrgId(user, orgs)) as number | null,
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
    },
    check: (v) => {
      const bad: Record<string, string> = {};
      if (!v.name.trim()) bad.name = t('form.required');
      if (v.owner_org_id === null) bad.owner_org_id = t('form.required');
      if (!(v.security_level >= 1 && v.security_level <= 5)) bad.security_level = t('systems.pickLevel');
      if (!/^\d+$/.test(v.personal_data_subjects.trim())) bad.personal_data_subjects = t('form.nonNegativeInt');
      if (v.approval_date === null) bad.approval_date = t('form.badDate');
      if (v.last_assessment_date === null) bad.last_assessment_date = t('form.badDate');
      return bad;
    },
    body: (v) => ({
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
    }),
    created: (s) => t('systems.created', { name: s.name }),
    confirmDelete: (s) => t('systems.confirmDelete', { name: s.name }),
  });
  const { v, set, fe } = form;

  return (
    <EditForm form={form} writable={canWrite(user)}>
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
          {LEVELS.map((n) => (
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
                onChange={(e) => set({ info_types: toggled(v.info_types, x, (e.target as HTMLInputElement).checked) })}
              />
              {enumLabel(t, 'infoType', x)}
            </label>
          ))}
        </div>
      </FieldSet>
      <Field id="sys-type" label={t('systems.f.type')} error={fe.fieldMsg('system_type')}>
        <EnumSelect id="sys-type" value={v.system_type} values={SYSTEM_TYPES} labels="systemType" onChange={(x) => set({ system_type: x })} />
      </Field>
      <Field id="sys-online" label={t('systems.f.onlineLevel')} error={fe.fieldMsg('online_service_level')}>
        <EnumSelect id="sys-online" value={v.online_service_level} values={ONLINE_LEVELS} labels="onlineLevel" onChange={(x) => set({ online_service_level: x })} />
      </Field>
      <Field id="sys-subjects" label={t('systems.f.subjects')} hint={t('systems.f.subjectsHint')} error={fe.fieldMsg('personal_data_subjects')}>
        <input id="sys-subjects" inputMode="numeric" value={v.personal_data_subjects} onInput={(e) => set({ personal_data_subjects: (e.target as HTMLInputElement).value })} />
      </Field>
      <Field id="sys-scope" label={t('systems.f.scope')} error={fe.fieldMsg('scope')}>
        <EnumSelect id="sys-scope" value={v.scope} values={SCOPES} labels="scope" onChange={(x) => set({ scope: x })} />
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
    </EditForm>
  );
}
