// The booking shape `changes` expressions read as `before` — defined once in contracts/booking.ts
// (the schema there is the source of the `Booking` type too); kept here for the catalog's imports.
import type { JsonSchema } from '../contracts/types.js';
import { BOOKING_SCHEMA } from '../contracts/booking.js';

export const BOOKING_SHAPE: JsonSchema = BOOKING_SCHEMA as unknown as JsonSchema;
