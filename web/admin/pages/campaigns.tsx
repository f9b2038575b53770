import { api, unwrap, useLoad } from '../../shared/api';
import { dateTime, money, num } from '../../shared/format';
import { href } from '../../shared/router';
import { Card } from '../../shared/ui';
import { ListTable, useList } from '../list';
import type { Session } from '../data';
import { mayEdit } from '../nav';
import { i18n, t } from '../t';

export function Campaigns(props: { session: Session }) {
  const list = useList((q) => unwrap(api.GET('/v1/campaigns', { params: { query: q } })), { defaultSort: '-createdAt' });
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
      <Card>
        <ListTable
          list={list}
          testId="campaigns"
          columns={[
            { label: t('campaign.name'), sort: 'name', cell: (c) => <a href={href(`/campaigns/${encodeURIComponent(c.id)}`)}>{c.campaign.name}</a> },
            { label: t('campaigns.status'), sort: 'status', cell: (c) => <span class="badge">{t(`campaignStatus.${c.status}`)}</span> },
            { label: t('campaign.block'), cell: (c) => t(`block.${c.campaign.block}`) },
            { label: t('campaigns.spentPoints'), num: true, cell: (c) => num(c.spent.points, lang) },
            { label: t('campaigns.spentMoney'), num: true, cell: (c) => money(c.spent.money, cur, lang) },
            { label: t('campaigns.created'), sort: 'createdAt', firstDirection: 'desc', cell: (c) => dateTime(c.createdAt, lang) },
          ]}
        />
      </Card>
    </>
  );
}
