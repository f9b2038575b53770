import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { FEEDBACK_LIST, getFeedbackInbox } from '../../app/feedback.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { problemResponses } from '../schemas.js';
import { FeedbackSchema, FeedbackTopic } from './me-data.js';

export const feedbackRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    app.get(
      '/feedback',
      {
        config: { roles: ['admin', 'support', 'marketer'] },
        schema: {
          tags: ['feedback'],
          summary: "Members' messages from the member app, newest first (`sort`: createdAt, topic)",
          querystring: listQuery(FEEDBACK_LIST, { topic: Type.Optional(FeedbackTopic) }),
          response: { 200: listResponse(FeedbackSchema), ...problemResponses },
        },
      },
      async (req) => getFeedbackInbox(ctx, req.actor, { ...listParams(req.query), topic: req.query.topic }),
    );
  };
