// `ollama` provider: a local model served by Ollama, through @langchain/ollama (OpenAI-style tools).
// Retries are the planner's (model-call.ts), not the client's: maxRetries 0.
import { ChatOllama } from '@langchain/ollama';

export function createOllamaModel(opts: { baseUrl: string; model: string }) {
  return new ChatOllama({ baseUrl: opts.baseUrl, model: opts.model, temperature: 0, maxRetries: 0 });
}
