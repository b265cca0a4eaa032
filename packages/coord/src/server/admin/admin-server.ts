import type http from 'node:http';
import { adminCommandNames, newCommandState, runAdminCommand } from './commands.js';
import { listenHttp, type HttpEndpoint } from './http-listen.js';
import { toJson } from './json.js';
import type { ServerStatsSource } from './stats-source.js';

export interface AdminServerOptions {
  /** admin.serverAddress; default 127.0.0.1 (ZooKeeper's default is 0.0.0.0). */
  readonly host?: string;
  /** admin.serverPort; 0 picks a free port. */
  readonly port: number;
  readonly source: ServerStatsSource;
  /** admin.commandURL; default "/commands". */
  readonly commandUrl?: string;
}

function commandLinks(commandUrl: string): string {
  return adminCommandNames()
    .map((name) => `<a href="${commandUrl}/${name}">${name}</a>\n<br/>\n`)
    .join('');
}

function notFound(res: http.ServerResponse, path: string): void {
  res.writeHead(404, { 'content-type': 'text/html;charset=iso-8859-1' });
  res.end(`<html>\n<head>\n<title>Error 404 Not Found</title>\n</head>\n<body><h2>HTTP ERROR 404 Not Found</h2>\n<p>URI: ${path.replace(/[<>&"]/g, '')}</p>\n</body>\n</html>\n`);
}

/** A malformed escape is kept as written (it then names an unknown command) rather than thrown. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * ZooKeeper's AdminServer (JettyAdminServer) over node:http: `GET <commandUrl>` lists the
 * commands as links; `GET <commandUrl>/<name>?k=v` runs one and answers its JSON with status 200,
 * an unknown name included (`{"command":..., "error":"Unknown command: ..."}`), as ZooKeeper does.
 */
export function startAdminServer(options: AdminServerOptions): Promise<HttpEndpoint> {
  const commandUrl = options.commandUrl ?? '/commands';
  const state = newCommandState();
  return listenHttp(options.host ?? '127.0.0.1', options.port, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin');
    if (url.pathname !== commandUrl && !url.pathname.startsWith(`${commandUrl}/`)) {
      notFound(res, url.pathname);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const name = safeDecode(url.pathname.slice(commandUrl.length + 1));
    if (name === '') {
      res.writeHead(200);
      res.end(commandLinks(commandUrl));
      return;
    }
    const params = new Map<string, string>();
    for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v);
    let body: string;
    try {
      body = toJson(runAdminCommand(options.source, name, params, state));
    } catch (err) {
      body = toJson({ command: name, error: `Exception running command: ${(err as Error).message}` });
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
}
