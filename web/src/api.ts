// REST client for the Vigil API (docs/API.md). Cookie session + double-submit CSRF header.

export const API_BASE = '/api/v1';

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string | null;
}

export class ApiError extends Error {
  status: number;
  code: string;
  field: string | null;
  retryAfter: number | null;
  body: unknown;

  constructor(status: number, code: string, message: string, field: string | null, body: unknown, retryAfter: number | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

export interface ListResponse<T> {
  items: T[];
  /** Absent for the audit log, which answers `has_more` instead. */
  total?: number;
  has_more?: boolean;
  limit: number;
  offset: number;
}

export type Role = 'admin' | 'analyst' | 'unit_officer' | 'viewer';

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  org_id: number | null;
  disabled: boolean;
  last_login_at?: string | null;
  locked_until?: string | null;
  created_at?: string;
  updated_at?: string;
}

export type OrgKind = 'province' | 'department' | 'peoples_committee' | 'commune' | 'unit' | 'other';

export interface Org {
  id: number;
  parent_id: number | null;
  name: string;
  code: string;
  kind: OrgKind;
  address: string;
  public_ranges: string[];
  last_assessment_date: string | null;
  next_assessment_due?: string | null;
  created_at?: string;
  updated_at?: string;
}

export type InfoType = 'public' | 'private' | 'personal' | 'state_secret';
export type SystemType = 'internal' | 'public_service' | 'shared_infrastructure' | 'industrial_control';
export type OnlineServiceLevel = 'none' | 'partial' | 'full';
export type Scope = 'agency' | 'province' | 'national';

export interface InfoSystem {
  id: number;
  name: string;
  description: string;
  owner_org_id: number;
  operator_org_id: number | null;
  security_level: number;
  info_types: InfoType[];
  system_type: SystemType;
  online_service_level: OnlineServiceLevel;
  personal_data_subjects: number;
  scope: Scope;
  needs_24x7: boolean;
  approval_decision: string;
  approval_date: string | null;
  last_assessment_date: string | null;
  next_assessment_due?: string | null;
  created_at?: string;
  updated_at?: string;
}

export type AssetRole = 'server' | 'workstation' | 'network_device';

export interface Asset {
  id: number;
  hostname: string;
  org_id: number;
  role: AssetRole;
  ips: string[];
  mac: string;
  os: string;
  os_version: string;
  system_ids: number[];
  description: string;
  created_at?: string;
  updated_at?: string;
}

export interface Contact {
  id: number;
  name: string;
  position: string;
  phone: string;
  email: string;
  org_id: number;
  on_call: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  kind: string;
  object_id: number | string | null;
  org_id: number | null;
  before: unknown;
  after: unknown;
}

export interface Dashboard {
  org_id: number | null;
  systems_by_level: Record<string, number>;
  assets_by_role: Record<string, number>;
  contacts: number;
  on_call: Contact[];
  assessments_due: { kind: 'system' | 'org'; id: number; name: string; due: string; overdue?: boolean }[];
}

export interface ImportResult {
  created: number;
  updated: number;
  errors: { line: number; field?: string; message: string }[];
}

export type IntelListFormat = 'auto' | 'botnet-csv' | 'xlsx' | 'plain' | 'drop' | 'drop-json' | 'feodo' | 'stix' | 'misp-csv' | 'misp-json';

/** An imported indicator list (botnet IP list, feed). */
export interface IntelList {
  id: number;
  name: string;
  format: string;
  org_id: number | null;
  entries: number;
  rejected: number;
  expired: number;
  imported_by_name: string;
  created_at: string;
}

/** A list entry that was skipped (or, strict, refused the list): `file:line: field: reason`. */
export interface IntelIssue {
  file: string;
  line: number;
  field: string;
  reason: string;
}

export type FindingStatus = 'open' | 'cleaned' | 'false_positive';

/** One of the organisation's addresses found on an imported list. */
export interface Finding {
  id: number;
  list_id: number;
  org_id: number;
  asset_id: number | null;
  system_security_level: number | null;
  ip: string;
  indicator: string;
  family: string;
  listed_time: string | null;
  listed_port: number | null;
  dest_ip: string | null;
  status: FindingStatus;
  note: string;
  resolved_at: string | null;
  resolved_by: string | null;
  created_at: string;
  updated_at: string;
}

/** An address of a list seen in stored events: one per list entry, address and reporting host. */
export interface IntelConnection {
  /** The address as written in the event. */
  ip: string;
  /** The list entry that matched (an address or a network). */
  indicator: string;
  family: string | null;
  /** The host that reported the events (often a firewall). */
  host: string;
  asset_id: number | null;
  org_id: number | null;
  events: number;
  first_time: string;
  last_time: string;
  /** At most 5. */
  event_ids: number[];
}

/** "Did any of our hosts talk to a listed address lately?" (null: not checked, or no monitoring). */
export interface IntelConnections {
  since: string;
  events_examined: number;
  truncated: boolean;
  /** Items found in all (`items` holds at most 1,000, newest first). */
  groups: number;
  items: IntelConnection[];
}

export interface IntelImportResult {
  list: IntelList;
  issues: IntelIssue[];
  findings: Finding[];
  /** Absent from servers without the check; null when skipped (`recent=0`) or monitoring is off. */
  connections?: IntelConnections | null;
}

export type AttributionMethod = 'nat_port' | 'destination' | 'window';
/** Where NAT attribution reads sessions: an uploaded log, or the events the server stored. */
export type AttributionSource = 'upload' | 'events';

/** Which internal host was behind a listed (NAT) address at the listed time. */
export interface Attribution {
  listed_ip: string;
  listed_time: string | null;
  listed_port: number | null;
  family: string;
  internal_ip: string | null;
  method: AttributionMethod | null;
  rank: number | null;
  sessions: number | null;
  nearest_seconds: number | null;
  listed_dest_ip?: string | null;
  internal_ports?: number[];
  /** "log:LINE" (uploaded log) or "event:ID" (stored events). */
  evidence: string[];
  reason?: string;
  asset?: { id: number; hostname: string; org_id: number } | null;
}

export interface AttributionResult {
  attributions: Attribution[];
  /** Upload: listings, files, bytes, lines, sessions, malformed; events: listings, events, sessions, malformed, truncated. */
  stats: Record<string, unknown>;
}

// ---------- monitoring: alerts, events, log sources ----------

export type AlertSeverity = 'low' | 'medium' | 'high' | 'critical';
export type AlertStatus = 'new' | 'acknowledged' | 'closed';
export type RuleLevel = 'informational' | AlertSeverity;

export const ALERT_SEVERITIES: AlertSeverity[] = ['low', 'medium', 'high', 'critical'];
export const ALERT_STATUSES: AlertStatus[] = ['new', 'acknowledged', 'closed'];
/** The `status` filter value of open alerts (new or acknowledged). */
export const OPEN_ALERT_STATUSES = 'new,acknowledged';

/** A detection: a rule matched on a host; later matches fold into it (`count`). */
export interface Alert {
  id: number;
  rule_id: string;
  rule_title: string;
  rule_level: RuleLevel;
  severity: AlertSeverity;
  status: AlertStatus;
  host: string;
  asset_id: number | null;
  asset_name: string | null;
  org_id: number | null;
  system_id: number | null;
  system_security_level: number | null;
  count: number;
  first_seen: string;
  last_seen: string;
  first_event_id: number;
  last_event_id: number;
  tags: string[];
  fields: Record<string, unknown>;
  rule_description: string;
  false_positive: boolean;
  close_reason: string | null;
  note: string | null;
  acknowledged_by_name: string | null;
  acknowledged_at: string | null;
  closed_by_name: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One alert with its latest events (newest first, up to 20). */
export interface AlertDetail extends Alert {
  events?: StoredEvent[];
}

export type EventSourceType = 'syslog' | 'json';

/** A received log event as stored. */
export interface StoredEvent {
  id: number;
  time: string;
  received: string;
  original_time: string;
  host: string;
  source_type: EventSourceType;
  source: string;
  peer: string;
  asset_id: number | null;
  org_id: number | null;
  system_security_level: number | null;
  message: string;
  raw: string;
  fields: Record<string, unknown>;
}

export interface EventPage {
  items: StoredEvent[];
  next_before_id: number | null;
}

/** Future detections of a rule on a host that raise no alert. */
export interface Suppression {
  id: number;
  rule_id: string;
  rule_title: string;
  host: string;
  org_id: number | null;
  reason: string;
  created_by_name: string;
  created_at: string;
  hits: number;
}

/** An agent (Winlogbeat, NXLog, Vector…) allowed to post NDJSON events with its token. */
export interface IngestSource {
  id: number;
  name: string;
  org_id: number | null;
  created_at: string;
  last_seen: string | null;
  events: number;
  /** Only in the answer to the creation, never again. */
  token?: string;
}

export interface MonitoringStatus {
  events_stored: number;
  events_last_hour: number;
  rules_loaded: number;
  rules_refused: number;
  detection_lag_events: number;
  queue_bytes: number;
  listeners: { name: string; messages: number; dropped: number }[];
  oldest_event: string | null;
}

export interface EventQuery {
  from?: string;
  to?: string;
  host?: string;
  q?: string;
  /** "FIELD=VALUE" conditions (exact match on a normalised field). */
  where?: string[];
  source_type?: string;
  limit?: number;
  before_id?: number | null;
}

export interface LoginResponse {
  token: string;
  csrf_token: string;
  expires_at: string;
  user: User;
}

/** Query parameters; an array repeats its parameter (`where=a&where=b`). */
type Query = Record<string, string | number | boolean | null | undefined | string[]>;

let csrfFallback: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** Called on any 401 outside the login request (session expired or revoked). */
export function onUnauthorized(fn: () => void): void {
  unauthorizedHandler = fn;
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function csrfToken(): string | null {
  return readCookie('vigil_csrf') ?? csrfFallback;
}

export function buildQuery(q?: Query): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function apiUrl(path: string, q?: Query): string {
  return `${API_BASE}${path}${buildQuery(q)}`;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sent as is: CSV text, or a file's bytes. */
  rawBody?: string | Blob | ArrayBuffer;
  contentType?: string;
  /** Do not treat 401 as "session gone" (used by the login form). */
  no401Redirect?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | Blob | ArrayBuffer | undefined;
  if (opts.rawBody !== undefined) {
    body = opts.rawBody;
    headers['Content-Type'] = opts.contentType ?? 'text/plain; charset=utf-8';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e), null, null);
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const errObj = (json && typeof json === 'object' && 'error' in json ? (json as { error: ApiErrorBody }).error : null);
    const retry = res.headers.get('Retry-After');
    const err = new ApiError(
      res.status,
      errObj?.code ?? `http_${res.status}`,
      errObj?.message ?? (text.slice(0, 200) || res.statusText),
      errObj?.field ?? null,
      json,
      retry && /^\d+$/.test(retry) ? Number(retry) : null,
    );
    if (res.status === 401 && !opts.no401Redirect && unauthorizedHandler) unauthorizedHandler();
    throw err;
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body, query }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T = unknown>(path: string) => request<T>('DELETE', path),
  postCsv: <T>(path: string, csv: string, query?: Query) =>
    request<T>('POST', path, { rawBody: csv, contentType: 'text/csv; charset=utf-8', query }),
  /** A file's raw bytes (botnet lists, firewall logs), whatever its format. */
  postFile: <T>(path: string, file: Blob | ArrayBuffer, query?: Query) =>
    request<T>('POST', path, { rawBody: file, contentType: 'application/octet-stream', query }),

