import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, unwrap } from '../../shared/api';
import { Card, Field, Problem } from '../../shared/ui';
import type { Me, Program } from '../data';
import { JoinForm } from '../join-form';
import { t } from '../t';

type Channel = 'phone' | 'email';
type Step = { at: 'ask' } | { at: 'code'; sentTo: string; resendAfter: string } | { at: 'join'; code: string };

/** Sign in with a one-time code; a newcomer answers the questionnaire with the same code. */
export function SignIn(props: { program: Program; onSignedIn: (me: Me) => void }) {
  const [channel, setChannel] = useState<Channel>('phone');
  const [value, setValue] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>({ at: 'ask' });
  const [error, setError] = useState<ApiError>();
  const [fieldError, setFieldError] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  // The code field takes the focus when it appears, so the keyboard (and a screen reader) lands there.
  useEffect(() => {
    if (step.at === 'code') codeInput.current?.focus();
  }, [step.at]);
  const target = () => ({ programId: props.program.id, ...(channel === 'phone' ? { phone: value } : { email: value }) }) as { programId: string; phone: string } | { programId: string; email: string };

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiError) {
        setError(e);
        setFieldError(e.fields());
      } else throw e;
    } finally {
      setBusy(false);
    }
  }

  const ask = (e?: Event) => {
    e?.preventDefault();
    const v = value.trim();
    if (!v || (channel === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) || (channel === 'phone' && v.replace(/\D/g, '').length < 10)) {
      setFieldError({ [`/${channel}`]: t(channel === 'phone' ? 'signIn.badPhone' : 'signIn.badEmail') });
      return;
    }
    setFieldError({});
    void run(async () => {
      const sent = await unwrap(api.POST('/v1/auth/member/code', { body: target() }));
      setStep({ at: 'code', sentTo: sent.sentTo, resendAfter: sent.resendAfter });
    });
  };

  const verify = (e: Event) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) {
      setFieldError({ '/code': t('signIn.badCode') });
      return;
    }
    setFieldError({});
    void run(async () => {
      try {
        const signedIn = await unwrap(api.POST('/v1/auth/member/verify', { body: { ...target(), code } }));
        props.onSignedIn(signedIn.member);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'NOT_ENROLLED') setStep({ at: 'join', code });
        else throw err;
      }
    });
  };

  if (step.at === 'join') {
    return <JoinForm program={props.program} target={target()} code={step.code} onJoined={props.onSignedIn} />;
  }

  return (
    <Card title={t('signIn.title', { program: props.program.name })}>
      <Problem error={error && !Object.keys(fieldError).length ? error : undefined} title={t('error.title')} />
      {step.at === 'ask' ? (
        <form onSubmit={ask} noValidate>
          <fieldset class="choice">
            <legend>{t('signIn.how')}</legend>
            {(['phone', 'email'] as const).map((c) => (
              <label class="check">
                <input type="radio" name="channel" value={c} checked={channel === c} onChange={() => setChannel(c)} />
                {t(c === 'phone' ? 'signIn.byPhone' : 'signIn.byEmail')}
              </label>
            ))}
          </fieldset>
          <Field label={t(channel === 'phone' ? 'field.phone' : 'field.email')} name={channel} required error={fieldError[`/${channel}`]}>
            {(p) => (
              <input
                {...p}
                type={channel === 'phone' ? 'tel' : 'email'}
                autocomplete={channel === 'phone' ? 'tel' : 'email'}
                inputMode={channel === 'phone' ? 'tel' : 'email'}
                value={value}
                onInput={(e) => setValue((e.target as HTMLInputElement).value)}
              />
            )}
          </Field>
          <button type="submit" disabled={busy}>
            {t('signIn.getCode')}
          </button>
        </form>
      ) : (
        <form onSubmit={verify} noValidate>
          <p>{t('signIn.sent', { to: step.sentTo })}</p>
          <Field label={t('signIn.code')} name="code" required error={fieldError['/code'] ?? (error && error.code !== 'NOT_ENROLLED' ? error.text() : undefined)}>
            {(p) => <input {...p} ref={codeInput} autocomplete="one-time-code" inputMode="numeric" maxLength={6} value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value.trim())} />}
          </Field>
          <div class="row">
            <button type="submit" disabled={busy}>
              {t('signIn.submit')}
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => ask()}>
              {t('signIn.resend')}
            </button>
            <button type="button" class="secondary" onClick={() => setStep({ at: 'ask' })}>
              {t('signIn.change')}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}
