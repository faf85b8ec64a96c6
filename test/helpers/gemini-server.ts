// A strict local stand-in for Gemini's REST `generateContent` (v1beta). It checks each request the
// way Gemini does and answers only in Gemini's shapes; tests queue the answers it serves.
//
// Shapes and rules, with their public sources:
// - Request/response: https://ai.google.dev/api/generate-content (Content{role,parts[]}, Part with
//   one data field + thought/thoughtSignature, Candidate{content,finishReason,index},
//   promptFeedback.blockReason, usageMetadata) and https://ai.google.dev/api/caching#Schema (the
//   OpenAPI-3.0 Schema subset of FunctionDeclaration.parameters, `name` rules: starts with a
//   letter or underscore; letters, digits, _ . : -; at most 64 characters).
// - Parallel calls: https://ai.google.dev/gemini-api/docs/function-calling (all responses of a
//   turn go back in ONE content). Wrong grouping is a 400 INVALID_ARGUMENT "Please ensure that the
//   number of function response parts is equal to the number of function call parts of the
//   function call turn." — recorded in google-gemini/gemini-cli#16415, #5443, #4217.
// - Thought signatures: https://ai.google.dev/gemini-api/docs/thought-signatures (gemini-3: the
//   first functionCall part of each step of the current turn must carry its signature; 400
//   "Function call is missing a thought_signature in functionCall parts…" recorded in
//   nanbingxyz/5ire#405, niki914/zafiro#100, langgenius/dify-official-plugins#2088). A signature
//   on a text part (Gemini 3 puts one on the last part of an answer without a function call) is
//   covered by the same page's general rule — "if you receive a thought signature in a model
//   response, you should pass it back exactly as received" — but only function-call signatures are
//   validated (4xx). So a text part sent back without its signature, or a signature moved onto
//   another text, is not refused: it is recorded in `lapses`, which tests assert empty.
// - Errors are google.rpc.Status JSON {error:{code,message,status,details}}; a 429 carries
//   google.rpc.RetryInfo {retryDelay:"<seconds>s"} among QuotaFailure/Help details (recorded in
//   browserbase/mcp-server-browserbase#129, mscraftsman/generative-ai#131; Gemini sends no
//   Retry-After header: dcdpr/jp#1061). 503 UNAVAILABLE "The model is overloaded…", 500 INTERNAL,
//   404 NOT_FOUND for an unknown model, 400 INVALID_ARGUMENT for bad requests:
//   https://ai.google.dev/gemini-api/docs/troubleshooting.
// - MALFORMED_FUNCTION_CALL arrives as a candidate with no content at all (pydantic/pydantic-ai#631,
//   #3095); "empty parts" is "* GenerateContentRequest.contents[i].parts: contents.parts must not be
//   empty."; a blocked prompt has no candidates, only promptFeedback.blockReason.
import express from 'express';
import { listen } from './stack.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded Gemini wire bodies, read by path

export interface ServedRequest {
  path: string;
  model: string;
  apiKey?: string;
  body: Json;
}

/** What the server does with one accepted request. */
export type Reply =
  | { kind: 'json'; status: number; body: Json }
  | { kind: 'hang'; ms: number }
  /** a valid answer that takes `ms` to arrive (a model thinking for a long time) */
  | { kind: 'slow'; ms: number; then: Reply }
  | { kind: 'dynamic'; make: (req: ServedRequest, issue: (s: string, text?: string) => string) => Reply };

const usage = (prompt = 812, out = 24) => ({ promptTokenCount: prompt, candidatesTokenCount: out, totalTokenCount: prompt + out });
const ok = (body: Json): Reply => ({ kind: 'json', status: 200, body });
const status = (code: number, statusName: string, message: string, details?: Json[]): Reply => ({ kind: 'json', status: code, body: { error: { code, message, status: statusName, ...(details ? { details } : {}) } } });

export interface Call {
  name: string;
  args?: Record<string, unknown>;
}

