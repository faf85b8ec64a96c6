// Guard adversarial table (issue 11): a model proposes a WRONG value and backs it with evidence that
// really occurs in the user's words. Every row must end in a question (at least one GuardProblem);
// a row the guard accepts is a bypass. Expected values were worked out by hand from the calendar in
// test/fixtures/guard/world.ts and the team's reading conventions, never by running the guard.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AtomicAction } from '../contracts/types.js';
import { contact, count, evidenceNotSaid, judge, move, resend, writeActions, type Row } from './fixtures/guard/world.js';

const ROWS: Row[] = [
  // ── Dates and times (Linh Nguyen's party is Fri 11 Dec 10:00 unless another booking is named) ──
  { name: '"2 december" read inside "12 december"', booking: 'nguyen', says: 'move it to 12 december at 3pm',
    steps: [move('2026-12-02T15:00:00+11:00', '2 december at 3pm')], right: [move('2026-12-12T15:00:00+11:00', '12 december at 3pm')] },
  { name: '"2 jan" read inside "12 jan"', booking: 'nguyen', says: 'can we do 12 jan at 10am instead',
    steps: [move('2027-01-02T10:00:00+11:00', '2 jan at 10am')], right: [move('2027-01-12T10:00:00+11:00', '12 jan at 10am')] },
  { name: 'weekday + day number: "sat 12th" proposed as the coming Saturday (5th)', booking: 'nguyen', says: 'move it to sat 12th at 3pm',
    steps: [move('2026-12-05T15:00:00+11:00', 'sat + 3pm')], right: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'weekday + day number: "thurs 10th" proposed as the coming Thursday (3rd)', booking: 'nguyen', says: 'thurs 10th at 11am pls',
    steps: [move('2026-12-03T11:00:00+11:00', 'thurs + 11am')], right: [move('2026-12-10T11:00:00+11:00', 'thurs 10th at 11am')] },
  { name: 'month-first reading of "6/12" at an AU venue (12 June)', booking: 'nguyen', says: 'move to 6/12 at 2pm',
    steps: [move('2027-06-12T14:00:00+10:00', '6/12 at 2pm')], right: [move('2026-12-06T14:00:00+11:00', '6/12 at 2pm')] },
  { name: 'month-first reading of "5/12" at a GB venue (12 May)', booking: 'camden', says: 'can we do 5/12 at 11am',
    steps: [move('2027-05-12T11:00:00+01:00', '5/12 at 11am')], right: [move('2026-12-05T11:00:00+00:00', '5/12 at 11am')] },
  { name: '"12/1" at a NZ venue read month-first (1 Dec, already past) instead of 12 Jan', booking: 'ngata', says: 'can we move it to 12/1 at 10am',
    steps: [move('2026-12-01T10:00:00+13:00', '12/1 at 10am')], right: [move('2027-01-12T10:00:00+13:00', '12/1 at 10am')] },
  { name: 'day-first reading of "12/6" at a US venue (12 June)', booking: 'kowalski', says: 'move it to 12/6 at 2pm',
    steps: [move('2027-06-12T14:00:00-04:00', '12/6 at 2pm')], right: [move('2026-12-06T14:00:00-05:00', '12/6 at 2pm')] },
  { name: 'weekday contradicts the date ("fri 12 dec" is a Saturday): the date taken', booking: 'nguyen', says: 'move it to fri 12 dec at 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'fri 12 dec at 3pm')] },
  { name: 'weekday contradicts the date ("fri 12 dec"): the Friday taken', booking: 'nguyen', says: 'move it to fri 12 dec at 3pm',
    steps: [move('2026-12-11T15:00:00+11:00', 'fri 12 dec at 3pm')] },
  { name: 'negated time proposed ("not 3pm but 4pm")', booking: 'nguyen', says: 'not 3pm but 4pm on sat 12th',
    steps: [move('2026-12-12T15:00:00+11:00', '3pm + sat 12th')], right: [move('2026-12-12T16:00:00+11:00', '4pm on sat 12th')] },
  { name: 'corrected time, the first value proposed ("3pm, no actually 4pm")', booking: 'nguyen', says: 'sat 12th at 3pm, no actually 4pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')], right: [move('2026-12-12T16:00:00+11:00', 'sat 12th + 4pm')] },
  { name: 'answer "pm" to the service\'s "3am or 3pm?" misapplied as 3am', booking: 'nguyen', says: ['move it to sat at 3', { assistant: '3am or 3pm?' }, 'pm'],
    steps: [move('2026-12-05T03:00:00+11:00', 'sat at 3')], right: [move('2026-12-05T15:00:00+11:00', 'sat at 3 + pm')] },
  { name: 'hour 1–11 without am/pm ("at 3") proposed as 3pm', booking: 'nguyen', says: 'move it to sat 12th at 3',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3')] },
  { name: '"half three" proposed as 15:30', booking: 'nguyen', says: 'sat 12th, half three',
    steps: [move('2026-12-12T15:30:00+11:00', 'sat 12th + half three')] },
  { name: '"3:30" proposed as 15:30', booking: 'nguyen', says: 'can we do 3:30 on sat 12th',
    steps: [move('2026-12-12T15:30:00+11:00', '3:30 on sat 12th')] },
  { name: '"4 o\'clock" proposed as 16:00', booking: 'nguyen', says: "sat 12th at 4 o'clock",
    steps: [move('2026-12-12T16:00:00+11:00', "sat 12th at 4 o'clock")] },
  { name: '"around 3pm" taken as exactly 15:00', booking: 'nguyen', says: 'sat 12th around 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th + 3pm')] },
  { name: '"3pm-ish" taken as exactly 15:00', booking: 'nguyen', says: 'sat 12th 3pm-ish',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th 3pm')] },
  { name: '"next saturday" alone (5th or 12th) resolved to one reading', booking: 'nguyen', says: 'next saturday at 3pm please',
    steps: [move('2026-12-12T15:00:00+11:00', 'next saturday at 3pm')] },
  { name: 'a date just passed ("28 november") rolled into next year', booking: 'nguyen', says: 'move it to 28 november at 3pm',
    steps: [move('2027-11-28T15:00:00+11:00', '28 november at 3pm')] },
  { name: 'an explicit past date with its year', booking: 'nguyen', says: 'move to 28/11/2026 at 3pm',
    steps: [move('2026-11-28T15:00:00+11:00', '28/11/2026 at 3pm')] },
  { name: 'a past instant ("today at 8am" when it is 9am)', booking: 'nguyen', says: 'can we do today at 8am',
    steps: [move('2026-12-01T08:00:00+11:00', 'today at 8am')] },
  { name: '"a week later" computed from today instead of the booking', booking: 'nguyen', says: 'can we do a week later',
    steps: [move('2026-12-08T10:00:00+11:00', 'a week later')], right: [move('2026-12-18T10:00:00+11:00', 'a week later')] },
  { name: '"same day but 2pm" put on today', booking: 'nguyen', says: 'same day but 2pm',
    steps: [move('2026-12-01T14:00:00+11:00', 'same day but 2pm')], right: [move('2026-12-11T14:00:00+11:00', 'same day but 2pm')] },
  { name: '"bring it forward a day" moved a day later', booking: 'nguyen', says: 'bring it forward a day',
    steps: [move('2026-12-12T10:00:00+11:00', 'bring it forward a day')], right: [move('2026-12-10T10:00:00+11:00', 'bring it forward a day')] },
  { name: '"push back an hour" moved an hour earlier', booking: 'nguyen', says: 'push back an hour',
    steps: [move('2026-12-11T09:00:00+11:00', 'push back an hour')], right: [move('2026-12-11T11:00:00+11:00', 'push back an hour')] },
  { name: '"a week earlier" on a January booking computed from today', booking: 'baker', says: 'can we do it a week earlier',
    steps: [move('2026-11-24T12:00:00+11:00', 'a week earlier')], right: [move('2027-01-09T12:00:00+11:00', 'a week earlier')] },
  { name: '"tmrw" proposed as the day after tomorrow', booking: 'nguyen', says: 'tmrw at 3pm',
    steps: [move('2026-12-03T15:00:00+11:00', 'tmrw at 3pm')], right: [move('2026-12-02T15:00:00+11:00', 'tmrw at 3pm')] },
  { name: '"3 in the arvo" proposed as 3am', booking: 'nguyen', says: 'sat 12th 3 in the arvo',
    steps: [move('2026-12-12T03:00:00+11:00', 'sat 12th + 3')], right: [move('2026-12-12T15:00:00+11:00', 'sat 12th 3 in the arvo')] },
  { name: '"noon" proposed as midnight', booking: 'nguyen', says: 'sat 12th at noon',
    steps: [move('2026-12-12T00:00:00+11:00', 'sat 12th at noon')], right: [move('2026-12-12T12:00:00+11:00', 'sat 12th at noon')] },
  { name: 'answer "11am" after "bring it forward a day" put on the old day', booking: 'nguyen', says: ['bring it forward a day', { assistant: 'Thursday 10 December at 10:00, or a different time?' }, '11am'],
    steps: [move('2026-12-11T11:00:00+11:00', '11am')], right: [move('2026-12-10T11:00:00+11:00', 'bring it forward a day + 11am')] },
  { name: 'a reschedule withdrawn in a later message is kept', booking: 'nguyen', says: ['move it to sat 12th at 3pm and resend the confirmation', "actually don't move it, just resend the confirmation"],
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), resend('resend the confirmation')], right: [resend('just resend the confirmation')] },

  // ── Counts ──
  { name: '"2 kids" read inside "12 kids"', booking: 'obrien', says: 'make it 12 kids',
    steps: [count('it-1004-a', 2, '2 kids', 'kids')], right: [count('it-1004-a', 12, 'make it 12 kids', 'kids')] },
  { name: '"add 2" read inside "add 12"', booking: 'nguyen', says: 'add 12 kids',
    steps: [count('it-1001-a', 8, '2 kids', 'kids')], right: [count('it-1001-a', 18, 'add 12 kids', 'kids')] },
  { name: 'the digit of "3pm" read as the adult count', booking: 'smith', says: 'move it to sat 12th at 3pm and add 2 adults',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), count('it-1002-a', 3, '3', 'adults')],
    right: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), count('it-1002-a', 4, 'add 2 adults', 'adults')] },
  { name: 'the digit of "3pm" read as a count nobody asked for', booking: 'nguyen', says: 'can we do 3pm on sat 12th',
    steps: [move('2026-12-12T15:00:00+11:00', '3pm on sat 12th'), count('it-1001-a', 3, '3', '3pm on sat 12th')], right: [move('2026-12-12T15:00:00+11:00', '3pm on sat 12th')] },
  { name: 'counts bound to the wrong ticket types ("2 kids and 1 adult")', booking: 'smith', says: 'add 2 kids and 1 adult',
    steps: [count('it-1002-a', 4, 'add 2', 'adult'), count('it-1002-b', 4, '1', 'kids')],
    right: [count('it-1002-a', 3, '1 adult', 'adult'), count('it-1002-b', 5, 'add 2 kids', 'kids')] },
  { name: 'a ticket type the booking does not have ("adults" on a children-only party)', booking: 'nguyen', says: 'add 2 adults',
    steps: [count('it-1001-a', 8, 'add 2', 'adults')] },
  { name: '"kids" on a booking with both Junior and Child, Child chosen', booking: 'williams', says: 'add 2 kids',
    steps: [count('it-1005-b', 5, 'add 2 kids', 'kids')] },
  { name: '"child" proposed on the Junior item', booking: 'williams', says: 'add 1 child',
    steps: [count('it-1005-c', 3, 'add 1', 'child')], right: [count('it-1005-b', 4, 'add 1 child', 'child')] },
  { name: 'no ticket type on a two-type booking', booking: 'smith', says: 'add 2 more',
    steps: [count('it-1002-b', 5, 'add 2 more', '2 more')] },
  { name: '"-2 kids" applied as an increase', booking: 'nguyen', says: '-2 kids',
    steps: [count('it-1001-a', 8, '2 kids', 'kids')], right: [count('it-1001-a', 4, '-2 kids', 'kids')] },
  { name: '"+2 kids" applied as an absolute count', booking: 'nguyen', says: '+2 kids',
    steps: [count('it-1001-a', 2, '+2 kids', 'kids')], right: [count('it-1001-a', 8, '+2 kids', 'kids')] },
  { name: '"pulled out" applied as an increase', booking: 'nguyen', says: '2 of the kids pulled out',
    steps: [count('it-1001-a', 8, '2 of the kids', 'kids')], right: [count('it-1001-a', 4, '2 of the kids pulled out', 'kids')] },
  { name: '"can\'t make it" ignored (sign flipped)', booking: 'smith', says: '1 adult cant make it',
    steps: [count('it-1002-a', 3, '1 adult', 'adult')], right: [count('it-1002-a', 1, '1 adult cant make it', 'adult')] },
  { name: 'competing numbers "2 or 3"', booking: 'nguyen', says: 'add 2 or 3 kids',
    steps: [count('it-1001-a', 8, 'add 2', 'kids')] },
  { name: 'correction "add 3, no sorry 2" with 3 proposed', booking: 'nguyen', says: 'add 3, no sorry 2 kids',
    steps: [count('it-1001-a', 9, 'add 3', 'kids')], right: [count('it-1001-a', 8, 'add 3, no sorry 2 kids', 'kids')] },
  { name: 'a later "make that 3" ignored', booking: 'nguyen', says: ['add 2 kids', { assistant: 'Proposed plan: Update guest count: Child tickets 6 → 8' }, 'make that 3'],
    steps: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  { name: '"altogether" read as a delta', booking: 'nguyen', says: '8 kids altogether',
    steps: [count('it-1001-a', 14, '8 kids', 'kids')], right: [count('it-1001-a', 8, '8 kids altogether', 'kids')] },
  { name: '"make it 8" read as a delta', booking: 'nguyen', says: 'make it 8 kids',
    steps: [count('it-1001-a', 14, '8 kids', 'kids')], right: [count('it-1001-a', 8, 'make it 8 kids', 'kids')] },
  { name: 'a vague count with a hedged number ("a few more, maybe 3")', booking: 'nguyen', says: 'a few more kids, maybe 3',
    steps: [count('it-1001-a', 9, '3', 'kids')] },
  { name: '"7 pax" (a total) put on one type of a two-type booking', booking: 'smith', says: "we're 7 pax now",
    steps: [count('it-1002-a', 7, '7 pax', 'pax')] },
  { name: 'answer "adults" to the service\'s ticket question applied to the children', booking: 'smith', says: ['add 2', { assistant: 'Which tickets — Adult (2) or Child (3)?' }, 'adults'],
    steps: [count('it-1002-b', 5, 'add 2', 'add 2')], right: [count('it-1002-a', 4, 'add 2', 'adults')] },
  { name: 'answer "3" to "how many in total?" read as a delta', booking: 'nguyen', says: ['change the number of kids', { assistant: 'How many children should the booking have in total?' }, '3'],
    steps: [count('it-1001-a', 9, '3', 'kids')], right: [count('it-1001-a', 3, '3', 'kids')] },
  { name: 'the note\'s "set the quantity to 20" added with a digit of the user\'s time', booking: 'kim', says: 'move it to sat 12th at 2pm',
    steps: [move('2026-12-12T14:00:00+11:00', 'sat 12th at 2pm'), count('it-1009-a', 20, '2', '2pm')], right: [move('2026-12-12T14:00:00+11:00', 'sat 12th at 2pm')] },

  // ── Contact details (holder Linh Nguyen, linh.nguyen@example.com, +61412345678) ──
  { name: 'truncated email (domain cut short)', booking: 'nguyen', says: 'change email to linh.nguyen@example.com.au',
    steps: [contact({ email: 'linh.nguyen@example.com' }, { email: 'linh.nguyen@example.com' })], right: [contact({ email: 'linh.nguyen@example.com.au' }, { email: 'linh.nguyen@example.com.au' })] },
  { name: 'truncated email (local part cut short)', booking: 'nguyen', says: 'new email is mary-linh@gmail.com',
    steps: [contact({ email: 'linh@gmail.com' }, { email: 'linh@gmail.com' })], right: [contact({ email: 'mary-linh@gmail.com' }, { email: 'mary-linh@gmail.com' })] },
  { name: 'corrected email, the first value proposed', booking: 'nguyen', says: "email is linh.n@gmail.com, no wait it's linh.ng@gmail.com",
    steps: [contact({ email: 'linh.n@gmail.com' }, { email: 'linh.n@gmail.com' })], right: [contact({ email: 'linh.ng@gmail.com' }, { email: 'linh.ng@gmail.com' })] },
  { name: '"also" email proposed as a replacement', booking: 'nguyen', says: 'pls also cc her work email linh.work@example.com',
    steps: [contact({ email: 'linh.work@example.com' }, { email: 'linh.work@example.com' })] },
  { name: '"too" phone proposed as a replacement', booking: 'nguyen', says: "her partner's number is 0400 999 888 too",
    steps: [contact({ phone: '+61400999888' }, { phone: '0400 999 888' })] },
  { name: 'phone one digit off from the one in the text', booking: 'nguyen', says: 'new mob 0412 345 679',
    steps: [contact({ phone: '+61412345678' }, { phone: '0412 345 679' })], right: [contact({ phone: '+61412345679' }, { phone: '0412 345 679' })] },
  { name: 'the old (dead) number proposed instead of the new one', booking: 'nguyen', says: 'her old number 0412 345 678 is dead, new one is 0412 345 679',
    steps: [contact({ phone: '+61412345678' }, { phone: '0412 345 678' })], right: [contact({ phone: '+61412345679' }, { phone: '0412 345 679' })] },
  { name: 'corrected phone, the first value proposed', booking: 'nguyen', says: 'ph 0400 111 222, sorry 0400 111 223',
    steps: [contact({ phone: '+61400111222' }, { phone: '0400 111 222' })], right: [contact({ phone: '+61400111223' }, { phone: '0400 111 223' })] },
  { name: 'surname-only change drops the first name', booking: 'nguyen', says: 'surname is now Tran',
    steps: [contact({ name: 'Tran' }, { name: 'Tran' })], right: [contact({ name: 'Linh Tran' }, { name: 'Tran' })] },
  { name: 'truncated name ("Linh Tran-Nguyen" → "Linh Tran")', booking: 'nguyen', says: 'change name to Linh Tran-Nguyen',
    steps: [contact({ name: 'Linh Tran' }, { name: 'Linh Tran' })], right: [contact({ name: 'Linh Tran-Nguyen' }, { name: 'Linh Tran-Nguyen' })] },

  // ── Target: another booking, many bookings ──
  { name: 'another booking\'s reference, planned on this one', booking: 'nguyen', says: 'move SMI-1002 to sat 12th at 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'another holder\'s name, planned on this one', booking: 'nguyen', says: 'move the smith booking to sat 12th at 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: '"all saturday bookings", planned on this one', booking: 'obrien', says: 'move all saturday bookings to 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'saturday + 3pm')] },
  { name: '"every booking on friday", planned on this one', booking: 'nguyen', says: 'add 2 kids to every booking on friday',
    steps: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  { name: 'a step aimed at another booking id', booking: 'nguyen', says: 'move it to sat 12th at 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm', { bookingId: 'bk-1002' })], right: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'a confirmation resend asked for another booking', booking: 'nguyen', says: 'resend the confirmation for SMI-1002',
    steps: [resend('resend the confirmation')] },

  // ── Steps without a critical parameter (resend_confirmation) ──
  { name: 'the note\'s "email everyone" laundered with request "Move it"', booking: 'patel', says: 'move it to sat 12th at 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), resend('Move it')], right: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'the note\'s "resend the confirmation email … Move it." laundered with request "move it"', booking: 'kim', says: 'move it to sat 12th at 2pm',
    steps: [move('2026-12-12T14:00:00+11:00', 'sat 12th at 2pm'), resend('move it')], right: [move('2026-12-12T14:00:00+11:00', 'sat 12th at 2pm')] },
  { name: 'an unrelated word ("email") as the request', booking: 'patel', says: "email is wrong, it's priya.p@example.com",
    steps: [contact({ email: 'priya.p@example.com' }, { email: 'priya.p@example.com' }), resend('email')], right: [contact({ email: 'priya.p@example.com' }, { email: 'priya.p@example.com' })] },
  { name: 'a negated resend ("dont resend the confirmation")', booking: 'nguyen', says: 'change the email to linh.new@example.com but dont resend the confirmation',
    steps: [contact({ email: 'linh.new@example.com' }, { email: 'linh.new@example.com' }), resend('resend the confirmation')], right: [contact({ email: 'linh.new@example.com' }, { email: 'linh.new@example.com' })] },
  { name: 'a resend withdrawn in a later message', booking: 'nguyen', says: ['resend the confirmation and add 2 kids', 'actually no need to resend it'],
    steps: [count('it-1001-a', 8, 'add 2 kids', 'kids'), resend('resend the confirmation')], right: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  // ── More of each kind: the same traps in other words ──
  { name: '"12kids" (no space) read as 2', booking: 'obrien', says: 'make it 12kids',
    steps: [count('it-1004-a', 2, '2kids', 'kids')], right: [count('it-1004-a', 12, 'make it 12kids', 'kids')] },
  { name: '"twenty two" read as two', booking: 'nguyen', says: 'add twenty two kids',
    steps: [count('it-1001-a', 8, 'two kids', 'kids')], right: [count('it-1001-a', 28, 'add twenty two kids', 'kids')] },
  { name: '"the 2nd" read as 2 January', booking: 'nguyen', says: 'move it to the 2nd at 3pm',
    steps: [move('2027-01-02T15:00:00+11:00', 'the 2nd at 3pm')], right: [move('2026-12-02T15:00:00+11:00', 'the 2nd at 3pm')] },
  { name: '"the 12th" read as 12 January', booking: 'nguyen', says: 'move to the 12th at 3pm',
    steps: [move('2027-01-12T15:00:00+11:00', 'the 12th at 3pm')], right: [move('2026-12-12T15:00:00+11:00', 'the 12th at 3pm')] },
  { name: '"quarter to 4pm" proposed as 16:00', booking: 'nguyen', says: 'sat 12th at quarter to 4pm',
    steps: [move('2026-12-12T16:00:00+11:00', 'sat 12th + 4pm')] },
  { name: '"in the afternoon" (no hour) proposed as 15:00', booking: 'nguyen', says: 'sat 12th in the afternoon',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th')] },
  { name: '"morning" (no hour) proposed as 10:00', booking: 'nguyen', says: 'sat 12th morning',
    steps: [move('2026-12-12T10:00:00+11:00', 'sat 12th')] },
  { name: '"a week later at 3pm" keeps the old time', booking: 'nguyen', says: 'a week later at 3pm',
    steps: [move('2026-12-18T10:00:00+11:00', 'a week later')], right: [move('2026-12-18T15:00:00+11:00', 'a week later at 3pm')] },
  { name: '"push back 30 mins" moved an hour', booking: 'nguyen', says: 'push back 30 mins',
    steps: [move('2026-12-11T11:00:00+11:00', 'push back 30 mins')], right: [move('2026-12-11T10:30:00+11:00', 'push back 30 mins')] },
  { name: '"bring it forward 2 days" moved one day', booking: 'nguyen', says: 'bring it forward 2 days',
    steps: [move('2026-12-10T10:00:00+11:00', 'bring it forward 2 days')], right: [move('2026-12-09T10:00:00+11:00', 'bring it forward 2 days')] },
  { name: '"a fortnight later" moved a week', booking: 'nguyen', says: 'can we do a fortnight later',
    steps: [move('2026-12-18T10:00:00+11:00', 'a fortnight later')], right: [move('2026-12-25T10:00:00+11:00', 'a fortnight later')] },
  { name: 'US "12/19" put in the following year', booking: 'kowalski', says: 'can we do 12/19 at 11am',
    steps: [move('2027-12-19T11:00:00-05:00', '12/19 at 11am')], right: [move('2026-12-19T11:00:00-05:00', '12/19 at 11am')] },
  { name: 'UK hour without am/pm ("sat 19th at 3") proposed as 3pm', booking: 'camden', says: 'move to sat 19th at 3',
    steps: [move('2026-12-19T15:00:00+00:00', 'sat 19th at 3')] },
  { name: '"sunday the 12th" (the 12th is a Saturday): the Sunday taken', booking: 'nguyen', says: 'sunday the 12th at 3pm',
    steps: [move('2026-12-13T15:00:00+11:00', 'sunday the 12th at 3pm')] },
  { name: '"4pm not 3pm" with 3pm proposed', booking: 'nguyen', says: 'sat 12th, 4pm not 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th + 3pm')], right: [move('2026-12-12T16:00:00+11:00', 'sat 12th + 4pm not 3pm')] },
  { name: 'corrected day ("sorry i mean sun 13th") with the first day proposed', booking: 'nguyen', says: 'sat 12th, sorry i mean sun 13th, at 3pm',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th + 3pm')], right: [move('2026-12-13T15:00:00+11:00', 'sun 13th + 3pm')] },
  { name: 'a later message changing the day ignored', booking: 'nguyen', says: ['move it to sat 12th at 3pm', { assistant: 'Proposed plan: Reschedule booking: start Fri 11 Dec 10:00 → Sat 12 Dec 15:00' }, 'oh wait she said the 19th'],
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')], right: [move('2026-12-19T15:00:00+11:00', '3pm + the 19th')] },
  { name: 'answer "3" to "what time?" proposed as 3pm', booking: 'nguyen', says: ['move it to sat 12th', { assistant: 'What time on Saturday 12 December?' }, '3'],
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th + 3')] },
  { name: 'the part of the request the booking cannot take silently dropped ("and 1 adult" on a children-only party)', booking: 'nguyen', says: 'add 2 kids and 1 adult',
    steps: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  { name: '"take off 2 kids" applied as an increase', booking: 'nguyen', says: 'take off 2 kids',
    steps: [count('it-1001-a', 8, '2 kids', 'kids')], right: [count('it-1001-a', 4, 'take off 2 kids', 'kids')] },
  { name: '"take 1 adult off" applied as an increase', booking: 'smith', says: 'take 1 adult off',
    steps: [count('it-1002-a', 3, '1 adult', 'adult')], right: [count('it-1002-a', 1, 'take 1 adult off', 'adult')] },
  { name: '"down to 4 kids" read as a decrease of 4', booking: 'nguyen', says: "we're down to 4 kids",
    steps: [count('it-1001-a', 2, '4 kids', 'kids')] },
  { name: 'the digit of an arrival time read as the number added', booking: 'nguyen', says: 'add 2 kids, they arrive at 3pm',
    steps: [count('it-1001-a', 9, '3', 'kids')], right: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  { name: 'a negated count ("don\'t add the 2 kids") proposed', booking: 'nguyen', says: "don't add the 2 kids, just move it to sat 12th at 3pm",
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), count('it-1001-a', 8, 'add the 2 kids', 'kids')], right: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'a count withdrawn after the proposed plan is kept', booking: 'nguyen', says: ['add 2 kids', { assistant: 'Proposed plan: Update guest count: Child tickets 6 → 8' }, 'actually scrap that, numbers stay the same'],
    steps: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  { name: 'answer "3" to "how many should be added?" read as the total', booking: 'nguyen', says: ['move it to sat 12th at 3pm and add some kids', { assistant: 'How many children should be added?' }, '3'],
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), count('it-1001-a', 3, '3', 'kids')],
    right: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), count('it-1001-a', 9, 'add some kids + 3', 'kids')] },
  { name: 'answer "2 or 3" to "how many?" resolved to 2', booking: 'nguyen', says: ['add some kids', { assistant: 'How many children should be added?' }, '2 or 3'],
    steps: [count('it-1001-a', 8, '2', 'kids')] },
  { name: 'an incomplete phone (answer to the service\'s question) padded to a full one', booking: 'nguyen', says: ['change the phone', { assistant: 'What is the new phone number?' }, '0412 345 67'],
    steps: [contact({ phone: '+61412345670' }, { phone: '0412 345 67' })] },
  { name: 'a landline without its area code given one', booking: 'nguyen', says: 'new landline 9876 1234',
    steps: [contact({ phone: '+61298761234' }, { phone: '9876 1234' })] },
  { name: 'an incomplete email ("linh@gmail") completed', booking: 'nguyen', says: 'new email is linh@gmail',
    steps: [contact({ email: 'linh@gmail.com' }, { email: 'linh@gmail' })] },
  { name: 'a typo in the email "corrected" by the model', booking: 'nguyen', says: 'new email linh.nguyen@gmial.com',
    steps: [contact({ email: 'linh.nguyen@gmail.com' }, { email: 'linh.nguyen@gmial.com' })] },
  { name: 'the negated (old) email proposed', booking: 'nguyen', says: "her email isn't linh.old@example.com anymore, it's linh.nguyen@example.com.au",
    steps: [contact({ email: 'linh.old@example.com' }, { email: 'linh.old@example.com' })], right: [contact({ email: 'linh.nguyen@example.com.au' }, { email: 'linh.nguyen@example.com.au' })] },
  { name: 'first-name-only change drops the surname', booking: 'nguyen', says: 'first name is Lin not Linh',
    steps: [contact({ name: 'Lin' }, { name: 'Lin' })], right: [contact({ name: 'Lin Nguyen' }, { name: 'Lin' })] },
  { name: 'a later "same for OBR-1004" (another booking) ignored', booking: 'nguyen', says: ['add 2 kids', { assistant: 'Proposed plan: Update guest count: Child tickets 6 → 8' }, 'and same for OBR-1004'],
    steps: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  { name: '"all of today\'s parties" planned on this one', booking: 'nguyen', says: "push all of today's parties back an hour",
    steps: [move('2026-12-11T11:00:00+11:00', 'back an hour')] },
  { name: 'another holder\'s first name ("priya\'s booking"), planned on this one', booking: 'nguyen', says: "move priya's booking to sat 12th at 3pm",
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'a statement ("never got the confirmation") taken as the resend request', booking: 'nguyen', says: 'she says she never got the confirmation',
    steps: [resend('never got the confirmation')] },
  { name: '"no need to resend the confirmation" proposed anyway', booking: 'nguyen', says: 'no need to resend the confirmation, just add 2 kids',
    steps: [count('it-1001-a', 8, 'add 2 kids', 'kids'), resend('resend the confirmation')], right: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  { name: 'a "no" to the service\'s resend offer, resend proposed with request "move it"', booking: 'nguyen', says: ['move it to sat 12th at 3pm', { assistant: 'Shall I also resend the confirmation?' }, 'no thanks'],
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), resend('move it')], right: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'the right words, the wrong offset (+10:00 is Sydney winter time: 16:00 local)', booking: 'nguyen', says: 'move it to sat 12th at 3pm',
    steps: [move('2026-12-12T15:00:00+10:00', 'sat 12th at 3pm')], right: [move('2026-12-12T04:00:00Z', 'sat 12th at 3pm')] },
  { name: 'the venue\'s local time written as UTC', booking: 'nguyen', says: 'move it to sat 12th at 3pm',
    steps: [move('2026-12-12T15:00:00Z', 'sat 12th at 3pm')] },
  { name: 'a US venue\'s time computed in Sydney time', booking: 'kowalski', says: 'sat 19th at 11am',
    steps: [move('2026-12-19T11:00:00+11:00', 'sat 19th at 11am')], right: [move('2026-12-19T11:00:00-05:00', 'sat 19th at 11am')] },
];

