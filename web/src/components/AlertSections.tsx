import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type MonitoringStatus, type Suppression } from '../api';
import { canWrite, useApp } from '../context';
import { useResourceList } from '../hooks';
import { formatNumber } from '../i18n';
import { ResourceTable, type Column } from './ResourceTable';
import { VnTime } from './Monitoring';
import { OrgName, errorText } from './ui';

// The alerts page's secondary parts: the pipeline's health and the suppressed rule/host pairs.

const STATUS_REFRESH_MS = 30_000;

/** 1536 → "1,5 KiB". */
export function formatBytes(lang: 'vi' | 'en', n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const num = new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: i ? 1 : 0 }).format(v);
  return `${num} ${units[i]}`;
}

/** Events stored and received, rules, detection lag, listeners; refreshed every 30 s. */
export function MonitoringStatusCard() {
  const { t, lang } = useApp();
  const [data, setData] = useState<MonitoringStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.get<MonitoringStatus>('/monitoring/status').then(
        (d) => {
          if (!live) return;
          setData(d);
          setError(null);
        },
        (e) => live && setError(e),
      );
    void load();
    const h = setInterval(load, STATUS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(h);
    };
  }, []);

  // Not for this role: no card at all.
  if (error instanceof ApiError && error.status === 403) return null;
  if (!data) return error ? <p class="small muted">{t('mon.unavailable', { error: errorText(t, error) })}</p> : null;
  const n = (v: number | null | undefined) => formatNumber(lang, v ?? 0);
  return (
    <section class="card mon-card" aria-labelledby="mon-h">
      <h2 id="mon-h" class="sr-only">
        {t('mon.title')}
      </h2>
      <dl class="stats mon-stats">
        <div class="stat">
          <dt>{t('mon.eventsLastHour')}</dt>
          <dd>{n(data.events_last_hour)}</dd>
        </div>
        <div class="stat">
          <dt>{t('mon.eventsStored')}</dt>
          <dd>{n(data.events_stored)}</dd>
        </div>
        <div class="stat">
          <dt>{t('mon.rules')}</dt>
          <dd>
            {n(data.rules_loaded)}
            {data.rules_refused > 0 && <span class="badge badge-warn">{t('mon.rulesRefused', { n: n(data.rules_refused) })}</span>}
          </dd>
        </div>
        <div class="stat">
          <dt>{t('mon.lag')}</dt>
          <dd class={data.detection_lag_events > 1000 ? 'warn-text' : undefined}>{n(data.detection_lag_events)}</dd>
        </div>
        <div class="stat">
          <dt>{t('mon.queue')}</dt>
          <dd>{formatBytes(lang, data.queue_bytes ?? 0)}</dd>
        </div>
        <div class="stat">
          <dt>{t('mon.oldest')}</dt>
          <dd>
            <VnTime value={data.oldest_event} />
          </dd>
        </div>
        {(data.listeners ?? []).map((l) => (
          <div class="stat">
            <dt class="mono">{l.name}</dt>
            <dd>
              {t('mon.messages', { n: n(l.messages) })}
              {l.dropped > 0 && <span class="badge badge-danger">{t('mon.dropped', { n: n(l.dropped) })}</span>}
            </dd>
          </div>
        ))}
      </dl>
      {error ? <p class="small warn-text">{t('mon.stale', { error: errorText(t, error) })}</p> : null}
    </section>
  );
}

/** Rule/host pairs whose detections raise no alert (set when closing an alert); folded by default. */
export function SuppressionsSection() {
  const { t } = useApp();
  const [open, setOpen] = useState(false);
  return (
    <section class="intel-section supp-section" aria-labelledby="supp-h">
      <div class="section-head">
        <h2 id="supp-h">
          <button type="button" class="section-toggle" aria-expanded={open} aria-controls="supp-body" onClick={() => setOpen(!open)}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> {t('supp.title')}
          </button>
        </h2>
      </div>
      {open && (
        <div id="supp-body">
          <p class="hint">{t('supp.hint')}</p>
          <SuppressionsList />
        </div>
      )}
    </section>
  );
}

const SUPP_FILTERS = { offset: 0, limit: 25 };

function SuppressionsList() {
  const { t, user, notify } = useApp();
  const list = useResourceList<Suppression, typeof SUPP_FILTERS>('/suppressions', 'alerts.supp', SUPP_FILTERS, () => ({}), []);
  const remove = async (s: Suppression) => {
    if (!window.confirm(t('supp.confirmDelete', { rule: s.rule_title || s.rule_id, host: s.host }))) return;
    try {
      await api.del(`/suppressions/${s.id}`);
      notify(t('supp.deleted'));
      list.reload();
    } catch (err) {
      notify(errorText(t, err), 'error');
    }
  };
  const columns: Column<Suppression>[] = [
    { label: t('alerts.col.rule'), cell: (s) => <strong>{s.rule_title || s.rule_id}</strong> },
    { label: t('alerts.col.host'), class: 'mono', cell: (s) => s.host },
    { label: t('common.org'), cell: (s) => <OrgName id={s.org_id} /> },
    { label: t('supp.reason'), cell: (s) => s.reason || <span class="muted">—</span> },
    { label: t('supp.hits'), class: 'num', cell: (s) => s.hits },
    {
      label: t('supp.createdBy'),
      cell: (s) => (
        <div>
          {s.created_by_name || <span class="muted">—</span>}
          <div class="small muted">
            <VnTime value={s.created_at} />
          </div>
        </div>
      ),
    },
  ];
  if (canWrite(user)) {
    columns.push({
      label: t('intel.f.actions'),
      srOnly: true,
      class: 'row-actions',
      cell: (s) => (
        <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(s)}>
          {t('supp.delete')}
        </button>
      ),
    });
  }
  return <ResourceTable list={list} class="table-compact supp-table" empty={t('supp.empty')} columns={columns} />;
}
