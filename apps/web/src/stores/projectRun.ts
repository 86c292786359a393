import type {
  CheckpointInfo,
  ProjectDetail,
  ProjectError,
  ProjectStatus,
  ProjectStep,
  RecoverStepBody,
  StepUpdated,
} from '@orchestrator/contracts';
import { ref } from 'vue';
import { api, toApiError, type ApiError, type ProjectControl } from '../api';
import type { LoadState } from './conversations';
import type { createInflight } from './inflight';

/** Steps, errors and checkpoints change together: refetch at most this often after live updates. */
export const REFRESH_DELAY_MS = 400;

/** Key of one step of one project (step keys can contain `/`). */
export const stepRef = (projectId: string, stepKey: string): string => `${projectId}::${stepKey}`;

/** Step statuses after which the project's errors list may have changed. */
const ERROR_STATUSES: ProjectStep['status'][] = ['failed', 'retrying'];

interface RunDeps {
  inflight: ReturnType<typeof createInflight>;
  setDetail(detail: ProjectDetail): void;
  loadDetail(id: string, options?: { force?: boolean }): Promise<void>;
}

/**
 * The running side of a project (docs/operations.md#project-runs): live steps, classified errors, checkpoints and the
 * person's controls. A slice of the projects store, kept in its own file by responsibility.
 */
