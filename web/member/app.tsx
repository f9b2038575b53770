import { useEffect, useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../shared/api';
import { match, onLinkClick, useRoute } from '../shared/router';
import { LangSwitch, Loading, Problem } from '../shared/ui';
import { load, programIdFromUrl, type Me, type Program } from './data';
import { SignIn } from './pages/sign-in';
import { i18n, t } from './t';

export function App() {
  const [, rerender] = useState(0);
  useEffect(() => i18n.subscribe(() => rerender((x) => x + 1)), []);
  const program = useLoad(() => load.program(programIdFromUrl()), []);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    load.me().then(setMe, () => setMe(null));
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
        {me === undefined || !program.data ? (
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

function Routes(props: { me: Me; program: Program; onMe: (m: Me) => void; onSignOut: () => Promise<void> }) {
  const { path } = useRoute();
  void match;
  return (
    <div>
      <h1>{t('home.hello', { name: props.me.name ?? '' })}</h1>
      <p class="muted">{path}</p>
      <button type="button" class="secondary" onClick={() => void props.onSignOut()}>
        {t('profile.signOut')}
      </button>
    </div>
  );
}
