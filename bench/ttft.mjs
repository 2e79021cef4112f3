// bench/ttft.mjs: time to first token through Node's built-in fetch (undici), for WireBench (bench/run.sh).
//
// Usage: node bench/ttft.mjs CONFIG_JSON, where CONFIG_JSON is
//   {"targets": [{"name": "direct", "url": "http://127.0.0.1:PORT/v1/chat/completions", "headers": {}}, ...],
//    "body": {...a streamed chat request...}, "warmupSeconds": 3, "seconds": 20}
// One stream at a time, the targets interleaved request by request: for warmupSeconds (not recorded),
// then for seconds. Each stream is timed from the call to fetch() to the first read that completes a
// `data:` event whose choices[0].delta.content is not empty, then read to its end before the next one.
// fetch keeps its defaults: keep-alive, and `accept-encoding: gzip, deflate`, so a server may compress.
// Prints one JSON object on stdout: node and undici versions, and per target count, errors, firstError,
// the content-encoding answered, and p50/p90/p99 in microseconds. Exits by itself.

const config = JSON.parse(process.argv[2]);
const body = JSON.stringify(config.body);
const hardStop = setTimeout(() => {
  console.error('ttft.mjs: time limit reached, exiting');
  process.exit(3);
}, (config.warmupSeconds + config.seconds + 60) * 1000);
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

async function run(seconds, record) {
  const deadline = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < deadline; i++) {
    for (let k = 0; k < config.targets.length; k++) {
      const target = config.targets[(i + k) % config.targets.length];
      if (target.errors >= 10) {
        continue;
      }
      try {
        const nanos = await firstToken(target);
        if (record) {
          target.times.push(nanos);
        }
      } catch (e) {
        target.errors++;
        target.firstError ??= String(e.cause ?? e);
      }
    }
    if (config.targets.every((target) => target.errors >= 10)) {
      break;
    }
  }
}

const percentile = (sorted, q) => (sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] / 1e3 : null);

for (const target of config.targets) {
  Object.assign(target, { times: [], errors: 0, firstError: null, encoding: null });
}
await run(config.warmupSeconds, false);
await run(config.seconds, true);
const result = { node: process.version, undici: process.versions.undici ?? 'unknown', targets: {} };
for (const target of config.targets) {
  const sorted = target.times.sort((a, b) => a - b);
  result.targets[target.name] = {
    count: sorted.length, errors: target.errors, firstError: target.firstError, encoding: target.encoding,
    p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99),
  };
}
console.log(JSON.stringify(result));
