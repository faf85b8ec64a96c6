// The shared data definitions (docs/design.md §3): the contract between api/, workflows/ and activities/.
// Type-only module so the workflow bundle can import it without pulling in Node code.

export type Safety = 'normal' | 'high_risk' | 'blocked';
export type ActionKind = 'read' | 'write';

/** Where each request parameter goes on the wire. */
export type ParamLocation = 'path' | 'query' | 'header' | 'body';

export interface ParamMapping {
  /** name the LLM / plan uses */
  name: string;
  /** name on the wire (path/query/header name, or top-level body property) */
  wireName: string;
  in: ParamLocation;
  required: boolean;
  /** OpenAPI serialisation of path/query/header values (defaults: simple/form per location) */
  style?: string;
  explode?: boolean;
}

/** A value the overlay fixes (`set:`) or a schema default for an unexposed required param. */
export interface FixedParam {
  wireName: string;
  in: ParamLocation;
  value: unknown;
  style?: string;
  explode?: boolean;
}

/** Who an API's requests authenticate as (overlay `auth`). */
export type AuthSpec =
  | { type: 'passthrough' }
  /** the document declares no security: no credential is sent */
  | { type: 'none' }
  | { type: 'bearer'; variable: string }
  | { type: 'api-key'; header: string; variable: string }
  | { type: 'oauth2-client-credentials'; tokenUrl: string; clientIdVariable: string; clientSecretVariable: string; scope?: string };

/** Where an API lives and how to call it (overlay `server` + `auth`, document title). */
export interface ApiBinding {
  /** info.title of the document, named in messages */
  title: string;
  /** config variable holding the base URL; absent: ROLLER_API_BASE_URL */
  serverVariable?: string;
  /** the document's first server URL (its base path kept) when the variable is unset */
  serverDefault?: string;
  auth: AuthSpec;
}

export interface CompensationSpec {
  /** id of the action that undoes this one */
  action: string;
  /** param name → JSONata expression over {params, before, result, context} */
  params: Record<string, string>;
}

export interface CaptureSpec {
  /** id of a read action that records the before-state */
  action: string;
  /** param name → JSONata expression over {params, context} */
  params: Record<string, string>;
}

export interface AtomicAction {
  id: string;
  operationId: string;
  /** the spec file this action came from, for error messages */
  source: string;
  method: string;
  path: string;
  kind: ActionKind;
  description: string;
  /** the limited JSON Schema the LLM sees (Gemini-safe subset) */
  params: JsonSchema;
  /** the full schema of the exposed params, used for ajv validation */
  paramsSchema: JsonSchema;
  /** params filled from the session, never shown to the LLM: param name → context key */
  context: Record<string, string>;
  critical: string[];
  /** what each critical param is (start, ticket-item, ticket-quantity, holder-name, email, phone) */
  meaning?: Record<string, string>;
  /** verbs and objects a request for this action uses (actions without critical params) */
  asks?: { verbs: string[]; objects: string[] };
  safety: Safety;
  reversible: boolean;
  readOnly: boolean;
  capture?: CaptureSpec;
  compensation?: CompensationSpec;
  /** JSONata expression over {params, before, result} giving a human change list (optional) */
  changes?: string;
  request: ParamMapping[];
  /** whether the operation accepts If-Match / Idempotency-Key headers */
  acceptsIfMatch: boolean;
  acceptsIdempotencyKey: boolean;
  /** where the step's idempotency key goes (overlay `idempotency`; default the Idempotency-Key header when accepted) */
  idempotency?: { in: 'header' | 'body'; name: string };
  /** fixed header/query/path values never shown to the model */
  fixed?: FixedParam[];
  /** false: compensation-only, never offered to the planner */
  expose?: boolean;
  /** `booking`: the read that gives the session's booking; `availability`: the read that lists a product's sessions;
   * `search`: the read that finds bookings by the words naming one; `identity`: the read of who a token belongs to */
  role?: 'booking' | 'availability' | 'search' | 'identity';
  /** with role search: the parameter that takes the words naming a booking (a reference or a holder's name) */
  searchParam?: string;
  /** JSONata from this read's result to the booking shape the planner reads (absent: the result as is) */
  bookingMapping?: string;
  /** with role availability: how to ask it about one booking item on one local date, and read its answer */
  availabilityMapping?: AvailabilityMapping;
  /** server, auth and title of the API this action belongs to */
  api?: ApiBinding;
}

