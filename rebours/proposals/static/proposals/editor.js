// The proposal editor, enhanced: autosave per field, others' presence, conflicts resolved in
// the page. Without this script the form still works (a plain POST and a conflict page).
//
// Each field remembers the version its edit started from (its *base*). A save sends that
// base; the server merges it when nobody else changed the field since, and answers 409 with
// both versions otherwise. A field is rewritten from the server only while its editor has not
// touched it, so nobody's typing is ever replaced under their fingers.

import {LiveClient} from "../live/live.js";

const DEBOUNCE_MS = 800;
const HEARTBEAT_MS = 15000;
const PRESENCE_EXPIRES_MS = 45000;
const RETRY_MAX_MS = 15000;

const root = document.querySelector("[data-editor]");
const form = document.querySelector("[data-editor-form]");
const configElement = document.getElementById("editor-config");

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => (values[key] ?? ""));
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function lines(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean);
}

// ------------------------------------------------------------------ fields

class Field {
  constructor(name, wrapper) {
    this.name = name;
    this.wrapper = wrapper;
    this.dirty = false;
    this.base = null; // the version this edit started from
    this.baseValue = null; // the server's value at that version
    this.timer = null;
    this.invalid = false;
    this.inConflict = false;
    this.error = wrapper.querySelector("[data-error-for]") || document.querySelector(`[data-error-for="${name}"]`);
    this.presence = wrapper.querySelector("[data-presence-for]");
    this.note = document.createElement("p");
    this.note.className = "field__note";
    this.note.setAttribute("aria-live", "polite");
    (this.error || wrapper.lastElementChild).before(this.note);
  }

  controls() {
    return [...this.wrapper.querySelectorAll("input, textarea, select")];
  }

  setLocked(locked) {
    for (const control of this.controls()) {
      if (control.tagName === "SELECT") control.disabled = locked; else control.readOnly = locked;
    }
  }

  showError(message) {
    if (this.error) this.error.textContent = message || "";
    for (const control of this.controls()) {
      if (message) control.setAttribute("aria-invalid", "true"); else control.removeAttribute("aria-invalid");
    }
  }
}

class TextField extends Field {
  constructor(name, wrapper) {
    super(name, wrapper);
    this.control = wrapper.querySelector("input, textarea, select");
  }
  read() { return this.control.value.replace(/\r\n/g, "\n"); }
  write(value) { this.control.value = value ?? ""; }
}

class LinesField extends TextField {
  read() { return lines(this.control.value); }
  write(value) { this.control.value = (value || []).join("\n"); }
}

class RowsField extends Field {
  // keys: the two JSON keys of a row; inputs: the names of the two inputs of a row.
  constructor(name, wrapper, keys, inputs) {
    super(name, wrapper);
    this.keys = keys;
    this.inputs = inputs;
    this.list = wrapper.querySelector("[data-rows]");
    const last = this.list.lastElementChild;
    this.template = last.cloneNode(true);
    for (const control of this.template.querySelectorAll("input, textarea")) control.value = "";
    const add = wrapper.querySelector("[data-add-row]");
    add.hidden = false;
    add.addEventListener("click", () => {
      const row = this.blankRow();
      this.list.append(row);
      row.querySelector("input, textarea").focus();
    });
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-remove-row]");
      if (!button) return;
      button.closest("[data-row]").remove();
      if (!this.list.children.length) this.list.append(this.blankRow());
      this.wrapper.dispatchEvent(new Event("input", {bubbles: true}));
    });
    for (const button of this.list.querySelectorAll("[data-remove-row]")) button.hidden = false;
    // Without JavaScript the server offers several blank rows; with it, one at the end is enough.
    for (const row of [...this.list.children]) if (this.isBlank(row)) row.remove();
    this.list.append(this.blankRow());
  }

  blankRow() {
    const row = this.template.cloneNode(true);
    for (const button of row.querySelectorAll("[data-remove-row]")) button.hidden = false;
    return row;
  }

  isBlank(row) {
    return [...row.querySelectorAll("input, textarea")].every((c) => !c.value.trim());
  }

  cells(row) {
    return this.inputs.map((name) => row.querySelector(`[name="${name}"]`));
  }

  read() {
    const result = [];
    for (const row of this.list.children) {
      const [first, second] = this.cells(row);
      if (!first.value.trim() && !second.value.trim()) continue;
      result.push({[this.keys[0]]: this.convert(first.value), [this.keys[1]]: second.value.trim()});
    }
    return result;
  }

  convert(value) { return value.trim(); }

  write(value) {
    this.list.replaceChildren();
    for (const item of value || []) {
      const row = this.blankRow();
      const [first, second] = this.cells(row);
      first.value = item[this.keys[0]] ?? "";
      second.value = item[this.keys[1]] ?? "";
      this.list.append(row);
    }
    this.list.append(this.blankRow());
  }
}

