// The program's legal texts in the admin panel (docs/legal.md): publishing new versions in the
// settings, enrolling a member with the texts they signed, and a member's acceptances and withdrawals.
import { useEffect, useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../shared/api';
import { date, dateTime } from '../shared/format';
import { useSubmit, val } from '../shared/form';
import { navigate } from '../shared/router';
import { Card, Check, Field, Loading, Problem } from '../shared/ui';
import { i18n, t } from './t';

const KINDS = ['rules', 'personal_data'] as const;
type Kind = (typeof KINDS)[number];

/** One text: its version in force, and the form that publishes the next one. */
function DocumentEditor(props: { kind: Kind; current: { version: number; title: string; body: string; publishedAt: string } | undefined; onPublished: () => void }) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const f = useSubmit();
  useEffect(() => {
    setTitle(props.current?.title ?? t(`legal.defaultTitle.${props.kind}`));
    setBody(props.current?.body ?? '');
  }, [props.current?.version]);
  const next = (props.current?.version ?? 0) + 1;
  const publish = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!title.trim()) found['/title'] = t('field.required');
    if (!body.trim()) found['/body'] = t('field.required');
    if (!f.check(found)) return;
    void f.run(async () => {
      await unwrap(api.POST('/v1/program/documents/{kind}', { params: { path: { kind: props.kind } }, body: { title: title.trim(), body } }));
      props.onPublished();
    });
  };
  const lang = i18n.lang();
  return (
    <form onSubmit={publish} noValidate class="legal-doc" data-testid={`document-${props.kind}`}>
      <h3>{t(`legal.name.${props.kind}`)}</h3>
      <p class="muted">{props.current ? t('legal.inForce', { version: String(props.current.version), date: date(props.current.publishedAt, lang) }) : t('legal.notPublished')}</p>
      {f.done ? <p class="notice" role="status">{t('legal.published', { version: String(next - 1) })}</p> : null}
      <Problem error={f.error} title={t('error.title')} />
      <Field label={t('legal.docTitle')} name={`${props.kind}-title`} required error={f.fields['/title']}>
        {(p) => <input {...p} value={title} onInput={(e) => setTitle(val(e))} />}
      </Field>
      <Field label={t('legal.docBody')} name={`${props.kind}-body`} required error={f.fields['/body']} hint={t('legal.docBodyHint')}>
        {(p) => <textarea {...p} rows={10} value={body} onInput={(e) => setBody(val(e))} />}
      </Field>
      <button type="submit" disabled={f.busy}>
        {t('legal.publish', { version: String(next) })}
      </button>
    </form>
  );
}

/** The settings page's card: the program rules and the personal-data consent, each published in versions. */
export function LegalTexts() {
  const docs = useLoad(() => unwrap(api.GET('/v1/program/documents')), []);
  if (docs.error) return <Problem error={docs.error} title={t('error.title')} />;
  if (!docs.data) return <Loading text={t('app.loading')} />;
  return (
    <Card title={t('legal.title')}>
      <p class="hint">{t('legal.hint')}</p>
      <div class="legal-docs">
        {KINDS.map((k) => (
          <DocumentEditor kind={k} current={docs.data!.documents.find((d) => d.kind === k)} onPublished={docs.reload} />
        ))}
      </div>
    </Card>
  );
}

/** The settings form's part: which published texts enrolment requires. */
export function RequiredAgreements(props: { value: Kind[]; onChange: (v: Kind[]) => void }) {
  return (
    <fieldset class="choice">
      <legend>{t('legal.required')}</legend>
      <p class="hint">{t('legal.requiredHint')}</p>
      {KINDS.map((k) => (
        <Check name={`require-${k}`} label={t(`legal.name.${k}`)} checked={props.value.includes(k)} onChange={(on) => props.onChange(on ? [...props.value.filter((x) => x !== k), k] : props.value.filter((x) => x !== k))} />
      ))}
    </fieldset>
  );
}

