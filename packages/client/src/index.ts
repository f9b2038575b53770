/**
 * The typed client of the Kopilka API. `schema.d.ts` is generated from the server's OpenAPI
 * document (`npm run client:generate`); a unit test fails when it and the API drift apart.
 *
 *   const kopilka = createKopilkaClient({ baseUrl: 'https://loyalty.shop.ru', apiKey: 'kpk_…' });
 *   const { data, error } = await kopilka.POST('/v1/purchases/calculate', { body: { … } });
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';
export type KopilkaClient = Client<paths>;
/** An RFC 9457 problem document as the API sends it (`code` is stable, `detail` is for people). */
export type Problem = components['schemas']['Problem'];

export interface KopilkaClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the API is, e.g. "https://loyalty.shop.ru" (no trailing /v1). */
  baseUrl: string;
  /** An API key (`kpk_…`) for a till, web shop or back-office integration. */
  apiKey?: string;
  /** A member session token (`kms_…`) for an app that signs a member in. */
  memberToken?: string;
  /**
   * Send `X-Kopilka-CSRF: 1`: needed when a browser page on the same origin authenticates with
   * the session cookie (the admin panel, the member app).
   */
  csrf?: boolean;
}

export function createKopilkaClient(options: KopilkaClientOptions): KopilkaClient {
  const { apiKey, memberToken, csrf, headers, ...rest } = options;
  const secret = apiKey ?? memberToken;
  return createClient<paths>({
    ...rest,
    headers: {
      ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      ...(csrf ? { 'x-kopilka-csrf': '1' } : {}),
      ...(headers as Record<string, string> | undefined),
    },
  });
}

/** Whether a value is a problem document (the `error` of a failed call). */
export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).status === 'number';
}
