// `offline` provider: a rule-based "model" for the three core intents (reschedule, guest count,
// contact details, alone or combined) that emits the same tool calls a model would, so it goes
// through the same proposal validation, guard and plan assembly. No network; reported as degraded.
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, isHumanMessage, isToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type { RollerBooking } from '../../booking.js';
import { parseCount, parseWhen, ticketWords, toE164 } from '../guard.js';

type Call = { name: string; args: Record<string, unknown> };

const CANCEL = /\b(cancel|refund|delete|void)\b/i;
const RESCHEDULE = /\b(move|moving|reschedul\w*|rebook|push|shift|bring forward|change the (?:time|date|day)|switch)\b/i;
const COUNT_PHRASE =
  /\b(?:(add|plus|remove|take off|drop|minus|make it|make that|change (?:it )?to|increase (?:it )?to|reduce (?:it )?to|set (?:it )?to|another|an extra|one more)\s+)?((?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|a couple of|a couple|some|several)\s+)?(more\s+|extra\s+|additional\s+|fewer\s+|less\s+)?(kids?|children|child|adults?|guests?|people|persons|tickets|juniors?|seniors?|infants?|babies|toddlers?)(\s+more)?\b/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE = /\+?\d[\d\s-]{6,16}\d/;
const NAME = /\bname\s+(?:to|is|as|should be)\s+([A-Z][A-Za-z'’-]+(?:\s+[A-Z][A-Za-z'’-]+)*)/;
const CONTACT_WORDS = /\b(email|e-mail|phone|mobile|number|contact|name)\b/i;
// a question with no change verb ("what is the weather like tomorrow?") is not a change request
const QUESTION = /^\s*(what|who|why|how|where|which|is|are|does|do|tell|can you tell)\b/i;
const CHANGE_VERB = /\b(move|add|remove|change|update|make|reschedul\w*|push|set|switch|rebook|bring|drop|resend|send|fix|correct)\b/i;
const RESEND = /\b(resend|re-send|send (?:the |a )?(?:confirmation|booking email)|email (?:the |them )?(?:the )?confirmation)\b/i;