/** The catalog as the planner and gateway see it (no mapping internals). */
export interface ActionView {
  id: string;
  kind: ActionKind;
  description: string;
  params: JsonSchema;
  critical: string[];
  safety: Safety;
  reversible: boolean;
  compensation?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON Schema keywords hold any JSON; callers narrow by keyword
export type JsonSchema = Record<string, any>;

export interface SessionContext {
  sessionId: string;
  venueId: string;
  userId: string;
  bookingId?: string;
  locale?: string;
  timezone?: string;
}

export interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

export interface PlanStep {
  index: number;
  actionId: string;
  title: string;
  params: Record<string, unknown>;
  safety: Safety;
  reversible: boolean;
  evidence: Record<string, string>;
  changes: Change[];
  /** the action accepts an Idempotency-Key, so a retry cannot write twice */
  idempotent: boolean;
  /** the overlay `title` of the step's API, named in messages to staff (absent in plans made before it was kept) */
  api?: string;
}

export interface Plan {
  id: string;
  version: number;
  hash: string;
  summary: string;
  steps: PlanStep[];
  risk: Safety;
  bookingVersion: string;
  createdAt: string;
  /** what the person should know about how the plan runs (e.g. why an irreversible step is last) */
  notes?: string[];
}

export type Phase =
  | 'planning'
  | 'awaiting_clarification'
  | 'awaiting_confirmation'
  | 'executing'
  | 'compensating'
  | 'completed'
  | 'rolled_back'
  | 'needs_attention'
  | 'declined'
  | 'expired'
  | 'failed'
  | 'unsupported';

export const TERMINAL_PHASES: readonly Phase[] = [
  'completed',
  'rolled_back',
  'needs_attention',
  'declined',
  'expired',
  'failed',
  'unsupported',
];

export type StepRunStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'compensating'
  | 'compensated'
  | 'compensation_failed'
  | 'skipped';

export interface StepStatus {
  index: number;
  status: StepRunStatus;
  error?: ActionError;
  /** progress of the automatic undo (or of checking whether the step took effect) while it retries */
  undo?: UndoProgress;
}

export interface UndoProgress {
  /** attempts made so far */
  attempts: number;
  /** why the last attempt failed (masked) */
  lastError?: string;
  /** when the next attempt is due */
  nextAttemptAt?: string;
  /** when automatic retrying stops and the session asks a person instead */
  giveUpAt: string;
}

/** Bounds of the execution phase, fixed when the session starts (README: configuration). */
export interface ExecutionSettings {
  /** schedule-to-close of every write (all its retries included) */
  stepTimeoutMs: number;
  /** how long a rollback keeps retrying before it asks a person */
  compensationWindowMs: number;
  /** cap of the backoff between undo attempts */
  compensationMaxBackoffMs: number;
}

export type ActionErrorCode =
  | 'CAPACITY_EXCEEDED'
  | 'BOOKING_CHANGED'
  | 'VALIDATION'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR';

/** JSONata of an availability read: `params` over {item, date} gives the read's parameters; `sessions` over {result} gives [{start, remaining}]. */
export interface AvailabilityMapping {
  params: string;
  sessions: string;
}

export interface ActionError {
  code: ActionErrorCode | string;
  message: string;
  hint?: string;
  retryable: boolean;
  httpStatus?: number;
}

export interface Outcome {
  status: Phase;
  message: string;
  recovery: string[];
  /** stable code of the failure, when there was one (e.g. BOOKING_CHANGED, CAPACITY_EXCEEDED) */
  code?: string;
}

export interface Clarification {
  question: string;
  missing: string[];
  /** what the answer will be read as (`day`, `time`, `meridiem`, `count`, `ticket`, `email`, `phone`, `name`): kept with the question in the conversation */
  asked?: string[];
}

/** What the mobile app needs to recognise the booking; no contact details. */
export interface BookingSummary {
  bookingId: string;
  reference?: string;
  holderName?: string;
  items: Array<{ itemId: string; product: string; ticketType: string; quantity: number; start: string; localStart?: string }>;
  version: string;
  timezone?: string;
}

export interface SessionState {
  sessionId: string;
  phase: Phase;
  booking?: BookingSummary;
  clarification?: Clarification;
  plan?: Plan;
  steps: StepStatus[];
  outcome?: Outcome;
  /** which planner produced the latest result; `degraded` when no model was used */
  planner?: { provider: string; degraded: boolean; modelCalls: number };
  version: number;
  updatedAt: string;
  expiresAt?: string;
  /** who the session is bound to; checked by the gateway, never sent to callers */
  owner?: { userId: string; venueId: string };
}

export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
  /** a question's record of what it asked for (Clarification.asked): the next turn is read against it */
  asked?: string[];
}

