// Queues: producers send persisted messages; a consumer's queue() handler gets them in batches.
const queueContentTypes = ["json", "text", "bytes", "v8"];

function queueMessage(body, contentType, delaySeconds) {
  contentType = contentType === undefined ? "v8" : contentType;
  if (!queueContentTypes.includes(contentType)) throw new TypeError(`Unknown Queue content type "${contentType}". Valid types are "json", "text", "bytes" and "v8".`);
  if (contentType === "text" && typeof body !== "string") throw new TypeError('Content Type "text" requires a value of type string, but received ' + typeof body + ".");
  if (contentType === "bytes" && !(body instanceof ArrayBuffer || ArrayBuffer.isView(body))) throw new TypeError('Content Type "bytes" requires a value of type ArrayBuffer or ArrayBufferView.');
  if (contentType === "json") body = JSON.parse(JSON.stringify(body));
  return { body: dsEncode(body), contentType, delay: delaySeconds === undefined ? 0 : Number(delaySeconds) };
}

class WorkerQueue {
  constructor(binding) { Object.defineProperty(this, "_binding", { value: binding }); }
  async send(body, opts = {}) {
    __weft.queueSend(this._binding, [queueMessage(body, opts.contentType, opts.delaySeconds)]);
  }
  async sendBatch(messages, opts = {}) {
    const list = [...messages];
    if (list.length > 100) throw new TypeError("sendBatch() accepts at most 100 messages");
    __weft.queueSend(this._binding, list.map((m) => queueMessage(m.body, m.contentType, m.delaySeconds !== undefined ? m.delaySeconds : opts.delaySeconds)));
  }
}

// queueBatch builds the MessageBatch a consumer sees and reports what became of each message.
function queueBatch(queue, raw) {
  const outcome = raw.map(() => ({ ack: false, retry: false, delay: 0, explicit: false }));
  const messages = raw.map((m, i) => ({
    id: m.id, timestamp: new Date(m.timestamp), body: dsDecode(m.body), attempts: m.attempts,
    ack() { if (!outcome[i].explicit) Object.assign(outcome[i], { ack: true, explicit: true }); },
    retry(o = {}) { if (!outcome[i].explicit) Object.assign(outcome[i], { retry: true, delay: o.delaySeconds || 0, explicit: true }); },
  }));
  const batch = {
    queue, messages,
    ackAll() { for (const m of messages) m.ack(); },
    retryAll(o = {}) { for (const m of messages) m.retry(o); },
  };
  return { batch, outcome };
}
