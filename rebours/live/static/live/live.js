// The live client: one websocket to /ws/live/, events delivered once and in order per stream,
// resumption from the last number seen after a reconnect, and a fallback to periodic HTTP
// fetches of the same event log when websockets are not available.
//
//   const live = new LiveClient({streams: {"board:12": 0}, onEvent, onStatus});
//   live.start();
//   await live.command("note.create", {text: "…"});
//   live.serverNow()   // the server's clock, in seconds, for timers every screen agrees on
//
// The server's clock is estimated the way NTP does it: each ping carries the local time, the pong
// carries the server's; the offset is the server's time plus half the round trip minus the local
// time at arrival, and the sample with the shortest round trip (the least queued) wins.

const RECONNECT_MAX_MS = 15000;
const POLL_MS = 2000;
const COMMAND_TIMEOUT_MS = 15000;
const PING_MS = 20000;
const CLOCK_SAMPLES = 8;

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class LiveClient {
  constructor({streams, onEvent, onStatus = () => {}, onHello = () => {}, onRevoked = () => {}, socketUrl, eventsUrl = "/live/events", commandUrl = "/live/command", forcePolling = false}) {
    this.cursors = {...streams};
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onHello = onHello;
    this.onRevoked = onRevoked;
    this.clockSamples = []; // [round trip, offset] pairs, most recent last
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.socketUrl = socketUrl || `${scheme}://${location.host}/ws/live/`;
    this.eventsUrl = eventsUrl;
    this.commandUrl = commandUrl;
    this.forcePolling = forcePolling || !("WebSocket" in window);
    this.pending = new Map(); // command id -> {name, data, resolve, reject, tries}
    this.resend = []; // commands a stopping server did not run: sent again once reconnected
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
    clearInterval(this.pingTimer);
  }

  serverNow() {
    return Date.now() / 1000 + this.clockOffset;
  }

  clockSample(serverTime, sentAt, receivedAt) {
    const roundTrip = Math.max(0, receivedAt - sentAt);
    this.clockSamples.push([roundTrip, serverTime + roundTrip / 2 - receivedAt]);
    if (this.clockSamples.length > CLOCK_SAMPLES) this.clockSamples.shift();
    const best = this.clockSamples.reduce((a, b) => (b[0] < a[0] ? b : a));
    this.clockOffset = best[1];
  }

  ping() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({type: "ping", client_time: Date.now() / 1000}));
    }
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
      for (const job of this.resend.splice(0)) { clearTimeout(job.timer); this.sendCommand(job); }
      // A few quick clock samples, then one now and then (which also keeps proxies from
      // closing an idle connection).
      this.ping();
      setTimeout(() => this.ping(), 700);
      setTimeout(() => this.ping(), 2000);
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(), PING_MS);
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch (error) { return; }
      this.handle(frame);
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearInterval(this.pingTimer);
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
        // No round trip known yet: a first, rough offset until the pongs come back.
        if (!this.clockSamples.length) this.clockOffset = frame.server_time - Date.now() / 1000;
        this.onHello(frame);
        break;
      case "pong":
        if (typeof frame.client_time === "number") this.clockSample(frame.server_time, frame.client_time, Date.now() / 1000);
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
        if (frame.code === "revoked" && frame.stream) {
          delete this.cursors[frame.stream];
          this.onRevoked(frame.stream);
          break;
        }
        const waiter = frame.id !== undefined ? this.pending.get(frame.id) : null;
        if (waiter && frame.code === "restarting" && waiter.tries < 3) {
          // The server is stopping and did not run it: send it again once reconnected.
          this.pending.delete(frame.id);
          waiter.tries += 1;
          this.resend.push(waiter);
          waiter.timer = setTimeout(() => {
            const index = this.resend.indexOf(waiter);
            if (index >= 0) { this.resend.splice(index, 1); waiter.reject(new Error(frame.message)); }
          }, COMMAND_TIMEOUT_MS);
          break;
        }
        if (waiter) {
          this.pending.delete(frame.id);
          const error = new Error(frame.message);
          error.code = frame.code;
          error.data = frame.data;
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
      return new Promise((resolve, reject) => this.sendCommand({name, data, resolve, reject, tries: 0}));
    }
    return this.commandOverHttp(name, data);
  }

  sendCommand(job) {
    const id = `c${this.nextId++}`;
    this.pending.set(id, job);
    this.socket.send(JSON.stringify({type: "command", id, name: job.name, data: job.data}));
    setTimeout(() => {
      if (this.pending.get(id) === job) { this.pending.delete(id); job.reject(new Error("no answer from the server")); }
    }, COMMAND_TIMEOUT_MS);
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
      error.data = body.data;
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
      const sentAt = Date.now() / 1000;
      const response = await fetch(`${this.eventsUrl}?${query}`, {credentials: "same-origin"});
      if (response.status === 403) {
        // Access withdrawn (removed from the workshop): stop asking for what is refused.
        const body = await response.json().catch(() => ({}));
        if (body.stream) { delete this.cursors[body.stream]; this.onRevoked(body.stream); }
        return;
      }
      if (!response.ok) return;
      const body = await response.json();
      if (typeof body.server_time === "number") this.clockSample(body.server_time, sentAt, Date.now() / 1000);
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
