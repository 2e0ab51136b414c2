import { useState } from 'preact/hooks';
import { DETECTION_STATUSES, agentsApi, detectionActions, formatBytes, type AgentDetection, type DetectionAction, type DetectionStatus } from '../agents';
import { canWrite, useApp } from '../context';
import { useResourceList } from '../hooks';
import { href } from '../router';
import { Filters, SelectFilter, TextFilter } from '../components/Filters';
import { ResourceTable, type Column } from '../components/ResourceTable';
import { VnTime } from '../components/Monitoring';
import { OrgName, PageHeader, enumLabel, errorText } from '../components/ui';

// Files the agents found (YARA rules, hash indicators) and what became of them: detected,
// quarantined, restored or deleted. Quarantine, restore and delete are tasks the agent carries out
// on its next heartbeat; the status changes when it reports back.

export function QuarantinePage() {
  const { t } = useApp();
  return (
    <>
      <PageHeader title={t('quarantine.title')} sub={t('quarantine.sub')}>
        <a class="btn" href={href('/agents')}>
          {t('nav.agents')}
        </a>
      </PageHeader>
      <DetectionsSection />
    </>
  );
}

export function DetectionStatusBadge({ status }: { status: DetectionStatus | string }) {
  const { t } = useApp();
  const cls = status === 'detected' ? 'badge-danger' : status === 'quarantined' ? 'badge-warn' : status === 'deleted' ? 'badge-ok' : 'badge-muted';
  return <span class={`badge ${cls}`}>{enumLabel(t, 'detectionStatus', status)}</span>;
}

/** All detections (or one agent's, without the host column) with the status filter and the actions. */
export function DetectionsSection({ agentId }: { agentId?: number }) {
  const { t, user, notify } = useApp();
  const init = { status: '', q: '', offset: 0, limit: agentId === undefined ? 50 : 25 };
  const list = useResourceList<AgentDetection, typeof init>(
    '/agent-detections',
    agentId === undefined ? 'quarantine.filters' : `agent.${agentId}.detections`,
    init,
    (f) => ({ status: f.status, q: f.q, agent_id: agentId }),
  );
  const { f, set } = list;
  // Actions asked for and not yet reported back by the agent: detection id → action.
  const [asked, setAsked] = useState<Map<number, DetectionAction>>(new Map());
  const [busy, setBusy] = useState<number | null>(null);
  const writer = canWrite(user);

  const act = async (d: AgentDetection, action: DetectionAction) => {
    if (action === 'delete' && !window.confirm(t('quarantine.confirmDelete', { path: d.path, host: d.host }))) return;
    setBusy(d.id);
    try {
      await agentsApi.detectionAction(d.id, action);
      setAsked((m) => new Map(m).set(d.id, action));
      notify(t('quarantine.asked', { action: enumLabel(t, 'detectionAction', action) }));
    } catch (err) {
      notify(errorText(t, err), 'error');
      list.reload();
    } finally {
      setBusy(null);
    }
  };

  const columns: Column<AgentDetection>[] = [
    { label: t('quarantine.col.detectedAt'), class: 'nowrap', cell: (d) => <VnTime value={d.detected_at} /> },
  ];
  if (agentId === undefined) {
    columns.push(
      {
        label: t('quarantine.col.host'),
        cell: (d) => (
          <div>
            <a href={href(`/agents/${d.agent_id}`)} class="mono">
              {d.host || `#${d.agent_id}`}
            </a>
            {d.asset_id !== null && d.asset_id !== undefined && (
              <div class="small">
                <a href={href(`/assets/${d.asset_id}`)}>{t('agent.assetN', { id: d.asset_id })}</a>
              </div>
            )}
          </div>
        ),
      },
      { label: t('common.org'), cell: (d) => <OrgName id={d.org_id} /> },
    );
  }
  columns.push(
    {
      label: t('quarantine.col.file'),
      class: 'mono detection-path',
      cell: (d) => (
        <div>
          <span>{d.path}</span>
          <div class="small muted">
            {formatBytes(d.size)}
            {d.sha256 && <span title={d.sha256}> · sha256 {d.sha256.slice(0, 16)}…</span>}
          </div>
        </div>
      ),
    },
    {
      label: t('quarantine.col.rule'),
      cell: (d) => (
        <div>
          <span class="mono">{d.rule}</span> <span class="badge badge-muted">{enumLabel(t, 'detectionKind', d.kind)}</span>
          {d.label && <div class="small muted">{d.label}</div>}
        </div>
      ),
    },
    {
      label: t('quarantine.col.status'),
      class: 'nowrap',
      cell: (d) => (
        <div>
          <DetectionStatusBadge status={d.status} />
          {asked.has(d.id) && <div class="small muted">{t('quarantine.pending', { action: enumLabel(t, 'detectionAction', asked.get(d.id)!) })}</div>}
        </div>
      ),
    },
    {
      label: t('quarantine.col.alert'),
      class: 'nowrap',
      cell: (d) => (d.alert_id ? <a href={href(`/alerts/${d.alert_id}`)}>{t('quarantine.alertN', { id: d.alert_id })}</a> : <span class="muted">—</span>),
    },
  );
  if (writer) {
    columns.push({
      label: t('intel.f.actions'),
      srOnly: true,
      class: 'row-actions',
      cell: (d) => (
        <div class="btn-row">
          {detectionActions(d.status).map((action) => (
            <button
              type="button"
              class={`btn btn-small${action === 'delete' ? ' btn-danger' : action === 'restore' ? ' btn-ghost' : ''}`}
              data-action={action}
              disabled={busy === d.id || asked.has(d.id)}
              title={t(`detectionActionHint.${action}`)}
              onClick={() => void act(d, action)}
            >
              {enumLabel(t, 'detectionAction', action)}
            </button>
          ))}
        </div>
      ),
    });
  }

  return (
    <section class="intel-section" aria-labelledby={`detections-h-${agentId ?? 'all'}`}>
      <div class="section-head">
        <h2 id={`detections-h-${agentId ?? 'all'}`}>{t('quarantine.listTitle')}</h2>
        <button type="button" class="btn btn-small btn-ghost" onClick={() => { setAsked(new Map()); list.reload(); }}>
          ↻ {t('quarantine.refresh')}
        </button>
      </div>
      <p class="hint">{t('quarantine.hint')}</p>
      <Filters>
        <SelectFilter label={t('quarantine.col.status')} value={f.status} onChange={(v) => set({ status: v })} options={DETECTION_STATUSES.map((s) => [s, enumLabel(t, 'detectionStatus', s)])} />
        <TextFilter label={t('common.search')} grow value={f.q} placeholder={t('quarantine.searchPh')} onChange={(v) => set({ q: v })} />
      </Filters>
      <ResourceTable
        list={list}
        class="table-compact detections-table"
        empty={f.q || f.status ? t('common.noMatch') : t('quarantine.empty')}
        rowProps={(d) => ({ 'data-testid': 'detection-row', 'data-detection-id': String(d.id), 'data-status': d.status })}
        columns={columns}
      />
    </section>
  );
}
