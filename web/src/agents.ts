// Endpoint agents (vigil-agent): the API's types and calls, and the pure helpers of the agent
// pages (pages/Agents.tsx, AgentDetail.tsx, Quarantine.tsx, YaraRules.tsx): health, the
// enrolment command, the inventory's weak spots, the settings form. The helpers use nothing
// from the browser: unit-tested on their own (test/agents.test.mjs).

import { api } from './api';

// ---------- types ----------

export type AgentStatus = 'active' | 'revoked';
export type AgentHealth = 'ok' | 'stale' | 'revoked';
export type TaskStatus = 'pending' | 'sent' | 'done' | 'failed';
export type DetectionStatus = 'detected' | 'quarantined' | 'restored' | 'deleted';
export type DetectionAction = 'quarantine' | 'restore' | 'delete';

export const AGENT_STATUSES: AgentStatus[] = ['active', 'revoked'];
export const TASK_STATUSES: TaskStatus[] = ['pending', 'sent', 'done', 'failed'];
export const DETECTION_STATUSES: DetectionStatus[] = ['detected', 'quarantined', 'restored', 'deleted'];

/** A one-time enrolment token as listed (the token itself is never listed). */
export interface EnrollmentToken {
  id: number;
  org_id: number | null;
  note: string;
  expires_at: string;
  used_at: string | null;
  agent_id: number | null;
  created_by_name?: string;
}

/** The answer to the creation of a token: the only time the token is shown. */
export interface CreatedEnrollmentToken extends EnrollmentToken {
  token: string;
  server_certificate_sha256: string | null;
}

export interface ScanStats {
  files_seen: number;
  files_scanned: number;
  files_unchanged: number;
  files_too_large: number;
  errors: number;
  bytes_scanned: number;
  seconds: number;
  detections: number;
}

export interface AgentScan {
  paths: string[];
  stats: Partial<ScanStats>;
  scheduled: boolean;
}

export interface AgentHealthReport {
  queued_events?: number;
  dropped_events?: number;
  rules_version?: string;
  rules?: number;
  hash_indicators?: number;
}

export interface Agent {
  id: number;
  name: string;
  org_id: number | null;
  asset_id: number | null;
  status: AgentStatus;
  version: string;
  os: string;
  kernel: string;
  addresses: string[];
  package_count: number | null;
  last_seen: string | null;
  last_scan_at: string | null;
  last_scan: AgentScan | null;
  health: AgentHealthReport | null;
  dropped_events: number | null;
  revoked_at: string | null;
  revoked_by_name: string | null;
  created_at: string;
}

export interface AgentSettings {
  scan_paths: string[];
  scan_interval_hours: number;
  cpu_percent: number;
  max_file_mb: number;
  quarantine: boolean;
  heartbeat_seconds: number;
}

export interface AgentWithSettings extends Agent {
  settings: AgentSettings;
}

export interface AgentTask {
  id: number;
  agent_id: number;
  kind: string;
  args: { paths?: string[]; path?: string; [k: string]: unknown };
  status: TaskStatus;
  result: unknown;
  created_by_name: string;
  created_at: string;
}

export interface AgentDetection {
  id: number;
  agent_id: number;
  org_id: number | null;
  asset_id: number | null;
  host: string;
  path: string;
  rule: string;
  kind: 'yara' | 'hash' | string;
  label: string;
  sha256: string | null;
  size: number | null;
  status: DetectionStatus;
  quarantine_id: string | null;
  alert_id: number | null;
  detected_at: string;
}

export interface YaraRule {
  id: number;
  name: string;
  description: string;
  source: string;
  enabled: boolean;
  rule_count: number;
  created_by_name: string;
  created_at: string;
  updated_at: string;
}

export interface PasswordPolicy {
  min_length?: number | null;
  max_days?: number | null;
  min_days?: number | null;
  warn_days?: number | null;
  min_classes?: number | null;
  dcredit?: number | null;
  ucredit?: number | null;
  lcredit?: number | null;
  ocredit?: number | null;
  sources?: string[];
}

export interface BrowserStore {
  user: string;
  browser: string;
  profile: string;
  path: string;
  saved_logins: number | null;
}

export interface Package {
  name: string;
  version: string;
  arch: string;
  manager: string;
  status: string;
}

