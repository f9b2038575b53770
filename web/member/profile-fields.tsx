// The questionnaire, the consents per channel and the message preferences: shared by joining and
// the profile page. Errors are keyed by the JSON pointer of the field in the request body.
import { Check, Field } from '../shared/ui';
import { t } from './t';

export const CHANNELS = ['sms', 'email', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ProfileValue {
  name: string;
  birthday: string;
  gender: '' | 'female' | 'male' | 'other';
  city: string;
  consents: Record<Channel, boolean>;
}

export type Questionnaire = Record<'name' | 'birthday' | 'gender' | 'city', 'required' | 'optional' | 'off'>;

export const emptyProfile = (): ProfileValue => ({ name: '', birthday: '', gender: '', city: '', consents: { sms: false, email: false, push: false } });

/** The client's checks before sending: the same rules the server has, said in the user's language. */
export function checkProfile(v: ProfileValue, q: Questionnaire): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of ['name', 'birthday', 'gender', 'city'] as const) if (q[f] === 'required' && !v[f].trim()) errors[`/${f}`] = t('field.required');
  if (v.name.length > 200) errors['/name'] = t('field.tooLong');
  if (v.birthday && (new Date(v.birthday) > new Date() || !/^\d{4}-\d{2}-\d{2}$/.test(v.birthday))) errors['/birthday'] = t('field.badDate');
  return errors;
}

/** The body fields of a profile as the API takes them. */
export const profileBody = (v: ProfileValue) => ({
  name: v.name.trim() || null,
  birthday: v.birthday || null,
  gender: v.gender || null,
  city: v.city.trim() || null,
  consents: v.consents,
});

/** The questionnaire as the program configures it: fields that are off are not asked, required ones are marked. */
export function ProfileFields(props: { value: ProfileValue; onChange: (v: ProfileValue) => void; errors: Record<string, string>; questionnaire: Questionnaire }) {
  const v = props.value;
  const q = props.questionnaire;
  const set = <K extends keyof ProfileValue>(k: K, x: ProfileValue[K]) => props.onChange({ ...v, [k]: x });
  const text = (k: 'name' | 'city') => (e: Event) => set(k, (e.target as HTMLInputElement).value);
  return (
    <>
      {q.name === 'off' ? null : (
        <Field label={t('field.name')} name="name" required={q.name === 'required'} error={props.errors['/name']}>
          {(p) => <input {...p} autocomplete="name" value={v.name} onInput={text('name')} />}
        </Field>
      )}
      {q.birthday === 'off' ? null : (
        <Field label={t('field.birthday')} name="birthday" required={q.birthday === 'required'} error={props.errors['/birthday']} hint={t('field.birthdayHint')}>
          {(p) => <input {...p} type="date" value={v.birthday} onInput={(e) => set('birthday', (e.target as HTMLInputElement).value)} />}
        </Field>
      )}
      {q.gender === 'off' ? null : (
      <Field label={t('field.gender')} name="gender" required={q.gender === 'required'} error={props.errors['/gender']}>
        {(p) => (
          <select {...p} value={v.gender} onChange={(e) => set('gender', (e.target as HTMLSelectElement).value as ProfileValue['gender'])}>
            <option value="">{t('gender.none')}</option>
            <option value="female">{t('gender.female')}</option>
            <option value="male">{t('gender.male')}</option>
            <option value="other">{t('gender.other')}</option>
          </select>
        )}
      </Field>
      )}
      {q.city === 'off' ? null : (
        <Field label={t('field.city')} name="city" required={q.city === 'required'} error={props.errors['/city']}>
          {(p) => <input {...p} autocomplete="address-level2" value={v.city} onInput={text('city')} />}
        </Field>
      )}
      <fieldset class="choice">
        <legend>{t('consents.title')}</legend>
        <p class="hint">{t('consents.hint')}</p>
        {CHANNELS.map((c) => (
          <Check name={`consent-${c}`} label={t(`channel.${c}`)} checked={v.consents[c]} onChange={(x) => set('consents', { ...v.consents, [c]: x })} />
        ))}
      </fieldset>
    </>
  );
}
