import { CONTEXT_MD_MAX_BYTES } from '@orchestrator/contracts';
import { describe, expect, it } from 'vitest';
import { parseAgentYaml, serializeAgentYaml } from './yaml.js';
import { checkContextMd, decodeUtf8Strict } from './context-safety.js';

describe('checkContextMd', () => {
  it('should accept ordinary Markdown when nothing is hostile', () => {
    expect(checkContextMd('# Role\n\nYou write\treports.\r\n- **bold** [link](https://example.com)\n')).toEqual({
      errors: [],
      warnings: [],
    });
  });

  it('should refuse Context.md when it is over the byte limit', () => {
    const big = 'é'.repeat(CONTEXT_MD_MAX_BYTES / 2 + 1); // 2 bytes each: over the limit in bytes, under it in characters
    const { errors } = checkContextMd(big);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`is ${CONTEXT_MD_MAX_BYTES + 2} bytes; the limit is ${CONTEXT_MD_MAX_BYTES} bytes`),
    );
  });

  it('should refuse NUL and other control characters with their line when present', () => {
    expect(checkContextMd('# Role\nline two\u0000').errors).toEqual([
      'Context.md contains the control character U+0000 on line 2; remove it (only tab and line breaks are allowed)',
    ]);
    expect(checkContextMd('a\u001bb').errors[0]).toMatch(/U\+001B on line 1/);
    expect(checkContextMd('a\u0085b').errors[0]).toMatch(/U\+0085/);
    expect(checkContextMd('broken \uD800 surrogate').errors[0]).toMatch(/lone UTF-16 surrogate/);
  });

  it('should refuse an empty Context.md when it has only whitespace', () => {
    expect(checkContextMd(' \n\t ').errors).toEqual(['Context.md is empty']);
  });

  it('should keep active HTML as text with a warning when it has script, iframe, handlers or javascript: URLs', () => {
    const text =
      '# Role\n<script>alert(1)</script>\n<iframe src="x"></iframe>\n<img src=x onerror="alert(1)">\n[x](javascript:alert(1))\n';
    const { errors, warnings } = checkContextMd(text);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/<script> tag on line 2/),
      expect.stringMatching(/<iframe> tag on line 3/),
      expect.stringMatching(/event handler .* on line 4/),
      expect.stringMatching(/javascript: URL on line 5/),
    ]);
  });

  it('should warn that front matter is plain text when Context.md starts with it', () => {
    const { errors, warnings } = checkContextMd('---\ntype: function\nreportsTo: null\n---\n# Role\n');
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/front matter: it is plain text/)]);
  });
});

describe('decodeUtf8Strict', () => {
  it('should decode valid UTF-8 when the bytes are text', () => {
    expect(decodeUtf8Strict(Buffer.from('héllo ✓', 'utf8'), 'Context.md')).toBe('héllo ✓');
  });

  it('should name the file and the offset when the bytes are not UTF-8', () => {
    expect(() => decodeUtf8Strict(Buffer.from([0x41, 0x42, 0xc3, 0x28]), 'Context.md')).toThrow(
      'Context.md is not valid UTF-8 text (invalid byte at offset 2); save it as UTF-8',
    );
    expect(() => decodeUtf8Strict(Buffer.from([0xff]), 'agent.yaml')).toThrow(/offset 0/);
  });
});

describe('parseAgentYaml', () => {
  const base =
    'name: a_b\ntitle: T\ndepartment: engineering\ntype: context\nreportsTo: boss\ndescription: d\ncapabilities: [a_b]\nrisk:\n  default: low\n';

  it('should parse a plain definition when it uses the core schema', () => {
    const result = parseAgentYaml(base);
    expect(result).toMatchObject({ ok: true, value: { name: 'a_b', reportsTo: 'boss', capabilities: ['a_b'] } });
  });

  it('should refuse custom tags when a file tries to construct objects', () => {
    const result = parseAgentYaml('name: !!js/function "function(){}"\n');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/invalid YAML: .*tag/i);
  });

  it('should refuse an alias bomb when aliases expand past the limit', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const result = parseAgentYaml(lines.join('\n'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/alias/i);
  });

  it('should refuse duplicate keys, merge keys and oversized files', () => {
    expect(parseAgentYaml(`${base}name: other\n`).ok).toBe(false);
    const merged = parseAgentYaml('base: &b { title: T }\nagent:\n  <<: *b\n');
    expect(merged.ok && (merged.value as { agent: Record<string, unknown> }).agent.title).toBeFalsy();
    expect(parseAgentYaml(`description: "${'x'.repeat(70_000)}"\n`)).toEqual({
      ok: false,
      errors: [expect.stringMatching(/the limit is 65536/)],
    });
  });

  it('should round-trip a definition when it is serialised and parsed again', () => {
    const definition = {
      name: 'a_b',
      title: 'T: with colon',
      department: 'engineering',
      type: 'context' as const,
      reportsTo: null,
      description: 'd\nmulti',
      capabilities: ['a_b'],
      keywords: ['k'],
      risk: { default: 'low' as const, actions: { send_email: 'high' as const } },
      model: { provider: 'default' as const },
      limits: { maxConcurrent: 3 },
    };
    const text = serializeAgentYaml(definition);
    expect(text).not.toContain('model:');
    expect(parseAgentYaml(text)).toEqual({ ok: true, value: { ...definition, model: undefined } });
  });
});
