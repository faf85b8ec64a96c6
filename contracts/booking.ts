// The booking as this service reads it — written once, as the JSON Schema a `role: booking` read's
// answer (ROLLER's own shape, or another API's answer through its `booking` JSONata mapping) is
// validated against; the `Booking` type is derived from it. `changes` expressions read it as `before`
// and lint checks their paths against it.
import type { FromSchema } from './json-schema-type.js';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;

export const BOOKING_SCHEMA = {
  type: 'object',
  required: ['bookingId', 'reference', 'venueId', 'timezone', 'status', 'version', 'holder', 'items'],
  properties: {
    bookingId: str,
    reference: str,
    venueId: str,
    /** IANA zone of the venue */
    timezone: str,
    /** BCP 47 locale of the venue, when the booking API gives it */
    locale: str,
    status: str,
    version: str,
    holder: { type: 'object', required: ['name'], properties: { name: str, email: nullableStr, phone: nullableStr } },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['itemId', 'productId', 'productName', 'ticketType', 'quantity', 'sessionStart', 'sessionEnd'],
        properties: { itemId: str, productId: str, productName: str, ticketType: str, quantity: { type: 'integer', minimum: 0 }, sessionStart: str, sessionEnd: str },
      },
    },
    notes: { type: 'array', items: str },
  },
} as const;

export type Booking = FromSchema<typeof BOOKING_SCHEMA>;
export type BookingItem = Booking['items'][number];