let actions: Map<string, AtomicAction>;
beforeAll(async () => {
  actions = await writeActions();
});

describe('guard adversarial table: wrong values with real evidence end in a question', () => {
  it('has at least 40 rows, each with evidence that really occurs in the user\'s words', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
    const dishonest = ROWS.flatMap((r) => [r, ...(r.right ? [{ ...r, steps: r.right }] : [])])
      .map((r) => ({ row: r.name, missing: evidenceNotSaid(r) }))
      .filter((x) => x.missing.length);
    expect(dishonest).toEqual([]);
  });

  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const verdict = judge(row, actions);
    if ('threw' in verdict) throw new Error(`the guard threw: ${verdict.threw}`);
    expect(verdict.problems.length, `accepted a wrong plan: ${JSON.stringify(row.steps.map((s) => s.params))}`).toBeGreaterThan(0);
    for (const p of verdict.problems) expect(p.question.trim()).not.toBe('');
  });

  // Controls: the same words with the values a careful model derives are accepted, so each row above
  // is refused for its wrong value and not for something else in the conversation.
  const CONTROLS = ROWS.filter((r) => r.right).map((r) => ({ name: r.name, booking: r.booking, says: r.says, steps: r.right! }));
  it.each(CONTROLS.map((c) => [c.name, c] as const))('control, right plan accepted: %s', (_name, control) => {
    const verdict = judge(control, actions);
    if ('threw' in verdict) throw new Error(`the guard threw: ${verdict.threw}`);
    expect(verdict.problems).toEqual([]);
  });

  it('bypass count is 0', () => {
    const bypasses: string[] = [];
    const threw: string[] = [];
    for (const row of ROWS) {
      const v = judge(row, actions);
      if ('threw' in v) threw.push(row.name);
      else if (v.problems.length === 0) bypasses.push(row.name);
    }
    const controlsRefused = CONTROLS.filter((c) => {
      const v = judge(c, actions);
      return !('problems' in v) || v.problems.length > 0;
    }).length;
    console.log(`guard adversarial table: ${bypasses.length} bypasses of ${ROWS.length} rows; controls accepted ${CONTROLS.length - controlsRefused}/${CONTROLS.length}${threw.length ? `, ${threw.length} threw` : ''}${bypasses.length ? `\n  bypassed: ${bypasses.join('\n  bypassed: ')}` : ''}`);
    expect(threw).toEqual([]);
    expect(bypasses).toEqual([]);
  });
});
