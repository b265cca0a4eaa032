import { int, long, record, ustring, vector, type ValueOf } from '../codec.js';

const paths = vector(ustring);

/** Watch re-registration after reconnect (xid -8), the pre-3.6 shape. */
export const SetWatches = record({ relativeZxid: long, dataWatches: paths, existWatches: paths, childWatches: paths });
export type SetWatches = ValueOf<typeof SetWatches>;

/** As SetWatches, plus persistent and persistent-recursive watches (3.6+). */
export const SetWatches2 = record({
  relativeZxid: long,
  dataWatches: paths,
  existWatches: paths,
  childWatches: paths,
  persistentWatches: paths,
  persistentRecursiveWatches: paths,
});
export type SetWatches2 = ValueOf<typeof SetWatches2>;

export const AddWatchRequest = record({ path: ustring, mode: int });
export type AddWatchRequest = ValueOf<typeof AddWatchRequest>;

export const CheckWatchesRequest = record({ path: ustring, type: int });
export type CheckWatchesRequest = ValueOf<typeof CheckWatchesRequest>;

export const RemoveWatchesRequest = record({ path: ustring, type: int });
export type RemoveWatchesRequest = ValueOf<typeof RemoveWatchesRequest>;
