/** One measured run: when each step started, when the run began and ended, statements sent. */
export interface Sample {
  marks: number[];
  startedAt: number;
  endedAt: number;
  queries: number;
}

export interface Figures {
  shape: string;
  engine: 'orchestrator' | 'orchestrator_graph_only' | 'langgraph_postgres';
  runs: number;
  steps: number;
  p50_ms_per_step: number;
  p95_ms_per_step: number;
  mean_ms_per_step: number;
  steps_per_sec: number;
  queries_per_step: number;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/**
 * Per-step times. Linear: a step lasts from its start to the next step's start (the last one to
 * the end of the run), so it includes every write made after it. Parallel: the steps of one
 * batch share the run, so each run contributes its wall time divided by its steps.
 */
export function figures(
  shape: string,
  engine: Figures['engine'],
  stepsPerRun: number,
  parallel: boolean,
  samples: Sample[],
): Figures {
  const perStep = samples.flatMap((s) =>
    parallel ? [(s.endedAt - s.startedAt) / stepsPerRun] : s.marks.map((t, i) => (s.marks[i + 1] ?? s.endedAt) - t),
  );
  const totalMs = samples.reduce((sum, s) => sum + (s.endedAt - s.startedAt), 0);
  const steps = samples.length * stepsPerRun;
  return {
    shape,
    engine,
    runs: samples.length,
    steps,
    p50_ms_per_step: round(percentile(perStep, 50)),
    p95_ms_per_step: round(percentile(perStep, 95)),
    mean_ms_per_step: round(totalMs / steps),
    steps_per_sec: round((steps / totalMs) * 1000, 1),
    queries_per_step: round(samples.reduce((sum, s) => sum + s.queries, 0) / steps, 2),
  };
}

export function table(results: Figures[]): string {
  const header = [
    'shape',
    'engine',
    'runs',
    'steps',
    'p50 ms/step',
    'p95 ms/step',
    'mean ms/step',
    'steps/s',
    'queries/step',
  ];
  const rows = results.map((r) =>
    [
      r.shape,
      r.engine,
      r.runs,
      r.steps,
      r.p50_ms_per_step,
      r.p95_ms_per_step,
      r.mean_ms_per_step,
      r.steps_per_sec,
      r.queries_per_step,
    ].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
