// Enqueue a job, then follow it until it ends: the tick_job_status view in PostgreSQL once a run has it, the
// one-command Redis read before (a producer enqueues straight to Redis, so an unclaimed job has no row yet).
//
//   node track.mjs '{"handler": "render", "items": [{"scene": 1}]}'
//
// env: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, DATABASE_URL, TICK_PREFIX (default tick).
// Prints one line per change: `state progress% message`, then the result. Needs `pg` (node-postgres).
// Exit 0 when the job is done, 1 when it is dead or cancelled.
import pg from "pg";
import { enqueue } from "./enqueue.mjs";

const FINISHED = new Set(["done", "dead", "cancelled"]);

async function redisState(url, token, key) {
  const response = await fetch(url.replace(/\/+$/, ""), {
    method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(["HGET", key, "state"]),
  });
  const body = await response.json();
  return body.result ?? "unknown";
}

async function status(client, url, token, prefix, id) {
  const { rows } = await client.query("SELECT state, progress, message, result, error FROM tick_job_status WHERE id = $1", [id]);
  if (rows.length > 0) return rows[0];
  return { state: await redisState(url, token, `${prefix}:job:${id}`), progress: null, message: null };
}

async function main(args) {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token, DATABASE_URL: database } = process.env;
  const prefix = process.env.TICK_PREFIX || "tick";
  const [entry] = await enqueue([JSON.parse(args[0])], { url, token, prefix });
  console.log(`enqueued ${entry.id}`);
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    let seen = "";
    for (;;) {
      const now = await status(client, url, token, prefix, entry.id);
      const percent = now.progress == null ? "-" : `${Math.round(now.progress * 100)}%`;
      const line = `${now.state} ${percent} ${now.message ?? ""}`.trimEnd();
      if (line !== seen) {
        console.log(line);
        seen = line;
      }
      if (FINISHED.has(now.state)) {
        console.log(`result ${JSON.stringify(now.result ?? null)}${now.error ? ` error ${now.error}` : ""}`);
        return now.state === "done" ? 0 : 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await client.end();
  }
}

process.exitCode = await main(process.argv.slice(2));
