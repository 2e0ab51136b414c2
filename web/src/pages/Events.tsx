import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, searchEvents, type StoredEvent } from '../api';
import { whereCondition } from '../alerts';
import { useApp } from '../context';
import { useStickyState } from '../hooks';
import { currentRoute } from '../router';
import { isoToVnInput, vnInputToIso } from '../time';
import { EventDetail, VnTime } from '../components/Monitoring';
import { Empty, ErrorBanner, Field, Loading, PageHeader, toggled } from '../components/ui';

// Event search for the duty officer: a time range (typed in Vietnam time), host, free text, any
// number of FIELD = VALUE conditions on the normalised fields, source type. Newest first; "load
// more" goes on from where the page stopped.

const PAGE = 100;
const SOURCE_TYPES = ['syslog', 'json'];

interface Cond {
  field: string;
  value: string;
}

interface SearchForm {
  from: string;
  to: string;
  host: string;
  q: string;
  where: Cond[];
  sourceType: string;
}

function sinceInput(hours: number): string {
  return isoToVnInput(Date.now() - hours * 3600_000);
}

function defaultForm(): SearchForm {
  return { from: sinceInput(24), to: '', host: '', q: '', where: [], sourceType: '' };
}

export function EventsPage() {
  const { t } = useApp();
  const [form, setForm] = useStickyState<SearchForm>('events.form', defaultForm());
  const [local, setLocal] = useState<Record<string, string>>({});
  const [items, setItems] = useState<StoredEvent[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const seq = useRef(0);
  // The query of the results shown, for "load more".
  const sent = useRef<Parameters<typeof searchEvents>[0] | null>(null);

  const set = (patch: Partial<SearchForm>) => setForm({ ...form, ...patch });

  const run = async (f: SearchForm, more = false) => {
    let q = sent.current;
    if (!more || !q) {
      const bad: Record<string, string> = {};
      const from = vnInputToIso(f.from);
      const to = vnInputToIso(f.to);
      if (from === null) bad.from = t('events.badTime');
      if (to === null) bad.to = t('events.badTime');
      if (from && to && from > to) bad.to = t('events.toBeforeFrom');
      const where: string[] = [];
      f.where.forEach((c) => {
        if (!c.field.trim() && !c.value.trim()) return;
        const w = whereCondition(c.field, c.value);
        if (w === null) bad.where = t('events.badCondition');
        else where.push(w);
      });
      setLocal(bad);
      if (Object.keys(bad).length) return;
      q = { from: from || undefined, to: to || undefined, host: f.host.trim(), q: f.q.trim(), where, source_type: f.sourceType, limit: PAGE };
    }
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const r = await searchEvents(more ? { ...q, before_id: next } : q);
      if (my !== seq.current) return;
      sent.current = q;
      setItems(more && items ? [...items, ...r.items] : r.items);
      setNext(r.next_before_id ?? null);
      if (!more) setOpen(new Set());
    } catch (e) {
      if (my === seq.current) setError(e);
    } finally {
      if (my === seq.current) setLoading(false);
    }
  };

  // One event by its id (`#/events?id=12`, linked from the botnet lists page), shown opened.
  const showEvent = async (id: number) => {
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const ev = await api.get<StoredEvent>(`/events/${id}`);
      if (my !== seq.current) return;
      sent.current = null;
      setItems([ev]);
      setNext(null);
      setOpen(new Set([ev.id]));
    } catch (e) {
      if (my === seq.current) setError(e);
    } finally {
      if (my === seq.current) setLoading(false);
    }
  };

  // Search at once on arrival; a link may bring a host and a time range
  // (`#/events?host=dc01&from=ISO&to=ISO`), or one event (`#/events?id=12`).
  useEffect(() => {
    const query = currentRoute().query;
    const id = query.get('id');
    if (id !== null && /^\d+$/.test(id)) {
      void showEvent(Number(id));
      return;
    }
    const host = query.get('host');
    const from = query.get('from');
    const to = query.get('to');
    const f =
      host !== null
        ? { ...defaultForm(), host, ...(from ? { from: isoToVnInput(from) || defaultForm().from } : {}), ...(to ? { to: isoToVnInput(to) } : {}) }
        : form;
    if (host !== null) setForm(f);
    void run(f);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    void run(form);
  };
  const quick = (hours: number) => {
    const f = { ...form, from: sinceInput(hours), to: '' };
    setForm(f);
    void run(f);
  };
  const setCond = (i: number, patch: Partial<Cond>) => set({ where: form.where.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const pick = (field: string, value: string) => {
    if (form.where.some((c) => c.field === field && c.value === value)) return;
    const f = { ...form, where: [...form.where.filter((c) => c.field.trim() || c.value.trim()), { field, value }] };
    setForm(f);
    void run(f);
  };

  return (
    <>
      <PageHeader title={t('events.title')} sub={t('events.sub')} />
      <form class="card events-form" onSubmit={submit} noValidate role="search">
        <div class="form-grid">
          <Field id="ev-from" label={t('events.from')} error={local.from} hint={t('events.tzHint')}>
            <input id="ev-from" type="datetime-local" value={form.from} onInput={(e) => set({ from: (e.target as HTMLInputElement).value })} />
          </Field>
          <Field id="ev-to" label={t('events.to')} error={local.to} hint={t('events.toHint')}>
            <input id="ev-to" type="datetime-local" value={form.to} onInput={(e) => set({ to: (e.target as HTMLInputElement).value })} />
          </Field>
          <Field id="ev-host" label={t('events.host')}>
            <input id="ev-host" type="search" value={form.host} placeholder={t('events.hostPh')} onInput={(e) => set({ host: (e.target as HTMLInputElement).value })} />
          </Field>
          <Field id="ev-type" label={t('events.sourceType')}>
            <select id="ev-type" value={form.sourceType} onChange={(e) => set({ sourceType: (e.target as HTMLSelectElement).value })}>
              <option value="">{t('common.all')}</option>
              {SOURCE_TYPES.map((s) => (
                <option value={s}>{t(`sourceType.${s}`)}</option>
              ))}
            </select>
          </Field>
          <Field id="ev-q" label={t('events.text')} wide hint={t('events.textHint')}>
            <input id="ev-q" type="search" value={form.q} onInput={(e) => set({ q: (e.target as HTMLInputElement).value })} />
          </Field>
          <fieldset class={`field field-wide${local.where ? ' has-error' : ''}`}>
            <legend>{t('events.conditions')}</legend>
            {form.where.map((c, i) => (
              <div class="cond-row">
                <input
                  class="mono"
                  aria-label={t('events.field')}
                  placeholder={t('events.fieldPh')}
                  value={c.field}
                  onInput={(e) => setCond(i, { field: (e.target as HTMLInputElement).value })}
                />
                <span class="cond-eq" aria-hidden="true">
                  =
                </span>
                <input
                  class="mono"
                  aria-label={t('events.value')}
                  placeholder={t('events.valuePh')}
                  value={c.value}
                  onInput={(e) => setCond(i, { value: (e.target as HTMLInputElement).value })}
                />
                <button type="button" class="btn btn-ghost btn-small" aria-label={t('events.removeCondition')} title={t('events.removeCondition')} onClick={() => set({ where: form.where.filter((_, j) => j !== i) })}>
                  ✕
                </button>
              </div>
            ))}
            <div>
              <button type="button" class="btn btn-small" onClick={() => set({ where: [...form.where, { field: '', value: '' }] })}>
                + {t('events.addCondition')}
              </button>
            </div>
            <div class="hint">{t('events.conditionsHint')}</div>
            {local.where && (
              <div class="field-error" role="alert">
                {local.where}
              </div>
            )}
          </fieldset>
        </div>
        <div class="form-actions events-actions">
          <button type="submit" class="btn btn-primary" disabled={loading}>
            {t('common.search')}
          </button>
          <span class="btn-row">
            <button type="button" class="btn btn-ghost btn-small" onClick={() => quick(1)}>
              {t('events.last1h')}
            </button>
            <button type="button" class="btn btn-ghost btn-small" onClick={() => quick(24)}>
              {t('events.last24h')}
            </button>
            <button type="button" class="btn btn-ghost btn-small" onClick={() => quick(24 * 7)}>
              {t('events.last7d')}
            </button>
          </span>
        </div>
      </form>
      <ErrorBanner error={error} onRetry={() => void run(form)} />
      {items === null ? (
        loading ? <Loading /> : null
      ) : items.length === 0 ? (
        <Empty>{t('events.empty')}</Empty>
      ) : (
        <>
          <p class="hint">{t('events.shown', { n: items.length })}</p>
          <div class={`table-wrap${loading ? ' is-loading' : ''}`}>
            <table class="table table-compact table-cards events-table">
              <thead>
                <tr>
                  <th>
                    <span class="sr-only">{t('events.details')}</span>
                  </th>
                  <th>{t('events.time')}</th>
                  <th>{t('events.host')}</th>
                  <th>{t('events.source')}</th>
                  <th>{t('events.message')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((ev) => {
                  const isOpen = open.has(ev.id);
                  return (
                    <Fragment key={ev.id}>
                      <tr class={`clickable${isOpen ? ' expanded' : ''}`} data-testid="event-row" data-event-id={String(ev.id)} onClick={(e) => {
                        if ((e.target as HTMLElement).closest('a, button')) return;
                        setOpen(toggled(open, ev.id));
                      }}>
                        <td class="cell-toggle">
                          <button
                            type="button"
                            class="tree-toggle"
                            aria-expanded={isOpen}
                            aria-label={isOpen ? t('events.hide') : t('events.show')}
                            onClick={() => setOpen(toggled(open, ev.id))}
                          >
                            {isOpen ? '▾' : '▸'}
                          </button>
                        </td>
                        <td data-label={t('events.time')} class="nowrap">
                          <VnTime value={ev.time} />
                        </td>
                        <td data-label={t('events.host')} class="mono">
                          {ev.host || <span class="muted">—</span>}
                        </td>
                        <td data-label={t('events.source')} class="mono small">
                          {ev.source}
                        </td>
                        <td data-label={t('events.message')} class="event-message">
                          {ev.message || <span class="muted">{t('events.noMessage')}</span>}
                        </td>
                      </tr>
                      {isOpen && (
                        <tr class="detail-row">
                          <td colSpan={5}>
                            <EventDetail ev={ev} rawOpen onPick={pick} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div class="load-more">
            {next !== null ? (
              <button type="button" class="btn" disabled={loading} onClick={() => void run(form, true)}>
                {loading ? t('common.loading') : t('events.loadMore')}
              </button>
            ) : (
              <span class="muted small">{t('events.end')}</span>
            )}
          </div>
        </>
      )}
    </>
  );
}
