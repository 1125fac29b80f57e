/**
 * The real mail transport on Bun: nodemailer over SMTP_URL (smtp:// with STARTTLS when the server offers
 * it, smtps:// for TLS from the start), pooled so a digest run reuses one connection. Runtime code: only
 * the Bun entry imports it, so the Worker bundle never pulls nodemailer (a Worker has no TCP sockets to
 * a mail server without nodejs_compat; it keeps the log mailer).
 */
import nodemailer from "nodemailer";
import type { Mailer } from "../deps.ts";

export type SmtpMailer = Mailer & { close(): void };

export function smtpMailer(options: { url: string; from: string }): SmtpMailer {
  const url = new URL(options.url);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
    secure: url.protocol === "smtps:",
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    pool: true,
    maxConnections: 2,
    // Fail an attempt rather than hang the sender (it retries on its own schedule).
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(message) {
      const { "Message-ID": messageId, ...rest } = message.headers ?? {};
      // Sent as given: nodemailer would otherwise fold a long List-Unsubscribe URL inside its <...>.
      const headers = Object.fromEntries(
        Object.entries(rest).map(([k, value]) => [k, { prepared: true, value }]),
      );
      await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        headers,
        ...(messageId ? { messageId } : {}),
      });
    },
    close: () => transport.close(),
  };
}
