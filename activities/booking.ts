// The booking as this service sees it: a summary for the screen (no contact details) and helpers.
import type { BookingSummary } from '../contracts/types.js';
import { localTime } from './action-errors.js';

export interface RollerBooking {
  bookingId: string;
  reference: string;
  venueId: string;
  timezone: string;
  /** BCP 47 locale of the venue, when the booking API gives it */
  locale?: string;
  status: string;
  version: string;
  holder: { name: string; email?: string | null; phone?: string | null };
  items: Array<{ itemId: string; productId: string; productName: string; ticketType: string; quantity: number; sessionStart: string; sessionEnd: string }>;
  notes?: string[];
}

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
