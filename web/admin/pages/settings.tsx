import { useEffect, useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { useSubmit, val } from '../../shared/form';
import { Card, Field, Loading, Problem } from '../../shared/ui';
import { ExclusionsEditor, exclusionsBody, exclusionsText, type ExclusionsText } from '../exclusions-editor';
import { LegalTexts, RequiredAgreements } from '../legal-admin';
import { t } from '../t';

interface Form {
  name: string;
  percent: string;
  pendingDays: string;
  expiryDays: string;
  maxRedeemPercent: string;
  pointValue: string;
  expiringSoonDays: string;
  locale: 'ru' | 'en';
  questionnaire: Record<QField, FieldUse>;
  exclusions: ExclusionsText;
  requiredAgreements: ('rules' | 'personal_data')[];
}

type QField = 'name' | 'birthday' | 'gender' | 'city';
type FieldUse = 'required' | 'optional' | 'off';
const Q_FIELDS: QField[] = ['name', 'birthday', 'gender', 'city'];

/** The main scheme: base earning, the return window, expiry and spending limits (PATCH /v1/program). */
export function Settings() {
  const program = useLoad(() => unwrap(api.GET('/v1/program')), []);
  const [form, setForm] = useState<Form>();
  const f = useSubmit();
  useEffect(() => {
    const p = program.data;
    if (!p) return;
    const s = p.settings;
    setForm({
      name: p.name,
      percent: s.earning.kind === 'percent' ? String(s.earning.percent) : '',
      pendingDays: String(s.pendingDays),
      expiryDays: s.expiry.kind === 'days' ? String(s.expiry.days) : '',
      maxRedeemPercent: String(s.maxRedeemPercent),
      pointValue: String(s.pointValue / 100),
      expiringSoonDays: String(s.expiringSoonDays),
      locale: s.locale,
      questionnaire: s.questionnaire,
      exclusions: exclusionsText(s.earnExclusions, s.redeemExclusions),
      requiredAgreements: s.requiredAgreements,
    });
  }, [program.data]);
  if (program.error) return <Problem error={program.error} title={t('error.title')} />;
  if (!program.data || !form) return <Loading text={t('app.loading')} />;
  const input = (k: keyof Form) => (e: Event) => setForm({ ...form, [k]: val(e) });
  const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN);
  const save = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!form.name.trim()) found['/name'] = t('field.required');
    if (form.percent !== '' && !(Number(form.percent) >= 0 && Number(form.percent) <= 100)) found['/settings/earning/percent'] = t('settings.badPercent');
    if (Number.isNaN(int(form.pendingDays))) found['/settings/pendingDays'] = t('field.wholeNumber');
    if (form.expiryDays !== '' && Number.isNaN(int(form.expiryDays))) found['/settings/expiry/days'] = t('field.wholeNumber');
    if (Number.isNaN(int(form.maxRedeemPercent)) || int(form.maxRedeemPercent) > 100) found['/settings/maxRedeemPercent'] = t('settings.badPercent');
    if (!(Number(form.pointValue) > 0)) found['/settings/pointValue'] = t('field.positive');
    if (!f.check(found)) return;
    void f.run(async () => {
      const updated = await unwrap(
        api.PATCH('/v1/program', {
          body: {
            name: form.name.trim(),
            settings: {
              ...(form.percent !== '' ? { earning: { kind: 'percent' as const, percent: Number(form.percent) } } : {}),
              pendingDays: int(form.pendingDays),
              ...(form.expiryDays !== '' ? { expiry: { kind: 'days' as const, days: int(form.expiryDays) } } : {}),
              maxRedeemPercent: int(form.maxRedeemPercent),
              pointValue: Math.round(Number(form.pointValue) * 100),
              expiringSoonDays: int(form.expiringSoonDays),
              locale: form.locale,
              questionnaire: form.questionnaire,
              ...exclusionsBody(form.exclusions),
              requiredAgreements: form.requiredAgreements,
            },
          },
        }),
      );
      program.reload();
      return updated;
    });
  };
  const e = f.fields;
  return (
    <>
      <h1>{t('nav.settings')}</h1>
      {f.done ? <p class="notice" role="status">{t('settings.saved')}</p> : null}
      <Problem error={f.error} title={t('error.title')} />
      <Card>
        <form onSubmit={save} noValidate class="grid2" data-testid="settings">
          <Field label={t('settings.name')} name="name" required error={e['/name']}>
            {(p) => <input {...p} value={form.name} onInput={input('name')} />}
          </Field>
          <Field label={t('settings.percent')} name="percent" error={e['/settings/earning/percent'] ?? e['/settings/earning']} hint={t('settings.percentHint')}>
            {(p) => <input {...p} inputMode="decimal" value={form.percent} onInput={input('percent')} />}
          </Field>
          <Field label={t('settings.pendingDays')} name="pendingDays" error={e['/settings/pendingDays']} hint={t('settings.pendingDaysHint')}>
            {(p) => <input {...p} inputMode="numeric" value={form.pendingDays} onInput={input('pendingDays')} />}
          </Field>
          <Field label={t('settings.expiryDays')} name="expiryDays" error={e['/settings/expiry/days'] ?? e['/settings/expiry']} hint={t('settings.expiryDaysHint')}>
            {(p) => <input {...p} inputMode="numeric" value={form.expiryDays} onInput={input('expiryDays')} />}
          </Field>
          <Field label={t('settings.maxRedeemPercent')} name="maxRedeemPercent" error={e['/settings/maxRedeemPercent']}>
            {(p) => <input {...p} inputMode="numeric" value={form.maxRedeemPercent} onInput={input('maxRedeemPercent')} />}
          </Field>
          <Field label={t('settings.pointValue')} name="pointValue" error={e['/settings/pointValue']}>
            {(p) => <input {...p} inputMode="decimal" value={form.pointValue} onInput={input('pointValue')} />}
          </Field>
          <Field label={t('settings.expiringSoonDays')} name="expiringSoonDays" error={e['/settings/expiringSoonDays']}>
            {(p) => <input {...p} inputMode="numeric" value={form.expiringSoonDays} onInput={input('expiringSoonDays')} />}
          </Field>
          <Field label={t('settings.locale')} name="locale">
            {(p) => (
              <select {...p} value={form.locale} onChange={input('locale')}>
                <option value="ru">{t('settings.localeRu')}</option>
                <option value="en">{t('settings.localeEn')}</option>
              </select>
            )}
          </Field>
          <fieldset class="choice">
            <legend>{t('settings.questionnaire')}</legend>
            <p class="hint">{t('settings.questionnaireHint')}</p>
            {Q_FIELDS.map((q) => (
              <Field label={t(`question.${q}`)} name={`q-${q}`} error={e[`/settings/questionnaire/${q}`]}>
                {(p) => (
                  <select {...p} value={form.questionnaire[q]} onChange={(ev) => setForm({ ...form, questionnaire: { ...form.questionnaire, [q]: val(ev) as FieldUse } })}>
                    {(['required', 'optional', 'off'] as const).map((u) => (
                      <option value={u}>{t(`fieldUse.${u}`)}</option>
                    ))}
                  </select>
                )}
              </Field>
            ))}
          </fieldset>
          <ExclusionsEditor value={form.exclusions} onChange={(exclusions) => setForm({ ...form, exclusions })} errors={e} />
          <RequiredAgreements value={form.requiredAgreements} onChange={(requiredAgreements) => setForm({ ...form, requiredAgreements })} />
          <div>
            <button type="submit" disabled={f.busy}>
              {t('settings.save')}
            </button>
          </div>
        </form>
      </Card>
      <LegalTexts />
    </>
  );
}
