import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `kopilka serve` as its own process, as an operator starts it; its output is kept for assertions. */
export class ServerProcess {
  readonly child: ChildProcess;
  output = '';
  exitCode: number | null | undefined = undefined;
  readonly #exited: Promise<void>;

  constructor(env: Record<string, string>) {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', OUTBOX_INTERVAL_SECONDS: '0', JOB_INTERVAL_SECONDS: '0', ...env };
    if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
    delete childEnv.NODE_ENV;
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    this.#exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      }),
    );
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The first match of `pattern` in the output, waiting up to `ms` for it. */
  async waitFor(pattern: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    const until = Date.now() + ms;
    for (;;) {
      const m = this.output.match(pattern);
      if (m) return m;
      if (!this.running) throw new Error(`the server exited (${this.exitCode}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() > until) throw new Error(`the server did not print ${pattern} within ${ms} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The address it listens on, once it does. */
  async url(): Promise<string> {
    return (await this.waitFor(/Kopilka listens on (http:\/\/\S+)/))[1]!;
  }

  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(killer);
  }
}
