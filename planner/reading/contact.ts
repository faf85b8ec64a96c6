// Contact details in one turn: emails (whole tokens), phones (libphonenumber's text search in the
// venue's country), and a new holder name ("name to …", "surname is …"). A value said to be an
// addition ("also", "too", "second email") is not a replacement, and is reported as such.
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';
import { negatedAt, titleCase, type Found } from './text.js';
import { notAName } from './names.js';

export interface ContactFound {
  emails: Found<string>[];
  phones: Found<string>[];
  /** phone-like digits that do not make a valid number */
  badPhones: Found<string>[];
  names: Found<{ name?: string; first?: string; last?: string }>[];
  /** the turn asks for a contact change without giving the value: 'email' | 'phone' | 'name' */
  asked: Array<'email' | 'phone' | 'name' | 'contact'>;
  /** a contact value said to be in addition to the current one */
  additional: Array<'email' | 'phone'>;
  spans: Array<[number, number]>;
  /** a "name" that reads like an instruction */
  suspiciousName?: boolean;
  /** emails given as where to send something ("resend it to x@y"), not as the new contact */
  recipients: string[];
}

const EMAIL = /[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;
const ADDITIONAL = /\b(?:also|too|as well|second|2nd|another|additional|extra|other|cc|secondary|alternate|alternative|backup|plus)\b/;
const STOP_NAME = /\b(?:and|but|also|then|please|pls|thanks|thx|cheers|email|phone|mobile|number|mob|ph|on|for|at|with|to|the|booking|instead|not|no|or|now|too|again|sorry|so|as|is|was|if|ok|okay|thank|because|since)\b/;
const NAME_FILLER = /^(?:actually|now|just|really|meant to be|supposed to be|officially)$/;
/** Words no one's name is made of, but an instruction to a model is. */
const NOT_A_NAME = /\b(?:ignore|previous|instructions?|system|assistant|prompt|override|admin|developer|disregard|quantity|cancel|delete|refund|null|undefined|script|select|drop)\b|[<>{}[\]$;=]/;

export function readContact(original: string, text: string, country: CountryCode | undefined): ContactFound {
  const out: ContactFound = { emails: [], phones: [], badPhones: [], names: [], asked: [], additional: [], spans: [], recipients: [] };
  for (const m of text.matchAll(EMAIL)) {
    const start = m.index!;
    const end = start + m[0].length;
    out.spans.push([start, end]);
    const value = m[0].replace(/[.'-]+$/, '').toLowerCase();
    const lead = text.slice(Math.max(0, start - 60), start);
    if (/\b(?:re-?send|send|forward|email|mail)\b[^,;.]*\bto\s*$/.test(lead) && !/\b(?:change|update|new|is now|should be|correct)\b/.test(lead)) {
      out.spans.push([start, end]);
      out.recipients.push(value);
      continue;
    }
    out.emails.push({ start, end, text: m[0], value, negated: negatedAt(text, start) });
    if (ADDITIONAL.test(text.slice(Math.max(0, start - 40), start)) || /^\s*(?:too|as well|also)\b/.test(text.slice(end))) out.additional.push('email');
  }
  // phones: libphonenumber finds valid numbers in running text; emails are blanked first
  let blank = text;
  for (const [s, e] of out.spans) blank = blank.slice(0, s) + ' '.repeat(e - s) + blank.slice(e);
  for (const p of findPhoneNumbersInText(blank, country ? { defaultCountry: country } : undefined)) {
    out.spans.push([p.startsAt, p.endsAt]);
    out.phones.push({ start: p.startsAt, end: p.endsAt, text: blank.slice(p.startsAt, p.endsAt), value: p.number.number, negated: negatedAt(text, p.startsAt) });
    if (ADDITIONAL.test(text.slice(Math.max(0, p.startsAt - 40), p.startsAt)) || /^\s*(?:too|as well|also)\b/.test(text.slice(p.endsAt))) out.additional.push('phone');
  }
  // digit runs that look like a phone but are not a valid one (a typo, a missing digit)
  const phoneWords = /\b(?:phone|mobile|mob|ph|cell|number|no\.?|contact|call|text|sms)\b/;
  for (const m of blank.matchAll(/\+?\(?\d[\d\s().-]{6,18}\d/g)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (out.phones.some((p) => p.start < end && p.end > start)) continue;
    if ((m[0].match(/\d/g) ?? []).length < 8) continue;
    if (!phoneWords.test(text)) continue;
    out.spans.push([start, end]);
    out.badPhones.push({ start, end, text: m[0], value: m[0] });
  }
  // a value called old/dead/wrong is the one being replaced ("old number … is dead, new one is …")
  const superseded = (f: { start: number; end: number }) => {
    const around = text.slice(Math.max(0, f.start - 30), Math.min(text.length, f.end + 30));
    const before = text.slice(Math.max(0, f.start - 30), f.start);
    return /\b(?:old|dead|previous|former|wrong|incorrect|disconnected|not working|no longer|outdated|current)\b/.test(before.split(/[,;]|\bnew\b/).pop() ?? '') || /^\s*(?:is|was)\s+(?:dead|wrong|old|not working|disconnected|incorrect|outdated)\b/.test(text.slice(f.end)) && !/\bnew\b/.test(around.slice(0, 30));
  };
  for (const list of [out.emails, out.phones]) for (const f of list) if (superseded(f)) f.negated = true;
  // names: "name to jordan lee", "surname is tran", "under the name of x", "first name sam"
  const NAME_RE = /\b(?:(sur|last |family |first |given )?name|booking (?:is )?under|under the name(?: of)?|put it under|spelt|spelled|holder(?: name)?|holder's name)\s*(?:(?:should be|shld be|shud be|should read|to|is|as|=|:|of|now|changed to|change to|spelt|spelled)\s+)*(\p{L}[\p{L}'’-]+(?:\s+(?:&\s+)?\p{L}[\p{L}'’-]+){0,3})/giu;
  for (const m of text.matchAll(NAME_RE)) {
    const kind = (m[1] ?? '').trim().toLowerCase();
    let start = m.index! + m[0].length - m[2]!.length;
    if (NOT_A_NAME.test(m[2]!.toLowerCase())) {
      out.suspiciousName = true;
      continue;
    }
    let words = m[2]!.split(/\s+/);
    let skipped = 0;
    while (words.length && NAME_FILLER.test(words[0]!.toLowerCase())) {
      skipped += words[0]!.length + 1;
      words = words.slice(1);
    }
    // "the name is wrong": a judgement, not a name
    if (words.length && /^(?:wrong|incorrect|misspelt|misspelled|spelt|spelled|right|correct|fine|ok|okay|missing|blank|empty|different|changed|new|old|off|bad|typo)$/i.test(words[0]!)) continue;
    const cut = words.findIndex((w) => STOP_NAME.test(w.toLowerCase()));
    if (cut >= 0) words = words.slice(0, cut);
    if (words.length === 0) continue;
    const raw = words.join(' ');
    // the person's own capitals, when they typed any
    const typed = original.match(new RegExp(raw.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'i'))?.[0] ?? raw;
    const value = titleCase(typed.replace(/\s+/g, ' '));
    start += skipped;
    if (notAName(value)) {
      // "name shld be ana ruiz", "her partner's name": words around a name are not the name
      out.suspiciousName = true;
      out.spans.push([start, start + raw.length]);
      continue;
    }
    const end = start + raw.length;
    out.spans.push([start, end]);
    const negated = negatedAt(text, start);
    if (kind === 'sur' || kind === 'last' || kind === 'family') out.names.push({ start, end, text: raw, value: { last: value }, negated });
    else if (kind === 'first' || kind === 'given') out.names.push({ start, end, text: raw, value: { first: value }, negated });
    else out.names.push({ start, end, text: raw, value: { name: value }, negated });
  }
  // "the name is wrong, should be Linh Ngyuen": the value after "should be" when the turn is about the name
  if (out.names.every((n) => n.negated) && /\b(?:name|spelling|spelt|spelled)\b/.test(text)) {
    const m = text.match(/\b(?:should be|should read|is actually|correct spelling is|it should say|needs to be)\s+([a-z][a-z'’-]+(?:\s+[a-z][a-z'’-]+){0,3})/);
    if (m) {
      let words = m[1]!.split(/\s+/);
      const cut = words.findIndex((w) => STOP_NAME.test(w));
      if (cut >= 0) words = words.slice(0, cut);
      const raw = words.join(' ');
      const start = m.index! + m[0].length - m[1]!.length;
      const typed = original.match(new RegExp(raw.split(' ').join('\\s+'), 'i'))?.[0] ?? raw;
      if (raw && !NOT_A_NAME.test(raw) && !notAName(raw)) {
        out.names.push({ start, end: start + raw.length, text: raw, value: { name: titleCase(typed.replace(/\s+/g, ' ')) } });
        out.spans.push([start, start + raw.length]);
      }
    }
  }
  const changeWord = /\b(?:update|change|new|correct|fix|wrong|replace|different|swap|edit|amend)\b/;
  if (changeWord.test(text)) {
    if (/\b(?:e-?mail|email address)\b/.test(text) && out.emails.length === 0) out.asked.push('email');
    if (/\b(?:phone|mobile|mob|ph|cell|contact number)\b/.test(text) && out.phones.length === 0 && out.badPhones.length === 0) out.asked.push('phone');
    if (/\bname\b/.test(text) && out.names.length === 0) out.asked.push('name');
    if (/\b(?:contact|details)\b/.test(text) && out.asked.length === 0 && out.emails.length + out.phones.length + out.names.length === 0) out.asked.push('contact');
  }
  return out;
}
