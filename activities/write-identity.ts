// "Did this session's write happen?" for a write whose answer never came (timeout, connection lost,
// 5xx after sending), answered by the write's identity — never by comparing values, which another
// writer (a second session asking for the same guest count) can produce just as well:
// 1. the booking's version is read (mapped as every booking read is): still the version the write was
//    sent against means nothing at all was written since, so neither was this write;
// 2. the version moved: the write is sent again with the same idempotency key and If-Match. An API
//    that applied it answers with the stored answer (and the version that write produced); one that
//    did not refuses it now (the booking moved on: 412), or — an API without If-Match — applies it
//    now, which makes it this session's own write all the same;
// 3. a write without an idempotency key cannot be attributed: `unknown`, and the rollback reports it
//    for a person instead of undoing it on a guess.
import type { ActionError, AtomicAction, VerifyInput, VerifyOutput } from '../contracts/types.js';
import type { Catalog } from '../catalog/importer.js';
import { evaluate, evaluateMapping } from '../catalog/mapping.js';
import { ActionFailure } from './action-errors.js';
import type { ActionRunner } from './action-runner.js';

/** The version a write produced or a read returned: the ETag, else the body's `version`. */
export function versionOf(res: { etag?: string; body: unknown }): string | undefined {
  const v = (res.body as { version?: unknown } | undefined)?.version;
  if (typeof v === 'string' && v) return v;
  return res.etag ? res.etag.replace(/^W\//, '').replace(/"/g, '') : undefined;
}

/**
 * An answer that says the write was not applied, and never will be under this key: a 4xx about the
 * write itself. 401/403 (the credential) and 404 are answered before the API looks at the write, and
 * 429 is not an answer about it at all.
 */
export function refusesTheWrite(e: ActionError): boolean {
  const s = e.httpStatus;
  return !e.retryable && s !== undefined && s >= 400 && s < 500 && ![401, 403, 404, 429].includes(s);
}

/**
 * The booking's version through the action's capture read, read as everything else reads the booking:
 * a read with a `booking` mapping (role: booking, e.g. OCTO's) is mapped to the booking summary first.
 */
export async function capturedVersion(catalog: Catalog, runner: ActionRunner, action: AtomicAction, input: VerifyInput): Promise<string | undefined> {
  if (!action.capture) return undefined;
  const read = catalog.require(action.capture.action);
  const params = await evaluateMapping(action.capture.params ?? {}, { params: input.params, context: input.context });
  const res = await runner.run(read.id, params, input.context, { token: input.token });
  if (!read.bookingMapping) return versionOf(res);
  const booking = (await evaluate(read.bookingMapping, { result: res.body, context: input.context })) as { version?: unknown } | undefined;
  return typeof booking?.version === 'string' && booking.version ? booking.version : versionOf(res);
}

/** Sends the write again under its own key; a transient failure is returned for the caller to weigh. */
async function sendAgain(runner: ActionRunner, action: AtomicAction, input: VerifyInput): Promise<VerifyOutput | ActionFailure> {
  try {
    const res = await runner.run(action.id, input.params, input.context, { token: input.token, idempotencyKey: input.idempotencyKey, ifMatch: input.versionBefore });
    const version = versionOf(res);
    return { tookEffect: 'yes', ...(version ? { version } : {}) };
  } catch (e) {
    if (!(e instanceof ActionFailure)) throw e;
    if (refusesTheWrite(e.error)) return { tookEffect: 'no', refusal: e.error };
    return e;
  }
}

export async function identifyWrite(catalog: Catalog, runner: ActionRunner, input: VerifyInput): Promise<VerifyOutput> {
  const action = catalog.require(input.actionId);
  const version = await capturedVersion(catalog, runner, action, input);
  const read = version ? { version } : {};
  // every write moves the version: unmoved, nothing was written since this write was sent
  if (version !== undefined && input.versionBefore !== undefined && version === input.versionBefore) return { tookEffect: 'no', ...read };
  if (!input.idempotencyKey || !action.acceptsIdempotencyKey) return { tookEffect: 'unknown', ...read };
  const again = await sendAgain(runner, action, input);
  // the write sent again got no answer either: ask again later (the rollback gives up as unverified)
  if (again instanceof ActionFailure) throw again;
  return again;
}
