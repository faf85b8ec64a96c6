// The booking as this service sees it: a summary for the screen (no contact details) and helpers.
import type { BookingSummary } from '../contracts/types.js';
import type { Booking } from '../contracts/booking.js';
import { localTime } from './action-errors.js';

/** The booking as ROLLER gives it — one definition, in contracts/booking.ts. */
export type RollerBooking = Booking;
export type { Booking };

export function summarizeBooking(b: RollerBooking): BookingSummary {
  return {
    bookingId: b.bookingId,
    reference: b.reference,
    holderName: b.holder?.name,
    items: b.items.map((i) => ({ itemId: i.itemId, product: i.productName, ticketType: i.ticketType, quantity: i.quantity, start: i.sessionStart, localStart: localTime(i.sessionStart, b.timezone) })),
    version: b.version,
    timezone: b.timezone,
  };
}
