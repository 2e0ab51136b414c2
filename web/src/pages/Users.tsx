import { useState } from 'preact/hooks';
import { api, type Role, type User } from '../api';
import { useApp } from '../context';
import { useResourceList } from '../hooks';
import { href } from '../router';
import { EditForm, EditPage, useEditForm } from '../components/EditForm';
import { ListHeader } from '../components/ListHeader';
import { Filters, TextFilter } from '../components/Filters';
import { ResourceTable } from '../components/ResourceTable';
import { EnumSelect, ErrorBanner, Field, FieldSet, OrgName, OrgSelect, enumLabel, useFormErrors } from '../components/ui';

const ROLES: Role[] = ['admin', 'analyst', 'unit_officer', 'viewer'];

export function UsersPage({ sub }: { sub?: string }) {
  const { t } = useApp();
  if (!sub) return <UserList />;
  return (
    <EditPage<User> path="/users" id={sub === 'new' ? null : Number(sub)} newTitle={t('users.new')} editTitle={t('users.edit')} name={(u) => u.username} back={t('users.back')}>
      {(u) => (
        <>
          <UserForm u={u} />
          {u && <ResetPassword u={u} />}
        </>
      )}
    </EditPage>
  );
}

/** Mirrors the official password policy (≥ 8 chars, upper, lower, digit, special); the server decides. */
export function passwordProblems(pw: string): boolean {
  return !(pw.length >= 8 && /[a-z]/.test(pw) && /[A-Z]/.test(pw) && /\d/.test(pw) && /[^A-Za-z0-9]/.test(pw));
}

const FILTERS = { q: '', offset: 0, limit: 25 };

function UserList() {
  const { t, fmtDateTime } = useApp();
  const list = useResourceList<User, typeof FILTERS>('/users', 'users.filters', FILTERS, (f) => ({ q: f.q }));
  const { f, set } = list;
  const status = (u: User) => {
    const locked = u.locked_until && new Date(u.locked_until).getTime() > Date.now();
    return u.disabled ? (
      <span class="badge badge-danger">{t('users.disabled')}</span>
    ) : locked ? (
      <span class="badge badge-warn" title={fmtDateTime(u.locked_until)}>
        {t('users.locked')}
      </span>
    ) : (
      <span class="badge badge-ok">{t('users.active')}</span>
    );
  };

  return (
    <>
      <ListHeader title={t('users.title')} sub={t('users.sub')} path="/users" addLabel={t('users.add')} />
      <Filters>
        <TextFilter label={t('common.search')} grow value={f.q} placeholder={t('users.searchPh')} onChange={(v) => set({ q: v })} />
      </Filters>
      <ResourceTable
        list={list}
        empty={t('common.noMatch')}
        columns={[
          {
            label: t('users.f.username'),
            cell: (u) => (
              <a class="row-link mono" href={href(`/users/${u.id}`)}>
                {u.username}
              </a>
            ),
          },
          { label: t('users.f.displayName'), cell: (u) => u.display_name || <span class="muted">—</span> },
          { label: t('users.f.role'), cell: (u) => enumLabel(t, 'role', u.role) },
          { label: t('users.f.scope'), cell: (u) => (u.org_id === null ? <span class="muted">{t('users.allOrgs')}</span> : <OrgName id={u.org_id} />) },
          { label: t('users.f.status'), cell: status },
          { label: t('users.f.lastLogin'), cell: (u) => fmtDateTime(u.last_login_at) || <span class="muted">{t('users.never')}</span> },
        ]}
      />
    </>
  );
}


const FIELDS = ['username', 'display_name', 'role', 'org_id', 'disabled', 'password'];

function UserForm({ u }: { u: User | null }) {
  const { t, user: me, fmtDateTime } = useApp();
  const form = useEditForm({
    path: '/users',
    record: u,
    fields: FIELDS,
    init: {
      username: u?.username ?? '',
      display_name: u?.display_name ?? '',
      role: u?.role ?? ('unit_officer' as Role),
      org_id: u?.org_id ?? me.org_id ?? null,
      disabled: u?.disabled ?? false,
      password: '',
      password2: '',
    },
    check: (v) => {
      const bad: Record<string, string> = {};
      if (!u && !v.username.trim()) bad.username = t('form.required');
      if (!u) {
        if (!v.password) bad.password = t('form.required');
        else if (passwordProblems(v.password)) bad.password = t('users.passwordWeak');
        else if (v.password !== v.password2) bad.password2 = t('users.passwordMismatch');
      }
      return bad;
    },
    body: (v) =>
      u
        ? { display_name: v.display_name.trim(), role: v.role, org_id: v.org_id, disabled: v.disabled }
        : { username: v.username.trim(), display_name: v.display_name.trim(), role: v.role, org_id: v.org_id, disabled: v.disabled, password: v.password },
    created: (nu) => t('users.created', { name: nu.username }),
    confirmDelete: (x) => t('users.confirmDelete', { name: x.username }),
  });
  const { v, set, fe } = form;
  const self = u?.id === me.id;

  return (
    <EditForm form={form} deletable={!self}>
      <Field id="user-username" label={t('users.f.username')} required={!u} error={fe.fieldMsg('username')}>
        <input id="user-username" value={v.username} readOnly={!!u} autoComplete="off" onInput={(e) => set({ username: (e.target as HTMLInputElement).value })} />
      </Field>
      <Field id="user-display" label={t('users.f.displayName')} error={fe.fieldMsg('display_name')}>
        <input id="user-display" value={v.display_name} onInput={(e) => set({ display_name: (e.target as HTMLInputElement).value })} />
      </Field>
      <Field id="user-role" label={t('users.f.role')} hint={t(`users.roleHint.${v.role}`)} error={fe.fieldMsg('role')}>
        <EnumSelect id="user-role" value={v.role} values={ROLES} labels="role" disabled={self} onChange={(x) => set({ role: x })} />
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
    </EditForm>
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
