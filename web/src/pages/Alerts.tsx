import { useEffect, useRef, useState } from 'preact/hooks';
import { ALERT_SEVERITIES, ALERT_STATUSES, OPEN_ALERT_STATUSES, alertsApi, type Alert } from '../api';
import { alertMatches, mergeAlert, type AlertFilters } from '../alerts';
import { subtreeIds, useApp } from '../context';
import { useEventStream, useResourceList, type StreamState } from '../hooks';
import { href, navigate } from '../router';
import { Filters, OrgFilter, SelectFilter, TextFilter } from '../components/Filters';
import { ResourceTable, type Column } from '../components/ResourceTable';
import { AlertStatusBadge, HostCell, LiveIndicator, SeverityBadge, VnTime } from '../components/Monitoring';
import { MonitoringStatusCard, SuppressionsSection } from '../components/AlertSections';
import { OrgName, PageHeader, enumLabel } from '../components/ui';

// The duty officer's live console: open alerts first, new ones pushed by the server (Server-Sent
// Events) appear at the top without a reload. The pipeline's health and the suppressions below.

const FILTERS = { status: 'open', severity: '', host: '', q: '', org: null as number | null, offset: 0, limit: 50 };
/** How long a pushed alert stays highlighted. */
const FRESH_MS = 10_000;
const SOUND_KEY = 'vigil.alertSound';

function loadSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

/** A short tone (Web Audio: no sound file, nothing outside 'self'). */
function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.08;
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.onended = () => void ctx.close();
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
  } catch {
    /* no audio */
  }
}

