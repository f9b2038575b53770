import { api, unwrap, useLoad } from '../shared/api';
import { date, num } from '../shared/format';
import { Card, Problem } from '../shared/ui';
import { i18n, t } from './t';

/** The member's open lots, in the order the next spend uses them (GET /v1/members/{id}/lots). */
export function MemberLots(props: { memberId: string; refreshKey: string | undefined }) {
  const lots = useLoad(() => unwrap(api.GET('/v1/members/{id}/lots', { params: { path: { id: props.memberId } } })), [props.memberId, props.refreshKey]);
  const lang = i18n.lang();
  return (
    <Card title={t('lots.title')}>
      <Problem error={lots.error} title={t('error.title')} />
      {lots.data && lots.data.items.length === 0 ? <p class="muted">{t('lots.empty')}</p> : null}
      {lots.data && lots.data.items.length > 0 ? (
        <table data-testid="lots">
          <caption class="muted">{t('lots.caption')}</caption>
          <thead>
            <tr>
              <th scope="col" class="num">
                {t('lots.order')}
              </th>
              <th scope="col">{t('lots.state')}</th>
              <th scope="col" class="num">
                {t('lots.remaining')}
              </th>
              <th scope="col" class="num">
                {t('lots.held')}
              </th>
              <th scope="col">{t('lots.availableAt')}</th>
              <th scope="col">{t('lots.expiresAt')}</th>
            </tr>
          </thead>
          <tbody>
            {lots.data.items.map((l) => (
              <tr key={l.id}>
                <td class="num">{l.spendOrder ?? '—'}</td>
                <td>{t(`lots.state.${l.state}`)}</td>
                <td class="num">
                  {num(l.remaining, lang)}
                  {l.remaining !== l.points ? <span class="muted"> / {num(l.points, lang)}</span> : null}
                </td>
                <td class="num">{l.held ? num(l.held, lang) : ''}</td>
                <td>{date(l.availableAt, lang)}</td>
                <td>{l.expiresAt ? date(l.expiresAt, lang) : t('lots.never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Card>
  );
}
