import { useEffect, useRef, useState } from 'preact/hooks';
import { alertsApi, type Alert } from '../api';
import { useApp } from '../context';
import { ErrorBanner, Field, useFormErrors } from './ui';

const MAX_REASON = 2000;

/**
 * Closing an alert: a reason (required), whether it was a false positive, and whether later
 * detections of the same rule on the same host should be suppressed. A modal <dialog>.
 */
export function CloseAlertDialog(props: { alert: Alert; onClose: () => void; onDone: (a: Alert) => void }) {
  const { t, notify } = useApp();
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [fp, setFp] = useState(false);
  const [suppress, setSuppress] = useState(false);
  const [busy, setBusy] = useState(false);
  const fe = useFormErrors(['reason']);
  const { alert } = props;

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open && typeof d.showModal === 'function') d.showModal();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const r = reason.trim();
    if (!r) return fe.setLocal({ reason: t('form.required') });
    if (r.length > MAX_REASON) return fe.setLocal({ reason: t('alert.close.tooLong', { n: MAX_REASON }) });
    setBusy(true);
    try {
      const a = await alertsApi.close(alert.id, { reason: r, false_positive: fp, suppress });
      notify(suppress ? t('alert.close.doneSuppressed') : t('alert.close.done'));
      props.onDone(a);
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="close-alert-h"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <form class="dialog-form" onSubmit={submit} noValidate>
        <h2 id="close-alert-h">{t('alert.close.title')}</h2>
        <p class="hint">{alert.rule_title} · <span class="mono">{alert.host}</span></p>
        <ErrorBanner error={fe.general()} />
        <Field id="close-reason" label={t('alert.close.reason')} required error={fe.fieldMsg('reason')} hint={t('alert.close.reasonHint')}>
          <textarea
            id="close-reason"
            rows={4}
            maxLength={MAX_REASON}
            value={reason}
            aria-invalid={fe.fieldMsg('reason') ? 'true' : undefined}
            onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
          />
        </Field>
        <label class="check">
          <input type="checkbox" id="close-fp" checked={fp} onChange={(e) => setFp((e.target as HTMLInputElement).checked)} />
          {t('alert.close.falsePositive')}
        </label>
        <div>
          <label class="check">
            <input
              type="checkbox"
              id="close-suppress"
              checked={suppress}
              aria-describedby="close-suppress-hint"
              onChange={(e) => setSuppress((e.target as HTMLInputElement).checked)}
            />
            {t('alert.close.suppress')}
          </label>
          <div class="hint" id="close-suppress-hint">
            {t('alert.close.suppressHint', { rule: alert.rule_title || alert.rule_id, host: alert.host })}
          </div>
        </div>
        <div class="btn-row dialog-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="close-confirm">
            {busy ? t('form.saving') : t('alert.close.submit')}
          </button>
          <button type="button" class="btn btn-ghost" onClick={props.onClose}>
            {t('form.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