  async login(username: string, password: string): Promise<LoginResponse> {
    const r = await request<LoginResponse>('POST', '/auth/login', { body: { username, password }, no401Redirect: true });
    csrfFallback = r.csrf_token;
    return r;
  },
  async me(): Promise<User> {
    const r = await request<(User & { csrf_token?: string }) | { user: User; csrf_token?: string }>('GET', '/auth/me', { no401Redirect: true });
    if (r && typeof r.csrf_token === 'string') csrfFallback = r.csrf_token;
    // Accept both a bare user and {"user": {...}}.
    return r && typeof r === 'object' && 'user' in r && r.user ? r.user : (r as User);
  },
  async logout(): Promise<void> {
    try {
      await request('POST', '/auth/logout', { no401Redirect: true });
    } finally {
      csrfFallback = null;
    }
  },
};

/** Fetches every page of a list endpoint (limit max is 1000). */
export async function fetchAll<T>(path: string, query: Query = {}): Promise<T[]> {
  const out: T[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await api.get<ListResponse<T>>(path, { ...query, limit, offset });
    out.push(...page.items);
    if (page.items.length < limit || (page.total !== undefined && out.length >= page.total) || page.has_more === false) break;
  }
  return out;
}

/** Alert workflow: acknowledge, close (optionally suppressing the rule on the host), reopen. */
export const alertsApi = {
  get: (id: number) => api.get<AlertDetail>(`/alerts/${id}`),
  acknowledge: (id: number, note?: string) => api.post<Alert>(`/alerts/${id}/acknowledge`, note ? { note } : {}),
  close: (id: number, body: { reason: string; false_positive: boolean; suppress: boolean }) => api.post<Alert>(`/alerts/${id}/close`, body),
  reopen: (id: number) => api.post<Alert>(`/alerts/${id}/reopen`),
  /** Server-Sent Events: `event: alert`, data = an Alert, on creation and on every change. */
  streamUrl: () => apiUrl('/alerts/stream'),
};

/** Botnet lists against the stored events: the recent-connections check and NAT attribution. */
export const intelApi = {
  /** `recent`: a duration (7d, 30d). */
  connections: (listId: number, recent: string) => api.get<IntelConnections | null>(`/intel/lists/${listId}/connections`, { recent }),
  /** NAT attribution from the firewall logs the server already stored (empty body). */
  attributeFromEvents: (listId: number | string, window: string) =>
    api.post<AttributionResult>(`/intel/lists/${listId}/attribute`, undefined, { source: 'events', window }),
};

/** Event search, newest first; the next page goes on from `next_before_id`. */
export function searchEvents(q: EventQuery): Promise<EventPage> {
  return api.get<EventPage>('/events', {
    from: q.from,
    to: q.to,
    host: q.host,
    q: q.q,
    where: q.where && q.where.length ? q.where : undefined,
    source_type: q.source_type,
    limit: q.limit,
    before_id: q.before_id,
  });
}
