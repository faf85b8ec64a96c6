// Chooses the model provider from configuration (LLM_PROVIDER; default google with a key, else offline).
import type { Config } from '../config/config.js';
import type { Catalog } from '../catalog/importer.js';
import type { ActionRunner } from '../activities/action-runner.js';
import type { Tracer } from '../observability/langfuse.js';
import { ReactPlanner, type ModelProvider } from './react-loop.js';
import { ScriptError, ScriptedChatModel, loadScripts, pickScript } from './models/scripted.js';
import { OfflineChatModel } from './models/offline.js';
import { createGeminiModel } from './models/google.js';
import { createOllamaModel } from './models/ollama.js';
import { DateTime } from 'luxon';
import { writeTools } from './tools.js';

export function createProvider(config: Config['planner'], catalog?: Catalog): ModelProvider {
  switch (config.provider) {
    case 'google':
      return { name: `google:${config.model}`, degraded: false, create: () => createGeminiModel({ apiKey: config.googleApiKey!, model: config.model, baseUrl: config.googleBaseUrl }) };
    case 'ollama':
      return { name: `ollama:${config.ollamaModel}`, degraded: false, toolFormat: 'openai', create: () => createOllamaModel({ baseUrl: config.ollamaBaseUrl, model: config.ollamaModel }) };
    case 'scripted': {
      const scripts = loadScripts(config.script!);
      return {
        name: 'scripted',
        degraded: false,
        create: (ctx) => {
          const latest = [...ctx.input.conversation].reverse().find((t) => t.role === 'user')?.text ?? '';
          const script = pickScript(scripts, latest);
          if (!script) throw new ScriptError(`No script in LLM_SCRIPT matches the message (${latest.length} characters)`);
          return new ScriptedChatModel(script, ctx.startAt);
        },
      };
    }
    case 'offline':
      return { name: 'offline', degraded: true, create: (ctx) => new OfflineChatModel({ booking: ctx.booking, timezone: ctx.timezone, now: ctx.now, conversation: ctx.input.conversation, actions: catalog ? writeTools(catalog) : [] }) };
  }
}

/** `sleep`: how the planner waits before retrying a model call (tests record the waits instead). */
export function createPlanner(config: Config, catalog: Catalog, runner: ActionRunner, tracer?: Tracer, clock?: () => DateTime, sleep?: (ms: number) => Promise<void>): ReactPlanner {
  const fixed = config.planner.now ? DateTime.fromISO(config.planner.now, { setZone: true }) : undefined;
  const p = config.planner;
  return new ReactPlanner(catalog, runner, createProvider(p, catalog), { maxModelCalls: p.maxModelCalls, budgetMs: p.budgetMs, maxCorrections: p.maxCorrections, callTimeoutMs: p.callTimeoutMs }, tracer, clock ?? (fixed ? () => fixed : undefined), sleep);
}
