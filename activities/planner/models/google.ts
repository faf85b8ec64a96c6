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

class GeminiChat extends ChatGoogleGenerativeAI {
  private inflight?: AbortSignal;

  override async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    this.inflight = options.signal;
    try {
      return await super._generate(messages, options, runManager);
    } finally {
      this.inflight = undefined;
    }
  }

  override async completionWithRetry(request: Parameters<ChatGoogleGenerativeAI['completionWithRetry']>[0], options?: this['ParsedCallOptions']) {
    const req = typeof request === 'object' && !Array.isArray(request) && request.contents ? { ...request, contents: groupContents(request.contents as unknown as Content[]) as unknown as typeof request.contents } : request;
    const signal = options?.signal ?? this.inflight;
    const client = (this as unknown as { client: { generateContent: (r: typeof req, o: { signal?: AbortSignal }) => ReturnType<ChatGoogleGenerativeAI['completionWithRetry']> } }).client;
    return client.generateContent(req, signal ? { signal } : {});
  }
}

export function createGeminiModel(opts: { apiKey: string; model: string; baseUrl?: string }) {
  return new GeminiChat({ apiKey: opts.apiKey, model: opts.model, temperature: 0, maxRetries: 0, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) });
}
