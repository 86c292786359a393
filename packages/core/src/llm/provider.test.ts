import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HumanMessage, type AIMessageChunk } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonAsker } from './messages.js';
import { createLlmProvider } from './provider.js';
import { usageOf } from './usage.js';

// The OpenAI client (openai 7, under @langchain/openai) declares Node >= 22, and the project
// supports Node >= 20.19 (README, "Node.js versions"): these tests run the real client, as the
// provider factory builds it, against a local OpenAI-compatible server on the Node running them.

const ANSWER = { answer: '42' };

interface ChatRequest {
  stream?: boolean;
}

const completion = (content: string) => ({
  id: 'chatcmpl-test',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
});

const chunk = (delta: Record<string, unknown>, usage?: Record<string, number>) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gpt-4o-mini',
    choices: usage ? [] : [{ index: 0, delta, finish_reason: null }],
    ...(usage ? { usage } : {}),
  })}\n\n`;

/** Streams "Hello world" with its usage, or answers a JSON question (structured output) with the object. */
async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = '';
  for await (const part of req) body += String(part);
  const request = JSON.parse(body) as ChatRequest;
  if (req.url !== '/v1/chat/completions') {
    res.writeHead(404).end();
  } else if (request.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk({ role: 'assistant', content: 'Hello' }));
    res.write(chunk({ content: ' world' }));
    res.write(chunk({}, { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 }));
    res.end('data: [DONE]\n\n');
  } else {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(JSON.stringify(ANSWER))));
  }
}

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const openai = () => createLlmProvider({ provider: 'openai', baseUrl, maxRetries: 0 });

describe('the OpenAI provider', () => {
  it('should stream a reply and its token usage when the server is OpenAI-compatible', async () => {
    const provider = openai();
    let full: AIMessageChunk | undefined;
    let text = '';
    for await (const piece of await provider.chatModel!.stream([new HumanMessage('Hi')])) {
      full = full ? full.concat(piece) : piece;
      text += typeof piece.content === 'string' ? piece.content : '';
    }

    expect(text).toBe('Hello world');
    expect(usageOf(provider.info, full, Date.now(), 'ceo')).toMatchObject({
      provider: 'openai',
      promptTokens: 12,
      completionTokens: 2,
    });
  });

  it('should answer a JSON question with the object the server sent', async () => {
    const ask = jsonAsker(openai().chatModel!, z.object({ answer: z.string() }), 'reply', (p) => new Error(p));

    const { value } = await ask([new HumanMessage('What is the answer?')], new AbortController().signal);

    expect(value()).toEqual(ANSWER);
  });
});
