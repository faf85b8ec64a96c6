// The booking as the planner and the session screen read it: what the `role: booking` read gives
// (ROLLER's own shape) or what its `booking` JSONata mapping must produce for another API. `changes`
// expressions read it as `before`; lint checks their paths against this schema.
import type { JsonSchema } from '../contracts/types.js';

const str = { type: 'string' };
export const BOOKING_SHAPE: JsonSchema = {
  type: 'object',
  required: ['bookingId', 'version', 'items'],
  properties: {
    bookingId: str,
    reference: str,
    venueId: str,
    timezone: str,
    status: str,
    version: str,
    holder: { type: 'object', properties: { name: { type: ['string', 'null'] }, email: { type: ['string', 'null'] }, phone: { type: ['string', 'null'] } } },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['itemId', 'quantity', 'sessionStart'],
        properties: { itemId: str, productId: str, productName: str, ticketType: str, quantity: { type: 'integer', minimum: 0 }, sessionStart: str, sessionEnd: str },
      },
    },
    notes: { type: 'array', items: str },
  },
};
