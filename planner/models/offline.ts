// `offline` provider: a rule-based "model" built on the same reading of the conversation as the
// guard (../understanding). It emits the tool calls a model would — proposals with evidence, then
// submit_plan, or ask_user, or decline_request — so its output goes through the same validation,
// guard and plan assembly. Which action serves which intent comes from the catalog's metadata
// (`meaning`, `asks`), not from action names. No network; sessions show it as degraded.
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, isToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { DateTime } from 'luxon';
import type { AtomicAction, ConversationTurn } from '../../contracts/types.js';
import type { RollerBooking } from '../../activities/booking.js';
import { askedParams, asksFor, type Reading } from '../reading/index.js';
import { loadWordLists } from '../reading/vocabulary.js';
import { readSafely, requestWordsOf, targetProblem } from '../guard.js';

type Call = { name: string; args: Record<string, unknown> };

// a question with no change verb ("what is the weather like tomorrow?") is not a change request
/** A turn made only of greetings and pleasantries (the reading's `politeness` vocabulary). */
let polite: Set<string> | undefined;
function greetingOnly(text: string): boolean {
  const known = (polite ??= new Set([...loadWordLists('known-words.yaml').politeness!, 'there', 'all', 'team']));
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  return words.length > 0 && words.every((w) => known.has(w));
}

const QUESTION = /^\s*(?:what|who|why|how|where|which|when|is|are|does|do|did|can you tell|tell me|will)\b|\?\s*$/i;
const CHANGE_VERB = /\b(?:move|add|remove|change|update|make|reschedul\w*|push|set|switch|rebook|bring|drop|resend|send|fix|correct|swap|shift|increase|reduce|postpone|delay|put)\b/i;
const BOOKINGISH = /\b(?:booking|party|session|guests?|kids?|children|adults?|time|date|day|change|update|details|contact|tickets?)\b/i;

export interface OfflineContext {
  booking?: RollerBooking;
  timezone: string;
  now: DateTime;
  /** the conversation with the service's own questions between the user's turns */
  conversation: ConversationTurn[];
  /** the write actions on offer (blocked ones excluded) */
  actions: AtomicAction[];
}

export class OfflineChatModel extends BaseChatModel {
  constructor(private readonly ctx: OfflineContext) {
    super({});
  }

  _llmType(): string {
    return 'offline-rules';
  }

  bindTools(): this {
    return this;
  }

