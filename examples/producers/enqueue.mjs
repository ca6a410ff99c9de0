// Enqueue tick jobs from JavaScript/TypeScript with plain fetch: no tick binary, no npm package.
//
// Library use: anything with a global fetch and crypto.randomUUID (Node 18+, Deno, Bun, edge functions);
// the command-line part at the end runs only under node.
//
//   import { enqueue } from "./enqueue.mjs";
//   const results = await enqueue(
//     [{ handler: "resize", items: [{ url: "a.png" }, { url: "b.png" }] }],
//     { url: process.env.UPSTASH_REDIS_REST_URL, token: process.env.UPSTASH_REDIS_REST_TOKEN },
//   );
//   // → [{ id: "…generated…", enqueued: true }]
//   // Flow control (docs/flow-control.md): concurrency_key, rate_key, unique_key, unique_policy
//   // ("reject", "replace", "debounce"), debounce_ms, debounce_max_ms on a job.
//
// Command line (reads UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN and TICK_PREFIX):
//
//   node enqueue.mjs '{"id":"report-1","handler":"resize","items":[1,2]}' ...
//   node enqueue.mjs < jobs.jsonl          # one job JSON per line
//
// It prints [{"id":…,"enqueued":true|false}] (false: a job with that id exists, so it was not enqueued
// again). Exit status: 0 sent (duplicates included), 64 usage, 65 invalid job (nothing sent),
// 69 Redis unreachable, 77 token rejected, 78 missing environment, 81 Redis error.
//
// The wire format and the script are documented in docs/producers.md and docs/data-model.md.

