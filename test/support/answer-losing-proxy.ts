import { createServer, request, type IncomingHttpHeaders } from 'node:http';

/** One request as the proxy saw it: DynamoDB's operation (x-amz-target) and the JSON body. */
export interface SeenRequest {
  target: string;
  body: string;
}

/**
 * A loopback HTTP proxy in front of a real server (DynamoDB Local) that can lose an answer:
 * the request reaches the server and is carried out, then the caller's connection is cut
 * before the answer reaches it. What a timeout or a dropped connection does to a write
 * in the cloud, here on purpose, for the requests `lose` picks.
 */
export async function answerLosingProxy(upstream: string, lose: (seen: SeenRequest) => boolean) {
  const to = new URL(upstream);
  const seen: SeenRequest[] = [];
  let lost = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const one = { target: String(req.headers['x-amz-target'] ?? ''), body: body.toString('utf8') };
      seen.push(one);
      const cut = lose(one);
      const forward = request(
        {
          hostname: to.hostname,
          port: to.port,
          path: req.url,
          method: req.method,
          headers: req.headers as IncomingHttpHeaders,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            if (cut) {
              lost++;
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      forward.on('error', () => req.socket.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    lost: () => lost,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
