import { useEffect, useState } from 'preact/hooks';
import { api, mayBeSignedIn, unwrap, useLoad } from '../shared/api';
import { href, onLinkClick, useRoute } from '../shared/router';
import { LangSwitch, Loading, Problem } from '../shared/ui';
import { load, programIdFromUrl, type Me, type Program } from './data';
import { DocumentPage, documentKindOf } from './legal';
import { FeedbackPage } from './pages/feedback';
import { History } from './pages/history';
import { Home } from './pages/home';
import { OffersPage } from './pages/offers';
import { Profile } from './pages/profile';
import { SignIn } from './pages/sign-in';
import { StoresPage } from './pages/stores';
import { i18n, t } from './t';

export function App() {
  const [, rerender] = useState(0);
  useEffect(() => i18n.subscribe(() => rerender((x) => x + 1)), []);
  const program = useLoad(() => load.program(programIdFromUrl()), []);
  const { path } = useRoute();
  const documentKind = documentKindOf(path);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    if (mayBeSignedIn()) load.me().then(setMe, () => setMe(null));
    else setMe(null);
    const signedOut = () => setMe(null);
    addEventListener('kopilka:unauthorized', signedOut);
    return () => removeEventListener('kopilka:unauthorized', signedOut);
  }, []);
  useEffect(() => {
    document.title = program.data ? `${program.data.name} — ${t('app.title')}` : t('app.title');
  });

  const signOut = async () => {
    await unwrap(api.POST('/v1/auth/member/sign-out')).catch(() => undefined);
    setMe(null);
  };

  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{program.data?.name ?? t('app.title')}</span>
        <LangSwitch lang={i18n.lang()} onChange={i18n.setLang} label={t('app.language')} />
      </header>
      <main id="main" tabIndex={-1}>
        <Problem error={program.error} title={t('error.title')} />
        {documentKind ? (
          <DocumentPage kind={documentKind} programId={program.data?.id ?? programIdFromUrl()} />
        ) : me === undefined || !program.data ? (
          program.error ? null : <Loading text={t('app.loading')} />
        ) : me === null ? (
          <SignIn program={program.data} onSignedIn={setMe} />
        ) : (
          <Routes me={me} program={program.data} onMe={setMe} onSignOut={signOut} />
        )}
      </main>
    </div>
  );
}

const TABS = [
  { path: '/', label: 'nav.card' },
  { path: '/history', label: 'nav.history' },
  { path: '/offers', label: 'nav.offers' },
  { path: '/stores', label: 'nav.stores' },
  { path: '/profile', label: 'nav.profile' },
] as const;

function Routes(props: { me: Me; program: Program; onMe: (m: Me | null) => void; onSignOut: () => Promise<void> }) {
  const { path } = useRoute();
  let page;
  if (path === '/history') page = <History />;
  else if (path === '/offers') page = <OffersPage program={props.program} />;
  else if (path === '/stores') page = <StoresPage />;
  else if (path === '/feedback') page = <FeedbackPage />;
  else if (path === '/profile') page = <Profile me={props.me} program={props.program} onMe={props.onMe} onSignOut={props.onSignOut} onDeleted={() => props.onMe(null)} />;
  else page = <Home me={props.me} program={props.program} />;
  return (
    <>
      {page}
      <nav class="tabs" aria-label={t('nav.label')}>
        {TABS.map((tab) => (
          <a href={href(tab.path)} aria-current={tab.path === path || (tab.path === '/profile' && path === '/feedback') ? 'page' : undefined}>
            {t(tab.label)}
          </a>
        ))}
      </nav>
    </>
  );
}
