import { AIMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { extractJson, messageText } from './messages.js';

class Malformed extends Error {}
const fail = (problem: string) => new Malformed(problem);

describe('messageText', () => {
  it('should join the text blocks and skip the others when the content is a list of blocks', () => {
    const message = new AIMessage({
      content: [
        { type: 'text', text: 'Hello ' },
        { type: 'tool_use', id: 't1', name: 'x', input: {} },
        { type: 'text', text: 'world' },
      ],
    });
    expect(messageText(message)).toBe('Hello world');
  });

  it('should return the content as it is when it is a string', () => {
    expect(messageText(new AIMessage('plain'))).toBe('plain');
  });
});

describe('extractJson', () => {
  it('should read the object when prose and a code fence surround it', () => {
    expect(extractJson('Here you go:\n```json\n{"a": {"b": 1}}\n```\nDone.', fail)).toEqual({ a: { b: 1 } });
  });

  it("should throw the caller's error when the reply has no object", () => {
    expect(() => extractJson('no json here', fail)).toThrow(Malformed);
    expect(() => extractJson('no json here', fail)).toThrow('the reply contains no JSON object');
  });

  it("should throw the caller's error naming the parse problem when the object is not valid JSON", () => {
    expect(() => extractJson('{"a": }', fail)).toThrow(/^the reply is not valid JSON \(/);
  });
});
