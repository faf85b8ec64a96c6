// The session's booking comes from whichever catalog read has `role: booking` (overlay metadata),
// mapped by that action's JSONata `booking` expression into the shape the planner and the session
// screen read. ROLLER's own read needs no mapping; another API (OCTO, …) declares one.
import type { SessionContext } from '../contracts/types.js';
import type { Catalog } from '../catalog/importer.js';
import { evaluate } from '../catalog/mapping.js';
import { BOOKING_SHAPE } from '../catalog/booking-shape.js';
import { Ajv } from 'ajv';
import { ActionFailure } from './action-errors.js';
import type { ActionRunner } from './action-runner.js';
import type { RollerBooking } from './booking.js';

const validBooking = new Ajv({ allErrors: true, strict: false }).compile(BOOKING_SHAPE);

export async function readSessionBooking(catalog: Catalog, runner: ActionRunner, context: SessionContext, token: string, actionId?: string): Promise<RollerBooking> {
  const source = actionId ? catalog.get(actionId) : catalog.bookingSource();
  if (!source) throw new ActionFailure({ code: 'NO_BOOKING_SOURCE', message: 'No action in the catalog reads the booking (role: booking).', hint: 'Add role: booking to the read that returns a booking.', retryable: false });
  const res = await runner.run(source.id, {}, context, { token });
  const booking = (source.bookingMapping ? await evaluate(source.bookingMapping, { result: res.body, context }) : res.body) as RollerBooking | undefined;
  if (!validBooking(booking)) {
    const why = (validBooking.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || 'booking'} ${e.message}`).join('; ');
    throw new ActionFailure({ code: 'UPSTREAM_ERROR', message: `${source.api?.title ?? 'The API'} answered ${source.id} with something that is not a booking (${why}).`, hint: 'Check the booking mapping of the action with role: booking.', retryable: false });
  }
  return booking as RollerBooking;
}
