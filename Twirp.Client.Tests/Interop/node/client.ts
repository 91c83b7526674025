// A protobuf-ts client (Twirp transport) for the interop suite. Reads one job from stdin:
//   {"baseUrl": "...", "sendJson": bool, "echo": <Everything as proto JSON>, "failures": [{code, msg, meta}]}
// calls Echo once and Fail once per failure, and prints one JSON line on stdout:
//   {"echo": <the response as proto JSON>, "errors": [{code, msg, meta}]}
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { TwirpFetchTransport } from "@protobuf-ts/twirp-transport";
import { Everything, FailRequest } from "./gen/interop";
import { InteropClient } from "./gen/interop.client";

interface Job {
  baseUrl: string;
  sendJson: boolean;
  echo: unknown;
  failures: { code: string; msg: string; meta: Record<string, string> }[];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function main(): Promise<void> {
  const job = JSON.parse(await readStdin()) as Job;
  const transport = new TwirpFetchTransport({ baseUrl: job.baseUrl, sendJson: job.sendJson });
  const client = new InteropClient(transport);

  const { response } = await client.echo(Everything.fromJson(job.echo as any));

  const errors = [];
  for (const failure of job.failures) {
    try {
      await client.fail(FailRequest.create(failure));
      errors.push({ code: "(no error)", msg: "", meta: {} });
    } catch (error) {
      if (!(error instanceof RpcError)) {
        throw error;
      }
      errors.push({ code: error.code, msg: error.message, meta: error.meta });
    }
  }

  process.stdout.write(JSON.stringify({ echo: Everything.toJson(response), errors }) + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error) + "\n");
  process.exit(1);
});
