// Connection settings shared by the gateway (client) and the worker, following Temporal's standard
// variables so the same build runs against the dev server, a self-hosted cluster or Temporal Cloud.
import { readFileSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { Config, PayloadKey } from '../config/config.js';
import { parsePayloadKeys } from '../config/config.js';
import { AesGcmCodec } from '../codec/aes-gcm-codec.js';

export function connectionOptions(cfg: Config['temporal']) {
  return { ...cfg.connection, address: cfg.address };
}

export const FAILURE_CONVERTER_PATH = new URL('./failure-converter.ts', import.meta.url).pathname;

export const DEV_KEY_FILE = join(dirname(new URL(import.meta.url).pathname), '..', '.local', 'payload-dev.key');

/**
 * The payload keys in force: configured ones, else (outside production) a development key made on
 * first run and kept in a git-ignored file, so local payloads are encrypted too.
 */
export function resolvePayloadKeys(config: Config, log: (msg: string) => void = () => {}): PayloadKey[] {
  if (config.payloadKeys) return config.payloadKeys;
  if (config.production) throw new Error('PAYLOAD_KEYS is required in production');
  if (!existsSync(DEV_KEY_FILE)) {
    mkdirSync(dirname(DEV_KEY_FILE), { recursive: true });
    writeFileSync(DEV_KEY_FILE, `dev-1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    log(`Created a development payload key in ${DEV_KEY_FILE} (set PAYLOAD_KEYS in production)`);
  }
  return parsePayloadKeys(readFileSync(DEV_KEY_FILE, 'utf8'), 'development key file');
}

export const DEV_SEAL_KEY_FILE = join(dirname(new URL(import.meta.url).pathname), '..', '.local', 'token-seal-dev.key');

/** The keys staff tokens are sealed under: TOKEN_SEAL_KEYS, else (outside production) a git-ignored development key. */
export function resolveTokenSealKeys(config: Config, log: (msg: string) => void = () => {}): PayloadKey[] {
  if (config.tokenSealKeys) return config.tokenSealKeys;
  if (config.production) throw new Error('TOKEN_SEAL_KEYS is required in production');
  if (!existsSync(DEV_SEAL_KEY_FILE)) {
    mkdirSync(dirname(DEV_SEAL_KEY_FILE), { recursive: true });
    try {
      // 'wx': the gateway and the worker may start together; the first one writes, both read the same key
      writeFileSync(DEV_SEAL_KEY_FILE, `dev-seal-1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      log(`Created a development token-seal key in ${DEV_SEAL_KEY_FILE} (set TOKEN_SEAL_KEYS in production)`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return parsePayloadKeys(readFileSync(DEV_SEAL_KEY_FILE, 'utf8'), 'development token-seal key file');
}

/** Every payload encrypted; failure messages and stack traces too (they are not payloads by default). */
export function dataConverter(keys: PayloadKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