// The enqueue script, verbatim from `tick script enqueue` (Tests/sdk/test_producers.py keeps it identical).
// ARGV: prefix, now (Unix ms), then per job 13 values: id, queue, priority, run_at (Unix ms or ""), max_attempts,
// job JSON, handler, concurrency_key, rate_key, unique_key, unique_policy, debounce_ms, debounce_max_ms (each ""
// when not set). Returns per job 1 (enqueued) or 0 (a job with that id exists, or, under unique_policy "reject",
// one with its unique_key is waiting or running).
export const ENQUEUE_SCRIPT = `local R=redis.call
local p=ARGV[1]
local function job_key(id)return p..':job:'..id end
local function ready_key(q,h)return p..':q:'..q..':ready:'..h end
local function handlers_key(q)return p..':q:'..q..':handlers' end
local function delayed_key(q)return p..':q:'..q..':delayed' end
local function cancelled_key(q)return p..':q:'..q..':cancelled' end
local queues_key,schedules_key,layout_key=p..':queues',p..':schedules',p..':layout'
local function kready_key(q,h,k)return p..':q:'..q..':kready:'..h..'|'..k end
local function keys_key(q,h)return p..':q:'..q..':keys:'..h end
local function parked_key(q,h)return p..':q:'..q..':parked:'..h end
local function keyed_key(q)return p..':q:'..q..':keyed' end
local function uniques_key(q)return p..':q:'..q..':unique' end
local function layout_error()
local found=R('GET',layout_key)
if not found then
if R('EXISTS',queues_key)==0 then
R('SET',layout_key,'2')
return nil
end
found='1'
end
if found~='2' then return redis.error_reply('TICKLAYOUT '..found..' 2')end
return nil
end
local ST={ready='ready',delayed='delayed',leased='leased',done='done',dead='dead',cancelled='cancelled'}
local function handler_of(jk)
local h=R('HGET',jk,'handler')
if h then return h end
local spec=R('HGET',jk,'spec')or ''
local ok,decoded=pcall(function()return cjson.decode(spec)end)
if ok and type(decoded)=='table' and type(decoded['handler'])=='string' then
h=decoded['handler']
else
h=string.match(spec,'"handler"%s*:%s*"([^"]*)"')or ''
end
R('HSET',jk,'handler',h)
return h
end
local function make_ready(q,jk,id,score)
local f=R('HMGET',jk,'handler','flow')
local h,k=f[1]or handler_of(jk),f[2]
if k then
if R('ZADD',kready_key(q,h,k),score,id)==1 then R('HINCRBY',keyed_key(q),h,1)end
if not R('ZSCORE',parked_key(q,h),k)then
local turn=R('ZSCORE',keys_key(q,h),k)
if not turn or tonumber(score)<tonumber(turn)then R('ZADD',keys_key(q,h),score,k)end
end
else
R('ZADD',ready_key(q,h),score,id)
end
R('SADD',handlers_key(q),h)
R('HSET',jk,'state',ST.ready)
end
local function unready(q,jk,id)
local f=R('HMGET',jk,'handler','flow')
local h,k=f[1]or handler_of(jk),f[2]
if not k then return R('ZREM',ready_key(q,h),id)end
if R('ZREM',kready_key(q,h,k),id)==0 then return 0 end
R('HINCRBY',keyed_key(q),h,-1)
if R('EXISTS',kready_key(q,h,k))==0 then R('ZREM',keys_key(q,h),k)end
return 1
end
local function unique_gate(q,u,pol)
local holder=R('HGET',uniques_key(q),u)
if not holder then return 'go' end
local st=R('HGET',job_key(holder),'state')
local waiting=st==ST.ready or st==ST.delayed
if not waiting and st~=ST.leased then return 'go' end
if pol=='reject' or(waiting and pol=='queue_one')then return 'dup' end
if waiting then return 'supersede',holder end
return 'after',holder
end
local function supersede(q,holder,by,now)
local hk=job_key(holder)
unready(q,hk,holder)
R('ZREM',delayed_key(q),holder)
R('HSET',hk,'state',ST.cancelled,'updated_at',now,'error','superseded by '..by,'cancel',now)
R('ZADD',cancelled_key(q),now,holder)
local f=R('HMGET',hk,'after','debounce_since','enqueued_at')
return f[1],tonumber(f[2]or f[3])
end
local bad=layout_error()
if bad then return bad end
local now=tonumber(ARGV[2])
local out={}
for i=3,#ARGV,13 do
if ARGV[i+10]=='debounce' and not tonumber(ARGV[i+11]or '')then
return redis.error_reply('ERR job '..ARGV[i]..': unique_policy debounce needs debounce_ms')
end
end
for i=3,#ARGV,13 do
local id,q,prio,runat,maxa,spec,h=ARGV[i],ARGV[i+1],tonumber(ARGV[i+2]),ARGV[i+3],ARGV[i+4],ARGV[i+5],ARGV[i+6]
local ck,rk,u,pol=ARGV[i+7]or '',ARGV[i+8]or '',ARGV[i+9]or '',ARGV[i+10]or ''
if u~='' and pol=='' then pol=tonumber(ARGV[i+11]or '')and 'debounce' or 'reject' end
local jk=job_key(id)
local verdict,holder='go',nil
if R('EXISTS',jk)==1 then verdict='dup'
elseif u~='' then verdict,holder=unique_gate(q,u,pol)end
if verdict=='dup' then
out[#out+1]=0
else
local after,since=nil,now
if verdict=='supersede' then
local a,s=supersede(q,holder,id,now)
if pol=='debounce' and s then since=s end
if a and R('HGET',job_key(a),'state')==ST.leased then after=a end
elseif verdict=='after' then
after=holder
end
local due=tonumber(runat)or 0
if pol=='debounce' then
local quiet=now+tonumber(ARGV[i+11])
if ARGV[i+12]~='' then quiet=math.min(quiet,since+tonumber(ARGV[i+12]))end
due=math.max(due,quiet)
end
local score=string.format('%.0f',(100 - prio)*1e13+now)
R('HSET',jk,'spec',spec,'queue',q,'attempt',0,'fence',0,'score',score,
'max_attempts',maxa,'enqueued_at',now,'updated_at',now)
if h~=nil and h~='' then R('HSET',jk,'handler',h)end
if ck~='' then R('HSET',jk,'ckey',ck,'flow',ck)end
if rk~='' or ck~='' then R('HSET',jk,'rkey',rk~='' and rk or ck)end
if ck=='' and rk~='' then R('HSET',jk,'flow',rk)end
if u~='' then
R('HSET',jk,'ukey',u,'upolicy',pol,'debounce_since',string.format('%.0f',since))
R('HSET',uniques_key(q),u,id)
end
if after then
local until_=R('HGET',job_key(after),'lease_until')or now
R('HSET',jk,'state',ST.delayed,'after',after,'due',string.format('%.0f',due))
R('ZADD',delayed_key(q),string.format('%.0f',math.max(due,tonumber(until_))),id)
elseif due>now then
R('HSET',jk,'state',ST.delayed)
R('ZADD',delayed_key(q),string.format('%.0f',due),id)
else
make_ready(q,jk,id,score)
end
R('SADD',queues_key,q)
out[#out+1]=1
end
end
return out`;

