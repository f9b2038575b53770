import { useLoad } from '../../shared/api';
import { date } from '../../shared/format';
import { Card, Loading, Problem } from '../../shared/ui';
import { load, type Program } from '../data';
import { describeEffect, describeWhen } from '../describe';
import { i18n, t } from '../t';

export function OffersPage(props: { program: Program }) {
  const offers = useLoad(load.offers, []);
  const cur = props.program.currency;
  const lang = i18n.lang();
  if (offers.error) return <Problem error={offers.error} title={t('error.title')} />;
  if (!offers.data) return <Loading text={t('app.loading')} />;
  const { campaigns, coupons } = offers.data;
  return (
    <>
      <h1>{t('offers.title')}</h1>
      {campaigns.length === 0 && coupons.length === 0 ? <p>{t('offers.empty')}</p> : null}
      {coupons.length > 0 ? (
        <Card title={t('offers.coupons')}>
          <ul class="plain" data-testid="coupons">
            {coupons.map((c) => (
              <li>
                <strong>{c.name}</strong>
                <p class="coupon">{c.code}</p>
                {c.effects.map((e) => (
                  <p>{describeEffect(e, cur)}</p>
                ))}
                {c.validUntil ? <p class="muted">{t('offer.until', { date: date(c.validUntil, lang) })}</p> : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      {campaigns.map((c) => (
        <Card title={c.name}>
          <ul class="plain">
            {c.effects.map((e) => (
              <li>{describeEffect(e, cur)}</li>
            ))}
          </ul>
          {describeWhen(c, cur).map((line) => (
            <p class="muted">{line}</p>
          ))}
        </Card>
      ))}
    </>
  );
}
