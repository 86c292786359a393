import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { clientEventSchemas } from '@orchestrator/contracts';
import { z } from 'zod';
import type { MappedRoute } from './routes.js';

export interface FuzzPools {
  /** Ids of real rows of every kind (and one that exists nowhere). */
  ids: string[];
  /** Ids of real rows by the path segment that names their kind (`projects`, `approvals`, …). */
  idsByResource: Record<string, string[]>;
  names: string[];
  stepKeys: string[];
  /** The request schemas of the contracts, to build bodies and queries that almost pass. */
  schemas: { name: string; schema: z.ZodType }[];
}

/** Strings Postgres, URL decoding, JSON or JavaScript objects choke on. */
const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '%',
  '%25',
  '%00',
  '%zz',
  '\\',
  '"',
  "'",
  '..',
  '/',
  '\n',
  '\u202e',
  '\ufeff',
  '😀',
  'null',
  '-1',
  '0',
  '1e309',
  'NaN',
  '99999999999999999999999',
  '__proto__',
  'constructor',
  '00000000-0000-0000-0000-00000000000g',
  '00000000-0000-0000-0000-000000000000',
];

/** Percent-encoded path segments that are not valid UTF-8 or decode to something hostile. */
const RAW_SEGMENTS = ['%25', '%00', '%ED%A0%80', '%E0%A4%A', '%C0%80', '%FF', '%2F', '%2e%2e', '%', 'a%2525b'];

/** Timestamps `Date.parse` accepts that a `timestamptz` may not (and a few it rejects outright). */
const CURSOR_TIMES = [
  '1',
  'Tue',
  '2024-02-30',
  'Feb 30 2024',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '0000-01-01T00:00:00.000Z',
  'Jan 1 10000',
  '2024-01-01T00:00:00.000Z\u0000',
  '2024-01-01T00:00:00.000Z',
  'not a date',
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('\u0000', '\ud800', '\udfff', '%'),
        fc.string({ maxLength: 8 }),
      )
      .map(([a, b, c]) => a + b + c),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((n) => 'a'.repeat(n)) },
);

const cursorArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...CURSOR_TIMES), fc.oneof(fc.constant(randomUUID()), nastyString))
  .map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url'));

/** Encodes any JavaScript string as a path segment; lone surrogates become their (invalid) UTF-8 bytes. */
function encodeSegment(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Real values for a path parameter: ids of the kind the segment before it names, agent names, step keys. */
function validParams(route: MappedRoute, name: string, pools: FuzzPools): string[] {
  if (name === 'name' || name === 'agent') return pools.names;
  if (name === 'stepKey') return pools.stepKeys;
  if (name === 'version') return ['1', '2'];
  if (name === 'projectId') return pools.idsByResource.projects ?? pools.ids;
  const segments = route.path.split('/');
  const resource = segments[segments.indexOf(`:${name}`) - 1] ?? '';
  return pools.idsByResource[resource]?.length ? pools.idsByResource[resource] : pools.ids;
}

/** A path whose parameters are all real values: what a probe request uses. */
export function validPath(route: MappedRoute, pools: FuzzPools): string {
  let path = route.path;
  for (const p of route.params) path = path.replace(`:${p}`, encodeSegment(validParams(route, p, pools)[0] ?? 'x'));
  return path;
}

/** The route's path with each `:param` replaced by a real or hostile value (real ones reach deeper). */
export function pathValueArb(route: MappedRoute, pools: FuzzPools): fc.Arbitrary<string> {
  const param = (name: string): fc.Arbitrary<string> => {
    const valid = validParams(route, name, pools);
    return fc.oneof(
      { weight: 4, arbitrary: valid.length ? fc.constantFrom(...valid).map(encodeSegment) : fc.constant('x') },
      { weight: 2, arbitrary: nastyString.filter((s) => s !== '').map(encodeSegment) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    );
  };
  return fc.tuple(...route.params.map(param)).map((values) => {
    let path = route.path;
    route.params.forEach((p, i) => (path = path.replace(`:${p}`, values[i]!)));
    return path;
  });
}

function queryKeys(pools: FuzzPools): string[] {
  const keys = new Set(['limit', 'cursor', 'status', 'after', 'from', 'to', 'projectId', '__proto__', 'a[b]']);
  for (const { name, schema } of pools.schemas)
    if (name.endsWith('QuerySchema') && schema instanceof z.ZodObject)
      for (const k of Object.keys(schema.shape)) keys.add(k);
  return [...keys];
}

/** A query string of known and unknown keys with valid, hostile and repeated values. */
export function queryArb(pools: FuzzPools): fc.Arbitrary<string> {
  const value = fc.oneof(
    nastyString,
    cursorArb,
    fc.constantFrom(...pools.ids),
    fc.integer({ min: -5, max: 1000 }).map(String),
    fc.constantFrom('pending', 'running', 'agent', 'project', 'approve'),
  );
  const pair = fc.tuple(fc.constantFrom(...queryKeys(pools)), value);
  return fc
    .array(pair, { maxLength: 4 })
    .map((pairs) =>
      pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeSegment(v)}`).join('&')}` : '',
    );
}

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  $ref?: string;
};

