// Staff bearer tokens sealed for the trip through Temporal (issue 15): the gateway seals the token
// under TOKEN_SEAL_KEYS, the worker opens it right before an activity runs. The payload codec (and so
// /codec and the Temporal UI) never holds these keys: a decoded history shows only the sealed form.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PayloadKey } from '../config/config.js';

const PREFIX = 'sealed:v1:';
// binds a sealed value to its purpose: it cannot be swapped for another kind of sealed data
const AAD = Buffer.from('roller-iq/staff-token');

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

export class TokenSeal {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(keys: PayloadKey[]) {
    if (keys.length === 0) throw new Error('TokenSeal needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.current = keys[keys.length - 1]!;
  }

  seal(token: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.current.id}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The token inside a sealed value. A value that is not sealed (sessions started before sealing) is returned as is. */
  open(value: string): string {
    if (!isSealed(value)) return value;
    const rest = value.slice(PREFIX.length);
    const i = rest.indexOf(':');
    const key = this.byId.get(rest.slice(0, i));
    if (i <= 0 || !key) throw new Error(`Sealed token under unknown key id "${rest.slice(0, Math.max(0, i))}"; add it to TOKEN_SEAL_KEYS`);
    const buf = Buffer.from(rest.slice(i + 1), 'base64url');
    if (buf.length < 29) throw new Error('Sealed token is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
    decipher.setAAD(AAD);
    decipher.setAuthTag(buf.subarray(buf.length - 16));
    return Buffer.concat([decipher.update(buf.subarray(12, buf.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Opens the `token` of each activity argument (a sealed string, or an object with a sealed `token`). */
  openArgs(args: unknown[]): unknown[] {
    return args.map((a) => {
      if (isSealed(a)) return this.open(a);
      if (a && typeof a === 'object' && !Array.isArray(a) && isSealed((a as { token?: unknown }).token)) return { ...a, token: this.open((a as { token: string }).token) };
      return a;
    });
  }
}