/** Input of the session workflow. `token` is the staff token sealed by the gateway (TOKEN_SEAL_KEYS); only activities open it. */
export interface SessionInput {
  context: SessionContext;
  message: string;
  token: string;
  idleTimeoutMs: number;
  /** absent in sessions started before it existed: the workflow's defaults apply */
  execution?: ExecutionSettings;
}

export interface PlanningInput {
  context: SessionContext;
  conversation: ConversationTurn[];
  token: string;
  planVersion: number;
}

export type PlanningResult =
  | { kind: 'plan'; plan: Plan; booking: BookingSummary; planner: SessionState['planner'] }
  | { kind: 'clarify'; clarification: Clarification; booking?: BookingSummary; planner: SessionState['planner'] }
  | { kind: 'unsupported'; reason: string; booking?: BookingSummary; planner: SessionState['planner'] }
  /** `api`: the booking API's overlay title, where the change can be made by hand */
  | { kind: 'failed'; reason: string; booking?: BookingSummary; planner: SessionState['planner']; api?: string };

export interface ExecuteInput {
  actionId: string;
  params: Record<string, unknown>;
  context: SessionContext;
  token: string;
  idempotencyKey?: string;
  ifMatch?: string;
}

export interface ExecuteOutput {
  status: number;
  body: unknown;
  /** the resource version the write produced (ETag or body `version`), when ROLLER says */
  version?: string;
}

/**
 * Did this session's write happen? Asked of ROLLER by the write's identity (never by values another
 * writer can produce): the write is sent again with its idempotency key (a write that was applied is
 * answered with its stored answer), else the booking's version is compared with the one it was sent against.
 */
export interface VerifyInput {
  actionId: string;
  params: Record<string, unknown>;
  context: SessionContext;
  token: string;
  /** the version the step was sent against (its If-Match) */
  versionBefore?: string;
  /** the step's idempotency key; without it a write cannot be identified and a moved version reads `unknown` */
  idempotencyKey?: string;
}

export interface VerifyOutput {
  /** yes: this write was applied; no: it was not; unknown: whether it was cannot be established */
  tookEffect: 'yes' | 'no' | 'unknown';
  /** yes: the version this write produced (when the API reports it); otherwise the version read */
  version?: string;
  /** no, because the write sent again was refused: the refusal (e.g. BOOKING_CHANGED) */
  refusal?: ActionError;
}

export interface CaptureOutput {
  before: unknown;
}

export interface CompensateInput {
  actionId: string;
  params: Record<string, unknown>;
  before: unknown;
  result: unknown;
  context: SessionContext;
  token: string;
  idempotencyKey: string;
  /** the version the booking should be at if nobody else changed it: an undo never clobbers */
  ifMatch?: string;
}

/** Update arguments. */
export interface UserMessageArgs {
  text: string;
  token: string;
}
export interface ConfirmArgs {
  planHash: string;
  token: string;
}
