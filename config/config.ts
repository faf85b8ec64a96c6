// Configuration from the environment, validated once at start-up. Every problem names the variable.
import { readFileSync } from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export class ConfigError extends Error {
  constructor(public readonly variable: string, detail: string) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, def: string): string {
  const v = env[name];
  return v === undefined || v === '' ? def : v;
}

function optional(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function int(env: Env, name: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function port(env: Env, name: string, def: number): number {
  return int(env, name, def, 0, 65535);
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, def: string): string {
  const v = str(env, name, def);
  try {
    const u = new URL(v);
    if (!/^https?:$/.test(u.protocol)) throw new Error();
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${v}"`);
  }
  return v.replace(/\/+$/, '');
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], def: T): T {
  const v = str(env, name, def);
  if (!allowed.includes(v as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** An OAuth scope token (RFC 6749 §3.3: printable ASCII, no space, quote or backslash). */
function scope(env: Env, name: string, def: string): string {
  const v = str(env, name, def).trim();
  if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(v)) throw new ConfigError(name, `must be one OAuth scope (no spaces or quotes), got "${v}"`);
  return v;
}

function isoInstant(env: Env, name: string): string | undefined {
  const v = optional(env, name);
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) throw new ConfigError(name, `must be an ISO-8601 instant, got "${v}"`);
  return v;
}

export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** PAYLOAD_KEYS="id1:base64key,id2:base64key" — the last one encrypts, all decrypt. */
export function parsePayloadKeys(raw: string, variable = 'PAYLOAD_KEYS'): PayloadKey[] {
  const keys = raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0) throw new ConfigError(variable, 'entries must look like "<keyId>:<base64 32-byte key>"');
      const id = entry.slice(0, i);
      const key = Buffer.from(entry.slice(i + 1), 'base64');
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new ConfigError(variable, `key id "${id}" must be 1-64 letters, digits, . _ -`);
      if (key.length !== 32) throw new ConfigError(variable, `key "${id}" must decode to 32 bytes (AES-256), got ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new ConfigError(variable, 'holds no key');
  return keys;
}

/** `<NAME>` or the file named by `<NAME>_FILE`, parsed as keys; undefined when neither is set. */
function keysFrom(env: Env, name: string): PayloadKey[] | undefined {
  const file = optional(env, `${name}_FILE`);
  let raw = optional(env, name);
  if (raw) return parsePayloadKeys(raw, name);
  if (!file) return undefined;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${name}_FILE`, `cannot be read: ${(e as Error).message}`);
  }
  return parsePayloadKeys(raw, `${name}_FILE`);
}

