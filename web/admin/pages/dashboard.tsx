import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, unwrap, useLoad } from '../../shared/api';
import { money, num } from '../../shared/format';
import { Card, Loading, Problem, Stat } from '../../shared/ui';
import type { Session } from '../data';
import { i18n, t } from '../t';

const DAYS = 30;
const MAX_PAGES = 25;

/**
 * What the dashboard can say from the existing endpoints: members (paged through, up to 5 000),
 * new members per day, campaigns and their spend, coupon use. Purchases, revenue and points
 * issued, redeemed, expired and outstanding need the analytics API (docs/web.md).
 */
async function loadFigures(now: Date) {
  const members: { createdAt: string; status: string }[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await unwrap(api.GET('/v1/members', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }));
    members.push(...page.items.map((m) => ({ createdAt: m.createdAt, status: m.status })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ++pages < MAX_PAGES);
  const [campaigns, coupons, program] = await Promise.all([unwrap(api.GET('/v1/campaigns', { params: { query: {} } })), unwrap(api.GET('/v1/coupon-series')), unwrap(api.GET('/v1/program'))]);
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (DAYS - 1) * 86_400_000;
  const perDay = new Array<number>(DAYS).fill(0);
  for (const m of members) {
    const i = Math.floor((Date.parse(m.createdAt) - start) / 86_400_000);
    if (i >= 0 && i < DAYS) perDay[i]!++;
  }
  return {
    members: members.length,
    more: Boolean(cursor),
    blocked: members.filter((m) => m.status === 'blocked').length,
    newMembers: perDay.reduce((a, b) => a + b, 0),
    days: perDay.map((_, i) => (start + i * 86_400_000) / 1000),
    perDay,
    live: campaigns.items.filter((c) => c.status === 'active').length,
    spentPoints: campaigns.items.reduce((s, c) => s + c.spent.points, 0),
    spentMoney: campaigns.items.reduce((s, c) => s + c.spent.money, 0),
    couponUses: coupons.items.reduce((s, c) => s + c.uses, 0),
    currency: program.settings.currency,
  };
}

function Chart(props: { x: number[]; y: number[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const day = new Intl.DateTimeFormat(i18n.lang() === 'ru' ? 'ru-RU' : 'en-GB', { day: 'numeric', month: 'short' });
    const plot = new uPlot(
      {
        width: box.current.clientWidth || 600,
        height: 220,
        series: [{}, { label: props.label, stroke: '#0a5bb5', width: 2, fill: 'rgba(10,91,181,0.12)' }],
        axes: [{ values: (_u, splits) => splits.map((v) => day.format(new Date(v * 1000))) }, { size: 40 }],
        legend: { show: false },
      },
      [props.x, props.y],
      box.current,
    );
    return () => plot.destroy();
  }, [props.x, props.y, props.label]);
  return <div class="chart" ref={box} role="img" aria-label={props.label} />;
}

export function Dashboard(_props: { session: Session }) {
  const f = useLoad(() => loadFigures(new Date()), []);
  const lang = i18n.lang();
  if (f.error) return <Problem error={f.error} title={t('error.title')} />;
  if (!f.data) return <Loading text={t('app.loading')} />;
  const d = f.data;
  return (
    <>
      <h1>{t('nav.dashboard')}</h1>
      <div class="stats" data-testid="figures">
        <Stat label={t('dash.members')} value={`${num(d.members, lang)}${d.more ? '+' : ''}`} />
        <Stat label={t('dash.newMembers', { days: DAYS })} value={num(d.newMembers, lang)} />
        <Stat label={t('dash.blocked')} value={num(d.blocked, lang)} />
        <Stat label={t('dash.liveCampaigns')} value={num(d.live, lang)} />
        <Stat label={t('dash.campaignPoints')} value={num(d.spentPoints, lang)} />
        <Stat label={t('dash.campaignMoney')} value={money(d.spentMoney, d.currency, lang)} />
        <Stat label={t('dash.couponUses')} value={num(d.couponUses, lang)} />
      </div>
      <Card title={t('dash.newMembersChart', { days: DAYS })}>
        <Chart x={d.days} y={d.perDay} label={t('dash.newMembersChart', { days: DAYS })} />
      </Card>
      <p class="muted">{t('dash.analyticsNote')}</p>
    </>
  );
}
