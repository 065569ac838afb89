// The live client: one websocket to /ws/live/, events delivered once and in order per stream,
// resumption from the last number seen after a reconnect, and a fallback to periodic HTTP
// fetches of the same event log when websockets are not available.
//
//   const live = new LiveClient({streams: {"board:12": 0}, onEvent, onStatus});
//   live.start();
//   await live.command("note.create", {text: "…"});

const RECONNECT_MAX_MS = 15000;
const POLL_MS = 2000;
const COMMAND_TIMEOUT_MS = 15000;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class LiveClient {
  constructor({streams, onEvent, onStatus = () => {}, onHello = () => {}, socketUrl, eventsUrl = "/live/events", commandUrl = "/live/command", forcePolling = false}) {
    this.cursors = {...streams};
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onHello = onHello;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.socketUrl = socketUrl || `${scheme}://${location.host}/ws/live/`;
    this.eventsUrl = eventsUrl;
    this.commandUrl = commandUrl;
    this.forcePolling = forcePolling || !("WebSocket" in window);
    this.pending = new Map();
    this.nextId = 1;
    this.failures = 0;
    this.socket = null;
    this.pollTimer = null;
    this.stopped = false;
    this.clockOffset = 0; // server time minus local time, in seconds
  }

  start() {
    if (this.forcePolling) this.startPolling(); else this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.socket) this.socket.close();
    clearTimeout(this.pollTimer);
  }

  serverNow() {
    return Date.now() / 1000 + this.clockOffset;
  }

  deliver(event) {
    const cursor = this.cursors[event.stream];
    if (event.seq === null) { if (cursor !== undefined) this.onEvent(event); return; } // passing news
    if (cursor === undefined || event.seq <= cursor) return; // not ours, or already seen
    if (event.seq > cursor + 1) {
      // A hole: fetch what is missing from the log, in order, then carry on.
      this.fetchOnce();
      return;
    }
    this.cursors[event.stream] = event.seq;
    this.onEvent(event);
  }

  connect() {
    if (this.stopped) return;
    this.onStatus("connecting");
    let socket;
    try {
      socket = new WebSocket(this.socketUrl);
    } catch (error) {
      this.startPolling();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.failures = 0;
      this.onStatus("live");
      socket.send(JSON.stringify({type: "subscribe", streams: this.cursors}));
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch (error) { return; }
      this.handle(frame);
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      for (const [, waiter] of this.pending) waiter.reject(new Error("connection lost"));
      this.pending.clear();
      if (this.stopped) return;
      this.failures += 1;
      this.onStatus("reconnecting");
      if (this.failures >= 4) {
        // Websockets keep failing here (a proxy, a firewall): read the log over HTTP meanwhile.
        this.startPolling();
      }
      const delay = Math.min(RECONNECT_MAX_MS, 500 * 2 ** Math.min(this.failures, 6)) * (0.75 + Math.random() / 2);
      setTimeout(() => this.connect(), delay);
    });
  }

  handle(frame) {
    switch (frame.type) {
      case "hello":
      case "pong":
        this.clockOffset = frame.server_time - Date.now() / 1000;
        if (frame.type === "hello") this.onHello(frame);
        break;
      case "event":
        this.deliver(frame);
        break;
      case "subscribed":
        if (this.pollTimer) { clearTimeout(this.pollTimer); this.pollTimer = null; this.onStatus("live"); }
        break;
      case "ack": {
        const waiter = this.pending.get(frame.id);
        if (waiter) { this.pending.delete(frame.id); waiter.resolve(frame.result || {}); }
        break;
      }
      case "error": {
        const waiter = frame.id !== undefined ? this.pending.get(frame.id) : null;
        if (waiter) {
          this.pending.delete(frame.id);
          const error = new Error(frame.message);
          error.code = frame.code;
          waiter.reject(error);
        } else {
          this.onStatus("error", frame.message);
        }
        break;
      }
      default:
        break;
    }
  }

  command(name, data = {}) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      const id = `c${this.nextId++}`;
      return new Promise((resolve, reject) => {
        this.pending.set(id, {resolve, reject});
        this.socket.send(JSON.stringify({type: "command", id, name, data}));
        setTimeout(() => {
          if (this.pending.delete(id)) reject(new Error("no answer from the server"));
        }, COMMAND_TIMEOUT_MS);
      });
    }
    return this.commandOverHttp(name, data);
  }

  async commandOverHttp(name, data) {
    const response = await fetch(this.commandUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify({name, data}),
    });
    const body = await response.json().catch(() => ({error: response.statusText}));
    if (!response.ok) {
      const error = new Error(body.error || response.statusText);
      error.code = body.code;
      throw error;
    }
    this.fetchOnce();
    return body.result || {};
  }

  startPolling() {
    if (this.pollTimer || this.stopped) return;
    this.onStatus("polling");
    const tick = async () => {
      await this.fetchOnce();
      if (!this.stopped && this.pollTimer !== null) this.pollTimer = setTimeout(tick, POLL_MS);
    };
    this.pollTimer = setTimeout(tick, 0);
  }

  async fetchOnce() {
    if (this.fetching) { this.fetchAgain = true; return; }
    this.fetching = true;
    try {
      const query = new URLSearchParams();
      for (const [stream, seq] of Object.entries(this.cursors)) query.append("since", `${stream}:${seq}`);
      const response = await fetch(`${this.eventsUrl}?${query}`, {credentials: "same-origin"});
      if (!response.ok) return;
      const body = await response.json();
      for (const stream of Object.keys(body.streams)) {
        for (const event of body.streams[stream].events) this.deliver(event);
      }
    } catch (error) {
      this.onStatus("offline");
    } finally {
      this.fetching = false;
      if (this.fetchAgain) { this.fetchAgain = false; this.fetchOnce(); }
    }
  }
}
