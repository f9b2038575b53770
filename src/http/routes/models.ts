import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { getMemberPredictions, getModels } from '../../app/analytics/models.js';
import { runIsolated } from '../../app/isolated/run.js';
import type { AppContext } from '../../app/context.js';
import type { App } from '../app.js';
import { DateTime, IdParams, NullableString, Obj, problemResponses } from '../schemas.js';
import { Day } from './analytics-schemas.js';

const N = Type.Number();
const Models = Obj({
  fitId: Type.String(),
  fittedAt: DateTime,
  calibrationEnd: Day,
  members: Type.Integer({ description: 'members with a completed purchase: the sample' }),
  repeatMembers: Type.Integer({ description: 'of them, members who bought on more than one day' }),
  durationMs: Type.Integer(),
  bgnbd: Obj({ r: N, alpha: N, a: N, b: N, logLikelihood: N, converged: Type.Boolean() }),
  gammaGamma: Type.Union([Obj({ p: N, q: N, gamma: N, logLikelihood: N, converged: Type.Boolean(), members: Type.Integer() }), Type.Null()]),
  options: Obj({
    predictionWeeks: Type.Integer(),
    clvMonths: Type.Integer(),
    clvMonthlyDiscountPercent: N,
    timeUnit: Type.Literal('week'),
    gammaGammaSkipped: NullableString,
    forecastParams: Type.Union([Obj({ r: N, alpha: N, a: N, b: N }), Type.Null()], { description: 'the BG/NBD parameters the forecasts used, when a + b was scaled down (docs/analytics.md)' }),
  }),
});
const Prediction = Obj({
  memberId: Type.String(),
  fitId: Type.String(),
  fittedAt: DateTime,
  x: Type.Integer({ description: 'repeat purchase days' }),
  tx: Type.Number({ description: 'weeks from the first purchase day to the last' }),
  T: Type.Number({ description: 'weeks from the first purchase day to the end of the history' }),
  expectedPurchases: Type.Number({ description: 'expected purchases in the next predictionWeeks weeks' }),
  predictionWeeks: Type.Integer(),
  pAlive: Type.Number({ description: 'probability that the member is still a customer' }),
  previousPAlive: Type.Union([Type.Number(), Type.Null()]),
  expectedSpend: Type.Union([Type.Integer({ description: 'expected spend per future purchase, minor units' }), Type.Null()]),
  clv: Type.Union([Type.Integer({ description: 'expected revenue over the CLV horizon, discounted, minor units' }), Type.Null()]),
  atRisk: Type.Boolean(),
});

const FitQuery = Obj({
  calibrationEnd: Type.Optional(Type.String({ format: 'date', description: "last day of the history to fit on, in the program's time zone (default today; not after today)" })),
});

/** Customer-base models: fit, latest parameters, a member's predictions. */
export const modelRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['analytics'];
    app.post(
      '/analytics/models/fit',
      {
        config: { roles: ['admin'] },
        schema: {
          tags,
          summary: "Fit BG/NBD and Gamma-Gamma on the program's history (up to today or calibrationEnd) and store every member's predictions",
          querystring: FitQuery,
          response: { 200: Models, ...problemResponses },
        },
      },
      async (req) => runIsolated(ctx, 'fitModels', req.actor.programId, { calibrationEnd: req.query.calibrationEnd }),
    );
    app.get(
      '/analytics/models',
      { config: { roles: ['admin', 'readonly'] }, schema: { tags, summary: 'The latest fit: parameters, fit time, sample size', response: { 200: Models, ...problemResponses } } },
      async (req) => getModels(ctx, req.actor.programId),
    );
    app.get(
      '/members/:id/predictions',
      {
        config: { roles: ['admin', 'readonly'] },
        schema: { tags, summary: "A member's expected purchases, P(alive), expected spend and CLV from the latest fit", params: IdParams, response: { 200: Prediction, ...problemResponses } },
      },
      async (req) => getMemberPredictions(ctx, req.actor.programId, req.params.id),
    );
  };
