// `google` provider: Gemini through @langchain/google-genai. GOOGLE_API_BASE_URL points it at a
// proxy or (in tests) a local server speaking Gemini's REST format.
import { ChatGoogleGenerativeAI } from '@langchain/google-genai';

export function createGeminiModel(opts: { apiKey: string; model: string; baseUrl?: string }) {
  return new ChatGoogleGenerativeAI({ apiKey: opts.apiKey, model: opts.model, temperature: 0, maxRetries: 1, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) });
}
