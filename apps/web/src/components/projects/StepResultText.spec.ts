// @vitest-environment jsdom
// DOMPurify does not run under happy-dom (renderMarkdown then shows escaped text): rendering is tested on jsdom.
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import StepResultText from './StepResultText.vue';

const RESULT = '## Costs\n\n| Item | Cost |\n|---|---|\n| Ads | 1,000 |\n\n<img src=x onerror=alert(1)>';

describe('StepResultText', () => {
  it('should render a Markdown result with its table and headings, sanitised', () => {
    const wrapper = mount(StepResultText, { props: { text: RESULT, label: 'Result' } });
    const formatted = wrapper.get('[data-testid="step-result-formatted"]');
    expect(formatted.get('h2').text()).toBe('Costs');
    expect(formatted.findAll('th').map((th) => th.text())).toEqual(['Item', 'Cost']);
    expect(formatted.findAll('td').map((td) => td.text())).toEqual(['Ads', '1,000']);
    expect(formatted.find('img').exists()).toBe(false);
    // Raw HTML stays text: no element carries an event handler.
    const attributes = [...formatted.element.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].map((a) => a.name),
    );
    expect(attributes.some((name) => name.startsWith('on'))).toBe(false);
    expect(formatted.text()).toContain('<img src=x onerror=alert(1)>');
  });

  it('should show the raw text when asked, and go back to the formatted view', async () => {
    const wrapper = mount(StepResultText, { props: { text: RESULT, label: 'Result' } });
    const toggle = wrapper.get('[data-testid="step-result-raw-toggle"]');
    expect(toggle.text()).toBe('Show raw text');
    await toggle.trigger('click');
    expect(wrapper.get('[data-testid="step-result-raw"]').text()).toBe(RESULT.trim());
    expect(wrapper.find('table').exists()).toBe(false);
    expect(toggle.attributes('aria-pressed')).toBe('true');
    await toggle.trigger('click');
    expect(wrapper.find('table').exists()).toBe(true);
  });

  it('should start with the raw text for data', () => {
    const wrapper = mount(StepResultText, { props: { text: '{"rows":3}', label: 'Result', raw: true } });
    expect(wrapper.get('pre').text()).toBe('{"rows":3}');
    expect(wrapper.get('[data-testid="step-result-raw-toggle"]').text()).toBe('Show formatted');
  });
});
