import { useEffect, useState } from 'preact/hooks';
import { alertsApi, type Alert, type AlertDetail } from '../api';
import { canWrite, useApp } from '../context';
import { useEventStream } from '../hooks';
import { href } from '../router';
import { CloseAlertDialog } from '../components/CloseAlertDialog';
import { AlertStatusBadge, EventDetail, FieldsTable, HostCell, LiveIndicator, SeverityBadge, TagList, VnTime } from '../components/Monitoring';
import { ErrorBanner, Field, LevelBadge, Loading, OrgName, PageHeader, enumLabel, errorText } from '../components/ui';

// One alert: the rule, what matched, where, the latest events with their raw text, and the duty
// officer's workflow (acknowledge with a note, close with a reason, reopen). Kept up to date by
// the alert stream.

export function AlertDetailPage({ id }: { id: number }) {
  const { t, user } = useApp();
  const [alert, setAlert] = useState<AlertDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    alertsApi.get(id).then(
      (a) => live && setAlert(a),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id, tick]);

  // Keeps the events shown with the alert (the answers of the actions and the stream carry none).
  const update = (a: Alert) => setAlert((cur) => (cur && cur.id === a.id ? { ...cur, ...a, events: cur.events } : cur));
  const stream = useEventStream<Alert>(
    alertsApi.streamUrl(),
    'alert',
    (a) => {
      if (a && a.id === id) {
        // More events folded in: fetch them.
        if (alert && a.count !== alert.count) setTick((x) => x + 1);
        else update(a);
      }
    },
    () => setTick((x) => x + 1),
  );

  const back = (
    <a class="btn btn-ghost" href={href('/alerts')}>
      ← {t('alert.back')}
    </a>
  );

  if (error && !alert) {
    return (
      <>
        <PageHeader title={t('alert.title')}>{back}</PageHeader>
        <ErrorBanner error={error} onRetry={() => setTick(tick + 1)} />
      </>
    );
  }
  if (!alert) return <Loading />;
  const a = alert;

  return (
    <>
      <PageHeader title={a.rule_title || a.rule_id} sub={<span class="alert-sub"><SeverityBadge severity={a.severity} /> <AlertStatusBadge status={a.status} /> <span class="muted">#{a.id}</span></span>}>
        <LiveIndicator state={stream} />
        {back}
      </PageHeader>
      <ErrorBanner error={error} />
      <div class="alert-grid">
        <section class="card" aria-labelledby="alert-where-h">
          <h2 id="alert-where-h">{t('alert.where')}</h2>
          <dl class="kv">
            <dt>{t('alerts.col.host')}</dt>
            <dd>
              <HostCell host={a.host} assetId={a.asset_id} assetName={a.asset_name} />
            </dd>
            <dt>{t('common.org')}</dt>
            <dd>
              <OrgName id={a.org_id} />
            </dd>
            <dt>{t('alert.system')}</dt>
            <dd>
              {a.system_id !== null && a.system_id !== undefined ? <a href={href(`/systems/${a.system_id}`)}>#{a.system_id}</a> : <span class="muted">—</span>}{' '}
              {a.system_security_level ? <LevelBadge level={a.system_security_level} /> : null}
            </dd>
            <dt>{t('alerts.col.count')}</dt>
            <dd>{a.count}</dd>
            <dt>{t('alerts.col.firstSeen')}</dt>
            <dd>
              <VnTime value={a.first_seen} />
            </dd>
            <dt>{t('alerts.col.lastSeen')}</dt>
            <dd>
              <VnTime value={a.last_seen} />
            </dd>
          </dl>
        </section>
        <WorkflowCard alert={a} writable={canWrite(user)} onChanged={update} />
        <section class="card card-wide" aria-labelledby="alert-rule-h">
          <h2 id="alert-rule-h">{t('alert.rule')}</h2>
          <dl class="kv">
            <dt>{t('alert.ruleId')}</dt>
            <dd class="mono">{a.rule_id}</dd>
            <dt>{t('alert.ruleLevel')}</dt>
            <dd>{enumLabel(t, 'ruleLevel', a.rule_level)}</dd>
            <dt>{t('alert.tags')}</dt>
            <dd>
              <TagList tags={a.tags} />
            </dd>
          </dl>
          {a.rule_description && <p class="rule-desc">{a.rule_description}</p>}
          <h3>{t('alert.matched')}</h3>
          <FieldsTable fields={a.fields ?? {}} />
        </section>
      </div>
      <section class="intel-section" aria-labelledby="alert-events-h">
        <div class="section-head">
          <h2 id="alert-events-h">{t('alert.events', { n: a.events?.length ?? 0, total: a.count })}</h2>
          <a class="btn btn-small" href={href(`/events?host=${encodeURIComponent(a.host)}`)}>
            {t('alert.searchHost')}
          </a>
        </div>
        {a.events && a.events.length ? (
          a.events.map((ev, i) => (
            <article class="card event-card" data-testid="alert-event" data-event-id={String(ev.id)}>
              <h3 class="event-card-h">{ev.message || t('events.noMessage')}</h3>
              <EventDetail ev={ev} rawOpen={i === 0} />
            </article>
          ))
        ) : (
          <p class="muted">{t('alert.noEvents')}</p>
        )}
      </section>
    </>
  );
}

/** Who acknowledged / closed and when; the acknowledge, close and reopen actions. */
function WorkflowCard({ alert: a, writable, onChanged }: { alert: Alert; writable: boolean; onChanged: (a: Alert) => void }) {
  const { t, notify } = useApp();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [closing, setClosing] = useState(false);

  const run = async (fn: () => Promise<Alert>, done: string) => {
    setBusy(true);
    try {
      onChanged(await fn());
      notify(done);
      setNote('');
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="alert-wf-h">
      <h2 id="alert-wf-h">{t('alert.handling')}</h2>
      <dl class="kv">
        <dt>{t('alerts.col.status')}</dt>
        <dd>
          <AlertStatusBadge status={a.status} />
          {a.false_positive && <span class="badge badge-muted">{t('alerts.falsePositive')}</span>}
        </dd>
        {a.acknowledged_at && (
          <>
            <dt>{t('alert.ackBy')}</dt>
            <dd>
              {a.acknowledged_by_name || '—'} · <VnTime value={a.acknowledged_at} />
            </dd>
          </>
        )}
        {a.note && (
          <>
            <dt>{t('alert.note')}</dt>
            <dd class="pre-line">{a.note}</dd>
          </>
        )}
        {a.closed_at && (
          <>
            <dt>{t('alert.closedBy')}</dt>
            <dd>
              {a.closed_by_name || '—'} · <VnTime value={a.closed_at} />
            </dd>
          </>
        )}
        {a.close_reason && (
          <>
            <dt>{t('alert.close.reason')}</dt>
            <dd class="pre-line">{a.close_reason}</dd>
          </>
        )}
      </dl>
      {writable && (
        <div class="wf-actions">
          {a.status === 'new' && (
            <Field id="ack-note" label={t('alert.ackNote')} hint={t('alert.ackNoteHint')}>
              <textarea id="ack-note" rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
            </Field>
          )}
          <div class="btn-row">
            {a.status === 'new' && (
              <button type="button" class="btn btn-primary" data-testid="ack-button" disabled={busy} onClick={() => void run(() => alertsApi.acknowledge(a.id, note.trim() || undefined), t('alert.ackDone'))}>
                {t('alert.ack')}
              </button>
            )}
            {a.status !== 'closed' && (
              <button type="button" class="btn" data-testid="close-button" disabled={busy} onClick={() => setClosing(true)}>
                {t('alert.closeAction')}
              </button>
            )}
            {a.status === 'closed' && (
              <button type="button" class="btn" data-testid="reopen-button" disabled={busy} onClick={() => void run(() => alertsApi.reopen(a.id), t('alert.reopenDone'))}>
                {t('alert.reopen')}
              </button>
            )}
          </div>
        </div>
      )}
      {closing && (
        <CloseAlertDialog
          alert={a}
          onClose={() => setClosing(false)}
          onDone={(x) => {
            setClosing(false);
            onChanged(x);
          }}
        />
      )}
    </section>
  );
}
