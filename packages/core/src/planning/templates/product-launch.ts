import type { ProjectTemplate } from '../types.js';
import { approval, days, hours, step, subjectOf, weeks } from './helpers.js';

/**
 * Marketing leads; finance prices and funds it; engineering ships it. Content waits for the
 * approved budget (nothing is produced for a launch nobody has funded).
 */
export const PRODUCT_LAUNCH: ProjectTemplate = {
  id: 'product_launch',
  name: 'Product launch',
  description: 'Research, positioning, pricing, release readiness, launch campaign and go-live of a product.',
  title: (request) => {
    const product = subjectOf(request, /\blaunch(?:ing)?\s+(?:of\s+)?(?:our|the|a|an|my)\s+(?:new\s+)?([a-z0-9][\w -]{1,40}?)(?=\s+(?:in|on|to|for|by|next|this|within|before|across)\b|[.,!?]|$)/i);
    return product && !/^(product|app)$/i.test(product) ? `Launch: ${product}` : 'Product launch';
  },
  leadDepartment: 'marketing',
  keywords: ['launch', 'product', 'release', 'go-to-market', 'gtm', 'market', 'rollout', 'announce'],
  // "Launch a referral program" is not a product launch.
  patterns: [/\blaunch(?:es|ing)?\b(?![^.]*\b(?:program(?:me)?s?|initiative|policy|process|survey|training|okrs?|hackathon|review cycle)\b)/i, /\bgo[- ]to[- ]market\b/i, /\bgtm\b/i, /\b(?:release|ship|roll out)\s+(?:our|the|a|an)\s+(?:new\s+)?(?:product|app|feature|version)\b/i],
  steps: [
    step({ id: 'market_research', name: 'Market and customer research', description: 'Size the opportunity in {market}, segment customers and write buyer personas for the launch.', department: 'marketing', capability: 'buyer_persona_research', riskLevel: 'low', duration: weeks(1) }),
    step({ id: 'competitive_analysis', name: 'Competitive analysis', description: 'Map competitors in {market}: features, pricing and positioning; produce battlecards.', department: 'marketing', capability: 'competitor_analysis', riskLevel: 'low', duration: days(3) }),
    step({ id: 'positioning', name: 'Positioning and messaging', description: 'Agree the value proposition, messaging framework and launch narrative.', department: 'marketing', capability: 'competitive_positioning', riskLevel: 'low', duration: weeks(1), dependsOn: ['market_research', 'competitive_analysis'], collaboration: 'strategy' }),
    step({ id: 'pricing', name: 'Pricing and margin model', description: 'Model price points, margins and break-even against competitor pricing.', department: 'finance', capability: 'margin_analysis', riskLevel: 'medium', duration: weeks(1), dependsOn: ['competitive_analysis'], collaboration: 'review' }),
    step({ id: 'launch_budget', name: 'Launch budget', description: 'Budget for campaign spend, content and launch events, phased by month.', department: 'finance', capability: 'budget_preparation', riskLevel: 'medium', duration: days(3), dependsOn: ['positioning'] }),
    approval({ id: 'budget_approval', name: 'Launch budget approval', description: 'A budget owner approves launch spend and pricing.', department: 'finance', riskLevel: 'critical', duration: days(1), dependsOn: ['launch_budget', 'pricing'] }),
    step({ id: 'release_readiness', name: 'Feature freeze and test plan', description: 'Freeze scope and write the release test plan and checklist.', department: 'engineering', capability: 'test_plan_design', riskLevel: 'medium', duration: weeks(1) }),
    step({ id: 'qa', name: 'QA and regression testing', description: 'Regression and end-to-end tests of the release candidate; file and triage bugs.', department: 'engineering', capability: 'regression_testing', riskLevel: 'low', duration: weeks(1), dependsOn: ['release_readiness'] }),
    step({ id: 'product_docs', name: 'Product documentation and release notes', description: 'Getting-started guide, updated reference docs and release notes.', department: 'engineering', capability: 'release_notes', riskLevel: 'medium', duration: weeks(1), dependsOn: ['release_readiness'], collaboration: 'review' }),
    step({ id: 'release_sign_off', name: 'Release sign-off', description: 'QA signs off the release candidate against the checklist.', department: 'engineering', capability: 'release_sign_off', riskLevel: 'high', duration: hours(4), dependsOn: ['qa'], collaboration: 'approval' }),
    step({ id: 'deploy', name: 'Production release', description: 'Deploy the release to production behind a flag, with monitoring and a rollback plan.', department: 'engineering', capability: 'deployment_management', riskLevel: 'high', duration: days(1), dependsOn: ['release_sign_off', 'product_docs'] }),
    step({ id: 'blog_post', name: 'Launch blog post', description: 'Announcement post and landing-page copy built on the agreed messaging.', department: 'marketing', capability: 'product_announcement_posts', riskLevel: 'medium', duration: days(3), dependsOn: ['positioning', 'budget_approval'], collaboration: 'review' }),
    step({ id: 'press_release', name: 'Press release', description: 'Press release and media list for launch day.', department: 'marketing', capability: 'product_announcement_posts', riskLevel: 'high', duration: days(3), dependsOn: ['positioning', 'budget_approval'], collaboration: 'review' }),
    step({ id: 'social_media', name: 'Social media campaign', description: 'Teaser and launch-day posts per platform, scheduled for the launch window.', department: 'marketing', capability: 'social_campaign_planning', riskLevel: 'high', duration: weeks(1), dependsOn: ['positioning', 'budget_approval'] }),
    approval({ id: 'campaign_approval', name: 'Campaign approval', description: 'Approve all public launch content before it is scheduled.', department: 'marketing', riskLevel: 'high', duration: days(1), dependsOn: ['blog_post', 'press_release', 'social_media'] }),
    approval({ id: 'go_no_go', name: 'Launch go/no-go', description: 'Leadership checks release, content and budget status and decides to launch.', department: null, riskLevel: 'high', duration: hours(2), dependsOn: ['campaign_approval', 'deploy'] }),
    step({ id: 'launch', name: 'Launch day', description: 'Publish the announcement, press release and social posts; open the product to customers.', department: 'marketing', capability: 'post_scheduling', riskLevel: 'critical', duration: days(1), dependsOn: ['go_no_go'] }),
    step({ id: 'post_launch_review', name: 'Post-launch performance review', description: 'Adoption, campaign and revenue results after the first weeks; what to change.', department: 'marketing', capability: 'content_performance_analysis', riskLevel: 'low', duration: weeks(1), dependsOn: ['launch'] }),
  ],
  localization: [
    { id: 'localize_site', name: 'Localise website for {market}', description: 'Translate and adapt the website and landing pages into {language} (legal notices, currency, formats).', department: 'marketing', after: ['positioning'], before: ['campaign_approval'], duration: weeks(1), riskLevel: 'medium' },
    { id: 'localize_docs', name: 'Translate product docs into {language}', description: 'Translate the getting-started guide, help docs and release notes into {language}.', department: 'engineering', after: ['product_docs'], before: ['deploy'], duration: weeks(1), riskLevel: 'medium' },
    { id: 'localize_campaign', name: 'Adapt launch campaign for {market}', description: 'Translate and culturally adapt the blog post, press release and social posts into {language}.', department: 'marketing', after: ['blog_post', 'press_release', 'social_media'], before: ['campaign_approval'], duration: weeks(1), riskLevel: 'high' },
  ],
};
