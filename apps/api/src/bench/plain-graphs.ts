import { Annotation, END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';

/**
 * Plain LangGraph graphs of the same shapes as the bench plans, with nodes that do nothing but
 * bump a value: what LangGraph + a checkpointer cost per step without any bookkeeping of ours.
 * `mark` is called when a step starts (the first worker of the fan-out marks the batch).
 */
const Chain = Annotation.Root({ n: Annotation<number>() });

export function chainGraph(steps: number, checkpointer: BaseCheckpointSaver, mark: () => void) {
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

const Fan = Annotation.Root({ n: Annotation<number>(), done: Annotation<number[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });

/** fan → `width` parallel workers → join, like schedule → run_step × width → schedule. */
export function fanGraph(width: number, checkpointer: BaseCheckpointSaver, mark: () => void) {
  const workers = Array.from({ length: width }, (_, i): string => `w${i}`);
  // Node names typed as plain strings: the graph is built in a loop, not as one literal chain.
  const [fan, join]: string[] = ['fan', 'join'];
  let graph = new StateGraph(Fan).addNode(fan!, (s: { n: number }) => ({ n: s.n + 1 }));
  workers.forEach((name, i) => {
    graph = graph.addNode(name, () => {
      mark();
      return { done: [i] };
    });
  });
  graph = graph.addNode(join!, (s: { n: number }) => ({ n: s.n + 1 })).addEdge(START, fan!);
  for (const name of workers) graph = graph.addEdge(fan!, name);
  return graph.addEdge(workers, join!).addEdge(join!, END).compile({ checkpointer });
}
