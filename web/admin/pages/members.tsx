import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { href, navigate } from '../../shared/router';
import { Card, Field, Loading, Problem } from '../../shared/ui';
import type { AdminKey } from '../i18n';
import { i18n, t } from '../t';

const KINDS = ['phone', 'card', 'email', 'external_id', 'member_token'] as const;
type Kind = (typeof KINDS)[number] | 'name';

/** Find a member by an identifier (one answer) or by name (a list); the program's members below, newest first, paged on the server. */
export function Members() {
  const [kind, setKind] = useState<Kind>('phone');
  const [value, setValue] = useState('');
  const [name, setName] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const search = useSubmit();
  const list = useLoad(
    () => unwrap(api.GET('/v1/members', { params: { query: { limit: 25, order, ...(cursors.length ? { cursor: cursors[cursors.length - 1]! } : {}), ...(name ? { name } : {}) } } })),
    [cursors, name, order],
  );
  const lang = i18n.lang();
  const find = (e: Event) => {
    e.preventDefault();
    if (!search.check(value.trim() ? {} : { '/value': t('field.required') })) return;
    if (kind === 'name') {
      setCursors([]);
      setName(value.trim());
      return;
    }
    void search.run(async () => {
      const m = await unwrap(api.GET('/v1/members/lookup', { params: { query: { kind, value: value.trim() } } }));
      navigate(`/members/${m.id}`);
    });
  };
  return (
    <>
      <h1>{t('nav.members')}</h1>
      <Card>
        <form class="toolbar" onSubmit={find} noValidate role="search">
          <Field label={t('members.by')} name="kind">
            {(p) => (
              <select {...p} value={kind} onChange={(e) => setKind(val(e) as Kind)}>
                {[...KINDS, 'name' as const].map((k) => (
                  <option value={k}>{t(`kind.${k}` as AdminKey)}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('members.value')} name="value" error={search.fields['/value'] ?? search.fields['querystring:/value']}>
            {(p) => <input {...p} type="search" value={value} onInput={(e) => setValue(val(e))} />}
          </Field>
          <button type="submit" disabled={search.busy}>
            {t('members.find')}
          </button>
          {name ? (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setName('');
                setValue('');
              }}
            >
              {t('members.clear')}
            </button>
          ) : null}
        </form>
        {search.error?.code === 'MEMBER_NOT_FOUND' ? <p class="problem">{t('members.notFound')}</p> : <Problem error={search.error} title={t('error.title')} />}
      </Card>
      <Problem error={list.error} title={t('error.title')} />
      {!list.data ? (
        <Loading text={t('app.loading')} />
      ) : (
        <Card>
          <table data-testid="members">
            <caption class="muted">{name ? t('members.byName', { name }) : t(order === 'newest' ? 'members.newest' : 'members.oldest')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('member.name')}</th>
                <th scope="col">{t('kind.phone')}</th>
                <th scope="col">{t('kind.email')}</th>
                <th scope="col">{t('member.status')}</th>
                <th scope="col" aria-sort={order === 'newest' ? 'descending' : 'ascending'}>
                  <button
                    type="button"
                    onClick={() => {
                      setOrder(order === 'newest' ? 'oldest' : 'newest');
                      setCursors([]);
                    }}
                  >
                    {t('member.joined')} {order === 'newest' ? '↓' : '↑'}
                  </button>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((m) => (
                <tr>
                  <td>
                    <a href={href(`/members/${m.id}`)}>{m.name ?? t('member.noName')}</a>
                  </td>
                  <td>{m.phone ?? '—'}</td>
                  <td>{m.email ?? '—'}</td>
                  <td>{t(`status.${m.status}` as AdminKey)}</td>
                  <td>{dateTime(m.createdAt, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 ? <p>{t('list.empty')}</p> : null}
          <Pager first={cursors.length === 0} next={list.data.nextCursor} onFirst={() => setCursors([])} onNext={(c) => setCursors([...cursors, c])} />
        </Card>
      )}
    </>
  );
}

/** Cursor paging: the server gives the next page's cursor; "first page" starts again. */
export function Pager(props: { first: boolean; next: string | null; onFirst: () => void; onNext: (cursor: string) => void }) {
  if (props.first && !props.next) return null;
  return (
    <div class="row" style={{ marginTop: '0.8rem' }}>
      <button type="button" class="secondary" disabled={props.first} onClick={props.onFirst}>
        {t('list.first')}
      </button>
      <button type="button" class="secondary" disabled={!props.next} onClick={() => props.next && props.onNext(props.next)}>
        {t('list.next')}
      </button>
    </div>
  );
}

