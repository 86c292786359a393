/**
 * The person approving in the projects bench, in a process of its own (as a browser would be):
 * the server's event loop is not charged for the client's HTTP work. Gets `{ baseUrl, ids }`
 * over IPC, approves them all at once, and answers with when each request was sent and answered.
 */
export interface ApproveOrder {
  baseUrl: string;
  ids: string[];
}

export interface ApproveTimes {
  requestedAt: Record<string, number>;
  answeredAt: Record<string, number>;
  failures: string[];
}

process.once('message', (order: ApproveOrder) => {
  void approveAll(order).then((times) => process.send!(times, () => process.exit(0)));
});
// Booted: the bench starts its clock when the approvals can go at once.
process.send!('ready');

async function approveAll({ baseUrl, ids }: ApproveOrder): Promise<ApproveTimes> {
  const times: ApproveTimes = { requestedAt: {}, answeredAt: {}, failures: [] };
  await Promise.all(
    ids.map(async (id) => {
      times.requestedAt[id] = Date.now();
      const res = await fetch(`${baseUrl}/api/projects/${id}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version: 1 }),
      });
      const text = await res.text();
      if (res.status !== 200) times.failures.push(`approving ${id} answered ${res.status}: ${text}`);
      times.answeredAt[id] = Date.now();
    }),
  );
  return times;
}
