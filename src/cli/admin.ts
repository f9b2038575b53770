import { allProgramAdminUsers, createAdminUser, findAdminUserByEmail, normaliseEmail, updateProgramAdminUser } from '../app/admin-users.js';
import { createContext } from '../app/context.js';
import type { Database } from '../app/database.js';
import { generatePassword } from '../app/secrets.js';
import { isAdminRole, ADMIN_ROLES, type AdminRole } from '../domain/roles.js';

export const ADMIN_USAGE = `  admin create --program ID --email E --role owner|marketer|support|analyst [--name N] [--password-stdin]
                                        an admin-panel user; prints a generated password once
                                        unless --password-stdin reads one from standard input
  admin list --program ID               the program's admin users
  admin password --program ID --email E [--password-stdin]
                                        a new password (generated and printed, or from stdin);
                                        ends the user's sessions`;

/** The whole of standard input, without the line end a shell or `echo` adds. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

type Opts = Record<string, string | boolean | undefined>;

/** `kopilka admin …`; returns the exit code. */
export async function adminCommand(sub: string | undefined, o: Opts, withDatabase: <T>(fn: (d: Database) => Promise<T>) => Promise<T>): Promise<number> {
  const program = typeof o.program === 'string' ? o.program : undefined;
  if (!program) throw new Error('--program ID is required');
  const password = o['password-stdin'] ? await readStdin() : undefined;
  if (sub === 'create') {
    const role = o.role;
    if (typeof o.email !== 'string' || typeof role !== 'string' || !isAdminRole(role)) throw new Error(`--email E and --role ${ADMIN_ROLES.join('|')} are required`);
    return withDatabase(async ({ db }) => {
      const made = await createAdminUser(createContext(db), program, { email: o.email as string, role: role as AdminRole, name: typeof o.name === 'string' ? o.name : undefined, password });
      console.log(`admin user ${made.user.id}: ${made.user.email} (${made.user.role})`);
      if (made.password) console.log(`password: ${made.password}\n(shown once; only its argon2id hash is stored)`);
      return 0;
    });
  }
  if (sub === 'list') {
    return withDatabase(async ({ db }) => {
      for (const u of await allProgramAdminUsers(createContext(db), program)) {
        console.log(`${u.id}  ${u.role.padEnd(8)}  ${u.email}  ${u.name}${u.disabled ? '  (disabled)' : ''}  last sign-in ${u.lastSignInAt ?? 'never'}`);
      }
      return 0;
    });
  }
  if (sub === 'password') {
    if (typeof o.email !== 'string') throw new Error('--email E is required');
    const email = normaliseEmail(o.email);
    return withDatabase(async ({ db }) => {
      const ctx = createContext(db);
      const user = await findAdminUserByEmail(ctx, program, email);
      if (!user) throw new Error(`no admin user ${email} in program ${program}`);
      const next = password ?? generatePassword();
      await updateProgramAdminUser(ctx, program, user.id, { password: next });
      console.log(password ? `new password set for ${email}` : `new password for ${email}: ${next}\n(shown once)`);
      return 0;
    });
  }
  throw new Error(`unknown admin command ${sub ?? ''}\n${ADMIN_USAGE}`);
}
