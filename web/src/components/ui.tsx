import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useApp } from '../context';
import { formatDate, parseDateInput, type TFunc } from '../i18n';

/** A spinner with what is being waited for (default: "loading"). */
export function Loading({ label }: { label?: string }) {
  const { t } = useApp();
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

export function Empty({ children }: { children?: ComponentChildren }) {
  const { t } = useApp();
  return <div class="state state-empty">{children ?? t('common.empty')}</div>;
}

/** Human text for an API error: localized summary of the code plus the server's message. */
export function errorText(t: TFunc, err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'network') return t('error.network');
    const key = `error.${err.code}`;
    const summary = t(key);
    const head = summary === key ? t('error.generic', { status: err.status }) : summary;
    return err.message && err.message !== head ? `${head}: ${err.message}` : head;
  }
  return err instanceof Error ? err.message : String(err);
}

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useApp();
  if (!error) return null;
  return (
    <div class="alert alert-error" role="alert">
      <span>{errorText(t, error)}</span>
      {onRetry && (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Field(props: {
  id: string;
  label: string;
  error?: string | null;
  hint?: ComponentChildren;
  required?: boolean;
  wide?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${props.error ? ' has-error' : ''}${props.wide ? ' field-wide' : ''}`}>
      <span class="label-row">
        <label for={props.id}>{props.label}</label>
        {props.required && (
          <span class="req" aria-hidden="true">
            *
          </span>
        )}
      </span>
      {props.children}
      {props.hint && <div class="hint">{props.hint}</div>}
      {props.error && (
        <div class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </div>
      )}
    </div>
  );
}

/** Field for a group of checkboxes/radios (fieldset + legend). */
export function FieldSet(props: { legend: string; error?: string | null; hint?: ComponentChildren; wide?: boolean; children: ComponentChildren }) {
  return (
    <fieldset class={`field${props.error ? ' has-error' : ''}${props.wide ? ' field-wide' : ''}`}>
      <legend>{props.legend}</legend>
      {props.children}
      {props.hint && <div class="hint">{props.hint}</div>}
      {props.error && (
        <div class="field-error" role="alert">
          {props.error}
        </div>
      )}
    </fieldset>
  );
}

/** 'ips[1]' → 'ips'; 'user.name' → 'user'. */
export function baseField(field: string): string {
  const m = /^[A-Za-z0-9_]+/.exec(field);
  return m ? m[0] : field;
}

/**
 * Errors of a form: client-side checks plus the API error, which is shown next to the field it
 * names (when the form has that field) or above the form otherwise.
 */
export function useFormErrors(fields: string[]) {
  const { t } = useApp();
  const [apiErr, setApiErr] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});

  const fieldMsg = (name: string): string | null => {
    if (local[name]) return local[name];
    if (apiErr instanceof ApiError && apiErr.field && baseField(apiErr.field) === name) {
      const idx = /\[(\d+)\]/.exec(apiErr.field);
      return idx ? `${t('form.item', { n: Number(idx[1]) + 1 })}: ${apiErr.message}` : apiErr.message;
    }
    return null;
  };
  const general = (): unknown => {
    if (!apiErr) return null;
    if (apiErr instanceof ApiError && apiErr.field && fields.includes(baseField(apiErr.field))) return null;
    return apiErr;
  };
  return {
    fieldMsg,
    general,
    setApiError: setApiErr,
    setLocal,
    clear: () => {
      setApiErr(null);
      setLocal({});
    },
    hasLocal: () => Object.keys(local).length > 0,
  };
}

/**
 * Pager for limit/offset lists. Lists answer `total`; the audit log answers only `has_more`,
 * so then the pager shows the page number without a page count.
 */
export function Pagination(props: {
  total?: number;
  hasMore?: boolean;
  count: number;
  limit: number;
  offset: number;
  onChange: (offset: number, limit: number) => void;
}) {
  const { t } = useApp();
  const { total, limit, offset, count } = props;
  const page = Math.floor(offset / limit) + 1;
  const known = typeof total === 'number';
  const from = count === 0 ? 0 : offset + 1;
  const to = offset + count;
  const more = known ? offset + limit < total! : !!props.hasMore;
  return (
    <nav class="pagination" aria-label={t('pager.label')}>
      <span class="pager-info">{known ? t('pager.range', { from, to, total: total! }) : t('pager.rangeOpen', { from, to })}</span>
      <span class="pager-controls">
        <button type="button" class="btn btn-small" disabled={offset <= 0} onClick={() => props.onChange(Math.max(0, offset - limit), limit)}>
          ‹ {t('pager.prev')}
        </button>
        <span class="pager-page">
          {known ? t('pager.page', { page, pages: Math.max(1, Math.ceil(total! / limit)) }) : t('pager.pageOpen', { page })}
        </span>
        <button type="button" class="btn btn-small" disabled={!more} onClick={() => props.onChange(offset + limit, limit)}>
          {t('pager.next')} ›
        </button>
        <label class="pager-size">
          <span class="sr-only">{t('pager.size')}</span>
          <select value={String(limit)} onChange={(e) => props.onChange(0, Number((e.target as HTMLSelectElement).value))}>
            {[25, 50, 100, 200].map((n) => (
              <option value={String(n)}>{t('pager.perPage', { n })}</option>
            ))}
          </select>
        </label>
      </span>
    </nav>
  );
}

/** Organisation picker, indented by tree depth. `allowEmpty` adds a first option with that label. */
export function OrgSelect(props: {
  id: string;
  value: number | null;
  onChange: (v: number | null) => void;
  allowEmpty?: string;
  exclude?: Set<number>;
  required?: boolean;
  disabled?: boolean;
}) {
  const { orgs } = useApp();
  return (
    <select
      id={props.id}
      disabled={props.disabled}
      value={props.value === null ? '' : String(props.value)}
      required={props.required}
      onChange={(e) => {
        const v = (e.target as HTMLSelectElement).value;
        props.onChange(v === '' ? null : Number(v));
      }}
    >
      {props.allowEmpty !== undefined && <option value="">{props.allowEmpty}</option>}
      {props.value !== null && !orgs.byId.has(props.value) && <option value={String(props.value)}>#{props.value}</option>}
      {orgs.ordered
        .filter(({ org }) => !props.exclude?.has(org.id))
        .map(({ org, depth }) => (
          <option value={String(org.id)}>
            {'\u00a0\u00a0'.repeat(depth)}
            {org.name}
          </option>
        ))}
    </select>
  );
}

export function OrgName({ id }: { id: number | null | undefined }) {
  const { orgs } = useApp();
  if (id === null || id === undefined) return <span class="muted">—</span>;
  const o = orgs.byId.get(id);
  return <span>{o ? o.name : `#${id}`}</span>;
}

/**
 * Date input in the display format of the current language (dd/mm/yyyy or yyyy-mm-dd);
 * `value` and `onChange` use ISO 'YYYY-MM-DD' ('' for empty). Invalid text reports null.
 */
export function DateInput(props: { id: string; value: string; onChange: (iso: string | null) => void; invalid?: boolean }) {
  const { lang, t } = useApp();
  const [text, setText] = useState(formatDate(lang, props.value));
  useEffect(() => {
    const parsed = parseDateInput(text);
    if (parsed !== props.value) setText(formatDate(lang, props.value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.value, lang]);
  return (
    <input
      id={props.id}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      placeholder={t('date.placeholder')}
      value={text}
      aria-invalid={props.invalid ? 'true' : undefined}
      onInput={(e) => {
        const v = (e.target as HTMLInputElement).value;
        setText(v);
        props.onChange(parseDateInput(v));
      }}
    />
  );
}

/** Due-date badge: overdue (red), due within 90 days (amber), otherwise plain. */
export function DueDate({ due }: { due: string | null | undefined }) {
  const { fmtDate, t } = useApp();
  if (!due) return <span class="muted">—</span>;
  const st = dueState(due);
  return (
    <span class={`due due-${st}`} title={st === 'overdue' ? t('due.overdue') : st === 'soon' ? t('due.soon') : undefined}>
      {fmtDate(due)}
      {st === 'overdue' && <span class="badge badge-danger">{t('due.overdue')}</span>}
      {st === 'soon' && <span class="badge badge-warn">{t('due.soon')}</span>}
    </span>
  );
}

export function dueState(due: string): 'overdue' | 'soon' | 'ok' {
  const today = new Date();
  const t0 = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(due);
  if (!m) return 'ok';
  const d = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  if (d < t0) return 'overdue';
  if (d - t0 <= 90 * 86400000) return 'soon';
  return 'ok';
}

export function LevelBadge({ level }: { level: number }) {
  const { t } = useApp();
  return (
    <span class={`level level-${level}`} title={t(`level.hint.${level}`)}>
      {t('level.short', { n: level })}
    </span>
  );
}

export function YesNo({ value }: { value: boolean }) {
  const { t } = useApp();
  return value ? <span class="badge badge-ok">{t('common.yes')}</span> : <span class="muted">{t('common.no')}</span>;
}

/** Label for an enum value (falls back to the raw value when untranslated). */
export function enumLabel(t: TFunc, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  const s = t(key);
  return s === key ? value : s;
}

/** A select among the values of an API enum, labelled from `${labels}.${value}` translations. */
export function EnumSelect<T extends string>(props: { id: string; value: T; values: T[]; labels: string; onChange: (v: T) => void; disabled?: boolean }) {
  const { t } = useApp();
  return (
    <select id={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as T)}>
      {props.values.map((x) => (
        <option value={x}>{enumLabel(t, props.labels, x)}</option>
      ))}
    </select>
  );
}

export function PageHeader(props: { title: string; children?: ComponentChildren; sub?: ComponentChildren }) {
  return (
    <div class="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.sub && <p class="page-sub">{props.sub}</p>}
      </div>
      {props.children && <div class="page-actions">{props.children}</div>}
    </div>
  );
}

/** Splits a textarea into trimmed non-empty lines. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A copy of `set` with `item` added (on) or removed (off); by default it flips. */
export function toggled<T>(set: Set<T>, item: T, on = !set.has(item)): Set<T> {
  const n = new Set(set);
  if (on) n.add(item);
  else n.delete(item);
  return n;
}

/** A value shown once (a token, a command) with a button that copies it to the clipboard. */
export function CopyRow(props: { text: string; block?: boolean; testId?: string }) {
  const { t, notify } = useApp();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      notify(t('sources.copied'));
    } catch {
      notify(t('sources.copyFailed'), 'error');
    }
  };
  return (
    <div class="copy-row">
      {props.block ? (
        <pre class="raw-text" data-testid={props.testId}>{props.text}</pre>
      ) : (
        <code class="mono token-value" data-testid={props.testId}>{props.text}</code>
      )}
      <button type="button" class="btn btn-small" onClick={() => void copy()}>
        {t('sources.copy')}
      </button>
    </div>
  );
}
