import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { answerSurveyAs, changeSurveyStatus, createSurvey, getNps, getSurveys, SURVEY_LIST } from '../../app/analytics/nps.js';
import type { Actor, AppContext } from '../../app/context.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, IdParams, NullableString, Obj, problemResponses } from '../schemas.js';
import { Day, Interval } from './analytics-schemas.js';

const Survey = Obj({
  id: Type.String(),
  name: Type.String(),
  question: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  linkToken: Type.String({ description: 'the secret of the public link: anyone with it may answer anonymously' }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
const Answer = Obj({
  score: Type.Integer({ minimum: 0, maximum: 10 }),
  comment: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  memberId: Type.Optional(Type.String({ maxLength: 100, description: 'with an API key: the member who answers' })),
  token: Type.Optional(Type.String({ maxLength: 100, description: "without an API key: the survey's link token" })),
  channel: Type.Optional(Type.String({ maxLength: 50, description: "with an API key: where the member answered, e.g. 'app' (default), 'sms', 'email'" })),
});
const AnswerResult = Obj({
  surveyId: Type.String(),
  memberId: NullableString,
  score: Type.Integer(),
  class: Type.Union([Type.Literal('promoter'), Type.Literal('passive'), Type.Literal('detractor')]),
  createdAt: DateTime,
});
const figures = { promoters: Type.Integer(), passives: Type.Integer(), detractors: Type.Integer(), responses: Type.Integer(), score: Type.Union([Type.Number(), Type.Null()]) };
const NpsReport = Obj({
  from: Day,
  to: Day,
  interval: Interval,
  surveyId: NullableString,
  ...figures,
  previous: Obj(figures),
  change: Type.Union([Type.Number(), Type.Null()]),
  series: Type.Array(Obj({ period: Day, ...figures, change: Type.Union([Type.Number(), Type.Null()]) })),
});

/** NPS surveys, answers (by members through an API key, or anonymously by link), and the NPS report. */
export const npsRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['nps'];
    app.post(
      '/nps/surveys',
      {
        config: { roles: ['admin'] },
        schema: { tags, summary: 'Create an NPS survey', body: Obj({ name: Type.String({ minLength: 1, maxLength: 200 }), question: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) }), response: { 201: Survey, ...problemResponses } },
      },
      async (req, reply) => reply.code(201).send(await createSurvey(ctx, req.actor, req.body)),
    );
    app.get(
      '/nps/surveys',
      { config: { roles: ['admin', 'readonly'] }, schema: { tags, summary: 'NPS surveys, newest first (`sort`: createdAt, name, status)', querystring: listQuery(SURVEY_LIST), response: { 200: listResponse(Survey), ...problemResponses } } },
      async (req) => getSurveys(ctx, req.actor.programId, listParams(req.query)),
    );
    app.patch(
      '/nps/surveys/:id',
      { config: { roles: ['admin'] }, schema: { tags, summary: 'Close or reopen a survey', params: IdParams, body: Obj({ status: Type.Union([Type.Literal('open'), Type.Literal('closed')]) }), response: { 200: Survey, ...problemResponses } } },
      async (req) => changeSurveyStatus(ctx, req.actor, req.params.id, req.body.status),
    );
    app.post(
      '/nps/surveys/:id/responses',
      {
        // The use case refuses a readonly key (its rule); the roles name every key so that it is the one to say so.
        config: { roles: ['admin', 'pos', 'readonly'], anonymous: true },
        schema: {
          tags,
          summary: "Answer a survey: with an admin or pos API key for a member (memberId), or without a key by the survey's link token (anonymous)",
          security: [{ apiKey: [] }, {}],
          params: IdParams,
          body: Answer,
          response: { 201: AnswerResult, ...problemResponses },
        },
      },
      async (req, reply) => {
        // Identified by the auth hook when a key was sent: the Idempotency-Key is then kept for that caller.
        return reply.code(201).send(await answerSurveyAs(ctx, (req.actor as Actor | undefined) ?? null, req.params.id, req.body));
      },
    );
    app.get(
      '/analytics/nps',
      {
        config: { roles: ['admin', 'readonly'] },
        schema: {
          tags: ['analytics'],
          summary: 'NPS (% promoters − % detractors) of the answers in a range, by period, with the change against the range before',
          querystring: Obj({ from: Day, to: Day, interval: Type.Optional(Interval), surveyId: Type.Optional(Type.String({ format: 'uuid' })) }),
          response: { 200: NpsReport, ...problemResponses },
        },
      },
      async (req) => getNps(ctx, req.actor.programId, req.query),
    );
  };
