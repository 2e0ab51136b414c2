import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, fetchAll, onUnauthorized, type Org, type User } from './api';
import { AppContext, buildOrgIndex, canSeeAudit, isAdmin, type AppState, type OrgIndex } from './context';
import { formatDate, formatDateTime, initialLang, saveLang, translator, type Lang } from './i18n';
import { navigate, useRoute } from './router';
import { clearSticky } from './hooks';
import { Layout } from './components/Layout';
import { LoginPage } from './pages/Login';
import { DashboardPage } from './pages/Dashboard';
import { OrgsPage } from './pages/Orgs';
import { SystemsPage } from './pages/Systems';
import { AssetsPage } from './pages/Assets';
import { ContactsPage } from './pages/Contacts';
import { UsersPage } from './pages/Users';
import { AuditPage } from './pages/Audit';
import { IntelPage } from './pages/Intel';
import { AlertsPage } from './pages/Alerts';
import { AlertDetailPage } from './pages/AlertDetail';
import { EventsPage } from './pages/Events';
import { SourcesPage } from './pages/Sources';
import { AgentsPage } from './pages/Agents';
import { AgentDetailPage } from './pages/AgentDetail';
import { QuarantinePage } from './pages/Quarantine';
import { YaraRulesPage } from './pages/YaraRules';
import { errorText } from './components/ui';

type Session = { state: 'checking' } | { state: 'anonymous'; expired?: boolean } | { state: 'signed-in'; user: User };

interface Toast {
  id: number;
  msg: string;
  kind: 'ok' | 'error';
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const t = useMemo(() => translator(lang), [lang]);
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const [orgs, setOrgs] = useState<OrgIndex>(() => buildOrgIndex([], false));
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toastSeq = useRef(0);
  const route = useRoute();

  const setLang = useCallback((l: Lang) => {
    saveLang(l);
    setLangState(l);
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `Vigil · ${t('app.tagline')}`;
  }, [lang, t]);

  const notify = useCallback((msg: string, kind: 'ok' | 'error' = 'ok') => {
    const id = ++toastSeq.current;
    setToasts((ts) => [...ts, { id, msg, kind }]);
    setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 4000);
  }, []);

  const reloadOrgs = useCallback(async () => {
    try {
      const list = await fetchAll<Org>('/orgs');
      setOrgs(buildOrgIndex(list));
    } catch (e) {
      setOrgs((o) => ({ ...o, loaded: true }));
      notify(errorText(t, e), 'error');
    }
  }, [notify, t]);

  // Restore the session on load.
  useEffect(() => {
    onUnauthorized(() => {
      clearSticky();
      setSession((s) => (s.state === 'signed-in' ? { state: 'anonymous', expired: true } : s));
    });
    api
      .me()
      .then((user) => setSession({ state: 'signed-in', user }))
      .catch(() => setSession({ state: 'anonymous' }));
  }, []);

  useEffect(() => {
    if (session.state === 'signed-in') void reloadOrgs();
    else setOrgs(buildOrgIndex([], false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session.state === 'signed-in' ? session.user.id : null]);

  // Keep the login route and the signed-in state consistent.
  useEffect(() => {
    if (session.state === 'anonymous' && route.path !== '/login') {
      const back = route.path === '/' ? '' : `?next=${encodeURIComponent(route.path)}`;
      navigate(`/login${back}`, true);
    } else if (session.state === 'signed-in' && route.path === '/login') {
      const next = route.query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('/login') ? next : '/', true);
    }
  }, [session.state, route.path]);

  // A new page starts at the top (within the organisation tree the page keeps its place).
  const prevSection = useRef<string | undefined>(undefined);
  useEffect(() => {
    const section = route.parts[0];
    if (section !== 'orgs' || prevSection.current !== 'orgs') window.scrollTo(0, 0);
    prevSection.current = section;
  }, [route.path]);

  const logout = useCallback(() => {
    api.logout().catch(() => undefined);
    clearSticky();
    setSession({ state: 'anonymous' });
    navigate('/login', true);
  }, []);

  const toastView = (
    <div class="toasts" aria-live="polite">
      {toasts.map((x) => (
        <div class={`toast toast-${x.kind}`} role={x.kind === 'error' ? 'alert' : 'status'}>
          {x.msg}
        </div>
      ))}
    </div>
  );

  if (session.state === 'checking') {
    return (
      <div class="boot" role="status">
        <span class="spinner" aria-hidden="true" /> {t('common.loading')}
      </div>
    );
  }

  if (session.state === 'anonymous') {
    return (
      <>
        <LoginPage
          t={t}
          lang={lang}
          setLang={setLang}
          expired={!!session.expired}
          onLogin={(user) => setSession({ state: 'signed-in', user })}
        />
        {toastView}
      </>
    );
  }

  const user = session.user;
  const state: AppState = {
    user,
    lang,
    t,
    setLang,
    orgs,
    reloadOrgs,
    fmtDate: (v) => formatDate(lang, v),
    fmtDateTime: (v) => formatDateTime(lang, v),
    notify,
    logout,
  };

  const [section, ...rest] = route.parts;
  let page;
  switch (section ?? '') {
    case '':
    case 'dashboard':
      page = <DashboardPage />;
      break;
    case 'orgs':
      page = <OrgsPage selected={rest[0]} />;
      break;
    case 'systems':
      page = <SystemsPage sub={rest[0]} />;
      break;
    case 'assets':
      page = <AssetsPage sub={rest[0]} />;
      break;
    case 'contacts':
      page = <ContactsPage sub={rest[0]} />;
      break;
    case 'intel':
      page = <IntelPage />;
      break;
    case 'alerts':
      page = rest[0] === undefined ? <AlertsPage /> : /^\d+$/.test(rest[0]) ? <AlertDetailPage key={rest[0]} id={Number(rest[0])} /> : <NotFound />;
      break;
    case 'events':
      page = <EventsPage />;
      break;
    case 'agents':
      page = rest[0] === undefined ? <AgentsPage /> : /^\d+$/.test(rest[0]) ? <AgentDetailPage key={rest[0]} id={Number(rest[0])} /> : <NotFound />;
      break;
    case 'quarantine':
      page = <QuarantinePage />;
      break;
    case 'yara':
      page = <YaraRulesPage />;
      break;
    case 'sources':
      page = isAdmin(user) ? <SourcesPage /> : <NotFound />;
      break;
    case 'users':
      page = isAdmin(user) ? <UsersPage sub={rest[0]} /> : <NotFound />;
      break;
    case 'audit':
      page = canSeeAudit(user) ? <AuditPage /> : <NotFound />;
      break;
    case 'login':
      page = null;
      break;
    default:
      page = <NotFound />;
  }

  return (
    <AppContext.Provider value={state}>
      <Layout section={section ?? 'dashboard'}>{page}</Layout>
      {toastView}
    </AppContext.Provider>
  );
}

function NotFound() {
  return (
    <AppContext.Consumer>
      {(s) => (
        <div class="state state-empty">
          <h1>{s?.t('notFound.title')}</h1>
          <p>
            <a href="#/">{s?.t('notFound.back')}</a>
          </p>
        </div>
      )}
    </AppContext.Consumer>
  );
}
