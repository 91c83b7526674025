// Shared by the scripts that run one job: the job arrives as JSON on stdin; a failure goes to stderr
// with a non-zero exit code.
export async function readJob(): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export function reportError(error: unknown): never {
  process.stderr.write(String((error as Error)?.stack ?? error) + "\n");
  process.exit(1);
}
