// An OCTO supplier for tests and local runs, served from catalog/octo/octo.openapi.yaml by the
// generic document sandbox. State: one START_TIME product with sessions at 10:00, 13:00 and 15:00
// (Australia/Sydney) every day of December 2026, and confirmed bookings. Answers in OCTO's shapes:
// a Booking object, errors as {error, errorMessage}; refuses any key but its own.
import { DateTime } from 'luxon';
import type { Request } from 'express';
import { createApiSandbox, type ApiSandbox, type OperationAnswer } from './openapi-sandbox.js';

export const OCTO_SPEC = new URL('../catalog/octo/octo.openapi.yaml', import.meta.url).pathname;
export const OCTO_KEY = 'octo-sandbox-key';

const ZONE = 'Australia/Sydney';
const TIMES = ['10:00', '13:00', '15:00'];
const CAPACITY = 20;

interface OctoBooking {
  uuid: string;
  supplierReference: string;
  status: string;
  availabilityId: string;
  notes: string | null;
  contact: { fullName: string; emailAddress: string | null; phoneNumber: string | null };
  units: Array<{ uuid: string; unitId: string }>;
  utcCreatedAt: string;
  utcUpdatedAt: string;
  updates: number;
}

const product = {
  id: 'prod-jump',
  internalName: 'Jump Session (60 min)',
  locale: 'en-AU',
  timeZone: ZONE,
  allowFreesale: false,
  instantConfirmation: true,
  availabilityRequired: true,
  availabilityType: 'START_TIME',
  options: [
    {
      id: 'opt-default',
      default: true,
      internalName: 'Standard',
      availabilityLocalStartTimes: TIMES,
      units: [
        { id: 'unit-child', internalName: 'Child', type: 'CHILD' },
        { id: 'unit-adult', internalName: 'Adult', type: 'ADULT' },
      ],
    },
  ],
};

function slotEnd(id: string): string {
  return DateTime.fromISO(id, { setZone: true }).plus({ minutes: 60 }).toISO({ suppressMilliseconds: true })!;
}

/** Every slot id of a local date: the local start with its offset (how OCTO START_TIME ids read). */
function slotsOn(localDate: string): string[] {
  return TIMES.map((t) => DateTime.fromISO(`${localDate}T${t}`, { zone: ZONE }).toISO({ suppressMilliseconds: true, includeOffset: true })!);
}

function isSlot(id: string): boolean {
  const dt = DateTime.fromISO(id, { setZone: true });
  return dt.isValid && slotsOn(dt.setZone(ZONE).toISODate()!).includes(id);
}

function seed(): Map<string, OctoBooking> {
  const at = '2026-11-20T01:00:00Z';
  const b: OctoBooking = {
    uuid: 'octo-bk-1',
    supplierReference: 'OCT-2001',
    status: 'CONFIRMED',
    availabilityId: '2026-12-11T10:00:00+11:00',
    notes: 'Birthday party',
    contact: { fullName: 'Ana Souza', emailAddress: 'ana@example.com', phoneNumber: '+61400111222' },
    units: Array.from({ length: 5 }, (_, i) => ({ uuid: `octo-bk-1-u${i + 1}`, unitId: 'unit-child' })),
    utcCreatedAt: at,
    utcUpdatedAt: at,
    updates: 0,
  };
  return new Map([[b.uuid, b]]);
}

export interface OctoSandbox extends ApiSandbox {
  bookings: Map<string, OctoBooking>;
}

