import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type ListResponse } from './api';

type Query = Record<string, string | number | boolean | null | undefined>;

// List state (filters, page) survives navigating to a form and back.
const sticky = new Map<string, unknown>();

export function useStickyState<T>(key: string, init: T): [T, (v: T) => void] {
  const [v, setV] = useState<T>(() => (sticky.has(key) ? (sticky.get(key) as T) : init));
  const set = useCallback(
    (nv: T) => {
      sticky.set(key, nv);
      setV(nv);
    },
    [key],
  );
  return [v, set];
}

export function clearSticky(): void {
  sticky.clear();
}

export interface ListState<T> {
  data: ListResponse<T> | null;
  loading: boolean;
  error: unknown;
  reload: () => void;
}

/** Loads a page of a list endpoint whenever `query` (compared as JSON) changes. */
export function useList<T>(path: string, query: Query): ListState<T> {
  const [data, setData] = useState<ListResponse<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const key = JSON.stringify(query);
  useEffect(() => {
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    api
      .get<ListResponse<T>>(path, query)
      .then((r) => {
        if (my === seq.current) setData(r);
      })
      .catch((e) => {
        if (my === seq.current) setError(e);
      })
      .finally(() => {
        if (my === seq.current) setLoading(false);
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, key, tick]);
  return { data, loading, error, reload: () => setTick((x) => x + 1) };
}

/** Loads one resource by id (or nothing when id is null). */
export function useResource<T>(path: string | null): { data: T | null; loading: boolean; error: unknown } {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (path === null) {
      setData(null);
      setLoading(false);
      return;
    }
    let live = true;
    setLoading(true);
    setError(null);
    api
      .get<T>(path)
      .then((r) => live && setData(r))
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [path]);
  return { data, loading, error };
}

/** Debounced copy of a value (for search boxes). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

/** A page of a list plus where it is: what <ResourceTable> shows. */
export interface PagedList<T> extends ListState<T> {
  limit: number;
  offset: number;
  setPage: (offset: number, limit: number) => void;
}

export interface ResourceList<T, F> extends PagedList<T> {
  /** The filters as typed (kept while navigating to a form and back). */
  f: F;
  /** Changes filters and goes back to the first page. */
  set: (patch: Partial<F>) => void;
  /** The filters as sent (typed text debounced), without limit and offset: for export links. */
  query: Query;
}

/**
 * A filtered, paged list endpoint. `init` holds the filters and the first page (offset, limit);
 * `toQuery` turns filters into the API's query; the `typed` filters (text boxes) reach the API
 * only after a pause in typing.
 */
export function useResourceList<T, F extends { offset: number; limit: number }>(
  path: string,
  stickyKey: string,
  init: F,
  toQuery: (f: F) => Query,
  typed: (keyof F)[] = ['q' as keyof F],
): ResourceList<T, F> {
  const [f, setF] = useStickyState(stickyKey, init);
  const typedNow = JSON.stringify(typed.map((k) => f[k]));
  const typedSent: unknown[] = JSON.parse(useDebounced(typedNow));
  const sent = { ...f };
  typed.forEach((k, i) => (sent[k] = typedSent[i] as F[keyof F]));
  const query = toQuery(sent);
  const list = useList<T>(path, { ...query, limit: f.limit, offset: f.offset });
  return {
    ...list,
    f,
    set: (patch) => setF({ ...f, offset: 0, ...patch }),
    query,
    limit: f.limit,
    offset: f.offset,
    setPage: (offset, limit) => setF({ ...f, offset, limit }),
  };
}

export type StreamState = 'connecting' | 'live' | 'down';

/**
 * Follows a Server-Sent Events stream (same origin, cookie session): `onMessage` gets each
 * `event` message's parsed data. EventSource reconnects by itself after a dropped connection; when
 * it gives up (the server answered something else than a stream), this tries again after a pause.
 * `onReconnect` runs when the stream is back after being down (to catch up on what was missed).
 */
export function useEventStream<T>(url: string, event: string, onMessage: (data: T) => void, onReconnect?: () => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handlers = useRef({ onMessage, onReconnect });
  handlers.current = { onMessage, onReconnect };
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setState('down');
      return;
    }
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let wasDown = false;
    let closed = false;
    const open = () => {
      es = new EventSource(url, { withCredentials: true });
      es.onopen = () => {
        setState('live');
        if (wasDown) handlers.current.onReconnect?.();
        wasDown = false;
      };
      es.onerror = () => {
        setState('down');
        wasDown = true;
        if (es && es.readyState === EventSource.CLOSED && !closed) {
          es.close();
          retry = setTimeout(open, 10_000);
        }
      };
      es.addEventListener(event, (e) => {
        try {
          handlers.current.onMessage(JSON.parse((e as MessageEvent<string>).data) as T);
        } catch {
          /* not JSON: ignored */
        }
      });
    };
    open();
    return () => {
      closed = true;
      if (retry) clearTimeout(retry);
      es?.close();
    };
  }, [url, event]);
  return state;
}
