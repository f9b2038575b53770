/*
 * A real SMTP server process for tests: `node --import tsx test/support/smtp-sink.ts` listens on
 * a free loopback port, prints `{"port": N}`, then one JSON line per message it accepts:
 * envelope sender and recipients, the decoded Subject and the decoded text body. With
 * SMTP_SINK_REJECT=N it answers the first N messages with a temporary failure (451).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let toReject = Number(process.env.SMTP_SINK_REJECT ?? 0);

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=) in a header. */
function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_m, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A single-part text message: its headers and its body, decoded by Content-Transfer-Encoding. */
function parse(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body;
  return { subject: decodeWords(header('Subject')), text };
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (toReject > 0) {
        toReject--;
        const err = Object.assign(new Error('try again later'), { responseCode: 451 });
        callback(err);
        return;
      }
      const { subject, text } = parse(Buffer.concat(chunks).toString('utf8'));
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      process.stdout.write(`${JSON.stringify({ from, to: session.envelope.rcptTo.map((r) => r.address), subject, text })}\n`);
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.server.address() as AddressInfo).port })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