function list(env: Env, name: string): string[] {
  return (optional(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Who may use /codec: the static operator token (CLI), the Temporal UI user's OIDC access token
 * (production), or, in development only, a secret path segment that `npm run dev` hands the UI.
 */
function codecConfig(env: Env, production: boolean) {
  const uiPort = port(env, 'TEMPORAL_UI_PORT', 8233);
  const legacyOrigin = optional(env, 'CODEC_CORS_ORIGIN');
  const origins = list(env, 'CODEC_CORS_ORIGINS');
  const corsOrigins = origins.length ? origins : legacyOrigin ? [legacyOrigin] : [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`];
  for (const o of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new ConfigError(origins.length ? 'CODEC_CORS_ORIGINS' : 'CODEC_CORS_ORIGIN', `entries must be origins like http://localhost:8233, got "${o}"`);
  }
  const devPathSecret = optional(env, 'CODEC_DEV_PATH_SECRET');
  if (devPathSecret && production) throw new ConfigError('CODEC_DEV_PATH_SECRET', 'is a development convenience and is refused when NODE_ENV=production (use CODEC_OIDC_ISSUER)');
  if (devPathSecret && !/^[A-Za-z0-9_-]{24,128}$/.test(devPathSecret)) throw new ConfigError('CODEC_DEV_PATH_SECRET', 'must be 24-128 letters, digits, _ or -');
  const issuer = optional(env, 'CODEC_OIDC_ISSUER');
  const audience = optional(env, 'CODEC_OIDC_AUDIENCE');
  if (issuer && !audience) throw new ConfigError('CODEC_OIDC_AUDIENCE', 'is required when CODEC_OIDC_ISSUER is set');
  const claims = list(env, 'CODEC_OIDC_REQUIRED_CLAIMS').map((entry) => {
    const i = entry.indexOf('=');
    if (i <= 0 || i === entry.length - 1) throw new ConfigError('CODEC_OIDC_REQUIRED_CLAIMS', `entries must look like claim=value, got "${entry}"`);
    return { claim: entry.slice(0, i), value: entry.slice(i + 1) };
  });
  return {
    operatorToken: optional(env, 'CODEC_OPERATOR_TOKEN'),
    corsOrigins,
    devPathSecret,
    oidc: issuer
      ? { issuer, audience: audience!, jwksUrl: optional(env, 'CODEC_OIDC_JWKS_URL') ? url(env, 'CODEC_OIDC_JWKS_URL', '') : undefined, requiredClaims: claims }
      : undefined,
    rateLimitPerMinute: int(env, 'CODEC_RATE_LIMIT_PER_MINUTE', 600, 1),
  };
}

/**
 * The Worker Deployment this worker joins (Temporal Worker Versioning). A session is pinned to the
 * build that started it, so the build id must change whenever the workflow code does: by default it
 * is a hash of the workflow bundle, computed by the worker. A new build becomes the deployment's
 * current version by itself only when `TEMPORAL_WORKER_MAKE_CURRENT` says so (default: outside
 * production); in production operators switch with `temporal worker deployment set-current-version`.
 */
function workerDeployment(env: Env, production: boolean) {
  const name = str(env, 'TEMPORAL_WORKER_DEPLOYMENT', 'booking-updates');
  // Temporal joins name and build id with "." in its older API, so a name holds none
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new ConfigError('TEMPORAL_WORKER_DEPLOYMENT', `must be 1-63 letters, digits, _ or - (no dots), got "${name}"`);
  const buildId = optional(env, 'TEMPORAL_WORKER_BUILD_ID');
  if (buildId !== undefined && (!/^[A-Za-z0-9._-]{1,63}$/.test(buildId) || buildId.startsWith('__'))) {
    throw new ConfigError('TEMPORAL_WORKER_BUILD_ID', `must be 1-63 letters, digits, . _ or - and not start with "__", got "${buildId}"`);
  }
  return { name, buildId, makeCurrent: bool(env, 'TEMPORAL_WORKER_MAKE_CURRENT', !production) };
}

export const PROVIDERS = ['google', 'ollama', 'scripted', 'offline'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function loadConfig(env: Env = process.env) {
  const production = str(env, 'NODE_ENV', 'development') === 'production';
  const payloadKeys = keysFrom(env, 'PAYLOAD_KEYS');
  if (production && !payloadKeys) {
    throw new ConfigError('PAYLOAD_KEYS', 'is required when NODE_ENV=production (payloads must be encrypted with a managed key)');
  }
  // Staff tokens are sealed under their own keys, which the codec endpoint never holds.
  const tokenSealKeys = keysFrom(env, 'TOKEN_SEAL_KEYS');
  if (production && !tokenSealKeys) throw new ConfigError('TOKEN_SEAL_KEYS', 'is required when NODE_ENV=production (staff tokens are sealed under keys the codec never holds)');
  if (tokenSealKeys && payloadKeys?.some((p) => tokenSealKeys.some((t) => t.key.equals(p.key)))) {
    throw new ConfigError('TOKEN_SEAL_KEYS', 'must not reuse a PAYLOAD_KEYS key (whoever can decode payloads could then open staff tokens)');
  }
  const codec = codecConfig(env, production);
  const googleKey = optional(env, 'GOOGLE_API_KEY');
  const provider = oneOf(env, 'LLM_PROVIDER', PROVIDERS, googleKey ? 'google' : 'offline');
  if (provider === 'google' && !googleKey) throw new ConfigError('GOOGLE_API_KEY', 'is required when LLM_PROVIDER=google');
  if (provider === 'scripted' && !optional(env, 'LLM_SCRIPT')) throw new ConfigError('LLM_SCRIPT', 'is required when LLM_PROVIDER=scripted');

  // Temporal's standard environment configuration: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
  // TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE (TOML profiles), gRPC meta.
  bool(env, 'TEMPORAL_TLS', false); // validated here so a typo is named
  let temporalConnect: { connectionOptions: NativeConnectionOptions; namespace?: string };
  try {
    const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
    temporalConnect = loadClientConnectConfig({ overrideEnvVars: vars });
  } catch (e) {
    throw new ConfigError(env.TEMPORAL_PROFILE ? 'TEMPORAL_PROFILE' : 'TEMPORAL_CONFIG_FILE', `could not be loaded: ${(e as Error).message}`);
  }
  return {
    production,
    /** the environment, for the variables catalog overlays name (API server URLs, credentials); read at call time */
    apiEnv: env,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    temporal: {
      address: temporalConnect.connectionOptions.address ?? 'localhost:7233',
      namespace: temporalConnect.namespace ?? 'default',
      /** full connection options (TLS, API key, gRPC metadata) from Temporal's env/profile config */
      connection: temporalConnect.connectionOptions,
      taskQueue: str(env, 'TEMPORAL_TASK_QUEUE', 'booking-updates'),
      /** Worker Versioning: deployment name, build id (undefined: a hash of the workflow bundle), auto-promotion */
      deployment: workerDeployment(env, production),
    },
    gateway: {
      host: str(env, 'GATEWAY_HOST', '127.0.0.1'),
      port: port(env, 'GATEWAY_PORT', 8080),
      rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 120, 1),
      identityCacheMs: int(env, 'IDENTITY_CACHE_MS', 60_000),
      maxWaitMs: int(env, 'MAX_WAIT_MS', 25_000, 0, 60_000),
      /** requests per minute per client address, counted before authentication */
      clientRateLimitPerMinute: int(env, 'CLIENT_RATE_LIMIT_PER_MINUTE', 600, 1),
      /** failed sign-ins per minute per client address before that address is refused for a while */
      authFailuresPerMinute: int(env, 'AUTH_FAILURES_PER_MINUTE', 20, 1),
      /** how long a refused token is remembered (no upstream call for it meanwhile) */
      identityNegativeCacheMs: int(env, 'IDENTITY_NEGATIVE_CACHE_MS', 30_000),
      /** how long past expiry a cached identity may be served while ROLLER's identity endpoint is down */
      identityStaleMs: int(env, 'IDENTITY_STALE_MS', 300_000),
      /** Express "trust proxy": set when the gateway sits behind a proxy that sets X-Forwarded-For */
      trustProxy: optional(env, 'GATEWAY_TRUST_PROXY'),
      headersTimeoutMs: int(env, 'GATEWAY_HEADERS_TIMEOUT_MS', 10_000, 1000),
      requestTimeoutMs: int(env, 'GATEWAY_REQUEST_TIMEOUT_MS', 90_000, 1000),
      keepAliveTimeoutMs: int(env, 'GATEWAY_KEEP_ALIVE_TIMEOUT_MS', 5_000, 1000),
      maxConnections: int(env, 'GATEWAY_MAX_CONNECTIONS', 1000, 1),
      metricsCacheMs: int(env, 'METRICS_CACHE_MS', 15_000),
    },
    codec,
    sandbox: {
      host: str(env, 'SANDBOX_HOST', '127.0.0.1'),
      port: port(env, 'SANDBOX_PORT', 4010),
      seed: optional(env, 'SANDBOX_SEED'),
    },
    roller: {
      baseUrl: url(env, 'ROLLER_API_BASE_URL', 'http://127.0.0.1:4010'),
      timeoutMs: int(env, 'ROLLER_API_TIMEOUT_MS', 10_000, 1),
      /** an upstream Retry-After is honoured up to this; a longer one is shortened to it */
      retryAfterMaxMs: int(env, 'ROLLER_RETRY_AFTER_MAX_SECONDS', 60, 0, 3600) * 1000,
      /** the scope a token needs to start or confirm a change (a read-only token may only read) */
      writeScope: scope(env, 'ROLLER_WRITE_SCOPE', 'bookings:write'),
    },
    catalogDir: str(env, 'CATALOG_DIR', new URL('../catalog', import.meta.url).pathname),
    session: {
      idleTimeoutMs: int(env, 'SESSION_IDLE_TIMEOUT_SECONDS', 900, 1) * 1000,
      /** execution bounds, recorded in each session when it starts */
      execution: {
        stepTimeoutMs: int(env, 'STEP_TIMEOUT_SECONDS', 120, 1, 3600) * 1000,
        compensationWindowMs: int(env, 'COMPENSATION_RETRY_WINDOW_SECONDS', 21_600, 1, 7 * 24 * 3600) * 1000,
        compensationMaxBackoffMs: int(env, 'COMPENSATION_MAX_BACKOFF_SECONDS', 300, 1, 3600) * 1000,
      },
    },
    planner: {
      provider,
      googleApiKey: googleKey,
      googleBaseUrl: optional(env, 'GOOGLE_API_BASE_URL'),
      model: str(env, 'GEMINI_MODEL', 'gemini-2.5-flash'),
      ollamaBaseUrl: url(env, 'OLLAMA_BASE_URL', 'http://127.0.0.1:11434'),
      ollamaModel: str(env, 'OLLAMA_MODEL', 'llama3.1'),
      script: optional(env, 'LLM_SCRIPT'),
      maxModelCalls: int(env, 'PLANNER_MAX_MODEL_CALLS', 8, 1, 50),
      budgetMs: int(env, 'PLANNER_BUDGET_MS', 25_000, 1000),
      maxCorrections: int(env, 'PLANNER_MAX_CORRECTIONS', 2, 0, 10),
      /**
       * optional cap on one model call attempt; without it each call may use the planning budget
       * left (PLANNER_BUDGET_MS), so a slow but valid answer inside the budget is used
       */
      callTimeoutMs: optional(env, 'PLANNER_CALL_TIMEOUT_MS') === undefined ? undefined : int(env, 'PLANNER_CALL_TIMEOUT_MS', 0, 100),
      /** fixed "now" for the planner (tests, demos); an ISO instant */
      now: isoInstant(env, 'PLANNER_NOW'),
    },
    payloadKeys,
    tokenSealKeys,
  };
}

export type Config = ReturnType<typeof loadConfig>;

/** Entry points call this: a bad value stops start-up with one clear line, no stack trace. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}
