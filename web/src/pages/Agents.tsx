import { useState } from 'preact/hooks';
import { AGENT_STATUSES, agentHealth, agentsApi, enrollCommand, tokenState, type Agent, type AgentHealth, type CreatedEnrollmentToken, type EnrollmentToken } from '../agents';
import { canWrite, defaultOrgId, useApp } from '../context';
import { useResourceList } from '../hooks';
import { href, navigate } from '../router';
import { formatVnTime } from '../time';
import { Filters, SelectFilter, TextFilter } from '../components/Filters';
import { ResourceTable, type Column } from '../components/ResourceTable';
import { VnTime } from '../components/Monitoring';
import { CopyRow, ErrorBanner, Field, OrgName, OrgSelect, PageHeader, enumLabel, useFormErrors } from '../components/ui';

// Endpoint agents (vigil-agent) on the organisations' servers and workstations: their health
// (heard from lately or not), last scan, and the enrolment of a new host with a one-time token
// (shown once, with the command to run on the host). The tokens issued are listed below.

const FILTERS = { status: 'active', q: '', offset: 0, limit: 50 };
const TOKEN_FILTERS = { offset: 0, limit: 25 };

/** ok (green) / stale (amber) / revoked (grey). */
export function HealthBadge({ health }: { health: AgentHealth }) {
  const { t } = useApp();
  const cls = health === 'ok' ? 'badge-ok' : health === 'stale' ? 'badge-warn' : 'badge-muted';
  return (
    <span class={`badge ${cls}`} data-health={health} title={t(`agentHealth.hint.${health}`)}>
      {enumLabel(t, 'agentHealth', health)}
    </span>
  );
}