/** Jobs sent per EVAL request (one HTTP request each). */
export const DEFAULT_CHUNK = 500;
/** Largest job JSON tick accepts, in bytes. */
export const MAX_JOB_BYTES = 1 << 20;

/** Why enqueue failed. `kind`: "invalid" (a job, nothing sent), "auth", "redis", "unavailable". */
export class EnqueueError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = "EnqueueError";
    this.kind = kind;
  }
}

const NAME = /^[A-Za-z0-9._:-]{1,64}$/;
const ID = /^[\x21-\x7e]{1,200}$/;

function integer(job, key, min, max, fallback, where) {
  const value = job[key];
  if (value === undefined || value === null) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new EnqueueError("invalid", `${where}: "${key}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

const POLICIES = ["reject", "replace", "debounce", "queue_one"];

function flowKey(job, name, where) {
  const value = job[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new EnqueueError("invalid", `${where}: "${name}" must be a string`);
  if (!ID.test(value)) throw new EnqueueError("invalid", `${where}: "${name}" must be 1 to 200 characters of printable ASCII without spaces`);
  return value;
}

/**
 * Checks a job's flow-control fields (docs/flow-control.md) the way tick does and returns the six EVAL
 * arguments they become: concurrency_key, rate_key, unique_key, unique_policy, debounce_ms, debounce_max_ms.
 */
export function flowArguments(job, where = "job") {
  const [concurrencyKey, rateKey, uniqueKey] = ["concurrency_key", "rate_key", "unique_key"].map((name) => flowKey(job, name, where));
  const debounce = integer(job, "debounce_ms", 1, 86_400_000, null, where);
  const debounceMax = integer(job, "debounce_max_ms", 1, 7 * 86_400_000, null, where);
  let policy = job.unique_policy;
  if (policy === undefined || policy === null) {
    policy = debounce === null ? "reject" : "debounce";
  } else if (!POLICIES.includes(policy)) {
    throw new EnqueueError("invalid", `${where}: "unique_policy" must be one of ${POLICIES.map((name) => `"${name}"`).join(", ")}`);
  }
  if (uniqueKey === null && (job.unique_policy !== undefined || debounce !== null)) {
    throw new EnqueueError("invalid", `${where}: "unique_policy" and "debounce_ms" need a "unique_key": the key whose jobs are deduplicated`);
  }
  if (policy === "debounce" && debounce === null) {
    throw new EnqueueError("invalid", `${where}: "unique_policy": "debounce" needs "debounce_ms": how long the key must be quiet`);
  }
  if (debounce !== null && policy !== "debounce") throw new EnqueueError("invalid", `${where}: "debounce_ms" goes with "unique_policy": "debounce"`);
  if (debounceMax !== null && policy !== "debounce") throw new EnqueueError("invalid", `${where}: "debounce_max_ms" goes with "unique_policy": "debounce"`);
  if (debounceMax !== null && debounce !== null && debounceMax < debounce) {
    throw new EnqueueError("invalid", `${where}: "debounce_max_ms" (${debounceMax}) must be at least "debounce_ms" (${debounce})`);
  }
  return [
    concurrencyKey ?? "", rateKey ?? "", uniqueKey ?? "", uniqueKey === null ? "" : policy,
    debounce === null ? "" : String(debounce), debounceMax === null ? "" : String(debounceMax),
  ];
}

/**
 * Checks one job the way tick does when it claims it, fills in the id (generated when missing) and queue,
 * and returns the 13 EVAL arguments of the job.
 */
export function jobArguments(job, index = 0) {
  let where = `job ${index + 1}`;
  if (job === null || typeof job !== "object" || Array.isArray(job)) {
    throw new EnqueueError("invalid", `${where}: a job must be a JSON object`);
  }
  const id = job.id ?? globalThis.crypto.randomUUID();
  if (typeof id !== "string" || !ID.test(id)) {
    throw new EnqueueError("invalid", `${where}: "id" must be 1 to 200 characters of printable ASCII without spaces`);
  }
  if (job.id != null) where = `job ${index + 1} (${id})`;
  if (typeof job.handler !== "string") {
    throw new EnqueueError("invalid", `${where}: "handler" is missing or not a string: name a handler from the worker's config`);
  }
  if (!NAME.test(job.handler)) {
    throw new EnqueueError("invalid", `${where}: "handler" must be 1 to 64 characters of letters, digits, '.', '_', '-' or ':'`);
  }
  const queue = job.queue ?? "default";
  if (typeof queue !== "string" || !NAME.test(queue)) {
    throw new EnqueueError("invalid", `${where}: "queue" must be 1 to 64 characters of letters, digits, '.', '_', '-' or ':'`);
  }
  const hasItems = job.items !== undefined;
  const hasCursor = Object.prototype.hasOwnProperty.call(job, "cursor");
  if (hasItems && hasCursor) throw new EnqueueError("invalid", `${where}: a job has either "items" or "cursor", not both`);
  if (!hasItems && !hasCursor) throw new EnqueueError("invalid", `${where}: the job has neither "items" (an array) nor "cursor"`);
  if (hasItems && !Array.isArray(job.items)) throw new EnqueueError("invalid", `${where}: "items" must be an array`);
  if (hasCursor && job.cursor !== null && typeof job.cursor !== "string") {
    throw new EnqueueError("invalid", `${where}: "cursor" must be a string or null`);
  }
  const priority = integer(job, "priority", 0, 100, 0, where);
  const runAt = integer(job, "run_at", 0, 2 ** 50, null, where);
  const maxAttempts = integer(job, "max_attempts", 1, 1000, 5, where);
  integer(job, "item_timeout_ms", 1, 86_400_000, null, where);
  integer(job, "item_concurrency", 1, 1000, 1, where);
  if (job.backoff != null && (typeof job.backoff !== "object" || Array.isArray(job.backoff))) {
    throw new EnqueueError("invalid", `${where}: "backoff" must be an object with base_ms and max_ms`);
  }
  const flow = flowArguments(job, where);
  // The stored JSON carries the id and queue the script is given, and the defaults written out.
  const spec = { ...job, id, queue, priority, max_attempts: maxAttempts };
  if (flow[2] !== "") spec.unique_policy = flow[3];
  const json = JSON.stringify(spec);
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > MAX_JOB_BYTES) {
    throw new EnqueueError("invalid", `${where}: the job is ${bytes} bytes, over the limit of ${MAX_JOB_BYTES}: store large payloads elsewhere and pass a reference`);
  }
  return [id, queue, String(priority), runAt === null ? "" : String(runAt), String(maxAttempts), json, job.handler, ...flow];
}

