import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { joinProgram, requestCode, signOutMember, verifyCode, type CodeTarget } from '../../app/member-auth.js';
import type { App } from '../app.js';
import { MEMBER_COOKIE, authorizationBearer, clearSessionCookie, requireCsrfHeader, setSessionCookie } from '../auth.js';
import { Acceptances, DateTime, Obj, Uuid } from '../schemas.js';
import { authProblemResponses } from './auth-admin.js';
import { MemberSchema, MessagePreferences } from './members.js';

const Phone = Type.String({ minLength: 1, maxLength: 40, description: 'any common notation; a code goes by SMS' });
const Email = Type.String({ minLength: 3, maxLength: 200, description: 'a code goes by e-mail' });
/** Exactly one of phone and e-mail. */
const targetOf = <T extends Record<string, import('typebox').TSchema>>(extra: T) =>
  Type.Union([Obj({ programId: Uuid, phone: Phone, ...extra }), Obj({ programId: Uuid, email: Email, ...extra })]);

const Code = Type.String({ pattern: '^[0-9]{6}$', description: 'the six digits sent' });
const Questionnaire = {
  name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  birthday: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
  gender: Type.Optional(Type.Union([Type.Literal('female'), Type.Literal('male'), Type.Literal('other'), Type.Null()])),
  city: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  consents: Type.Optional(Type.Record(Type.String({ maxLength: 50 }), Type.Boolean(), { description: 'marketing consent per channel, e.g. {"sms": true}' })),
  messagePreferences: Type.Optional(MessagePreferences),
  agreements: Type.Optional(Acceptances),
};

const CodeSent = Obj({ channel: Type.Union([Type.Literal('sms'), Type.Literal('email')]), sentTo: Type.String({ description: 'masked' }), expiresAt: DateTime, resendAfter: DateTime });
const SignedIn = Obj({ token: Type.String({ description: 'the member session token (also set as an HttpOnly cookie): `Authorization: Bearer kms_…`' }), expiresAt: DateTime, member: MemberSchema });

type Target = { programId: string; phone?: string; email?: string };
const codeTarget = (b: Target): CodeTarget => (b.phone !== undefined ? { programId: b.programId, phone: b.phone } : { programId: b.programId, email: b.email! });

export const memberAuthRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['member sign-in'];
    app.post(
      '/auth/member/code',
      {
        schema: {
          tags,
          summary: 'Send a one-time code to a phone or e-mail (the same answer whether or not a member has it)',
          security: [],
          body: targetOf({}),
          response: { 202: CodeSent, ...authProblemResponses },
        },
      },
      async (req, reply) => reply.code(202).send(await requestCode(ctx, codeTarget(req.body))),
    );
    app.post(
      '/auth/member/verify',
      {
        config: { csrf: true },
        schema: { tags, summary: 'Sign in with the code: the session token in the body and as a cookie (send X-Kopilka-CSRF: 1)', security: [], body: targetOf({ code: Code }), response: { 200: SignedIn, ...authProblemResponses } },
      },
      async (req, reply) => {
        const signedIn = await verifyCode(ctx, { ...codeTarget(req.body), code: req.body.code });
        setSessionCookie(req, reply, MEMBER_COOKIE, signedIn.token, ctx.auth.memberSession);
        return signedIn;
      },
    );
    app.post(
      '/auth/member/join',
      {
        config: { csrf: true },
        schema: {
          tags,
          summary: 'Join the program with the code sent to a phone or e-mail that no member has yet, and sign in',
          security: [],
          body: targetOf({ code: Code, ...Questionnaire }),
          response: { 201: SignedIn, ...authProblemResponses },
        },
      },
      async (req, reply) => {
        const { code, name, birthday, gender, city, consents, messagePreferences, agreements } = req.body;
        const profile = { name, birthday, gender, city, consents, agreements, ...(messagePreferences ? { attributes: { messagePreferences } } : {}) };
        const signedIn = await joinProgram(ctx, { ...codeTarget(req.body), code, profile });
        setSessionCookie(req, reply, MEMBER_COOKIE, signedIn.token, ctx.auth.memberSession);
        return reply.code(201).send(signedIn);
      },
    );
    app.post(
      '/auth/member/sign-out',
      { schema: { tags, summary: "End the member's session (bearer token or cookie) and clear its cookie", response: { 204: Type.Null(), ...authProblemResponses } } },
      async (req, reply) => {
        const cookieToken = req.cookies[MEMBER_COOKIE];
        const token = authorizationBearer(req) ?? cookieToken;
        if (token && token === cookieToken) requireCsrfHeader(req, 'signing out');
        if (token) await signOutMember(ctx, token);
        clearSessionCookie(req, reply, MEMBER_COOKIE);
        return reply.code(204).send(null);
      },
    );
  };
