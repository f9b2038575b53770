// The member app's calls; their result types come from the generated client.
import { allItems, api, unwrap } from '../shared/api';

const PROGRAM_KEY = 'kopilka.program';

/** The program this app is for: ?program=<id> once (remembered), else the server's only one. */
export function programIdFromUrl(): string | undefined {
  const fromUrl = new URLSearchParams(location.search).get('program');
  if (fromUrl) localStorage.setItem(PROGRAM_KEY, fromUrl);
  return fromUrl ?? localStorage.getItem(PROGRAM_KEY) ?? undefined;
}

export const load = {
  program: (programId: string | undefined) => unwrap(api.GET('/v1/auth/program', { params: { query: programId ? { programId } : {} } })),
  me: () => unwrap(api.GET('/v1/me')),
  balance: () => unwrap(api.GET('/v1/me/balance')),
  ledger: (cursor?: string) => unwrap(api.GET('/v1/me/ledger', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } })),
  card: () => unwrap(api.GET('/v1/me/card')),
  rotateCard: () => unwrap(api.POST('/v1/me/card/rotate')),
  tier: () => unwrap(api.GET('/v1/me/tier')),
  offers: () => unwrap(api.GET('/v1/me/offers')),
  stores: async (near?: string) => ({ items: await allItems((query) => api.GET('/v1/stores', { params: { query: { ...query, ...(near ? { near } : {}) } } })) }),
};

export type Program = Awaited<ReturnType<typeof load.program>>;
export type Me = Awaited<ReturnType<typeof load.me>>;
export type Balance = Awaited<ReturnType<typeof load.balance>>;
export type LedgerPage = Awaited<ReturnType<typeof load.ledger>>;
export type Tier = Awaited<ReturnType<typeof load.tier>>;
export type Offers = Awaited<ReturnType<typeof load.offers>>;
export type Effect = Offers['campaigns'][number]['effects'][number];
export type Store = Awaited<ReturnType<typeof load.stores>>['items'][number];
