// @vitest-environment jsdom
// DOMPurify does not support happy-dom (its sanitiser is bypassable there, cure53/DOMPurify#1457):
// sanitisation is tested against jsdom, the DOM DOMPurify's own suite uses.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitizeHtml } from './markdown';

function parse(html: string): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = html;
  return root;
}

function hasEventHandler(root: HTMLElement): boolean {
  return [...root.querySelectorAll('*')].some((el) => [...el.attributes].some((a) => a.name.startsWith('on')));
}

describe('renderMarkdown', () => {
  it('should render ordinary markdown', () => {
    const root = parse(renderMarkdown('**Plan** for `Q3`:\n\n- budget\n- hiring'));
    expect(root.querySelector('strong')?.textContent).toBe('Plan');
    expect(root.querySelector('code')?.textContent).toBe('Q3');
    expect(root.querySelectorAll('li')).toHaveLength(2);
  });

  it('should never produce a script element when the text contains one', () => {
    const root = parse(renderMarkdown('Hi <script>alert(1)</script> there'));
    expect(root.querySelector('script')).toBeNull();
    // Shown as text, not executed.
    expect(root.textContent).toContain('<script>alert(1)</script>');
  });

  it('should not create elements with event handlers from raw html', () => {
    const root = parse(renderMarkdown('<img src=x onerror="alert(1)"> <a href="#" onclick="x()">y</a>'));
    expect(root.querySelector('img')).toBeNull();
    expect(hasEventHandler(root)).toBe(false);
  });

  it('should drop javascript: links', () => {
    for (const source of ['[click](javascript:alert(1))', '[click](JaVaScRiPt:alert(1))', '<javascript:alert(1)>']) {
      const root = parse(renderMarkdown(source));
      for (const a of root.querySelectorAll('a')) {
        expect(a.getAttribute('href') ?? '').not.toMatch(/javascript:/i);
      }
      expect(root.innerHTML).not.toMatch(/href="javascript:/i);
    }
  });

  it('should open http links in a new tab without an opener', () => {
    const link = parse(renderMarkdown('[docs](https://example.com/docs)')).querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.com/docs');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toContain('noopener');
  });

  it('should render images as links so they do not load on their own', () => {
    const root = parse(renderMarkdown('![chart](https://evil.example/pixel?secret=1)'));
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('a')?.textContent).toBe('chart');
  });
});

describe('sanitizeHtml', () => {
  it('should strip scripts, handlers and javascript: urls from raw html', () => {
    const root = parse(
      sanitizeHtml(
        '<p onclick="x()">ok</p><script>alert(1)</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">l</a>',
      ),
    );
    expect(root.querySelector('script')).toBeNull();
    expect(hasEventHandler(root)).toBe(false);
    expect(root.querySelector('a')?.getAttribute('href') ?? null).toBeNull();
    expect(root.querySelector('p')?.textContent).toBe('ok');
  });
});
