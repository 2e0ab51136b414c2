import { useState } from 'preact/hooks';
import { agentsApi, yaraErrors, type YaraRule } from '../agents';
import { ApiError } from '../api';
import { isAdmin, useApp } from '../context';
import { useResourceList } from '../hooks';
import { href } from '../router';
import { Filters, TextFilter } from '../components/Filters';
import { ResourceTable, type Column } from '../components/ResourceTable';
import { VnTime } from '../components/Monitoring';
import { ErrorBanner, Field, PageHeader, errorText } from '../components/ui';

// YARA rule files the agents scan with (with the EICAR test rule, always included). Every write
// is compiled by the server; a file that does not compile is refused with its lines. Admins write.

const FILTERS = { q: '', offset: 0, limit: 50 };

const TEMPLATE = `rule example_webshell
{
  meta:
    description = "…"
  strings:
    $a = "eval(base64_decode(" ascii
  condition:
    $a
}
`;

/** The rule being edited: a new one, or an existing one by id. */
type Editing = { id: null } | { id: number; rule: YaraRule };

export function YaraRulesPage() {
  const { t, user, notify } = useApp();
  const list = useResourceList<YaraRule, typeof FILTERS>('/yara-rules', 'yara.filters', FILTERS, (f) => ({ q: f.q }));
  const [editing, setEditing] = useState<Editing | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const admin = isAdmin(user);

  const toggle = async (r: YaraRule) => {
    setBusy(r.id);
    try {
      await agentsApi.updateRule(r.id, { enabled: !r.enabled });
      notify(t(r.enabled ? 'yara.disabledDone' : 'yara.enabledDone', { name: r.name }));
      list.reload();
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(null);
    }
  };

  const remove = async (r: YaraRule) => {
    if (!window.confirm(t('yara.confirmDelete', { name: r.name }))) return;
    setBusy(r.id);
    try {
      await agentsApi.deleteRule(r.id);
      notify(t('yara.deleted', { name: r.name }));
      if (editing?.id === r.id) setEditing(null);
      list.reload();
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(null);
    }
  };

  const columns: Column<YaraRule>[] = [
    {
      label: t('common.name'),
      cell: (r) => (
        <div>
          <strong class="mono">{r.name}</strong>
          {r.description && <div class="small muted">{r.description}</div>}
        </div>
      ),
    },
    { label: t('yara.ruleCount'), class: 'num', cell: (r) => r.rule_count },
    { label: t('yara.state'), class: 'nowrap', cell: (r) => (r.enabled ? <span class="badge badge-ok">{t('yara.enabled')}</span> : <span class="badge badge-muted">{t('yara.disabled')}</span>) },
    { label: t('yara.updated'), class: 'nowrap', cell: (r) => <VnTime value={r.updated_at || r.created_at} /> },
    { label: t('agents.tokens.createdBy'), cell: (r) => r.created_by_name || '—' },
    {
      label: t('intel.f.actions'),
      srOnly: true,
      class: 'row-actions',
      cell: (r) => (
        <div class="btn-row">
          <button type="button" class="btn btn-small" aria-expanded={editing?.id === r.id} onClick={() => setEditing(editing?.id === r.id ? null : { id: r.id, rule: r })}>
            {admin ? t('yara.edit') : t('yara.view')}
          </button>
          {admin && (
            <>
              <button type="button" class="btn btn-small btn-ghost" disabled={busy === r.id} onClick={() => void toggle(r)}>
                {r.enabled ? t('yara.disable') : t('yara.enable')}
              </button>
              <button type="button" class="btn btn-small btn-danger" disabled={busy === r.id} onClick={() => void remove(r)}>
                {t('form.delete')}
              </button>
            </>
          )}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('yara.title')} sub={t('yara.sub')}>
        <a class="btn" href={href('/agents')}>
          {t('nav.agents')}
        </a>
        {admin && (
          <button type="button" class="btn btn-primary" aria-expanded={editing?.id === null} onClick={() => setEditing(editing?.id === null ? null : { id: null })}>
            + {t('yara.add')}
          </button>
        )}
      </PageHeader>
      <div class="alert alert-info">{t('yara.eicar')}</div>
      {editing?.id === null && (
        <RuleEditor
          key="new"
          rule={null}
          readOnly={!admin}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <Filters>
        <TextFilter label={t('common.search')} grow value={list.f.q} placeholder={t('yara.searchPh')} onChange={(v) => list.set({ q: v })} />
      </Filters>
      <ResourceTable
        list={list}
        class="table-compact yara-table"
        empty={list.f.q ? t('common.noMatch') : t('yara.empty')}
        rowClass={(r) => (editing?.id === r.id ? 'expanded' : '')}
        detail={(r) =>
          editing !== null &&
          editing.id === r.id && (
            <RuleEditor
              key={r.id}
              rule={editing.rule}
              readOnly={!admin}
              onClose={() => setEditing(null)}
              onSaved={() => {
                setEditing(null);
                list.reload();
              }}
            />
          )
        }
        columns={columns}
      />
    </>
  );
}

/** Name, description, source (a textarea) and enabled; compile errors listed under the editor. */
function RuleEditor(props: { rule: YaraRule | null; readOnly: boolean; onClose: () => void; onSaved: () => void }) {
  const { t, notify } = useApp();
  const r = props.rule;
  const [name, setName] = useState(r?.name ?? '');
  const [description, setDescription] = useState(r?.description ?? '');
  const [source, setSource] = useState(r?.source ?? TEMPLATE);
  const [enabled, setEnabled] = useState(r?.enabled ?? true);
  const [busy, setBusy] = useState(false);
  const [nameErr, setNameErr] = useState<string | null>(null);
  const [sourceErr, setSourceErr] = useState<string | null>(null);
  const [apiErr, setApiErr] = useState<unknown>(null);
  const idp = `yara-${r?.id ?? 'new'}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    setNameErr(null);
    setSourceErr(null);
    setApiErr(null);
    if (!name.trim()) return setNameErr(t('form.required'));
    if (!source.trim()) return setSourceErr(t('form.required'));
    setBusy(true);
    try {
      const body = { name: name.trim(), description: description.trim(), source, enabled };
      const saved = r ? await agentsApi.updateRule(r.id, body) : await agentsApi.createRule(body);
      notify(t('yara.saved', { name: saved.name, n: saved.rule_count }));
      props.onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.field === 'source') setSourceErr(err.message);
      else if (err instanceof ApiError && err.field === 'name') setNameErr(err.message);
      else setApiErr(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card intel-card yara-editor" aria-labelledby={`${idp}-h`}>
      <div class="form-head">
        <h2 id={`${idp}-h`}>{r ? (props.readOnly ? r.name : t('yara.editTitle', { name: r.name })) : t('yara.add')}</h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={props.onClose}>
          {t('common.close')}
        </button>
      </div>
      <form class="form-grid" onSubmit={submit} noValidate>
        <ErrorBanner error={apiErr} />
        <Field id={`${idp}-name`} label={t('common.name')} required error={nameErr} hint={t('yara.nameHint')}>
          <input id={`${idp}-name`} value={name} autoComplete="off" readOnly={props.readOnly} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id={`${idp}-desc`} label={t('yara.description')}>
          <input id={`${idp}-desc`} value={description} readOnly={props.readOnly} onInput={(e) => setDescription((e.target as HTMLInputElement).value)} />
        </Field>
        <div class={`field field-wide${sourceErr ? ' has-error' : ''}`}>
          <span class="label-row">
            <label for={`${idp}-src`}>{t('yara.source')}</label>
            <span class="req" aria-hidden="true">
              *
            </span>
          </span>
          <textarea
            id={`${idp}-src`}
            class="mono yara-source"
            rows={16}
            spellcheck={false}
            readOnly={props.readOnly}
            aria-invalid={sourceErr ? 'true' : undefined}
            aria-describedby={sourceErr ? `${idp}-src-error` : undefined}
            value={source}
            onInput={(e) => setSource((e.target as HTMLTextAreaElement).value)}
          />
          {sourceErr && (
            <div class="field-error yara-errors" id={`${idp}-src-error`} role="alert" data-testid="yara-compile-error">
              <div>{t('yara.compileError')}</div>
              <ul>
                {yaraErrors(sourceErr).map((x) => (
                  <li class="mono">{x.line !== null ? `${t('yara.line', { n: x.line })}: ${x.text}` : x.text}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
        <div class="field field-wide">
          <label class="check">
            <input type="checkbox" checked={enabled} disabled={props.readOnly} onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)} />
            {t('yara.enabledLabel')}
          </label>
        </div>
        {!props.readOnly && (
          <div class="field field-wide intel-submit">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? t('form.saving') : r ? t('form.save') : t('form.create')}
            </button>
            <button type="button" class="btn btn-ghost" onClick={props.onClose}>
              {t('form.cancel')}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
