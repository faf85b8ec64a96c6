// Days, times and shifts in one turn. chrono (its en-GB parser at day-first venues, its US parser
// at month-first ones) reads calendar dates and "today/tomorrow"; the patterns here cover what it
// does not: weekday + day number, "the 12th", weekdays by the rule below, booking-relative shifts,
// 24-hour "1500", "half three", day-part words, hedges and am/pm ambiguity.
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { DAY_PART_AM, DAY_PART_PM, HEDGE_AFTER, HEDGE_BEFORE, MONTHS, NUMBER_WORDS, WEEKDAYS } from './lexicon.js';
import { negatedAt, type Found } from './text.js';

export interface WhenContext {
  now: DateTime;
  timezone: string;
  dayFirst: boolean;
  /** start of the booking in the venue timezone: shifts and "same day" are computed from it */
  bookingStart?: DateTime;
  /** the day last said in the conversation: "the sunday after that" counts from it (else from the booking) */
  anchorDay?: DateTime;
}

export type DayValue =
  | { kind: 'date'; date: DateTime; weekdayWord?: number; explicitYear?: boolean }
  | { kind: 'options'; options: DateTime[]; why: string }
  | { kind: 'vague'; why: string }
  | { kind: 'invalid'; why: string };

export interface TimeValue {
  hour: number;
  minute: number;
  /** am/pm known (or 24-hour notation); false → "3am or 3pm?" */
  certain: boolean;
  hedged?: boolean;
  fromBooking?: boolean;
}

export interface ShiftValue {
  days: number;
  minutes: number;
}

export interface TurnWhen {
  days: Found<DayValue>[];
  times: Found<TimeValue>[];
  shifts: Found<ShiftValue>[];
  /** a day-part word with no clock time ("saturday afternoon"): pm / am */
  dayPart?: 'am' | 'pm';
  /** spans that belong to dates/times, so their digits are never read as guest counts */
  spans: Array<[number, number]>;
  /** the turn says to move/reschedule without any value (the question follows) */
}

const WD = WEEKDAYS.join('|');
const NUM_WORD = Object.keys(NUMBER_WORDS).join('|');
const ORD_WORDS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30 };

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  if (s === 'a' || s === 'an' || s === 'one') return 1;
  if (s === 'half an' || s === 'half') return 0.5;
  return NUMBER_WORDS[s];
}

/** The next date (today or later) with this day-of-month, from `from`. */
function nextDayOfMonth(from: DateTime, day: number): DateTime | undefined {
  for (let i = 0; i < 13; i++) {
    const m = from.startOf('month').plus({ months: i });
    if (day > m.daysInMonth!) continue;
    const d = m.set({ day });
    if (d >= from.startOf('day')) return d;
  }
  return undefined;
}

function nextWeekday(from: DateTime, weekday: number, includeToday: boolean): DateTime {
  const today = from.startOf('day');
  let diff = (weekday - today.weekday + 7) % 7;
  if (diff === 0 && !includeToday) diff = 7;
  return today.plus({ days: diff });
}

/** A calendar date without a year: its next occurrence, unless that is so far ahead that the date has just passed. */
function withYear(ctx: WhenContext, month: number, day: number, year?: number): DayValue {
  const today = ctx.now.setZone(ctx.timezone).startOf('day');
  if (year !== undefined) {
    const y = year < 100 ? 2000 + year : year;
    const d = DateTime.fromObject({ year: y, month, day }, { zone: ctx.timezone });
    if (!d.isValid) return { kind: 'invalid', why: `there is no ${day}/${month}/${y}` };
    if (d < today) return { kind: 'invalid', why: `${d.toFormat('d LLLL yyyy')} has passed` };
    return { kind: 'date', date: d, explicitYear: true };
  }
  let d = DateTime.fromObject({ year: today.year, month, day }, { zone: ctx.timezone });
  if (!d.isValid) {
    d = DateTime.fromObject({ year: today.year + 1, month, day }, { zone: ctx.timezone });
    if (!d.isValid) return { kind: 'invalid', why: `there is no ${day}/${month}` };
  }
  if (d < today) {
    const next = d.plus({ years: 1 });
    // a date a few weeks back is a slip or a past date, not next year's
    if (next.diff(today, 'days').days > 183) return { kind: 'invalid', why: `${d.toFormat('d LLLL')} has already passed this year` };
    return { kind: 'date', date: next };
  }
  return { kind: 'date', date: d };
}

