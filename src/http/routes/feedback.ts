import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { getFeedbackInbox } from '../../app/feedback.js';
import type { App } from '../app.js';
import { NullableString, Obj, PageQuery, problemResponses } from '../schemas.js';
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
          summary: "Members' messages from the member app, newest first",
          querystring: Obj({ ...PageQuery.properties, topic: Type.Optional(FeedbackTopic) }),
          response: { 200: Obj({ items: Type.Array(FeedbackSchema), nextCursor: NullableString }), ...problemResponses },
        },
      },
      async (req) => getFeedbackInbox(ctx, req.actor, { limit: req.query.limit ?? 50, cursor: req.query.cursor, topic: req.query.topic }),
    );
  };
