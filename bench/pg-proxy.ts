/**
 * A counting TCP proxy in front of PostgreSQL: it reads the frontend (client → server) side of
 * the wire protocol and counts round trips — each simple Query ('Q') and each Sync ('S') that
 * ends an extended-protocol exchange is one — and which statements they carry. The server is
 * pointed at it for a short run to answer "how many round trips does one purchase make".
 */
import net from 'node:net';

export interface StatementCount {
  statement: string;
  count: number;
}

export interface CountingProxy {
  port: number;
  reset(): void;
  roundTrips(): number;
  statements(): StatementCount[];
  close(): Promise<void>;
}

/** A short, stable label for a statement: verb and table. */
export function statementLabel(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  let m = /^(insert into|update|delete from) "?([\w.]+)"?/i.exec(t);
  if (m) return `${m[1]!.toLowerCase()} ${m[2]}${/on conflict/i.test(t) ? ' … on conflict' : ''}${/returning/i.test(t) ? ' returning' : ''}`;
  m = /^select .*? from "?([\w.]+)"?/i.exec(t);
  if (m) return `select from ${m[1]}${/for update/i.test(t) ? ' for update' : ''}`;
  return t.slice(0, 50).toLowerCase();
}

export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  let trips = 0;
  const counts = new Map<string, number>();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let buf: Buffer = Buffer.alloc(0);
    let startup = true;
    let pendingParse: string | null = null;
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
          trips++;
          const label = statementLabel(body.toString('utf8', 0, Math.max(0, body.length - 1)));
          counts.set(label, (counts.get(label) ?? 0) + 1);
        } else if (type === 'P') {
          const nameEnd = body.indexOf(0);
          const queryEnd = body.indexOf(0, nameEnd + 1);
          pendingParse = body.toString('utf8', nameEnd + 1, queryEnd);
        } else if (type === 'S') {
          trips++;
          const label = pendingParse === null ? '(sync without parse)' : statementLabel(pendingParse);
          counts.set(label, (counts.get(label) ?? 0) + 1);
          pendingParse = null;
        }
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
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
      counts.clear();
    },
    roundTrips: () => trips,
    statements: () => [...counts.entries()].map(([statement, count]) => ({ statement, count })).sort((a, b) => b.count - a.count),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
