// One Booking: the schema in contracts/booking.ts is written, the type derived from it. The test proves
// they agree — at compile time (the type's required keys are exactly the schema's) and at run time
// (the bookings ROLLER's sandbox and OCTO's mapping give validate; a booking missing any required
// field does not, so readSessionBooking refuses it instead of the planner meeting `undefined`).
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { Server } from 'node:http';
import { Ajv } from 'ajv';
import { BOOKING_SCHEMA, type Booking } from '../contracts/booking.js';
import type { RollerBooking } from '../activities/booking.js';
import { BOOKING_SHAPE } from '../catalog/booking-shape.js';
import { Store, readSeed } from '../sandbox/store.js';
import { createOctoSandbox, OCTO_KEY } from '../sandbox/octo.js';
import { loadCatalog } from '../catalog/importer.js';
import { evaluate } from '../catalog/mapping.js';
import { listen } from './helpers/stack.js';

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
const valid = new Ajv({ allErrors: true, strict: false }).compile(BOOKING_SCHEMA);
const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

describe('one Booking definition', () => {
  it('the type requires exactly the fields the schema requires, booking and item alike', () => {
    expectTypeOf<RequiredKeys<Booking>>().toEqualTypeOf<(typeof BOOKING_SCHEMA)['required'][number]>();
    expectTypeOf<RequiredKeys<Booking['items'][number]>>().toEqualTypeOf<(typeof BOOKING_SCHEMA)['properties']['items']['items']['required'][number]>();
    expectTypeOf<Booking['items'][number]['quantity']>().toEqualTypeOf<number>();
    expectTypeOf<Booking['holder']['email']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<RollerBooking>().toEqualTypeOf<Booking>();
    // @ts-expect-error a booking without its time zone is not a Booking
    const noZone: Booking = { bookingId: 'b', reference: 'r', venueId: 'v', status: 's', version: '1', holder: { name: 'n' }, items: [] };
    expect(valid(noZone)).toBe(false);
    expect(BOOKING_SHAPE).toBe(BOOKING_SCHEMA);
  });

  it("every seeded ROLLER sandbox booking validates, and loses validity without any one required field", () => {
    const bookings = [...new Store(readSeed()).bookings.values()];
    expect(bookings.length).toBeGreaterThan(0);
    for (const b of bookings) {
      expect(valid(b), JSON.stringify(valid.errors)).toBe(true);
      for (const field of BOOKING_SCHEMA.required) {
        const { [field]: _dropped, ...without } = b;
        expect(valid(without), `${b.bookingId} without ${field}`).toBe(false);
      }
      const item = BOOKING_SCHEMA.properties.items.items.required;
      for (const field of item) {
        const { [field]: _dropped, ...without } = b.items[0]!;
        expect(valid({ ...b, items: [without] }), `${b.bookingId} item without ${field}`).toBe(false);
      }
    }
  });

  it("OCTO's booking, through its overlay mapping, is a Booking", async () => {
    const octo = await createOctoSandbox();
    const { server, url } = await listen(octo.app);
    servers.push(server);
    const res = await fetch(`${url}/octo/bookings/octo-bk-1`, { headers: { authorization: `Bearer ${OCTO_KEY}`, 'octo-capabilities': '' } });
    expect(res.status).toBe(200);
    const source = (await loadCatalog(new URL('../catalog/octo', import.meta.url).pathname)).bookingSource()!;
    const mapped = (await evaluate(source.bookingMapping!, { result: await res.json(), context: { venueId: 'venue-octo' } })) as Booking;
    expect(valid(mapped), JSON.stringify(valid.errors)).toBe(true);
    expect(mapped.timezone).toBe('Australia/Sydney');
    expect(mapped.items[0]!.quantity).toBe(5);
  });
});
