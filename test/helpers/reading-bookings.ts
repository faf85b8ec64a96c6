// Bookings and "now" the reading's unit tests read against (test/understanding, test/reading-coverage).
import { DateTime } from 'luxon';
import type { RollerBooking } from '../../activities/booking.js';

export const NOW = DateTime.fromISO('2026-12-01T09:00:00', { zone: 'Australia/Sydney' }); // a Tuesday

/** A party on Friday 11 December, 10:00 Sydney, six Child tickets. */
export const party: RollerBooking = {
  bookingId: 'bk-1', reference: 'NGU-1001', venueId: 'v', timezone: 'Australia/Sydney', locale: 'en-AU', status: 'confirmed', version: '1',
  holder: { name: 'Linh Nguyen' },
  items: [{ itemId: 'kids', productId: 'p', productName: 'Birthday Party Package', ticketType: 'Child', quantity: 6, sessionStart: '2026-12-10T23:00:00Z', sessionEnd: '2026-12-11T01:00:00Z' }],
};
