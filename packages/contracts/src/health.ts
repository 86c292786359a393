import { z } from 'zod';

export const HealthSchema = z.object({
  status: z.enum(['ok', 'error']),
  checks: z.record(z.string(), z.object({ status: z.enum(['up', 'down']), message: z.string().optional() })),
});
export type Health = z.infer<typeof HealthSchema>;

/** What the web app needs to know about the running system. */
export const SystemInfoSchema = z.object({
  version: z.string(),
  llm: z.object({ provider: z.string(), model: z.string(), offline: z.boolean() }),
  workspace: z.object({ id: z.string(), name: z.string() }),
  user: z.object({ id: z.string(), displayName: z.string(), role: z.string() }),
});
export type SystemInfo = z.infer<typeof SystemInfoSchema>;
