// RFM as the 5 × 5 grid of recency × frequency-and-monetary (docs/analytics-models.md): each cell
// shaded by its member count and named by its segment, in the panel's language.
import { api, unwrap, useLoad } from '../../shared/api';
import { dateTime, num } from '../../shared/format';
import { Card, Loading, Problem } from '../../shared/ui';
import { percent } from '../report-format';
import { i18n, t, tn } from '../t';

/** A light-to-mid blue by share of the largest cell; the text stays dark, so contrast holds (≥ 7:1). */
export const shade = (value: number, max: number): string => {
  const k = max > 0 ? value / max : 0;
  const mix = (from: number, to: number) => Math.round(from + (to - from) * k);
  return `rgb(${mix(246, 140)}, ${mix(248, 180)}, ${mix(252, 230)})`;
};

export function RfmGrid() {
  const rfm = useLoad(() => unwrap(api.GET('/v1/analytics/rfm')), []);
  const lang = i18n.lang();
  if (rfm.error) return <Problem error={rfm.error} title={t('error.title')} />;
  if (!rfm.data) return <Loading text={t('app.loading')} />;
  const r = rfm.data;
  const names = new Map(r.segments.map((s) => [s.segment, lang === 'ru' ? s.ru : s.en]));
  const max = Math.max(0, ...r.grid.map((c) => c.members));
  const cell = (rs: number, fm: number) => r.grid.find((c) => c.r === rs && c.fm === fm);
  const range = (measure: 'r' | 'f' | 'm', score: number) => r.ranges.find((x) => x.measure === measure && x.score === score);
  return (
    <Card title={t('rfm.title')}>
      <p class="hint">{r.computedAt ? t('rfm.computed', { at: dateTime(r.computedAt, lang), members: tn('count.members', r.members, { n: num(r.members, lang) }), days: tn('count.days', r.windowDays, { n: num(r.windowDays, lang) }) }) : t('rfm.notYet')}</p>
      <div class="table-scroll" tabIndex={0} role="region" aria-label={t('rfm.title')}>
        <table class="rfm-grid" data-testid="rfm-grid">
          <caption class="visually-hidden">{t('rfm.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('rfm.corner')}</th>
              {[1, 2, 3, 4, 5].map((fm) => (
                <th scope="col" class="num">
                  {t('rfm.fm', { n: fm })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[5, 4, 3, 2, 1].map((rs) => {
              const days = range('r', rs);
              return (
                <tr>
                  <th scope="row">
                    {t('rfm.r', { n: rs })}
                    {days ? <span class="hint"> {t('rfm.days', { min: days.min, max: days.max })}</span> : null}
                  </th>
                  {[1, 2, 3, 4, 5].map((fm) => {
                    const c = cell(rs, fm);
                    const members = c?.members ?? 0;
                    return (
                      <td style={{ background: shade(members, max) }} data-segment={c?.segment}>
                        <span class="rfm-cell__name">{c ? (names.get(c.segment) ?? c.segment) : ''}</span>
                        <span class="rfm-cell__count">{num(members, lang)}</span>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="hint">{t('rfm.legend')}</p>
      <h3>{t('rfm.segments')}</h3>
      <table data-testid="rfm-segments">
        <thead>
          <tr>
            <th scope="col">{t('rfm.segment')}</th>
            <th scope="col" class="num">
              {t('rfm.members')}
            </th>
            <th scope="col" class="num">
              {t('rfm.share')}
            </th>
          </tr>
        </thead>
        <tbody>
          {r.segments.map((s) => (
            <tr>
              <td>{lang === 'ru' ? s.ru : s.en}</td>
              <td class="num">{num(s.members, lang)}</td>
              <td class="num">{s.share === null ? '—' : percent(s.share, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
