import vi from './vi.json';
import en from './en.json';

export type Lang = 'vi' | 'en';
export const LANGS: Lang[] = ['vi', 'en'];
const STORAGE_KEY = 'vigil.lang';

const dicts: Record<Lang, Record<string, string>> = { vi, en };

export type TFunc = (key: string, params?: Record<string, string | number>) => string;

export function initialLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'vi' || v === 'en') return v;
  } catch {
    /* storage unavailable */
  }
  return 'vi';
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage unavailable */
  }
  document.documentElement.lang = lang;
}

export function translator(lang: Lang): TFunc {
  const d = dicts[lang];
  return (key, params) => {
    let s = d[key] ?? dicts.vi[key] ?? key;
    if (params) {
      for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
    }
    return s;
  };
}

/** Whether a translation exists (used for enum values the server may extend). */
export function hasKey(lang: Lang, key: string): boolean {
  return key in dicts[lang];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' (or a full timestamp) → dd/mm/yyyy (vi) or yyyy-mm-dd (en). */
export function formatDate(lang: Lang, value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  let y: string, mo: string, d: string;
  if (m) {
    [, y, mo, d] = m;
  } else {
    const dt = new Date(value);
    if (isNaN(dt.getTime())) return value;
    y = String(dt.getFullYear());
    mo = pad(dt.getMonth() + 1);
    d = pad(dt.getDate());
  }
  return lang === 'vi' ? `${d}/${mo}/${y}` : `${y}-${mo}-${d}`;
}

/** Timestamp → local date and time, dd/mm/yyyy HH:MM:SS (vi) or yyyy-mm-dd HH:MM:SS (en). */
export function formatDateTime(lang: Lang, value: string | null | undefined): string {
  if (!value) return '';
  const dt = new Date(value);
  if (isNaN(dt.getTime())) return value;
  const time = `${pad(dt.getHours())}:${pad(dt.getMinutes())}:${pad(dt.getSeconds())}`;
  const y = dt.getFullYear(), mo = pad(dt.getMonth() + 1), d = pad(dt.getDate());
  return lang === 'vi' ? `${d}/${mo}/${y} ${time}` : `${y}-${mo}-${d} ${time}`;
}

/**
 * Parses a date typed by the user: dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd.
 * Returns 'YYYY-MM-DD', '' for empty input, or null when invalid.
 */
export function parseDateInput(text: string): string | null {
  const s = text.trim();
  if (!s) return '';
  let y: number, mo: number, d: number;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) {
    y = +m[1]; mo = +m[2]; d = +m[3];
  } else {
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (!m) return null;
    d = +m[1]; mo = +m[2]; y = +m[3];
  }
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

export function todayIso(): string {
  const n = new Date();
  return `${n.getFullYear()}-${pad(n.getMonth() + 1)}-${pad(n.getDate())}`;
}

export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US').format(n);
}
