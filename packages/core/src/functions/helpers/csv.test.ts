import { describe, expect, it } from 'vitest';
import { csv } from './csv.js';

const rowsOf = (text: string, delimiter?: string) => {
  const parsed = csv.parse(text, delimiter);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.rows;
};

describe('csv.parse', () => {
  it('should keep delimiters, doubled quotes and newlines inside quoted fields', () => {
    expect(rowsOf('a,b\n"x, y","say ""hi"""\n"two\nlines",3', ',')).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['x, y', 'say "hi"'], line: 2 },
      { cells: ['two\nlines', '3'], line: 3 },
    ]);
  });

  it('should accept CRLF and CR line ends and skip blank records, keeping the line numbers of the text', () => {
    expect(rowsOf('a;b\r\n\r\n1;2\r3;4\n', ';')).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['1', '2'], line: 3 },
      { cells: ['3', '4'], line: 4 },
    ]);
  });

  it('should detect the delimiter when none is given', () => {
    expect(rowsOf('a\tb\tc\n1\t2,5\t3')[1]!.cells).toEqual(['1', '2,5', '3']);
    expect(rowsOf('a|b\n1|2')[1]!.cells).toEqual(['1', '2']);
    expect(rowsOf('name;amount\nAnn;1,5\nBob;2,25')[2]!.cells).toEqual(['Bob', '2,25']);
  });

  it('should name the line of a quoted field that is never closed', () => {
    expect(csv.parse('a,b\n1,2\n"x,3', ',')).toEqual({ error: 'line 3: a quoted field is never closed (missing ")' });
  });
});

describe('csv.detectDelimiter', () => {
  it('should pick the delimiter giving most lines the same width, respecting quotes', () => {
    expect(csv.detectDelimiter(['a;b;c', '"1,5";2;3', '4;5;6'])).toEqual({ delimiter: ';', width: 3 });
    expect(csv.detectDelimiter(['x,y', '1,2'])).toEqual({ delimiter: ',', width: 2 });
    expect(csv.detectDelimiter(['no table here'])).toEqual({ delimiter: ',', width: 0 });
  });
});

describe('csv.fenced and csv.extract', () => {
  it('should return the first fenced block with its language', () => {
    expect(csv.fenced('Here:\n```CSV\na,b\n1,2\n```\n```json\n[]\n```')).toEqual({ lang: 'csv', body: 'a,b\n1,2\n' });
    expect(csv.fenced('```\nx\n```')).toEqual({ lang: '', body: 'x\n' });
    expect(csv.fenced('no fence')).toBeNull();
  });

  it('should take a fenced block first, else the longest run of delimited lines without a lead-in sentence', () => {
    expect(csv.extract('Please:\n```csv\na,b\n1,2\n```')).toBe('a,b\n1,2\n');
    expect(csv.extract('Sum this, by team, please:\nteam,cost\nA,1\nB,2\n\nThanks, Ann')).toBe('team,cost\nA,1\nB,2');
    expect(csv.extract('Only one line, with a comma.')).toBeNull();
  });

  it('should drop only leading lines whose field count differs from the table', () => {
    expect(csv.trimLeadIn(['Hello, there, folks, all', 'a,b', '1,2', '3,4'])).toEqual(['a,b', '1,2', '3,4']);
    expect(csv.trimLeadIn(['intro, text, x', 'a,b'])).toEqual(['intro, text, x', 'a,b']);
  });
});
