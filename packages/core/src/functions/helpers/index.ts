import type { FunctionHelpers } from '../types.js';
import { csv } from './csv.js';
import { numbers } from './numbers.js';

export { csv, CSV_DELIMITERS, type CsvHelpers, type CsvParseResult, type CsvRow } from './csv.js';
export { numbers, type NumberHelpers } from './numbers.js';

/** What every function agent receives as `ctx.helpers` (frozen: agents share one instance). */
export const functionHelpers: FunctionHelpers = Object.freeze({ csv, numbers });
