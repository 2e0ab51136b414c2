import { useState } from 'preact/hooks';
import { api, ApiError, type User } from '../api';
import type { Lang, TFunc } from '../i18n';
import { LangButtons } from '../components/Layout';

// Rendered outside AppContext (no user yet), so it takes t/lang as props.
export function LoginPage(props: { t: TFunc; lang: Lang; setLang: (l: Lang) => void; expired: boolean; onLogin: (u: User) => void }) {
  const { t } = props;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErr, setFieldErr] = useState<{ field: string; msg: string } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setFieldErr(null);
    if (!username.trim()) {
      setFieldErr({ field: 'username', msg: t('form.required') });
      return;
    }
    if (!password) {
      setFieldErr({ field: 'password', msg: t('form.required') });
      return;
    }
    setBusy(true);
    try {
      const r = await api.login(username.trim(), password);
      props.onLogin(r.user);
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status === 429) {
          setError(err.retryAfter ? t('auth.rateLimitedFor', { s: err.retryAfter }) : t('auth.rateLimited'));
        } else if (err.status === 401) {
          setError(t('auth.badCredentials'));
        } else if (err.field === 'username' || err.field === 'password') {
          setFieldErr({ field: err.field, msg: err.message });
        } else if (err.code === 'network') {
          setError(t('error.network'));
        } else {
          setError(`${t('auth.failed')}: ${err.message}`);
        }
      } else {
        setError(String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-wrap">
      <div class="login-lang">
        <LangButtons lang={props.lang} setLang={props.setLang} label={t('lang.switch')} />
      </div>
      <form class="login-card" onSubmit={submit} noValidate>
        <div class="login-brand">
          <span class="brand-mark" aria-hidden="true">V</span>
          <div>
            <div class="login-product">Vigil</div>
            <div class="login-tag">{t('app.tagline')}</div>
          </div>
        </div>
        <h1>{t('auth.title')}</h1>
        {props.expired && (
          <div class="alert alert-info" role="status">
            {t('auth.expired')}
          </div>
        )}
        {error && (
          <div class="alert alert-error" role="alert">
            {error}
          </div>
        )}
        <div class={`field${fieldErr?.field === 'username' ? ' has-error' : ''}`}>
          <label for="login-username">{t('auth.username')}</label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
          />
          {fieldErr?.field === 'username' && <div class="field-error">{fieldErr.msg}</div>}
        </div>
        <div class={`field${fieldErr?.field === 'password' ? ' has-error' : ''}`}>
          <label for="login-password">{t('auth.password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
          {fieldErr?.field === 'password' && <div class="field-error">{fieldErr.msg}</div>}
        </div>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? t('auth.signingIn') : t('auth.submit')}
        </button>
        <p class="login-note">{t('auth.note')}</p>
      </form>
    </div>
  );
}
