import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../logger.js";

/** One message to one address; plain text only. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** What the mail is, for the log (never its address or text). */
  kind: "ACCOUNT_INVITATION" | "PASSWORD_RESET";
  /** The link the mail carries, logged outside production so a developer can follow it. */
  link?: string;
}

/** How mail leaves the server. A real transport is configuration; development writes an outbox folder. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Writes each mail as an RFC 5322-style text file (mode 0600) into `dir`, and logs that it did:
 * the kind and the file name, plus the link outside production. The log never carries the
 * address or the text: the file is where they are.
 */
export function createFileMailer(dir: string, logger: Logger, production: boolean): Mailer {
  return {
    async send(mail) {
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      const file = `${new Date().toISOString().replace(/[:.]/g, "-")}-${mail.kind.toLowerCase()}-${crypto.randomUUID()}.eml`;
      const message = [`To: ${mail.to}`, `Subject: ${mail.subject}`, "Content-Type: text/plain; charset=utf-8", "", mail.text, ""].join("\r\n");
      await fs.promises.writeFile(path.join(dir, file), message, { mode: 0o600 });
      logger.info({ mail: { kind: mail.kind, file, ...(production ? {} : { link: mail.link }) } }, "mail written to the outbox");
    },
  };
}
