import { useState } from 'preact/hooks';
import { apiUrl } from '../api';
import { canWrite, useApp } from '../context';
import { href } from '../router';
import { CsvImport } from './CsvImport';
import { PageHeader } from './ui';

/** A collection kept in CSV too: export of what the list shows, import panel for writers. */
export interface CsvOptions {
  /** The collection, e.g. '/assets': GET `${path}/export.csv`, POST `${path}/import`. */
  path: string;
  /** The list's filters, for the export. */
  query: Record<string, string | number | boolean | null | undefined>;
  columnsHint: string;
  onImported: () => void;
}

/**
 * Header of a list page: title, and for users who may write the link to the new-record form
 * (`${path}/new`); with `csv`, export and import buttons, the import panel opening below. With
 * nothing to offer the header has no (empty) actions box.
 */
export function ListHeader(props: { title: string; sub: string; path: string; addLabel: string; csv?: CsvOptions }) {
  const { t, user } = useApp();
  const [showImport, setShowImport] = useState(false);
  const { csv } = props;
  const writer = canWrite(user);
  return (
    <>
      <PageHeader title={props.title} sub={props.sub}>
        {(csv || writer) && (
          <>
            {csv && (
              <a class="btn" href={apiUrl(`${csv.path}/export.csv`, csv.query)} download={`${csv.path.slice(1)}.csv`}>
                ⤓ {t('csv.export')}
              </a>
            )}
            {csv && writer && (
              <button type="button" class="btn" aria-expanded={showImport} onClick={() => setShowImport(!showImport)}>
                ⤒ {t('csv.import')}
              </button>
            )}
            {writer && (
              <a class="btn btn-primary" href={href(`${props.path}/new`)}>
                + {props.addLabel}
              </a>
            )}
          </>
        )}
      </PageHeader>
      {csv && showImport && (
        <CsvImport path={`${csv.path}/import`} columnsHint={csv.columnsHint} onDone={csv.onImported} onClose={() => setShowImport(false)} />
      )}
    </>
  );
}
