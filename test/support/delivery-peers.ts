import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SinkMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface SmtpSink {
  port: number;
  messages: SinkMessage[];
  /** Waits (up to 5 s) for the next message to `to` not taken yet, and takes it. */
  take(to: string): Promise<SinkMessage>;
  stop(): Promise<void>;
}

/** Starts test/support/smtp-sink.ts as a separate process: a real SMTP server on loopback. */
export async function startSmtpSink(env: Record<string, string> = {}): Promise<SmtpSink> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/support/smtp-sink.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: SinkMessage[] = [];
  const taken = new Set<SinkMessage>();
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (typeof line.port === 'number') resolve(line.port);
        else messages.push(line as SinkMessage);
      }
    });
  });
  return {
    port,
    messages,
    async take(to) {
      for (let i = 0; i < 250; i++) {
        const m = messages.find((x) => !taken.has(x) && x.to.includes(to));
        if (m) {
          taken.add(m);
          return m;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.fail(`no e-mail to ${to} arrived at the SMTP sink`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface HookRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WebhookPeer {
  url: string;
  requests: HookRequest[];
  /** Status codes to answer with, in order; 204 once they run out. */
  answers: number[];
  stop(): Promise<void>;
}

/** A real HTTP server on loopback that records what it receives (the SMS gateway's side). */
export async function startWebhookPeer(): Promise<WebhookPeer> {
  const requests: HookRequest[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    requests,
    answers,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
