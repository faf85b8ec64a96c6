// Words staff type on a phone, and what they stand for. Only what no library covers lives here:
// chrono parses the dates, libphonenumber the phones; these are the shorthand, number words and cue
// phrases around them. Each list is exercised by test/understanding.test.ts.

/** Shorthand rewritten before any parsing (whole words only). */
export const SHORTHAND: Array<[RegExp, string]> = [
  [/\b(?:tmrw|tmrow|tmw|tmr|tomoz|tomorow|tommorow|tommorrow|tomorrw|2moro|2morrow|2mrw)\b/g, 'tomorrow'],
  [/\b(?:2day|tdy|tday)\b/g, 'today'],
  [/\b(?:2nite|tonite)\b/g, 'tonight'],
  [/\barvo\b/g, 'afternoon'],
  [/\barvos\b/g, 'afternoons'],
  [/\bthurs?\b|\bthu\b/g, 'thursday'],
  [/\btues?\b/g, 'tuesday'],
  [/\bweds?\b/g, 'wednesday'],
  [/\bmon\b/g, 'monday'],
  [/\bfri\b/g, 'friday'],
  [/\bsat\b/g, 'saturday'],
  [/\bsun\b/g, 'sunday'],
  [/\bsatur?day\b|\bsaturady\b|\bsaterday\b/g, 'saturday'],
  [/\bwensday\b|\bwednsday\b/g, 'wednesday'],
  [/\bfriaday\b|\bfirday\b/g, 'friday'],
  [/\bo\s?clock\b|\bo'clock\b/g, "o'clock"],
  [/\bmins?\b/g, 'minutes'],
  [/\bhrs?\b/g, 'hours'],
  [/\bwks?\b/g, 'weeks'],
  [/\bppl\b|\bpeeps\b/g, 'people'],
  [/\bkiddos?\b|\bkidz\b|\bkiddies\b|\bkiddy\b/g, 'kids'],
  [/\bchildern\b|\bchidren\b|\bchilren\b/g, 'children'],
  [/\baddults?\b|\badlts?\b/g, 'adults'],
  [/\bpls\b|\bplz\b|\bplease\b/g, ' '],
  [/\bu\b/g, 'you'],
  [/\bcan't\b|\bcant\b|\bcannot\b/g, 'can not'],
  [/\bdon't\b|\bdont\b/g, 'do not'],
  [/\bwon't\b|\bwont\b/g, 'will not'],
  [/\bisn't\b|\bisnt\b/g, 'is not'],
  [/\baren't\b|\barent\b/g, 'are not'],
  [/\bdoesn't\b|\bdoesnt\b/g, 'does not'],
  [/\bit's\b/g, 'it is'],
  [/\bthat's\b/g, 'that is'],
  [/\bwe're\b/g, 'we are'],
  [/\bthey're\b/g, 'they are'],
  [/\bthey'll\b/g, 'they will'],
  [/\bthere'll\b/g, 'there will'],
];

export const NUMBER_WORDS: Record<string, number> = {
  zero: 0, none: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50,
};

/** Counts that are not a number: a careful person asks. */
export const VAGUE_QUANTITY = /\b(?:a few|few|some|several|a couple(?: of)?|couple(?: of)?|a bunch(?: of)?|lots? of|many|a handful(?: of)?|heaps(?: of)?|a lot)\b/;

/** Ordinal day words, written as staff dictate them ("the nineteenth"). */
export const ORDINALS: Record<string, string> = Object.fromEntries(
  ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth']
    .map((w, i) => [w, `${i + 1}${i + 1 === 1 ? 'st' : i + 1 === 2 ? 'nd' : i + 1 === 3 ? 'rd' : 'th'}`])
    .concat([['twenty first', '21st'], ['twenty second', '22nd'], ['twenty third', '23rd'], ['twenty fourth', '24th'], ['twenty fifth', '25th'], ['twenty sixth', '26th'], ['twenty seventh', '27th'], ['twenty eighth', '28th'], ['twenty ninth', '29th'], ['thirtieth', '30th'], ['thirty first', '31st']]),
);

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
export const MONTHS: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6,
  july: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9, october: 10, oct: 10,
  november: 11, nov: 11, december: 12, dec: 12,
};

/** Ticket-type families: a word in a family matches a booking item of that family. */
export const TICKET_FAMILIES: string[][] = [
  ['child', 'children', 'kid', 'kids', 'little one', 'little ones', 'boy', 'boys', 'girl', 'girls'],
  ['junior', 'juniors'],
  ['adult', 'adults', 'grown-up', 'grown-ups', 'grownup', 'grownups', 'grown up', 'grown ups', 'parent', 'parents', 'mum', 'mums', 'dad', 'dads'],
  ['infant', 'infants', 'baby', 'babies', 'toddler', 'toddlers', 'bub', 'bubs'],
  ['senior', 'seniors', 'pensioner', 'pensioners'],
  ['student', 'students'],
  ['spectator', 'spectators', 'non-jumper', 'non-jumpers', 'watcher', 'watchers'],
];

/** Words for "guests" that do not name a ticket type. */
export const GENERIC_GUESTS = ['numbers', 'headcount', 'head count', 'guest', 'guests', 'people', 'person', 'persons', 'pax', 'tickets', 'ticket', 'heads', 'spots', 'places', 'jumpers', 'attendees', 'more', 'others', 'friends', 'of them'];

/** A later phrase replaces an earlier one ("3pm, no actually 4pm"). */
export const CORRECTION = /\b(?:no+|nah|actually|sorry|i mean|i meant|wait|scratch that|correction|oops|make (?:it|that)|or rather|rather|instead|change (?:that|it) to|not that)\b/;
/** A value right after these is one the person does NOT want ("not 3pm", "instead of 3pm"). */
export const NEGATOR_BEFORE = /(?:\bwas|\bwere|\bfrom|\bpreviously|\bcurrently|\bused to be|\bnot|\bnever|\binstead of|\brather than|\bno longer|\bisn't|\bis not|\bwas not|\bwasn't|\bnot at)\s*(?:the\s+|a\s+|at\s+|on\s+|to\s+)?$/;

/** Words that hedge a value: "around 3pm", "3ish", "maybe 3". */
export const HEDGE_BEFORE = /\b(?:around|about|approx(?:imately)?|roughly|maybe|perhaps|possibly|probably|circa|give or take|after|before|not before|not after|no later than|no earlier than|by|until|till|til|between|earliest|latest|or)\s*$/;
export const HEDGE_AFTER = /^\s*(?:-?ish\b|or so\b|give or take\b|roughly\b|or thereabouts\b)/;

export const DAY_PART_PM = /\b(?:afternoon|afternoons|evening|tonight|night|pm|p\.m\.)\b/;
export const DAY_PART_AM = /\b(?:morning|mornings|am|a\.m\.|breakfast)\b/;
