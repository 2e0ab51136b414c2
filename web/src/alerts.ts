// Pure helpers of the live alert list (no DOM, no API calls): also checked by web/test/alerts.test.mjs.

import type { Alert } from './api';

/** The alert list's filters as typed. `status` '' = all, 'open' = new or acknowledged. */
export interface AlertFilters {
  status: string;
  severity: string;
  host: string;
  q: string;
  org: number | null;
}

/**
 * Whether an alert pushed by the stream belongs in the list the filters show (the server applies
 * the same filters to the list itself). `orgs`: the chosen organisation and its descendants.
 */
export function alertMatches(a: Alert, f: AlertFilters, orgs: Set<number> | null): boolean {
  if (f.status === 'open' ? a.status === 'closed' : f.status && a.status !== f.status) return false;
  if (f.severity && a.severity !== f.severity) return false;
  const host = f.host.trim().toLowerCase();
  if (host && !`${a.host} ${a.asset_name ?? ''}`.toLowerCase().includes(host)) return false;
  const q = f.q.trim().toLowerCase();
  if (q) {
    const text = [a.rule_title, a.rule_id, a.host, a.asset_name ?? '', a.rule_description, ...(a.tags ?? [])].join(' ').toLowerCase();
    if (!q.split(/\s+/).every((w) => text.includes(w))) return false;
  }
  if (orgs && (a.org_id === null || !orgs.has(a.org_id))) return false;
  return true;
}

/**
 * The list with a pushed alert merged in: replaced where it is (same id), otherwise added at the
 * top when `prepend` (the first page), or left out. `added` tells whether it is new to the list.
 */
export function mergeAlert(items: Alert[], a: Alert, prepend: boolean): { items: Alert[]; added: boolean } {
  const i = items.findIndex((x) => x.id === a.id);
  if (i >= 0) {
    // An older copy (the stream may deliver a change the list already has) never wins.
    if (items[i].updated_at && a.updated_at && a.updated_at < items[i].updated_at) return { items, added: false };
    const copy = items.slice();
    copy[i] = { ...items[i], ...a };
    return { items: copy, added: false };
  }
  if (!prepend) return { items, added: false };
  return { items: [a, ...items], added: true };
}

/** "attack.t1059.001" → "T1059.001" (a MITRE ATT&CK technique), else null. */
export function mitreTechnique(tag: string): string | null {
  const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag.trim());
  return m ? m[1].toUpperCase() : null;
}

/** "FIELD=VALUE" of an event search condition (the first '=' splits), or null without a field. */
export function whereCondition(field: string, value: string): string | null {
  const f = field.trim();
  if (!f || f.includes('=')) return null;
  return `${f}=${value}`;
}
