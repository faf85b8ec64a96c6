// The gateway is a small stateless HTTP process: its entry point must not load the worker, the
// planner or the LLM/tracing libraries (they cost it memory and start-up time and belong to the
// worker). Read from the source with the TypeScript compiler API; no Temporal needed.
import { beforeAll, describe, expect, it } from 'vitest';
import { moduleGraph, type ModuleGraph } from './helpers/module-graph.js';

const ROOT = new URL('..', import.meta.url).pathname;

const FORBIDDEN_FILES = [/^worker\//, /^planner\//];
const FORBIDDEN_PACKAGES = [/^@langchain\//, /^@langfuse\//, /^langfuse(-|$)/, /^@temporalio\/worker$/];

const matching = (names: Iterable<string>, patterns: RegExp[]) => [...names].filter((n) => patterns.some((p) => p.test(n))).sort();

describe('the gateway module graph', () => {
  let g: ModuleGraph;
  beforeAll(() => {
    g = moduleGraph('api/main.ts', ROOT);
  });

  it('reaches the gateway wiring and the Temporal client (the walk follows imports)', () => {
    expect(g.files).toContain('api/create-gateway.ts');
    expect(g.files).toContain('api/state-watch.ts');
    expect(g.files).toContain('catalog/importer.ts');
    expect(g.packages).toContain('@temporalio/client');
    expect(g.packageClosure).toContain('@grpc/grpc-js');
  });

  it('has no worker, planner, LangChain, Langfuse or @temporalio/worker in it, directly or through a package', () => {
    expect(matching(g.files, FORBIDDEN_FILES)).toEqual([]);
    expect(matching(g.packages, FORBIDDEN_PACKAGES)).toEqual([]);
    expect(matching(g.packageClosure, FORBIDDEN_PACKAGES)).toEqual([]);
  });

  it('does find them in the worker entry (the same check would see them in the gateway)', () => {
    const w = moduleGraph('worker/main.ts', ROOT);
    expect(matching(w.files, FORBIDDEN_FILES)).toEqual(expect.arrayContaining(['worker/create-worker.ts', 'planner/factory.ts']));
    expect(matching(w.packages, FORBIDDEN_PACKAGES)).toEqual(expect.arrayContaining(['@temporalio/worker', '@langfuse/langchain']));
    expect(matching(w.packageClosure, FORBIDDEN_PACKAGES)).toEqual(expect.arrayContaining(['@langchain/core']));
  });
});
