#!/usr/bin/env node
// A completion and a streamed completion from a g4f-vertx gateway over its SockJS event-bus bridge (/eventbus).
//
// Node 18+ and no packages: this speaks SockJS's xhr-streaming transport with fetch. (In a browser, use
// sockjs-client with @vertx/eventbus-bridge-client.js instead; the frames below are the same.)
//
//   java -jar vertx-server/target/g4f-server.jar &
//   node examples/node/g4f_sockjs_bridge.mjs --model gpt-4o-mini "say this is a test"
//
// The gateway's key, when it has one, is --api-key or else the environment variable G4F_API_KEY.
// The protocol (addresses, credits, pulls, errors) is described in docs/event-bus.md.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

/**
 * An error frame: a gateway failure (failureCode is the HTTP status; 401 when the apiKey header was missing or wrong)
 * or a refusal by the bridge, which has a fixed text and no status ("rejected": an address the bridge does not allow).
 */
class BridgeError extends Error {
  constructor(frame, keySent) {
    let message = frame.message ?? frame.body ?? '';
    try {
      message = JSON.parse(message).error.message;
    } catch {
      // not an OpenAI error body: keep the text
    }
    if (frame.failureCode === 401) {
      message += keySent ? ' (the API key is wrong)' : ' (no API key was sent: pass --api-key or set G4F_API_KEY)';
    } else if (frame.failureCode === undefined) {
      message += ' (the address is not one the bridge allows)';
    }
    super(`${frame.failureCode ?? 'refused by the bridge'}: ${message}`);
    this.status = frame.failureCode;
  }
}

/** One SockJS session with the bridge. */
class Bridge {
  constructor(url, apiKey, prefix = 'g4f') {
    const server = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
    this.session = `${url}/eventbus/${server}/${randomUUID()}`;
    this.apiKey = apiKey;
    this.prefix = prefix;
    this.waiting = new Map();
    this.closed = false;
  }

  /** Opens the session; the answer stream is read in the background. */
  async open() {
    const opened = new Promise((resolve, reject) => {
      this.onOpen = resolve;
      this.onBroken = reject;
    });
    this.read();
    await opened;
    this.pinger = setInterval(() => this.send({ type: 'ping' }).catch(() => {}), 5000);
  }

  async read() {
    try {
      while (!this.closed) {
        // xhr_streaming answers end after a while; the session goes on with a new one.
        const response = await fetch(`${this.session}/xhr_streaming`, { method: 'POST' });
        if (!response.ok) {
          throw new Error(`the bridge answered HTTP ${response.status}`);
        }
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const bytes of response.body) {
          buffer += decoder.decode(bytes, { stream: true });
          let newline;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            this.frame(buffer.slice(0, newline));
            buffer = buffer.slice(newline + 1);
          }
        }
      }
    } catch (error) {
      if (!this.closed) {
        this.broken(error);
      }
    }
  }

  frame(frame) {
    if (frame === 'o') {
      this.onOpen();
    } else if (frame.startsWith('a')) {
      for (const text of JSON.parse(frame.slice(1))) {
        this.deliver(JSON.parse(text));
      }
    } else if (frame.startsWith('c')) {
      this.broken(new Error(`the bridge closed the session: ${frame.slice(1)}`));
    }
    // 'h' frames (and the prelude of h's) are heartbeats
  }

  deliver(message) {
    // A refusal by the bridge names no address: it answers the oldest request.
    const address = this.waiting.has(message.address) ? message.address : this.waiting.keys().next().value;
    const waiter = this.waiting.get(address);
    if (!waiter) {
      return;
    }
    this.waiting.delete(address);
    if (message.type === 'err') {
      waiter.reject(new BridgeError(message, Boolean(this.apiKey)));
    } else {
      waiter.resolve(message);
    }
  }

  broken(error) {
    this.closed = true;
    clearInterval(this.pinger);
    this.onBroken?.(error);
    for (const waiter of this.waiting.values()) {
      waiter.reject(error);
    }
    this.waiting.clear();
  }

  async send(frame) {
    const response = await fetch(`${this.session}/xhr_send`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify([JSON.stringify(frame)]),
    });
    if (response.status !== 204) {
      throw new Error(`the bridge refused a frame: HTTP ${response.status}`);
    }
  }

  /** Sends body to address and resolves with the answer frame. */
  async request(address, body, headers) {
    const replyAddress = randomUUID(); // the SockJS bridge takes reply addresses of up to 36 characters
    const answer = new Promise((resolve, reject) => this.waiting.set(replyAddress, { resolve, reject }));
    // The answer (a refusal, say) may come on the reading session before xhr_send's own response: handled here so
    // that Node does not call its rejection unhandled meanwhile; the caller still gets it below.
    answer.catch(() => {});
    await this.send({ type: 'send', address, replyAddress, headers, body });
    return answer;
  }

  gatewayHeaders(extra = {}) {
    return this.apiKey ? { ...extra, apiKey: this.apiKey } : extra;
  }

  /** A whole chat completion. */
  async create(request) {
    return (await this.request(`${this.prefix}.chat.completions`, request, this.gatewayHeaders())).body;
  }

  /** The chunks of a streamed completion; pulls more as it goes (credit-based flow control). */
  async *stream(request, credits = 16) {
    let answer = await this.request(`${this.prefix}.chat.completions`, { ...request, stream: true },
      this.gatewayHeaders({ credits: String(credits) }));
    for (;;) {
      const { stream, chunks, done } = answer.body;
      yield* chunks;
      if (done) {
        return;
      }
      // Pull the next batch from the stream's address, granting as many credits as chunks were just
      // consumed (0 is a heartbeat).
      answer = await this.request(stream, { credits: chunks.length });
    }
  }

  close() {
    this.closed = true;
    clearInterval(this.pinger);
  }
}

const content = (chunk) => chunk.choices?.[0]?.delta?.content ?? '';

const { values, positionals } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:1337' },
    'api-key': { type: 'string' },
    model: { type: 'string', default: 'gpt-4o-mini' },
  },
  allowPositionals: true,
});
const bridge = new Bridge(values.url, values['api-key'] ?? process.env.G4F_API_KEY);
try {
  await bridge.open();
  const request = { model: values.model, messages: [{ role: 'user', content: positionals[0] ?? 'say this is a test' }] };
  const completion = await bridge.create(request);
  console.log(`completion: ${completion.choices[0].message.content}`);
  process.stdout.write('stream: ');
  for await (const chunk of bridge.stream(request)) {
    process.stdout.write(content(chunk));
  }
  process.stdout.write('\n');
  process.exitCode = 0;
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
} finally {
  bridge.close();
  process.exit();
}
