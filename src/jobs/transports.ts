import nodemailer from 'nodemailer';
import type { Transport, Transports, OutboxMessage } from '../app/outbox.js';
import type { Config } from '../config.js';
import { maskIdentifier } from '../domain/identifiers.js';
import { standardWebhookSignature } from '../domain/outbox.js';

interface Log {
  warn(obj: object, msg: string): void;
}

/** E-mail through an SMTP server (nodemailer); a message is sent when the server accepts it. */
export function smtpTransport(smtp: NonNullable<Config['smtp']>): Transport & { close(): void } {
  const mailer = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    description: `e-mail by SMTP ${smtp.host}:${smtp.port}${smtp.secure ? ' (TLS)' : ''}`,
    async send(m: OutboxMessage) {
      await mailer.sendMail({ from: smtp.from, to: m.recipient, subject: m.subject ?? '', text: m.body ?? '', messageId: `<${m.messageId}@kopilka>` });
    },
    close: () => mailer.close(),
  };
}

/**
 * SMS through an HTTP webhook: a JSON POST signed per Standard Webhooks (webhook-id stays the
 * message id across retries; each attempt has a fresh webhook-timestamp and signature). Any 2xx
 * answer means sent.
 */
export function smsWebhookTransport(hook: NonNullable<Config['smsWebhook']>): Transport {
  return {
    description: `SMS by webhook ${new URL(hook.url).origin}`,
    async send(m: OutboxMessage, now: Date) {
      const timestamp = Math.floor(now.getTime() / 1000);
      const body = JSON.stringify({ type: 'sms.send', timestamp: now.toISOString(), data: { messageId: m.messageId, programId: m.programId, to: m.recipient, text: m.body ?? '' } });
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': m.messageId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': standardWebhookSignature(hook.secret, m.messageId, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`the SMS webhook answered HTTP ${res.status}`);
    },
  };
}

/** Development mode: the message goes to the log instead (codes included), never in production. */
export function logTransport(channel: 'email' | 'sms', log: Log): Transport {
  return {
    description: `${channel === 'sms' ? 'SMS' : 'e-mail'} written to the log (development mode)`,
    async send(m: OutboxMessage) {
      const to = maskIdentifier(channel === 'sms' ? 'phone' : 'email', m.recipient);
      log.warn({ channel, to, subject: m.subject, text: m.body }, `development mode: this ${channel === 'sms' ? 'SMS' : 'e-mail'} was not sent, only logged`);
    },
  };
}

/**
 * The transports the configuration gives: SMTP and the SMS webhook when configured; otherwise,
 * outside production, the log; in production nothing (codes for that channel are refused).
 */
export function transportsFromConfig(config: Config, log: Log): Transports {
  const dev = !config.production;
  const email = config.smtp ? smtpTransport(config.smtp) : dev ? logTransport('email', log) : undefined;
  const sms = config.smsWebhook ? smsWebhookTransport(config.smsWebhook) : dev ? logTransport('sms', log) : undefined;
  return { ...(email ? { email } : {}), ...(sms ? { sms } : {}) };
}
