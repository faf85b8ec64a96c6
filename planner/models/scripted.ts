// `scripted` provider: replays model turns from an LLM_SCRIPT JSON file (a contract documented in
// the README): {"scripts":[{"match":"<regex>","turns":[{"text":"…","toolCalls":[{"name","args"}]}]}]}.
// The first script whose `match` (case-insensitive) fits the latest user message is used; each model
// call returns the next turn; running out of turns is a planner failure.
import { readFileSync } from 'node:fs';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';

export interface ScriptTurn {
  text?: string;
  toolCalls?: Array<{ name: string; args?: Record<string, unknown> }>;
}
export interface Script {
  match: string;
  turns: ScriptTurn[];
}

export class ScriptError extends Error {
  override name = 'ScriptError';
}

export function loadScripts(path: string): Script[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ScriptError(`LLM_SCRIPT ${path} cannot be read as JSON: ${(e as Error).message}`);
  }
  const scripts = (parsed as { scripts?: unknown }).scripts;
  if (!Array.isArray(scripts)) throw new ScriptError(`LLM_SCRIPT ${path}: expected {"scripts": [...]}`);
  scripts.forEach((s, i) => {
    if (typeof s?.match !== 'string' || !Array.isArray(s?.turns)) throw new ScriptError(`LLM_SCRIPT ${path}: scripts[${i}] needs "match" (string) and "turns" (array)`);
    try {
      new RegExp(s.match, 'i');
    } catch {
      throw new ScriptError(`LLM_SCRIPT ${path}: scripts[${i}].match is not a valid regex`);
    }
  });
  return scripts as Script[];
}

export function pickScript(scripts: Script[], latestUserMessage: string): Script | undefined {
  return scripts.find((s) => new RegExp(s.match, 'i').test(latestUserMessage));
}

export class ScriptedChatModel extends BaseChatModel {
  private cursor: number;
  constructor(private readonly script: Script, startAt = 0) {
    super({});
    this.cursor = startAt;
  }

  _llmType(): string {
    return 'scripted';
  }

  bindTools(): this {
    return this;
  }

  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    const turn = this.script.turns[this.cursor];
    if (!turn) throw new ScriptError(`The scripted model ran out of turns (script /${this.script.match}/ has ${this.script.turns.length})`);
    const callIndex = this.cursor;
    this.cursor += 1;
    const message = new AIMessage({
      content: turn.text ?? '',
      tool_calls: (turn.toolCalls ?? []).map((c, i) => ({ id: `call_${callIndex}_${i}`, name: c.name, args: c.args ?? {}, type: 'tool_call' as const })),
      usage_metadata: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    });
    return { generations: [{ text: turn.text ?? '', message }] };
  }
}
