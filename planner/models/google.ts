// `google` provider: Gemini through @langchain/google-genai. GOOGLE_API_BASE_URL points it at a
// proxy or (in tests) a local server speaking Gemini's REST format.
//
// Two fixes over the library (2.3.2, the newest release):
// - it sends each function response of a turn as its own content (langchainjs#10342) where Gemini
//   needs all responses of a turn in ONE content, right after the model's call turn; and it never
//   drops an empty content. `groupContents` rewrites the request before it is sent.
// - it does not pass the call's abort signal to the HTTP request, and retries on its own. Here
//   the request gets the signal and retries are the planner's (model-call.ts), so a timeout or the
//   planning budget really stops the call.
// - it drops the thought signature of a text part that is not a thought (it keeps those of function
//   calls and thought parts). Google's rule (https://ai.google.dev/gemini-api/docs/thought-signatures):
//   "if you receive a thought signature in a model response, you should pass it back exactly as
//   received"; Gemini 3 puts one on the last part of an answer without a function call. Only the
//   function-call ones are validated (400 when missing); the text ones are still to be sent back.
//   They are kept in the message (TEXT_SIGNATURES_KEY, stored with the checkpoint) and put back on
//   the same text part — only while that text is unchanged (a signature belongs to its text).
import { ChatGoogleGenerativeAI } from '@langchain/google-genai';
import type { BaseMessage } from '@langchain/core/messages';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { ChatResult } from '@langchain/core/outputs';

type Part = Record<string, unknown>;
interface Content {
  role?: string;
  parts?: Part[];
}

const isResponses = (c: Content) => !!c.parts?.length && c.parts.every((p) => 'functionResponse' in p);
const isUserText = (c: Content) => c.role === 'user' && !!c.parts?.length && c.parts.every((p) => 'text' in p);

/** Function responses of one turn in one content; consecutive user text in one content; no empty contents. */
export function groupContents(contents: Content[]): Content[] {
  const out: Content[] = [];
  for (const c of contents) {
    if (!c.parts?.length) continue;
    const prev = out[out.length - 1];
    if (prev && prev.role === c.role && ((isResponses(prev) && isResponses(c)) || (isUserText(prev) && isUserText(c)))) {
      out[out.length - 1] = { ...prev, parts: [...prev.parts!, ...c.parts] };
    } else out.push({ ...c });
  }
  return out;
}

/** additional_kwargs key: the signatures of a turn's non-thought text parts, in part order */
export const TEXT_SIGNATURES_KEY = '__gemini_text_thought_signatures__';

/** One entry per non-thought text part of the turn: its signature and the length it was given for. */
type TextSignature = { signature: string; length: number } | null;

const isPlainText = (p: Part) => typeof p.text === 'string' && !p.thought;

/** The signatures Gemini put on the answer's plain text parts (undefined when none). */
export function textSignaturesOf(parts: Part[] | undefined): TextSignature[] | undefined {
  const sigs = (parts ?? []).filter(isPlainText).map((p) => (typeof p.thoughtSignature === 'string' ? { signature: p.thoughtSignature, length: (p.text as string).length } : null));
  return sigs.some(Boolean) ? sigs : undefined;
}

/** Puts each model turn's text signatures back on its plain text parts (`turns`: one entry per model content, in order). */
export function restoreTextSignatures(contents: Content[], turns: Array<TextSignature[] | undefined>): Content[] {
  let turn = 0;
  return contents.map((c) => {
    if (c.role !== 'model') return c;
    const sigs = turns[turn++];
    if (!sigs || !c.parts) return c;
    let k = 0;
    const parts = c.parts.map((p) => {
      if (!isPlainText(p)) return p;
      const sig = sigs[k++];
      // a text cut for the history is no longer the text the signature was given for
      return sig && !p.thoughtSignature && (p.text as string).length === sig.length ? { ...p, thoughtSignature: sig.signature } : p;
    });
    return { ...c, parts };
  });
}

interface InFlight {
  signal?: AbortSignal;
  /** text signatures of the AI messages sent, one entry per model turn */
  sent: Array<TextSignature[] | undefined>;
  received?: TextSignature[];
}

class GeminiChat extends ChatGoogleGenerativeAI {
  private inflight?: InFlight;

  override async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const call: InFlight = {
      signal: options.signal,
      sent: messages.filter((m) => m.getType() === 'ai').map((m) => m.additional_kwargs?.[TEXT_SIGNATURES_KEY] as TextSignature[] | undefined),
    };
    this.inflight = call;
    try {
      const result = await super._generate(messages, options, runManager);
      const message = result.generations[0]?.message;
      if (message && call.received) message.additional_kwargs = { ...message.additional_kwargs, [TEXT_SIGNATURES_KEY]: call.received };
      return result;
    } finally {
      this.inflight = undefined;
    }
  }

  override async completionWithRetry(request: Parameters<ChatGoogleGenerativeAI['completionWithRetry']>[0], options?: this['ParsedCallOptions']) {
    const call = this.inflight;
    const req = typeof request === 'object' && !Array.isArray(request) && request.contents
      ? { ...request, contents: groupContents(restoreTextSignatures(request.contents as unknown as Content[], call?.sent ?? [])) as unknown as typeof request.contents }
      : request;
    const signal = options?.signal ?? call?.signal;
    const client = (this as unknown as { client: { generateContent: (r: typeof req, o: { signal?: AbortSignal }) => ReturnType<ChatGoogleGenerativeAI['completionWithRetry']> } }).client;
    const res = await client.generateContent(req, signal ? { signal } : {});
    if (call) call.received = textSignaturesOf(res.response?.candidates?.[0]?.content?.parts as unknown as Part[] | undefined);
    return res;
  }
}

export function createGeminiModel(opts: { apiKey: string; model: string; baseUrl?: string }) {
  return new GeminiChat({ apiKey: opts.apiKey, model: opts.model, temperature: 0, maxRetries: 0, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) });
}
