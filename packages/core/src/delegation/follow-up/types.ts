import type { InputField } from '../../functions/fields.js';

/** A follow-up message to read against the input a function agent last ran with. */
export interface FollowUpQuestion {
  /** The fields of the agent's input schema. */
  fields: InputField[];
  /** The input being changed. */
  previous: Record<string, unknown>;
  text: string;
  /** Fields the agent just asked for: a value without a name answers them. */
  expected?: string[];
}

/** What a follow-up changes. Nothing in either: the message is not a follow-up. */
export interface FollowUpReading {
  /** New values by field name, in the field's own unit (a monthly field gets a monthly amount). */
  values: Record<string, unknown>;
  /** Fields the message is about whose new value could not be understood: ask for these only. */
  unclear: string[];
}

export const isEmptyReading = (r: FollowUpReading): boolean =>
  Object.keys(r.values).length === 0 && r.unclear.length === 0;
