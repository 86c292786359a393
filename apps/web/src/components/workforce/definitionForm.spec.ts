import { describe, expect, it } from 'vitest';
import { fromFormModel, toFormModel } from './definitionForm';
import { definition } from './testData';

describe('definition form', () => {
  it('should give back the same definition when nothing was edited', () => {
    const def = definition();
    const result = fromFormModel(def, toFormModel(def));
    expect(result).toEqual({ ok: true, definition: def });
  });

  it('should name the field and the problem when a value breaks the schema', () => {
    const def = definition();
    const form = {
      ...toFormModel(def),
      temperature: '3',
      capabilities: 'blog_post_writing, Bad Capability',
      title: ' ',
    };
    const result = fromFormModel(def, form);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.temperature).toMatch(/2/);
    expect(result.errors.capabilities).toMatch(/^“Bad Capability” must be snake_case/);
    expect(result.errors.title).toBeDefined();
  });

  it('should report a risk line that is not "action: level" instead of dropping it', () => {
    const def = definition();
    const result = fromFormModel(def, { ...toFormModel(def), riskActions: 'publish_post high' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.riskActions).toContain('publish_post high');
  });

  it('should leave optional model settings out when their fields are empty', () => {
    const def = definition({ model: { provider: 'default' } });
    const result = fromFormModel(def, { ...toFormModel(def), temperature: '', maxTokens: '' });
    expect(result.ok && result.definition.model).toEqual({ provider: 'default' });
  });
});
