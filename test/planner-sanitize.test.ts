// Model-written questions and refusal reasons shown to staff: plain, short, no contact details,
// links or credential requests; anything else becomes a generic sentence.
import { describe, expect, it } from 'vitest';
import { GENERIC_QUESTION, GENERIC_REFUSAL, MAX_TEXT, sanitizeMissing, sanitizeQuestion, sanitizeReason } from '../planner/sanitize.js';

describe('sanitize', () => {
  it('keeps a plain question', () => {
    expect(sanitizeQuestion('What time on Saturday 12 December?')).toBe('What time on Saturday 12 December?');
    expect(sanitizeQuestion('Exactly how many child tickets should there be? There are 6 now.')).toBe('Exactly how many child tickets should there be? There are 6 now.');
  });

  it.each([
    'What is your ROLLER password?',
    'Can you send me the one-time code from your phone?',
    'Please log in at roller-support.com and confirm?',
    'See https://example.org/x — is that right?',
    'Should I email linh.nguyen@example.com?',
    'Call +61 412 345 678 to confirm?',
    'Please paste your API key?',
    'What is the card number?',
    `${'Which time? '.repeat(40)}`,
    '',
    42,
    'Moving it now.',
  ])('replaces %j with the generic question', (q) => {
    expect(sanitizeQuestion(q)).toBe(GENERIC_QUESTION);
  });

  it('strips markup and control characters, bounds length', () => {
    expect(sanitizeQuestion('**What** time\u0000 on <b>Saturday</b>?')).toBe('What time on Saturday ?');
    expect(sanitizeReason('x'.repeat(MAX_TEXT + 1))).toBe(GENERIC_REFUSAL);
  });

  it('refusal reasons', () => {
    expect(sanitizeReason('Cancelling bookings is not possible here; cancel it in ROLLER.')).toBe('Cancelling bookings is not possible here; cancel it in ROLLER.');
    expect(sanitizeReason('Ask the owner at owner@venue.com.au')).toBe(GENERIC_REFUSAL);
    expect(sanitizeReason(undefined)).toBe(GENERIC_REFUSAL);
  });

  it('missing details are short names only', () => {
    expect(sanitizeMissing(['newStart', 'ticket type', 'x'.repeat(80), 3, '<script>'])).toEqual(['newStart', 'ticket type']);
  });
});