/** Values that match a JSON schema most of the time, with hostile strings where strings go. */
function fromSchema(
  s: JsonSchema,
  pools: FuzzPools,
  defs: Record<string, JsonSchema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (s.$ref) return fromSchema(defs[s.$ref.split('/').pop()!] ?? {}, pools, defs, depth);
  if (depth > 4) return fc.constant(null);
  const valid = ((): fc.Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...s.enum);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return fc.oneof(...alternatives.map((a) => fromSchema(a, pools, defs, depth + 1)));
    switch (s.type) {
      case 'string': {
        if (s.format === 'uuid') return fc.constantFrom(...pools.ids);
        const min = s.minLength ?? 0;
        const plain = s.pattern
          ? fc.stringMatching(new RegExp(s.pattern))
          : fc.string({ minLength: min, maxLength: Math.max(min, Math.min(s.maxLength ?? 40, 40)) });
        // The hostile character sits inside an otherwise valid string, so length checks pass.
        return fc.oneof(
          plain,
          fc
            .tuple(plain, fc.constantFrom('\u0000', '\ud800', '\udc00'))
            .map(([p, bad]) => (p.length > min ? p.slice(1) : p) + bad),
        );
      }
      case 'integer':
        return fc.integer({ min: Math.max(s.minimum ?? -10, -1e6), max: Math.min(s.maximum ?? 1000, 1e6) });
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(s.items ? fromSchema(s.items, pools, defs, depth + 1) : fc.jsonValue(), { maxLength: 3 });
      case 'object': {
        const props = Object.entries(s.properties ?? {});
        if (!props.length) return fc.dictionary(nastyString, fc.jsonValue(), { maxKeys: 3 });
        return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fromSchema(v, pools, defs, depth + 1)])), {
          requiredKeys: (s.required ?? []).filter((k) => s.properties?.[k]),
        });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: fc.oneof(nastyString, fc.jsonValue()) });
}

function fromZod(schema: z.ZodType, pools: FuzzPools): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  return fromSchema(json, pools, json.$defs ?? {});
}

const deepNesting = fc.integer({ min: 1000, max: 50_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));

/**
 * A request body: none, JSON (shaped by one of `schemas`, arbitrary or hostile), broken JSON, or
 * another media type.
 */
export function bodyArb(
  pools: FuzzPools,
  schemas: z.ZodType[] = pools.schemas.map((s) => s.schema),
): fc.Arbitrary<{ contentType?: string; raw: string } | undefined> {
  const shaped = fc.oneof(...schemas.map((schema) => fromZod(schema, pools)));
  const json = fc.oneof(
    { weight: 4, arbitrary: shaped },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 3 }) },
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: json.map((v) => ({ contentType: 'application/json', raw: JSON.stringify(v) ?? 'null' })) },
    {
      weight: 1,
      arbitrary: fc.record({
        contentType: fc.constantFrom(
          'application/json',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
        ),
        raw: fc.oneof(
          fc.constantFrom('', '{', '{"a":', 'nul', '\u0000', '{"a":"\\u0000"}', '{"a":"\\ud800"}'),
          deepNesting,
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        contentType: fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/jsonx',
          '',
        ),
        raw: fc.oneof(fc.constant(''), fc.constant('{}'), fc.constant('content=hi'), fc.string({ maxLength: 50 })),
      }),
    },
    { weight: 1, arbitrary: fc.record({ raw: fc.constantFrom('', '{}', 'x') }) },
  );
}

/** A socket payload: shaped by the event's schema in the contracts when it has one, else anything a body could be. */
export function payloadArb(event: string, pools: FuzzPools): fc.Arbitrary<unknown> {
  const schema = (clientEventSchemas as Record<string, z.ZodType | undefined>)[event];
  const shaped = schema ? [{ weight: 4, arbitrary: fromZod(schema, pools) }] : [];
  const asValue = bodyArb(pools, schema ? [schema] : undefined).map((body) => {
    if (body?.contentType !== 'application/json' || body.raw.length > 10_000) return body?.raw;
    try {
      return JSON.parse(body.raw) as unknown;
    } catch {
      return body.raw;
    }
  });
  return fc.oneof(...shaped, { weight: 2, arbitrary: asValue });
}

const PROBE = { __fuzz_probe__: true };

const signature = (issues: { path: string; message: string }[]): string =>
  issues
    .map((i) => `${i.path}:${i.message}`)
    .sort()
    .join('|');

/** The probe body every strict schema refuses without side effects; see `bodySchemasFor`. */
export const probeBody = JSON.stringify(PROBE);

/**
 * The contract schemas a route's body most likely follows: those that refuse the probe with the
 * very issues the route answered it with. All body schemas when nothing matches.
 */
export function bodySchemasFor(issues: { path: string; message: string }[] | undefined, pools: FuzzPools): z.ZodType[] {
  const bodies = pools.schemas.filter((s) => s.name.endsWith('BodySchema')).map((s) => s.schema);
  if (!issues) return bodies;
  const wanted = signature(issues);
  const matching = bodies.filter((schema) => {
    const result = schema.safeParse(PROBE);
    if (result.success) return false;
    return (
      signature(result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }))) === wanted
    );
  });
  return matching.length ? matching : bodies;
}
