// Calls the panel makes more than once; their result types come from the generated client.
import { api, unwrap } from '../shared/api';

export const load = {
  program: () => unwrap(api.GET('/v1/auth/program', { params: { query: {} } })),
  session: () => unwrap(api.GET('/v1/auth/admin/me')),
  settings: () => unwrap(api.GET('/v1/program')),
};

export type PublicProgram = Awaited<ReturnType<typeof load.program>>;
export type Session = Awaited<ReturnType<typeof load.session>>;
export type Role = Session['user']['role'];
