import type { ProjectTemplate } from '../types.js';
import { approval, days, step, subjectOf, weeks } from './helpers.js';

/** HR runs it; finance confirms the headcount is funded; operations gets the new hire set up. */
export const HIRING: ProjectTemplate = {
  id: 'hiring',
  name: 'Hiring a role',
  description: 'Define the role, fund the headcount, source and interview, make the offer and prepare day one.',
  title: (request) => {
    const role = subjectOf(request, /\b(?:hire|hiring|recruit(?:ing)?|fill(?:ing)?|open(?:ing)?)\s+(?:a|an|the|our|one|two|three|\d+)?\s*(?:new\s+)?([a-z][\w -]{2,40}?)(?=\s+(?:role|position|by|in|for|before|next|this|within|to|who|with)\b|[.,!?]|$)/i);
    return role && !/^(role|position|person|someone)$/i.test(role) ? `Hiring: ${role}` : 'Hiring a role';
  },
  leadDepartment: 'hr',
  keywords: ['hire', 'hiring', 'recruit', 'candidate', 'role', 'position', 'headcount', 'vacancy', 'interview', 'job'],
  patterns: [/\bhir(?:e|es|ing)\b/i, /\brecruit(?:s|ing|ment)?\b/i, /\b(?:open|fill|backfill)(?:ing)?\s+(?:a|an|the|our)?\s*(?:new\s+)?[\w -]*\b(?:role|position|vacancy|req)\b/i],
  steps: [
    step({ id: 'role_definition', name: 'Define the role and level', description: 'Responsibilities, must-have skills, level and reporting line, agreed with the hiring manager.', department: 'hr', capability: 'job_leveling', riskLevel: 'low', duration: days(2), collaboration: 'guidance' }),
    step({ id: 'salary_band', name: 'Salary band and offer range', description: 'Benchmark pay for the level and location; propose the band and equity range.', department: 'hr', capability: 'salary_benchmarking', riskLevel: 'low', duration: days(2), dependsOn: ['role_definition'] }),
    step({ id: 'headcount_budget', name: 'Headcount cost check', description: 'Fully loaded cost of the hire against the department budget.', department: 'finance', capability: 'headcount_cost_planning', riskLevel: 'medium', duration: days(1), dependsOn: ['salary_band'] }),
    approval({ id: 'headcount_approval', name: 'Headcount approval', description: 'A budget owner approves opening the position.', department: 'finance', riskLevel: 'critical', duration: days(1), dependsOn: ['headcount_budget'] }),
    step({ id: 'job_description', name: 'Job description', description: 'Inclusive job description with responsibilities, requirements and benefits.', department: 'hr', capability: 'job_description_writing', riskLevel: 'low', duration: days(2), dependsOn: ['role_definition'], collaboration: 'review' }),
    step({ id: 'job_posting', name: 'Publish the job ad', description: 'Post the ad on the careers page and job boards.', department: 'hr', capability: 'job_ad_posting', riskLevel: 'high', duration: days(1), dependsOn: ['job_description', 'headcount_approval'] }),
    step({ id: 'sourcing', name: 'Source and screen candidates', description: 'Outbound sourcing, application screening and a shortlist.', department: 'hr', capability: 'candidate_sourcing', riskLevel: 'high', duration: weeks(3), dependsOn: ['job_posting'] }),
    step({ id: 'interviews', name: 'Interview loop', description: 'Schedule interviews, collect scorecards and run the debrief with the panel.', department: 'hr', capability: 'interview_scheduling', riskLevel: 'high', duration: weeks(2), dependsOn: ['sourcing'], collaboration: 'review' }),
    step({ id: 'offer_recommendation', name: 'Offer recommendation', description: 'Recommend salary, equity and start date within the approved band.', department: 'hr', capability: 'offer_recommendation', riskLevel: 'medium', duration: days(1), dependsOn: ['interviews'] }),
    approval({ id: 'offer_approval', name: 'Offer approval', description: 'The hiring manager and HR approve the final offer terms.', department: 'hr', riskLevel: 'critical', duration: days(1), dependsOn: ['offer_recommendation'] }),
    step({ id: 'offer_letter', name: 'Send the offer letter', description: 'Draft and send the offer letter; track acceptance.', department: 'hr', capability: 'offer_letter_drafting', riskLevel: 'critical', duration: weeks(1), dependsOn: ['offer_approval'] }),
    step({ id: 'onboarding_plan', name: 'Onboarding plan', description: 'First-week schedule, buddy and 30/60/90-day goals.', department: 'hr', capability: 'onboarding_plan_creation', riskLevel: 'medium', duration: days(2), dependsOn: ['offer_letter'] }),
    step({ id: 'equipment_setup', name: 'Laptop and accounts setup', description: 'Order the laptop and create accounts and licences before day one.', department: 'operations', capability: 'device_setup', riskLevel: 'high', duration: days(3), dependsOn: ['offer_letter'] }),
  ],
};