export function readWhen(text: string, ctx: WhenContext, expect?: 'time' | 'day' | 'meridiem'): TurnWhen {
  const out: TurnWhen = { days: [], times: [], shifts: [], spans: [] };
  const taken: Array<[number, number]> = [];
  const free = (s: number, e: number) => !taken.some(([a, b]) => s < b && e > a);
  const take = (s: number, e: number) => {
    taken.push([s, e]);
    out.spans.push([s, e]);
  };
  const today = ctx.now.setZone(ctx.timezone).startOf('day');
  const bookingDay = ctx.bookingStart?.setZone(ctx.timezone).startOf('day');
  const addDay = (m: RegExpMatchArray | { index: number; 0: string }, value: DayValue) => {
    const start = m.index!;
    const end = start + m[0].length;
    if (!free(start, end)) return;
    take(start, end);
    out.days.push({ start, end, text: m[0], value, negated: negatedAt(text, start) });
  };

  // "the 12th of next month", "the 3rd of this month"
  for (const m of text.matchAll(/\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(next|this)\s+month\b/g)) {
    const month = today.startOf('month').plus({ months: m[2] === 'next' ? 1 : 0 });
    const day = Number(m[1]);
    addDay(m, day <= month.daysInMonth! ? withYear(ctx, month.month, day, month.year) : { kind: 'invalid', why: `${month.toFormat('LLLL')} has no ${day}th` });
  }
  // 1. vague days: a careful person asks which day
  for (const m of text.matchAll(/\b(?:(?:next|this|the|coming|following|later this|early next|later next)\s+(?:week|weekend|fortnight|month)|sometime|some time|asap|soon|another day|a different day|a later date|later date|in a few days|end of (?:the )?(?:week|month)|over the weekend|on the weekend|at the weekend)\b/g)) {
    addDay(m, { kind: 'vague', why: m[0] });
  }

  // 2. booking-relative: "same day", "a week later", "bring it forward a day", "push back an hour"
  const UNIT = '(?<unit>day|days|week|weeks|fortnight|hour|hours|minutes|minute)';
  const AMOUNT = `(?<amount>(?<![\\d.])\\d{1,3}(?:\\.\\d+)?|${NUM_WORD}|a|an|half an|one)`;
  const shiftPatterns: Array<[RegExp, (m: RegExpMatchArray) => number | undefined]> = [
    [new RegExp(`\\b(?:by\\s+)?${AMOUNT}\\s+${UNIT}\\s+(later|earlier|after|before|sooner|back|forward|ahead)\\b`, 'g'), (m) => (/later|after|back/.test(m[3]!) ? 1 : /ahead/.test(m[3]!) ? undefined : -1)],
    [new RegExp(`\\b(push|put|move|bring|pull|shift)(?:\\s+(?:it|the booking|the party|them|this|that))?\\s+(back|forward|later|earlier|ahead)\\s+(?:by\\s+)?${AMOUNT}\\s+${UNIT}\\b`, 'g'), (m) => {
      const verb = m[1]!, dir = m[2]!;
      if (dir === 'later') return 1;
      if (dir === 'earlier') return -1;
      if (dir === 'back') return verb === 'bring' || verb === 'pull' ? undefined : 1;
      if (dir === 'forward') return -1;
      return undefined;
    }],
    [new RegExp(`\\b(delay|postpone)(?:\\s+(?:it|the booking|the party|them))?\\s+(?:by\\s+)?${AMOUNT}\\s+${UNIT}\\b`, 'g'), () => 1],
  ];
  for (const [re, sign] of shiftPatterns) {
    for (const m of text.matchAll(re)) {
      const unit = m.groups!.unit!;
      const amount = num(m.groups!.amount);
      const start = m.index!;
      const end = start + m[0].length;
      if (!free(start, end)) continue;
      const s = sign(m);
      take(start, end);
      if (s === undefined || amount === undefined || !bookingDay) {
        out.days.push({ start, end, text: m[0], value: { kind: 'vague', why: `"${m[0]}" (earlier or later?)` } });
        continue;
      }
      const days = /day/.test(unit) ? amount : /fortnight/.test(unit) ? 14 * amount : /week/.test(unit) ? 7 * amount : 0;
      const minutes = /hour/.test(unit) ? Math.round(amount * 60) : /minute/.test(unit) ? amount : 0;
      if (!Number.isInteger(days) || !Number.isInteger(minutes)) {
        out.days.push({ start, end, text: m[0], value: { kind: 'vague', why: m[0] } });
        continue;
      }
      out.shifts.push({ start, end, text: m[0], value: { days: s * days, minutes: s * minutes }, negated: negatedAt(text, start) });
    }
  }
  for (const m of text.matchAll(/\b(?:the\s+)?(day|week)\s+(after|before)\b(?!\s+(?:tomorrow|next|that|today))|\b(?:the\s+)?(next|following|previous)\s+day\b/g)) {
    if (!free(m.index!, m.index! + m[0].length) || !bookingDay) continue;
    const unit = m[1] === 'week' ? 7 : 1;
    const s = m[2] === 'before' || m[3] === 'previous' ? -1 : 1;
    take(m.index!, m.index! + m[0].length);
    out.shifts.push({ start: m.index!, end: m.index! + m[0].length, text: m[0], value: { days: s * unit, minutes: 0 }, negated: negatedAt(text, m.index!) });
  }
  for (const m of text.matchAll(/\b(?:the\s+)?same\s+(?:day|date)\b|\bthat day\b/g)) {
    if (bookingDay) addDay(m, { kind: 'date', date: bookingDay });
  }

  // 3. "day after tomorrow"
  for (const m of text.matchAll(/\b(?:the\s+)?day after tomorrow\b/g)) addDay(m, { kind: 'date', date: today.plus({ days: 2 }) });

  // 4. weekday + day number ("sat 12th", "thursday the 10th"): the date, checked against the weekday
  for (const m of text.matchAll(new RegExp(`\\b(${WD})\\s*,?\\s+(?:the\\s+)?(\\d{1,2})(st|nd|rd|th)?\\b(?!\\s*(?:am|pm|:|\\.\\d|\\/\\d|o'clock|hours|minutes|[a-z]*\\s*(?:${Object.keys(MONTHS).join('|')})\\b))`, 'g'))) {
    const day = Number(m[2]);
    if (!m[3] && day <= 12) {
      // "sat 12 at 3pm": with a clock time elsewhere the number is the day; alone ("saturday 3") it could be either
      const clockElsewhere = /\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\b(?:noon|midday)\b/.test(text.slice(m.index! + m[0].length));
      if (!clockElsewhere) {
        addDay(m, { kind: 'options', options: [], why: m[0] });
        continue;
      }
    }
    const date = nextDayOfMonth(today, day);
    addDay(m, date ? { kind: 'date', date, weekdayWord: WEEKDAYS.indexOf(m[1]!) + 1 } : { kind: 'invalid', why: `there is no ${day}th` });
  }

  // 5a. numeric dates, in the venue's order; a day the month does not have is a question, not a roll-over
  for (const m of text.matchAll(new RegExp(`(?:\\b(${WD})\\s*,?\\s+(?:the\\s+)?)?\\b(\\d{1,2})\\/(\\d{1,2})(?:\\/(\\d{2}|\\d{4}))?\\b`, 'g'))) {
    const weekdayWord = m[1] ? WEEKDAYS.indexOf(m[1]) + 1 : undefined;
    const [a, b] = [Number(m[2]), Number(m[3])];
    const [day, month] = ctx.dayFirst ? [a, b] : [b, a];
    // written in the other order ("19/12" at a month-first venue): asked, never silently swapped
    if (month > 12 && day <= 12) {
      addDay(m, { kind: 'invalid', why: `"${m[0]}" is not a date written ${ctx.dayFirst ? 'day first' : 'month first'}, as dates are here` });
      continue;
    }
    if (month < 1 || month > 12 || day < 1) {
      addDay(m, { kind: 'invalid', why: `${m[0]} is not a date` });
      continue;
    }
    const probe = DateTime.fromObject({ year: 2028, month, day });
    if (!probe.isValid) {
      addDay(m, { kind: 'invalid', why: `${DateTime.fromObject({ year: 2028, month }).toFormat('LLLL')} has no ${day}th` });
      continue;
    }
    const v = withYear(ctx, month, day, m[4] ? Number(m[4]) : undefined);
    // "12/5" months away, when 5 December is days away: the other order is as likely a slip
    const other = day !== month && day <= 12 && !m[4] ? withYear(ctx, day, month) : undefined;
    const far = (d: DayValue | undefined) => (d?.kind === 'date' ? d.date.diff(today, 'days').days : Infinity);
    if (other && v.kind === 'date' && far(v) > 90 && far(other) <= 60 && !weekdayWord) {
      addDay(m, { kind: 'invalid', why: `"${m[0]}" reads as ${(v as { date: DateTime }).date.toFormat('d LLLL yyyy')} here, but could be ${(other as { date: DateTime }).date.toFormat('d LLLL')}` });
      continue;
    }
    addDay(m, v.kind === 'date' && weekdayWord ? { ...v, weekdayWord } : v);
  }
  // fixed-date holidays staff name
  const HOLIDAYS: Array<[RegExp, number, number]> = [
    [/\b(?:christmas|xmas) eve\b/g, 12, 24], [/\bboxing day\b/g, 12, 26], [/\bnew years? eve\b|\bnew year's eve\b|\bnye\b/g, 12, 31],
    [/\bnew years? day\b|\bnew year's day\b/g, 1, 1], [/\b(?:christmas|xmas)(?: day)?\b/g, 12, 25], [/\baustralia day\b/g, 1, 26],
    [/\banzac day\b/g, 4, 25], [/\bwaitangi day\b/g, 2, 6], [/\b(?:independence day|(?:the )?4th of july)\b/g, 7, 4], [/\bhalloween\b/g, 10, 31],
  ];
  for (const [re, month, day] of HOLIDAYS) for (const m of text.matchAll(re)) addDay(m, withYear(ctx, month, day));
  // "this arvo", "tonight": today
  for (const m of text.matchAll(/\bthis (?:afternoon|morning|evening)\b|\btonight\b|\blater today\b/g)) addDay(m, { kind: 'date', date: today });

  // 5b. calendar dates, through chrono with the venue's date order
  const parser = ctx.dayFirst ? chrono.en.GB : chrono.en.casual;
  const ref = { instant: ctx.now.toJSDate(), timezone: ctx.now.setZone(ctx.timezone).offset };
  for (const r of parser.parse(text, ref, { forwardDate: false })) {
    const known = (c: 'day' | 'month' | 'year') => (r.start.isCertain(c) ? r.start.get(c) ?? undefined : undefined);
    const k = { day: known('day'), month: known('month'), year: known('year') };
    if (k.day === undefined || /^(?:right\s+)?now$/.test(r.text.trim())) continue;
    const start = r.index;
    // keep only the date part of chrono's span: times are read below with their am/pm rule
    let dateText = r.text;
    const timeAt = dateText.search(/\s+(?:at|@|from)\s+\d|\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\s+\d{1,2}:\d{2}/);
    if (timeAt > 0) dateText = dateText.slice(0, timeAt);
    const end = start + dateText.length;
    if (!free(start, end)) continue;
    let value: DayValue;
    if (k.month === undefined || (k.year !== undefined && /\b(?:today|tomorrow|tonight|yesterday)\b/.test(dateText))) {
      // "today", "tomorrow": chrono gives the full date
      value = { kind: 'date', date: DateTime.fromObject({ year: r.start.get('year')!, month: r.start.get('month')!, day: r.start.get('day')! }, { zone: ctx.timezone }) };
    } else {
      value = withYear(ctx, k.month, k.day, k.year);
    }
    const wd = dateText.match(new RegExp(`\\b(${WD})\\b`));
    if (value.kind === 'date' && wd) value.weekdayWord = WEEKDAYS.indexOf(wd[1]!) + 1;
    addDay({ index: start, 0: dateText }, value);
  }
  // numeric dates chrono does not read ("14.12.2026" style with dots)
  for (const m of text.matchAll(/\b(\d{1,2})\.(\d{1,2})\.(\d{2,4})\b/g)) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    const [day, month] = ctx.dayFirst ? [a, b] : [b, a];
    addDay(m, month <= 12 ? withYear(ctx, month, day, Number(m[3])) : { kind: 'invalid', why: m[0] });
  }

  // 6. "the 12th" alone: its next occurrence
  for (const m of text.matchAll(/\b(?:the\s+|on\s+the\s+)?(\d{1,2})(st|nd|rd|th)\b(?!\s*(?:of\s+)?(?:[a-z]+\s+)?(?:kids|children|adults|guests|people|birthday|bday))/g)) {
    const day = Number(m[1]);
    const date = nextDayOfMonth(today, day);
    addDay(m, date ? { kind: 'date', date } : { kind: 'invalid', why: `there is no ${day}th` });
  }
  for (const m of text.matchAll(new RegExp(`\\b(?:on\\s+)?the\\s+(${Object.keys(ORD_WORDS).join('|')})\\b(?!\\s+(?:one|kid|child|adult|guest|booking|time))`, 'g'))) {
    const date = nextDayOfMonth(today, ORD_WORDS[m[1]!]!);
    if (date) addDay(m, { kind: 'date', date });
  }

  // 7. weekdays: plain / "this" / "coming" = the next one; "next saturday" could be either of two
  // weekdays anchored to the booking (or to the day said last): "the sunday after", "the saturday before",
  // "the friday of that week"
  const anchorDay = ctx.anchorDay?.setZone(ctx.timezone).startOf('day') ?? bookingDay;
  if (anchorDay) {
    const END = `(?=\\s*(?:$|[,.;!?]|at\\b|@|same\\b|and\\b|for\\b|instead\\b|then\\b|pls\\b|please\\b|thanks\\b|thx\\b|if\\b))`;
    for (const m of text.matchAll(new RegExp(`\\b(?:the\\s+)?(${WD})\\s+(after|before)(?:\\s+(?:that|it|the booking|the party))?${END}`, 'g'))) {
      const wd = WEEKDAYS.indexOf(m[1]!) + 1;
      const step = m[2] === 'after' ? 1 : -1;
      let d = anchorDay.plus({ days: step });
      while (d.weekday !== wd) d = d.plus({ days: step });
      addDay(m, { kind: 'date', date: d, weekdayWord: wd });
    }
    for (const m of text.matchAll(new RegExp(`\\b(?:the\\s+)?(${WD})\\s+(?:of|in|that)\\s+(?:that|the same|same|the)\\s+(?:week|weekend)\\b`, 'g'))) {
      const wd = WEEKDAYS.indexOf(m[1]!) + 1;
      addDay(m, { kind: 'date', date: anchorDay.startOf('week').plus({ days: wd - 1 }), weekdayWord: wd });
    }
  }
  for (const m of text.matchAll(new RegExp(`\\b(a week on|this coming|this|coming|next|following|the following)?\\s*\\b(${WD})(s)?\\b(\\s+week)?(\\s+after next)?`, 'g'))) {
    const start = m.index! + (m[0].length - m[0].trimStart().length);
    const end = m.index! + m[0].length;
    if (!free(start, end)) continue;
    const wd = WEEKDAYS.indexOf(m[2]!) + 1;
    const mod = m[1];
    const coming = nextWeekday(today, wd, mod === 'this');
    let value: DayValue;
    if (m[4] || m[5] || mod === 'a week on') value = { kind: 'date', date: coming.plus({ days: 7 }), weekdayWord: wd };
    else if (mod === 'next' || mod === 'following' || mod === 'the following') {
      value = coming.diff(today, 'days').days >= 7 ? { kind: 'date', date: coming } : { kind: 'options', options: [coming, coming.plus({ days: 7 })], why: m[0].trim() };
    } else if (!mod && today.weekday === wd) value = { kind: 'options', options: [today, today.plus({ days: 7 })], why: m[0].trim() };
    else value = { kind: 'date', date: mod === 'this' ? nextWeekday(today, wd, true) : coming, weekdayWord: wd };
    addDay({ index: start, 0: text.slice(start, end) }, value);
  }

  // 8. times
  const addTime = (start: number, end: number, value: TimeValue) => {
    if (!free(start, end)) return;
    take(start, end);
    const hedged = HEDGE_BEFORE.test(text.slice(Math.max(0, start - 16), start)) || HEDGE_AFTER.test(text.slice(end));
    out.times.push({ start, end, text: text.slice(start, end), value: { ...value, hedged: value.hedged || hedged }, negated: negatedAt(text, start) });
  };
  const mer = (s: string | undefined) => (s ? (s.startsWith('p') ? 'pm' : 'am') : undefined);
  const clock = (h: number, m: number, meridiem: string | undefined, leadingZero = false): TimeValue | undefined => {
    if (m > 59) return undefined;
    if (meridiem) {
      if (h < 1 || h > 12) return undefined;
      return { hour: (h % 12) + (meridiem === 'pm' ? 12 : 0), minute: m, certain: true };
    }
    if (h > 23) return undefined;
    if (h === 0 || h >= 13 || leadingZero) return { hour: h, minute: m, certain: true };
    if (h === 12) return { hour: 12, minute: m, certain: true };
    return { hour: h, minute: m, certain: false };
  };
  const HOUR = `(\\d{1,2}|${Object.keys(NUMBER_WORDS).filter((w) => NUMBER_WORDS[w]! >= 1 && NUMBER_WORDS[w]! <= 12).join('|')})`;
  for (const m of text.matchAll(new RegExp(`\\b(half|quarter)\\s+(past|to|after)?\\s*${HOUR}(?:\\s*(am|pm)\\b)?`, 'g'))) {
    let h = num(m[3])!;
    let min = m[1] === 'half' ? 30 : 15;
    if (m[2] === 'to') {
      if (m[1] === 'half') continue;
      min = 45;
      h = h === 1 ? 12 : h - 1;
    }
    const t = clock(h, min, m[4]);
    if (t) addTime(m.index!, m.index! + m[0].length, t);
  }
  // "3 in the arvo", "4 this afternoon", "10 in the morning"
  for (const m of text.matchAll(new RegExp(`\\b${HOUR}\\s+(?:in the|this|on|tomorrow|that)\\s+(afternoon|evening|morning|night)\\b`, 'g'))) {
    const t = clock(num(m[1])!, 0, m[2] === 'morning' ? 'am' : 'pm');
    if (t) addTime(m.index!, m.index! + m[0].length - m[2]!.length, t);
  }
  for (const m of text.matchAll(new RegExp(`\\b${HOUR}\\s+(o'clock|thirty|fifteen|forty[- ]five|oh five)\\b`, 'g'))) {
    const min = m[2] === "o'clock" ? 0 : m[2] === 'thirty' ? 30 : m[2] === 'fifteen' ? 15 : m[2] === 'oh five' ? 5 : 45;
    const t = clock(num(m[1])!, min, undefined);
    if (t) addTime(m.index!, m.index! + m[0].length, t);
  }
  for (const m of text.matchAll(/\b(?:12\s*)?(noon|midday|midnight)\b/g)) addTime(m.index!, m.index! + m[0].length, { hour: m[1] === 'midnight' ? 0 : 12, minute: 0, certain: true });
  for (const m of text.matchAll(/\b(\d{1,2})[:.](\d{2})\s*(am|pm|a\.m\.|p\.m\.)?(?![\d.:]*\d)/g)) {
    const t = clock(Number(m[1]), Number(m[2]), mer(m[3]), m[1]!.length === 2 && m[1]!.startsWith('0'));
    if (t) addTime(m.index!, m.index! + m[0].length, t);
  }
  for (const m of text.matchAll(/\b(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])/g)) {
    const t = clock(Number(m[1]), 0, mer(m[2]));
    if (t) addTime(m.index!, m.index! + m[0].length, t);
    else addDay(m, { kind: 'invalid', why: `${m[0]} is not a time` });
  }
  for (const m of text.matchAll(/(?:\b(?:at|@|for|from|to|today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d(?:st|nd|rd|th)|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\s+|^)([01]\d|2[0-3])([0-5]\d)(?:\s*(?:hours|h))?\b|\b([01]\d|2[0-3])([0-5]\d)\s*(?:hours|h)\b/g)) {
    const h = Number(m[1] ?? m[3]);
    const min = Number(m[2] ?? m[4]);
    // the four digits themselves: the words before them ("5th ", "at ") belong to the day or to nobody
    const s = m.index! + m[0].lastIndexOf(`${m[1] ?? m[3]}${m[2] ?? m[4]}`);
    addTime(s, m.index! + m[0].length, { hour: h, minute: min, certain: true });
  }
  for (const m of text.matchAll(new RegExp(`\\b(?:at|@|for|around|about)\\s+${HOUR}\\b(?!\\s*(?:kids|children|child|adults?|guests?|people|pax|tickets?|more|extra|of|[/.-]\\d|st\\b|nd\\b|rd\\b|th\\b|days?|weeks?|hours|minutes))`, 'g'))) {
    const s = m.index! + m[0].length - m[1]!.length;
    const t = clock(num(m[1])!, 0, undefined);
    if (t) addTime(s, m.index! + m[0].length, t);
  }
  for (const m of text.matchAll(/\b(?:the\s+)?same\s+(?:time|slot|session time)\b|\bkeep(?:ing)?\s+(?:the\s+)?(?:same\s+)?time\b/g)) {
    if (ctx.bookingStart) {
      const b = ctx.bookingStart.setZone(ctx.timezone);
      addTime(m.index!, m.index! + m[0].length, { hour: b.hour, minute: b.minute, certain: true, fromBooking: true });
    }
  }
  // an answer to "what time?" may be a bare hour ("3", "three")
  if (expect === 'time' && out.times.length === 0) {
    const m = text.match(new RegExp(`^\\s*(?:at\\s+)?${HOUR}\\s*(?:please|thanks|pls)?\\s*$`));
    if (m) addTime(m.index! + m[0].indexOf(m[1]!), m.index! + m[0].indexOf(m[1]!) + m[1]!.length, clock(num(m[1])!, 0, undefined)!);
  }

  // "3 or 4pm", "between 2 and 4pm", "2-4pm": two times, nothing saying which
  for (const m of text.matchAll(new RegExp(`\\b(?:between\\s+)?${HOUR}(?::\\d{2})?\\s*(?:am|pm)?\\s*(?:or|and|to|-|\\/)\\s*${HOUR}(?::\\d{2})?\\s*(am|pm)\\b`, 'g'))) {
    // "move it from 10am to 3pm": the first is the booking's own time, so this is a change, not a range
    const first = out.times.filter((t) => t.start >= m.index! && t.end <= m.index! + m[0].length).sort((x, y) => x.start - y.start)[0];
    const b = ctx.bookingStart?.setZone(ctx.timezone);
    if (first && b && /\bfrom\s+$/.test(text.slice(Math.max(0, m.index! - 8), m.index!)) && /\bto\b/.test(m[0]) && first.value.hour % 12 === b.hour % 12 && first.value.minute === b.minute) continue;
    for (const t of out.times) if (t.start >= m.index! && t.end <= m.index! + m[0].length) t.value = { ...t.value, hedged: true };
    if (!out.times.some((t) => t.start >= m.index! && t.end <= m.index! + m[0].length)) addTime(m.index!, m.index! + m[0].length, { hour: 12, minute: 0, certain: true, hedged: true });
  }

  // 9. day-part words decide am/pm for hours 1–11 ("3 in the afternoon", "saturday arvo at 4")
  const pm = DAY_PART_PM.test(text);
  const am = DAY_PART_AM.test(text);
  if (pm !== am) {
    for (const t of out.times) if (!t.value.certain) t.value = { ...t.value, hour: t.value.hour % 12 + (pm ? 12 : 0), certain: true };
    if (out.times.length === 0) out.dayPart = pm ? 'pm' : 'am';
  }
  return out;
}


/** Whether a turn is only a meridiem ("pm", "the afternoon one", "morning"). */
export function meridiemAnswer(text: string): 'am' | 'pm' | undefined {
  const t = text.replace(/[^a-z.' ]/g, ' ').trim();
  if (t.split(/\s+/).length > 6) return undefined;
  const pm = DAY_PART_PM.test(t);
  const am = DAY_PART_AM.test(t);
  return pm === am ? undefined : pm ? 'pm' : 'am';
}

export function describeDay(d: DateTime, now: DateTime): string {
  return d.toFormat(d.year === now.year ? 'cccc d LLLL' : 'cccc d LLLL yyyy');
}
