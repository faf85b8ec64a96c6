// The gateway's API document as it is served is a valid OpenAPI document (swagger-parser) and
// passes Redocly's recommended rules: errors fail; the only warnings left are named here with why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { Server } from 'node:http';
import { buildGateway } from '../api/create-gateway.js';
import { loadCatalogOrThrow } from '../catalog/importer.js';
import { createLogger } from '../observability/logger.js';
import { listen, testConfig } from './helpers/stack.js';

let served: { text: string; json: Record<string, unknown> };
let server: Server;
let close: () => Promise<void>;

beforeAll(async () => {
  const config = testConfig();
  // a lazy Temporal connection: serving the document needs no Temporal
  const gw = buildGateway(config, await loadCatalogOrThrow(config.catalogDir), createLogger('silent', 'test'));
  const l = await listen(gw.app);
  server = l.server;
  close = async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await gw.connection.close().catch(() => undefined);
  };
  const res = await fetch(`${l.url}/v1/openapi.json`);
  expect(res.status).toBe(200);
  const text = await res.text();
  served = { text, json: JSON.parse(text) };
});
afterAll(async () => {
  await close?.();
});

describe('the served OpenAPI document', () => {
  it('validates (swagger-parser)', async () => {
    await expect(SwaggerParser.validate(structuredClone(served.json) as never)).resolves.toBeTruthy();
  });

  it("passes Redocly's recommended rules with no error", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: served.text, absoluteRef: 'http://gateway/v1/openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
    const warnings = problems.filter((p) => p.severity === 'warn').map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
    // operations without authentication or limits cannot answer a 4XX; the project carries no licence
    expect(warnings.sort()).toEqual(
      [
        'info-license #/info',
        'operation-4xx-response #/paths/~1.well-known~1oauth-protected-resource~1mcp/get/responses',
        'operation-4xx-response #/paths/~1healthz/get/responses',
        'operation-4xx-response #/paths/~1metrics/get/responses',
        'operation-4xx-response #/paths/~1readyz/get/responses',
      ].sort(),
    );
  });

  it('has servers, a summary on every operation, and documents /mcp with its refusals', () => {
    const doc = served.json as { servers: unknown[]; paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>> };
    expect(doc.servers.length).toBeGreaterThan(0);
    for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) expect(op.summary, `${method} ${path}`).toBeTruthy();
    expect(Object.keys(doc.paths['/mcp']!.post!.responses)).toEqual(expect.arrayContaining(['200', '202', '401', '403', '429']));
  });
});
