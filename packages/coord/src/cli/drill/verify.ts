/**
 * After a drill: read every writer's nodes back from every member and count the acknowledged
 * writes that are missing. Each member is read through its own session pinned to it, after a
 * sync, so a lagging follower is caught up first (a write missing after that is lost, not late).
 */
import { createClient, type CoordClient } from '../../client/client.js';
import type { EnsembleHandle } from '../../testing/ensemble/index.js';
import type { WriteLoad } from './write-load.js';

export interface MemberCheck {
  readonly member: number;
  /** Acknowledged creates whose node this member does not have. */
  readonly missingCreates: number;
  /** Writers whose `last` node holds an older seq than the newest acknowledged setData. */
  readonly regressedSets: number;
  readonly nodesRead: number;
  readonly error?: string;
}

export interface VerifyResult {
  readonly members: readonly MemberCheck[];
  /** Acknowledged writes missing (or regressed) on at least one member. */
  readonly lost: number;
  /** Up to 10 examples, for the report. */
  readonly examples: readonly string[];
}

async function readMember(ensemble: EnsembleHandle, member: number, load: WriteLoad, lostPaths: Set<string>, examples: string[]): Promise<MemberCheck> {
  const client: CoordClient = createClient(ensemble.connectString([member]), { sessionTimeoutMs: 30_000, requestTimeoutMs: 30_000 });
  try {
    await client.waitForConnected({ timeoutMs: 30_000 });
    let missingCreates = 0;
    let regressedSets = 0;
    let nodesRead = 0;
    for (const record of load.records) {
      const base = load.writerPath(record.writer);
      await client.sync(base);
      const present = new Set<string>();
      for (const bucket of (await client.getChildren(base)).filter((c) => c.startsWith('b'))) {
        for (const child of await client.getChildren(`${base}/${bucket}`)) present.add(`${base}/${bucket}/${child}`);
      }
      nodesRead += present.size;
      for (const path of record.created) {
        if (present.has(path)) continue;
        missingCreates++;
        if (!lostPaths.has(path) && examples.length < 10) examples.push(`member ${member}: acknowledged create ${path} is missing`);
        lostPaths.add(path);
      }
      const last = Number(Buffer.from((await client.getData(`${base}/last`)).data).toString());
      if (last < record.lastSetSeq) {
        regressedSets++;
        const key = `${base}/last`;
        if (!lostPaths.has(key) && examples.length < 10) examples.push(`member ${member}: ${key} is ${last}, the acknowledged setData wrote ${record.lastSetSeq}`);
        lostPaths.add(key);
      }
    }
    return { member, missingCreates, regressedSets, nodesRead };
  } catch (err) {
    return { member, missingCreates: 0, regressedSets: 0, nodesRead: 0, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function verifyWrites(ensemble: EnsembleHandle, load: WriteLoad): Promise<VerifyResult> {
  const lostPaths = new Set<string>();
  const examples: string[] = [];
  const members: MemberCheck[] = [];
  for (const m of ensemble.members) members.push(await readMember(ensemble, m.id, load, lostPaths, examples));
  return { members, lost: lostPaths.size, examples };
}
