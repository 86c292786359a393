export type {
  FunctionAgentContext,
  FunctionAgentModule,
  FunctionHelpers,
  FunctionRunContext,
  FunctionResult,
  FunctionRunOutcome,
  InjectedZod,
  NeedsInput,
  ParseTaskOutcome,
  PriorResult,
} from './types.js';
export { FunctionAgentError, isFunctionAgentError, type FunctionAgentErrorCode } from './errors.js';
export {
  loadFunctionAgent,
  assertNoRuntimeImports,
  defaultFunctionCacheDir,
  functionAgentOrigin,
  FUNCTION_AGENT_FILE,
  FUNCTION_MODULE_MAX_BYTES,
  type FunctionAgentOrigin,
  type LoadFunctionAgentOptions,
} from './loader.js';
export {
  runFunctionAgent,
  functionAgentContext,
  describeIssues,
  schemaOf,
  DEFAULT_FUNCTION_TIMEOUT_MS,
  type FunctionTask,
  type RunFunctionAgentOptions,
} from './run.js';
export { inputFields, type InputField, type InputFieldType } from './fields.js';
export {
  functionHelpers,
  csv,
  numbers,
  CSV_DELIMITERS,
  type CsvHelpers,
  type CsvParseResult,
  type CsvRow,
  type NumberHelpers,
} from './helpers/index.js';
