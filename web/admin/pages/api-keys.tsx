import { useState } from 'preact/hooks';
import { api, unwrap } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { Card, Field, Problem } from '../../shared/ui';
import { ListTable, useList } from '../list';
import { keyName } from '../key-name';
import { i18n, t } from '../t';

const ROLES = ['pos', 'admin', 'readonly'] as const;

export function ApiKeys() {
  const list = useList((q) => unwrap(api.GET('/v1/api-keys', { params: { query: q } })), { defaultSort: 'createdAt' });
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
      {created ? (
        <div class="notice" role="status">
          <p>{t('keys.shownOnce')}</p>
          <code data-testid="new-key">{created}</code>
        </div>
      ) : null}
      <Card>
        <ListTable
          list={list}
          testId="api-keys"
          columns={[
            { label: t('keys.name'), sort: 'name', cell: (k) => keyName(k.name) },
            { label: t('keys.role'), sort: 'role', cell: (k) => t(`keyRole.${k.role}`) },
            { label: t('keys.prefix'), cell: (k) => <code>{k.prefix}…</code> },
            { label: t('keys.created'), sort: 'createdAt', firstDirection: 'desc', cell: (k) => dateTime(k.createdAt, lang) },
            {
              label: t('coupons.actions'),
              cell: (k) =>
                k.revokedAt ? (
                  t('keys.revoked')
                ) : (
                  <button type="button" class="secondary" onClick={() => revoke(k.id)}>
                    {t('keys.revoke')}
                  </button>
                ),
            },
          ]}
        />
      </Card>
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
