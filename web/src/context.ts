import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Org, User } from './api';
import type { Lang, TFunc } from './i18n';

export interface OrgIndex {
  list: Org[];
  byId: Map<number, Org>;
  children: Map<number | null, Org[]>;
  /** Orgs in tree order with their depth (for indented selects). */
  ordered: { org: Org; depth: number }[];
  loaded: boolean;
}

export interface AppState {
  user: User;
  lang: Lang;
  t: TFunc;
  setLang: (l: Lang) => void;
  orgs: OrgIndex;
  reloadOrgs: () => Promise<void>;
  fmtDate: (v: string | null | undefined) => string;
  fmtDateTime: (v: string | null | undefined) => string;
  notify: (msg: string, kind?: 'ok' | 'error') => void;
  logout: () => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('AppContext missing');
  return ctx;
}

export function buildOrgIndex(list: Org[], loaded = true): OrgIndex {
  const byId = new Map<number, Org>();
  for (const o of list) byId.set(o.id, o);
  const children = new Map<number | null, Org[]>();
  for (const o of list) {
    // An org whose parent is outside the user's scope is shown as a root.
    const p = o.parent_id !== null && byId.has(o.parent_id) ? o.parent_id : null;
    const arr = children.get(p) ?? [];
    arr.push(o);
    children.set(p, arr);
  }
  for (const arr of children.values()) arr.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  const ordered: { org: Org; depth: number }[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number) => {
    for (const o of children.get(parent) ?? []) {
      if (seen.has(o.id)) continue;
      seen.add(o.id);
      ordered.push({ org: o, depth });
      walk(o.id, depth + 1);
    }
  };
  walk(null, 0);
  return { list, byId, children, ordered, loaded };
}

/** Ids of an org and all its descendants. */
export function subtreeIds(idx: OrgIndex, root: number): Set<number> {
  const out = new Set<number>([root]);
  const stack = [root];
  while (stack.length) {
    const id = stack.pop()!;
    for (const c of idx.children.get(id) ?? []) {
      if (!out.has(c.id)) {
        out.add(c.id);
        stack.push(c.id);
      }
    }
  }
  return out;
}

/** Organisation a new record starts in: the user's own when visible, else the first in the tree. */
export function defaultOrgId(user: User, orgs: OrgIndex): number | null {
  return user.org_id !== null && orgs.byId.has(user.org_id) ? user.org_id : orgs.ordered[0]?.org.id ?? null;
}

export function canWrite(user: User): boolean {
  return user.role !== 'viewer';
}

/** Adding or moving organisations: not unit officers; top-level ones only for unscoped users. */
export function canAddOrg(user: User, topLevel: boolean): boolean {
  if (user.role !== 'admin' && user.role !== 'analyst') return false;
  return !topLevel || user.org_id === null;
}

export function canSeeAudit(user: User): boolean {
  return user.role === 'admin' || user.role === 'analyst' || user.role === 'viewer';
}

export function isAdmin(user: User): boolean {
  return user.role === 'admin';
}
