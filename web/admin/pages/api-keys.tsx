import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { Card, Field, Loading, Problem } from '../../shared/ui';
import { i18n, t } from '../t';

const ROLES = ['pos', 'admin', 'readonly'] as const;

export function ApiKeys() {
  const list = useLoad(() => unwrap(api.GET('/v1/api-keys')), []);
  const [role, setRole] = useState<(typeof ROLES)[number]>('pos');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string>();
  const f = useSubmit();
  const lang = i18n.lang();
  const add = (e: Event) => {
    e.preventDefault();
    if (!f.check(name.trim() ? {} : { '/name': t('field.required') })) return;
    void f
      .run(async () => {
        const key = await unwrap(api.POST('/v1/api-keys', { body: { role, name: name.trim() } }));
        setCreated(key.key);
        setName('');
      })
      .then(() => list.reload());
  };
  const revoke = (id: string) => {
    if (confirm(t('keys.revokeConfirm'))) void f.run(() => unwrap(api.DELETE('/v1/api-keys/{id}', { params: { path: { id } } }))).then(() => list.reload());
  };
  return (
    <>
      <h1>{t('nav.apiKeys')}</h1>
      <Problem error={list.error} title={t('error.title')} />
      {created ? (
        <div class="notice" role="status">
          <p>{t('keys.shownOnce')}</p>
          <code data-testid="new-key">{created}</code>
        </div>
      ) : null}
      {!list.data ? (
        <Loading text={t('app.loading')} />
      ) : (
        <Card>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('keys.name')}</th>
                <th scope="col">{t('keys.role')}</th>
                <th scope="col">{t('keys.prefix')}</th>
                <th scope="col">{t('keys.created')}</th>
                <th scope="col">{t('coupons.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((k) => (
                <tr>
                  <td>{k.name}</td>
                  <td>{t(`keyRole.${k.role}`)}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{dateTime(k.createdAt, lang)}</td>
                  <td>
                    {k.revokedAt ? (
                      t('keys.revoked')
                    ) : (
                      <button type="button" class="secondary" onClick={() => revoke(k.id)}>
                        {t('keys.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      <Card title={t('keys.add')}>
        <Problem error={f.error} title={t('error.title')} />
        <form onSubmit={add} noValidate class="grid2">
          <Field label={t('keys.name')} name="name" required error={f.fields['/name']}>
            {(p) => <input {...p} value={name} onInput={(e) => setName(val(e))} />}
          </Field>
          <Field label={t('keys.role')} name="role" error={f.fields['/role']}>
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(val(e) as (typeof ROLES)[number])}>
                {ROLES.map((r) => (
                  <option value={r}>{t(`keyRole.${r}`)}</option>
                ))}
              </select>
            )}
          </Field>
          <div>
            <button type="submit" disabled={f.busy}>
              {t('keys.add')}
            </button>
          </div>
        </form>
      </Card>
    </>
  );
}