class PathwayField extends RowsField {
  convert(value) {
    const number = Number(value);
    return value.trim() !== "" && Number.isInteger(number) ? number : value.trim();
  }
}

function makeField(name, wrapper) {
  if (name === "objectives" || name === "obstacles") return new LinesField(name, wrapper);
  if (name === "roles") return new RowsField(name, wrapper, ["actor", "does"], ["roles-actor", "roles-does"]);
  if (name === "pathway") return new PathwayField(name, wrapper, ["year", "milestone"], ["pathway-year", "pathway-milestone"]);
  return new TextField(name, wrapper);
}

// ------------------------------------------------------------------ timeline

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function drawTimeline(slot, milestones, firstYear, horizon) {
  // Mirrors proposals/timeline.py: today on the left, the horizon on the right.
  const marks = milestones.filter((m) => Number.isInteger(m.year)).sort((a, b) => a.year - b.year);
  if (!marks.length) { slot.replaceChildren(); return; }
  const width = 1000, margin = 60;
  const start = Math.min(firstYear, marks[0].year);
  const end = Math.max(horizon, marks[marks.length - 1].year);
  const span = Math.max(end - start, 1);
  const root = svg("svg", {class: "timeline", viewBox: `0 0 ${width} 130`, "aria-hidden": "true"});
  root.append(svg("line", {class: "timeline__axis", x1: margin, y1: 65, x2: width - margin, y2: 65}));
  root.append(svg("text", {class: "timeline__end", x: margin, y: 118, "text-anchor": "middle"}, String(start)));
  root.append(svg("text", {class: "timeline__end timeline__end--horizon", x: width - margin, y: 118, "text-anchor": "middle"}, String(end)));
  root.append(svg("circle", {class: "timeline__horizon", cx: width - margin, cy: 65, r: 12}));
  marks.forEach((mark, i) => {
    const x = Math.round((margin + (width - 2 * margin) * (mark.year - start) / span) * 10) / 10;
    const above = i % 2 === 0;
    const group = svg("g", {class: "timeline__mark"});
    group.append(svg("line", {x1: x, x2: x, y1: 65, y2: above ? 30 : 100}));
    group.append(svg("circle", {cx: x, cy: 65, r: 9}));
    group.append(svg("text", {class: "timeline__number", x, y: 70, "text-anchor": "middle"}, String(i + 1)));
    group.append(svg("text", {class: "timeline__year", x, y: above ? 22 : 116, "text-anchor": "middle"}, String(mark.year)));
    root.append(group);
  });
  slot.replaceChildren(root);
}

// ------------------------------------------------------------------ the editor

