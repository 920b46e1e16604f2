// The app shell: who is signed in, which page to show, the language switch and sign-out.
// Pages are real paths (/signin, /dashboard) served by the registry as this one document;
// their state (the dashboard's filters) lives in the query string, so a view can be bookmarked.
import { api, ApiError, onSessionExpired, setCsrfToken } from './api.js';
import { h, replaceChildren } from './dom.js';
import { lang, setLang, t, translateStatic } from './i18n.js';
import { renderSignIn } from './signin.js';
import { renderDashboard } from './dashboard.js';
import { renderExam } from './entry.js';
import { renderExamList } from './exam_list.js';
import { renderHistory } from './exam_history.js';
import { renderOutcome } from './outcome.js';

// The app's pages: each names the roles that may open it (the API decides too). A page added
// here must also be added to StaticSite::pages() on the server. The first page a role may
// open is its home.
const PAGES = {
  '/dashboard': {
    roles: ['pilot_lead', 'loef'],
    render: (main, user) => renderDashboard(main, user,
      { navigate: (search) => history.pushState(null, '', `/dashboard${search}`) }),
  },
  '/exams': { roles: ['forensic_doctor'], render: renderExamList },
  '/exam': { roles: ['forensic_doctor'], render: renderExam },
  '/exam/history': { roles: ['forensic_doctor', 'loef'], render: renderHistory },
  '/outcome': { roles: ['police', 'prosecutor'], render: renderOutcome },
};

function homeOf(role) {
  return Object.keys(PAGES).find((path) => PAGES[path].roles.includes(role)) || '/dashboard';
}
const main = document.getElementById('main');
const signOutButton = document.getElementById('sign-out');
const langButton = document.getElementById('lang-switch');
const userName = document.getElementById('user-name');
let user = null;

function go(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

// Where to go after signing in: a page of this app only (never another origin).
function safeNext(value) {
  if (!value || !value.startsWith('/') || value.startsWith('//')) return '/';
  const url = new URL(value, location.origin);
  return url.origin === location.origin && (url.pathname === '/' || url.pathname in PAGES) ? url.pathname + url.search : '/';
}

function showSignIn(notice, next) {
  user = null;
  setCsrfToken(null);
  userName.textContent = '';
  signOutButton.hidden = true;
  const url = new URL('/signin', location.origin);
  if (notice) url.searchParams.set('notice', notice);
  if (next) url.searchParams.set('next', next);
  if (location.pathname + location.search !== url.pathname + url.search) history.replaceState(null, '', url.pathname + url.search);
  renderSignIn(main, {
    notice,
    onSignedIn: (signedIn) => {
      user = signedIn;
      go(safeNext(next), { replace: true });
    },
  });
}

function showUser() {
  userName.textContent = user.display_name;
  signOutButton.hidden = false;
}

function showNoAccess() {
  replaceChildren(main, h('section', { class: 'panel' },
    h('h1', {}, t('no_access_title')),
    h('p', { id: 'no-access' }, t(location.pathname === '/dashboard' ? 'no_access' : 'no_access_page', { role: user.role }))));
}

// The signed-in user of the session cookie (a reloaded page keeps its session), or null.
async function resumeSession() {
  if (user) return user;
  try {
    user = await api('GET', '/api/v1/me', { anonymous: true });
    setCsrfToken(user.csrf_token);
    return user;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return null;
  }
}

async function route() {
  const params = new URLSearchParams(location.search);
  if (location.pathname === '/signin') {
    // A signed-in user who opens /signin is simply sent on.
    if (await resumeSession()) go(safeNext(params.get('next')), { replace: true });
    else showSignIn(params.get('notice'), params.get('next'));
    return;
  }
  if (!(await resumeSession())) {
    showSignIn(null, location.pathname + location.search);
    return;
  }
  showUser();
  if (location.pathname === '/') {
    go(homeOf(user.role), { replace: true });
    return;
  }
  const page = PAGES[location.pathname];
  if (!page || !page.roles.includes(user.role)) {
    showNoAccess();
    return;
  }
  try {
    await page.render(main, user);
  } catch (e) {
    // 401: the session ended while the page loaded; the expiry listener shows the sign-in.
    if (e instanceof ApiError && e.status === 401) return;
    replaceChildren(main, h('p', { class: 'message message-error', role: 'alert' },
      e instanceof ApiError && e.status === 0 ? t('network_error')
        : t('server_error', { id: (e instanceof ApiError && e.headers?.get('X-Request-Id')) || '?' })));
  }
}

onSessionExpired(() => {
  if (!user) return;
  showSignIn('expired', location.pathname === '/signin' ? null : location.pathname + location.search);
});

signOutButton.addEventListener('click', async () => {
  try {
    await api('DELETE', '/api/v1/sessions/current');
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;  // already ended: signed out anyway
  }
  showSignIn('signed_out');
});

function applyLanguage() {
  setLang(lang());
  translateStatic();
  langButton.textContent = t('switch_language');
  langButton.lang = lang() === 'nl' ? 'en' : 'nl';
}

langButton.addEventListener('click', () => {
  setLang(lang() === 'nl' ? 'en' : 'nl');
  applyLanguage();
  if (user) userName.textContent = user.display_name;
  route();
});

window.addEventListener('popstate', () => route());
applyLanguage();
route();
