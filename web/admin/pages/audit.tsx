import { useState } from 'preact/hooks';
import { api, unwrap } from '../../shared/api';
import { dateTime, num } from '../../shared/format';
import { val } from '../../shared/form';
import type { Lang } from '../../shared/i18n';
import { fieldName } from '../../shared/problems';
import { Card, Field } from '../../shared/ui';
import type { AdminKey } from '../i18n';
import { unnamedKeyRole } from '../key-name';
import { ListTable, useList } from '../list';
import { i18n, t, tn } from '../t';

const ENTITIES = ['program', 'member', 'campaign', 'tier', 'tier_policy', 'coupon_series', 'store', 'rules', 'segment', 'budgets', 'analytics_settings', 'nps_survey'];
/** Changes listed in the row; the rest behind "n more fields". */
const SHOWN = 4;

type Entry = Awaited<ReturnType<typeof loadPage>>['items'][number];
const loadPage = (query: Record<string, string | number>) => unwrap(api.GET('/v1/audit', { params: { query } }));

/** A key of this dictionary family when there is one, else the raw value in `<code>` (a newer server). */
function known(prefix: string, value: string) {
  const key = `${prefix}.${value}` as AdminKey;
  const text = t(key);
  return text.startsWith('⟦') ? <code>{value}</code> : text;
}

function Who(props: { who: Entry['who'] }) {
  const w = props.who;
  if (w.kind === 'admin_user') {
    return w.name || w.email ? (
      <>
        {w.name || w.email}
        {w.name && w.email ? <span class="hint audit-email">{w.email}</span> : null}
      </>
    ) : (
      <>{t('audit.who.adminGone')}</>
    );
  }
  if (w.kind === 'api_key') {
    const role = w.name ? unnamedKeyRole(w.name) : null;
    return <>{!w.name ? t('audit.who.apiKeyGone') : role ? t('audit.who.apiKeyRole', { role }) : t('audit.who.apiKey', { name: w.name })}</>;
  }
  return <>{t(`audit.who.${w.kind}` as AdminKey)}</>;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A recorded value as a person reads it: numbers in the language's format, yes/no, instants as the
 * page's dates; text as it was typed (`data-as-typed`: a name is data, not the page's language),
 * a machine value (an id, a kind, a status) and anything else as code.
 */
function Value(props: { v: unknown; lang: Lang }) {
  const v = props.v;
  if (v === undefined || v === null || v === '') return <span class="muted">—</span>;
  if (typeof v === 'number') return <>{num(v, props.lang)}</>;
  if (typeof v === 'boolean') return <>{t(v ? 'audit.yes' : 'audit.no')}</>;
  if (typeof v === 'string' && INSTANT.test(v)) return <>{dateTime(v, props.lang)}</>;
  if (typeof v === 'string' && !/^[\w.:-]+$/.test(v)) return <span data-as-typed="">{v}</span>;
  return <code class="audit-json">{typeof v === 'string' ? v : JSON.stringify(v)}</code>;
}

function Changes(props: { entry: Entry; lang: Lang }) {
  const { changes } = props.entry;
  if (changes.length === 0) return <span class="muted">{t('audit.noChanges')}</span>;
  const label = (path: string) => {
    const pointer = `/${path.replaceAll('.', '/')}`;
    const name = fieldName(pointer, props.lang);
    return name === pointer ? null : name;
  };
  const row = (c: Entry['changes'][number]) => (
    <tr>
      <th scope="row">
        {c.path ? label(c.path) : t('audit.whole')}
        {c.path ? <code class="audit-path">{c.path}</code> : null}
      </th>
      <td>
        <Value v={c.before} lang={props.lang} />
      </td>
      <td>
        <Value v={c.after} lang={props.lang} />
      </td>
    </tr>
  );
  const head = (
    <thead>
      <tr>
        <th scope="col">{t('audit.field')}</th>
        <th scope="col">{t('audit.before')}</th>
        <th scope="col">{t('audit.after')}</th>
      </tr>
    </thead>
  );
  return (
    <>
      <table class="audit-diff">
        {head}
        <tbody>{changes.slice(0, SHOWN).map(row)}</tbody>
      </table>
      {changes.length > SHOWN ? (
        <details>
          <summary>{tn('audit.more', changes.length - SHOWN, { n: num(changes.length - SHOWN, props.lang) })}</summary>
          <table class="audit-diff">
            {head}
            <tbody>{changes.slice(SHOWN).map(row)}</tbody>
          </table>
        </details>
      ) : null}
    </>
  );
}

/** Who changed what and how, field by field (GET /v1/audit). */
export function Audit() {
  const [entity, setEntity] = useState('');
  const list = useList((q) => loadPage({ ...q, ...(entity ? { entity } : {}) }), { defaultSort: '-at', filters: [entity] });
  const lang = i18n.lang();
  return (
    <>
      <h1>{t('nav.audit')}</h1>
      <div class="toolbar">
        <Field label={t('audit.entity')} name="entity">
          {(p) => (
            <select {...p} value={entity} onChange={(e) => setEntity(val(e))}>
              <option value="">{t('audit.all')}</option>
              {ENTITIES.map((x) => (
                <option value={x}>{t(`audit.entity.${x}` as AdminKey)}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Card>
        <ListTable
          list={list}
          testId="audit"
          columns={[
            { label: t('audit.when'), sort: 'at', firstDirection: 'desc', cell: (a) => dateTime(a.at, lang) },
            { label: t('audit.who'), cell: (a) => <Who who={a.who} /> },
            { label: t('audit.action'), sort: 'action', cell: (a) => known('audit.action', a.action) },
            {
              label: t('audit.what'),
              sort: 'entity',
              cell: (a) => (
                <>
                  {known('audit.entity', a.entity)}
                  <code class="audit-id">{a.entityId}</code>
                </>
              ),
            },
            { label: t('audit.change'), cell: (a) => <Changes entry={a} lang={lang} /> },
          ]}
        />
      </Card>
    </>
  );
}