export interface Inventory {
  system?: { hostname?: string; os_id?: string; os_name?: string; os_version?: string; kernel?: string; arch?: string };
  addresses?: { interface: string; ip: string; loopback: boolean }[];
  packages?: Package[];
  listening?: { proto: string; ip: string; port: number; pid: number | null; process: string }[];
  connections?: { proto: string; local_ip: string; local_port: number; remote_ip: string; remote_port: number; pid: number | null; process: string }[];
  processes?: { pid: number; ppid: number; name: string; path: string; user: string; cmdline: string; sha256: string | null }[];
  accounts?: { name: string; uid: number; gid: number; home: string; shell: string; login: boolean }[];
  password_policy?: PasswordPolicy | null;
  browser_stores?: BrowserStore[];
  warnings?: string[];
}

export interface AgentInventory {
  agent_id: number;
  collected_at: string | null;
  inventory: Inventory | null;
}

// ---------- calls ----------

export const agentsApi = {
  createToken: (body: { org_id?: number | null; note?: string; expires_in_hours?: number }) =>
    api.post<CreatedEnrollmentToken>('/agents/enrollment-tokens', body),
  get: (id: number) => api.get<AgentWithSettings>(`/agents/${id}`),
  update: (id: number, body: { asset_id?: number | null; settings?: Partial<AgentSettings> }) => api.patch<Agent>(`/agents/${id}`, body),
  inventory: (id: number) => api.get<AgentInventory>(`/agents/${id}/inventory`),
  revoke: (id: number) => api.post<Agent>(`/agents/${id}/revoke`),
  scan: (id: number, paths?: string[]) => api.post<AgentTask>(`/agents/${id}/scans`, paths && paths.length ? { paths } : {}),
  detectionAction: (id: number, action: DetectionAction) => api.post<AgentTask>(`/agent-detections/${id}/${action}`),
  createRule: (body: { name: string; description: string; source: string; enabled: boolean }) => api.post<YaraRule>('/yara-rules', body),
  updateRule: (id: number, body: Partial<Pick<YaraRule, 'name' | 'description' | 'source' | 'enabled'>>) => api.patch<YaraRule>(`/yara-rules/${id}`, body),
  deleteRule: (id: number) => api.del(`/yara-rules/${id}`),
};

// ---------- health ----------

/** An agent is stale after 3 missed heartbeats, and never before 5 minutes. */
export const STALE_AFTER_MS = 5 * 60 * 1000;

export function staleAfterMs(heartbeatSeconds?: number | null): number {
  return heartbeatSeconds && heartbeatSeconds > 0 ? Math.max(STALE_AFTER_MS, 3 * heartbeatSeconds * 1000) : STALE_AFTER_MS;
}

/** ok (heard from lately), stale (silent, or never heard from) or revoked. */
export function agentHealth(a: Pick<Agent, 'status' | 'last_seen'>, now: number = Date.now(), heartbeatSeconds?: number | null): AgentHealth {
  if (a.status === 'revoked') return 'revoked';
  const seen = a.last_seen ? Date.parse(a.last_seen) : NaN;
  if (Number.isNaN(seen)) return 'stale';
  return now - seen > staleAfterMs(heartbeatSeconds) ? 'stale' : 'ok';
}

// ---------- enrolment ----------

/** The command to run on the host to enrol it. */
export function enrollCommand(origin: string, token: string): string {
  return `vigil-agent enroll --server ${origin.replace(/\/+$/, '')} --token ${token}`;
}

export type TokenState = 'used' | 'expired' | 'pending';

export function tokenState(tok: Pick<EnrollmentToken, 'used_at' | 'agent_id' | 'expires_at'>, now: number = Date.now()): TokenState {
  if (tok.used_at || tok.agent_id) return 'used';
  const exp = Date.parse(tok.expires_at);
  return !Number.isNaN(exp) && exp <= now ? 'expired' : 'pending';
}

// ---------- inventory ----------

/** Why a password policy is weak (the keys name messages): empty when it is fine. */
export type PolicyIssue = 'minLengthUnset' | 'minLengthShort' | 'maxDaysUnset' | 'maxDaysLong';

function setNumber(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Minimum length under 8 or unset; maximum age unset (or "never", 99999) or over 90 days. */
export function passwordPolicyIssues(p: PasswordPolicy | null | undefined): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  const min = p?.min_length;
  if (!setNumber(min) || min <= 0) out.push('minLengthUnset');
  else if (min < 8) out.push('minLengthShort');
  const max = p?.max_days;
  if (!setNumber(max) || max <= 0) out.push('maxDaysUnset');
  else if (max > 90) out.push('maxDaysLong');
  return out;
}

