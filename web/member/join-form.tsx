import { useState } from 'preact/hooks';
import { api, ApiError, unwrap } from '../shared/api';
import { Card, Problem } from '../shared/ui';
import type { Me, Program } from './data';
import { agreementsBody, checkAgreements, JoinAgreements, type Accepted } from './legal';
import { checkProfile, emptyProfile, profileBody, ProfileFields } from './profile-fields';
import { t } from './t';

/** Joining the program: the questionnaire and consents, sent with the code that was just checked. */
export function JoinForm(props: { program: Program; target: { programId: string; phone: string } | { programId: string; email: string }; code: string; onJoined: (me: Me) => void }) {
  const [value, setValue] = useState(emptyProfile());
  const [accepted, setAccepted] = useState<Accepted>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const found = { ...checkProfile(value, props.program.questionnaire), ...checkAgreements(props.program, accepted) };
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const joined = await unwrap(api.POST('/v1/auth/member/join', { body: { ...props.target, code: props.code, ...profileBody(value), agreements: agreementsBody(props.program, accepted) } }));
      props.onJoined(joined.member);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setError(err);
      setErrors(err.fields());
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('join.title', { program: props.program.name })}>
      <p>{t('join.intro')}</p>
      <Problem error={error} title={t('error.title')} />
      <form onSubmit={submit} noValidate>
        <ProfileFields value={value} onChange={setValue} errors={errors} questionnaire={props.program.questionnaire} />
        <JoinAgreements program={props.program} accepted={accepted} onChange={setAccepted} error={errors['/agreements']} />
        <p class="hint">{t('field.requiredNote')}</p>
        <button type="submit" disabled={busy}>
          {t('join.submit')}
        </button>
      </form>
    </Card>
  );
}
