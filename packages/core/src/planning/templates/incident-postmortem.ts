import type { ProjectTemplate } from '../types.js';
import { days, hours, step, subjectOf } from './helpers.js';

/** Engineering owns the review; marketing sends the customer-facing update, which is critical risk. */
export const INCIDENT_POSTMORTEM: ProjectTemplate = {
  id: 'incident_postmortem',
  name: 'Incident post-mortem',
  description: 'Timeline, impact and root cause of an incident, a blameless review, a customer update and tracked follow-ups.',
  title: (request) => {
    const what = subjectOf(request, /\b(?:post[- ]?mortem|retro(?:spective)?|review|rca|root[- ]cause analysis)\s+(?:for|of|on|about)\s+(?:the|our|last\s+\w+'?s?|yesterday'?s?|today'?s?)?\s*([a-z0-9][\w -]{2,40}?)(?=[.,!?]|$|\s+(?:by|before|this|next|within)\b)/i);
    return what ? `Post-mortem: ${what}` : 'Incident post-mortem';
  },
  leadDepartment: 'engineering',
  keywords: ['incident', 'outage', 'postmortem', 'post-mortem', 'root', 'cause', 'downtime', 'rca', 'retro', 'failure'],
  patterns: [/\bpost[- ]?mortem\b/i, /\b(?:incident|outage)\s+(?:review|report|retro\w*|analysis)\b/i, /\b(?:review|analy[sz]e|retro\w*)\b[^.]*\b(?:incident|outage)\b/i, /\broot[- ]cause\b/i, /\brca\b/i],
  steps: [
    step({ id: 'timeline', name: 'Incident timeline', description: 'Reconstruct what happened minute by minute from alerts, logs and chat.', department: 'engineering', capability: 'incident_response', riskLevel: 'low', duration: days(1) }),
    step({ id: 'impact', name: 'Customer and business impact', description: 'Affected customers, failed requests, data affected and revenue impact, from the data.', department: 'engineering', capability: 'sql_queries', riskLevel: 'low', duration: days(1) }),
    step({ id: 'root_cause', name: 'Root-cause analysis', description: 'Contributing factors and the root cause (five whys), with evidence.', department: 'engineering', capability: 'incident_response', riskLevel: 'low', duration: days(2), dependsOn: ['timeline'], collaboration: 'guidance' }),
    step({ id: 'postmortem_doc', name: 'Post-mortem document', description: 'Blameless write-up: summary, timeline, impact, root cause, what went well and badly.', department: 'engineering', capability: 'runbooks', riskLevel: 'medium', duration: days(1), dependsOn: ['root_cause', 'impact'], collaboration: 'review' }),
    step({ id: 'postmortem_review', name: 'Post-mortem review meeting', description: 'Blameless review meeting with the responders, led by a person; agree on the follow-up actions.', department: 'engineering', capability: null, riskLevel: 'low', duration: hours(2), dependsOn: ['postmortem_doc'], collaboration: 'review' }),
    step({ id: 'action_items', name: 'Action items and owners', description: 'File the agreed fixes as tickets with owners and due dates.', department: 'engineering', capability: 'bug_reporting', riskLevel: 'medium', duration: hours(4), dependsOn: ['postmortem_review'] }),
    step({ id: 'customer_update', name: 'Customer incident report', description: 'Public incident report and status-page update for affected customers.', department: 'marketing', capability: 'incident_social_updates', riskLevel: 'critical', duration: days(1), dependsOn: ['postmortem_review'], collaboration: 'approval' }),
    step({ id: 'monitoring_fixes', name: 'Monitoring and alerting fixes', description: 'Alerts and dashboards that would have caught the incident earlier.', department: 'engineering', capability: 'monitoring_and_alerting', riskLevel: 'high', duration: days(2), dependsOn: ['action_items'] }),
    step({ id: 'regression_tests', name: 'Regression tests for the failure', description: 'Automated tests that reproduce the failure and guard the fix.', department: 'engineering', capability: 'regression_testing', riskLevel: 'medium', duration: days(2), dependsOn: ['action_items'] }),
    step({ id: 'runbook_update', name: 'Runbook update', description: 'Update the runbook with the detection and recovery steps learned.', department: 'engineering', capability: 'runbooks', riskLevel: 'medium', duration: days(1), dependsOn: ['action_items'] }),
    step({ id: 'follow_up', name: 'Verify fixes and close the incident', description: 'Smoke-test the fixes in production, check every action item is done and close the incident.', department: 'engineering', capability: 'smoke_testing', riskLevel: 'low', duration: hours(4), collaboration: 'review', dependsOn: ['monitoring_fixes', 'regression_tests', 'runbook_update'] }),
  ],
};
