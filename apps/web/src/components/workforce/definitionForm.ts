import {
  AgentDefinitionSchema,
  type AgentDefinition,
  type AutonomyLevel,
  type RiskLevel,
} from '@orchestrator/contracts';

/** The settings form as text fields, the way a person edits them. */
export interface DefinitionFormModel {
  title: string;
  description: string;
  reportsTo: string | null;
  capabilities: string;
  keywords: string;
  riskDefault: RiskLevel;
  /** One `action: level` per line. */
  riskActions: string;
  autonomy: AutonomyLevel | null;
  provider: 'default' | 'openai' | 'anthropic' | 'ollama';
  modelName: string;
  temperature: string;
  maxTokens: string;
  maxConcurrent: string;
}

export type FieldErrors = Partial<Record<keyof DefinitionFormModel | 'form', string>>;

const list = (text: string) =>
  text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

export function toFormModel(definition: AgentDefinition): DefinitionFormModel {
  return {
    title: definition.title,
    description: definition.description,
    reportsTo: definition.reportsTo,
    capabilities: definition.capabilities.join(', '),
    keywords: definition.keywords.join(', '),
    riskDefault: definition.risk.default,
    riskActions: Object.entries(definition.risk.actions)
      .map(([action, level]) => `${action}: ${level}`)
      .join('\n'),
    autonomy: definition.autonomy ?? null,
    provider: definition.model.provider,
    modelName: definition.model.name ?? '',
    temperature: definition.model.temperature === undefined ? '' : String(definition.model.temperature),
    maxTokens: definition.model.maxTokens === undefined ? '' : String(definition.model.maxTokens),
    maxConcurrent: String(definition.limits.maxConcurrent),
  };
}

/** Where each schema path is shown in the form. */
function fieldOf(path: PropertyKey[]): keyof DefinitionFormModel | 'form' {
  const [head, next] = path;
  switch (head) {
    case 'title':
    case 'description':
    case 'reportsTo':
    case 'capabilities':
    case 'keywords':
    case 'autonomy':
      return head;
    case 'risk':
      return next === 'actions' ? 'riskActions' : 'riskDefault';
    case 'model':
      return next === 'name'
        ? 'modelName'
        : next === 'temperature'
          ? 'temperature'
          : next === 'maxTokens'
            ? 'maxTokens'
            : 'provider';
    case 'limits':
      return 'maxConcurrent';
    default:
      return 'form';
  }
}

const numberOrText = (text: string): number | string | undefined => {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  // Left as text when it is not a number, so the schema reports the field precisely.
  return Number.isFinite(value) ? value : trimmed;
};

/**
 * Builds the definition from the form and validates it with the same schema the API uses.
 * Returns the definition, or the problems keyed by the field that shows them.
 */
export function fromFormModel(
  base: AgentDefinition,
  form: DefinitionFormModel,
): { ok: true; definition: AgentDefinition } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const actions: Record<string, string> = {};
  for (const line of form.riskActions
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const match = /^([^:]+):\s*(\S+)$/.exec(line);
    if (!match) {
      errors.riskActions = `“${line}” should look like “action_name: high”`;
      continue;
    }
    actions[match[1]!.trim()] = match[2]!;
  }
  const model: Record<string, unknown> = { provider: form.provider };
  if (form.modelName.trim()) model['name'] = form.modelName.trim();
  const temperature = numberOrText(form.temperature);
  if (temperature !== undefined) model['temperature'] = temperature;
  const maxTokens = numberOrText(form.maxTokens);
  if (maxTokens !== undefined) model['maxTokens'] = maxTokens;

  const candidate: Record<string, unknown> = {
    name: base.name,
    title: form.title,
    department: base.department,
    type: base.type,
    reportsTo: form.reportsTo,
    description: form.description,
    capabilities: list(form.capabilities),
    keywords: list(form.keywords),
    risk: { default: form.riskDefault, actions },
    model,
    limits: { maxConcurrent: numberOrText(form.maxConcurrent) ?? 1 },
  };
  if (form.autonomy) candidate['autonomy'] = form.autonomy;

  const parsed = AgentDefinitionSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      const [head, index] = issue.path;
      const items = head === 'capabilities' || head === 'keywords' ? (candidate[head] as string[]) : null;
      // Name the item of a list that is wrong, rather than its position.
      const where = items && typeof index === 'number' ? `“${items[index]}” ` : '';
      errors[field] ??= `${where}${issue.message}`;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, definition: parsed.data };
}
