// A @connectrpc/connect-node server for the Connect interop suite. Listens on 127.0.0.1 with a port
// the OS picks, prints {"port":N} on stdout once listening, and exits when stdin closes, so it never
// outlives the test.
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { Code, ConnectError, ConnectRouter } from "@connectrpc/connect";
import { codeFromString } from "@connectrpc/connect/protocol-connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ConnectInterop, FailureDetailSchema } from "./gen/connect_interop_pb";
import { registry } from "./registry";

const routes = (router: ConnectRouter) =>
  router.service(ConnectInterop, {
    async echo(request) {
      return { ...request, servedBy: "connect-node" };
    },
    async query(request, context) {
      return { ...request, servedBy: "connect-node", httpMethod: context.requestMethod };
    },
    async fail(request) {
      const code = codeFromString(request.code);
      if (code === undefined) {
        throw new ConnectError(`not a Connect code: ${request.code}`, Code.InvalidArgument);
      }
      const details = request.details.map((detail) => ({ desc: FailureDetailSchema, value: detail }));
      throw new ConnectError(request.message, code, undefined, details);
    },
    async sleep(request, context) {
      const timeoutHeader = context.requestHeader.get("connect-timeout-ms") ?? "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, request.millis);
        context.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(context.signal.reason);
        });
      });
      return { timeoutHeader };
    },
  });

// compressMinBytes 0: every answer to a client that accepts gzip is gzipped, however small.
const server = http.createServer(connectNodeAdapter({ routes, jsonOptions: { registry }, compressMinBytes: 0 }));
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ port }) + "\n");
});

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
