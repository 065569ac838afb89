// What every live screen shares: the day's state (agenda item, timer, mode, message), the
// connection status, and the data and words the page hands over in JSON script elements.
//
// The timer is never counted down locally: each tick recomputes the remaining time from the
// server's timestamps and the server's clock as estimated by the live client, so every screen
// shows the same number whatever its own clock says.

export function readJson(id, fallback = null) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : fallback;
}

export function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (match, key) => String(values[key] ?? ""));
}

export function clockText(seconds) {
  // Rounded up while time remains (0:01 until the last second is gone), like a kitchen timer.
  let whole = seconds > 0 ? Math.ceil(seconds) : Math.trunc(seconds);
  const sign = whole < 0 ? "-" : "";
  whole = Math.abs(whole);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  if (hours) return `${sign}${hours}:${String(minutes).padStart(2, "0")}:${secs}`;
  return `${sign}${minutes}:${secs}`;
}

export function remaining(timer, now) {
  if (!timer) return null;
  const end = timer.paused_at ?? now;
  return timer.duration - Math.max(0, end - timer.started_at);
}

export class DayView {
  constructor(strings, root = document) {
    this.strings = strings;
    this.root = root;
    this.state = null;
    this.clock = root.querySelector("[data-day-clock]");
    this.item = root.querySelector("[data-day-item]");
    this.index = root.querySelector("[data-day-index]");
    this.mode = root.querySelector("[data-day-mode]");
    this.message = root.querySelector("[data-day-message]");
    this.bar = root.querySelector("[data-daybar]");
    this.statusElement = root.querySelector("[data-live-status]");
    this.listeners = [];
    this.now = () => Date.now() / 1000;
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  start(live) {
    this.now = () => live.serverNow();
    this.tick();
    this.timer = setInterval(() => this.tick(), 250);
  }

  apply(state) {
    const previous = this.state;
    this.state = state;
    const s = this.strings;
    if (this.item) {
      this.item.textContent = state.item ? state.item.title : (state.phase === "ended" ? s.ended : s.noItem);
    }
    if (this.index) {
      this.index.textContent = state.item ? format(s.item, state.item) : "";
    }
    if (this.mode) this.mode.textContent = state.mode === "converge" ? s.converge : s.diverge;
    document.body.classList.toggle("mode-converge", state.mode === "converge");
    document.body.classList.toggle("mode-diverge", state.mode !== "converge");
    if (this.message) {
      const text = state.message ? state.message.text : "";
      this.message.textContent = text;
      this.message.hidden = !text;
    }
    this.tick();
    for (const listener of this.listeners) listener(state, previous);
  }

  tick() {
    if (!this.clock || !this.state) return;
    const timer = this.state.timer;
    const left = remaining(timer, this.now());
    this.clock.textContent = left === null ? "" : clockText(left);
    this.clock.dataset.seconds = left === null ? "" : String(Math.round(left));
    if (this.bar) {
      this.bar.classList.toggle("is-paused", Boolean(timer && timer.paused_at));
      this.bar.classList.toggle("is-over", left !== null && left < 0);
      this.bar.classList.toggle("is-ending", left !== null && left >= 0 && left < 120);
    }
  }

  status(kind, detail) {
    if (!this.statusElement) return;
    const s = this.strings;
    const text = kind === "error" ? detail : (s[kind] || "");
    this.statusElement.textContent = text;
    this.statusElement.dataset.status = kind;
    document.body.dataset.live = kind;
  }
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
