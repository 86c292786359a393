import { Annotation, END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';

/**
 * Plain LangGraph graphs for benchmarks (this package's saver bench and the API's engine bench),
 * with nodes that do nothing but bump a value: what LangGraph + a checkpointer cost per step.
 * The hooks mark when a node starts, so a bench can time steps or supersteps as it needs.
 */
const Chain = Annotation.Root({ n: Annotation<number>() });

export function chainGraph(steps: number, checkpointer: BaseCheckpointSaver | undefined, mark: () => void) {
  const names = Array.from({ length: steps }, (_, i): string => `s${i}`);
  const step = (s: { n: number }) => {
    mark();
    return { n: s.n + 1 };
  };
  let graph = new StateGraph(Chain).addNode(names[0]!, step);
  for (const name of names.slice(1)) graph = graph.addNode(name, step);
  graph = graph.addEdge(START, names[0]!);
  names.slice(1).forEach((name, i) => (graph = graph.addEdge(names[i]!, name)));
  return graph.addEdge(names[steps - 1]!, END).compile({ checkpointer });
}

const Fan = Annotation.Root({
  n: Annotation<number>(),
  done: Annotation<number[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

export interface FanHooks {
  fan?: () => void;
  worker?: (index: number) => void;
  join?: () => void;
}

/** fan → `width` parallel workers → join, like schedule → run_step × width → schedule. */
export function fanGraph(width: number, checkpointer: BaseCheckpointSaver | undefined, hooks: FanHooks = {}) {
  const workers = Array.from({ length: width }, (_, i): string => `w${i}`);
  // Node names typed as plain strings: the graph is built in a loop, not as one literal chain.
  const [fan, join]: string[] = ['fan', 'join'];
  let graph = new StateGraph(Fan).addNode(fan!, (s: { n: number }) => (hooks.fan?.(), { n: s.n + 1 }));
  workers.forEach((name, i) => {
    graph = graph.addNode(name, () => {
      hooks.worker?.(i);
      return { done: [i] };
    });
  });
  graph = graph.addNode(join!, (s: { n: number }) => (hooks.join?.(), { n: s.n + 1 })).addEdge(START, fan!);
  for (const name of workers) graph = graph.addEdge(fan!, name);
  return graph.addEdge(workers, join!).addEdge(join!, END).compile({ checkpointer });
}
