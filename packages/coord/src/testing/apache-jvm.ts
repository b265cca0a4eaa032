import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApacheZooKeeperInstall } from './apache-zookeeper-install.js';

/**
 * How the testing kit runs Apache ZooKeeper's JVM, standalone or as an ensemble member.
 * 'fast-start' suits test suites that start many servers on a small machine: a small heap, the
 * C1 compiler only and the serial collector start fastest and use least memory. 'throughput' is
 * for benches, where the server must not be the bottleneck. No perf-data files in /tmp.
 */
export type ApacheJvmProfile = 'fast-start' | 'throughput';

const FAST_START_FLAGS = ['-Xmx256m', '-Xms32m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
const THROUGHPUT_FLAGS = ['-Xmx1g', '-Xms1g', '-XX:+UseParallelGC'];
const COMMON_FLAGS = ['-Xshare:auto', '-XX:-UsePerfData', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true', '-Dzookeeper.admin.enableServer=false', '-Dzookeeper.4lw.commands.whitelist=*'];

export function apacheJvmFlags(profile: ApacheJvmProfile | undefined): string[] {
  return [...(profile === 'throughput' ? THROUGHPUT_FLAGS : FAST_START_FLAGS), ...COMMON_FLAGS];
}

/** JVM flags that send the server's log to stderr at `level`, writing a logback file into `confDir` when needed. */
export async function apacheLoggingFlags(install: ApacheZooKeeperInstall, level: string, confDir: string): Promise<string[]> {
  switch (install.logBinding) {
    case 'slf4j-simple':
      return [`-Dorg.slf4j.simpleLogger.defaultLogLevel=${level}`, '-Dorg.slf4j.simpleLogger.logFile=System.err', '-Dorg.slf4j.simpleLogger.showDateTime=true', '-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS'];
    case 'logback': {
      const file = join(confDir, 'logback.xml');
      await writeFile(
        file,
        '<configuration>\n' +
          '  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">\n' +
          '    <target>System.err</target>\n' +
          '    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n</pattern></encoder>\n' +
          '  </appender>\n' +
          `  <root level="${level.toUpperCase()}"><appender-ref ref="ERR"/></root>\n` +
          '</configuration>\n',
      );
      return [`-Dlogback.configurationFile=${file}`];
    }
    case 'none':
      return [];
  }
}
