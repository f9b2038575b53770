import { useState } from 'preact/hooks';
import { api, ApiError, unwrap } from '../../shared/api';
import { Card, Field, Problem } from '../../shared/ui';
import { load, type PublicProgram, type Session } from '../data';
import { t } from '../t';

export function SignIn(props: { program: PublicProgram; onSignedIn: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!/^[^@\s]+@[^@\s]+$/.test(email.trim())) found['/email'] = t('signIn.badEmail');
    if (!password) found['/password'] = t('field.required');
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(undefined);
    try {
      await unwrap(api.POST('/v1/auth/admin/sign-in', { body: { programId: props.program.id, email: email.trim(), password } }));
      props.onSignedIn(await load.session());
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setError(err);
      setErrors(err.fields());
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main">
      <Card title={t('signIn.title', { program: props.program.name })} class="signin">
        <Problem error={error} title={t('signIn.failed')} />
        <form onSubmit={submit} noValidate>
          <Field label={t('field.email')} name="email" required error={errors['/email']}>
            {(p) => <input {...p} type="email" autocomplete="username" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />}
          </Field>
          <Field label={t('field.password')} name="password" required error={errors['/password']}>
            {(p) => <input {...p} type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />}
          </Field>
          <button type="submit" disabled={busy}>
            {t('signIn.submit')}
          </button>
        </form>
      </Card>
    </main>
  );
}