  private summary?: string;

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const last = messages[messages.length - 1];
    let calls: Call[];
    if (last && isToolMessage(last)) {
      // tool results came back: a correction was requested or the proposals were accepted
      const text = String(last.content);
      calls = /"error"/.test(text)
        ? [{ name: 'ask_user', args: { question: 'I could not work that out exactly. Could you say the change again with the day, time and number of guests?', missing: ['details'] } }]
        : [{ name: 'submit_plan', args: { summary: this.summary ?? 'Update the booking as requested.' } }];
    } else {
      calls = this.decide();
    }
    const message = new AIMessage({ content: '', tool_calls: calls.map((c, i) => ({ id: `offline_${i}`, name: c.name, args: c.args, type: 'tool_call' as const })) });
    return { generations: [{ text: '', message }] };
  }

  /** The conversation → proposals + submit, or a question, or a refusal. */
  decide(): Call[] {
    const { booking, timezone, now, conversation } = this.ctx;
    const ask = (question: string, missing: string[]): Call[] => [{ name: 'ask_user', args: { question, missing } }];
    const decline = (reason: string): Call[] => [{ name: 'decline_request', args: { reason } }];
    const reading = readSafely({ conversation, booking, timezone, locale: booking?.locale, now, requestWords: requestWordsOf(this.ctx.actions) });
    const userTurns = conversation.filter((t) => t.role === 'user').map((t) => t.text);

    const latest = userTurns[userTurns.length - 1] ?? '';
    if (userTurns.length === 1 && QUESTION.test(latest) && !CHANGE_VERB.test(latest)) return decline('I can only change bookings: the date and time, the number of guests or the contact details.');
    if (reading.injection) return ask(`Part of that message reads like instructions for a computer, not a booking change, so I have not planned anything. What change do you want on ${booking?.reference ?? 'this booking'}?`, ['request']);
    if (reading.cancel) return decline(`Cancelling a booking cannot be done here; please cancel it in ${this.ctx.actions.find((a) => a.api?.title)?.api?.title ?? 'the booking system'}.`);
    if (!booking) return ask('Which booking is this about? Please give the booking reference.', ['booking']);
    if (reading.targets.many) return decline(`I can only change one booking at a time — this conversation is about ${booking.reference}.`);
    const target = targetProblem(reading, booking);
    if (target) return ask(target.question, ['booking']);

    const requested = this.ctx.actions.filter((a) => a.critical.length === 0 && a.asks && asksFor(reading, a.asks.verbs, a.asks.objects));
    const wantsChange = !reading.offTopic || requested.length > 0;
    if (!wantsChange) {
      // "hi" / "hey there": a greeting opens a conversation, it does not end one
      return BOOKINGISH.test(userTurns.join(' ')) || greetingOnly(latest)
        ? ask('What would you like to change: the date and time, the number of guests, or the contact details?', ['change'])
        : decline('I can only change bookings: the date and time, the number of guests or the contact details.');
    }
    if (reading.asks.length) return ask(reading.asks.map((a) => a.question).join(' '), askedParams(reading.asks.map((a) => a.about), this.ctx.actions));

    const { proposals, parts } = this.propose(reading, requested);
    if (!proposals.length) {
      const already = reading.start?.unchanged ? `The booking is already at ${reading.start.value.setZone(timezone).toFormat('cccc d LLLL HH:mm')}. ` : '';
      return ask(`${already}What would you like to change: the date and time, the number of guests, or the contact details?`, ['change']);
    }
    this.summary = `${booking.reference}: ${parts.join(', ')}.`;
    return proposals;
  }

  /** One proposal per intent, on the action whose metadata says it carries that meaning. */
  private propose(reading: Reading, requested: AtomicAction[]): { proposals: Call[]; parts: string[] } {
    const { timezone } = this.ctx;
    const proposals: Call[] = [];
    const parts: string[] = [];
    const paramOf = (a: AtomicAction, m: string) => Object.entries(a.meaning ?? {}).find(([, v]) => v === m)?.[0];
    const withMeaning = (...ms: string[]) => this.ctx.actions.find((a) => ms.every((m) => paramOf(a, m)));

    const mover = withMeaning('start');
    if (reading.start && !reading.start.unchanged && mover) {
      const p = paramOf(mover, 'start')!;
      const at = reading.start.value.setZone(timezone);
      proposals.push({ name: mover.id, args: { [p]: at.toISO({ suppressMilliseconds: true }), evidence: { [p]: reading.start.evidence } } });
      parts.push(`move to ${at.toFormat('ccc d LLL HH:mm')}`);
    }
    const counter = withMeaning('ticket-item', 'ticket-quantity');
    if (counter) {
      const ip = paramOf(counter, 'ticket-item')!;
      const qp = paramOf(counter, 'ticket-quantity')!;
      for (const c of reading.counts) {
        proposals.push({ name: counter.id, args: { [ip]: c.itemId, [qp]: c.quantity, evidence: { [ip]: c.evidence, [qp]: c.evidence } } });
        parts.push(`${c.ticketType.toLowerCase()} tickets to ${c.quantity}`);
      }
    }
    const contactFields = Object.entries(reading.contact).filter(([, v]) => v) as Array<[string, { value: string; evidence: string }]>;
    if (contactFields.length) {
      const meaningOf: Record<string, string> = { name: 'holder-name', email: 'email', phone: 'phone' };
      const editor = withMeaning(...contactFields.map(([k]) => meaningOf[k]!));
      if (editor) {
        const args: Record<string, unknown> = {};
        const evidence: Record<string, string> = {};
        for (const [k, v] of contactFields) {
          const p = paramOf(editor, meaningOf[k]!)!;
          args[p] = v.value;
          evidence[p] = v.evidence;
        }
        proposals.push({ name: editor.id, args: { ...args, evidence } });
        parts.push(`contact ${contactFields.map(([k]) => k).join(' and ')}`);
      }
    }
    for (const a of requested) {
      proposals.push({ name: a.id, args: { evidence: { request: asksFor(reading, a.asks!.verbs, a.asks!.objects)! } } });
      parts.push(a.id.replace(/[_.-]+/g, ' '));
    }
    return { proposals, parts };
  }
}
