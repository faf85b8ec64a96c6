// Tool declarations the model sees (Gemini functionDeclarations form, already Gemini-safe):
// read actions run live, write actions are proposals with evidence, plus three terminal tools.
import type { AtomicAction, JsonSchema } from '../contracts/types.js';
import type { Catalog } from '../catalog/importer.js';

export interface FunctionDeclaration {
  name: string;
  description: string;
  parameters?: JsonSchema;
}

export const TERMINAL_TOOLS = ['ask_user', 'submit_plan', 'decline_request'] as const;
export type TerminalTool = (typeof TERMINAL_TOOLS)[number];

export function isTerminal(name: string): name is TerminalTool {
  return (TERMINAL_TOOLS as readonly string[]).includes(name);
}

function evidenceSchema(action: AtomicAction): JsonSchema {
  const props: Record<string, JsonSchema> = {
    request: { type: 'string', description: "The user's own words that ask for this step" },
    ...Object.fromEntries(action.critical.map((c) => [c, { type: 'string', description: `The user's own words that give ${c}` }])),
  };
  return {
    type: 'object',
    description: 'The exact words from the user behind this step: `request` for the step itself and one entry per critical parameter you set. Never invent or paraphrase; join separate phrases with " + ".',
    properties: props,
  };
}

export function readTools(catalog: Catalog): AtomicAction[] {
  return catalog.list().filter((a) => a.kind === 'read' && a.readOnly && a.safety !== 'blocked');
}

export function writeTools(catalog: Catalog): AtomicAction[] {
  return catalog.list().filter((a) => a.kind === 'write' && a.safety !== 'blocked');
}

export function toolDeclarations(catalog: Catalog): FunctionDeclaration[] {
  const decls: FunctionDeclaration[] = [];
  for (const a of readTools(catalog)) {
    const hasParams = Object.keys(a.params.properties ?? {}).length > 0;
    decls.push({ name: a.id, description: `[read] ${a.description}`, ...(hasParams ? { parameters: a.params } : {}) });
  }
  for (const a of writeTools(catalog)) {
    const properties = { ...(a.params.properties ?? {}), evidence: evidenceSchema(a) };
    const required = [...(a.params.required ?? []), 'evidence'];
    decls.push({
      name: a.id,
      description: `[proposal: adds a step to the plan, runs only after the user confirms; safety ${a.safety}${a.reversible ? ', reversible' : ', NOT reversible'}] ${a.description}`,
      parameters: { type: 'object', properties, ...(required.length ? { required } : {}) },
    });
  }
  decls.push(
    {
      name: 'ask_user',
      description: 'Ask the user a question instead of guessing, when any critical detail is missing or ambiguous. Ends planning for now.',
      parameters: {
        type: 'object',
        properties: { question: { type: 'string', description: 'One short question for the venue staff member' }, missing: { type: 'array', items: { type: 'string' }, description: 'Names of the missing details' } },
        required: ['question', 'missing'],
      },
    },
    {
      name: 'submit_plan',
      description: 'Submit the proposed steps as the plan to show the user for one confirmation.',
      parameters: { type: 'object', properties: { summary: { type: 'string', description: 'One sentence describing the whole change' } }, required: ['summary'] },
    },
    {
      name: 'decline_request',
      description: 'Refuse a request this service cannot or must not do (e.g. cancelling a booking, anything unrelated to updating this booking).',
      parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why, in one sentence the user will read' } }, required: ['reason'] },
    },
  );
  return decls;
}
