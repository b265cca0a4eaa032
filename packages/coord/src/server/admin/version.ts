/** What `srvr`, `envi` and mntr's zk_version report: ZooKeeper's format, so version parsers accept it. */
export const SERVER_VERSION = '3.8.0-coordlab, built on 1970-01-01 00:00 UTC';