export function AgentsPage() {
  const { t, user } = useApp();
  const list = useResourceList<Agent, typeof FILTERS>('/agents', 'agents.filters', FILTERS, (f) => ({ status: f.status, q: f.q }));
  const { f, set } = list;
  const tokens = useResourceList<EnrollmentToken, typeof TOKEN_FILTERS>('/agents/enrollment-tokens', 'agents.tokens', TOKEN_FILTERS, () => ({}), []);
  const [enrolling, setEnrolling] = useState(false);
  const [created, setCreated] = useState<CreatedEnrollmentToken | null>(null);
  const writer = canWrite(user);
  const now = Date.now();

  const columns: Column<Agent>[] = [
    {
      label: t('agents.col.name'),
      cell: (a) => (
        <div>
          <a class="row-link" href={href(`/agents/${a.id}`)}>
            {a.name}
          </a>
          <div class="small muted">{[a.os, a.version && `vigil-agent ${a.version}`].filter(Boolean).join(' · ') || '—'}</div>
        </div>
      ),
    },
    { label: t('common.org'), cell: (a) => <OrgName id={a.org_id} /> },
    { label: t('agents.col.health'), class: 'nowrap', cell: (a) => <HealthBadge health={agentHealth(a, now)} /> },
    {
      label: t('agents.col.addresses'),
      class: 'mono',
      cell: (a) => (a.addresses?.length ? <span class="ip-list">{a.addresses.slice(0, 3).map((ip) => <span>{ip}</span>)}{a.addresses.length > 3 && <span class="muted">+{a.addresses.length - 3}</span>}</span> : <span class="muted">—</span>),
    },
    { label: t('agents.col.lastSeen'), class: 'nowrap', cell: (a) => (a.last_seen ? <VnTime value={a.last_seen} /> : <span class="muted">{t('sources.never')}</span>) },
    {
      label: t('agents.col.lastScan'),
      class: 'nowrap',
      cell: (a) =>
        a.last_scan_at ? (
          <div>
            <VnTime value={a.last_scan_at} />
            {typeof a.last_scan?.stats?.detections === 'number' && a.last_scan.stats.detections > 0 && (
              <div class="small warn-text">{t('agents.detectionsN', { n: a.last_scan.stats.detections })}</div>
            )}
          </div>
        ) : (
          <span class="muted">{t('agents.noScan')}</span>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t('agents.title')} sub={t('agents.sub')}>
        <a class="btn" href={href('/quarantine')}>
          {t('nav.quarantine')}
        </a>
        <a class="btn" href={href('/yara')}>
          {t('nav.yara')}
        </a>
        {writer && (
          <button type="button" class="btn btn-primary" aria-expanded={enrolling} onClick={() => setEnrolling(!enrolling)}>
            + {t('agents.enroll')}
          </button>
        )}
      </PageHeader>
      {writer && enrolling && (
        <EnrollForm
          onCancel={() => setEnrolling(false)}
          onCreated={(tok) => {
            setCreated(tok);
            setEnrolling(false);
            tokens.reload();
          }}
        />
      )}
      {created && <TokenOnce token={created} onDismiss={() => setCreated(null)} />}
      <Filters>
        <SelectFilter label={t('agents.col.status')} value={f.status} onChange={(v) => set({ status: v })} options={AGENT_STATUSES.map((s) => [s, enumLabel(t, 'agentStatus', s)])} />
        <TextFilter label={t('common.search')} grow value={f.q} placeholder={t('agents.searchPh')} onChange={(v) => set({ q: v })} />
      </Filters>
      <ResourceTable
        list={list}
        class="table-compact agents-table"
        empty={f.q || f.status !== 'active' ? t('common.noMatch') : t('agents.empty')}
        rowClass={() => 'clickable'}
        rowProps={(a) => ({
          'data-testid': 'agent-row',
          'data-agent-id': String(a.id),
          onClick: (e: MouseEvent) => {
            if ((e.target as HTMLElement).closest('a, button, input, select')) return;
            navigate(`/agents/${a.id}`);
          },
        })}
        columns={columns}
      />
      <section class="intel-section" aria-labelledby="agent-tokens-h">
        <div class="section-head">
          <h2 id="agent-tokens-h">{t('agents.tokens.title')}</h2>
        </div>
        <p class="hint">{t('agents.tokens.hint')}</p>
        <ResourceTable
          list={tokens}
          class="table-compact tokens-table"
          empty={t('agents.tokens.empty')}
          columns={[
            { label: t('agents.tokens.id'), class: 'mono', cell: (x) => `#${x.id}` },
            { label: t('agents.tokens.note'), cell: (x) => x.note || <span class="muted">—</span> },
            { label: t('common.org'), cell: (x) => <OrgName id={x.org_id} /> },
            { label: t('agents.tokens.expires'), class: 'nowrap', cell: (x) => <VnTime value={x.expires_at} /> },
            { label: t('agents.tokens.state'), class: 'nowrap', cell: (x) => <TokenStateCell token={x} /> },
            { label: t('agents.tokens.createdBy'), cell: (x) => x.created_by_name || <span class="muted">—</span> },
          ]}
        />
      </section>
    </>
  );
}

function TokenStateCell({ token }: { token: EnrollmentToken }) {
  const { t } = useApp();
  const st = tokenState(token);
  if (st === 'used') {
    return (
      <div>
        <span class="badge badge-ok">{t('tokenState.used')}</span>
        {token.agent_id ? (
          <div class="small">
            <a href={href(`/agents/${token.agent_id}`)}>{t('agents.tokens.agent', { id: token.agent_id })}</a>
          </div>
        ) : null}
      </div>
    );
  }
  return <span class={`badge ${st === 'expired' ? 'badge-muted' : 'badge-warn'}`}>{t(`tokenState.${st}`)}</span>;
}

/** "Enrol a host": a one-time token for an organisation, with a note and how long it is valid. */
function EnrollForm({ onCreated, onCancel }: { onCreated: (tok: CreatedEnrollmentToken) => void; onCancel: () => void }) {
  const { t, user, orgs } = useApp();
  const [org, setOrg] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const [hours, setHours] = useState('24');
  const [busy, setBusy] = useState(false);
  const fe = useFormErrors(['org_id', 'note', 'expires_in_hours']);
  const orgId = org ?? defaultOrgId(user, orgs);

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const h = Number(hours.trim());
    if (!/^\d+$/.test(hours.trim()) || h < 1 || h > 720) return fe.setLocal({ expires_in_hours: t('agents.enrollHoursBad') });
    setBusy(true);
    try {
      const tok = await agentsApi.createToken({ org_id: orgId ?? undefined, note: note.trim() || undefined, expires_in_hours: h });
      setNote('');
      onCreated(tok);
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card intel-card" aria-labelledby="agent-enroll-h">
      <div class="form-head">
        <h2 id="agent-enroll-h">{t('agents.enroll')}</h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={onCancel}>
          {t('common.close')}
        </button>
      </div>
      <p class="hint">{t('agents.enrollHint')}</p>
      <form class="form-grid" onSubmit={submit} noValidate>
        <ErrorBanner error={fe.general()} />
        <Field id="enroll-org" label={t('common.org')} error={fe.fieldMsg('org_id')}>
          <OrgSelect id="enroll-org" value={orgId} onChange={setOrg} />
        </Field>
        <Field id="enroll-hours" label={t('agents.enrollHours')} error={fe.fieldMsg('expires_in_hours')} hint={t('agents.enrollHoursHint')}>
          <input id="enroll-hours" type="number" min={1} max={720} class="narrow-input" value={hours} onInput={(e) => setHours((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="enroll-note" label={t('agents.tokens.note')} wide error={fe.fieldMsg('note')} hint={t('agents.enrollNoteHint')}>
          <input id="enroll-note" value={note} autoComplete="off" onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
        </Field>
        <div class="field field-wide intel-submit">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? t('form.saving') : t('agents.enrollCreate')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The new token (never shown again), the command to run on the host and copy buttons. */
function TokenOnce({ token, onDismiss }: { token: CreatedEnrollmentToken; onDismiss: () => void }) {
  const { t, lang } = useApp();
  const command = enrollCommand(window.location.origin, token.token);
  return (
    <section class="card token-card" role="status" aria-labelledby="agent-token-h" data-testid="enroll-token">
      <div class="form-head">
        <h2 id="agent-token-h">{t('agents.tokenTitle')}</h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={onDismiss}>
          {t('common.close')}
        </button>
      </div>
      <div class="alert alert-warn">{t('agents.tokenOnce', { at: formatVnTime(token.expires_at, lang) })}</div>
      <h3>{t('agents.tokenCommand')}</h3>
      <CopyRow text={command} block testId="enroll-command" />
      <p class="hint">{t('agents.tokenCommandHint')}</p>
      <h3>{t('agents.token')}</h3>
      <CopyRow text={token.token} />
      {token.server_certificate_sha256 && (
        <>
          <h3>{t('agents.tokenFingerprint')}</h3>
          <code class="mono token-value">{token.server_certificate_sha256}</code>
          <p class="hint">{t('agents.tokenFingerprintHint')}</p>
        </>
      )}
    </section>
  );
}
