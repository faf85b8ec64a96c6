// Langfuse tracing (current SDK on OpenTelemetry): switched on by LANGFUSE_PUBLIC_KEY and
// LANGFUSE_SECRET_KEY (LANGFUSE_BASE_URL for self-hosted), silent otherwise. Everything exported
// passes through the PII/secret mask first.
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { CallbackHandler } from '@langfuse/langchain';
import { propagateAttributes, startActiveObservation, startObservation } from '@langfuse/tracing';
import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { maskDeep } from './redact.js';

export interface TraceRun {
  handlers: BaseCallbackHandler[];
  tool<T>(name: string, input: unknown, fn: () => Promise<T>): Promise<T>;
  output(value: unknown): void;
}

export interface Tracer {
  enabled: boolean;
  run<T>(name: string, attrs: { sessionId: string; userId?: string; input?: unknown }, fn: (run: TraceRun) => Promise<T>): Promise<T>;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const noopRun: TraceRun = { handlers: [], tool: (_n, _i, fn) => fn(), output: () => {} };
export const disabledTracer: Tracer = { enabled: false, run: (_n, _a, fn) => fn(noopRun), flush: async () => {}, shutdown: async () => {} };

export function createTracer(env: Record<string, string | undefined> = process.env, exporter?: SpanExporter): Tracer {
  const publicKey = env.LANGFUSE_PUBLIC_KEY;
  const secretKey = env.LANGFUSE_SECRET_KEY;
  if (!publicKey || !secretKey) return disabledTracer;
  const processor = new LangfuseSpanProcessor({
    publicKey,
    secretKey,
    baseUrl: env.LANGFUSE_BASE_URL ?? env.LANGFUSE_HOST,
    mask: ({ data }) => maskDeep(data),
    mediaUploadEnabled: false,
    ...(exporter ? { exporter } : {}),
  });
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  return {
    enabled: true,
    run: (name, attrs, fn) =>
      startActiveObservation(
        name,
        async (root) => {
          root.update({ input: maskDeep(attrs.input) });
          return propagateAttributes({ sessionId: attrs.sessionId, userId: attrs.userId }, () =>
            fn({
              handlers: [new CallbackHandler({ sessionId: attrs.sessionId, userId: attrs.userId })],
              tool: async (toolName, input, f) => {
                const span = startObservation(toolName, { input: maskDeep(input) }, { asType: 'tool' });
                try {
                  const out = await f();
                  span.update({ output: maskDeep(out) });
                  return out;
                } finally {
                  span.end();
                }
              },
              output: (value) => root.update({ output: maskDeep(value) }),
            }),
          );
        },
        { asType: 'agent' },
      ),
    flush: () => processor.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