export function createProjectRun(deps: RunDeps) {
  const { once, fresh } = deps.inflight;

  /** Steps per project, normalised by step key, plus the server's order of keys. */
  const steps = ref<Record<string, Record<string, ProjectStep>>>({});
  const stepOrder = ref<Record<string, string[]>>({});
  const stepState = ref<Record<string, LoadState>>({});
  const stepErrors = ref<Record<string, ApiError | null>>({});
  const errors = ref<Record<string, ProjectError[]>>({});
  const errorsState = ref<Record<string, LoadState>>({});
  const errorsError = ref<Record<string, ApiError | null>>({});
  /** Newest first, as the API sends them. */
  const checkpoints = ref<Record<string, CheckpointInfo[]>>({});
  const checkpointState = ref<Record<string, LoadState>>({});
  const checkpointErrors = ref<Record<string, ApiError | null>>({});

  const controlling = ref<Record<string, ProjectControl | null>>({});
  const controlErrors = ref<Record<string, ApiError | null>>({});
  /** By `stepRef`: the recovery being sent and the last failure. */
  const recovering = ref<Record<string, RecoverStepBody['action'] | null>>({});
  const recoverErrors = ref<Record<string, ApiError | null>>({});
  /** By project: the checkpoint being rolled back to or forked from. */
  const rollingBack = ref<Record<string, string | null>>({});
  const rollbackErrors = ref<Record<string, ApiError | null>>({});

  /** The project whose detail is on screen: the socket joins its room. */
  const openId = ref<string | null>(null);

  /** Step keys changed by live events while a load was in flight: the event is newer. */
  const touched = new Map<string, Set<string>>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  function stepList(projectId: string): ProjectStep[] {
    const bucket = steps.value[projectId];
    if (!bucket) return [];
    return (stepOrder.value[projectId] ?? [])
      .map((key) => bucket[key])
      .filter((s): s is ProjectStep => s !== undefined);
  }

  function step(projectId: string, stepKey: string): ProjectStep | null {
    return steps.value[projectId]?.[stepKey] ?? null;
  }

  function loadSteps(id: string, options: { force?: boolean } = {}): Promise<void> {
    if (steps.value[id] && !options.force) return Promise.resolve();
    const run = async () => {
      if (!steps.value[id]) stepState.value[id] = 'loading';
      stepErrors.value[id] = null;
      touched.set(id, new Set());
      try {
        const page = await api.listSteps(id);
        const live = touched.get(id) ?? new Set<string>();
        const current = steps.value[id] ?? {};
        const next: Record<string, ProjectStep> = {};
        for (const s of page.steps)
          next[s.stepKey] = live.has(s.stepKey) && current[s.stepKey] ? current[s.stepKey]! : s;
        const order = page.steps.map((s) => s.stepKey);
        for (const key of live) {
          if (!next[key] && current[key]) {
            next[key] = current[key];
            order.push(key);
          }
        }
        steps.value[id] = next;
        stepOrder.value[id] = order;
        stepState.value[id] = 'ready';
      } catch (error) {
        stepErrors.value[id] = toApiError(error);
        if (!steps.value[id]) stepState.value[id] = 'error';
      } finally {
        touched.delete(id);
      }
    };
    return options.force ? fresh(`steps:${id}`, run) : once(`steps:${id}`, run);
  }

  function loadErrors(id: string, options: { force?: boolean } = {}): Promise<void> {
    if (errors.value[id] && !options.force) return Promise.resolve();
    const run = async () => {
      if (!errors.value[id]) errorsState.value[id] = 'loading';
      errorsError.value[id] = null;
      try {
        const page = await api.listErrors(id);
        errors.value[id] = [...page.errors].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
        errorsState.value[id] = 'ready';
      } catch (error) {
        errorsError.value[id] = toApiError(error);
        if (!errors.value[id]) errorsState.value[id] = 'error';
      }
    };
    return options.force ? fresh(`errors:${id}`, run) : once(`errors:${id}`, run);
  }

  function loadCheckpoints(id: string, options: { force?: boolean } = {}): Promise<void> {
    if (checkpoints.value[id] && !options.force) return Promise.resolve();
    const run = async () => {
      if (!checkpoints.value[id]) checkpointState.value[id] = 'loading';
      checkpointErrors.value[id] = null;
      try {
        checkpoints.value[id] = (await api.listCheckpoints(id)).checkpoints;
        checkpointState.value[id] = 'ready';
      } catch (error) {
        checkpointErrors.value[id] = toApiError(error);
        if (!checkpoints.value[id]) checkpointState.value[id] = 'error';
      }
    };
    return options.force ? fresh(`checkpoints:${id}`, run) : once(`checkpoints:${id}`, run);
  }

  /** Refetches a loaded list soon, once, however many events ask for it meanwhile. */
  function refreshSoon(kind: 'errors' | 'checkpoints' | 'steps', id: string): void {
    const loaded =
      kind === 'errors' ? errors.value[id] : kind === 'checkpoints' ? checkpoints.value[id] : steps.value[id];
    if (!loaded) return;
    const key = `${kind}:${id}`;
    if (timers.has(key)) return;
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        if (kind === 'errors') void loadErrors(id, { force: true });
        else if (kind === 'checkpoints') void loadCheckpoints(id, { force: true });
        else void loadSteps(id, { force: true });
      }, REFRESH_DELAY_MS),
    );
  }

  /** `step.updated` from the socket. */
  function applyStepUpdated({ projectId, step: next }: StepUpdated): void {
    touched.get(projectId)?.add(next.stepKey);
    const bucket = steps.value[projectId];
    if (!bucket) {
      // Not loaded: only keep it while a load is in flight (it is newer than that response).
      if (!touched.has(projectId)) return;
      steps.value[projectId] = { [next.stepKey]: next };
      stepOrder.value[projectId] = [next.stepKey];
      return;
    }
    const previous = bucket[next.stepKey];
    bucket[next.stepKey] = next;
    if (!previous) stepOrder.value[projectId] = [...(stepOrder.value[projectId] ?? []), next.stepKey];
    if (previous?.status === next.status) return;
    if (ERROR_STATUSES.includes(next.status) || (previous && ERROR_STATUSES.includes(previous.status)))
      refreshSoon('errors', projectId);
    if (next.status === 'completed') refreshSoon('checkpoints', projectId);
  }

  /** Called when a project's status changes (from `project.updated` or a response). */
  function onStatusChanged(id: string, status: ProjectStatus): void {
    if (status === 'paused_on_error' || status === 'failed') refreshSoon('errors', id);
    refreshSoon('checkpoints', id);
  }

  async function control(id: string, action: ProjectControl, reason?: string): Promise<boolean> {
    if (controlling.value[id]) return false;
    controlling.value[id] = action;
    controlErrors.value[id] = null;
    try {
      deps.setDetail(await api.controlProject(id, action, reason));
      return true;
    } catch (cause) {
      const error = toApiError(cause);
      controlErrors.value[id] = error;
      // The status on screen was out of date: show the one the server refused from.
      if (error.code === 'project/invalid_transition') await deps.loadDetail(id, { force: true });
      return false;
    } finally {
      controlling.value[id] = null;
    }
  }

  async function recover(id: string, stepKey: string, body: RecoverStepBody): Promise<boolean> {
    const key = stepRef(id, stepKey);
    if (recovering.value[key]) return false;
    recovering.value[key] = body.action;
    recoverErrors.value[key] = null;
    try {
      await api.recoverStep(id, stepKey, body);
      await Promise.all([
        deps.loadDetail(id, { force: true }),
        loadSteps(id, { force: true }),
        loadErrors(id, { force: true }),
      ]);
      return true;
    } catch (cause) {
      recoverErrors.value[key] = toApiError(cause);
      return false;
    } finally {
      recovering.value[key] = null;
    }
  }

  /** Rolls back (same project) or forks (a new project, returned so the page can open it). */
  async function rollback(id: string, checkpointId: string, mode: 'rollback' | 'fork'): Promise<ProjectDetail | null> {
    if (rollingBack.value[id]) return null;
    rollingBack.value[id] = checkpointId;
    rollbackErrors.value[id] = null;
    try {
      const detail = await api.rollback(id, { checkpointId, mode });
      deps.setDetail(detail);
      if (detail.id === id) await refreshRun(id);
      return detail;
    } catch (cause) {
      rollbackErrors.value[id] = toApiError(cause);
      return null;
    } finally {
      rollingBack.value[id] = null;
    }
  }

  /** Refetches whatever of a project's run is loaded (after joining its room or reconnecting). */
  async function refreshRun(id: string): Promise<void> {
    const loads: Promise<void>[] = [];
    if (steps.value[id]) loads.push(loadSteps(id, { force: true }));
    if (errors.value[id]) loads.push(loadErrors(id, { force: true }));
    if (checkpoints.value[id]) loads.push(loadCheckpoints(id, { force: true }));
    await Promise.all(loads);
  }

  function loadedRuns(): string[] {
    return [...new Set([...Object.keys(steps.value), ...Object.keys(errors.value), ...Object.keys(checkpoints.value)])];
  }

  function setOpen(id: string | null): void {
    openId.value = id;
  }

  return {
    steps,
    stepOrder,
    stepState,
    stepErrors,
    errors,
    errorsState,
    errorsError,
    checkpoints,
    checkpointState,
    checkpointErrors,
    controlling,
    controlErrors,
    recovering,
    recoverErrors,
    rollingBack,
    rollbackErrors,
    openId,
    stepList,
    step,
    loadSteps,
    loadErrors,
    loadCheckpoints,
    applyStepUpdated,
    onStatusChanged,
    control,
    recover,
    rollback,
    refreshRun,
    loadedRuns,
    setOpen,
  };
}
