import { useState } from 'preact/hooks';
import { api, unwrap } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { Card, Field, Problem } from '../../shared/ui';
import { ListTable, useList } from '../list';
import type { Role } from '../data';
import { i18n, t } from '../t';

const ROLES: Role[] = ['owner', 'marketer', 'support', 'analyst'];

export function AdminUsers() {
  const list = useList((q) => unwrap(api.GET('/v1/admin-users', { params: { query: q } })), { defaultSort: 'createdAt' });
  const [form, setForm] = useState({ email: '', name: '', role: 'support' as Role });
  const [password, setPassword] = useState<string>();
  const f = useSubmit();
  const change = useSubmit();
  const lang = i18n.lang();
  const add = (e: Event) => {
    e.preventDefault();
    if (!f.check(/^[^@\s]+@[^@\s]+$/.test(form.email.trim()) ? {} : { '/email': t('signIn.badEmail') })) return;
    void f
      .run(async () => {
        const r = await unwrap(api.POST('/v1/admin-users', { body: { email: form.email.trim(), role: form.role, ...(form.name.trim() ? { name: form.name.trim() } : {}) } }));
        setPassword(r.password ?? undefined);
        setForm({ email: '', name: '', role: 'support' });
      })
      .then(() => list.reload());
  };
  const patch = (id: string, body: { role?: Role; disabled?: boolean }) => void change.run(() => unwrap(api.PATCH('/v1/admin-users/{id}', { params: { path: { id } }, body }))).then(() => list.reload());
  return (
    <>
      <h1>{t('nav.adminUsers')}</h1>
      <Problem error={change.error} title={t('error.title')} />
      {password ? (
        <div class="notice" role="status">
          <p>{t('users.passwordOnce')}</p>
          <code data-testid="new-password">{password}</code>
        </div>
      ) : null}
      <Card>
        <ListTable
          list={list}
          testId="admin-users"
          columns={[
            { label: t('field.email'), sort: 'email', cell: (u) => u.email },
            { label: t('users.name'), sort: 'name', cell: (u) => u.name },
            {
              label: t('users.role'),
              sort: 'role',
              cell: (u) => (
                <select aria-label={t('users.roleOf', { email: u.email })} value={u.role} onChange={(e) => patch(u.id, { role: val(e) as Role })}>
                  {ROLES.map((r) => (
                    <option value={r}>{t(`role.${r}`)}</option>
                  ))}
                </select>
              ),
            },
            { label: t('users.lastSignIn'), cell: (u) => dateTime(u.lastSignInAt, lang) },
            {
              label: t('coupons.actions'),
              cell: (u) => (
                <button type="button" class="secondary" onClick={() => patch(u.id, { disabled: !u.disabled })}>
                  {u.disabled ? t('users.enable') : t('users.disable')}
                </button>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('users.add')}>
        <Problem error={f.error} title={t('error.title')} />
        <form onSubmit={add} noValidate class="grid2">
          <Field label={t('field.email')} name="email" required error={f.fields['/email']}>
            {(p) => <input {...p} type="email" value={form.email} onInput={(e) => setForm({ ...form, email: val(e) })} />}
          </Field>
          <Field label={t('users.name')} name="name" error={f.fields['/name']}>
            {(p) => <input {...p} value={form.name} onInput={(e) => setForm({ ...form, name: val(e) })} />}
          </Field>
          <Field label={t('users.role')} name="role" error={f.fields['/role']}>
            {(p) => (
              <select {...p} value={form.role} onChange={(e) => setForm({ ...form, role: val(e) as Role })}>
                {ROLES.map((r) => (
                  <option value={r}>{t(`role.${r}`)}</option>
                ))}
              </select>
            )}
          </Field>
          <div>
            <button type="submit" disabled={f.busy}>
              {t('users.add')}
            </button>
          </div>
        </form>
      </Card>
    </>
  );
}
