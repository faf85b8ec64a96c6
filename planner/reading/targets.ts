// Which booking the words are about: a reference or a holder name that is not this booking's, or
// many bookings at once ("all saturday bookings"). Either means this session cannot plan it.
import type { RollerBooking } from '../../activities/booking.js';
import { MONTHS, TICKET_FAMILIES, WEEKDAYS } from './lexicon.js';

export interface Targets {
  otherReferences: string[];
  otherNames: string[];
  many: boolean;
}

const NOT_NAMES = new Set([
  'the', 'a', 'an', 'this', 'that', 'my', 'our', 'your', 'their', 'his', 'her', 'its', 'same', 'whole', 'entire', 'original',
  'birthday', 'bday', 'b-day', 'party', 'kids', 'kid', 'childrens', "children's", 'school', 'group', 'family', 'jump', 'jumping',
  'new', 'old', 'next', 'last', 'first', 'current', 'existing', 'morning', 'afternoon', 'evening', 'today', 'tomorrow', 'tonight',
  'weekend', 'big', 'small', 'large', 'private', 'vip', 'deluxe', 'standard', 'premium', 'basic', 'ultimate', 'mega', 'super',
  'booking', 'bookings', 'session', 'sessions', 'one', 'two', 'three', 'it', 'them', 'update', 'change', 'move', 'for', 'of',
  'and', 'with', 'to', 'on', 'at', 'in', 'is', 'confirmation', 'pm', 'am', 'ninja', 'glow', 'toddler', 'holiday', 'xmas',
  'christmas', 'end', 'year', 'more', 'fewer', 'less', 'extra', 'additional', 'few', 'some', 'all', 'couple', 'other', 'another',
  'both', 'those', 'these', 'any', 'every', 'each', 'whole', 'remaining', 'same', 'earlier', 'later', 'previous', 'second', 'new',
  'plus', 'minus', 'add', 'remove', 'total', 'then', 'now', 'just', 'also', 'too', 'only', 'please', 'thanks', 'cheers', 'ok', 'work', 'corporate', 'team', 'club', 'sports', 'footy', 'soccer', 'netball', 'dance', 'scout',
  'scouts', 'daycare', 'kindy', 'preschool', 'class', 'reference', 'ref',
]);

export function readTargets(text: string, booking?: RollerBooking): Targets {
  const out: Targets = { otherReferences: [], otherNames: [], many: false };
  const own = new Set(booking ? [booking.reference, booking.bookingId].map((r) => r.toLowerCase().replace(/[^a-z0-9]/g, '')) : []);
  const holderWords = new Set((booking?.holder?.name ?? '').toLowerCase().split(/[^a-z'-]+/).filter(Boolean).flatMap((w) => [w, w.replace(/'s$/, '')]));
  const productWords = new Set((booking?.items ?? []).flatMap((i) => `${i.productName} ${i.ticketType}`.toLowerCase().split(/[^a-z]+/)));
  const skip = (w: string) => NOT_NAMES.has(w) || productWords.has(w) || WEEKDAYS.includes(w) || w in MONTHS || TICKET_FAMILIES.some((f) => f.includes(w)) || /\d/.test(w);

  // references: letters-digits codes ("NGU-1001", "bk 1002", "#2001")
  for (const m of text.matchAll(/(?:\b([a-z]{2,5})[- ]?|#)(\d{3,7})\b/g)) {
    if (m[1] && !/^(bk|ref|no|booking|[a-z]{3})$/.test(m[1])) continue;
    const code = `${m[1] ?? ''}${m[2]}`.replace(/[^a-z0-9]/g, '');
    const digitsOnly = m[2]!;
    const mine = [...own].some((r) => r === code || r.endsWith(digitsOnly));
    if (!mine && (m[1] || m[0].startsWith('#'))) out.otherReferences.push(m[0].trim());
  }
  // holder names: "the smith party", "jordan's booking", "booking for the lees", "for tran"
  // "the smith party", "jordan's booking", "the lees' booking": a name needs "the" before it or a possessive
  const nameBefore = /(?:\bthe\s+([a-z][a-z'-]+?)(?:'s|s')?|\b([a-z][a-z-]+)(?:'s|s'))\s+(?:party|booking|bookings|family|group|kids|reservation|order|birthday|bday|crew|lot|session)\b/g;
  const nameAfter = /\b(?:booking|party|reservation|session)\s+(?:for|under|of)\s+(?:the\s+)?([a-z][a-z'-]+)/g;
  for (const re of [nameBefore, nameAfter]) {
    for (const m of text.matchAll(re)) {
      const raw = (m[1] ?? m[2])!;
      const w = raw.replace(/'s$|s'$/, '');
      if (skip(w) || skip(raw)) continue;
      if (holderWords.has(w) || holderWords.has(w.replace(/s$/, '')) || holderWords.has(`${w}s`)) continue;
      out.otherNames.push(w);
    }
  }
  // "for priya patel, move to sun 2pm", "re smith: ..."
  const lead = text.match(/(?:^|\b(?:this is|it is|that is|this one is|the booking is|booking is|it was|this was)\s+)\s*(?:for|re|regarding|about|booking for|party for)\s+(?:the\s+)?([a-z][a-z'-]+)(?:\s+([a-z][a-z'-]+))?\s*(?:[,:;-]|$)/);
  if (lead) {
    const ws = [lead[1], lead[2]].filter((w): w is string => !!w && !skip(w));
    // "for david chen" on Amy Chen's booking: a full name must be the holder's, a single word one of theirs
    const theirs = (w: string) => holderWords.has(w) || holderWords.has(w.replace(/s$/, ''));
    if (ws.length && !(ws.length === 2 ? ws.every(theirs) : ws.some(theirs))) out.otherNames.push(ws.join(' '));
  }
  if (/\b(?:all|every|each|both)\s+(?:of\s+)?(?:the\s+|my\s+|our\s+|today'?s\s+|tomorrow'?s\s+)?(?:[a-z]+\s+){0,2}(?:bookings|parties|reservations|sessions|groups|booking|party)\b|\bthe other (?:party|booking|one|group|family|session)\b|\banother (?:party|booking|group|family)\b|\beveryone (?:booked|on)\b|\bevery(?:one|body)'s bookings?\b|\bthe other bookings?\b/.test(text)) {
    out.many = true;
  }
  return out;
}
