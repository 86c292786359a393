import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';
import { send } from './helpers.js';
import { startSystem } from './system.js';

const KEY = 'sk-e2e-browserCheck-0123456789abcdef';
const ANSWER = 'A balance sheet lists what the company owns and owes at one moment.';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * A stand-in for the OpenAI API: first it refuses the key (echoing it, as OpenAI does), then it
 * answers every completion with ANSWER, streamed when asked to stream.
 */
async function fakeOpenAi(): Promise<{ server: Server; accept: () => void; url: string }> {
  let refuse = true;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (refuse) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.`, code: 'invalid_api_key' } }));
        return;
      }
      const body = JSON.parse(raw || '{}') as { stream?: boolean; model?: string };
      const base = { id: 'c1', created: 0, model: body.model ?? 'gpt-4o-mini' };
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 10, completion_tokens: 12, total_tokens: 22 },
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (choices: unknown[], extra = {}) =>
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`);
      for (const word of ANSWER.split(/(?<= )/)) chunk([{ index: 0, delta: { content: word }, finish_reason: null }]);
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
      chunk([], { usage: { prompt_tokens: 10, completion_tokens: 12, total_tokens: 22 } });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    accept: () => (refuse = false),
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
  };
}

async function screenshots(page: Page, name: string): Promise<void> {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(os.tmpdir(), `orch-${name}-${width}.png`), fullPage: false });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

const messages = (page: Page, role: string) => page.locator(`[data-testid="chat-message"][data-role="${role}"]`);

describe('chat: a reply that failed or was cut off', () => {
  it('should show a failure notice without the echoed key and answer the same message on Retry', async () => {
    const openai = await fakeOpenAi();
    const system = await startSystem({ LLM_PROVIDER: 'openai', LLM_BASE_URL: openai.url, OPENAI_API_KEY: KEY });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(system.url);
      await send(page, 'Explain what a balance sheet is.');

      const notice = messages(page, 'system').last();
      await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain('rejected the credentials');
      const retry = page.getByTestId('retry-reply');
      await expect.poll(() => retry.isVisible()).toBe(true);
      expect(await page.locator('body').textContent()).not.toContain(KEY);
      await screenshots(page, 'chat-retry');

      openai.accept();
      await retry.click();
      await expect.poll(() => messages(page, 'assistant').last().textContent(), { timeout: 30_000 }).toContain(ANSWER);
      await expect.poll(() => retry.count()).toBe(0);
      expect(await messages(page, 'user').count()).toBe(1);
      await screenshots(page, 'chat-retried');
    } finally {
      await system.stop();
      openai.server.close();
    }
  });

  it('should finish a reply cut off by SIGKILL after a restart, in the open page, without sending again', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orch-e2e-crash-'));
    const env = { OFFLINE_STREAM_DELAY_MS: '150', CHAT_REPLY_LEASE_MS: '1500' };
    let system = await startSystem(env, dataDir);
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(system.url);
      await send(page, 'Who reports to the CFO?');
      await page.locator('[data-testid="chat-message"][data-state="streaming"]').waitFor({ timeout: 20_000 });
      await system.kill();

      // The same address, so the open page reconnects on its own.
      system = await startSystem({ ...env, PORT: new URL(system.url).port }, dataDir);
      const reply = messages(page, 'assistant').last();
      await expect
        .poll(async () => (await reply.getAttribute('data-state')) === 'stored' && (await reply.textContent()), {
          timeout: 60_000,
        })
        .toContain('ROI Calculator');
      expect(await messages(page, 'user').count()).toBe(1);
      expect(await messages(page, 'assistant').count()).toBe(1);
      await page.reload();
      await expect.poll(() => messages(page, 'assistant').count(), { timeout: 10_000 }).toBe(1);
      expect(await messages(page, 'user').count()).toBe(1);
    } finally {
      await system.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