/** "New member" on the members page: the profile, the texts the customer signed, their marketing consents. */
export function NewMember(props: { onClose: () => void }) {
  const docs = useLoad(() => unwrap(api.GET('/v1/program/documents')), []);
  const [form, setForm] = useState({ name: '', phone: '', email: '' });
  const [signed, setSigned] = useState<Partial<Record<Kind, boolean>>>({});
  const [consents, setConsents] = useState({ sms: false, email: false });
  const f = useSubmit();
  const published = docs.data?.documents ?? [];
  const submit = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!form.name.trim() && !form.phone.trim() && !form.email.trim()) found['/name'] = t('newMember.needSomething');
    if (published.some((d) => docs.data!.required.includes(d.kind) && !signed[d.kind])) found['/agreements'] = t('newMember.mustSign');
    if (!f.check(found)) return;
    void f.run(async () => {
      const m = await unwrap(
        api.POST('/v1/members', {
          body: {
            ...(form.name.trim() ? { name: form.name.trim() } : {}),
            ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
            ...(form.email.trim() ? { email: form.email.trim() } : {}),
            consents,
            agreements: published.filter((d) => signed[d.kind]).map((d) => ({ kind: d.kind, version: d.version })),
          },
          headers: { 'idempotency-key': crypto.randomUUID() },
        }),
      );
      navigate(`/members/${m.id}`);
    });
  };
  const text = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: val(e) });
  return (
    <Card title={t('newMember.title')}>
      <Problem error={f.error} title={t('error.title')} />
      <form onSubmit={submit} noValidate class="grid2" data-testid="new-member">
        <Field label={t('member.name')} name="new-name" error={f.fields['/name']}>
          {(p) => <input {...p} autocomplete="off" value={form.name} onInput={text('name')} />}
        </Field>
        <Field label={t('kind.phone')} name="new-phone" error={f.fields['/phone']}>
          {(p) => <input {...p} type="tel" autocomplete="off" value={form.phone} onInput={text('phone')} />}
        </Field>
        <Field label={t('kind.email')} name="new-email" error={f.fields['/email']}>
          {(p) => <input {...p} type="email" autocomplete="off" value={form.email} onInput={text('email')} />}
        </Field>
        {published.length > 0 ? (
          <fieldset class="choice wide-choices">
            <legend>{t('newMember.signed')}</legend>
            <p class="hint">{t('newMember.signedHint')}</p>
            {published.map((d) => (
              <Check name={`signed-${d.kind}`} label={t('newMember.signedDoc', { name: t(`legal.name.${d.kind}`), version: String(d.version) })} checked={Boolean(signed[d.kind])} onChange={(on) => setSigned({ ...signed, [d.kind]: on })} />
            ))}
            {f.fields['/agreements'] ? (
              <p class="error" role="alert">
                {f.fields['/agreements']}
              </p>
            ) : null}
          </fieldset>
        ) : null}
        <fieldset class="choice wide-choices">
          <legend>{t('newMember.marketing')}</legend>
          <Check name="consent-sms" label={t('newMember.consentSms')} checked={consents.sms} onChange={(sms) => setConsents({ ...consents, sms })} />
          <Check name="consent-email" label={t('newMember.consentEmail')} checked={consents.email} onChange={(email) => setConsents({ ...consents, email })} />
        </fieldset>
        <div class="row">
          <button type="submit" disabled={f.busy}>
            {t('newMember.submit')}
          </button>
          <button type="button" class="secondary" onClick={props.onClose}>
            {t('newMember.cancel')}
          </button>
        </div>
      </form>
    </Card>
  );
}

/** The member page's card: the texts in force and every acceptance and withdrawal. */
export function MemberAgreements(props: { memberId: string }) {
  const data = useLoad(() => unwrap(api.GET('/v1/members/{id}/agreements', { params: { path: { id: props.memberId } } })), [props.memberId]);
  const lang = i18n.lang();
  return (
    <Card title={t('legal.title')}>
      <Problem error={data.error} title={t('error.title')} />
      {data.data ? (
        data.data.history.length === 0 ? (
          <p class="muted">{t('legal.noneGiven')}</p>
        ) : (
          <table data-testid="member-agreements">
            <caption class="visually-hidden">{t('legal.history')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('legal.when')}</th>
                <th scope="col">{t('legal.what')}</th>
                <th scope="col">{t('legal.action')}</th>
                <th scope="col">{t('legal.channel')}</th>
              </tr>
            </thead>
            <tbody>
              {[...data.data.history].reverse().map((h) => (
                <tr>
                  <td>{dateTime(h.at, lang)}</td>
                  <td>{t('legal.docVersion', { name: t(`legal.name.${h.kind}`), version: String(h.version) })}</td>
                  <td>{t(`legal.action.${h.action}`)}</td>
                  <td>{t(`legal.channel.${h.channel}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </Card>
  );
}
