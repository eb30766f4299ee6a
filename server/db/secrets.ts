import crypto from "node:crypto";
import type { DataSource } from "typeorm";
import type { Config } from "../config.js";
import { AppSecretEntity } from "./app-secret.entity.js";

export interface Secrets {
  jwtSecret: Uint8Array;
  encryptionKey: string;
  previousEncryptionKeys: string | undefined;
}

/**
 * Production takes its secrets from the environment only (loadConfig refuses to go
 * on without them). Elsewhere they are generated once and kept in the database, so
 * every process on one database shares them.
 */
export async function loadSecrets(dataSource: DataSource, config: Config): Promise<Secrets> {
  const jwtSecret = config.jwtSecret ?? (await storedSecret(dataSource, "jwt_secret"));
  const encryptionKey = config.encryptionKey ?? (await storedSecret(dataSource, "encryption_key"));
  return {
    jwtSecret: new TextEncoder().encode(jwtSecret),
    encryptionKey,
    previousEncryptionKeys: config.previousEncryptionKeys,
  };
}

async function storedSecret(dataSource: DataSource, name: string): Promise<string> {
  const generated = crypto.randomBytes(32).toString("base64");
  // Several processes may start at once: the first insert wins and everyone reads it back.
  await dataSource.createQueryBuilder().insert().into(AppSecretEntity).values({ name, value: generated }).orIgnore().execute();
  const row = await dataSource.getRepository(AppSecretEntity).findOneByOrFail({ name });
  return row.value;
}