/** Browser profiles holding saved passwords (the guidance is not to keep them there). */
export function riskyBrowserStores(stores: BrowserStore[] | null | undefined): BrowserStore[] {
  return (stores ?? []).filter((s) => (s.saved_logins ?? 0) > 0);
}

/** The packages matching `q` (name, version, arch, manager; every word), at most `max` of them. */
export function filterPackages(pkgs: Package[] | null | undefined, q: string, max: number): { shown: Package[]; matched: number; total: number } {
  const all = pkgs ?? [];
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const matched = words.length
    ? all.filter((p) => {
        const text = `${p.name} ${p.version} ${p.arch} ${p.manager}`.toLowerCase();
        return words.every((w) => text.includes(w));
      })
    : all;
  return { shown: matched.slice(0, max), matched: matched.length, total: all.length };
}

// ---------- settings and scans ----------

/** The settings form as typed. */
export interface SettingsForm {
  scan_paths: string;
  scan_interval_hours: string;
  cpu_percent: string;
  max_file_mb: string;
  quarantine: boolean;
}

export function settingsForm(s: AgentSettings): SettingsForm {
  return {
    scan_paths: (s.scan_paths ?? []).join('\n'),
    scan_interval_hours: String(s.scan_interval_hours ?? ''),
    cpu_percent: String(s.cpu_percent ?? ''),
    max_file_mb: String(s.max_file_mb ?? ''),
    quarantine: !!s.quarantine,
  };
}

/** Trimmed non-empty lines (scan paths, one per line). */
export function pathLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The first path that is not absolute (scan paths must be), or null. */
export function badPath(paths: string[]): string | null {
  return paths.find((p) => !p.startsWith('/')) ?? null;
}

const RANGES: Record<'scan_interval_hours' | 'cpu_percent' | 'max_file_mb', [number, number]> = {
  scan_interval_hours: [0, 720],
  cpu_percent: [1, 100],
  max_file_mb: [1, 4096],
};

/**
 * The settings change of a form: only what differs from `current`, or the problems found
 * (field → { min, max } for a number out of range, or { path } for a relative path).
 */
export function settingsPatch(
  current: AgentSettings,
  form: SettingsForm,
): { patch: Partial<AgentSettings>; errors: Record<string, { min?: number; max?: number; path?: string }> } {
  const patch: Partial<AgentSettings> = {};
  const errors: Record<string, { min?: number; max?: number; path?: string }> = {};
  const paths = pathLines(form.scan_paths);
  const bad = badPath(paths);
  if (bad !== null) errors.scan_paths = { path: bad };
  else if (paths.join('\n') !== (current.scan_paths ?? []).join('\n')) patch.scan_paths = paths;
  for (const key of Object.keys(RANGES) as (keyof typeof RANGES)[]) {
    const [min, max] = RANGES[key];
    const text = form[key].trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) errors[key] = { min, max };
    else if (n !== current[key]) patch[key] = n;
  }
  if (form.quarantine !== !!current.quarantine) patch.quarantine = form.quarantine;
  return { patch, errors };
}

/** The form field an API error names: "settings.cpu_percent" → "cpu_percent", "settings.scan_paths[2]" → "scan_paths". */
export function settingsField(field: string | null | undefined): string | null {
  if (!field) return null;
  const m = /^(?:body\.)?(?:settings\.)?([A-Za-z0-9_]+)/.exec(field);
  return m ? m[1] : null;
}

// ---------- detections ----------

/** What may be asked of the agent for a detected file. */
export function detectionActions(status: DetectionStatus | string): DetectionAction[] {
  if (status === 'detected') return ['quarantine'];
  if (status === 'quarantined') return ['restore', 'delete'];
  return [];
}

// ---------- YARA ----------

/** The compile errors of a rule file ("name:line: message", one a line), parsed where possible. */
export function yaraErrors(message: string): { file: string | null; line: number | null; text: string }[] {
  return message
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(.*?):(\d+):\s*(.*)$/.exec(s);
      return m ? { file: m[1] || null, line: Number(m[2]), text: m[3] } : { file: null, line: null, text: s };
    });
}

/** Bytes as B / KB / MB / GB (1024-based, one decimal above bytes). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}
