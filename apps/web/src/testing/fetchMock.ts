import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  url: string;
  body: unknown;
  contentType: string | undefined;
}

type Responder = (
  request: RecordedRequest,
) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>;

/**
 * Replaces the global `fetch` (the app's only way out) with routes keyed by "METHOD /path"
 * (query string ignored). Unrouted requests fail the test loudly with a 599.
 */
export function mockFetch(routes: Record<string, Responder>) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const contentType = new Headers(init?.headers).get('Content-Type') ?? undefined;
    const request = { method, url, body, contentType };
    requests.push(request);
    const path = url.split('?')[0] ?? url;
    const responder = routes[`${method} ${path}`];
    if (!responder) {
      return new Response(JSON.stringify({ error: { code: 'test/unrouted', message: `${method} ${url}` } }), {
        status: 599,
      });
    }
    const { status = 200, body: payload } = await responder(request);
    return new Response(payload === undefined ? null : JSON.stringify(payload), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, requests };
}

export function json(body: unknown, status = 200) {
  return () => ({ status, body });
}
