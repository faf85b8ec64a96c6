// The TypeScript type a `const` JSON Schema describes, so a shape is written once (as the schema the
// service validates with) and the type follows from it. Covers the subset the contracts use:
// object (properties, required), array (items), string, integer/number, boolean, null and type unions.

type Primitive<T> = T extends 'string' ? string : T extends 'integer' | 'number' ? number : T extends 'boolean' ? boolean : T extends 'null' ? null : never;

type Required<S> = S extends { required: readonly (infer K)[] } ? K : never;

type ObjectOf<S> = S extends { properties: infer P }
  ? { -readonly [K in keyof P as K extends Required<S> ? K : never]: FromSchema<P[K]> } & { -readonly [K in keyof P as K extends Required<S> ? never : K]?: FromSchema<P[K]> }
  : Record<string, unknown>;

type OfType<S, T> = T extends 'object' ? Flat<ObjectOf<S>> : T extends 'array' ? (S extends { items: infer I } ? FromSchema<I>[] : unknown[]) : Primitive<T>;

type Flat<T> = { [K in keyof T]: T[K] };

/** The value type of JSON Schema `S` (declared `as const`). */
export type FromSchema<S> = S extends { type: readonly (infer T)[] } ? OfType<S, T> : S extends { type: infer T } ? OfType<S, T> : unknown;
