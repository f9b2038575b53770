// The customer-base models: the latest fit's parameters and the members at risk of leaving.
import { api, ApiError, unwrap, useLoad } from '../../shared/api';
import { dateTime, num } from '../../shared/format';
import { useSubmit } from '../../shared/form';
import { href } from '../../shared/router';
import { Card, Loading, Problem } from '../../shared/ui';
import { i18n, t } from '../t';

/** The latest fit, or null before the first one (the server answers NOT_FOUND then). */
const latestFit = () =>
  unwrap(api.GET('/v1/analytics/models')).catch((e: unknown) => {
    if (e instanceof ApiError && e.code === 'NOT_FOUND') return null;
    throw e;
  });

const AT_RISK_SHOWN = 20;

/** The first members of the built-in at-risk segment (its id is the program's own). */
async function atRiskMembers() {
  const segments = await unwrap(api.GET('/v1/segments', { params: { query: { kind: 'at_risk' } } }));
  const segment = segments.items[0];
  if (!segment) return { items: [], count: 0 };
  const page = await unwrap(api.GET('/v1/segments/{id}/members', { params: { path: { id: segment.id }, query: { limit: AT_RISK_SHOWN } } }));
  return { items: page.items, count: segment.memberCount ?? page.items.length };
}

export function Models(props: { mayEdit: boolean }) {
  const fit = useLoad(latestFit, []);
  const atRisk = useLoad(atRiskMembers, []);
  const f = useSubmit();
  const lang = i18n.lang();
  const p = (v: number) => num(Math.round(v * 1000) / 1000, lang);
  const refit = () =>
    void f.run(async () => {
      await unwrap(api.POST('/v1/analytics/models/fit'));
      fit.reload();
      atRisk.reload();
    });
  return (
    <Card title={t('models.title')}>
      <Problem error={fit.error ?? f.error} title={t('error.title')} />
      {fit.data === undefined && !fit.error ? <Loading text={t('app.loading')} /> : null}
      {fit.data === null ? <p>{t('models.none')}</p> : null}
      {fit.data ? (
        <>
          <p class="hint">{t('models.fitted', { at: dateTime(fit.data.fittedAt, lang), members: num(fit.data.members, lang), repeat: num(fit.data.repeatMembers, lang) })}</p>
          <dl class="props" data-testid="models">
            <dt>{t('models.bgnbd')}</dt>
            <dd>{`r = ${p(fit.data.bgnbd.r)}, α = ${p(fit.data.bgnbd.alpha)}, a = ${p(fit.data.bgnbd.a)}, b = ${p(fit.data.bgnbd.b)}`}</dd>
            <dt>{t('models.gammaGamma')}</dt>
            <dd>{fit.data.gammaGamma ? `p = ${p(fit.data.gammaGamma.p)}, q = ${p(fit.data.gammaGamma.q)}, γ = ${p(fit.data.gammaGamma.gamma)}` : t('models.skipped', { why: fit.data.options.gammaGammaSkipped ?? '—' })}</dd>
            <dt>{t('models.horizon')}</dt>
            <dd>{t('models.horizonValue', { weeks: fit.data.options.predictionWeeks, months: fit.data.options.clvMonths })}</dd>
          </dl>
        </>
      ) : null}
      {props.mayEdit ? (
        <button type="button" class="secondary" disabled={f.busy} onClick={refit}>
          {t('models.fit')}
        </button>
      ) : null}
      <h3>{t('models.atRisk', { n: num(atRisk.data?.count ?? 0, lang) })}</h3>
      <Problem error={atRisk.error} title={t('error.title')} />
      {atRisk.data && atRisk.data.items.length > 0 ? (
        <ul class="plain" data-testid="at-risk">
          {atRisk.data.items.map((m) => (
            <li>
              <a href={href(`/members/${encodeURIComponent(m.memberId)}`)}>{m.name ?? m.memberId}</a> <span class="hint">{t('models.since', { at: dateTime(m.since, lang) })}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('models.noneAtRisk')}</p>
      )}
    </Card>
  );
}
