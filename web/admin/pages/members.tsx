import { useState } from 'preact/hooks';
import { api, unwrap } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { href, navigate } from '../../shared/router';
import { Card, Field, Problem } from '../../shared/ui';
import type { AdminKey } from '../i18n';
import { ListTable, useList } from '../list';
import { NewMember } from '../legal-admin';
import { mayEdit } from '../nav';
import type { Session } from '../data';
import { i18n, t } from '../t';

const KINDS = ['phone', 'card', 'email', 'external_id', 'member_token'] as const;
type Kind = (typeof KINDS)[number] | 'name';

/** Find a member by an identifier (one answer) or by name (a list); the program's members below, newest first, sorted and paged on the server. */
export function Members(props: { session: Session }) {
  const [adding, setAdding] = useState(false);
  const [kind, setKind] = useState<Kind>('phone');
  const [value, setValue] = useState('');
  const [name, setName] = useState('');
  const search = useSubmit();
  const list = useList((q) => unwrap(api.GET('/v1/members', { params: { query: { ...q, ...(name ? { name } : {}) } } })), { defaultSort: '-createdAt', filters: [name] });
  const lang = i18n.lang();
  const find = (e: Event) => {
    e.preventDefault();
    if (!search.check(value.trim() ? {} : { '/value': t('field.required') })) return;
    if (kind === 'name') {
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
      <div class="row heading-row">
        <h1>{t('nav.members')}</h1>
        {mayEdit(props.session.user.role, 'members') && !adding ? (
          <button type="button" onClick={() => setAdding(true)}>
            {t('newMember.open')}
          </button>
        ) : null}
      </div>
      {adding ? <NewMember onClose={() => setAdding(false)} /> : null}
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
      <Card>
        <ListTable
          list={list}
          testId="members"
          caption={name ? t('members.byName', { name }) : undefined}
          columns={[
            { label: t('member.name'), sort: 'name', cell: (m) => <a href={href(`/members/${m.id}`)}>{m.name ?? t('member.noName')}</a> },
            { label: t('kind.phone'), cell: (m) => m.phone ?? '—' },
            { label: t('kind.email'), cell: (m) => m.email ?? '—' },
            { label: t('member.status'), cell: (m) => t(`status.${m.status}` as AdminKey) },
            { label: t('member.joined'), sort: 'createdAt', firstDirection: 'desc', cell: (m) => dateTime(m.createdAt, lang) },
          ]}
        />
      </Card>
    </>
  );
}

/** Cursor paging: the server gives the next page's cursor; "first page" starts again. Lists use ListTable (../list) now; kept for pages that page by hand. */
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

