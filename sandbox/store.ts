// In-process booking store of the sandbox, seeded from YAML. Sessions are implicit (every product,
// every day, at each of its local times) so the seed stays small and dates never run out.
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { DateTime } from 'luxon';

export interface SeedToken { token: string; userId: string; name?: string; venueId: string; scopes: string[] }
export interface SeedVenue { venueId: string; name: string; timezone: string; /** BCP 47, e.g. en-AU: decides day/month order */ locale?: string }
export interface SeedProduct { productId: string; name: string; times: string[]; durationMinutes: number; capacity: number }
export interface Item { itemId: string; productId: string; productName: string; ticketType: string; quantity: number; sessionStart: string; sessionEnd: string }
export interface Booking {
  bookingId: string;
  reference: string;
  venueId: string;
  timezone: string;
  locale?: string;
  status: 'confirmed' | 'cancelled';
  version: string;
  holder: { name: string; email: string | null; phone: string | null };
  items: Item[];
  notes: string[];
  updatedAt: string;
}
export interface Seed {
  venues: SeedVenue[];
  tokens: SeedToken[];
  products: SeedProduct[];
  sessionCapacity?: Array<{ productId: string; start: string; capacity: number }>;
  bookings: Array<{
    bookingId: string;
    reference: string;
    venueId: string;
    holder: Booking['holder'];
    items: Array<{ itemId: string; productId: string; ticketType: string; quantity: number; start: string }>;
    notes?: string[];
  }>;
}

export const DEFAULT_SEED = new URL('./seed.yaml', import.meta.url).pathname;

export function readSeed(path = DEFAULT_SEED): Seed {
  const seed = loadYaml(readFileSync(path, 'utf8')) as Seed;
  if (!seed || !Array.isArray(seed.venues) || !Array.isArray(seed.tokens) || !Array.isArray(seed.products) || !Array.isArray(seed.bookings)) {
    throw new Error(`Sandbox seed ${path} must have venues, tokens, products and bookings lists`);
  }
  return seed;
}

const iso = (dt: DateTime) => dt.toUTC().toISO({ suppressMilliseconds: true })!;

export class Store {
  bookings = new Map<string, Booking>();
  private products = new Map<string, SeedProduct>();
  private capacityOverrides = new Map<string, number>();
  venues = new Map<string, SeedVenue>();
  tokens = new Map<string, SeedToken>();

  constructor(private readonly seed: Seed) {
    this.reset();
  }

  reset(): void {
    const seed = structuredClone(this.seed);
    this.venues = new Map(seed.venues.map((v) => [v.venueId, v]));
    this.tokens = new Map(seed.tokens.map((t) => [t.token, t]));
    this.products = new Map(seed.products.map((p) => [p.productId, p]));
    this.capacityOverrides = new Map((seed.sessionCapacity ?? []).map((o) => [`${o.productId}@${iso(DateTime.fromISO(o.start))}`, o.capacity]));
    this.bookings = new Map();
    const now = new Date().toISOString();
    for (const b of seed.bookings) {
      const venue = this.venues.get(b.venueId);
      if (!venue) throw new Error(`Seed booking ${b.bookingId} names unknown venue ${b.venueId}`);
      this.bookings.set(b.bookingId, {
        bookingId: b.bookingId,
        reference: b.reference,
        venueId: b.venueId,
        timezone: venue.timezone,
        ...(venue.locale ? { locale: venue.locale } : {}),
        status: 'confirmed',
        version: '1',
        holder: { name: b.holder.name, email: b.holder.email ?? null, phone: b.holder.phone ?? null },
        items: b.items.map((i) => {
          const p = this.product(i.productId);
          const start = DateTime.fromISO(i.start);
          return { itemId: i.itemId, productId: i.productId, productName: p.name, ticketType: i.ticketType, quantity: i.quantity, sessionStart: iso(start), sessionEnd: iso(start.plus({ minutes: p.durationMinutes })) };
        }),
        notes: b.notes ?? [],
        updatedAt: now,
      });
    }
  }

  product(productId: string): SeedProduct {
    const p = this.products.get(productId);
    if (!p) throw new Error(`unknown product ${productId}`);
    return p;
  }

  productList(): SeedProduct[] {
    return [...this.products.values()];
  }

  hasProduct(productId: string): boolean {
    return this.products.has(productId);
  }

  /** The session of a product starting at an instant, if that is one of its local start times. */
  session(productId: string, startIso: string, timezone: string): { start: string; end: string; capacity: number } | undefined {
    const p = this.product(productId);
    const start = DateTime.fromISO(startIso, { setZone: true });
    if (!start.isValid) return undefined;
    const local = start.setZone(timezone);
    if (local.second !== 0 || local.millisecond !== 0 || !p.times.includes(local.toFormat('HH:mm'))) return undefined;
    const key = `${productId}@${iso(start)}`;
    return { start: iso(start), end: iso(start.plus({ minutes: p.durationMinutes })), capacity: this.capacityOverrides.get(key) ?? p.capacity };
  }

  booked(productId: string, startIso: string, excludeBookingId?: string): number {
    const start = iso(DateTime.fromISO(startIso));
    let n = 0;
    for (const b of this.bookings.values()) {
      if (b.status !== 'confirmed' || b.bookingId === excludeBookingId) continue;
      for (const i of b.items) if (i.productId === productId && i.sessionStart === start) n += i.quantity;
    }
    return n;
  }

  /** Sessions of a product on a local date with remaining places. */
  sessionsOn(productId: string, localDate: string, timezone: string, excludeBookingId?: string) {
    const p = this.product(productId);
    return p.times.map((t) => {
      const start = DateTime.fromISO(`${localDate}T${t}`, { zone: timezone });
      const s = this.session(productId, iso(start), timezone)!;
      return { ...s, remaining: Math.max(0, s.capacity - this.booked(productId, s.start, excludeBookingId)) };
    });
  }

  bump(b: Booking): Booking {
    b.version = String(Number(b.version) + 1);
    b.updatedAt = new Date().toISOString();
    return b;
  }
}
