import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

/**
 * Markdown for untrusted text (LLM output, agent replies). Raw HTML in the source is escaped by
 * markdown-it (`html: false`) and the result is sanitised again by DOMPurify, so neither a
 * markdown-it bug nor a future option change can put live markup into the page.
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });

// Remote images in model output load without a click and can leak data through their URL
// (a known prompt-injection exfiltration path): render them as ordinary links instead.
md.renderer.rules['image'] = (tokens, idx) => {
  const token = tokens[idx];
  if (!token) return '';
  const src = String(token.attrGet('src') ?? '');
  const alt = token.content || src;
  return `<a href="${md.utils.escapeHtml(src)}">${md.utils.escapeHtml(alt)}</a>`;
};

let hooksInstalled = false;
function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Links leave the app: open them in a new tab without giving that tab a handle on this one.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

const ALLOWED_URI = /^(?:https?:|mailto:|#|\/(?!\/))/i;

export function sanitizeHtml(html: string): string {
  // DOMPurify returns its input untouched where it cannot run: fail closed and show text instead.
  if (!DOMPurify.isSupported) return md.utils.escapeHtml(html);
  installHooks();
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    ALLOWED_URI_REGEXP: ALLOWED_URI,
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
    FORBID_ATTR: ['style'],
  });
}

export function renderMarkdown(source: string): string {
  return sanitizeHtml(md.render(source));
}
