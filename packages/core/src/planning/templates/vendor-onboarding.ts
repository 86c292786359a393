import type { ProjectTemplate } from '../types.js';
import { approval, days, step, subjectOf, weeks } from './helpers.js';

/** Operations selects, negotiates and contracts; finance checks the case, approves and pays; engineering checks the risk. */
export const VENDOR_ONBOARDING: ProjectTemplate = {
  id: 'vendor_onboarding',
  name: 'Vendor onboarding',
  description: 'Requirements, shortlist, business case, risk and contract review, negotiation, approval and setup of a new vendor.',
  title: (request) => {
    const what = subjectOf(request, /\b(?:onboard(?:ing)?|select(?:ing)?|choos(?:e|ing)|evaluat(?:e|ing)|switch(?:ing)?\s+to|procur(?:e|ing)|bring(?:ing)?\s+on)\s+(?:a|an|the|our)?\s*(?:new\s+)?([a-z][\w -]{1,40}?\s+(?:vendor|supplier|provider|partner|tool|platform))\b/i);
    return what ? `Vendor onboarding: ${what}` : 'Vendor onboarding';
  },
  leadDepartment: 'operations',
  keywords: ['vendor', 'supplier', 'provider', 'procurement', 'contract', 'onboard', 'purchase', 'rfq', 'tool'],
  patterns: [
    /\b(?:onboard|select|choos|evaluat|procur|find|switch|replac|bring|sign)\w*\s+(?:on\s+|to\s+)?(?:a|an|the|our)?\s*(?:new\s+)?[\w -]{0,30}?\b(?:vendor|supplier|provider)s?\b/i,
    /\b(?:vendor|supplier)\s+(?:onboarding|selection)\b/i,
    /\brfq\b/i,
  ],
  steps: [
    step({ id: 'requirements', name: 'Requirements and success criteria', description: 'What the vendor must deliver, volumes, SLAs and how success is measured; an RFQ.', department: 'operations', capability: 'rfq_preparation', riskLevel: 'low', duration: days(2), collaboration: 'guidance' }),
    step({ id: 'shortlist', name: 'Shortlist and compare vendors', description: 'Source candidates, request quotes and compare them side by side.', department: 'operations', capability: 'quote_comparison', riskLevel: 'high', duration: weeks(1), dependsOn: ['requirements'] }),
    step({ id: 'business_case', name: 'Business case and ROI', description: 'Cost-benefit and payback of the shortlisted options.', department: 'finance', capability: 'cost_benefit_analysis', riskLevel: 'low', duration: days(2), dependsOn: ['shortlist'] }),
    step({ id: 'risk_review', name: 'Security and technical risk review', description: 'Data protection, security posture, integration and lock-in risks of the preferred vendor.', department: 'engineering', capability: 'security_review', riskLevel: 'medium', duration: days(3), dependsOn: ['shortlist'], collaboration: 'review' }),
    step({ id: 'contract_review', name: 'Contract terms review', description: 'Liability, termination, data-processing and renewal terms; flag anything for legal counsel.', department: 'operations', capability: 'contract_terms_review', riskLevel: 'medium', duration: days(3), dependsOn: ['shortlist'], collaboration: 'review' }),
    step({ id: 'negotiation', name: 'Negotiate price and terms', description: 'Negotiate price, SLAs and terms with the preferred vendor.', department: 'operations', capability: 'vendor_negotiation', riskLevel: 'high', duration: weeks(1), dependsOn: ['contract_review'] }),
    approval({ id: 'spend_approval', name: 'Spend approval', description: 'A budget owner approves the negotiated contract value against the business case and risk review.', department: 'finance', riskLevel: 'critical', duration: days(1), dependsOn: ['negotiation', 'business_case', 'risk_review'] }),
    step({ id: 'contract_signature', name: 'Sign contract and issue purchase order', description: 'Countersign the contract and issue the purchase order.', department: 'operations', capability: 'vendor_negotiation', riskLevel: 'critical', duration: days(1), dependsOn: ['spend_approval'], collaboration: 'approval' }),
    step({ id: 'payables_setup', name: 'Vendor setup in accounts payable', description: 'Vendor master data, GL coding and payment terms in accounts payable.', department: 'finance', capability: 'gl_coding', riskLevel: 'medium', duration: days(1), dependsOn: ['spend_approval'] }),
    step({ id: 'access_setup', name: 'Accounts and licences', description: 'Provision vendor accounts, SSO and licences for the people who need them.', department: 'operations', capability: 'saas_license_management', riskLevel: 'high', duration: days(2), dependsOn: ['contract_signature'] }),
    step({ id: 'process_update', name: 'Update the process (SOP)', description: 'Document how teams work with the vendor: request, escalation and review steps.', department: 'operations', capability: 'sop_writing', riskLevel: 'medium', duration: days(2), dependsOn: ['access_setup'] }),
    step({ id: 'performance_check', name: '30-day vendor performance review', description: 'Review delivery against the SLAs and success criteria after the first month.', department: 'operations', capability: 'vendor_performance_review', riskLevel: 'low', duration: days(1), dependsOn: ['process_update'] }),
  ],
};
