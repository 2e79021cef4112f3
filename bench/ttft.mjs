// bench/ttft.mjs: time to first token through Node's built-in fetch (undici), for WireBench (bench/run.sh).
//
// Usage: node bench/ttft.mjs CONFIG_JSON, where CONFIG_JSON is
//   {"targets": [{"name": "direct", "url": "http://127.0.0.1:PORT/v1/chat/completions", "headers": {}}, ...],
//    "body": {...a streamed chat request...}, "warmupSeconds": 3, "maxWarmupSeconds": 30, "seconds": 20}
// One stream at a time, the targets taking turns of TURN_MS. First a warm-up, not recorded, in windows of
// two turns per target: it lasts at least warmupSeconds and ends once every target's p50 has stopped
// moving (the mean of its last STEADY_WINDOWS windows within STEADY_CHANGE of the mean of the ones before),
// or at maxWarmupSeconds.
// This process's JIT starts cold, and the targets see requests of a new shape (fetch's headers), which
// makes their JIT throw away and redo compiled code of the HTTP path: docs/benchmarks.md shows both.
// Then the measurement, for seconds. Each stream is timed from the call to fetch() to the first read
// that completes a `data:` event whose choices[0].delta.content is not empty, then read to its end
// before the next one.
// fetch keeps its defaults: keep-alive, and `accept-encoding: gzip, deflate`, so a server may compress.
// Prints one JSON object on stdout: node and undici versions, the warm-up (seconds, steady or not, the
// p50 of each window per target), and per target count, errors, firstError, the content-encoding
// answered, and p50/p90/p99 in microseconds. Exits by itself.

const config = JSON.parse(process.argv[2]);
const body = JSON.stringify(config.body);
const TURN_MS = 500;
const STEADY_WINDOWS = 3;
const STEADY_CHANGE = 0.05;
const hardStop = setTimeout(() => {
  console.error('ttft.mjs: time limit reached, exiting');
  process.exit(3);
}, (Math.max(config.warmupSeconds, config.maxWarmupSeconds ?? 0) + config.seconds + 60) * 1000);
hardStop.unref();

/** One streamed request; resolves to ns from fetch() to the first content token. */
async function firstToken(target) {
  const start = process.hrtime.bigint();
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...target.headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status !== 200) {
    throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }
  target.encoding = response.headers.get('content-encoding') ?? 'none';
  const decoder = new TextDecoder();
  let pending = '';
  let first = -1n;
  for await (const bytes of response.body) {
    if (first >= 0n) {
      continue; // read to the end
    }
    const now = process.hrtime.bigint();
    pending += decoder.decode(bytes, { stream: true }).replaceAll('\r', '');
    const events = pending.split('\n\n');
    pending = events.pop();
    for (const event of events) {
      const data = event.split('\n').find((line) => line.startsWith('data:'))?.slice(5).trim();
      if (data && data !== '[DONE]' && JSON.parse(data).choices?.[0]?.delta?.content) {
        first = now;
        break;
      }
    }
  }
  if (first < 0n) {
    throw new Error('a stream without a content token');
  }
  return Number(first - start);
}

/**
 * Streams for `seconds`, the targets taking turns of TURN_MS each (as WireBench's one-at-a-time phases do): a
 * slow target then leaves no idle gaps between the others' requests. Each target's times go to its `times`.
 */
async function run(seconds) {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  for (let now = start; now < deadline; now = performance.now()) {
    const live = config.targets.filter((target) => target.errors < 10);
    if (live.length === 0) {
      break;
    }
    const target = live[Math.floor((now - start) / TURN_MS) % live.length];
    try {
      target.times.push(await firstToken(target));
    } catch (e) {
      target.errors++;
      target.firstError ??= String(e.cause ?? e);
    }
  }
}

const percentile = (sorted, q) => (sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] / 1e3 : null);

/**
 * Whether a target's p50 has stopped moving: the mean of its last STEADY_WINDOWS windows is within STEADY_CHANGE
 * of the mean of the STEADY_WINDOWS before (a JIT that still compiles shows as a slow downward drift).
 */
function steady(p50s) {
  const mean = (list) => list.reduce((a, b) => a + b) / list.length;
  const last = p50s.slice(-STEADY_WINDOWS);
  const before = p50s.slice(-2 * STEADY_WINDOWS, -STEADY_WINDOWS);
  if (before.length < STEADY_WINDOWS || [...before, ...last].includes(null)) {
    return false;
  }
  return Math.abs(mean(last) - mean(before)) <= STEADY_CHANGE * mean(before);
}

/**
 * Warms up in windows of two turns per target until every target is steady, for warmupSeconds at least and
 * maxWarmupSeconds at most.
 */
async function warmUp() {
  const maxSeconds = Math.max(config.warmupSeconds, config.maxWarmupSeconds ?? config.warmupSeconds);
  const window = (2 * TURN_MS * config.targets.length) / 1000;
  const windows = Object.fromEntries(config.targets.map((target) => [target.name, []]));
  let seconds = 0;
  while (seconds < maxSeconds) {
    const length = Math.min(window, maxSeconds - seconds);
    await run(length);
    seconds += length;
    for (const target of config.targets) {
      windows[target.name].push(percentile(target.times.sort((a, b) => a - b), 0.5));
      target.times = [];
    }
    if (seconds >= config.warmupSeconds && config.targets.every((target) => target.errors >= 10 || steady(windows[target.name]))) {
      return { seconds, steady: true, windowP50s: windows };
    }
  }
  return { seconds, steady: false, windowP50s: windows };
}

for (const target of config.targets) {
  Object.assign(target, { times: [], errors: 0, firstError: null, encoding: null });
}
const warmup = await warmUp();
await run(config.seconds);
const result = { node: process.version, undici: process.versions.undici ?? 'unknown', warmup, targets: {} };
for (const target of config.targets) {
  const sorted = target.times.sort((a, b) => a - b);
  result.targets[target.name] = {
    count: sorted.length, errors: target.errors, firstError: target.firstError, encoding: target.encoding,
    p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99),
  };
}
console.log(JSON.stringify(result));
