import { createServer, type Socket } from 'node:net';

export interface BlackholeServer {
  port: number;
  close(): Promise<void>;
}

/** A TCP server that accepts connections and never answers: a dependency that hangs. */
export async function blackholeServer(): Promise<BlackholeServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('blackhole server has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
