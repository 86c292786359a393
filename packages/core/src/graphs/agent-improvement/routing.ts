import type { ImprovementStateType } from './state.js';

export type ImprovementRoute = 'await_approval' | 'apply' | 'reject' | '__end__';

/** After `propose`: a proposal with a change goes to a person; anything else has already ended. */
export const afterPropose = (state: ImprovementStateType): ImprovementRoute =>
  state.end || !state.proposal?.changed ? '__end__' : 'await_approval';

/** After the decision: approve applies, anything else is a rejection. */
export const afterDecision = (state: ImprovementStateType): ImprovementRoute =>
  state.decision?.decision === 'approve' ? 'apply' : 'reject';
