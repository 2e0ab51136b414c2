import { useState } from 'preact/hooks';
import { api, ApiError, type ImportResult } from '../api';
import { useApp } from '../context';
import { errorText } from './ui';

/** CSV upload → POST text/csv to `${path}?mode=strict|lenient`; shows counts and per-line errors. */
export function CsvImport(props: { path: string; columnsHint: string; onDone: () => void; onClose: () => void }) {
  const { t } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<'strict' | 'lenient'>('strict');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [failed, setFailed] = useState<boolean>(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) {
      setError(t('import.pickFile'));
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    setFailed(false);
    try {
      let text = await file.text();
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // spreadsheet BOM
      const r = await api.postCsv<ImportResult>(props.path, text, { mode });
      setResult(r);
      props.onDone();
    } catch (err) {
      // Strict mode: 400 with the per-line errors (nothing written).
      const body = err instanceof ApiError ? (err.body as Partial<ImportResult> | null) : null;
      if (body && Array.isArray(body.errors)) {
        setResult({ created: body.created ?? 0, updated: body.updated ?? 0, errors: body.errors });
        setFailed(true);
      } else if (err instanceof ApiError && err.field && /^line \d+/.test(err.field)) {
        const m = /^line (\d+):?\s*(.*)$/.exec(err.field)!;
        setResult({ created: 0, updated: 0, errors: [{ line: Number(m[1]), field: m[2], message: err.message }] });
        setFailed(true);
      } else {
        setError(errorText(t, err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card import-card" aria-label={t('import.title')}>
      <div class="form-head">
        <h2>{t('import.title')}</h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={props.onClose}>
          {t('common.close')}
        </button>
      </div>
      <p class="hint">{props.columnsHint}</p>
      <form class="import-form" onSubmit={submit}>
        <div class="file-pick">
          <span class="file-pick-label">{t('import.file')}</span>
          {/* The native button text follows the browser's language: use a translated one instead. */}
          <label class="file-pick-row">
            <input
              type="file"
              class="sr-only"
              accept=".csv,text/csv"
              onChange={(e) => {
                const f = (e.target as HTMLInputElement).files?.[0] ?? null;
                setFile(f);
                setResult(null);
                setError(null);
              }}
            />
            <span class="btn" aria-hidden="true">
              {t('import.choose')}
            </span>
            <span class={file ? 'file-name' : 'file-name muted'}>{file ? file.name : t('import.noFile')}</span>
          </label>
        </div>
        <fieldset class="radios">
          <legend>{t('import.mode')}</legend>
          <label class="check">
            <input type="radio" name="mode" checked={mode === 'strict'} onChange={() => setMode('strict')} />
            {t('import.strict')}
          </label>
          <label class="check">
            <input type="radio" name="mode" checked={mode === 'lenient'} onChange={() => setMode('lenient')} />
            {t('import.lenient')}
          </label>
        </fieldset>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('import.running') : t('import.submit')}
        </button>
      </form>
      {error && (
        <div class="alert alert-error" role="alert">
          {error}
        </div>
      )}
      {result && (
        <div class={`alert ${failed ? 'alert-error' : result.errors.length ? 'alert-warn' : 'alert-ok'}`} role="status">
          {failed ? t('import.rejected', { n: result.errors.length }) : t('import.done', { created: result.created, updated: result.updated, errors: result.errors.length })}
        </div>
      )}
      {result && result.errors.length > 0 && (
        <div class="table-wrap">
          <table class="table table-compact">
            <thead>
              <tr>
                <th>{t('import.line')}</th>
                <th>{t('import.field')}</th>
                <th>{t('import.message')}</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((er) => (
                <tr>
                  <td>{er.line}</td>
                  <td class="mono">{er.field ?? ''}</td>
                  <td>{er.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
