// A static server on loopback for the page's tests and benchmark: it maps
// each request's path to a file (or a body) with `locate`, and records
// every request it receives in `hits`.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.pem': 'application/x-pem-file',
  '.bundle': 'application/octet-stream',
};

/**
 * Serves what `locate(path)` names: a file path, `{ body, type }`, or null
 * (404). `path` has no leading slash and never climbs out (`..` is refused).
 * Resolves to `{ server, hits, url }`.
 */
export function serve(locate) {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    if (path.includes('..')) {
      res.writeHead(400).end();
      return;
    }
    const found = locate(path);
    try {
      if (found === null) throw new Error('not found');
      const [body, type] = typeof found === 'string'
        ? [readFileSync(found), TYPES[extname(found)] ?? 'application/octet-stream']
        : [found.body, found.type];
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, hits, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}
