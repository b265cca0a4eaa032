export * from './free-port.js';
export * from './four-letter-word.js';
export * from './apache-zookeeper-install.js';
export * from './apache-zookeeper.js';
export * from './tcp-proxy.js';
export * from './client-faults.js';
export { startServer, CoordServer, type ServerOptions } from '../server/server.js';
export * from './ensemble/index.js';
