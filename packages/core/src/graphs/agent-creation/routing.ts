import { END } from '@langchain/langgraph';
import type { AgentCreationStateType } from './state.js';

export const afterValidate = (state: AgentCreationStateType) => (state.outcome === 'failed' ? END : 'request_approval');
export const afterApproval = (state: AgentCreationStateType) =>
  state.decision?.decision === 'approve' ? 'deploy_agent' : END;
