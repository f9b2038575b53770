import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_COOKIE, MEMBER_COOKIE } from './auth.js';

/** The web apps and where they are served (docs/web.md). */
export const WEB_APPS = [
  { dir: 'member', prefix: '/app', cookie: MEMBER_COOKIE },
  { dir: 'admin', prefix: '/admin', cookie: ADMIN_COOKIE },
] as const;

/**
 * The app's page says whether the browser sent the app's session cookie (HttpOnly, so the app's
 * script cannot see it): without one the app shows the sign-in page at once instead of asking the
 * API who is signed in and getting a 401 that the browser logs as an error on every signed-out load.
 */
const withSessionHint = (html: string, sent: boolean) => html.replace('</head>', `<meta name="kopilka-session" content="${sent ? '1' : '0'}"></head>`);

/** Hashed files never change under their name; everything else is checked on every load. */
function cacheHeaders(reply: FastifyReply, file: string): void {
  const hashed = file.split(path.sep).includes('assets');
  void reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * Serves the built member app at /app and the admin panel at /admin (dist/web, built by
 * scripts/build-web.mjs): files as they are, any other path below the prefix gets index.html
 * (the apps route on the client). Without a build, those paths say how to make one.
 */
export async function registerWebApps(app: FastifyInstance, root: string): Promise<void> {
  let decorated = false;
  for (const web of WEB_APPS) {
    const dir = path.resolve(root, web.dir);
    const indexFile = path.join(dir, 'index.html');
    const built = existsSync(indexFile);
    const index = built ? readFileSync(indexFile, 'utf8') : null;
    await app.register(async (scope) => {
      if (built) {
        await scope.register(fastifyStatic, { root: dir, prefix: `${web.prefix}/`, wildcard: false, index: false, decorateReply: !decorated, setHeaders: cacheHeaders });
        decorated = true;
      }
      const page = async (req: FastifyRequest, reply: FastifyReply) => {
        // A missing file (an old hashed asset) is a 404, not the app's page.
        if (/\.[A-Za-z0-9]+$/.test(req.url.split('?')[0]!)) return reply.callNotFound();
        if (index === null) return reply.code(503).type('text/plain; charset=utf-8').send(`The web apps are not built: run \`npm run build\` (they go to ${root}).\n`);
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('vary', 'Cookie').send(withSessionHint(index, Boolean(req.cookies[web.cookie])));
      };
      scope.get(web.prefix, { schema: { hide: true } }, async (_req, reply) => reply.redirect(`${web.prefix}/`));
      scope.get(`${web.prefix}/`, { schema: { hide: true } }, page);
      scope.get(`${web.prefix}/*`, { schema: { hide: true } }, page);
    });
  }
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/app/'));
}
