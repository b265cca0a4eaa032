/**
 * A config centre: publish JSON documents with versions, and subscribe with a typed parser and
 * change callbacks.
 *
 *   COORD_CONNECT=127.0.0.1:2181 node --import tsx docs/examples/recipe-config.ts
 */
import { BadVersionError, ConfigCentre, NoNodeError, createClient, parseJson, type CoordClient } from '@coordlab/coord';

const connect = process.env['COORD_CONNECT'] ?? '127.0.0.1:2181';
const root = '/examples-recipe-config';

/** Deletes a node and everything under it; a node that is already gone is fine. */
async function removeTree(client: CoordClient, path: string): Promise<void> {
  try {
    for (const child of await client.getChildren(path)) await removeTree(client, `${path}/${child}`);
    await client.delete(path);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
}

interface DbConfig {
  readonly url: string;
  readonly poolSize: number;
}

/** Validates as it parses: a document that does not fit goes to onError, and the last good one stays. */
function parseDbConfig(data: Uint8Array): DbConfig {
  const raw = parseJson(data);
  if (typeof raw !== 'object' || raw === null) throw new TypeError('db config: not an object');
  const { url, poolSize } = raw as Record<string, unknown>;
  if (typeof url !== 'string' || typeof poolSize !== 'number') throw new TypeError('db config: needs url (string) and poolSize (number)');
  return { url, poolSize };
}

await using admin = createClient(connect);
await using app = createClient(connect);
await removeTree(admin, root); // leftovers of an interrupted run

const publisher = new ConfigCentre(admin, { basePath: `${root}/config` });
const first = await publisher.publish('db', { url: 'postgres://db-1/app', poolSize: 10 });
console.log(`published version ${first.version}`);

// The app follows the document. onChange gets the current state before subscribe() resolves.
const configs = new ConfigCentre(app, { basePath: `${root}/config` });
let notify = (): void => undefined;
const nextEvent = (): Promise<void> => new Promise((resolve) => (notify = resolve));
const subscription = await configs.subscribe('db', {
  parse: parseDbConfig,
  onChange: (config) => {
    console.log(config === null ? 'app: no db config' : `app: v${config.version} ${config.value.url}, pool ${config.value.poolSize}`);
    notify();
  },
  onError: (err) => {
    console.log(`app: kept the last good config (${err instanceof Error ? err.message : String(err)})`);
    notify();
  },
});

// Compare-and-set: publish only over the version you read.
let event = nextEvent();
await publisher.publish('db', { url: 'postgres://db-2/app', poolSize: 20 }, { expectedVersion: first.version });
await event;
try {
  await publisher.publish('db', { url: 'postgres://stale/app', poolSize: 1 }, { expectedVersion: first.version });
} catch (err) {
  if (!(err instanceof BadVersionError)) throw err;
  console.log(`admin: stale publish refused (${err.codeName})`);
}

// A document the parser rejects does not replace the last good one.
event = nextEvent();
await publisher.publish('db', { url: 'postgres://db-3/app' });
await event;
console.log(`app uses: ${subscription.current?.value.url}`);

event = nextEvent();
await publisher.unpublish('db');
await event;

await configs.close(); // closes its subscriptions
await removeTree(admin, root);
