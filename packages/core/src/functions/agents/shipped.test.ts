import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentRegistry } from '../../registry/load.js';
import { SHIPPED_AGENTS_DIR } from '../../testing/fixtures.js';
import { loadFunctionAgent } from '../loader.js';

describe('shipped function agents', () => {
  it('should load every type: function agent through the loader with no runtime imports', async () => {
    const { agents } = await loadAgentRegistry(SHIPPED_AGENTS_DIR);
    const fns = agents.filter((a) => a.definition.type === 'function');
    expect(fns.map((a) => a.definition.name).sort()).toEqual(['budget_rollup', 'data_profiler', 'report_compiler', 'roi_calculator']);
    for (const a of fns) {
      const module = await loadFunctionAgent(path.join(SHIPPED_AGENTS_DIR, a.sourcePath), { cacheDir: path.join(os.tmpdir(), 'orch-fn-test-cache') });
      expect(typeof module.run).toBe('function');
    }
  });
});
