export const ORCHESTRATOR = Symbol('ORCHESTRATOR');
