// `ollama` provider: a local model served by Ollama, through @langchain/ollama (OpenAI-style tools).
import { ChatOllama } from '@langchain/ollama';

export function createOllamaModel(opts: { baseUrl: string; model: string }) {
  return new ChatOllama({ baseUrl: opts.baseUrl, model: opts.model, temperature: 0 });
}
