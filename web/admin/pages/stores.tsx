import { useState } from 'preact/hooks';
import { api, unwrap } from '../../shared/api';
import { useSubmit, val } from '../../shared/form';
import { Card, Field, Problem } from '../../shared/ui';
import { ListTable, useList, type ListRequest } from '../list';
import type { Session } from '../data';
import { mayEdit } from '../nav';
import { t } from '../t';

const loadStores = (q: ListRequest) => unwrap(api.GET('/v1/stores', { params: { query: { ...q, includeArchived: true } } }));

type Store = Awaited<ReturnType<typeof loadStores>>['items'][number];

export function Stores(props: { session: Session }) {
  const list = useList(loadStores, { defaultSort: 'name' });
  const [form, setForm] = useState({ id: '', name: '', city: '', address: '', latitude: '', longitude: '', opens: '09:00', closes: '21:00' });
  const f = useSubmit();
  const canEdit = mayEdit(props.session.user.role, 'rules');
  const input = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: val(e) });
  const add = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!/^[^\s/]+$/.test(form.id)) found['/id'] = t('campaign.badId');
    if (!form.name.trim()) found['/name'] = t('field.required');
    const lat = form.latitude ? Number(form.latitude) : null;
    const lon = form.longitude ? Number(form.longitude) : null;
    if (lat !== null && !(lat >= -90 && lat <= 90)) found['/latitude'] = t('stores.badLatitude');
    if (lon !== null && !(lon >= -180 && lon <= 180)) found['/longitude'] = t('stores.badLongitude');
    if (!f.check(found)) return;
    const day = [[form.opens, form.closes]] as [string, string][];
    void f
      .run(() =>
        unwrap(
          api.POST('/v1/stores', {
            body: {
              id: form.id,
              name: form.name.trim(),
              city: form.city.trim() || null,
              address: form.address.trim() || null,
              latitude: lat,
              longitude: lon,
              openingHours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
            },
          }),
        ),
      )
      .then((ok) => ok && list.reload());
  };
  const archive = (id: string, archived: boolean) => void f.run(() => unwrap(api.PATCH('/v1/stores/{id}', { params: { path: { id } }, body: { archived } }))).then(() => list.reload());
  return (
    <>
      <h1>{t('nav.stores')}</h1>
      <Card>
        <ListTable
          list={list}
          testId="stores"
          columns={[
            {
              label: t('stores.name'),
              sort: 'name',
              cell: (s) => (
                <>
                  {s.name} <code class="muted">{s.id}</code>
                </>
              ),
            },
            { label: t('stores.city'), sort: 'city', cell: (s) => s.city ?? '—' },
            { label: t('stores.address'), cell: (s) => s.address ?? '—' },
            { label: t('stores.state'), cell: (s) => (s.archived ? t('stores.archived') : t('stores.open')) },
            ...(canEdit
              ? [
                  {
                    label: t('coupons.actions'),
                    cell: (s: Store) => (
                      <button type="button" class="secondary" onClick={() => archive(s.id, !s.archived)}>
                        {s.archived ? t('stores.restore') : t('stores.archive')}
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {canEdit ? (
        <Card title={t('stores.add')}>
          <Problem error={f.error} title={t('error.title')} />
          <form onSubmit={add} noValidate class="grid2">
            <Field label={t('campaign.id')} name="id" required error={f.fields['/id']}>
              {(p) => <input {...p} value={form.id} onInput={input('id')} />}
            </Field>
            <Field label={t('stores.name')} name="name" required error={f.fields['/name']}>
              {(p) => <input {...p} value={form.name} onInput={input('name')} />}
            </Field>
            <Field label={t('stores.city')} name="city" error={f.fields['/city']}>
              {(p) => <input {...p} value={form.city} onInput={input('city')} />}
            </Field>
            <Field label={t('stores.address')} name="address" error={f.fields['/address']}>
              {(p) => <input {...p} value={form.address} onInput={input('address')} />}
            </Field>
            <Field label={t('stores.latitude')} name="latitude" error={f.fields['/latitude']}>
              {(p) => <input {...p} inputMode="decimal" value={form.latitude} onInput={input('latitude')} />}
            </Field>
            <Field label={t('stores.longitude')} name="longitude" error={f.fields['/longitude']}>
              {(p) => <input {...p} inputMode="decimal" value={form.longitude} onInput={input('longitude')} />}
            </Field>
            <Field label={t('stores.opens')} name="opens">
              {(p) => <input {...p} type="time" value={form.opens} onInput={input('opens')} />}
            </Field>
            <Field label={t('stores.closes')} name="closes">
              {(p) => <input {...p} type="time" value={form.closes} onInput={input('closes')} />}
            </Field>
            <div>
              <button type="submit" disabled={f.busy}>
                {t('stores.add')}
              </button>
            </div>
          </form>
        </Card>
      ) : null}
    </>
  );
}
