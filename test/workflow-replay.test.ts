// Replays the recorded history of every session path against the current workflow code: a
// non-deterministic change to the workflow fails here. Sessions are pinned to the build that
// started them (Worker Versioning), so an incompatible change ships as a new build: regenerate with
// `npm run record-histories`. The histories of sessions started before versioning
// (`before-state-memo/`, `truthful-rollback/`) keep the patched() branches honest until those
// branches retire (README, Operators).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { dataConverter } from '../temporal/connection.js';
import { parsePayloadKeys } from '../config/config.js';

const DIR = new URL('./histories/', import.meta.url).pathname;
const KEYS = parsePayloadKeys(readFileSync(`${DIR}payload-key.txt`, 'utf8'));
const PATHS = ['completed', 'rolled_back', 'needs_attention', 'expired', 'declined', 'clarification_loop'];

describe('replay of recorded histories', () => {
  it('has a recorded history for every path', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.pb')).map((f) => f.replace('.pb', ''));
    expect(files.sort()).toEqual([...PATHS].sort());
  });

  // `before-state-memo/` holds histories recorded before the `state-memo` patch: sessions started by
  // the previous code must still replay (they take the unpatched branch).
  it.each(['', 'before-state-memo/'])('replays each of %j without a determinism error', async (sub) => {
    const histories = PATHS.map((name) => ({ workflowId: name, history: proto.temporal.api.history.v1.History.decode(readFileSync(`${DIR}${sub}${name}.pb`)) }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: dataConverter(KEYS) }, histories)) {
      results.push({ id: r.workflowId, error: r.error ? String(r.error) : undefined });
    }
    expect(results).toEqual(PATHS.map((id) => ({ id, error: undefined })));
  });

  // `truthful-rollback/` holds histories recorded after the `truthful-rollback` patch: the new
  // rollback's commands (read-back of the failed step, undo attempts with timers between them).
  it('replays the rollbacks recorded after truthful-rollback without a determinism error', async () => {
    const names = ['rolled_back', 'needs_attention'];
    const histories = names.map((name) => ({ workflowId: name, history: proto.temporal.api.history.v1.History.decode(readFileSync(`${DIR}truthful-rollback/${name}.pb`)) }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: dataConverter(KEYS) }, histories)) {
      results.push({ id: r.workflowId, error: r.error ? String(r.error) : undefined });
    }
    expect(results).toEqual(names.map((id) => ({ id, error: undefined })));
  });

  // `write-identity/` holds rollbacks recorded after the `write-identity` patch: a refused step that is
  // neither read back nor undone, and a lost answer asked about by the write's idempotency key.
  it('replays the rollbacks recorded after write-identity without a determinism error', async () => {
    const names = ['refused', 'rolled_back'];
    const histories = names.map((name) => ({ workflowId: name, history: proto.temporal.api.history.v1.History.decode(readFileSync(`${DIR}write-identity/${name}.pb`)) }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: dataConverter(KEYS) }, histories)) {
      results.push({ id: r.workflowId, error: r.error ? String(r.error) : undefined });
    }
    expect(results).toEqual(names.map((id) => ({ id, error: undefined })));
  });
});
