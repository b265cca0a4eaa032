import { ErrorCode } from '../errors/codes.js';
import { errorFromCode, MarshallingError } from '../errors/errors.js';
import { encode } from '../jute/codec.js';
import { OpCode } from '../jute/opcodes.js';
import { MultiRequest, MultiResponse, type MultiOp } from '../jute/records/multi.js';
import { buildCreate, isSequentialMode, toData } from './create-request.js';
import type { RequestSpec } from './session.js';
import type { CallOptions, CreateOptions, Data, OpResult } from './types.js';

type ServerPath = (path: string, sequential: boolean) => string;

/**
 * Builds a multi (opcode 14): all ops commit with one zxid or none does. On failure, commit()
 * rejects with the failing op's typed error; `error.transaction` says which op and every op's code.
 */
export class Transaction {
  private readonly ops: { op: MultiOp; path: string }[] = [];

  constructor(
    private readonly serverPath: ServerPath,
    private readonly clientPath: (serverPath: string) => string,
    private readonly submit: <T>(spec: RequestSpec<T>) => Promise<T>,
  ) {}

  get size(): number {
    return this.ops.length;
  }

  create(path: string, data: Data | null = null, options: Omit<CreateOptions, keyof CallOptions> = {}): this {
    const op = buildCreate(this.serverPath(path, isSequentialMode(options.mode)), data, options, false);
    this.ops.push({ op, path });
    return this;
  }

  delete(path: string, version = -1): this {
    this.ops.push({ op: { type: OpCode.delete, request: { path: this.serverPath(path, false), version } }, path });
    return this;
  }

  setData(path: string, data: Data | null, version = -1): this {
    this.ops.push({ op: { type: OpCode.setData, request: { path: this.serverPath(path, false), data: toData(data), version } }, path });
    return this;
  }

  /** Fails the transaction unless the node's version is `version` (a fencing check). */
  check(path: string, version: number): this {
    this.ops.push({ op: { type: OpCode.check, request: { path: this.serverPath(path, false), version } }, path });
    return this;
  }

  commit(options: CallOptions = {}): Promise<OpResult[]> {
    const ops = this.ops.map((o) => o.op);
    const paths = this.ops.map((o) => o.path);
    return this.submit<OpResult[]>({
      opcode: OpCode.multi,
      body: encode(MultiRequest, ops),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      decode: (r) => {
        const results = MultiResponse.read(r);
        const codes = results.map((res) => (res.type === OpCode.error ? res.err : ErrorCode.OK));
        const failedIndex = codes.findIndex((c) => c !== ErrorCode.OK);
        if (failedIndex >= 0) {
          throw errorFromCode(codes[failedIndex] as number, { path: paths[failedIndex], transaction: { failedIndex, codes } });
        }
        return results.map((res): OpResult => {
          switch (res.type) {
            case OpCode.create:
              return { kind: 'create', path: this.clientPath(res.path), stat: undefined };
            case OpCode.create2:
            case OpCode.createContainer:
            case OpCode.createTTL:
              return { kind: 'create', path: this.clientPath(res.path), stat: res.stat };
            case OpCode.delete:
              return { kind: 'delete' };
            case OpCode.setData:
              return { kind: 'setData', stat: res.stat };
            case OpCode.check:
              return { kind: 'check' };
            default:
              throw new MarshallingError({ message: `unexpected result type ${res.type} in a multi reply` });
          }
        });
      },
    });
  }
}
