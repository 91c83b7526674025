// A twirp-ts server for the interop suite. Listens on 127.0.0.1 with a port the OS picks, prints
// {"port":N} on stdout once listening, and exits when stdin closes, so it never outlives the test.
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { TwirpError, TwirpErrorCode } from "twirp-ts";
import { createInteropServer } from "./gen/interop.twirp";

const twirp = createInteropServer({
  async Echo(_ctx, request) {
    return { ...request, servedBy: "twirp-ts" };
  },
  async Fail(_ctx, request) {
    const error = new TwirpError(request.code as TwirpErrorCode, request.msg);
    for (const [key, value] of Object.entries(request.meta)) {
      error.withMeta(key, value);
    }
    throw error;
  },
});

const server = http.createServer(twirp.httpHandler());
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ port }) + "\n");
});

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
