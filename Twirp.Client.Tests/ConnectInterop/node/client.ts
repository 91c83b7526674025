// A @connectrpc/connect-node client for the Connect interop suite. Reads one job from stdin:
//   {"baseUrl": "...", "binary": bool, "httpGet": bool, "gzip": bool, "echo": <Everything as proto JSON>,
//    "failures": [{code, message, details}], "sleep": {"millis": N, "timeoutMs": N}}
// calls Echo, Query, Fail once per failure and Sleep once with a timeout, and prints one JSON line:
//   {"echo": <JSON>, "query": <JSON>, "errors": [{code, message, details: [{type, value}]}], "sleep": {...}}
import { fromJson, toJson } from "@bufbuild/protobuf";
import { ConnectError, createClient } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { compressionGzip, createConnectTransport } from "@connectrpc/connect-node";
import { ConnectInterop, EverythingSchema, FailRequestSchema } from "./gen/connect_interop_pb";
import { registry } from "./registry";
import { readJob, reportError } from "./job";

interface Job {
  baseUrl: string;
  binary: boolean;
  httpGet: boolean;
  gzip: boolean;
  echo: unknown;
  failures: { code: string; message: string; details: { reason: string; number: string }[] }[];
  sleep: { millis: number; timeoutMs: number };
}

async function main(): Promise<void> {
  const job = (await readJob()) as Job;
  const transport = createConnectTransport({
    baseUrl: job.baseUrl,
    httpVersion: "1.1",
    useBinaryFormat: job.binary,
    useHttpGet: job.httpGet,
    jsonOptions: { registry },
    sendCompression: job.gzip ? compressionGzip : undefined,
    acceptCompression: job.gzip ? [compressionGzip] : [],
    // Compress even the smallest message, so every call of the gzip run is compressed.
    compressMinBytes: 0,
  });
  const client = createClient(ConnectInterop, transport);
  const sent = fromJson(EverythingSchema, job.echo as any, { registry });

  const echo = await client.echo(sent);
  const query = await client.query(sent);

  const errors = [];
  for (const failure of job.failures) {
    try {
      await client.fail(fromJson(FailRequestSchema, failure as any));
      errors.push({ code: "(no error)", message: "", details: [] });
    } catch (error) {
      errors.push(describe(error));
    }
  }

  let sleep;
  const started = performance.now();
  try {
    const response = await client.sleep({ millis: job.sleep.millis }, { timeoutMs: job.sleep.timeoutMs });
    sleep = { timeoutHeader: response.timeoutHeader };
  } catch (error) {
    sleep = describe(error);
  }
  const sleepElapsedMs = Math.round(performance.now() - started);

  process.stdout.write(
    JSON.stringify({
      echo: toJson(EverythingSchema, echo, { registry }),
      query: toJson(EverythingSchema, query, { registry }),
      errors,
      sleep: { ...sleep, elapsedMs: sleepElapsedMs },
    }) + "\n",
  );
}

function describe(error: unknown) {
  if (!(error instanceof ConnectError)) {
    throw error;
  }
  return {
    code: codeToString(error.code),
    message: error.rawMessage,
    details: error.details.map((detail) =>
      "desc" in detail
        ? { type: detail.desc.typeName, value: "" }
        : { type: detail.type, value: Buffer.from(detail.value).toString("base64") },
    ),
  };
}

main().catch(reportError);
