import { useState } from 'preact/hooks';
import { api, unwrap } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { val } from '../../shared/form';
import { Card, Field } from '../../shared/ui';
import { ListTable, useList } from '../list';
import { i18n, t } from '../t';

const ENTITIES = ['', 'program', 'member', 'campaign', 'tier', 'coupon_series', 'store', 'api_key', 'admin_user'];

export function Audit() {
  const [entity, setEntity] = useState('');
  const list = useList((q) => unwrap(api.GET('/v1/audit', { params: { query: { ...q, ...(entity ? { entity } : {}) } } })), { defaultSort: '-at', filters: [entity] });
  const lang = i18n.lang();
  return (
    <>
      <h1>{t('nav.audit')}</h1>
      <div class="toolbar">
        <Field label={t('audit.entity')} name="entity">
          {(p) => (
            <select
              {...p}
              value={entity}
              onChange={(e) => {
                setEntity(val(e));
              }}
            >
              {ENTITIES.map((x) => (
                <option value={x}>{x || t('audit.all')}</option>
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
            { label: t('audit.who'), cell: (a) => <code>{a.actor}</code> },
            { label: t('audit.action'), sort: 'action', cell: (a) => a.action },
            {
              label: t('audit.what'),
              sort: 'entity',
              cell: (a) => (
                <>
                  {a.entity} <code>{a.entityId}</code>
                </>
              ),
            },
            {
              label: t('audit.change'),
              cell: (a) => (
                <details>
                  <summary>{t('audit.show')}</summary>
                  <pre class="explain">{JSON.stringify({ before: a.before, after: a.after }, null, 2)}</pre>
                </details>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