export interface OfflineContext {
  booking?: RollerBooking;
  timezone: string;
  now: DateTime;
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

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const last = messages[messages.length - 1];
    let calls: Call[];
    if (last && isToolMessage(last)) {
      // tool results came back: a correction was requested or the proposals were accepted
      const text = String(last.content);
      calls = /"error"/.test(text) ? [{ name: 'ask_user', args: { question: 'I could not work that out exactly. Could you say the change again with the day, time and number of guests?', missing: ['details'] } }] : [];
      if (!calls.length) calls = [{ name: 'submit_plan', args: { summary: this.summary ?? 'Update the booking as requested.' } }];
    } else {
      const userTexts = messages.filter(isHumanMessage).map((m) => String(m.content)).filter((t) => !t.startsWith('CONTEXT'));
      calls = this.decide(userTexts);
    }
    const message = new AIMessage({ content: '', tool_calls: calls.map((c, i) => ({ id: `offline_${i}`, name: c.name, args: c.args, type: 'tool_call' as const })) });
    return { generations: [{ text: '', message }] };
  }

  private summary?: string;

  /**
   * The rules: the user's messages (oldest first) → proposals + submit, or a question, or a refusal.
   * For each kind of detail the latest message that gives it wins, so an answer or a correction
   * ("actually 4pm") overrides what was said before.
   */
  decide(userTexts: string[]): Call[] {
    const { booking, timezone, now } = this.ctx;
    const latest = userTexts[userTexts.length - 1] ?? '';
    const all = userTexts.join('\n');
    const newestFirst = [...userTexts].reverse();
    const ask = (question: string, missing: string[]): Call[] => [{ name: 'ask_user', args: { question, missing } }];
    if (CANCEL.test(latest)) return [{ name: 'decline_request', args: { reason: 'Cancelling a booking cannot be done here; please cancel it in ROLLER.' } }];
    if (!booking) return ask('Which booking is this about? Please give the booking reference.', ['booking']);
    if (userTexts.length === 1 && QUESTION.test(latest) && !CHANGE_VERB.test(latest)) {
      return [{ name: 'decline_request', args: { reason: 'I can only change bookings: the date and time, the number of guests or the contact details.' } }];
    }

    const proposals: Call[] = [];
    const parts: string[] = [];
    const textForDates = new Map(userTexts.map((t) => [t, t]));
    const strip = (t: string, s: string) => textForDates.set(t, (textForDates.get(t) ?? t).replace(s, ' '));

    // guest counts: the newest message with a count phrase; a newer bare ticket word picks the item
    const countsIn = (t: string) => [...t.matchAll(COUNT_PHRASE)].filter((m) => m[1] || m[2] || m[3] || m[5]);
    const countMsg = newestFirst.find((t) => countsIn(t).length > 0);
    const itemFor = (word: string) => booking.items.filter((i) => ticketWords(i.ticketType, i.productName).some((w) => w === word || `${w}s` === word || w === `${word}s`));
    if (countMsg) {
      for (const t of userTexts) for (const m of countsIn(t)) strip(t, m[0]);
      const hintMsgs = newestFirst.slice(0, newestFirst.indexOf(countMsg));
      for (const m of countsIn(countMsg)) {
        const phrase = m[0].trim();
        const count = parseCount(phrase);
        const word = (m[4] ?? '').toLowerCase();
        let item = itemFor(word).length === 1 ? itemFor(word)[0] : booking.items.length === 1 && /guests?|people|persons|tickets/.test(word) ? booking.items[0] : undefined;
        let itemEvidence = phrase;
        if (!item) {
          for (const h of hintMsgs) {
            const hit = booking.items.find((i) => ticketWords(i.ticketType, i.productName).some((w) => new RegExp(`\\b${w}\\b`, 'i').test(h)));
            const word2 = hit && ticketWords(hit.ticketType, hit.productName).find((w) => new RegExp(`\\b${w}\\b`, 'i').test(h));
            if (hit && word2) {
              item = hit;
              itemEvidence = h.match(new RegExp(`\\b${word2}\\b`, 'i'))![0];
              break;
            }
          }
        }
        if (!item) return ask(`Which tickets should change — ${booking.items.map((i) => `${i.ticketType} (${i.quantity})`).join(' or ')}?`, ['ticket type']);
        if (count === undefined || count === 'vague') return ask(`Exactly how many ${item.ticketType.toLowerCase()} tickets should there be? There are ${item.quantity} now.`, ['quantity']);
        const quantity = count.sign === 0 ? count.n : item.quantity + count.sign * count.n;
        proposals.push({ name: 'update_guest_count', args: { itemId: item.itemId, quantity, evidence: { itemId: itemEvidence, quantity: phrase } } });
        parts.push(`${item.ticketType.toLowerCase()} tickets to ${quantity}`);
      }
    }

    // contact details: each field from the newest message that gives it
    const contact: Record<string, unknown> = {};
    const evidence: Record<string, string> = {};
    for (const t of newestFirst) {
      const email = t.match(EMAIL)?.[0];
      if (email && !contact.email) {
        contact.email = email;
        evidence.email = email;
      }
      if (email) strip(t, email);
      const phoneRaw = (textForDates.get(t) ?? t).match(PHONE)?.[0];
      if (phoneRaw && /\b(phone|mobile|number|call)\b/i.test(all)) {
        strip(t, phoneRaw);
        if (!contact.phone) {
          const e164 = toE164(phoneRaw, timezone);
          if (!e164) return ask('That phone number does not look valid. What is the new number?', ['phone']);
          contact.phone = e164;
          evidence.phone = phoneRaw.trim();
        }
      }
      const name = t.match(NAME)?.[1];
      if (name) {
        strip(t, name);
        if (!contact.name) {
          contact.name = name;
          evidence.name = name;
        }
      }
    }
    if (Object.keys(contact).length) {
      proposals.push({ name: 'update_contact_details', args: { ...contact, evidence } });
      parts.push(`contact ${Object.keys(contact).join(' and ')}`);
    } else if (CONTACT_WORDS.test(all) && /\b(update|change|new|correct|fix)\b/i.test(all) && !countMsg && !RESCHEDULE.test(all)) {
      return ask('What are the new contact details (name, email or phone)?', ['contact details']);
    }

    // reschedule: the newest day and the newest time the user gave
    const ref = { instant: now.setZone(timezone).toJSDate(), timezone: now.setZone(timezone).offset };
    const parsed = newestFirst.map((t) => chrono.parse(textForDates.get(t) ?? t, ref, { forwardDate: true }).filter((d) => !/^(right\s+)?now$/i.test(d.text.trim())));
    const dayRes = parsed.flat().find((d) => d.start.isCertain('day') || d.start.isCertain('weekday'));
    const timeRes = parsed.flat().find((d) => d.start.isCertain('hour'));
    const anyDate = parsed.flat()[0];
    if (RESCHEDULE.test(all) || anyDate) {
      if (!anyDate) return ask('Which day and time should the booking move to?', ['date', 'time']);
      const phrase = dayRes && timeRes && dayRes !== timeRes ? `${dayRes.text} + ${timeRes.text}` : (dayRes ?? timeRes ?? anyDate).text;
      const when = parseWhen(phrase.replace(' + ', ' '), timezone, now);
      if (!when.hasDay) return ask('Which day should the booking move to?', ['date']);
      if (when.ambiguousMeridiem && when.instant) return ask(`${when.instant.toFormat('h')}am or ${when.instant.toFormat('h')}pm?`, ['time']);
      if (!when.hasTime || !when.instant) return ask(`What time on ${when.instant?.toFormat('cccc d LLLL') ?? 'that day'}?`, ['time']);
      proposals.unshift({ name: 'reschedule_booking', args: { newStart: when.instant.toISO({ suppressMilliseconds: true }), evidence: { newStart: phrase } } });
      parts.unshift(`move to ${when.instant.toFormat('ccc d LLL HH:mm')}`);
    }

    const resend = all.match(RESEND)?.[0];
    if (resend) {
      proposals.push({ name: 'resend_confirmation', args: { evidence: { request: resend } } });
      parts.push('resend the confirmation');
    }

    if (!proposals.length) {
      const bookingish = /\b(booking|party|session|guests?|kids?|adults?|time|date|change|update)\b/i.test(all);
      return bookingish
        ? ask('What would you like to change: the date and time, the number of guests, or the contact details?', ['change'])
        : [{ name: 'decline_request', args: { reason: 'I can only change bookings: the date and time, the number of guests or the contact details.' } }];
    }
    this.summary = `${booking.reference}: ${parts.join(', ')}.`;
    return proposals;
  }
}

