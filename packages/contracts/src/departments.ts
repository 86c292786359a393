/** Words written in capitals wherever they stand in a department's name ("HR", "IT support"). */
const ACRONYMS = new Set([
  'ai',
  'bi',
  'crm',
  'erp',
  'gtm',
  'hr',
  'it',
  'ml',
  'pr',
  'qa',
  'r&d',
  'seo',
  'sre',
  'ui',
  'ux',
]);

/**
 * How a department slug reads to a person, the same in chat replies, plans and the web app:
 * `hr` → "HR", `human_resources` → "Human resources", `it_support` → "IT support",
 * `cross` (a plan led by several departments) → "Cross-department", `new:legal` (a department
 * still to be built) → "Legal (new)".
 */
export function departmentLabel(department: string): string {
  if (department === 'cross') return 'Cross-department';
  const isNew = department.startsWith('new:');
  const words = department
    .replace(/^new:/, '')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w, i) => {
      const lower = w.toLowerCase();
      if (ACRONYMS.has(lower)) return lower.toUpperCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    });
  const label = words.join(' ');
  return isNew ? `${label} (new)` : label;
}