export async function createOctoSandbox(key = OCTO_KEY): Promise<OctoSandbox> {
  let bookings = seed();
  const error = (status: number, code: string, message: string) => ({ error: code, errorMessage: message });
  const no = (status: number, code: string, message: string): OperationAnswer => ({ status, wrote: false, body: error(status, code, message) });
  const used = (slot: string, except?: string) =>
    [...bookings.values()].filter((b) => b.availabilityId === slot && b.status !== 'CANCELLED' && b.uuid !== except).reduce((n, b) => n + b.units.length, 0);
  const view = (b: OctoBooking) => ({
    id: b.uuid,
    uuid: b.uuid,
    testMode: true,
    resellerReference: null,
    supplierReference: b.supplierReference,
    status: b.status,
    utcCreatedAt: b.utcCreatedAt,
    utcUpdatedAt: b.utcUpdatedAt,
    utcExpiresAt: null,
    utcRedeemedAt: null,
    utcConfirmedAt: b.utcCreatedAt,
    productId: product.id,
    product,
    optionId: 'opt-default',
    option: product.options[0],
    cancellable: b.status === 'CONFIRMED',
    cancellation: null,
    freesale: false,
    availabilityId: b.availabilityId,
    availability: { id: b.availabilityId, localDateTimeStart: b.availabilityId, localDateTimeEnd: slotEnd(b.availabilityId), allDay: false, openingHours: [] },
    contact: { ...b.contact, firstName: null, lastName: null, locales: ['en-AU'], postalCode: null, country: 'AU', notes: null },
    notes: b.notes,
    deliveryMethods: ['VOUCHER'],
    unitItems: b.units.map((u) => ({ uuid: u.uuid, resellerReference: null, supplierReference: null, unitId: u.unitId, unit: product.options[0]!.units.find((x) => x.id === u.unitId), status: b.status, utcRedeemedAt: null, contact: { fullName: null }, ticket: null })),
  });
  const find = (uuid: string) => bookings.get(uuid);
  const touch = (b: OctoBooking) => {
    b.updates++;
    b.utcUpdatedAt = DateTime.fromISO('2026-12-01T00:00:00Z').plus({ seconds: b.updates }).toUTC().toISO({ suppressMilliseconds: true })!;
  };

  const sandbox = await createApiSandbox({
    specFile: OCTO_SPEC,
    errorBody: error,
    reset: () => void (bookings = seed()),
    authorize: (req: Request) => (req.get('authorization') === `Bearer ${key}` ? undefined : no(401, 'UNAUTHORIZED', 'The API key was missing or invalid')),
    handlers: {
      getProducts: () => ({ status: 200, wrote: false, body: [product] }),
      getProduct: ({ params }) => (params.id === product.id ? { status: 200, wrote: false, body: product } : no(400, 'INVALID_PRODUCT_ID', 'The productId was missing or invalid')),
      availabilityCheck: ({ body }) => {
        const b = body as { productId: string; optionId: string; localDate?: string; localDateStart?: string; localDateEnd?: string; availabilityIds?: string[] };
        if (b.productId !== product.id) return no(400, 'INVALID_PRODUCT_ID', 'The productId was missing or invalid');
        if (b.optionId !== 'opt-default') return no(400, 'INVALID_OPTION_ID', 'The optionId was missing or invalid');
        const start = b.localDate ?? b.localDateStart;
        if (!start && !b.availabilityIds) return no(400, 'BAD_REQUEST', 'localDate, localDateStart/localDateEnd or availabilityIds is required');
        const days: string[] = [];
        if (start) for (let d = DateTime.fromISO(start); d <= DateTime.fromISO(b.localDateEnd ?? start); d = d.plus({ days: 1 })) days.push(d.toISODate()!);
        const ids = b.availabilityIds ?? days.flatMap(slotsOn);
        return {
          status: 200,
          wrote: false,
          body: ids.filter(isSlot).map((id) => {
            const vacancies = CAPACITY - used(id);
            return { id, localDateTimeStart: id, localDateTimeEnd: slotEnd(id), allDay: false, available: vacancies > 0, status: vacancies <= 0 ? 'SOLD_OUT' : vacancies < 5 ? 'LIMITED' : 'AVAILABLE', vacancies, capacity: CAPACITY, maxUnits: null, utcCutoffAt: DateTime.fromISO(id).toUTC().toISO({ suppressMilliseconds: true }), openingHours: [] };
          }),
        };
      },
      getBooking: ({ params }) => {
        const b = find(params.uuid!);
        return b ? { status: 200, wrote: false, body: view(b) } : no(400, 'INVALID_BOOKING_UUID', 'The booking uuid was missing or invalid');
      },
      bookingUpdate: ({ params, body }) => {
        const b = find(params.uuid!);
        if (!b) return no(400, 'INVALID_BOOKING_UUID', 'The booking uuid was missing or invalid');
        if (b.status === 'CANCELLED') return no(409, 'BOOKING_CANCELLED', 'A cancelled booking cannot be changed');
        const u = body as { availabilityId?: string; notes?: string };
        if (u.availabilityId !== undefined && u.availabilityId !== b.availabilityId) {
          if (!isSlot(u.availabilityId)) return no(400, 'INVALID_AVAILABILITY_ID', 'The availabilityId was missing or invalid');
          if (CAPACITY - used(u.availabilityId, b.uuid) < b.units.length) return no(400, 'INVALID_AVAILABILITY_ID', 'That availability does not have enough vacancies');
          b.availabilityId = u.availabilityId;
        }
        if (u.notes !== undefined) b.notes = u.notes === '' ? null : u.notes;
        touch(b);
        return { status: 200, wrote: true, body: view(b) };
      },
      bookingCancellation: ({ params }) => {
        const b = find(params.uuid!);
        if (!b) return no(400, 'INVALID_BOOKING_UUID', 'The booking uuid was missing or invalid');
        b.status = 'CANCELLED';
        touch(b);
        return { status: 200, wrote: true, body: view(b) };
      },
    },
  });
  return { ...sandbox, get bookings() {
    return bookings;
  } };
}
