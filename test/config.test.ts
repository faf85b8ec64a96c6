// Configuration: defaults, Temporal's standard variables and profiles, and a clear error per bad value.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/config.js';

describe('configuration', () => {
  it('has working defaults for a local run', () => {
    const c = loadConfig({});
    expect(c.temporal).toMatchObject({ address: 'localhost:7233', namespace: 'default', taskQueue: 'booking-updates' });
    expect(c.planner.provider).toBe('offline');
    expect(c.gateway.port).toBe(8080);
    expect(c.payloadKeys).toBeUndefined();
    // execution bounds (issue 14): Retry-After capped at 60 s, writes bounded, undo retried for 6 h
    expect(c.roller.retryAfterMaxMs).toBe(60_000);
    expect(c.session.execution).toEqual({ stepTimeoutMs: 120_000, compensationWindowMs: 21_600_000, compensationMaxBackoffMs: 300_000 });
  });

  it('joins the booking-updates Worker Deployment; a new build makes itself current only outside production', () => {
    expect(loadConfig({}).temporal.deployment).toEqual({ name: 'booking-updates', buildId: undefined, makeCurrent: true });
    const key = (b: number) => `k${b}:${Buffer.alloc(32, b).toString('base64')}`;
    const production = loadConfig({ NODE_ENV: 'production', PAYLOAD_KEYS: key(1), TOKEN_SEAL_KEYS: key(2), TEMPORAL_WORKER_BUILD_ID: 'v2.1.0' });
    expect(production.temporal.deployment).toEqual({ name: 'booking-updates', buildId: 'v2.1.0', makeCurrent: false });
    expect(loadConfig({ TEMPORAL_WORKER_DEPLOYMENT: 'iq-bookings', TEMPORAL_WORKER_MAKE_CURRENT: 'false' }).temporal.deployment).toMatchObject({ name: 'iq-bookings', makeCurrent: false });
  });

  it('takes the write scope from ROLLER_WRITE_SCOPE (default bookings:write) and refuses one that is not a single OAuth scope', () => {
    expect(loadConfig({}).roller.writeScope).toBe('bookings:write');
    expect(loadConfig({ ROLLER_WRITE_SCOPE: 'bookings.edit' }).roller.writeScope).toBe('bookings.edit');
    expect(() => loadConfig({ ROLLER_WRITE_SCOPE: 'bookings:write admin' })).toThrow(ConfigError);
    expect(() => loadConfig({ ROLLER_WRITE_SCOPE: 'say "hi"' })).toThrow(/ROLLER_WRITE_SCOPE/);
  });

  it('defaults to the google provider when a key is set', () => {
    expect(loadConfig({ GOOGLE_API_KEY: 'k' }).planner.provider).toBe('google');
  });

  it('follows Temporal profiles (TEMPORAL_CONFIG_FILE + TEMPORAL_PROFILE), with env variables on top', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcfg-'));
    const file = join(dir, 'temporal.toml');
    writeFileSync(file, '[profile.cloud]\naddress = "my-ns.a1b2c.tmprl.cloud:7233"\nnamespace = "my-ns.a1b2c"\napi_key = "secret-key"\n');
    const c = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
    expect(c.temporal.address).toBe('my-ns.a1b2c.tmprl.cloud:7233');
    expect(c.temporal.namespace).toBe('my-ns.a1b2c');
    expect(c.temporal.connection.apiKey).toBe('secret-key');
    expect(c.temporal.connection.tls).toBeTruthy();
    expect(loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud', TEMPORAL_NAMESPACE: 'other' }).temporal.namespace).toBe('other');
  });

  it.each([
    [{ GATEWAY_PORT: '80a' }, 'GATEWAY_PORT must be a whole number, got "80a"'],
    [{ SANDBOX_PORT: '70000' }, 'SANDBOX_PORT must be between 0 and 65535, got 70000'],
    [{ TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS must be true or false, got "maybe"'],
    [{ ROLLER_API_BASE_URL: 'ftp://x' }, 'ROLLER_API_BASE_URL must be an http(s) URL, got "ftp://x"'],
    [{ LLM_PROVIDER: 'scripted' }, 'LLM_SCRIPT is required when LLM_PROVIDER=scripted'],
    [{ LLM_PROVIDER: 'google' }, 'GOOGLE_API_KEY is required when LLM_PROVIDER=google'],
    [{ PAYLOAD_KEYS: 'k1:c2hvcnQ=' }, 'PAYLOAD_KEYS key "k1" must decode to 32 bytes (AES-256), got 5'],
    [{ PAYLOAD_KEYS: 'nokeyid' }, 'PAYLOAD_KEYS entries must look like "<keyId>:<base64 32-byte key>"'],
    [{ PLANNER_NOW: 'tomorrow' }, 'PLANNER_NOW must be an ISO-8601 instant, got "tomorrow"'],
    [{ COMPENSATION_RETRY_WINDOW_SECONDS: '0' }, 'COMPENSATION_RETRY_WINDOW_SECONDS must be between 1 and 604800, got 0'],
    [{ ROLLER_RETRY_AFTER_MAX_SECONDS: '1h' }, 'ROLLER_RETRY_AFTER_MAX_SECONDS must be a whole number, got "1h"'],
    [{ TEMPORAL_WORKER_DEPLOYMENT: 'booking.updates' }, 'TEMPORAL_WORKER_DEPLOYMENT must be 1-63 letters, digits, _ or - (no dots), got "booking.updates"'],
    [{ TEMPORAL_WORKER_BUILD_ID: '__unversioned__' }, 'TEMPORAL_WORKER_BUILD_ID must be 1-63 letters, digits, . _ or - and not start with "__", got "__unversioned__"'],
    [{ TEMPORAL_WORKER_BUILD_ID: 'build 7' }, 'TEMPORAL_WORKER_BUILD_ID must be 1-63 letters, digits, . _ or - and not start with "__", got "build 7"'],
    [{ TEMPORAL_WORKER_MAKE_CURRENT: 'sometimes' }, 'TEMPORAL_WORKER_MAKE_CURRENT must be true or false, got "sometimes"'],
    [{ TEMPORAL_PROFILE: 'missing', TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' }, /^TEMPORAL_PROFILE could not be loaded/],
  ])('%j → one clear message', (env, message) => {
    let err: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as Error).message.replace(/^Invalid configuration: /, '');
    if (typeof message === 'string') expect(text).toBe(message);
    else expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});
