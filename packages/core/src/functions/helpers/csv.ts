/**
 * CSV reading for function agents, handed to them as `ctx.helpers.csv` (agents may not import
 * at run time). Errors come back as values with the line they are on, never as exceptions, so an
 * agent can turn them into a question for the user.
 */

/** One record: its fields as written (untrimmed) and the line of the text it starts on (1-based). */
export interface CsvRow {
  cells: string[];
  line: number;
}

/** The rows, or why the text is not CSV ("line 2: a quoted field is never closed (missing \")"). */
export type CsvParseResult = { rows: CsvRow[] } | { error: string };

export interface CsvHelpers {
  /**
   * RFC 4180 fields: quotes, doubled quotes, delimiters and newlines inside quotes; `\n`, `\r\n`
   * and `\r` end records; blank records are skipped. Without a delimiter, it is detected.
   */
  parse(text: string, delimiter?: string): CsvParseResult;
  /** Of `,` `;` tab `|`: the one that splits most lines into the same number (≥ 2) of fields. */
  detectDelimiter(lines: string[]): { delimiter: string; width: number };
  /** The first fenced block (```csv, ```json, or bare ```): its language (lower case) and body. */
  fenced(text: string): { lang: string; body: string } | null;
  /** Drops leading lines ("Roll this up, please:") whose field count differs from the table's. */
  trimLeadIn(lines: string[]): string[];
  /** The CSV in a task: the first fenced block, else the longest run of delimited lines (≥ 2). */
  extract(text: string): string | null;
}

export const CSV_DELIMITERS: readonly string[] = [',', ';', '\t', '|'];
/** A line that may be a table row: it has at least one candidate delimiter. */
const DELIMITED = /[,;\t|]/;

function parseWith(text: string, delim: string): CsvParseResult {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    cells.push(cell);
    if (cells.some((x) => x.trim() !== '')) rows.push({ cells, line: rowLine });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        cell += c;
        if (c === '\n') line++;
      }
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === delim) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (quoted) return { error: `line ${rowLine}: a quoted field is never closed (missing ")` };
  endRow();
  return { rows };
}

const fieldCount = (line: string, delim: string): number => {
  const parsed = parseWith(line, delim);
  return 'error' in parsed ? 0 : (parsed.rows[0]?.cells.length ?? 0);
};

function detectDelimiter(lines: string[]): { delimiter: string; width: number } {
  let best = { delimiter: ',', width: 0, score: 0 };
  for (const delimiter of CSV_DELIMITERS) {
    const counts = new Map<number, number>();
    for (const line of lines.slice(0, 200)) {
      const width = fieldCount(line, delimiter);
      if (width >= 2) counts.set(width, (counts.get(width) ?? 0) + 1);
    }
    for (const [width, score] of counts)
      if (score > best.score || (score === best.score && width > best.width)) best = { delimiter, width, score };
  }
  return { delimiter: best.delimiter, width: best.width };
}

function trimLeadIn(lines: string[]): string[] {
  const { delimiter, width } = detectDelimiter(lines);
  let kept = lines;
  while (kept.length > 2 && fieldCount(kept[0]!, delimiter) !== width) kept = kept.slice(1);
  return kept;
}

function fenced(text: string): { lang: string; body: string } | null {
  const m = /```([a-z]*)[^\n]*\n([\s\S]*?)```/i.exec(text);
  return m ? { lang: m[1]!.toLowerCase(), body: m[2]! } : null;
}

function extract(text: string): string | null {
  const fence = fenced(text);
  if (fence) return fence.body;
  let best: string[] = [];
  let run: string[] = [];
  for (const line of [...text.split(/\r?\n/), '']) {
    if (DELIMITED.test(line) && line.trim() !== '') run.push(line);
    else {
      if (run.length > best.length) best = run;
      run = [];
    }
  }
  return best.length < 2 ? null : trimLeadIn(best).join('\n');
}

export const csv: CsvHelpers = Object.freeze({
  parse: (text: string, delimiter?: string) =>
    parseWith(text, delimiter ?? detectDelimiter(text.split(/\r?\n/)).delimiter),
  detectDelimiter,
  fenced,
  trimLeadIn,
  extract,
});