/** Answers as Gemini sends them. */
export const reply = {
  /** one model turn with function calls (several = parallel calls), optional text before them; on
   * gemini-3 pass `signed` to attach a thought signature to the first call, as Gemini does */
  calls(calls: Call[], opts: { text?: string; signed?: boolean; thoughtText?: string } = {}): Reply {
    return {
      kind: 'dynamic',
      make: (_req, issue) => {
        const sig = opts.signed ? issue('call') : undefined;
        const parts: Json[] = [];
        if (opts.thoughtText) parts.push({ text: opts.thoughtText, thought: true });
        if (opts.text) parts.push({ text: opts.text });
        calls.forEach((c, i) => parts.push({ functionCall: { name: c.name, args: c.args ?? {} }, ...(i === 0 && sig ? { thoughtSignature: sig } : {}) }));
        return ok({ candidates: [{ index: 0, finishReason: 'STOP', content: { role: 'model', parts } }], usageMetadata: usage(), modelVersion: 'gemini' });
      },
    };
  },
  /** a text-only turn; `signed` puts a thought signature on the (last) text part, as Gemini 3 does */
  text(text: string, finishReason = 'STOP', opts: { signed?: boolean } = {}): Reply {
    return {
      kind: 'dynamic',
      make: (_req, issue) => ok({ candidates: [{ index: 0, finishReason, content: { role: 'model', parts: [{ text, ...(opts.signed ? { thoughtSignature: issue('text', text) } : {}) }] } }], usageMetadata: usage(812, finishReason === 'MAX_TOKENS' ? 8192 : 24) }),
    };
  },
  /** `then`, after `ms` */
  slow(ms: number, then: Reply): Reply {
    return { kind: 'slow', ms, then };
  },
  /** the model wrote a call Gemini could not parse: no content, only the finish reason */
  malformed(): Reply {
    return ok({ candidates: [{ index: 0, finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call: print(default_api.reschedule_booking(newStart=' }], usageMetadata: usage(812, 0) });
  },
  /** the answer was stopped by the safety filter (optionally after some text) */
  safety(text?: string): Reply {
    const ratings = [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }];
    return ok({ candidates: [{ index: 0, finishReason: 'SAFETY', safetyRatings: ratings, ...(text ? { content: { role: 'model', parts: [{ text }] } } : {}) }], usageMetadata: usage() });
  },
  /** the prompt itself was blocked: no candidates at all */
  promptBlocked(blockReason = 'SAFETY'): Reply {
    return ok({ promptFeedback: { blockReason, safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH' }] }, usageMetadata: { promptTokenCount: 812, totalTokenCount: 812 } });
  },
  emptyCandidates(): Reply {
    return ok({ candidates: [], usageMetadata: usage(812, 0) });
  },
  /** thinking used the whole output budget: a candidate whose content has no parts */
  maxTokensNoParts(): Reply {
    return ok({ candidates: [{ index: 0, finishReason: 'MAX_TOKENS', content: { role: 'model' } }], usageMetadata: { promptTokenCount: 812, totalTokenCount: 1836, thoughtsTokenCount: 1024 } });
  },
  rateLimited(retryDelay = '12s'): Reply {
    return status(429, 'RESOURCE_EXHAUSTED', `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10\nPlease retry in ${retryDelay}.`, [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' }, quotaValue: '10' }] },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
    ]);
  },
  overloaded(): Reply {
    return status(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
  },
  internal(): Reply {
    return status(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
  },
  badRequest(message = 'Request contains an invalid argument.'): Reply {
    return status(400, 'INVALID_ARGUMENT', message);
  },
  forbidden(): Reply {
    return status(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.');
  },
  /** no answer for `ms` (the client's timeout should fire first) */
  hang(ms = 60_000): Reply {
    return { kind: 'hang', ms };
  },
};

// ---- request checks -------------------------------------------------------------------------

const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];
const PART_META = ['thought', 'thoughtSignature', 'videoMetadata', 'partMetadata'];
const SCHEMA_KEYS = new Set(['type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default', 'items', 'minimum', 'maximum']);
const TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT']);
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
export const MAX_DECLARATIONS = 128;
/** signatures Google documents as accepted when a real one is not available */
const DOCUMENTED_DUMMY_SIGNATURES = new Set(['context_engineering_is_the_way_to_go', 'skip_thought_signature_validator']);

function schemaProblems(s: Json, at: string, out: string[]) {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return void out.push(`Invalid value at '${at}': expected a Schema object`);
  for (const k of Object.keys(s)) if (!SCHEMA_KEYS.has(k)) out.push(`Invalid JSON payload received. Unknown name "${k}" at '${at}': Cannot find field.`);
  const type = typeof s.type === 'string' ? s.type.toUpperCase() : undefined;
  if (s.type !== undefined && (typeof s.type !== 'string' || !TYPES.has(type!))) out.push(`Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(s.type)}`);
  if (s.enum !== undefined && (type !== 'STRING' || !Array.isArray(s.enum) || s.enum.some((e: unknown) => typeof e !== 'string'))) out.push(`* GenerateContentRequest.${at}.enum: only allowed for STRING type`);
  if (s.properties !== undefined) {
    if (type !== 'OBJECT') out.push(`* GenerateContentRequest.${at}.properties: only allowed for OBJECT type`);
    for (const [k, v] of Object.entries(s.properties ?? {})) schemaProblems(v, `${at}.properties[${k}].value`, out);
  }
  if (Array.isArray(s.required)) for (const r of s.required) if (!s.properties || !(r in s.properties)) out.push(`* GenerateContentRequest.${at}.required[${r}]: property is not defined`);
  if (s.items !== undefined) {
    if (type !== 'ARRAY') out.push(`* GenerateContentRequest.${at}.items: only allowed for ARRAY type`);
    schemaProblems(s.items, `${at}.items`, out);
  }
  if (type === 'ARRAY' && s.items === undefined) out.push(`* GenerateContentRequest.${at}.items: missing field.`);
  if (Array.isArray(s.anyOf)) s.anyOf.forEach((v: Json, i: number) => schemaProblems(v, `${at}.anyOf[${i}]`, out));
}

const callsOf = (c: Json): Json[] => (c?.parts ?? []).filter((p: Json) => p?.functionCall);
const responsesOf = (c: Json): Json[] => (c?.parts ?? []).filter((p: Json) => p?.functionResponse);
const sameNames = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Every problem Gemini would answer 400 for (the first one is what it says). */
export function requestProblems(body: Json, model: string, issued: Set<string>): string[] {
  const out: string[] = [];
  if (!body || typeof body !== 'object') return ['Invalid JSON payload received.'];
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return ['* GenerateContentRequest.contents: contents is not specified'];
  if (body.systemInstruction && (!Array.isArray(body.systemInstruction.parts) || body.systemInstruction.parts.length === 0)) out.push('* GenerateContentRequest.system_instruction.parts: contents.parts must not be empty.');
  contents.forEach((c: Json, i: number) => {
    if (c?.role !== undefined && c.role !== 'user' && c.role !== 'model') out.push(`Please use a valid role: user, model. (contents[${i}].role ${JSON.stringify(c.role)})`);
    if (!Array.isArray(c?.parts) || c.parts.length === 0) return void out.push(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`);
    c.parts.forEach((p: Json, j: number) => {
      const keys = Object.keys(p ?? {});
      const data = keys.filter((k) => PART_DATA.includes(k));
      if (data.length !== 1) out.push(`* GenerateContentRequest.contents[${i}].parts[${j}].data: required oneof field 'data' must have one initialized field`);
      for (const k of keys) if (!PART_DATA.includes(k) && !PART_META.includes(k)) out.push(`Invalid JSON payload received. Unknown name "${k}" at 'contents[${i}].parts[${j}]': Cannot find field.`);
      if (p?.functionCall && (typeof p.functionCall.name !== 'string' || !p.functionCall.name)) out.push(`* GenerateContentRequest.contents[${i}].parts[${j}].function_call.name: Name cannot be empty.`);
      if (p?.functionResponse && (typeof p.functionResponse.name !== 'string' || !p.functionResponse.name)) out.push(`* GenerateContentRequest.contents[${i}].parts[${j}].function_response.name: Name cannot be empty.`);
      if (p?.functionCall && c.role !== 'model') out.push(`Please ensure that function call turn comes immediately after a user turn or after a function response turn.`);
    });
    // function calls and their responses: all responses of a turn, together, right after it
    const calls = callsOf(c);
    const responses = responsesOf(c);
    if (calls.length) {
      const prev = contents[i - 1];
      if (i === 0 || !(prev?.role === 'user')) out.push('Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
      const next = contents[i + 1];
      if (next) {
        const nr = responsesOf(next);
        if (next.role !== 'user' || nr.length === 0) out.push('Please ensure that function response turn comes immediately after a function call turn.');
        else if (nr.length !== calls.length) out.push('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
        else if (!sameNames(nr.map((p: Json) => p.functionResponse.name), calls.map((p: Json) => p.functionCall.name))) out.push('Please ensure that the function response names match the function call names of the function call turn.');
      }
    }
    if (responses.length) {
      const prev = contents[i - 1];
      if (!prev || prev.role !== 'model' || callsOf(prev).length === 0) out.push('Please ensure that function response turn comes immediately after a function call turn.');
      if (responses.length !== c.parts.length) out.push('Please ensure that function response turn contains only function response parts.');
    }
  });
  // gemini-3: every step of the current turn (since the last user text) needs its signature back
  if (/^gemini-3/.test(model)) {
    let start = 0;
    contents.forEach((c: Json, i: number) => {
      if (c?.role === 'user' && (c.parts ?? []).some((p: Json) => typeof p?.text === 'string')) start = i;
    });
    for (let i = start; i < contents.length; i++) {
      const first = callsOf(contents[i])[0];
      if (!first) continue;
      if (!first.thoughtSignature) {
        out.push(`Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${first.functionCall.name}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`);
      } else if (!issued.has(first.thoughtSignature) && !DOCUMENTED_DUMMY_SIGNATURES.has(first.thoughtSignature)) {
        out.push('Corrupted thought signature.');
      }
    }
  }
  // tools
  const decls: Json[] = [];
  (Array.isArray(body.tools) ? body.tools : []).forEach((t: Json, ti: number) => {
    for (const k of Object.keys(t ?? {})) if (!['functionDeclarations', 'googleSearch', 'codeExecution', 'urlContext', 'googleSearchRetrieval'].includes(k)) out.push(`Invalid JSON payload received. Unknown name "${k}" at 'tools[${ti}]': Cannot find field.`);
    (t?.functionDeclarations ?? []).forEach((d: Json, di: number) => {
      decls.push(d);
      const at = `tools[${ti}].function_declarations[${di}]`;
      for (const k of Object.keys(d ?? {})) if (!['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior'].includes(k)) out.push(`Invalid JSON payload received. Unknown name "${k}" at '${at}': Cannot find field.`);
      if (typeof d?.name !== 'string' || !NAME.test(d.name)) out.push(`* GenerateContentRequest.${at}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.`);
      if (d?.parameters !== undefined) {
        schemaProblems(d.parameters, `${at}.parameters`, out);
        if (String(d.parameters?.type ?? '').toUpperCase() !== 'OBJECT') out.push(`* GenerateContentRequest.${at}.parameters.type: must be OBJECT`);
      }
    });
  });
  if (decls.length > MAX_DECLARATIONS) out.push(`* GenerateContentRequest.tools: at most ${MAX_DECLARATIONS} function declarations can be specified.`);
  const names = new Set(decls.map((d) => d?.name));
  if (names.size !== decls.length) out.push('* GenerateContentRequest.tools: duplicate function declaration names.');
  const fcc = body.toolConfig?.functionCallingConfig;
  if (fcc) {
    if (fcc.mode !== undefined && !['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'].includes(fcc.mode)) out.push(`Invalid value at 'tool_config.function_calling_config.mode', ${JSON.stringify(fcc.mode)}`);
    if (fcc.allowedFunctionNames?.length) {
      if (fcc.mode !== 'ANY' && fcc.mode !== 'VALIDATED') out.push('* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY or VALIDATED');
      for (const n of fcc.allowedFunctionNames) if (!names.has(n)) out.push(`* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function ${n} is not declared`);
    }
  }
  return out;
}

/** Text parts of model turns sent back without the signature they were given, or with another text's. */
export function textSignatureLapses(body: Json, signedTexts: Map<string, string>): string[] {
  const out: string[] = [];
  const signed = new Set(signedTexts.values());
  (Array.isArray(body?.contents) ? body.contents : []).forEach((c: Json, i: number) => {
    if (c?.role !== 'model') return;
    (c.parts ?? []).forEach((p: Json, j: number) => {
      if (typeof p?.text !== 'string' || p.thought) return;
      if (typeof p.thoughtSignature === 'string') {
        if (signedTexts.get(p.thoughtSignature) !== p.text) out.push(`contents[${i}].parts[${j}]: a thought signature on a text it was not given for`);
      } else if (signed.has(p.text)) out.push(`contents[${i}].parts[${j}]: a text part sent back without its thought signature`);
    });
  });
  return out;
}

export interface GeminiServerOptions {
  /** models this key may use; any other model is a 404 */
  models?: string[];
}

export async function startGeminiServer(replies: Reply[] = [], opts: GeminiServerOptions = {}) {
  const models = opts.models ?? ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3-pro-preview', 'gemini-3-flash-preview'];
  const requests: ServedRequest[] = [];
  /** requests answered 400 because Gemini would reject them, with what it would say */
  const rejected: Array<{ request: ServedRequest; problems: string[] }> = [];
  const issued = new Set<string>();
  /** signature → the text part it was given on */
  const signedTexts = new Map<string, string>();
  /** documented-but-not-validated rules a request broke (text signatures), per request */
  const lapses: Array<{ request: ServedRequest; problems: string[] }> = [];
  /** held requests the client gave up on (closed the connection) */
  const abandoned = { count: 0 };
  const queue = [...replies];
  let n = 0;
  const issue = (s: string, text?: string) => {
    const sig = Buffer.from(`sig:${s}:${++n}:${Math.random()}`).toString('base64');
    issued.add(sig);
    if (text !== undefined) signedTexts.set(sig, text);
    return sig;
  };
  const app = express();
  app.use(express.json({ limit: '20mb' }));
  app.post(/.*/, async (req, res) => {
    const m = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(req.path);
    const served: ServedRequest = { path: req.path, model: m?.[1] ?? '', apiKey: req.get('x-goog-api-key') ?? undefined, body: req.body };
    requests.push(served);
    const send = (r: Reply) => {
      if (r.kind === 'json') return void res.status(r.status).json(r.body);
      if (r.kind === 'hang' || r.kind === 'slow') {
        let answered = false;
        const t = setTimeout(() => {
          answered = true;
          if (r.kind === 'slow') return send(r.then);
          res.status(504).json({ error: { code: 504, message: 'Deadline expired before operation could complete.', status: 'DEADLINE_EXCEEDED' } });
        }, r.ms);
        res.on('close', () => {
          clearTimeout(t);
          if (!answered) abandoned.count += 1;
        });
        return;
      }
      send(r.make(served, issue));
    };
    if (!m) return send(status(404, 'NOT_FOUND', `Method not found: ${req.path}`));
    if (!served.apiKey) return send(reply.forbidden());
    if (!models.includes(served.model)) return send(status(404, 'NOT_FOUND', `models/${served.model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`));
    const problems = requestProblems(req.body, served.model, issued);
    if (problems.length) {
      rejected.push({ request: served, problems });
      return send(status(400, 'INVALID_ARGUMENT', problems[0]!));
    }
    const lapsed = textSignatureLapses(req.body, signedTexts);
    if (lapsed.length) lapses.push({ request: served, problems: lapsed });
    const next = queue.shift();
    if (!next) return send(status(500, 'INTERNAL', 'test server: no more queued answers'));
    send(next);
  });
  const l = await listen(app);
  return {
    url: l.url,
    requests,
    rejected,
    lapses,
    /** queue more answers */
    push: (...r: Reply[]) => void queue.push(...r),
    remaining: () => queue.length,
    /** how many held (hung) requests the client aborted */
    abandoned: () => abandoned.count,
    close: () => {
      l.server.closeAllConnections?.();
      l.server.close();
    },
  };
}

/** The two-call turn of "move it and add two kids", then submit_plan. */
export const TWO_CALL_TURN: Reply[] = [
  reply.calls([
    { name: 'reschedule_booking', args: { newStart: '2026-12-12T15:00:00+11:00', evidence: { newStart: 'Saturday 12 December at 3pm' } } },
    { name: 'update_guest_count', args: { itemId: 'it-1001-a', quantity: 8, evidence: { itemId: 'kids', quantity: 'add two kids' } } },
  ]),
  reply.calls([{ name: 'submit_plan', args: { summary: 'Move the party to Sat 12 Dec 15:00 with 8 children.' } }]),
];
