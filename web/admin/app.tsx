import { useEffect, useState } from 'preact/hooks';
import { api, mayBeSignedIn, unwrap, useLoad } from '../shared/api';
import { href, onLinkClick, useRoute } from '../shared/router';
import { LangSwitch, Loading, Problem } from '../shared/ui';
import { load, type Session } from './data';
import { SECTIONS, sectionOf } from './nav';
import { Page } from './pages';
import { SignIn } from './pages/sign-in';
import { i18n, t } from './t';

export function App() {
  const [, rerender] = useState(0);
  useEffect(() => i18n.subscribe(() => rerender((x) => x + 1)), []);
  const program = useLoad(load.program, []);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const { path } = useRoute();
  useEffect(() => {
    if (mayBeSignedIn()) load.session().then(setSession, () => setSession(null));
    else setSession(null);
    const signedOut = () => setSession(null);
    addEventListener('kopilka:unauthorized', signedOut);
    return () => removeEventListener('kopilka:unauthorized', signedOut);
  }, []);
  const section = sectionOf(path);
  useEffect(() => {
    document.title = `${t(section.label)} — ${t('app.title')}`;
  });
  const signOut = async () => {
    await unwrap(api.POST('/v1/auth/admin/sign-out')).catch(() => undefined);
    setSession(null);
  };

  if (session === undefined || (!program.data && !program.error)) return <Loading text={t('app.loading')} />;
  if (session === null) {
    return (
      <div class="signin-page">
        <LangSwitch lang={i18n.lang()} onChange={i18n.setLang} label={t('app.language')} />
        <Problem error={program.error} title={t('error.title')} />
        {program.data ? <SignIn program={program.data} onSignedIn={setSession} /> : null}
      </div>
    );
  }
  const role = session.user.role;
  return (
    <div class="layout" onClick={onLinkClick}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{session.program.name}</span>
        <span class="who">
          {session.user.name || session.user.email} · {t(`role.${role}`)}
        </span>
        <LangSwitch lang={i18n.lang()} onChange={i18n.setLang} label={t('app.language')} />
        <button type="button" class="secondary" onClick={() => void signOut()}>
          {t('app.signOut')}
        </button>
      </header>
      <nav class="side" aria-label={t('app.navigation')}>
        <ul>
          {SECTIONS.filter((s) => s.roles.includes(role)).map((s) => (
            <li>
              <a href={href(s.path)} aria-current={s === section ? 'page' : undefined}>
                {t(s.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {section.roles.includes(role) ? (
          <Page path={path} session={session} />
        ) : (
          <section class="card" data-testid="not-allowed">
            <h1>{t('notAllowed.title')}</h1>
            <p>{t('notAllowed.text', { role: t(`role.${role}`) })}</p>
            <a href={href('/')}>{t('notAllowed.back')}</a>
          </section>
        )}
      </main>
    </div>
  );
}
