import { Fragment, type ComponentChildren } from 'preact';
import type { PagedList } from '../hooks';
import { Empty, ErrorBanner, Loading, Pagination } from './ui';

export interface Column<T> {
  /** Header text; also the cell's label when the table is shown as cards (phone width). */
  label: string;
  cell: (item: T) => ComponentChildren;
  /** Class of the cells ('nowrap', 'mono', ...). */
  class?: string;
  /** For a column of buttons: the header is for screen readers only and the cells carry no label. */
  srOnly?: boolean;
}

/**
 * A page of a list as a table (cards at phone width) with the pager below; the error banner with
 * "retry", the spinner while the first page loads and `empty` when there is nothing. A later page
 * keeps the current rows (dimmed) while it loads.
 */
export function ResourceTable<T extends { id: number }>(props: {
  list: PagedList<T>;
  columns: Column<T>[];
  empty: ComponentChildren;
  /** Extra class of the table. */
  class?: string;
  rowClass?: (item: T) => string;
  /** Extra attributes of an item's row (data-testid, a click handler). */
  rowProps?: (item: T) => Record<string, unknown>;
  /** A full-width row under an item (its details), or nothing. */
  detail?: (item: T) => ComponentChildren;
}) {
  const { list, columns } = props;
  const data = list.data;
  return (
    <>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !data ? (
        <Loading />
      ) : data && data.items.length === 0 ? (
        <Empty>{props.empty}</Empty>
      ) : data ? (
        <>
          <div class={`table-wrap${list.loading ? ' is-loading' : ''}`}>
            <table class={`table table-cards${props.class ? ` ${props.class}` : ''}`}>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th>{c.srOnly ? <span class="sr-only">{c.label}</span> : c.label}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => {
                  const detail = props.detail?.(item);
                  return (
                    <Fragment key={item.id}>
                      <tr {...props.rowProps?.(item)} class={props.rowClass?.(item)}>
                        {columns.map((c) => (
                          <td data-label={c.srOnly ? undefined : c.label} class={c.class}>
                            {c.cell(item)}
                          </td>
                        ))}
                      </tr>
                      {detail ? (
                        <tr class="detail-row">
                          <td colSpan={columns.length}>{detail}</td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pagination total={data.total} hasMore={data.has_more} count={data.items.length} limit={list.limit} offset={list.offset} onChange={list.setPage} />
        </>
      ) : null}
    </>
  );
}
