import { useState } from 'preact/hooks';
import { api, type Role, type User } from '../api';
import { useApp } from '../context';
import { useDebounced, useList, useResource, useStickyState } from '../hooks';
import { href, navigate } from '../router';
import { Empty, ErrorBanner, Field, FieldSet, Loading, OrgName, OrgSelect, PageHeader, Pagination, enumLabel, errorText, useFormErrors } from '../components/ui';

const ROLES: Role[] = ['admin', 'analyst', 'unit_officer', 'viewer'];

export function UsersPage({ sub }: { sub?: string }) {
  if (sub === 'new') return <UserEdit id={null} />;
  if (sub) return <UserEdit id={Number(sub)} />;
  return <UserList />;
}

/** Mirrors the official password policy (≥ 8 chars, upper, lower, digit, special); the server decides. */
export function passwordProblems(pw: string): boolean {
  return !(pw.length >= 8 && /[a-z]/.test(pw) && /[A-Z]/.test(pw) && /\d/.test(pw) && /[^A-Za-z0-9]/.test(pw));
}

function UserList() {
  const { t, fmtDateTime } = useApp();
  const [f, setF] = useStickyState('users.filters', { q: '', offset: 0, limit: 25 });
  const q = useDebounced(f.q);
  const list = useList<User>('/users', { q, limit: f.limit, offset: f.offset });

  return (
    <>
      <PageHeader title={t('users.title')} sub={t('users.sub')}>
        <a class="btn btn-primary" href={href('/users/new')}>
          + {t('users.add')}
        </a>
      </PageHeader>
      <div class="filters" role="search">
        <label class="grow">
          <span>{t('common.search')}</span>
          <input type="search" value={f.q} placeholder={t('users.searchPh')} onInput={(e) => setF({ ...f, offset: 0, q: (e.target as HTMLInputElement).value })} />
        </label>
      </div>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.items.length === 0 ? (
        <Empty>{t('common.noMatch')}</Empty>
      ) : list.data ? (
        <>
          <div class={`table-wrap${list.loading ? ' is-loading' : ''}`}>
            <table class="table table-cards">
              <thead>
                <tr>
                  <th>{t('users.f.username')}</th>
                  <th>{t('users.f.displayName')}</th>
                  <th>{t('users.f.role')}</th>
                  <th>{t('users.f.scope')}</th>
                  <th>{t('users.f.status')}</th>
                  <th>{t('users.f.lastLogin')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((u) => {
                  const locked = u.locked_until && new Date(u.locked_until).getTime() > Date.now();
                  return (
                    <tr>
                      <td data-label={t('users.f.username')}>
                        <a class="row-link mono" href={href(`/users/${u.id}`)}>
                          {u.username}
                        </a>
                      </td>
                      <td data-label={t('users.f.displayName')}>{u.display_name || <span class="muted">—</span>}</td>
                      <td data-label={t('users.f.role')}>{enumLabel(t, 'role', u.role)}</td>
                      <td data-label={t('users.f.scope')}>{u.org_id === null ? <span class="muted">{t('users.allOrgs')}</span> : <OrgName id={u.org_id} />}</td>
                      <td data-label={t('users.f.status')}>
                        {u.disabled ? (
                          <span class="badge badge-danger">{t('users.disabled')}</span>
                        ) : locked ? (
                          <span class="badge badge-warn" title={fmtDateTime(u.locked_until)}>
                            {t('users.locked')}
                          </span>
                        ) : (
                          <span class="badge badge-ok">{t('users.active')}</span>
                        )}
                      </td>
                      <td data-label={t('users.f.lastLogin')}>{fmtDateTime(u.last_login_at) || <span class="muted">{t('users.never')}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pagination total={list.data.total} hasMore={list.data.has_more} count={list.data.items.length} limit={f.limit} offset={f.offset} onChange={(offset, limit) => setF({ ...f, offset, limit })} />
        </>
      ) : null}
    </>
  );
}

function UserEdit({ id }: { id: number | null }) {
  const { t } = useApp();
  const res = useResource<User>(id !== null ? `/users/${id}` : null);
  return (
    <>
      <PageHeader title={id === null ? t('users.new') : res.data?.username ?? t('users.edit')}>
        <a class="btn btn-ghost" href={href('/users')}>
          ← {t('users.back')}
        </a>
      </PageHeader>
      {id !== null && res.loading ? (
        <Loading />
      ) : res.error ? (
        <ErrorBanner error={res.error} />
      ) : (
        <>
          <UserForm u={res.data} />
          {res.data && <ResetPassword u={res.data} />}
        </>
      )}
    </>
  );
}

const FIELDS = ['username', 'display_name', 'role', 'org_id', 'disabled', 'password'];

function UserForm({ u }: { u: User | null }) {
  const { t, notify, user: me, fmtDateTime } = useApp();
  const fe = useFormErrors(FIELDS);
  const [v, setV] = useState({
    username: u?.username ?? '',
    display_name: u?.display_name ?? '',
    role: u?.role ?? ('unit_officer' as Role),
    org_id: u?.org_id ?? me.org_id ?? null,
    disabled: u?.disabled ?? false,
    password: '',
    password2: '',
  });
  const set = (patch: Partial<typeof v>) => setV({ ...v, ...patch });
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    const local: Record<string, string> = {};
    if (!u && !v.username.trim()) local.username = t('form.required');
    if (!u) {
      if (!v.password) local.password = t('form.required');
      else if (passwordProblems(v.password)) local.password = t('users.passwordWeak');
      else if (v.password !== v.password2) local.password2 = t('users.passwordMismatch');
    }
    if (Object.keys(local).length) {
      fe.setLocal(local);
      return;
    }
    setBusy(true);
    try {
      if (u) {
        await api.patch<User>(`/users/${u.id}`, { display_name: v.display_name.trim(), role: v.role, org_id: v.org_id, disabled: v.disabled });
        notify(t('form.saved'));
      } else {
        const nu = await api.post<User>('/users', {
          username: v.username.trim(),
          display_name: v.display_name.trim(),
          role: v.role,
          org_id: v.org_id,
          disabled: v.disabled,
          password: v.password,
        });
        notify(t('users.created', { name: nu.username }));
      }
      navigate('/users');
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!u || !window.confirm(t('users.confirmDelete', { name: u.username }))) return;
    setBusy(true);
    try {
      await api.del(`/users/${u.id}`);
      notify(t('form.deleted'));
      navigate('/users');
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
    }
  };

  const self = u?.id === me.id;

  return (
    <form class="card form" onSubmit={submit} noValidate>
      <ErrorBanner error={fe.general()} />
      <fieldset class="form-grid" disabled={busy}>
        <Field id="user-username" label={t('users.f.username')} required={!u} error={fe.fieldMsg('username')}>
          <input id="user-username" value={v.username} readOnly={!!u} autoComplete="off" onInput={(e) => set({ username: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="user-display" label={t('users.f.displayName')} error={fe.fieldMsg('display_name')}>
          <input id="user-display" value={v.display_name} onInput={(e) => set({ display_name: (e.target as HTMLInputElement).value })} />
        </Field>
        <Field id="user-role" label={t('users.f.role')} hint={t(`users.roleHint.${v.role}`)} error={fe.fieldMsg('role')}>
          <select id="user-role" value={v.role} disabled={self} onChange={(e) => set({ role: (e.target as HTMLSelectElement).value as Role })}>
            {ROLES.map((r) => (
              <option value={r}>{enumLabel(t, 'role', r)}</option>
            ))}
          </select>
        </Field>
        <Field id="user-org" label={t('users.f.scope')} hint={t('users.scopeHint')} error={fe.fieldMsg('org_id')}>
          <OrgSelect id="user-org" value={v.org_id} onChange={(x) => set({ org_id: x })} allowEmpty={t('users.allOrgs')} />
        </Field>
        <FieldSet legend={t('users.f.status')} error={fe.fieldMsg('disabled')}>
          <label class="check">
            <input type="checkbox" checked={v.disabled} disabled={self} onChange={(e) => set({ disabled: (e.target as HTMLInputElement).checked })} />
            {t('users.disableLabel')}
          </label>
        </FieldSet>
        {!u && (
          <>
            <Field id="user-password" label={t('users.f.password')} required hint={t('users.passwordPolicy')} error={fe.fieldMsg('password')}>
              <input id="user-password" type="password" autoComplete="new-password" value={v.password} onInput={(e) => set({ password: (e.target as HTMLInputElement).value })} />
            </Field>
            <Field id="user-password2" label={t('users.f.password2')} required error={fe.fieldMsg('password2')}>
              <input id="user-password2" type="password" autoComplete="new-password" value={v.password2} onInput={(e) => set({ password2: (e.target as HTMLInputElement).value })} />
            </Field>
          </>
        )}
        {u && (
          <div class="field">
            <span class="label">{t('users.f.lastLogin')}</span>
            <div class="readonly">{fmtDateTime(u.last_login_at) || t('users.never')}</div>
            {u.locked_until && new Date(u.locked_until).getTime() > Date.now() && (
              <div class="hint warn-text">{t('users.lockedUntil', { at: fmtDateTime(u.locked_until) })}</div>
            )}
          </div>
        )}
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('form.saving') : u ? t('form.save') : t('form.create')}
        </button>
        <a class="btn btn-ghost" href={href('/users')}>
          {t('form.cancel')}
        </a>
        {u && !self && (
          <button type="button" class="btn btn-danger" disabled={busy} onClick={remove}>
            {t('form.delete')}
          </button>
        )}
      </div>
    </form>
  );
}

function ResetPassword({ u }: { u: User }) {
  const { t, notify } = useApp();
  const fe = useFormErrors(['password']);
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    fe.clear();
    if (passwordProblems(pw)) return fe.setLocal({ password: t('users.passwordWeak') });
    if (pw !== pw2) return fe.setLocal({ password2: t('users.passwordMismatch') });
    setBusy(true);
    try {
      await api.patch<User>(`/users/${u.id}`, { password: pw });
      setPw('');
      setPw2('');
      notify(t('users.passwordReset', { name: u.username }));
    } catch (err) {
      fe.setApiError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form" onSubmit={submit} noValidate>
      <h2>{t('users.resetPassword')}</h2>
      <ErrorBanner error={fe.general()} />
      <fieldset class="form-grid" disabled={busy}>
        <Field id="reset-password" label={t('users.f.newPassword')} hint={t('users.passwordPolicy')} error={fe.fieldMsg('password')}>
          <input id="reset-password" type="password" autoComplete="new-password" value={pw} onInput={(e) => setPw((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="reset-password2" label={t('users.f.password2')} error={fe.fieldMsg('password2')}>
          <input id="reset-password2" type="password" autoComplete="new-password" value={pw2} onInput={(e) => setPw2((e.target as HTMLInputElement).value)} />
        </Field>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn" disabled={busy || !pw}>
          {t('users.resetPassword')}
        </button>
      </div>
    </form>
  );
}
