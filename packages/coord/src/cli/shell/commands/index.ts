import type { CommandSpec } from '../spec.js';
import { config, get, getAcl, getAllChildrenNumber, getEphemerals, ls, stat } from './read.js';
import { addauth, addWatch, help, quit, sync, whoami } from './session.js';
import { create, del, deleteall, set, setAcl } from './write.js';

/** Every shell command, in the order `help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  ls,
  get,
  stat,
  create,
  set,
  del,
  deleteall,
  getAcl,
  setAcl,
  addauth,
  whoami,
  sync,
  addWatch,
  getEphemerals,
  getAllChildrenNumber,
  config,
  help,
  quit,
];
