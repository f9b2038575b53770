import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { sendFeedback } from '../../app/feedback.js';
import { memberOf } from '../../app/me.js';
import { deleteMe, exportMyData } from '../../app/my-data.js';
import { getMyOffers } from '../../app/offers.js';
import { getMemberTier } from '../../app/rules/member-tier.js';
import { FEEDBACK_TOPICS } from '../../domain/feedback.js';
import { Condition, Effect, Schedule } from '../../domain/rules/types.js';
import type { App } from '../app.js';
import { MEMBER_COOKIE, clearSessionCookie } from '../auth.js';
import { DateTime, NullableString, Obj, problemResponses, type Static } from '../schemas.js';
import { MemberTierSchema } from './engagement.js';

export const FeedbackTopic = Type.Union([Type.Literal('question'), Type.Literal('complaint'), Type.Literal('idea'), Type.Literal('praise'), Type.Literal('other')]);
// The schema and the domain's list name the same topics.
const _topics: (typeof FEEDBACK_TOPICS)[number] extends Static<typeof FeedbackTopic> ? true : never = true;
void _topics;
export const FeedbackSchema = Obj({
  id: Type.String(),
  memberId: Type.String(),
  memberName: NullableString,
  topic: FeedbackTopic,
  message: Type.String(),
  storeId: NullableString,
  createdAt: DateTime,
});
const Offers = Obj({
  campaigns: Type.Array(
    Obj({ id: Type.String(), name: Type.String(), kind: Type.Union([Type.Literal('purchase'), Type.Literal('event')]), eventType: NullableString, schedule: Schedule, conditions: Type.Array(Condition), effects: Type.Array(Effect) }),
  ),
  coupons: Type.Array(
    Obj({
      code: Type.String(),
      seriesId: Type.String(),
      name: Type.String(),
      usesLeft: Type.Union([Type.Integer(), Type.Null()], { description: 'null: unlimited' }),
      validFrom: Type.Union([DateTime, Type.Null()]),
      validUntil: Type.Union([DateTime, Type.Null()]),
      effects: Type.Array(Effect, { description: 'what the code unlocks (the live campaign naming its series)' }),
    }),
  ),
});
const AnyObject = Type.Object({}, { additionalProperties: true });

/** The member app's tier, offers, feedback, data export and account deletion (docs/web.md). */
export const meDataRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['member app'];
    const config = { roles: ['member' as const] };
    const security = [{ memberSession: [] }];
    app.get('/me/tier', { config, schema: { tags, security, summary: 'My tier, its benefits and the progress to the next one', response: { 200: MemberTierSchema, ...problemResponses } } }, async (req) =>
      getMemberTier(ctx, req.actor.programId, memberOf(req.actor)),
    );
    app.get(
      '/me/offers',
      { config, schema: { tags, security, summary: 'Live campaigns I could get (audience, schedule and control group considered) and my personal coupons', response: { 200: Offers, ...problemResponses } } },
      async (req) => getMyOffers(ctx, req.actor),
    );
    app.post(
      '/me/feedback',
      {
        config,
        schema: {
          tags,
          security,
          summary: 'Send a message to the program (it reaches the admin panel)',
          body: Obj({ topic: FeedbackTopic, message: Type.String({ minLength: 1, maxLength: 4000 }), storeId: Type.Optional(Type.String({ maxLength: 100 })) }),
          response: { 201: FeedbackSchema, ...problemResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await sendFeedback(ctx, req.actor, req.body)),
    );
    app.get(
      '/me/export',
      {
        config,
        schema: { tags, security, summary: 'Everything the program keeps about me: profile, identifiers, balance, tier, ledger, purchases, accepted texts and their history, feedback', response: { 200: AnyObject, ...problemResponses } },
      },
      async (req, reply) => {
        const data = await exportMyData(ctx, req.actor);
        return reply.header('content-disposition', 'attachment; filename="my-data.json"').send(data);
      },
    );
    app.delete(
      '/me',
      {
        config,
        schema: {
          tags,
          security,
          summary: 'Delete my account: the profile is anonymised, identifiers released, sessions ended; points history stays for the books',
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await deleteMe(ctx, req.actor);
        clearSessionCookie(req, reply, MEMBER_COOKIE);
        return reply.code(204).send(null);
      },
    );
  };
