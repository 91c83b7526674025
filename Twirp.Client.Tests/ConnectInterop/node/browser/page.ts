// The browser page of the Connect suite, bundled by esbuild (ConnectInterop.targets) into dist/page.js.
// Served from one origin, it calls the server named by ?server= (another origin, so through CORS) with
// @connectrpc/connect-web, and shows what it got in #answer, or the error in #error.
import { toJson } from "@bufbuild/protobuf";
import { ConnectError, createClient } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { ConnectInterop, EverythingSchema } from "../gen/connect_interop_pb";

async function main(): Promise<void> {
  const parameters = new URLSearchParams(location.search);
  const transport = createConnectTransport({
    baseUrl: parameters.get("server")!,
    useBinaryFormat: parameters.get("binary") === "1",
    useHttpGet: true,
  });
  const client = createClient(ConnectInterop, transport);
  const echo = await client.echo({ servedBy: "browser", fields: { stringValue: "from chromium ✓" } }, { timeoutMs: 10_000 });
  const query = await client.query({ servedBy: "browser" });
  let failure = {};
  try {
    await client.fail({ code: "permission_denied", message: "not from this page" });
  } catch (error) {
    const connectError = ConnectError.from(error);
    failure = { code: codeToString(connectError.code), message: connectError.rawMessage };
  }
  show("answer", {
    echo: toJson(EverythingSchema, echo),
    query: toJson(EverythingSchema, query),
    failure,
  });
}

function show(id: string, value: unknown): void {
  const element = document.createElement("pre");
  element.id = id;
  element.textContent = JSON.stringify(value);
  document.body.append(element);
}

main().catch((error) => show("error", String(error?.stack ?? error)));