async function evalOnce(url, token, argv, timeoutMs) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(["EVAL", ENQUEUE_SCRIPT, "0", ...argv]),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new EnqueueError("unavailable", `cannot reach ${url}: ${error.cause?.message ?? error.message}`);
  }
  if (response.status === 401) throw new EnqueueError("auth", "token rejected: check UPSTASH_REDIS_REST_TOKEN");
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new EnqueueError("unavailable", `${url} answered HTTP ${response.status} with no JSON: ${text.slice(0, 200)}`);
  }
  if (body && typeof body.error === "string") throw new EnqueueError("redis", body.error);
  if (!response.ok || !body || !Array.isArray(body.result)) {
    throw new EnqueueError("redis", `unexpected answer (HTTP ${response.status}): ${text.slice(0, 200)}`);
  }
  return body.result;
}

/**
 * Enqueues jobs: one EVAL request per `chunk` jobs. Every job is checked before anything is sent.
 * @param {object[]} jobs  job objects in the wire format (docs/data-model.md); "id" is generated when missing
 * @param {{url: string, token: string, prefix?: string, chunk?: number, timeoutMs?: number}} options
 * @returns {Promise<{id: string, enqueued: boolean}[]>} enqueued false: a job with that id exists, or under
 *   unique_policy "reject" one with its unique_key is waiting or running (a duplicate)
 */
