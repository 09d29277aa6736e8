// A node:tls server (a child process, so its memory is not the client's) that sends BULK.total
// bytes of a known pattern to each client as fast as TCP lets it, honouring 'drain', and reports
// over IPC how many bytes it has handed to the socket so far.
import { createServer } from 'node:tls';

const { key, cert, total } = JSON.parse(process.env.BULK);
const PERIOD = 251;
const CHUNK = PERIOD * 256; // a whole number of periods: every chunk starts at pattern offset 0
const pattern = Buffer.alloc(CHUNK);
for (let i = 0; i < CHUNK; i++) pattern[i] = i % PERIOD;

let connections = 0;
const server = createServer({ key, cert, minVersion: 'TLSv1.3' }, (socket) => {
  const id = ++connections;
  let sent = 0;
  socket.on('error', () => undefined);
  const timer = setInterval(() => process.send({ id, sent }), 50);
  const pump = () => {
    while (sent < total) {
      const n = Math.min(CHUNK, total - sent);
      sent += n;
      if (!socket.write(n === CHUNK ? pattern : pattern.subarray(0, n))) {
        socket.once('drain', pump);
        return;
      }
    }
    socket.end();
  };
  socket.on('close', () => {
    clearInterval(timer);
    process.send({ id, sent, done: true });
  });
  pump();
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
