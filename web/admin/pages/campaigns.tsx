import { api, unwrap, useLoad } from '../../shared/api';
import { money, num } from '../../shared/format';
import { href } from '../../shared/router';
import { Card, Loading, Problem } from '../../shared/ui';
import type { Session } from '../data';
import { mayEdit } from '../nav';
import { i18n, t } from '../t';

export function Campaigns(props: { session: Session }) {
  const list = useLoad(() => unwrap(api.GET('/v1/campaigns', { params: { query: {} } })), []);
  const program = useLoad(() => unwrap(api.GET('/v1/program')), []);
  const lang = i18n.lang();
  const cur = program.data?.settings.currency ?? 'RUB';
  return (
    <>
      <div class="row" style={{ justifyContent: 'space-between' }}>
        <h1>{t('nav.campaigns')}</h1>
        {mayEdit(props.session.user.role, 'rules') ? (
          <a class="button" href={href('/campaigns/new')}>
            {t('campaigns.new')}
          </a>
        ) : null}
      </div>
      <Problem error={list.error} title={t('error.title')} />
      {!list.data ? (
        <Loading text={t('app.loading')} />
      ) : (
        <Card>
          <table data-testid="campaigns">
            <thead>
              <tr>
                <th scope="col">{t('campaign.name')}</th>
                <th scope="col">{t('campaigns.status')}</th>
                <th scope="col">{t('campaign.block')}</th>
                <th scope="col" class="num">
                  {t('campaigns.spentPoints')}
                </th>
                <th scope="col" class="num">
                  {t('campaigns.spentMoney')}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr>
                  <td>
                    <a href={href(`/campaigns/${encodeURIComponent(c.id)}`)}>{c.campaign.name}</a>
                  </td>
                  <td>
                    <span class="badge">{t(`campaignStatus.${c.status}`)}</span>
                  </td>
                  <td>{t(`block.${c.campaign.block}`)}</td>
                  <td class="num">{num(c.spent.points, lang)}</td>
                  <td class="num">{money(c.spent.money, cur, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 ? <p>{t('list.empty')}</p> : null}
        </Card>
      )}
    </>
  );
}
