import { useState } from 'preact/hooks';
import type { AlertSeverity, AlertStatus, StoredEvent } from '../api';
import { mitreTechnique } from '../alerts';
import { useApp } from '../context';
import type { StreamState } from '../hooks';
import { href } from '../router';
import { formatVnTime } from '../time';
import { enumLabel } from './ui';

// Pieces shared by the monitoring pages: alerts, alert detail, event search.

/** A time in Vietnam time (UTC+07:00) whatever the browser's zone; the UTC value on hover. */
export function VnTime({ value }: { value: string | null | undefined }) {
  const { lang } = useApp();
  if (!value) return <span class="muted">—</span>;
  return (
    <time dateTime={value} title={value}>
      {formatVnTime(value, lang)}
    </time>
  );
}

export function SeverityBadge({ severity }: { severity: string }) {
  const { t } = useApp();
  return <span class={`sev sev-${severity}`}>{enumLabel(t, 'severity', severity)}</span>;
}

export function AlertStatusBadge({ status }: { status: AlertStatus | string }) {
  const { t } = useApp();
  const cls = status === 'new' ? 'badge-danger' : status === 'acknowledged' ? 'badge-warn' : 'badge-muted';
  return <span class={`badge ${cls}`}>{enumLabel(t, 'alertStatus', status)}</span>;
}

/** "Trực tiếp" (green dot) / "Mất kết nối" (red) of the alert stream. */
export function LiveIndicator({ state }: { state: StreamState }) {
  const { t } = useApp();
  return (
    <span class={`live live-${state}`} data-testid="live-indicator" data-state={state} role="status" title={t(`live.hint.${state}`)}>
      <span class="live-dot" aria-hidden="true" />
      {t(`live.${state}`)}
    </span>
  );
}

/** Host name, with the asset it was matched to (a link) below. */
export function HostCell({ host, assetId, assetName }: { host: string; assetId: number | null; assetName: string | null }) {
  return (
    <div>
      <span class="mono">{host || '—'}</span>
      {assetId !== null && assetId !== undefined && (
        <div class="small">
          <a href={href(`/assets/${assetId}`)}>{assetName || `#${assetId}`}</a>
        </div>
      )}
    </div>
  );
}

/** Rule tags; MITRE ATT&CK techniques ("attack.t1059.001") as their id "T1059.001". */
export function TagList({ tags }: { tags: string[] }) {
  if (!tags || !tags.length) return <span class="muted">—</span>;
  return (
    <span class="tag-list">
      {tags.map((tag) => {
        const tech = mitreTechnique(tag);
        return tech ? (
          <span class="tag tag-mitre" title={tag}>
            {tech}
          </span>
        ) : (
          <span class="tag">{tag.replace(/^attack\./, '')}</span>
        );
      })}
    </span>
  );
}

export function severityOrder(s: AlertSeverity | string): number {
  return ['low', 'medium', 'high', 'critical'].indexOf(s);
}

function fieldText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A name → value table (an alert's matched fields, an event's normalised fields). */
export function FieldsTable(props: { fields: Record<string, unknown>; onPick?: (name: string, value: string) => void }) {
  const { t } = useApp();
  const keys = Object.keys(props.fields ?? {});
  if (!keys.length) return <p class="muted small">{t('events.noFields')}</p>;
  return (
    <table class="table table-compact fields-table">
      <thead>
        <tr>
          <th>{t('events.field')}</th>
          <th>{t('events.value')}</th>
          {props.onPick && (
            <th>
              <span class="sr-only">{t('events.addCondition')}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {keys.sort((a, b) => a.localeCompare(b)).map((k) => {
          const v = fieldText(props.fields[k]);
          return (
            <tr>
              <th scope="row" class="mono">
                {k}
              </th>
              <td class="mono field-value">{v}</td>
              {props.onPick && (
                <td class="row-actions">
                  <button type="button" class="btn btn-ghost btn-small" title={t('events.filterBy', { field: k })} onClick={() => props.onPick!(k, v)}>
                    {t('events.filterShort')}
                  </button>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The original text of an event (syslog line, JSON object) in a <pre>, folded by default. */
export function RawText({ raw, open: initial = false }: { raw: string; open?: boolean }) {
  const { t } = useApp();
  const [open, setOpen] = useState(initial);
  let text = raw ?? '';
  // A JSON object is easier to read indented.
  if (/^\s*[{[]/.test(text)) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      /* kept as received */
    }
  }
  return (
    <div class="raw">
      <button type="button" class="btn btn-ghost btn-small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} {open ? t('events.hideRaw') : t('events.showRaw')}
      </button>
      {open && <pre class="raw-text">{text}</pre>}
    </div>
  );
}

/** Everything of one event: where it came from, its raw text and its fields. */
export function EventDetail({ ev, rawOpen, onPick }: { ev: StoredEvent; rawOpen?: boolean; onPick?: (name: string, value: string) => void }) {
  const { t } = useApp();
  return (
    <div class="event-detail">
      <dl class="stats event-meta">
        <div class="stat">
          <dt>{t('events.time')}</dt>
          <dd>
            <VnTime value={ev.time} />
          </dd>
        </div>
        <div class="stat">
          <dt>{t('events.received')}</dt>
          <dd>
            <VnTime value={ev.received} />
          </dd>
        </div>
        {ev.original_time && (
          <div class="stat">
            <dt>{t('events.originalTime')}</dt>
            <dd class="mono">{ev.original_time}</dd>
          </div>
        )}
        <div class="stat">
          <dt>{t('events.source')}</dt>
          <dd class="mono">{ev.source}</dd>
        </div>
        {ev.peer && (
          <div class="stat">
            <dt>{t('events.peer')}</dt>
            <dd class="mono">{ev.peer}</dd>
          </div>
        )}
        <div class="stat">
          <dt>{t('events.id')}</dt>
          <dd class="mono">#{ev.id}</dd>
        </div>
      </dl>
      <RawText raw={ev.raw} open={rawOpen} />
      <FieldsTable fields={ev.fields} onPick={onPick} />
    </div>
  );
}
