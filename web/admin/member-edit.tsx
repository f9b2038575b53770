// Support staff correct a member's profile; a phone or e-mail another member has comes back as
// the server's field error (IDENTIFIER_TAKEN at /phone or /email) next to that field.
import { useState } from 'preact/hooks';
import { api, unwrap } from '../shared/api';
import { useSubmit, val } from '../shared/form';
import { Card, Field, Problem } from '../shared/ui';
import { t } from './t';

interface Profile {
  name: string | null;
  phone: string | null;
  email: string | null;
  city: string | null;
}

export function MemberEdit(props: { id: string; member: Profile; onSaved: () => void }) {
  const [form, setForm] = useState({ name: props.member.name ?? '', phone: props.member.phone ?? '', email: props.member.email ?? '', city: props.member.city ?? '' });
  const f = useSubmit();
  const input = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: val(e) });
  const save = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (form.email.trim() && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(form.email.trim())) found['/email'] = t('signIn.badEmail');
    if (form.phone.trim() && form.phone.replace(/\D/g, '').length < 10) found['/phone'] = t('member.badPhone');
    if (!f.check(found)) return;
    const text = (s: string) => s.trim() || null;
    void f
      .run(() => unwrap(api.PATCH('/v1/members/{id}', { params: { path: { id: props.id } }, body: { name: text(form.name), phone: text(form.phone), email: text(form.email), city: text(form.city) } })))
      .then((ok) => ok && props.onSaved());
  };
  return (
    <Card title={t('member.edit')}>
      <Problem error={f.error} title={t('error.title')} />
      {f.done ? <p class="notice" role="status">{t('settings.saved')}</p> : null}
      <form onSubmit={save} noValidate class="grid2">
        <Field label={t('member.name')} name="name" error={f.fields['/name']}>
          {(p) => <input {...p} value={form.name} onInput={input('name')} />}
        </Field>
        <Field label={t('kind.phone')} name="phone" error={f.fields['/phone']}>
          {(p) => <input {...p} type="tel" value={form.phone} onInput={input('phone')} />}
        </Field>
        <Field label={t('kind.email')} name="email" error={f.fields['/email']}>
          {(p) => <input {...p} type="email" value={form.email} onInput={input('email')} />}
        </Field>
        <Field label={t('member.city')} name="city" error={f.fields['/city']}>
          {(p) => <input {...p} value={form.city} onInput={input('city')} />}
        </Field>
        <div>
          <button type="submit" disabled={f.busy}>
            {t('settings.save')}
          </button>
        </div>
      </form>
    </Card>
  );
}
