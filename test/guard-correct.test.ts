// Correct-plan table (issue 11): realistic phrasings as venue staff type them on a phone, each with
// the draft a good model proposes (right values, honest evidence). The guard must accept every one:
// blocking a correct plan is a failure too. Expected values were worked out by hand from the calendar
// in test/fixtures/guard/world.ts and the team's reading conventions, never by running the guard.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AtomicAction } from '../contracts/types.js';
import { contact, count, evidenceNotSaid, judge, move, resend, writeActions, type Row } from './fixtures/guard/world.js';

const ROWS: Row[] = [
  // ── Dates and times, AU venue (Linh Nguyen's party: Fri 11 Dec 10:00; now Tue 1 Dec 09:00) ──
  { name: 'weekday + day number', booking: 'nguyen', says: 'move it to sat 12th at 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'full date with a comma', booking: 'nguyen', says: 'can we move to Saturday 12 December, 3pm?', steps: [move('2026-12-12T15:00:00+11:00', 'Saturday 12 December + 3pm')] },
  { name: 'numeric day-first with a typo', booking: 'nguyen', says: 'mve it to 12/12 at 3pm pls', steps: [move('2026-12-12T15:00:00+11:00', '12/12 at 3pm')] },
  { name: '"6/12" day-first at an AU venue', booking: 'nguyen', says: '6/12 at 2pm', steps: [move('2026-12-06T14:00:00+11:00', '6/12 at 2pm')] },
  { name: '"thurs 10th"', booking: 'nguyen', says: 'thurs 10th at 11am', steps: [move('2026-12-10T11:00:00+11:00', 'thurs 10th at 11am')] },
  { name: 'plain weekday = its next occurrence', booking: 'nguyen', says: 'move to friday at 4pm', steps: [move('2026-12-04T16:00:00+11:00', 'friday at 4pm')] },
  { name: '"tmrw"', booking: 'nguyen', says: 'tmrw at 3pm', steps: [move('2026-12-02T15:00:00+11:00', 'tmrw at 3pm')] },
  { name: '"1500"', booking: 'nguyen', says: 'tomorrow 1500', steps: [move('2026-12-02T15:00:00+11:00', 'tomorrow 1500')] },
  { name: '"noon"', booking: 'nguyen', says: 'sat 12th at noon', steps: [move('2026-12-12T12:00:00+11:00', 'sat 12th at noon')] },
  { name: '"midday"', booking: 'smith', says: 'sat 12th midday', steps: [move('2026-12-12T12:00:00+11:00', 'sat 12th midday')] },
  { name: '"3 in the arvo"', booking: 'nguyen', says: 'sat 12th 3 in the arvo', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th 3 in the arvo')] },
  { name: '"15:00"', booking: 'nguyen', says: 'sat 12th at 15:00', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 15:00')] },
  { name: '"09:30"', booking: 'smith', says: 'can we do sat 19th at 09:30', steps: [move('2026-12-19T09:30:00+11:00', 'sat 19th at 09:30')] },
  { name: 'weekday + day + month abbreviation', booking: 'nguyen', says: 'wednesday 16 dec 5pm', steps: [move('2026-12-16T17:00:00+11:00', 'wednesday 16 dec 5pm')] },
  { name: '"the 19th"', booking: 'nguyen', says: 'the 19th at 4pm', steps: [move('2026-12-19T16:00:00+11:00', 'the 19th at 4pm')] },
  { name: '"sun 13th"', booking: 'nguyen', says: 'sun 13th at 1pm', steps: [move('2026-12-13T13:00:00+11:00', 'sun 13th at 1pm')] },
  { name: 'a January date without a year', booking: 'nguyen', says: '12 jan at 10am', steps: [move('2027-01-12T10:00:00+11:00', '12 jan at 10am')] },
  { name: 'numeric date with a two-digit year', booking: 'nguyen', says: 'move it to 2/1/27 at 11am', steps: [move('2027-01-02T11:00:00+11:00', '2/1/27 at 11am')] },
  { name: 'explicit year', booking: 'nguyen', says: 'sat 12 dec 2026 10am', steps: [move('2026-12-12T10:00:00+11:00', 'sat 12 dec 2026 10am')] },
  { name: 'negation: "not 3pm but 4pm"', booking: 'nguyen', says: 'not 3pm but 4pm on sat 12th', steps: [move('2026-12-12T16:00:00+11:00', '4pm on sat 12th')] },
  { name: 'correction in one message', booking: 'nguyen', says: 'sat 12th at 3pm, no actually 4pm', steps: [move('2026-12-12T16:00:00+11:00', 'sat 12th + 4pm')] },
  { name: 'correction after the proposed plan', booking: 'nguyen', says: ['move it to sat 12th at 3pm', { assistant: 'Proposed plan: Reschedule booking: start Fri 11 Dec 10:00 → Sat 12 Dec 15:00' }, 'actually make it 4pm'], steps: [move('2026-12-12T16:00:00+11:00', 'sat 12th + 4pm')] },
  { name: 'answer "pm" to "3am or 3pm?"', booking: 'nguyen', says: ['move it to sat at 3', { assistant: '3am or 3pm?' }, 'pm'], steps: [move('2026-12-05T15:00:00+11:00', 'sat at 3 + pm')] },
  { name: 'answer "the 12th" to "which Saturday?"', booking: 'nguyen', says: ['move it to next saturday at 3pm', { assistant: 'Saturday 5 December or Saturday 12 December?' }, 'the 12th'], steps: [move('2026-12-12T15:00:00+11:00', '3pm + the 12th')] },
  { name: 'answer "11am" after "bring it forward a day"', booking: 'nguyen', says: ['bring it forward a day', { assistant: 'Thursday 10 December at 10:00, or a different time?' }, '11am'], steps: [move('2026-12-10T11:00:00+11:00', 'bring it forward a day + 11am')] },
  { name: 'answer "3pm" to "what time?" after "the 12th"', booking: 'nguyen', says: ['can we move it to the 12th', { assistant: 'What time on Saturday 12 December?' }, '3pm'], steps: [move('2026-12-12T15:00:00+11:00', 'the 12th + 3pm')] },
  { name: 'shift: "a week later" from the booking', booking: 'nguyen', says: 'can we do a week later', steps: [move('2026-12-18T10:00:00+11:00', 'a week later')] },
  { name: 'shift: "same day but 2pm"', booking: 'nguyen', says: 'same day but 2pm', steps: [move('2026-12-11T14:00:00+11:00', 'same day but 2pm')] },
  { name: 'shift: "bring it forward a day"', booking: 'nguyen', says: 'bring it forward a day', steps: [move('2026-12-10T10:00:00+11:00', 'bring it forward a day')] },
  { name: 'shift: "push back an hour"', booking: 'nguyen', says: 'push back an hour', steps: [move('2026-12-11T11:00:00+11:00', 'push back an hour')] },
  { name: 'shift: "push it back a week" (Sunday booking)', booking: 'smith', says: 'push it back a week', steps: [move('2026-12-20T11:00:00+11:00', 'push it back a week')] },
  { name: 'shift: "same day but 2pm" on a January booking', booking: 'baker', says: 'same day but 2pm', steps: [move('2027-01-16T14:00:00+11:00', 'same day but 2pm')] },
  { name: 'shift: "a week earlier" on a January booking', booking: 'baker', says: 'can we do it a week earlier', steps: [move('2027-01-09T12:00:00+11:00', 'a week earlier')] },
  { name: 'shift: "a day later"', booking: 'patel', says: 'a day later pls', steps: [move('2026-12-06T14:00:00+11:00', 'a day later')] },
  { name: 'shift: "2 hours later"', booking: 'patel', says: '2 hours later', steps: [move('2026-12-05T16:00:00+11:00', '2 hours later')] },
  { name: 'shift: "4pm same day"', booking: 'obrien', says: 'push it to 4pm same day', steps: [move('2026-12-12T16:00:00+11:00', '4pm same day')] },
  { name: 'shift: "same time but sunday 13th"', booking: 'nguyen', says: 'same time but sunday 13th', steps: [move('2026-12-13T10:00:00+11:00', 'same time but sunday 13th')] },
  { name: 'the session\'s own reference named', booking: 'nguyen', says: 'move NGU-1001 to sat 12th at 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'the session\'s own holder named', booking: 'nguyen', says: 'move the nguyen party to sat 12th at 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'a booking whose note carries instructions', booking: 'kim', says: 'move it to sat 12th at 2pm', steps: [move('2026-12-12T14:00:00+11:00', 'sat 12th at 2pm')] },

  // ── Dates at US, UK and NZ venues ──
  { name: 'US: "12/6" month-first', booking: 'kowalski', says: 'move it to 12/6 at 2pm', steps: [move('2026-12-06T14:00:00-05:00', '12/6 at 2pm')] },
  { name: 'US: "sat dec 19"', booking: 'kowalski', says: 'can we do sat dec 19 at 11am', steps: [move('2026-12-19T11:00:00-05:00', 'sat dec 19 at 11am')] },
  { name: 'UK: "5/12" day-first', booking: 'camden', says: 'can we do 5/12 at 11am', steps: [move('2026-12-05T11:00:00+00:00', '5/12 at 11am')] },
  { name: 'UK: "19th dec"', booking: 'camden', says: '19th dec at 2pm', steps: [move('2026-12-19T14:00:00+00:00', '19th dec at 2pm')] },
  { name: 'NZ: "sat 19th"', booking: 'ngata', says: 'sat 19th at 2pm', steps: [move('2026-12-19T14:00:00+13:00', 'sat 19th at 2pm')] },
  { name: 'NZ: "19/12" day-first', booking: 'ngata', says: '19/12 at 10am', steps: [move('2026-12-19T10:00:00+13:00', '19/12 at 10am')] },

  // ── Counts ──
  { name: '"add 2 kids"', booking: 'nguyen', says: 'add 2 kids', steps: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },
  { name: '"+2 kids"', booking: 'nguyen', says: '+2 kids', steps: [count('it-1001-a', 8, '+2 kids', 'kids')] },
  { name: '"pulled out"', booking: 'nguyen', says: '2 of the kids pulled out', steps: [count('it-1001-a', 4, '2 of the kids pulled out', 'kids')] },
  { name: '"cant make it" (word number)', booking: 'nguyen', says: 'one of the kids cant make it', steps: [count('it-1001-a', 5, 'one of the kids cant make it', 'kids')] },
  { name: '"make it 8"', booking: 'nguyen', says: 'make it 8 kids', steps: [count('it-1001-a', 8, 'make it 8 kids', 'kids')] },
  { name: '"in total"', booking: 'nguyen', says: '8 kids in total', steps: [count('it-1001-a', 8, '8 kids in total', 'kids')] },
  { name: 'correction "add 3, no sorry 2"', booking: 'nguyen', says: 'add 3, no sorry 2 kids', steps: [count('it-1001-a', 8, 'add 3, no sorry 2 kids', 'kids')] },
  { name: '"-1 child"', booking: 'nguyen', says: '-1 child', steps: [count('it-1001-a', 5, '-1 child', 'child')] },
  { name: '"two more kiddos"', booking: 'nguyen', says: 'add two more kiddos', steps: [count('it-1001-a', 8, 'add two more kiddos', 'kiddos')] },
  { name: 'correction after the proposed plan ("make that 3 more")', booking: 'nguyen', says: ['add 2 kids', { assistant: 'Proposed plan: Update guest count: Child tickets 6 → 8' }, 'sorry make that 3 more kids'], steps: [count('it-1001-a', 9, 'make that 3 more kids', 'kids')] },
  { name: 'answer "3" to "how many in total?"', booking: 'nguyen', says: ['change the number of kids', { assistant: 'How many children should the booking have in total?' }, '3'], steps: [count('it-1001-a', 3, '3', 'kids')] },
  { name: 'two-type booking: "add 2 adults"', booking: 'smith', says: 'add 2 adults', steps: [count('it-1002-a', 4, 'add 2 adults', 'adults')] },
  { name: 'two-type booking: "1 less kid"', booking: 'smith', says: '1 less kid', steps: [count('it-1002-b', 2, '1 less kid', 'kid')] },
  { name: 'two types in one message', booking: 'smith', says: 'add 1 adult and 2 kids', steps: [count('it-1002-a', 3, 'add 1 adult', 'adult'), count('it-1002-b', 5, '2 kids', 'kids')] },
  { name: '"altogether"', booking: 'smith', says: '3 adults altogether', steps: [count('it-1002-a', 3, '3 adults altogether', 'adults')] },
  { name: 'answer "adults" to "which tickets?"', booking: 'smith', says: ['add 2', { assistant: 'Which tickets — Adult (2) or Child (3)?' }, 'adults'], steps: [count('it-1002-a', 4, 'add 2', 'adults')] },
  { name: '"dropped out"', booking: 'smith', says: '1 adult dropped out', steps: [count('it-1002-a', 1, '1 adult dropped out', 'adult')] },
  { name: 'three-type booking: "junior" named', booking: 'williams', says: 'add 1 junior', steps: [count('it-1005-c', 3, 'add 1 junior', 'junior')] },
  { name: 'three-type booking: "child tickets" named', booking: 'williams', says: '2 more child tickets', steps: [count('it-1005-b', 5, '2 more child tickets', 'child tickets')] },
  { name: 'three-type booking: "+1 adult"', booking: 'williams', says: '+1 adult', steps: [count('it-1005-a', 3, '+1 adult', 'adult')] },
  { name: '"change it to 12"', booking: 'obrien', says: 'change it to 12 kids', steps: [count('it-1004-a', 12, 'change it to 12 kids', 'kids')] },
  { name: '"ppl" on a one-type booking', booking: 'patel', says: 'add 2 ppl', steps: [count('it-1003-a', 6, 'add 2 ppl', 'ppl')] },
  { name: '"pax" on a one-type booking', booking: 'patel', says: 'make it 6 pax', steps: [count('it-1003-a', 6, 'make it 6 pax', 'pax')] },
  { name: 'US: "add 1 adult"', booking: 'kowalski', says: 'add 1 adult', steps: [count('it-3001-a', 3, 'add 1 adult', 'adult')] },
  { name: 'NZ: "2 more kids"', booking: 'ngata', says: '2 more kids', steps: [count('it-4001-a', 10, '2 more kids', 'kids')] },
  { name: '"add a kid"', booking: 'kim', says: 'add a kid', steps: [count('it-1009-a', 5, 'add a kid', 'kid')] },

  // ── Contact details (holder Linh Nguyen unless another booking is named) ──
  { name: 'new email', booking: 'nguyen', says: 'change email to linh.new@example.com', steps: [contact({ email: 'linh.new@example.com' }, { email: 'linh.new@example.com' })] },
  { name: 'corrected email ("no wait it\'s …")', booking: 'nguyen', says: "email is linh.n@gmail.com, no wait it's linh.ng@gmail.com", steps: [contact({ email: 'linh.ng@gmail.com' }, { email: 'linh.ng@gmail.com' })] },
  { name: 'email with capitals, kept as typed', booking: 'nguyen', says: 'email should be Linh.Nguyen@Outlook.com', steps: [contact({ email: 'Linh.Nguyen@Outlook.com' }, { email: 'Linh.Nguyen@Outlook.com' })] },
  { name: '"mob" with spaces', booking: 'nguyen', says: 'new mob 0412 999 888', steps: [contact({ phone: '+61412999888' }, { phone: '0412 999 888' })] },
  { name: '"ph" landline with area code in brackets', booking: 'smith', says: 'ph (02) 9876 1234', steps: [contact({ phone: '+61298761234' }, { phone: '(02) 9876 1234' })] },
  { name: 'international format', booking: 'nguyen', says: 'new number is +61 400 123 456', steps: [contact({ phone: '+61400123456' }, { phone: '+61 400 123 456' })] },
  { name: 'new number after the old one', booking: 'nguyen', says: 'her old number 0412 345 678 is dead, new one is 0412 345 679', steps: [contact({ phone: '+61412345679' }, { phone: '0412 345 679' })] },
  { name: 'full name change', booking: 'nguyen', says: 'change name to Linh Tran', steps: [contact({ name: 'Linh Tran' }, { name: 'Linh Tran' })] },
  { name: 'email and phone in one message', booking: 'nguyen', says: 'change the email to linh.new@example.com and the phone to 0400 999 888', steps: [contact({ email: 'linh.new@example.com', phone: '+61400999888' }, { email: 'linh.new@example.com', phone: '0400 999 888' })] },
  { name: 'UK mobile', booking: 'camden', says: 'new mobile 07911 123456', steps: [contact({ phone: '+447911123456' }, { phone: '07911 123456' })] },
  { name: 'US phone', booking: 'kowalski', says: 'phone is (212) 555-0123', steps: [contact({ phone: '+12125550123' }, { phone: '(212) 555-0123' })] },

  // ── Confirmation resend (no critical parameter: the request itself is the evidence) ──
  { name: '"resend the confirmation"', booking: 'nguyen', says: 'resend the confirmation', steps: [resend('resend the confirmation')] },
  { name: 'abbreviated resend', booking: 'nguyen', says: 'can u resend the conf email pls', steps: [resend('resend the conf email')] },
  { name: '"email the confirmation … again"', booking: 'nguyen', says: 'pls email the confirmation to her again', steps: [resend('email the confirmation to her again')] },
  { name: 'reschedule + "send the confirmation again"', booking: 'nguyen', says: 'move it to sat 12th at 3pm and send the confirmation again', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), resend('send the confirmation again')] },
  { name: 'reschedule withdrawn, resend kept', booking: 'nguyen', says: ['move it to sat 12th at 3pm and resend the confirmation', "actually don't move it, just resend the confirmation"], steps: [resend('just resend the confirmation')] },
  { name: 'new email + resend to it', booking: 'patel', says: "email is wrong, it's priya.p@example.com, and resend the booking confirmation to it", steps: [contact({ email: 'priya.p@example.com' }, { email: 'priya.p@example.com' }), resend('resend the booking confirmation')] },

  // ── Several changes at once ──
  { name: 'reschedule + count + email', booking: 'nguyen', says: 'move the party to sat 12th at 3pm, add 2 kids and change email to linh.new@example.com',
    steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), count('it-1001-a', 8, 'add 2 kids', 'kids'), contact({ email: 'linh.new@example.com' }, { email: 'linh.new@example.com' })] },
  { name: 'reschedule + two absolute counts', booking: 'smith', says: 'sun 20th at 11am and make it 3 adults and 4 kids',
    steps: [move('2026-12-20T11:00:00+11:00', 'sun 20th at 11am'), count('it-1002-a', 3, 'make it 3 adults', 'adults'), count('it-1002-b', 4, 'make it 3 adults and 4 kids', 'kids')] },

  // ── More phrasings of the same kinds ──
  { name: '"next sat the 12th" (the day number settles which Saturday)', booking: 'nguyen', says: 'next sat the 12th at 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'next sat the 12th at 3pm')] },
  { name: 'month name first at an AU venue', booking: 'nguyen', says: 'Dec 12 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'Dec 12 3pm')] },
  { name: '"3 pm" with a space', booking: 'nguyen', says: '12th December at 3 pm', steps: [move('2026-12-12T15:00:00+11:00', '12th December at 3 pm')] },
  { name: '"3 PM" in capitals', booking: 'nguyen', says: 'sat 12th 3 PM', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th 3 PM')] },
  { name: '"2:30pm"', booking: 'smith', says: 'sat 12th 2:30pm', steps: [move('2026-12-12T14:30:00+11:00', 'sat 12th 2:30pm')] },
  { name: '"14:30"', booking: 'smith', says: 'sat 12th at 14:30', steps: [move('2026-12-12T14:30:00+11:00', 'sat 12th at 14:30')] },
  { name: '"10.30am" with a dot', booking: 'smith', says: 'sat 12th 10.30am', steps: [move('2026-12-12T10:30:00+11:00', 'sat 12th 10.30am')] },
  { name: '"tomorrow arvo at 3"', booking: 'nguyen', says: 'tomorrow arvo at 3', steps: [move('2026-12-02T15:00:00+11:00', 'tomorrow arvo at 3')] },
  { name: '"1 in the afternoon"', booking: 'nguyen', says: 'sat 12th at 1 in the afternoon', steps: [move('2026-12-12T13:00:00+11:00', 'sat 12th at 1 in the afternoon')] },
  { name: 'answer "3pm" to "what time?" after "sat 12th"', booking: 'nguyen', says: ['move it to sat 12th', { assistant: 'What time on Saturday 12 December?' }, '3pm'], steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th + 3pm')] },
  { name: 'UK: "tomorrow" is the venue\'s tomorrow (London is still on Monday)', booking: 'camden', says: 'tomorrow at 2pm', steps: [move('2026-12-01T14:00:00+00:00', 'tomorrow at 2pm')] },
  { name: 'UK: plain weekday from the venue\'s today', booking: 'camden', says: 'move to sat at 2pm', steps: [move('2026-12-05T14:00:00+00:00', 'sat at 2pm')] },
  { name: 'UK: "sat 19/12"', booking: 'camden', says: 'sat 19/12 at 2pm', steps: [move('2026-12-19T14:00:00+00:00', 'sat 19/12 at 2pm')] },
  { name: 'US: "tomorrow" is the venue\'s tomorrow (New York is still on Monday)', booking: 'kowalski', says: 'tomorrow at 11am', steps: [move('2026-12-01T11:00:00-05:00', 'tomorrow at 11am')] },
  { name: 'US: date + count in one message', booking: 'kowalski', says: 'move to 12/19 at 11am and add 1 kid',
    steps: [move('2026-12-19T11:00:00-05:00', '12/19 at 11am'), count('it-3001-b', 3, 'add 1 kid', 'kid')] },
  { name: 'NZ: "tmrw"', booking: 'ngata', says: 'tmrw at 2pm', steps: [move('2026-12-02T14:00:00+13:00', 'tmrw at 2pm')] },
  { name: 'answer "3" to "how many should be added?"', booking: 'nguyen', says: ['add some kids', { assistant: 'How many children should be added?' }, '3'], steps: [count('it-1001-a', 9, 'add some kids + 3', 'kids')] },
  { name: '"an extra adult"', booking: 'smith', says: 'an extra adult', steps: [count('it-1002-a', 3, 'an extra adult', 'adult')] },
  { name: '"one more adult pls"', booking: 'smith', says: 'one more adult pls', steps: [count('it-1002-a', 3, 'one more adult', 'adult')] },
  { name: '"reduce kids by 1"', booking: 'nguyen', says: 'reduce kids by 1', steps: [count('it-1001-a', 5, 'reduce kids by 1', 'kids')] },
  { name: '"kids +2"', booking: 'nguyen', says: 'kids +2', steps: [count('it-1001-a', 8, 'kids +2', 'kids')] },
  { name: '"2 extra kids"', booking: 'nguyen', says: '2 extra kids', steps: [count('it-1001-a', 8, '2 extra kids', 'kids')] },
  { name: 'answer with the new email', booking: 'nguyen', says: ['change the email', { assistant: 'What is the new email address?' }, 'linh.new@example.com'], steps: [contact({ email: 'linh.new@example.com' }, { email: 'linh.new@example.com' })] },
  { name: 'answer with the new phone', booking: 'nguyen', says: ['change the phone', { assistant: 'What is the new phone number?' }, '0412 999 888'], steps: [contact({ phone: '+61412999888' }, { phone: '0412 999 888' })] },
  { name: 'email with a plus tag', booking: 'nguyen', says: 'email: linh.nguyen+party@example.com', steps: [contact({ email: 'linh.nguyen+party@example.com' }, { email: 'linh.nguyen+party@example.com' })] },
  { name: 'phone with dashes', booking: 'nguyen', says: 'mob 0412-999-888', steps: [contact({ phone: '+61412999888' }, { phone: '0412-999-888' })] },
  { name: 'phone already in E.164', booking: 'nguyen', says: 'phone +61412999888', steps: [contact({ phone: '+61412999888' }, { phone: '+61412999888' })] },
  { name: 'name with a reason in brackets', booking: 'nguyen', says: 'name should be Linh Tran (she got married)', steps: [contact({ name: 'Linh Tran' }, { name: 'Linh Tran' })] },
  { name: '"send her the booking confirmation again"', booking: 'nguyen', says: 'send her the booking confirmation again', steps: [resend('send her the booking confirmation again')] },
  { name: '"re-send conf pls"', booking: 'nguyen', says: 're-send conf pls', steps: [resend('re-send conf')] },
  { name: 'an ambiguous hour corrected to a clear one ("at 3, no actually 4pm")', booking: 'nguyen', says: 'sat 12th at 3, no actually 4pm', steps: [move('2026-12-12T16:00:00+11:00', 'sat 12th + 4pm')] },
  { name: '"4 o\'clock in the arvo"', booking: 'nguyen', says: "sat 12th at 4 o'clock in the arvo", steps: [move('2026-12-12T16:00:00+11:00', "sat 12th at 4 o'clock in the arvo")] },
  { name: 'UK: "half three in the afternoon"', booking: 'camden', says: 'sat 19th, half three in the afternoon', steps: [move('2026-12-19T15:30:00+00:00', 'sat 19th + half three in the afternoon')] },
  { name: '"3:30pm"', booking: 'smith', says: 'sat 12th at 3:30pm', steps: [move('2026-12-12T15:30:00+11:00', 'sat 12th at 3:30pm')] },

  // ── A third set ──
  { name: 'email at the end of a sentence (the full stop is not part of it)', booking: 'nguyen', says: 'new email is linh.new@example.com.', steps: [contact({ email: 'linh.new@example.com' }, { email: 'linh.new@example.com' })] },
  { name: '"22 dec"', booking: 'nguyen', says: 'move it to 22 dec at 3pm', steps: [move('2026-12-22T15:00:00+11:00', '22 dec at 3pm')] },
  { name: '"the 12th of dec"', booking: 'nguyen', says: 'the 12th of dec at 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'the 12th of dec at 3pm')] },
  { name: '"12/12/26"', booking: 'nguyen', says: '12/12/26 at 3pm', steps: [move('2026-12-12T15:00:00+11:00', '12/12/26 at 3pm')] },
  { name: '"3pm sharp"', booking: 'nguyen', says: 'sat 12th, 3pm sharp', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th + 3pm sharp')] },
  { name: '"this arvo at 3"', booking: 'nguyen', says: 'this arvo at 3', steps: [move('2026-12-01T15:00:00+11:00', 'this arvo at 3')] },
  { name: '"4/1" day-first (4 January)', booking: 'nguyen', says: '4/1 at 11am', steps: [move('2027-01-04T11:00:00+11:00', '4/1 at 11am')] },
  { name: 'shift: "by half an hour"', booking: 'nguyen', says: 'push it back by half an hour', steps: [move('2026-12-11T10:30:00+11:00', 'push it back by half an hour')] },
  { name: 'shift: "an hour earlier"', booking: 'nguyen', says: 'an hour earlier', steps: [move('2026-12-11T09:00:00+11:00', 'an hour earlier')] },
  { name: 'shift: "same time next day"', booking: 'nguyen', says: 'same time next day', steps: [move('2026-12-12T10:00:00+11:00', 'same time next day')] },
  { name: 'one type up, another down', booking: 'smith', says: 'add 2 adults and take 1 kid off', steps: [count('it-1002-a', 4, 'add 2 adults', 'adults'), count('it-1002-b', 2, 'take 1 kid off', 'kid')] },
  { name: '"2 kids instead of 3"', booking: 'smith', says: '2 kids instead of 3', steps: [count('it-1002-b', 2, '2 kids instead of 3', 'kids')] },
  { name: '"make it 10 kids, no 9"', booking: 'obrien', says: 'make it 10 kids, no 9', steps: [count('it-1004-a', 9, 'make it 10 kids, no 9', 'kids')] },
  { name: 'email with a digit + a count', booking: 'nguyen', says: 'change email to linh2@example.com and add 1 kid', steps: [contact({ email: 'linh2@example.com' }, { email: 'linh2@example.com' }), count('it-1001-a', 7, 'add 1 kid', 'kid')] },
  { name: '"kiddos" with the ticket type named', booking: 'williams', says: 'add 2 kiddos to the junior tickets', steps: [count('it-1005-c', 4, 'add 2 kiddos', 'junior tickets')] },
  { name: 'reschedule withdrawn ("forget that, keep the date"), count kept', booking: 'nguyen', says: ['move it to sat 12th at 3pm', 'forget that, keep the date, just add 2 kids'], steps: [count('it-1001-a', 8, 'add 2 kids', 'kids')] },

  // ── A fourth set: phone keyboards, longer conversations ──
  { name: 'withdrawal with a curly apostrophe ("don’t move it")', booking: 'nguyen', says: ['move it to sat 12th at 3pm and resend the confirmation', 'actually don’t move it, just resend the confirmation'], steps: [resend('just resend the confirmation')] },
  { name: '"can’t make it" with a curly apostrophe', booking: 'smith', says: '1 adult can’t make it', steps: [count('it-1002-a', 1, '1 adult can’t make it', 'adult')] },
  { name: 'correction with a curly apostrophe ("no wait it’s")', booking: 'nguyen', says: 'email is linh.n@gmail.com, no wait it’s linh.ng@gmail.com', steps: [contact({ email: 'linh.ng@gmail.com' }, { email: 'linh.ng@gmail.com' })] },
  { name: 'capitals and an emoji', booking: 'nguyen', says: 'MOVE IT TO SAT 12TH AT 3PM 🙏', steps: [move('2026-12-12T15:00:00+11:00', 'SAT 12TH AT 3PM')] },
  { name: 'extra spaces', booking: 'nguyen', says: '  move it   to sat 12th   at 3pm  ', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th + 3pm')] },
  { name: '"@ 3pm"', booking: 'nguyen', says: 'Sat 12th @ 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'Sat 12th @ 3pm')] },
  { name: 'weekday + numeric date', booking: 'nguyen', says: 'sat 12/12 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12/12 3pm')] },
  { name: 'a day corrected after the plan, two answers deep', booking: 'nguyen',
    says: ['move it to sat at 3', { assistant: '3am or 3pm?' }, 'pm', { assistant: 'Proposed plan: Reschedule booking: start Fri 11 Dec 10:00 → Sat 5 Dec 15:00' }, 'oh sorry the 12th not the 5th'],
    steps: [move('2026-12-12T15:00:00+11:00', 'sat at 3 + pm + the 12th')] },
  { name: 'a second type added after the plan', booking: 'smith',
    says: ['add 2', { assistant: 'Which tickets — Adult (2) or Child (3)?' }, 'kids', { assistant: 'Proposed plan: Update guest count: Child tickets 3 → 5' }, 'and 1 adult too'],
    steps: [count('it-1002-b', 5, 'add 2', 'kids'), count('it-1002-a', 3, '1 adult', 'adult')] },
  { name: 'the new number after "that\'s the old one"', booking: 'nguyen', says: "phone 0412 345 678 — no that's the old one, new is 0412 345 680", steps: [contact({ phone: '+61412345680' }, { phone: '0412 345 680' })] },
  { name: 'a name with a title', booking: 'nguyen', says: 'name should be Dr Linh Nguyen', steps: [contact({ name: 'Dr Linh Nguyen' }, { name: 'Dr Linh Nguyen' })] },
  { name: 'US: "tomorrow at 3pm" (venue-local)', booking: 'kowalski', says: 'tomorrow at 3pm', steps: [move('2026-12-01T15:00:00-05:00', 'tomorrow at 3pm')] },

  // ── A fifth set ──
  { name: 'new email "instead of the hotmail one"', booking: 'nguyen', says: 'email her at linh.new@example.com instead of the hotmail one', steps: [contact({ email: 'linh.new@example.com' }, { email: 'linh.new@example.com' })] },
  { name: '"a dozen kids in total"', booking: 'nguyen', says: 'a dozen kids in total', steps: [count('it-1001-a', 12, 'a dozen kids in total', 'kids')] },
  { name: '"grown-ups"', booking: 'smith', says: 'add 2 grown-ups', steps: [count('it-1002-a', 4, 'add 2 grown-ups', 'grown-ups')] },
  { name: '"twenty-one"', booking: 'nguyen', says: 'add twenty-one kids', steps: [count('it-1001-a', 27, 'add twenty-one kids', 'kids')] },
  { name: '"no confirmation email", reschedule only', booking: 'nguyen', says: 'no confirmation email pls, just move it to sat 12th at 3pm', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'reschedule + "yes resend the confirmation"', booking: 'nguyen', says: 'move it to sat 12th at 3pm, and yes resend the confirmation', steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm'), resend('resend the confirmation')] },
  { name: 'count and reschedule joined with "+"', booking: 'patel', says: '1 extra adult + move to sun 6th 2pm', steps: [count('it-1003-a', 5, '1 extra adult', 'adult'), move('2026-12-06T14:00:00+11:00', 'sun 6th 2pm')] },

  // ── Offsets that change between now and the new date (daylight saving) ──
  { name: 'Sydney: a shift past the end of daylight saving (+10:00)', booking: 'baker', says: 'push it back 12 weeks', steps: [move('2027-04-10T12:00:00+10:00', 'push it back 12 weeks')] },
  { name: 'London: an April date in summer time (+01:00)', booking: 'camden', says: 'can we do 3/4/27 at 11am', steps: [move('2027-04-03T11:00:00+01:00', '3/4/27 at 11am')] },
  { name: 'New York: a late-March date in daylight time (-04:00)', booking: 'kowalski', says: 'move it to 3/20/27 at 11am', steps: [move('2027-03-20T11:00:00-04:00', '3/20/27 at 11am')] },
  { name: 'the same instant written in UTC', booking: 'nguyen', says: 'move it to sat 12th at 3pm', steps: [move('2026-12-12T04:00:00Z', 'sat 12th at 3pm')] },
  { name: '"the 12th of next month"', booking: 'nguyen', says: 'the 12th of next month at 3pm', steps: [move('2027-01-12T15:00:00+11:00', 'the 12th of next month at 3pm')] },
  { name: 'a January Saturday across the new year', booking: 'nguyen', says: 'sat 2nd jan at 11am', steps: [move('2027-01-02T11:00:00+11:00', 'sat 2nd jan at 11am')] },

  // ── A sixth set ──
  { name: '"the 21st"', booking: 'nguyen', says: 'move it to the 21st at 11am', steps: [move('2026-12-21T11:00:00+11:00', 'the 21st at 11am')] },
  { name: '"tues 15th"', booking: 'nguyen', says: 'tues 15th at 4pm', steps: [move('2026-12-15T16:00:00+11:00', 'tues 15th at 4pm')] },
  { name: 'shift: "the day before"', booking: 'nguyen', says: 'can we do the day before', steps: [move('2026-12-10T10:00:00+11:00', 'the day before')] },
  { name: 'shift with a new time: "2 days earlier at 1pm"', booking: 'nguyen', says: '2 days earlier at 1pm', steps: [move('2026-12-09T13:00:00+11:00', '2 days earlier at 1pm')] },
  { name: '"3 kids less"', booking: 'nguyen', says: '3 kids less', steps: [count('it-1001-a', 3, '3 kids less', 'kids')] },
  { name: '"remove one adult and one child"', booking: 'smith', says: 'remove one adult and one child', steps: [count('it-1002-a', 1, 'remove one adult', 'adult'), count('it-1002-b', 2, 'one child', 'child')] },
  { name: '"4 more adults, sorry 3"', booking: 'smith', says: 'we need 4 more adults, sorry 3', steps: [count('it-1002-a', 5, '4 more adults, sorry 3', 'adults')] },
  { name: 'three types in one message', booking: 'williams', says: 'add 1 adult, 1 child and 1 junior', steps: [count('it-1005-a', 3, 'add 1 adult', 'adult'), count('it-1005-b', 4, '1 child', 'child'), count('it-1005-c', 3, '1 junior', 'junior')] },
  { name: '"kiddies"', booking: 'ngata', says: 'add 2 more kiddies', steps: [count('it-4001-a', 10, 'add 2 more kiddies', 'kiddies')] },
  { name: 'phone without spaces', booking: 'nguyen', says: 'mob 0412345679', steps: [contact({ phone: '+61412345679' }, { phone: '0412345679' })] },
  { name: 'phone in odd groups', booking: 'nguyen', says: 'new mob 04 1234 5679', steps: [contact({ phone: '+61412345679' }, { phone: '04 1234 5679' })] },
  { name: 'a name with an ampersand', booking: 'nguyen', says: 'booking name should be Linh & Bao Nguyen', steps: [contact({ name: 'Linh & Bao Nguyen' }, { name: 'Linh & Bao Nguyen' })] },
  { name: '"keep the kids as is" drops the count', booking: 'nguyen', says: ['move it to sat 12th at 3pm and add 2 kids', 'keep the kids as is'], steps: [move('2026-12-12T15:00:00+11:00', 'sat 12th at 3pm')] },
  { name: 'UK: "sat 19 dec, 10am"', booking: 'camden', says: 'sat 19 dec, 10am', steps: [move('2026-12-19T10:00:00+00:00', 'sat 19 dec + 10am')] },
  { name: 'US: "Dec 19th 11 AM"', booking: 'kowalski', says: 'Dec 19th 11 AM', steps: [move('2026-12-19T11:00:00-05:00', 'Dec 19th 11 AM')] },
  { name: 'NZ shift: "push it back an hour"', booking: 'ngata', says: 'push it back an hour', steps: [move('2026-12-12T11:00:00+13:00', 'push it back an hour')] },
  { name: '"resend her confirmation email"', booking: 'kim', says: 'resend her confirmation email', steps: [resend('resend her confirmation email')] },
];

let actions: Map<string, AtomicAction>;
beforeAll(async () => {
  actions = await writeActions();
});

describe('guard correct-plan table: a good model\'s correct drafts are accepted', () => {
  it('has at least 60 rows, each with evidence that really occurs in the user\'s words', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ROWS.map((r) => r.name)).size, 'row names are unique').toBe(ROWS.length);
    const dishonest = ROWS.map((r) => ({ row: r.name, missing: evidenceNotSaid(r) })).filter((x) => x.missing.length);
    expect(dishonest).toEqual([]);
  });

  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const verdict = judge(row, actions);
    if ('threw' in verdict) throw new Error(`the guard threw: ${verdict.threw}`);
    expect(verdict.problems, `blocked a correct plan: ${JSON.stringify(row.steps.map((s) => s.params))}`).toEqual([]);
  });

  it('accepts 100% of the rows', () => {
    const blocked: string[] = [];
    for (const row of ROWS) {
      const v = judge(row, actions);
      if ('threw' in v) blocked.push(`${row.name} (threw)`);
      else if (v.problems.length) blocked.push(`${row.name} → ${v.problems.map((p) => p.question).join(' ')}`);
    }
    const accepted = ROWS.length - blocked.length;
    console.log(`guard correct-plan table: ${accepted}/${ROWS.length} accepted (${((100 * accepted) / ROWS.length).toFixed(1)}%)${blocked.length ? `\n  blocked: ${blocked.join('\n  blocked: ')}` : ''}`);
    expect(blocked).toEqual([]);
  });
});
