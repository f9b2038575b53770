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

export const emptyProfile = (): ProfileValue => ({ name: '', birthday: '', gender: '', city: '', consents: { sms: false, email: false, push: false } });

/** The client's checks before sending: the same rules the server has, said in the user's language. */
export function checkProfile(v: ProfileValue): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!v.name.trim()) errors['/name'] = t('field.required');
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

export function ProfileFields(props: { value: ProfileValue; onChange: (v: ProfileValue) => void; errors: Record<string, string> }) {
  const v = props.value;
  const set = <K extends keyof ProfileValue>(k: K, x: ProfileValue[K]) => props.onChange({ ...v, [k]: x });
  const text = (k: 'name' | 'city') => (e: Event) => set(k, (e.target as HTMLInputElement).value);
  return (
    <>
      <Field label={t('field.name')} name="name" required error={props.errors['/name']}>
        {(p) => <input {...p} autocomplete="name" value={v.name} onInput={text('name')} />}
      </Field>
      <Field label={t('field.birthday')} name="birthday" error={props.errors['/birthday']} hint={t('field.birthdayHint')}>
        {(p) => <input {...p} type="date" value={v.birthday} onInput={(e) => set('birthday', (e.target as HTMLInputElement).value)} />}
      </Field>
      <Field label={t('field.gender')} name="gender" error={props.errors['/gender']}>
        {(p) => (
          <select {...p} value={v.gender} onChange={(e) => set('gender', (e.target as HTMLSelectElement).value as ProfileValue['gender'])}>
            <option value="">{t('gender.none')}</option>
            <option value="female">{t('gender.female')}</option>
            <option value="male">{t('gender.male')}</option>
            <option value="other">{t('gender.other')}</option>
          </select>
        )}
      </Field>
      <Field label={t('field.city')} name="city" error={props.errors['/city']}>
        {(p) => <input {...p} autocomplete="address-level2" value={v.city} onInput={text('city')} />}
      </Field>
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
