import { z, type ZodType } from 'zod';

export type InputFieldType = 'number' | 'integer' | 'string' | 'boolean' | 'enum';

/** One top-level field of a function agent's input, as its schema names and describes it. */
export interface InputField {
  name: string;
  type: InputFieldType;
  /** The schema's `.describe()` text: what the field means, in words people use for it. */
  description?: string;
  /** The allowed values of an enum field. */
  values?: string[];
  required: boolean;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

function fieldType(schema: JsonSchema): Pick<InputField, 'type' | 'values'> | undefined {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string'))
    return { type: 'enum', values: schema.enum as string[] };
  switch (schema.type) {
    case 'number':
    case 'integer':
    case 'string':
    case 'boolean':
      return { type: schema.type };
    default:
      return undefined;
  }
}

/**
 * The scalar top-level fields of an object schema: what a follow-up can change one by one.
 * Read through zod's JSON Schema export (a public, stable view of the schema); fields that are
 * arrays or objects, and schemas that are not objects, give nothing.
 */
export function inputFields(schema: ZodType): InputField[] {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return [];
  }
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).flatMap(([name, prop]) => {
    // `.nullable()` exports as anyOf [T, null]: the field is T.
    const member = prop.anyOf?.find((m) => m.type !== 'null') ?? prop;
    const type = fieldType(member);
    if (!type) return [];
    const description = prop.description ?? member.description;
    return [{ name, ...type, ...(description ? { description } : {}), required: required.has(name) }];
  });
}
