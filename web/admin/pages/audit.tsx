import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { val } from '../../shared/form';
import { Card, Field, Loading, Problem } from '../../shared/ui';
import { i18n, t } from '../t';
import { Pager } from './members';

const ENTITIES = ['', 'program', 'member', 'campaign', 'tier', 'coupon_series', 'store', 'api_key', 'admin_user'];

export function Audit() {
  const [entity, setEntity] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useLoad(() => unwrap(api.GET('/v1/audit', { params: { query: { limit: 25, ...(entity ? { entity } : {}), ...(cursors.length ? { cursor: cursors[cursors.length - 1]! } : {}) } } })), [entity, cursors]);
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
                setCursors([]);
              }}
            >
              {ENTITIES.map((x) => (
                <option value={x}>{x || t('audit.all')}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Problem error={list.error} title={t('error.title')} />
      {!list.data ? (
        <Loading text={t('app.loading')} />
      ) : (
        <Card>
          <table data-testid="audit">
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.who')}</th>
                <th scope="col">{t('audit.what')}</th>
                <th scope="col">{t('audit.change')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr>
                  <td>{dateTime(a.at, lang)}</td>
                  <td>
                    <code>{a.actor}</code>
                  </td>
                  <td>
                    {a.action} {a.entity} <code>{a.entityId}</code>
                  </td>
                  <td>
                    <details>
                      <summary>{t('audit.show')}</summary>
                      <pre class="explain">{JSON.stringify({ before: a.before, after: a.after }, null, 2)}</pre>
                    </details>
                  </td>
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
