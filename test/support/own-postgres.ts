import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL server of the test's own, which it may restart, crash, freeze and stop: initdb in a
 * temp dir, started with pg_ctl on a free loopback port (as the `postgres` user when the tests
 * run as root, as initdb requires). Needs the server binaries (Debian's `postgresql` package;
 * scripts/test.sh installs it when they are missing).
 */
export class OwnPostgres {
  readonly dir: string;
  readonly port: number;
  readonly #bin: string;

  private constructor(dir: string, port: number, bin: string) {
    this.dir = dir;
    this.port = port;
    this.#bin = bin;
  }

  static async start(): Promise<OwnPostgres> {
    const bin = serverBinaries();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-own-pg-'));
    if (isRoot()) execFileSync('chown', ['postgres:', dir]);
    const pg = new OwnPostgres(dir, await freePort(), bin);
    pg.#run('initdb', ['-D', pg.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale']);
    pg.#start();
    pg.#run('createdb', ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', 'kopilka']);
    return pg;
  }

  get data(): string {
    return path.join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/kopilka`;
  }

  /** `pg_ctl restart -m fast`: every connection is closed, the server is back when this returns. */
  restart(): void {
    // -l: the server must not inherit pg_ctl's output pipes, or this call would wait for it to end.
    this.#run('pg_ctl', ['-D', this.data, '-l', this.#log, '-m', 'fast', '-w', '-t', '60', 'restart', '-o', this.#options()]);
  }

  /** Stops the server: 'fast' (clean) or 'immediate' (a crash: recovery runs at the next start). */
  stop(mode: 'fast' | 'immediate'): void {
    this.#run('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  start(): void {
    this.#start();
  }

  /** SIGSTOP or SIGCONT to the postmaster and every backend: a database that stops answering. */
  signalAll(signal: 'SIGSTOP' | 'SIGCONT'): void {
    const pid = Number(fs.readFileSync(path.join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    for (const p of [pid, ...children]) {
      try {
        process.kill(p, signal);
      } catch {
        // a backend that ended meanwhile
      }
    }
  }

  /** Stops the server (if it runs) and deletes its files. */
  destroy(): void {
    if (fs.existsSync(path.join(this.data, 'postmaster.pid'))) {
      try {
        this.signalAll('SIGCONT');
        this.stop('immediate');
      } catch {
        // already stopped
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  #options(): string {
    return `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off -c full_page_writes=off -c max_connections=100`;
  }

  #start(): void {
    this.#run('pg_ctl', ['-D', this.data, '-l', this.#log, '-w', '-t', '60', 'start', '-o', this.#options()]);
  }

  get #log(): string {
    return path.join(this.dir, 'server.log');
  }

  #run(tool: string, args: string[]): void {
    const cmd = path.join(this.#bin, tool);
    const r = isRoot()
      ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: '/', encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } })
      : spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  }
}

const isRoot = () => process.getuid?.() === 0;

/** The newest installed server's bin dir (Debian layout). */
function serverBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install the postgresql package (scripts/test.sh does)');
  return path.join(root, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
