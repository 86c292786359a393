import type { ProjectTemplate } from '../types.js';
import { approval, days, step, subjectOf, weeks } from './helpers.js';

/** Finance runs the cycle; HR prices the people costs, the largest line in most budgets. */
export const QUARTERLY_BUDGET: ProjectTemplate = {
  id: 'quarterly_budget',
  name: 'Quarterly budget',
  description:
    'Actuals, forecast, department requests and people costs into a reviewed, approved and published budget.',
  title: (request) => {
    const period = subjectOf(
      request,
      /\b(q[1-4](?:\s*(?:fy)?\s*\d{2,4})?|next quarter|this quarter|fy\s*\d{2,4}|\d{4})\b/i,
    );
    return period
      ? `Budget: ${period.toUpperCase().startsWith('Q') ? period.toUpperCase() : period}`
      : 'Quarterly budget';
  },
  leadDepartment: 'finance',
  keywords: ['budget', 'quarterly', 'quarter', 'forecast', 'spend', 'cost', 'opex', 'capex', 'allocation', 'fiscal'],
  patterns: [
    /\b(?:quarterly|q[1-4]|annual|yearly|fy\s*\d{2,4}|next quarter'?s?|this quarter'?s?|department(?:al)?)\s+budget/i,
    /\bbudget\s+(?:cycle|planning|for\s+(?:q[1-4]|next quarter|the quarter|next year))/i,
    /\b(?:plan|prepare|build|draft)\s+(?:the|our|a)\s+budget\b/i,
  ],
  steps: [
    step({
      id: 'budget_kickoff',
      name: 'Budget guidelines and cost centres',
      description:
        'Timeline, targets, assumptions and the cost-centre structure for the cycle, agreed with leadership.',
      department: 'finance',
      capability: 'cost_center_mapping',
      riskLevel: 'low',
      duration: days(2),
      collaboration: 'strategy',
    }),
    step({
      id: 'actuals_review',
      name: 'Actuals and variance review',
      description: "Last quarter's actuals against budget, with the variances explained.",
      department: 'finance',
      capability: 'variance_analysis',
      riskLevel: 'low',
      duration: days(3),
    }),
    step({
      id: 'forecast',
      name: 'Revenue and cost forecast',
      description: 'Driver-based forecast of revenue and costs for the quarter.',
      department: 'finance',
      capability: 'financial_forecasting',
      riskLevel: 'low',
      duration: weeks(1),
      dependsOn: ['actuals_review'],
    }),
    step({
      id: 'department_requests',
      name: 'Department budget requests',
      description: 'Collect and normalise requests from every department against the guidelines.',
      department: 'finance',
      capability: 'department_budget_allocation',
      riskLevel: 'medium',
      duration: weeks(1),
      dependsOn: ['budget_kickoff'],
    }),
    step({
      id: 'people_costs',
      name: 'Headcount and merit costs',
      description: 'Salary, merit increases, bonuses and planned hires for the quarter.',
      department: 'hr',
      capability: 'merit_increase_modeling',
      riskLevel: 'medium',
      duration: days(3),
      dependsOn: ['budget_kickoff'],
    }),
    step({
      id: 'draft_budget',
      name: 'Draft the quarterly budget',
      description: 'Consolidate forecast, requests and people costs into the draft budget.',
      department: 'finance',
      capability: 'budget_preparation',
      riskLevel: 'medium',
      duration: weeks(1),
      dependsOn: ['forecast', 'department_requests', 'people_costs'],
    }),
    step({
      id: 'scenarios',
      name: 'Scenario and sensitivity analysis',
      description: 'Downside and upside cases and the levers for each.',
      department: 'finance',
      capability: 'scenario_analysis',
      riskLevel: 'low',
      duration: days(2),
      dependsOn: ['draft_budget'],
    }),
    step({
      id: 'budget_review',
      name: 'Budget review with department heads',
      description: 'Walk department heads through the draft and scenarios; capture changes.',
      department: 'finance',
      capability: 'management_reporting',
      riskLevel: 'medium',
      duration: days(3),
      dependsOn: ['scenarios'],
      collaboration: 'review',
    }),
    approval({
      id: 'budget_approval',
      name: 'Budget approval',
      description: 'The budget owner approves the final budget.',
      department: 'finance',
      riskLevel: 'critical',
      duration: days(1),
      dependsOn: ['budget_review'],
    }),
    step({
      id: 'publish_budget',
      name: 'Publish budget and phasing',
      description: 'Publish the approved budget with monthly phasing per cost centre.',
      department: 'finance',
      capability: 'budget_phasing',
      riskLevel: 'medium',
      duration: days(1),
      dependsOn: ['budget_approval'],
    }),
    step({
      id: 'tracking',
      name: 'Budget-vs-actual tracking',
      description: 'Monthly budget-vs-actual report and alert thresholds for the quarter.',
      department: 'finance',
      capability: 'budget_vs_actual_tracking',
      riskLevel: 'low',
      duration: days(2),
      dependsOn: ['publish_budget'],
    }),
  ],
};
