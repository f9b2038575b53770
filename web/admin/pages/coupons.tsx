import { useState } from 'preact/hooks';
import { api, unwrap } from '../../shared/api';
import { dateTime, num } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { href } from '../../shared/router';
import { Card, Field, Problem } from '../../shared/ui';
import { ListTable, useList } from '../list';
import type { Session } from '../data';
import { mayEdit } from '../nav';
import { i18n, t } from '../t';

export function Coupons(props: { session: Session }) {
  const list = useList((q) => unwrap(api.GET('/v1/coupon-series', { params: { query: q } })), { defaultSort: '-createdAt' });
  const [form, setForm] = useState({ id: '', name: '', kind: 'unique' as 'unique' | 'shared', count: '100', prefix: '', code: '' });
  const [codesOf, setCodesOf] = useState<{ id: string; name: string }>();
  const f = useSubmit();
  const more = useSubmit();
  const lang = i18n.lang();
  const canEdit = mayEdit(props.session.user.role, 'rules');
  const input = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: val(e) });
  const add = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!/^[A-Za-z0-9_.-]+$/.test(form.id)) found['/id'] = t('campaign.badId');
    if (!form.name.trim()) found['/name'] = t('field.required');
    if (form.kind === 'shared' && form.code.trim().length < 3) found['/code'] = t('field.required');
    if (form.kind === 'unique' && !(Number(form.count) >= 0)) found['/count'] = t('field.positive');
    if (!f.check(found)) return;
    const body =
      form.kind === 'unique'
        ? { id: form.id, name: form.name.trim(), kind: 'unique' as const, count: Math.round(Number(form.count)), ...(form.prefix ? { prefix: form.prefix.toUpperCase() } : {}) }
        : { id: form.id, name: form.name.trim(), kind: 'shared' as const, code: form.code.trim() };
    void f.run(() => unwrap(api.POST('/v1/coupon-series', { body }))).then((ok) => ok && list.reload());
  };
  const generate = (id: string) => void more.run(() => unwrap(api.POST('/v1/coupon-series/{id}/codes', { params: { path: { id } }, body: { count: 100 } }))).then((ok) => ok && list.reload());
  return (
    <>
      <h1>{t('nav.coupons')}</h1>
      <Problem error={more.error} title={t('error.title')} />
      <Card>
        <ListTable
          list={list}
          testId="coupon-series"
          columns={[
            {
              label: t('coupons.name'),
              sort: 'name',
              cell: (s) => (
                <>
                  {s.series.name} <code class="muted">{s.id}</code>
                </>
              ),
            },
            { label: t('coupons.kind'), cell: (s) => (s.series.kind === 'shared' ? `${t('coupons.shared')}: ${s.series.code ?? ''}` : t('coupons.unique')) },
            { label: t('coupons.codes'), num: true, cell: (s) => num(s.codes, lang) },
            { label: t('coupons.used'), num: true, cell: (s) => num(s.used, lang) },
            { label: t('campaigns.created'), sort: 'createdAt', firstDirection: 'desc', cell: (s) => dateTime(s.createdAt, lang) },
            {
              label: t('coupons.actions'),
              cell: (s) => (
                <span class="row">
                  <button type="button" class="secondary" aria-pressed={codesOf?.id === s.id} onClick={() => setCodesOf(codesOf?.id === s.id ? undefined : { id: s.id, name: s.series.name })}>
                    {t('coupons.showCodes', { name: s.series.name })}
                  </button>
                  <a href={`/v1/coupon-series/${encodeURIComponent(s.id)}/codes.csv?dialect=excel-ru`} download>
                    {t('coupons.csvExcel', { name: s.series.name })}
                  </a>
                  <a href={`/v1/coupon-series/${encodeURIComponent(s.id)}/codes.csv`} download>
                    {t('coupons.csv', { name: s.series.name })}
                  </a>
                  {canEdit && s.status === 'active' ? (
                    <button type="button" class="secondary" disabled={more.busy} onClick={() => void more.run(() => unwrap(api.POST('/v1/coupon-series/{id}/archive', { params: { path: { id: s.id } } }))).then(() => list.reload())}>
                      {t('stores.archive')}
                    </button>
                  ) : s.status === 'archived' ? (
                    t('stores.archived')
                  ) : null}
                  {canEdit && s.series.kind === 'unique' && s.status === 'active' ? (
                    <button type="button" class="secondary" disabled={more.busy} onClick={() => generate(s.id)}>
                      {t('coupons.more')}
                    </button>
                  ) : null}
                </span>
              ),
            },
          ]}
        />
      </Card>
      {codesOf ? <SeriesCodes key={codesOf.id} id={codesOf.id} name={codesOf.name} /> : null}
      {canEdit ? (
        <Card title={t('coupons.add')}>
          <Problem error={f.error} title={t('error.title')} />
          <form onSubmit={add} noValidate class="grid2">
            <Field label={t('campaign.id')} name="id" required error={f.fields['/id']}>
              {(p) => <input {...p} value={form.id} onInput={input('id')} />}
            </Field>
            <Field label={t('coupons.name')} name="name" required error={f.fields['/name']}>
              {(p) => <input {...p} value={form.name} onInput={input('name')} />}
            </Field>
            <Field label={t('coupons.kind')} name="kind">
              {(p) => (
                <select {...p} value={form.kind} onChange={input('kind')}>
                  <option value="unique">{t('coupons.unique')}</option>
                  <option value="shared">{t('coupons.shared')}</option>
                </select>
              )}
            </Field>
            {form.kind === 'unique' ? (
              <>
                <Field label={t('coupons.count')} name="count" error={f.fields['/count']}>
                  {(p) => <input {...p} inputMode="numeric" value={form.count} onInput={input('count')} />}
                </Field>
                <Field label={t('coupons.prefix')} name="prefix" error={f.fields['/prefix']} hint={t('coupons.prefixHint')}>
                  {(p) => <input {...p} value={form.prefix} onInput={input('prefix')} />}
                </Field>
              </>
            ) : (
              <Field label={t('coupons.code')} name="code" required error={f.fields['/code']}>
                {(p) => <input {...p} value={form.code} onInput={input('code')} />}
              </Field>
            )}
            <div>
              <button type="submit" disabled={f.busy}>
                {t('coupons.add')}
              </button>
            </div>
          </form>
        </Card>
      ) : null}
    </>
  );
}

/** The codes of one series with their uses, a page at a time. */
function SeriesCodes(props: { id: string; name: string }) {
  const lang = i18n.lang();
  const list = useList((q) => unwrap(api.GET('/v1/coupon-series/{id}/codes', { params: { path: { id: props.id }, query: q } })), { defaultSort: 'code' });
  return (
    <Card title={t('coupons.codesOf', { name: props.name })}>
      <ListTable
        list={list}
        testId="coupon-codes"
        columns={[
          { label: t('coupons.codeColumn'), sort: 'code', cell: (c) => <code>{c.code}</code> },
          { label: t('coupons.member'), cell: (c) => (c.memberId ? <a href={href(`/members/${c.memberId}`)}>{t('coupons.personal')}</a> : '—') },
          { label: t('coupons.uses'), num: true, cell: (c) => num(c.uses, lang) },
          { label: t('campaigns.created'), sort: 'createdAt', firstDirection: 'desc', cell: (c) => dateTime(c.createdAt, lang) },
        ]}
      />
    </Card>
  );
}