class Editor {
  constructor(config) {
    this.config = config;
    this.messages = config.messages;
    this.version = config.version;
    this.server = {...config.snapshot};
    this.fields = new Map();
    for (const wrapper of root.querySelectorAll("[data-field]")) {
      const field = makeField(wrapper.dataset.field, wrapper);
      this.fields.set(field.name, field);
    }
    this.queue = new Set();
    this.inFlight = false;
    this.retryTimer = null;
    this.retryDelay = 1000;
    this.offline = false;
    this.lastMerged = false;
    this.conflictOpen = false;
    this.idleWaiters = [];
    this.status = document.querySelector("[data-status]");
    this.presenceBox = document.querySelector("[data-presence]");
    this.timelineSlot = document.querySelector("[data-timeline-slot]");
    this.tab = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)).slice(0, 36);
    this.others = new Map();
    this.focusField = null;
    this.bind();
    this.live = new LiveClient({
      streams: {[config.stream]: config.seq},
      onEvent: (event) => this.onEvent(event),
      // Once connected (the subscription goes first), say who is here: the others answer.
      onStatus: (status) => { if (status === "live") setTimeout(() => this.sendPresence(), 0); },
    });
    this.live.start();
    setInterval(() => this.sendPresence(), HEARTBEAT_MS);
    setInterval(() => this.expirePresence(), 5000);
    root.dataset.ready = "true";
    this.showStatus();
  }

  // ---- editing

  bind() {
    const onEdit = (event) => {
      const wrapper = event.target.closest("[data-field]");
      if (!wrapper) return;
      const field = this.fields.get(wrapper.dataset.field);
      if (!field || field.inConflict) return;
      if (!field.dirty) {
        field.dirty = true;
        field.base = this.version;
        field.baseValue = this.server[field.name];
      }
      field.invalid = false;
      field.showError("");
      field.note.textContent = "";
      if (field.name === "pathway") this.redrawTimeline();
      clearTimeout(field.timer);
      field.timer = setTimeout(() => this.enqueue(field), DEBOUNCE_MS);
      this.showStatus();
    };
    root.addEventListener("input", onEdit);
    root.addEventListener("change", onEdit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.flush();
    });
    const upload = document.querySelector("[data-upload-form]");
    if (upload) {
      upload.addEventListener("submit", (event) => {
        if (!this.busy()) return;
        event.preventDefault();
        this.flush().then(() => upload.submit());
      });
    }
    root.addEventListener("focusin", (event) => this.focusMoved(event.target));
    root.addEventListener("focusout", () => setTimeout(() => this.focusMoved(document.activeElement), 50));
    window.addEventListener("pagehide", () => this.leave());
    window.addEventListener("online", () => {
      // Back online: send what waits now rather than at the end of the back-off.
      if (this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = null; }
      this.retryDelay = 1000;
      this.pump();
    });
  }

  busy() {
    return this.inFlight || [...this.fields.values()].some((f) => f.dirty);
  }

  flush() {
    for (const field of this.fields.values()) {
      if (field.dirty && !field.inConflict) {
        clearTimeout(field.timer);
        this.queue.add(field.name);
      }
    }
    this.pump();
    return this.whenIdle();
  }

  whenIdle() {
    if (!this.queue.size && !this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  enqueue(field) {
    this.queue.add(field.name);
    this.pump();
  }

  async pump() {
    if (this.inFlight || this.retryTimer || this.conflictOpen) { this.showStatus(); return; }
    const name = [...this.queue].find((n) => !this.fields.get(n).invalid);
    if (!name) {
      this.queue.clear();
      this.showStatus();
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.queue.delete(name);
    this.inFlight = true;
    this.showStatus();
    try {
      await this.save(this.fields.get(name));
    } finally {
      this.inFlight = false;
      this.pump();
    }
  }

  async post(url, body, contentType) {
    const headers = {"X-CSRFToken": csrfToken(), "Accept": "application/json"};
    if (contentType) headers["Content-Type"] = contentType;
    const response = await fetch(url, {method: "POST", credentials: "same-origin", headers, body});
    const data = await response.json().catch(() => ({error: response.statusText}));
    return {status: response.status, data};
  }

  async save(field) {
    if (!field.dirty) return;
    const value = field.read();
    const body = JSON.stringify({base_version: field.base, changes: {[field.name]: value}});
    let answer;
    try {
      answer = await this.post(this.config.saveUrl, body, "application/json");
    } catch (error) {
      this.offline = true;
      this.queue.add(field.name);
      this.retryTimer = setTimeout(() => { this.retryTimer = null; this.pump(); }, this.retryDelay);
      this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
      return;
    }
    this.offline = false;
    this.retryDelay = 1000;
    const {status, data} = answer;
    if (status === 200) {
      this.lastMerged = Boolean(data.merged);
      if (same(field.read(), value)) {
        field.dirty = false;
        field.base = null;
      } else {
        // Typed on while the save travelled: the rest builds on what was just saved.
        field.base = data.version;
        field.baseValue = data.snapshot[field.name];
        this.queue.add(field.name);
      }
      this.applyServer(data.snapshot, data.version, field.name);
    } else if (status === 409 && data.html) {
      this.openConflict(data.html, data.conflict.fields);
    } else if (status === 400 && data.field) {
      field.invalid = true;
      const target = this.fields.get(data.field) || field;
      target.showError(data.error);
      this.invalidMessage = data.error;
    } else {
      field.invalid = true;
      this.invalidMessage = data.error || String(status);
    }
  }

  applyServer(snapshot, version, skip) {
    for (const [name, field] of this.fields) {
      if (!(name in snapshot)) continue;
      const value = snapshot[name];
      if (name !== skip && !field.dirty && !field.inConflict && !same(field.read(), value)) {
        field.write(value);
        if (name === "pathway") this.redrawTimeline();
      } else if (field.dirty && field.base !== null && version > field.base && same(value, field.baseValue)) {
        // Nobody touched this field meanwhile: the edit now builds on the newer version.
        field.base = version;
      }
      this.server[name] = value;
    }
    this.version = Math.max(this.version, version);
    const hidden = form.querySelector("input[name=base_version]");
    if (hidden) hidden.value = String(this.version);
    this.showStatus();
  }

  redrawTimeline() {
    if (!this.timelineSlot) return;
    drawTimeline(this.timelineSlot, this.fields.get("pathway").read(), this.config.firstYear, this.config.horizon);
  }

  // ---- conflicts

  openConflict(html, names) {
    const slot = document.querySelector("[data-conflict-slot]");
    slot.innerHTML = html; // rendered and escaped by the server
    this.conflictOpen = true;
    this.conflictFields = names;
    for (const name of names) {
      const field = this.fields.get(name);
      if (!field) continue;
      field.inConflict = true;
      clearTimeout(field.timer);
      field.setLocked(true);
    }
    const section = slot.querySelector("[data-conflict]");
    const resolveForm = slot.querySelector("[data-resolve-form]");
    resolveForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.resolve(resolveForm);
    });
    section.scrollIntoView({block: "start"});
    section.focus({preventScroll: true});
    this.showStatus();
  }

  async resolve(resolveForm) {
    let answer;
    try {
      answer = await this.post(this.config.resolveUrl, new FormData(resolveForm));
    } catch (error) {
      this.offline = true;
      this.showStatus();
      return;
    }
    const {status, data} = answer;
    if (status === 409 && data.html) {
      this.closeConflict(false);
      this.openConflict(data.html, data.conflict.fields);
      return;
    }
    if (status !== 200) {
      let message = resolveForm.querySelector(".field__error");
      if (!message) {
        message = document.createElement("p");
        message.className = "field__error";
        message.setAttribute("role", "alert");
        resolveForm.prepend(message);
      }
      message.textContent = data.error || String(status);
      return;
    }
    this.closeConflict(true);
    this.lastMerged = false;
    this.applyServer(data.snapshot, data.version, null);
    this.pump();
  }

  closeConflict(resolved) {
    for (const name of this.conflictFields || []) {
      const field = this.fields.get(name);
      if (!field) continue;
      field.inConflict = false;
      field.setLocked(false);
      if (resolved) {
        field.dirty = false;
        field.base = null;
      }
    }
    document.querySelector("[data-conflict-slot]").replaceChildren();
    this.conflictOpen = false;
    this.conflictFields = [];
  }

  // ---- what others do

  onEvent(event) {
    const payload = event.payload || {};
    if (event.kind === "proposal.presence") {
      this.presenceSeen(payload);
    } else if (event.kind === "proposal.updated") {
      if (payload.version <= this.version) return;
      const consecutive = payload.version === this.version + 1;
      for (const [name, field] of this.fields) {
        if (name in (payload.values || {})) {
          const value = payload.values[name];
          this.server[name] = value;
          if (!field.dirty && !field.inConflict && !same(field.read(), value)) {
            field.write(value);
            if (name === "pathway") this.redrawTimeline();
            if (payload.by) field.note.textContent = format(this.messages.changedBy, {name: payload.by});
          } else if (field.dirty && payload.by) {
            field.note.textContent = format(this.messages.changedMeanwhile, {name: payload.by});
          }
        } else if (field.dirty && consecutive && field.base === this.version) {
          field.base = payload.version;
        }
      }
      this.version = payload.version;
      if (payload.image) this.showImage(payload.image);
      this.showStatus();
    } else if (event.kind === "proposal.reviewed") {
      this.showRework(payload);
    } else if (event.kind === "proposal.merged") {
      location.reload();
    }
  }

  showRework(payload) {
    // The organisers sent the proposal back (or took it off rework): say so at the top.
    let box = document.querySelector("[data-rework]");
    if (payload.triage !== "rework") { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("section");
      box.className = "rework";
      box.dataset.rework = "";
      box.setAttribute("role", "status");
      document.querySelector("[data-conflict-slot]").before(box);
    }
    const title = document.createElement("h2");
    title.textContent = this.messages.reworkTitle;
    const comment = document.createElement("p");
    comment.textContent = payload.comment || "";
    box.replaceChildren(title, comment);
  }

  showImage(image) {
    const preview = document.querySelector("[data-image-preview]");
    if (preview && image.thumbnail) {
      preview.src = image.thumbnail;
      preview.alt = image.alt || "";
    }
  }

  focusMoved(element) {
    const wrapper = element && element.closest ? element.closest("[data-field]") : null;
    const name = wrapper ? wrapper.dataset.field : null;
    if (name === this.focusField) return;
    this.focusField = name;
    this.sendPresence();
  }

  sendPresence(leaving = false) {
    const data = {proposal: this.config.proposal, tab: this.tab, field: this.focusField, leaving};
    this.live.command("proposal.presence", data).catch(() => {});
  }

  leave() {
    this.sendPresence(true);
    for (const field of this.fields.values()) {
      if (!field.dirty || field.inConflict) continue;
      // The page is going away: send what is not saved yet, without waiting for the answer.
      fetch(this.config.saveUrl, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: {"X-CSRFToken": csrfToken(), "Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify({base_version: field.base, changes: {[field.name]: field.read()}}),
      }).catch(() => {});
    }
  }

  presenceSeen(payload) {
    if (!payload.tab || payload.tab === this.tab) return;
    if (payload.leaving) {
      this.others.delete(payload.tab);
    } else {
      const known = this.others.has(payload.tab);
      this.others.set(payload.tab, {...payload, seen: Date.now()});
      // Someone new: tell them at once who is already here rather than at our next heartbeat.
      if (!known) this.sendPresence();
    }
    this.renderPresence();
  }

  expirePresence() {
    const limit = Date.now() - PRESENCE_EXPIRES_MS;
    let changed = false;
    for (const [tab, other] of this.others) {
      if (other.seen < limit) { this.others.delete(tab); changed = true; }
    }
    if (changed) this.renderPresence();
  }

  renderPresence() {
    const labels = this.config.labels;
    const people = [...this.others.values()];
    this.presenceBox.hidden = people.length === 0;
    const title = document.createElement("span");
    title.textContent = this.messages.alsoHere;
    const badges = people.map((other) => {
      const badge = document.createElement("span");
      badge.className = "presence__person";
      badge.dataset.who = other.who;
      badge.textContent = other.field ? `${other.name} · ${labels[other.field] || other.field}` : other.name;
      return badge;
    });
    this.presenceBox.replaceChildren(title, ...badges);
    for (const [name, field] of this.fields) {
      const here = people.filter((other) => other.field === name).map((other) => other.name);
      const unique = [...new Set(here)];
      if (field.presence) field.presence.textContent = unique.length ? format(this.messages.editing, {name: unique.join(", ")}) : "";
      field.wrapper.classList.toggle("field--busy", unique.length > 0);
    }
  }

  // ---- status line

  showStatus() {
    let state = "saved";
    let text = format(this.lastMerged ? this.messages.merged : this.messages.saved, {version: this.version});
    const dirty = [...this.fields.values()].some((f) => f.dirty);
    const invalid = [...this.fields.values()].some((f) => f.invalid);
    if (this.conflictOpen) { state = "conflict"; text = this.messages.conflict; }
    else if (this.offline) { state = "offline"; text = this.messages.offline; }
    else if (invalid) { state = "invalid"; text = format(this.messages.invalid, {error: this.invalidMessage || ""}); }
    else if (this.inFlight) { state = "saving"; text = this.messages.saving; }
    else if (dirty) { state = "unsaved"; text = this.messages.unsaved; }
    else if (this.lastMerged) { state = "merged"; }
    if (this.status.dataset.state !== state || this.status.textContent !== text) {
      this.status.dataset.state = state;
      this.status.textContent = text;
    }
    if (this.status.dataset.version !== String(this.version)) this.status.dataset.version = String(this.version);
  }
}

if (root && form && configElement) {
  new Editor(JSON.parse(configElement.textContent));
}
