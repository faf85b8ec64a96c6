// AES-256-GCM payload codec (docs/design.md §8): every Temporal payload is encrypted; the key id travels in
// the payload metadata so keys can rotate (newest encrypts, all listed keys decrypt).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const { temporal } = proto;
import type { PayloadKey } from '../config/config.js';

const ENCODING = 'binary/encrypted';
const enc = new TextEncoder();
const dec = new TextDecoder();

export class AesGcmCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(keys: PayloadKey[]) {
    if (keys.length === 0) throw new Error('AesGcmCodec needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.current = keys[keys.length - 1]!;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => ({
      metadata: {
        encoding: enc.encode(ENCODING),
        'encryption-key-id': enc.encode(this.current.id),
      },
      data: this.encrypt(temporal.api.common.v1.Payload.encode(p).finish()),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (!p.metadata || dec.decode(p.metadata.encoding) !== ENCODING) return p;
      const keyIdBytes = p.metadata['encryption-key-id'];
      const keyId = keyIdBytes ? dec.decode(keyIdBytes) : '';
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`Payload encrypted with unknown key id "${keyId}"; add it to PAYLOAD_KEYS`);
      if (!p.data) throw new Error('Encrypted payload has no data');
      const decoded = temporal.api.common.v1.Payload.decode(this.decrypt(p.data, key));
      return decoded as Payload;
    });
  }

  private encrypt(plain: Uint8Array): Uint8Array {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  private decrypt(data: Uint8Array, key: Buffer): Uint8Array {
    const buf = Buffer.from(data);
    const iv = buf.subarray(0, 12);
    const tag = buf.subarray(buf.length - 16);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(buf.subarray(12, buf.length - 16)), decipher.final()]);
  }
}