export function AlertsPage() {
  const { t, orgs } = useApp();
  const list = useResourceList<Alert, typeof FILTERS>(
    '/alerts',
    'alerts.filters',
    FILTERS,
    (f) => ({
      status: f.status === 'open' ? OPEN_ALERT_STATUSES : f.status,
      severity: f.severity,
      host: f.host,
      q: f.q,
      org_id: f.org,
    }),
    ['host', 'q'],
  );
  const { f, set } = list;

  // The loaded page plus what the stream pushed since.
  const [items, setItems] = useState<Alert[] | null>(null);
  const [added, setAdded] = useState(0);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [sound, setSound] = useState(loadSound);
  // Mirrors `items` at once, for several pushes before the next render.
  const itemsRef = useRef<Alert[] | null>(null);
  useEffect(() => {
    itemsRef.current = list.data ? list.data.items : null;
    setItems(itemsRef.current);
    setAdded(0);
  }, [list.data]);

  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  useEffect(() => () => timers.current.forEach((h) => clearTimeout(h)), []);
  const markFresh = (id: number) => {
    setFresh((s) => new Set(s).add(id));
    const old = timers.current.get(id);
    if (old) clearTimeout(old);
    timers.current.set(
      id,
      setTimeout(() => {
        timers.current.delete(id);
        setFresh((s) => {
          const n = new Set(s);
          n.delete(id);
          return n;
        });
      }, FRESH_MS),
    );
  };

  // The latest filters and state for the stream handler (registered once).
  const ctx = useRef({ f, orgs, sound, offset: list.offset });
  ctx.current = { f, orgs, sound, offset: list.offset };

  const onAlert = (a: Alert) => {
    const c = ctx.current;
    if (!a || typeof a.id !== 'number') return;
    const orgSet = c.f.org !== null ? subtreeIds(c.orgs, c.f.org) : null;
    const filters: AlertFilters = { status: c.f.status, severity: c.f.severity, host: c.f.host, q: c.f.q, org: c.f.org };
    const matches = alertMatches(a, filters, orgSet);
    const prev = itemsRef.current;
    if (!prev) return;
    const r = mergeAlert(prev, a, c.offset === 0 && matches);
    if (r.items === prev) return;
    itemsRef.current = r.items;
    setItems(r.items);
    if (r.added) {
      setAdded((n) => n + 1);
      if (c.sound) beep();
    }
    if (matches) markFresh(a.id);
  };

  const stream: StreamState = useEventStream<Alert>(alertsApi.streamUrl(), 'alert', onAlert, list.reload);

  const toggleSound = () => {
    const on = !sound;
    setSound(on);
    try {
      localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
    } catch {
      /* storage unavailable */
    }
    if (on) beep();
  };

  const shown = list.data && items ? { ...list, data: { ...list.data, items, total: list.data.total !== undefined ? list.data.total + added : undefined } } : list;
  const filtered = f.status !== 'open' || !!f.severity || !!f.host || !!f.q || f.org !== null;

  const columns: Column<Alert>[] = [
    { label: t('alerts.col.severity'), class: 'nowrap', cell: (a) => <SeverityBadge severity={a.severity} /> },
    {
      label: t('alerts.col.rule'),
      cell: (a) => (
        <div>
          <a class="row-link" href={href(`/alerts/${a.id}`)}>
            {a.rule_title || a.rule_id}
          </a>
          {a.false_positive && <span class="badge badge-muted">{t('alerts.falsePositive')}</span>}
        </div>
      ),
    },
    { label: t('alerts.col.host'), cell: (a) => <HostCell host={a.host} assetId={a.asset_id} assetName={a.asset_name} /> },
    { label: t('common.org'), cell: (a) => <OrgName id={a.org_id} /> },
    { label: t('alerts.col.count'), class: 'num', cell: (a) => a.count },
    { label: t('alerts.col.firstSeen'), class: 'nowrap', cell: (a) => <VnTime value={a.first_seen} /> },
    { label: t('alerts.col.lastSeen'), class: 'nowrap', cell: (a) => <VnTime value={a.last_seen} /> },
    { label: t('alerts.col.status'), class: 'nowrap', cell: (a) => <AlertStatusBadge status={a.status} /> },
  ];

  return (
    <>
      <PageHeader title={t('alerts.title')} sub={t('alerts.sub')}>
        <LiveIndicator state={stream} />
        <button type="button" class="btn btn-ghost btn-small" aria-pressed={sound} onClick={toggleSound} title={t('alerts.soundHint')}>
          {sound ? `♪ ${t('alerts.soundOn')}` : t('alerts.soundOff')}
        </button>
      </PageHeader>
      <MonitoringStatusCard />
      <Filters>
        <SelectFilter
          label={t('alerts.col.status')}
          value={f.status}
          onChange={(v) => set({ status: v })}
          options={[['open', t('alerts.statusOpen')], ...ALERT_STATUSES.map((s): [string, string] => [s, enumLabel(t, 'alertStatus', s)])]}
        />
        <SelectFilter
          label={t('alerts.col.severity')}
          value={f.severity}
          onChange={(v) => set({ severity: v })}
          options={ALERT_SEVERITIES.map((s) => [s, enumLabel(t, 'severity', s)])}
        />
        <OrgFilter id="alerts-f-org" value={f.org} onChange={(v) => set({ org: v })} />
        <TextFilter label={t('alerts.col.host')} value={f.host} placeholder={t('alerts.hostPh')} onChange={(v) => set({ host: v })} />
        <TextFilter label={t('common.search')} grow value={f.q} placeholder={t('alerts.searchPh')} onChange={(v) => set({ q: v })} />
      </Filters>
      <ResourceTable
        list={shown}
        class="table-compact alerts-table"
        empty={filtered ? t('common.noMatch') : t('alerts.empty')}
        rowClass={(a) => `clickable sev-row-${a.severity}${fresh.has(a.id) ? ' alert-fresh' : ''}`}
        rowProps={(a) => ({
          'data-testid': 'alert-row',
          'data-alert-id': String(a.id),
          'data-status': a.status,
          onClick: (e: MouseEvent) => {
            if ((e.target as HTMLElement).closest('a, button, input, select')) return;
            navigate(`/alerts/${a.id}`);
          },
        })}
        columns={columns}
      />
      <SuppressionsSection />
    </>
  );
}
