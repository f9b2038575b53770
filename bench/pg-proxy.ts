/**
 * A counting TCP proxy in front of PostgreSQL: it reads the frontend (client → server) side of
 * the wire protocol and counts statements — each simple Query ('Q') and each Sync ('S') that
 * ends an extended-protocol exchange is one — and round trips: a statement sent while the
 * connection waits for no answer starts one, and statements sent before the answers to earlier
 * ones arrive (pipelined) ride in it. The server is
 * pointed at it for a short run to answer "how many round trips does one purchase make".
 */
import net from 'node:net';

export interface StatementCount {
  statement: string;
  count: number;
  /** Mean time from the request's last message (Sync or Query) to PostgreSQL's ReadyForQuery, as seen by the proxy. */
  meanMs: number;
}

export interface CountingProxy {
  port: number;
  reset(): void;
  roundTrips(): number;
  /** Statements sent (pipelined ones included). */
  statementsSent(): number;
  statements(): StatementCount[];
  close(): Promise<void>;
}

/** A short, stable label for a statement: what it writes (a CTE statement may write many tables) or reads. */
export function statementLabel(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const writes = [...t.matchAll(/\b(insert into|(?<!for )update|delete from) "?([\w.]+)"?/gi)].map(
    (m) => `${m[1]!.toLowerCase().replace(' into', '').replace(' from', '')} ${m[2]}`,
  );
  // Tables read, other than CTE names and tables written.
  const ctes = new Set([...t.matchAll(/\b(\w+) as \(/gi)].map((m) => m[1]!.toLowerCase()));
  const written = new Set(writes.map((w) => w.split(' ')[1]!.toLowerCase()));
  const reads = [...new Set([...t.matchAll(/\b(?:from|join) "?([\w.]+)"?/gi)].map((m) => m[1]!))].filter(
    (x) => !ctes.has(x.toLowerCase()) && !written.has(x.toLowerCase()) && !['select', '(values', 'lateral'].includes(x.toLowerCase()),
  );
  const lock = /for update/i.test(t) ? ' for update' : '';
  if (writes.length > 0) {
    const parts = [...writes, ...(reads.length ? [`select ${reads.join(' ⋈ ')}${lock}`] : [])];
    return parts.length > 1 ? `one statement: ${parts.join(' + ')}` : parts[0]!;
  }
  if (/^(with .*\))? ?select /i.test(t)) return `select ${reads.join(' ∪ ') || '(no table)'}${lock}`;
  return t.slice(0, 50).toLowerCase();
}

export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  let trips = 0;
  let sentStatements = 0;
  const counts = new Map<string, { n: number; ms: number }>();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let buf: Buffer = Buffer.alloc(0);
    let back: Buffer = Buffer.alloc(0);
    let startup = true;
    let pending: string | null = null;
    const named = new Map<string, string>();
    // Round trips sent and not yet answered (ReadyForQuery), oldest first.
    const inFlight: { label: string; t: bigint }[] = [];
    const sent = (label: string) => {
      if (inFlight.length === 0) trips++;
      sentStatements++;
      inFlight.push({ label, t: process.hrtime.bigint() });
    };
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        if (startup) {
          if (buf.length < 8) break;
          const len = buf.readInt32BE(0);
          if (buf.length < len) break;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          // SSLRequest / GSSENCRequest come before the real startup message.
          if (code !== 80877103 && code !== 80877104) startup = false;
          continue;
        }
        if (buf.length < 5) break;
        const type = String.fromCharCode(buf[0]!);
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) break;
        const body = buf.subarray(5, 1 + len);
        buf = buf.subarray(1 + len);
        if (type === 'Q') {
          sent(statementLabel(body.toString('utf8', 0, Math.max(0, body.length - 1))));
        } else if (type === 'P') {
          // Parse: statement name, query text. A named (prepared) statement is parsed once per
          // connection; later executions only Bind it by name.
          const nameEnd = body.indexOf(0);
          const queryEnd = body.indexOf(0, nameEnd + 1);
          pending = statementLabel(body.toString('utf8', nameEnd + 1, queryEnd));
          const name = body.toString('utf8', 0, nameEnd);
          if (name) named.set(name, pending);
        } else if (type === 'B') {
          // Bind: portal name, statement name.
          const portalEnd = body.indexOf(0);
          const name = body.toString('utf8', portalEnd + 1, body.indexOf(0, portalEnd + 1));
          if (name) pending = named.get(name) ?? `(prepared statement ${name})`;
        } else if (type === 'S') {
          sent(pending ?? '(sync without a statement)');
          pending = null;
        }
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      back = back.length === 0 ? chunk : Buffer.concat([back, chunk]);
      // Server messages are all typed (no SSL negotiation here): find each ReadyForQuery.
      while (back.length >= 5) {
        const len = back.readInt32BE(1);
        if (back.length < 1 + len) break;
        const type = String.fromCharCode(back[0]!);
        back = back.subarray(1 + len);
        if (type === 'Z') {
          const done = inFlight.shift();
          if (!done) continue; // the one after start-up
          const ms = Number(process.hrtime.bigint() - done.t) / 1e6;
          const c = counts.get(done.label) ?? { n: 0, ms: 0 };
          c.n++;
          c.ms += ms;
          counts.set(done.label, c);
        }
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    reset() {
      trips = 0;
      sentStatements = 0;
      counts.clear();
    },
    roundTrips: () => trips,
    statementsSent: () => sentStatements,
    statements: () => [...counts.entries()].map(([statement, c]) => ({ statement, count: c.n, meanMs: c.ms / (c.n || 1) })).sort((a, b) => b.count - a.count),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
