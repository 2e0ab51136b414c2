// Times of the monitoring pages (alerts, events) are shown and typed in Vietnam time (UTC+07:00)
// whatever the browser's time zone: the duty officers and the reports they write use it. The API
// speaks ISO UTC ("2026-11-21T03:00:00Z"). No dependency on the browser zone, so this module is
// also checked by web/test/time.test.mjs.

/** Vietnam's offset from UTC (no daylight saving time). */
export const VN_OFFSET_MS = 7 * 3600 * 1000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The parts of the wall-clock time in Vietnam of an instant. */
function vnParts(ms: number) {
  const d = new Date(ms + VN_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
  };
}

function toMs(value: string | number | Date): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return Date.parse(value);
}

/**
 * ISO UTC → "dd/MM/yyyy HH:mm:ss" in Vietnam time ('vi', the default), or "yyyy-MM-dd HH:mm:ss"
 * ('en', the console's English date order). '' for nothing; the text as is when it is no time.
 */
export function formatVnTime(value: string | number | Date | null | undefined, lang: 'vi' | 'en' = 'vi'): string {
  if (value === null || value === undefined || value === '') return '';
  const ms = toMs(value);
  if (!Number.isFinite(ms)) return String(value);
  const p = vnParts(ms);
  const time = `${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
  return lang === 'en' ? `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)} ${time}` : `${pad(p.d)}/${pad(p.mo)}/${pad(p.y, 4)} ${time}`;
}

/**
 * The value of an <input type="datetime-local"> ("yyyy-MM-ddTHH:mm", seconds optional), read as
 * Vietnam time → ISO UTC without milliseconds ("2026-11-21T03:00:00Z"). '' for empty input,
 * null when it is no valid time.
 */
export function vnInputToIso(local: string): string | null {
  const s = local.trim();
  if (!s) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return new Date(wall - VN_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An instant → the value of an <input type="datetime-local"> in Vietnam time ("yyyy-MM-ddTHH:mm"). */
export function isoToVnInput(value: string | number | Date): string {
  const ms = toMs(value);
  if (!Number.isFinite(ms)) return '';
  const p = vnParts(ms);
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}`;
}
