// Pure helpers of the botnet lists page (pages/Intel.tsx): links from its answers to the event
// search, and the reading of NAT attribution evidence. No imports: unit-tested on their own.

/** Windows of the recent-connections check (`recent`); "0" skips it (import only). */
export const RECENT_WINDOWS = ['7d', '30d', '0'] as const;
export type RecentWindow = (typeof RECENT_WINDOWS)[number];

/** An attribution evidence entry: "event:ID" (stored events), "log:LINE" (uploaded log), else text. */
export type Evidence = { kind: 'event'; id: number } | { kind: 'log'; line: number } | { kind: 'text'; text: string };

export function parseEvidence(ev: string): Evidence {
  let m = /^event:(\d+)$/.exec(ev);
  if (m) return { kind: 'event', id: Number(m[1]) };
  m = /^log:(\d+)$/.exec(ev);
  if (m) return { kind: 'log', line: Number(m[1]) };
  return { kind: 'text', text: ev };
}

/** Route of one stored event on the event search page (`#/events?id=12`). */
export function eventPath(id: number): string {
  return `/events?id=${id}`;
}

/**
 * Route of the event search for a host between two instants (ISO), widened by `padSeconds` on
 * both sides: the search form works to the minute.
 */
export function eventSearchPath(host: string, from?: string | null, to?: string | null, padSeconds = 60): string {
  const p = new URLSearchParams();
  p.set('host', host);
  const shift = (iso: string, s: number) => {
    const ms = Date.parse(iso);
    return isNaN(ms) ? null : new Date(ms + s * 1000).toISOString().replace(/\.000Z$/, 'Z');
  };
  const f = from ? shift(from, -padSeconds) : null;
  const t = to ? shift(to, padSeconds) : null;
  if (f) p.set('from', f);
  if (t) p.set('to', t);
  return `/events?${p.toString()}`;
}
