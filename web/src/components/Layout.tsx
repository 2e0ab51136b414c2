import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { canSeeAudit, isAdmin, useApp } from '../context';
import { LANGS } from '../i18n';
import { href } from '../router';
import { enumLabel } from './ui';

interface NavItem {
  id: string;
  path: string;
  label: string;
  icon: string;
}

export function LangSwitch() {
  const { lang, setLang, t } = useApp();
  return <LangButtons lang={lang} setLang={setLang} label={t('lang.switch')} />;
}

export function LangButtons(props: { lang: string; setLang: (l: 'vi' | 'en') => void; label: string }) {
  return (
    <div class="lang-switch" role="group" aria-label={props.label}>
      {LANGS.map((l) => (
        <button
          type="button"
          class={props.lang === l ? 'active' : ''}
          aria-pressed={props.lang === l}
          lang={l}
          onClick={() => props.setLang(l)}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

export function Layout({ section, children }: { section: string; children: ComponentChildren }) {
  const { t, user, logout } = useApp();
  const [menuOpen, setMenuOpen] = useState(false);

  // Close the phone menu whenever the page changes.
  useEffect(() => setMenuOpen(false), [section]);

  const items: NavItem[] = [
    { id: 'dashboard', path: '/', label: t('nav.dashboard'), icon: '◧' },
    { id: 'alerts', path: '/alerts', label: t('nav.alerts'), icon: '⚠' },
    { id: 'events', path: '/events', label: t('nav.events'), icon: '⌕' },
    { id: 'agents', path: '/agents', label: t('nav.agents'), icon: '▢' },
    { id: 'quarantine', path: '/quarantine', label: t('nav.quarantine'), icon: '☣' },
    { id: 'yara', path: '/yara', label: t('nav.yara'), icon: '⚑' },
    { id: 'orgs', path: '/orgs', label: t('nav.orgs'), icon: '⌬' },
    { id: 'systems', path: '/systems', label: t('nav.systems'), icon: '▤' },
    { id: 'assets', path: '/assets', label: t('nav.assets'), icon: '▣' },
    { id: 'contacts', path: '/contacts', label: t('nav.contacts'), icon: '☎' },
    { id: 'intel', path: '/intel', label: t('nav.intel'), icon: '◉' },
  ];
  if (isAdmin(user)) items.push({ id: 'sources', path: '/sources', label: t('nav.sources'), icon: '⇶' });
  if (isAdmin(user)) items.push({ id: 'users', path: '/users', label: t('nav.users'), icon: '☺' });
  if (canSeeAudit(user)) items.push({ id: 'audit', path: '/audit', label: t('nav.audit'), icon: '☰' });

  return (
    <div class={`shell${menuOpen ? ' menu-open' : ''}`}>
      <header class="topbar">
        <button
          type="button"
          class="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="sidenav"
          aria-label={menuOpen ? t('nav.closeMenu') : t('nav.openMenu')}
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <span class="burger" aria-hidden="true" />
        </button>
        <a class="brand" href={href('/')}>
          <span class="brand-mark" aria-hidden="true">V</span>
          <span class="brand-name">Vigil</span>
          <span class="brand-tag">{t('app.tagline')}</span>
        </a>
        <div class="topbar-right">
          <span class="current-user" title={user.username}>
            <span class="user-name">{user.display_name || user.username}</span>
            <span class="user-role">{enumLabel(t, 'role', user.role)}</span>
          </span>
          <LangSwitch />
          <button type="button" class="btn btn-ghost btn-small" onClick={logout}>
            {t('auth.logout')}
          </button>
        </div>
      </header>
      <nav id="sidenav" class="sidenav" aria-label={t('nav.label')}>
        <div class="nav-user">
          <span class="user-name">{user.display_name || user.username}</span>
          <span class="user-role">
            {user.username} · {enumLabel(t, 'role', user.role)}
          </span>
        </div>
        <ul>
          {items.map((it) => (
            <li>
              <a href={href(it.path)} class={section === it.id || (section === '' && it.id === 'dashboard') ? 'active' : ''} aria-current={section === it.id ? 'page' : undefined}>
                <span class="nav-icon" aria-hidden="true">
                  {it.icon}
                </span>
                {it.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {menuOpen && <div class="scrim" onClick={() => setMenuOpen(false)} />}
      <main class="content" id="main">
        {children}
      </main>
    </div>
  );
}
