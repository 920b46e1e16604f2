// The app shell: who is signed in, which page to show, the language switch and sign-out.
// Pages are real paths (/signin, /dashboard) served by the registry as this one document;
// their state (the dashboard's filters) lives in the query string, so a view can be bookmarked.
import { api, ApiError, onSessionExpired, setCsrfToken } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatDateTime, lang, setLang, t, translateStatic } from './i18n.js';
import { renderSignIn } from './signin.js';
import { renderDashboard } from './dashboard.js';
import { renderExam } from './entry.js';
import { renderExamList } from './exam_list.js';
import { renderHistory } from './exam_history.js';
import { renderOutcome } from './outcome.js';
import { renderTwoFactor } from './account.js';

// The app's pages: each names the roles that may open it (the API decides too). A page added
// here must also be added to StaticSite::pages() on the server. The first page a role may
// open is its home, unless it says home: false.
const ALL_ROLES = ['forensic_doctor', 'police', 'prosecutor', 'loef', 'researcher', 'pilot_lead', 'admin'];
const ENROLMENT_PAGE = '/account/two-factor';
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
  [ENROLMENT_PAGE]: {
    roles: ALL_ROLES,
    home: false,
    render: (main, user) => renderTwoFactor(main, user, { onEnrolled: () => go(homeOf(user.role), { replace: true }) }),
  },
};

function homeOf(role) {
  return Object.keys(PAGES).find((path) => PAGES[path].home !== false && PAGES[path].roles.includes(role)) || '/dashboard';
}
const main = document.getElementById('main');
const signOutButton = document.getElementById('sign-out');
const langButton = document.getElementById('lang-switch');
const userName = document.getElementById('user-name');
const sessionExpiry = document.getElementById('session-expiry');
const accountLink = document.getElementById('account-link');
let user = null;
// Focus moves to the new page's heading after a route change inside the app, so that a screen
// reader announces it and the keyboard starts there; a fresh page load keeps the browser's own
// start (the skip link first).
let moveFocus = false;

function go(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  moveFocus = true;
  route();
}

function focusHeading() {
  const heading = main.querySelector('h1');
  const target = heading || main;
  if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  // An error summary or a field that a page focused on purpose keeps the focus.
  if (main.contains(document.activeElement) && document.activeElement !== main) return;
  target.focus({ preventScroll: false });
}

// Where to go after signing in: a page of this app only (never another origin).
function safeNext(value) {
  if (!value || !value.startsWith('/') || value.startsWith('//')) return '/';
  const url = new URL(value, location.origin);
  return url.origin === location.origin && (url.pathname === '/' || url.pathname in PAGES) ? url.pathname + url.search : '/';
}

// Each page draws into a container of its own. A page still loading when the user signs out or
// moves on then writes into a container that is no longer shown, never over the page that
// replaced it.
function freshView() {
  const view = h('div', { class: 'view' });
  replaceChildren(main, view);
  return view;
}

function showSignIn(notice, next) {
  user = null;
  setCsrfToken(null);
  userName.textContent = '';
  signOutButton.hidden = true;
  accountLink.hidden = true;
  sessionExpiry.hidden = true;
  const url = new URL('/signin', location.origin);
  if (notice) url.searchParams.set('notice', notice);
  if (next) url.searchParams.set('next', next);
  if (location.pathname + location.search !== url.pathname + url.search) history.replaceState(null, '', url.pathname + url.search);
  renderSignIn(freshView(), {
    notice,
    onSignedIn: (session) => {
      user = { ...session.user, expires_at: session.expires_at,
        second_factor_enrolment_required: !!session.second_factor_enrolment_required };
      go(user.second_factor_enrolment_required ? ENROLMENT_PAGE : safeNext(next), { replace: true });
    },
  });
}

function showUser() {
  userName.textContent = user.display_name;
  signOutButton.hidden = false;
  // A session that may only enrol has nowhere else to go.
  accountLink.hidden = !!user.second_factor_enrolment_required;
  if (user.expires_at) {
    sessionExpiry.textContent = t('session_until', { at: formatDateTime(user.expires_at) });
    sessionExpiry.title = t('session_until_explain');
    sessionExpiry.hidden = false;
  } else {
    sessionExpiry.hidden = true;
  }
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
  // The API refuses everything else to such a session; the app says so by going to enrolment.
  if (user.second_factor_enrolment_required && location.pathname !== ENROLMENT_PAGE) {
    go(ENROLMENT_PAGE, { replace: true });
    return;
  }
  if (location.pathname === '/') {
    go(homeOf(user.role), { replace: true });
    return;
  }
  const page = PAGES[location.pathname];
  const focusAfter = moveFocus;
  moveFocus = false;
  if (!page || !page.roles.includes(user.role)) {
    showNoAccess();
    if (focusAfter) focusHeading();
    return;
  }
  const view = freshView();
  try {
    await page.render(view, user);
    if (focusAfter && view.isConnected) focusHeading();
  } catch (e) {
    // 401: the session ended while the page loaded; the expiry listener shows the sign-in.
    // A page left while it loaded has nothing to say either.
    if ((e instanceof ApiError && e.status === 401) || !view.isConnected) return;
    const summary = h('p', { class: 'message message-error', role: 'alert', tabindex: '-1', id: 'page-error' },
      e instanceof ApiError && e.status === 0 ? t('network_error')
        : t('server_error', { id: (e instanceof ApiError && e.headers?.get('X-Request-Id')) || '?' }));
    replaceChildren(main, summary);
    summary.focus();
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
  if (user) showUser();
  route();
});

accountLink.addEventListener('click', (event) => {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  go(ENROLMENT_PAGE);
});

window.addEventListener('popstate', () => { moveFocus = true; route(); });
applyLanguage();
route();