export async function enqueue(jobs, { url, token, prefix = "tick", chunk = DEFAULT_CHUNK, timeoutMs = 30_000 } = {}) {
  if (!url || !token) throw new EnqueueError("invalid", "give url and token (UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN)");
  if (!Array.isArray(jobs)) throw new EnqueueError("invalid", "jobs must be an array");
  const endpoint = url.replace(/\/+$/, "");
  const prepared = jobs.map((job, index) => jobArguments(job, index));
  chunk = Math.max(1, Math.floor(chunk) || 1);
  const results = [];
  for (let start = 0; start < prepared.length; start += chunk) {
    const slice = prepared.slice(start, start + chunk);
    const reply = await evalOnce(endpoint, token, [prefix, String(Date.now()), ...slice.flat()], timeoutMs);
    if (reply.length !== slice.length) {
      throw new EnqueueError("redis", `the enqueue script returned ${reply.length} results for ${slice.length} jobs`);
    }
    slice.forEach((args, i) => results.push({ id: args[0], enqueued: reply[i] === 1 }));
  }
  return results;
}

// --- command line ----------------------------------------------------------------------------------------

const EXIT = { usage: 64, invalid: 65, unavailable: 69, auth: 77, config: 78, redis: 81 };

async function readStdin() {
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function main(args) {
  if (args.includes("-h") || args.includes("--help")) {
    process.stdout.write("usage: node enqueue.mjs ['<job JSON>' ...]   (no arguments: JSON lines on stdin)\n" +
      "env: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, TICK_PREFIX (default tick)\n");
    return 0;
  }
  const url = process.env.UPSTASH_REDIS_REST_URL;
  const token = process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!url || !token) {
    console.error("enqueue: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
    return EXIT.config;
  }
  let sources; // [label, text]
  if (args.length > 0) {
    sources = args.map((text, i) => [`argument ${i + 1}`, text]);
  } else if (process.stdin.isTTY) {
    console.error("enqueue: give jobs as arguments or JSON lines on stdin (--help)");
    return EXIT.usage;
  } else {
    sources = (await readStdin()).split("\n").map((text, i) => [`line ${i + 1}`, text]).filter(([, text]) => text.trim() !== "");
  }
  const jobs = [];
  for (const [label, text] of sources) {
    try {
      jobs.push(JSON.parse(text));
    } catch {
      console.error(`enqueue: ${label} is not valid JSON`);
      return EXIT.invalid;
    }
  }
  try {
    const results = await enqueue(jobs, { url, token, prefix: process.env.TICK_PREFIX || "tick" });
    process.stdout.write(JSON.stringify(results) + "\n");
    return 0;
  } catch (error) {
    if (!(error instanceof EnqueueError)) throw error;
    console.error(`enqueue: ${error.message}`);
    return EXIT[error.kind] ?? 1;
  }
}

// Run main only when this file is the script node was started with (not when imported).
const scriptPath = globalThis.process?.argv?.[1];
if (scriptPath !== undefined && import.meta.url.startsWith("file:")) {
  const { realpathSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  let invoked = false;
  try {
    invoked = realpathSync(scriptPath) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    // not a file path: imported from elsewhere
  }
  if (invoked) process.exitCode = await main(process.argv.slice(2));
}
