import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, unwrap, useLoad } from '../../shared/api';
import { num } from '../../shared/format';
import { href } from '../../shared/router';
import { Card, Check, Field, Problem } from '../../shared/ui';
import { load, type Me, type Program } from '../data';
import { ProfileAgreements } from '../legal';
import { CHANNELS, checkProfile, profileBody, ProfileFields, type Channel, type ProfileValue } from '../profile-fields';
import { i18n, t, tn } from '../t';

interface Prefs {
  channels: Channel[];
  from: string;
  to: string;
}

const profileOf = (me: Me): ProfileValue => ({
  name: me.name ?? '',
  birthday: me.birthday ?? '',
  gender: (me.gender ?? '') as ProfileValue['gender'],
  city: me.city ?? '',
  consents: { sms: Boolean(me.consents.sms), email: Boolean(me.consents.email), push: Boolean(me.consents.push) },
});
const prefsOf = (me: Me): Prefs => (me.attributes.messagePreferences as Prefs | undefined) ?? { channels: [], from: '09:00', to: '21:00' };

export function Profile(props: { me: Me; program: Program; onMe: (me: Me) => void; onSignOut: () => Promise<void>; onDeleted: () => void }) {
  const [value, setValue] = useState(profileOf(props.me));
  const [prefs, setPrefs] = useState(prefsOf(props.me));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      await action();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(e);
      setErrors(e.fields());
    } finally {
      setBusy(false);
    }
  }

  const save = (e: Event) => {
    e.preventDefault();
    const found = checkProfile(value, props.program.questionnaire);
    if (prefs.from >= prefs.to) found['/messagePreferences/to'] = t('prefs.badHours');
    setErrors(found);
    if (Object.keys(found).length) return;
    void run(async () => {
      props.onMe(await unwrap(api.PATCH('/v1/me', { body: { ...profileBody(value), messagePreferences: prefs } })));
      setSaved(true);
    });
  };

  const exportData = () =>
    run(async () => {
      const data = await unwrap(api.GET('/v1/me/export'));
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'my-data.json';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  const deleteAccount = () =>
    run(async () => {
      await unwrap(api.DELETE('/v1/me'));
      props.onDeleted();
    });

  const toggle = (c: Channel, on: boolean) => setPrefs({ ...prefs, channels: on ? [...prefs.channels, c] : prefs.channels.filter((x) => x !== c) });
  return (
    <>
      <h1>{t('profile.title')}</h1>
      <Problem error={error} title={t('error.title')} />
      {saved ? (
        <p class="notice" role="status">
          {t('profile.saved')}
        </p>
      ) : null}
      <Card>
        <form onSubmit={save} noValidate>
          <p class="muted">{[props.me.phone, props.me.email].filter(Boolean).join(' · ')}</p>
          <ProfileFields value={value} onChange={setValue} errors={errors} questionnaire={props.program.questionnaire} />
          <fieldset class="choice">
            <legend>{t('prefs.title')}</legend>
            {CHANNELS.map((c) => (
              <Check name={`pref-${c}`} label={t(`channel.${c}`)} checked={prefs.channels.includes(c)} onChange={(on) => toggle(c, on)} />
            ))}
            <div class="row">
              <Field label={t('prefs.from')} name="from" error={errors['/messagePreferences/from']}>
                {(p) => <input {...p} type="time" value={prefs.from} onInput={(e) => setPrefs({ ...prefs, from: (e.target as HTMLInputElement).value })} />}
              </Field>
              <Field label={t('prefs.to')} name="to" error={errors['/messagePreferences/to']}>
                {(p) => <input {...p} type="time" value={prefs.to} onInput={(e) => setPrefs({ ...prefs, to: (e.target as HTMLInputElement).value })} />}
              </Field>
            </div>
          </fieldset>
          <button type="submit" disabled={busy}>
            {t('profile.save')}
          </button>
        </form>
      </Card>
      <ProfileAgreements program={props.program} />
      <Card title={t('profile.more')}>
        <p>
          <a href={href('/feedback')}>{t('feedback.title')}</a>
        </p>
        <p>
          <button type="button" class="secondary" disabled={busy} onClick={() => void exportData()}>
            {t('profile.export')}
          </button>
        </p>
        <p>
          <button type="button" class="secondary" onClick={() => void props.onSignOut()}>
            {t('profile.signOut')}
          </button>
        </p>
      </Card>
      <Card title={t('profile.delete')}>
        <p>{t('profile.deleteText')}</p>
        {confirmDelete ? (
          <DeleteConfirmation busy={busy} onCancel={() => setConfirmDelete(false)} onConfirm={() => void deleteAccount()} />
        ) : (
          <button type="button" class="danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
            {t('profile.deleteButton')}
          </button>
        )}
      </Card>
    </>
  );
}

/**
 * The second step of "Delete my account": exactly what DELETE /v1/me does (src/app/my-data.ts,
 * deleteMe): the profile, consents, identifiers and card token and the member's feedback go and
 * sessions end; entries, lots and purchases stay under the anonymous member, so the points are
 * nobody's to spend and stay on the books.
 */
function DeleteConfirmation(props: { busy: boolean; onCancel: () => void; onConfirm: () => void }) {
  const balance = useLoad(load.balance, []);
  const lang = i18n.lang();
  const ask = useRef<HTMLHeadingElement>(null);
  useEffect(() => ask.current?.focus(), []);
  const b = balance.data;
  const points = b ? b.available + b.pendingTotal + b.held : undefined;
  return (
    <div class="confirm" role="group" aria-labelledby="delete-ask" data-testid="delete-confirmation">
      <h3 id="delete-ask" tabIndex={-1} ref={ask}>
        {t('profile.deleteAsk')}
      </h3>
      <p>{t('profile.deleteWhat')}</p>
      <Problem error={balance.error} title={t('error.title')} />
      {points === undefined ? null : <p data-testid="delete-points">{points === 0 ? t('profile.deleteNoPoints') : tn('profile.deletePoints', points, { n: num(points, lang) })}</p>}
      <p>{t('profile.deleteHistory')}</p>
      <div class="row">
        <button type="button" class="danger" disabled={props.busy || points === undefined} onClick={props.onConfirm}>
          {t('profile.deleteYes')}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('profile.deleteCancel')}
        </button>
      </div>
    </div>
  );
}
