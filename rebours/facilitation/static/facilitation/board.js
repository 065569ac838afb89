// A group's board: notes, dots and clusters, kept in step with every other screen of the group.
//
// The page hands over the board as it was when rendered and the stream numbers it matches; the
// live client replays anything after them and then follows the streams. Every event carries the
// whole new state of what it touches, so applying one twice changes nothing. People's text is
// only ever put in the page with textContent.

import {LiveClient} from "../live/live.js";
import {DayView, element, format, readJson} from "./day.js";

const data = readJson("board-data");
const streams = readJson("streams");
const s = readJson("board-strings");
const dayData = readJson("day-data");
const board = data.board;
const me = data.me;
me.dots = Object.fromEntries(Object.entries(me.dots).map(([note, n]) => [Number(note), n]));

const notes = new Map(data.notes.map((note) => [note.id, note]));
const clusters = new Map(data.clusters.map((cluster) => [cluster.id, cluster]));
const proposals = new Map(data.proposals.map((proposal) => [proposal.id, proposal]));
const noteElements = new Map();
const laneElements = new Map();
const editing = new Set(); // notes whose text is being edited here

const lanesRoot = document.querySelector("[data-lanes]");
const errorBox = document.querySelector("[data-board-error]");
const budgetText = document.querySelector("[data-dot-budget]");
const day = new DayView(s);
let live;
let errorTimer;

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => { errorBox.hidden = true; }, 8000);
}

async function send(name, payload) {
  try {
    return await live.command(name, {board, ...payload});
  } catch (error) {
    showError(error.message);
    throw error;
  }
}

// --- lanes (the loose notes, then one per cluster) ------------------------------------------

function laneFor(clusterId) {
  const key = clusterId === null ? "" : String(clusterId);
  let lane = laneElements.get(key);
  if (lane) return lane;
  lane = element("section", clusterId === null ? "lane lane--loose" : "lane");
  lane.dataset.lane = key;
  const header = element("div", "lane__header");
  const title = element("h3", "lane__title");
  header.append(title);
  lane.append(header, element("ul", "notes"));
  lane.addEventListener("dragover", (event) => {
    if (!me.write && !me.moderate) return;
    event.preventDefault();
    lane.classList.add("is-target");
  });
  lane.addEventListener("dragleave", () => lane.classList.remove("is-target"));
  lane.addEventListener("drop", (event) => {
    event.preventDefault();
    lane.classList.remove("is-target");
    const noteId = Number(event.dataTransfer.getData("text/plain"));
    const note = notes.get(noteId);
    if (note && note.cluster !== clusterId) send("note.move", {note: noteId, cluster: clusterId}).catch(() => {});
  });
  laneElements.set(key, lane);
  return lane;
}

function renderLane(clusterId) {
  const lane = laneFor(clusterId);
  const header = lane.querySelector(".lane__header");
  const title = header.querySelector(".lane__title");
  if (clusterId === null) {
    title.textContent = s.loose;
    return lane;
  }
  const cluster = clusters.get(clusterId);
  title.textContent = cluster.name;
  for (const extra of header.querySelectorAll(".lane__actions")) extra.remove();
  const actions = element("div", "lane__actions");
  if (cluster.proposal) {
    const link = element("a", "button button--small", s.openDraft);
    link.href = cluster.proposal.url;
    actions.append(link);
  } else if (me.moderate) {
    const propose = element("button", "button--small", s.propose);
    propose.type = "button";
    propose.dataset.propose = String(clusterId);
    propose.addEventListener("click", () => {
      propose.disabled = true;
      send("cluster.propose", {cluster: clusterId}).catch(() => { propose.disabled = false; });
    });
    actions.append(propose);
  }
  if (me.moderate) {
    const remove = element("button", "button--small button--quiet", s.removeCluster);
    remove.type = "button";
    remove.addEventListener("click", () => send("cluster.delete", {cluster: clusterId}).catch(() => {}));
    actions.append(remove);
  }
  header.append(actions);
  return lane;
}

function orderLanes() {
  const ordered = [null, ...[...clusters.values()].sort((a, b) => a.position - b.position || a.id - b.id).map((c) => c.id)];
  for (const id of ordered) lanesRoot.append(renderLane(id));
}

// --- notes ----------------------------------------------------------------------------------

function moveOptions(select, note) {
  select.replaceChildren();
  const loose = element("option", "", s.loose);
  loose.value = "";
  select.append(loose);
  for (const cluster of [...clusters.values()].sort((a, b) => a.position - b.position || a.id - b.id)) {
    const option = element("option", "", cluster.name);
    option.value = String(cluster.id);
    select.append(option);
  }
  select.value = note.cluster === null ? "" : String(note.cluster);
}

function mayChange(note) {
  return me.moderate || (me.write && note.author !== null && note.author === me.person);
}

function renderNote(note) {
  let li = noteElements.get(note.id);
  if (!li) {
    li = element("li", "note");
    li.dataset.note = String(note.id);
    li.draggable = me.write || me.moderate;
    li.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", String(note.id));
      event.dataTransfer.effectAllowed = "move";
    });
    noteElements.set(note.id, li);
  }
  if (editing.has(note.id)) {
    // Keep the editor open; the save will tell whether the note changed meanwhile.
    li.classList.toggle("is-stale", li.dataset.version !== String(note.version));
    placeNote(li, note);
    return;
  }
  li.dataset.version = String(note.version);
  li.classList.toggle("is-mine", note.author !== null && note.author === me.person);
  const text = element("p", "note__text", note.text);
  const meta = element("p", "note__meta");
  meta.append(element("span", "note__author", note.author_name || s.anonymous));
  const dots = element("span", "note__dots");
  dots.dataset.dots = String(note.dots);
  dots.textContent = `${note.dots} ●`;
  dots.setAttribute("aria-label", `${note.dots} ${s.dots}`);
  meta.append(dots);
  const mine = me.dots[note.id] || 0;
  if (mine) meta.append(element("span", "note__mine", "●".repeat(Math.min(mine, 10))));
  const actions = element("div", "note__actions");
  if (me.write) {
    const add = element("button", "dot-button", "+●");
    add.type = "button";
    add.dataset.action = "dot-add";
    add.setAttribute("aria-label", s.addDot);
    add.title = s.addDot;
    add.disabled = me.used >= me.budget;
    add.addEventListener("click", () => vote("dot.add", note.id));
    const back = element("button", "dot-button", "−●");
    back.type = "button";
    back.dataset.action = "dot-remove";
    back.setAttribute("aria-label", s.removeDot);
    back.title = s.removeDot;
    back.disabled = !mine;
    back.addEventListener("click", () => vote("dot.remove", note.id));
    actions.append(add, back);
  }
  if (me.write || me.moderate) {
    const label = element("label", "note__move");
    label.append(element("span", "visually-hidden", s.moveTo));
    const select = element("select");
    select.dataset.action = "move";
    moveOptions(select, note);
    select.addEventListener("change", () => {
      const cluster = select.value === "" ? null : Number(select.value);
      send("note.move", {note: note.id, cluster}).catch(() => { select.value = note.cluster === null ? "" : String(note.cluster); });
    });
    label.append(select);
    actions.append(label);
  }
  if (mayChange(note)) {
    const edit = element("button", "button--small button--quiet", s.edit);
    edit.type = "button";
    edit.dataset.action = "edit";
    edit.addEventListener("click", () => openEditor(note.id));
    const remove = element("button", "button--small button--quiet", s.delete);
    remove.type = "button";
    remove.dataset.action = "delete";
    remove.addEventListener("click", () => {
      // Two steps instead of a dialog: the first press asks, the second deletes.
      if (remove.dataset.armed) {
        send("note.delete", {note: note.id}).catch(() => {});
      } else {
        remove.dataset.armed = "1";
        remove.textContent = s.confirmDelete;
        setTimeout(() => { delete remove.dataset.armed; remove.textContent = s.delete; }, 4000);
      }
    });
    actions.append(edit, remove);
  }
  li.replaceChildren(text, meta, actions);
  placeNote(li, note);
}

function placeNote(li, note) {
  const list = laneFor(note.cluster).querySelector(".notes");
  const siblings = [...list.children].filter((child) => child !== li);
  const next = siblings.find((child) => {
    const other = notes.get(Number(child.dataset.note));
    return other && (other.position > note.position || (other.position === note.position && other.id > note.id));
  });
  if (li.parentElement !== list || li.nextElementSibling !== (next || null)) list.insertBefore(li, next || null);
}

function openEditor(noteId) {
  const note = notes.get(noteId);
  const li = noteElements.get(noteId);
  editing.add(noteId);
  const base = note.version;
  const area = element("textarea", "note__editor");
  area.value = note.text;
  area.maxLength = 2000;
  area.rows = 4;
  area.setAttribute("aria-label", s.edit);
  const save = element("button", "button--small", s.save);
  save.type = "button";
  save.dataset.action = "save";
  const cancel = element("button", "button--small button--quiet", s.cancel);
  cancel.type = "button";
  const row = element("div", "note__actions");
  row.append(save, cancel);
  const close = () => { editing.delete(noteId); li.classList.remove("is-stale"); const current = notes.get(noteId); if (current) renderNote(current); };
  let version = base;
  save.addEventListener("click", async () => {
    save.disabled = true;
    try {
      await send("note.update", {note: noteId, text: area.value, version});
      close();
    } catch (error) {
      save.disabled = false;
      if (error.code === "conflict" && error.data && error.data.note) {
        // Show what the other person wrote; the next save builds on their version.
        const theirs = error.data.note;
        notes.set(theirs.id, theirs);
        version = theirs.version;
        li.dataset.version = String(version);
        li.classList.remove("is-stale");
        const other = element("p", "note__conflict", `${s.conflict} «${theirs.text}»`);
        li.querySelector(".note__conflict")?.remove();
        li.insertBefore(other, row);
      }
    }
  });
  cancel.addEventListener("click", close);
  li.replaceChildren(area, row);
  area.focus();
}

async function vote(name, noteId) {
  try {
    const tally = await send(name, {note: noteId});
    me.dots[noteId] = tally.mine;
    me.used = tally.used;
    me.budget = tally.budget;
    const note = notes.get(noteId);
    if (note) { note.dots = tally.dots; }
    renderAllNotes();
  } catch (error) { /* shown by send() */ }
}

function renderBudget() {
  if (budgetText) budgetText.textContent = format(s.dotsLeft, {left: Math.max(0, me.budget - me.used), budget: me.budget});
}

function renderAllNotes() {
  for (const note of notes.values()) renderNote(note);
  renderBudget();
}

function removeNote(id) {
  notes.delete(id);
  noteElements.get(id)?.remove();
  noteElements.delete(id);
  editing.delete(id);
}

// --- proposals ------------------------------------------------------------------------------

function renderProposals() {
  const list = document.querySelector("[data-proposals]");
  const count = document.querySelector("[data-proposal-count]");
  if (!list) return;
  list.replaceChildren();
  for (const proposal of proposals.values()) {
    const item = element("li");
    const link = element("a", "", proposal.title);
    link.href = proposal.url;
    item.append(link);
    list.append(item);
  }
  if (count) count.textContent = format(s.draftOf, {count: proposals.size, expected: 3});
}

// --- events ---------------------------------------------------------------------------------

function onBoardEvent(event) {
  const p = event.payload;
  switch (event.kind) {
    case "note.created":
    case "note.updated":
      notes.set(p.note.id, p.note);
      renderNote(p.note);
      break;
    case "note.deleted":
      removeNote(p.id);
      break;
    case "dot.changed": {
      const note = notes.get(p.note);
      if (note) { note.dots = p.dots; renderNote(note); }
      break;
    }
    case "cluster.created":
    case "cluster.updated":
      clusters.set(p.cluster.id, p.cluster);
      orderLanes();
      for (const note of notes.values()) renderNote(note); // the move lists name every cluster
      break;
    case "cluster.deleted":
      clusters.delete(p.id);
      for (const note of notes.values()) if (note.cluster === p.id) note.cluster = null;
      laneElements.get(String(p.id))?.remove();
      laneElements.delete(String(p.id));
      renderAllNotes();
      break;
    case "proposal.created":
      proposals.set(p.id, {...p, url: p.url || `${location.pathname.split("/live/")[0]}/proposals/${p.key}/edit/`});
      renderProposals();
      break;
    case "board.rules":
      me.budget = p.dot_budget;
      renderAllNotes();
      break;
    default:
      break;
  }
}

function stopped(message) {
  live.stop();
  document.body.classList.add("is-revoked");
  for (const control of document.querySelectorAll("button, textarea, input, select")) control.disabled = true;
  showError(message);
  clearTimeout(errorTimer);
}

function onEvent(event) {
  if (event.stream === dayData.stream) {
    if (event.kind === "day.state") day.apply(event.payload);
  } else if (event.stream === data.stream) {
    onBoardEvent(event);
  } else if (event.kind === "participant.removed") {
    stopped(s.removed);
  } else if (event.kind === "participant.assigned" && event.payload.board !== board) {
    location.assign(event.payload.url);
  }
}

// --- forms ----------------------------------------------------------------------------------

const noteForm = document.querySelector("[data-note-form]");
if (noteForm) {
  const area = noteForm.querySelector("textarea");
  const counter = noteForm.querySelector("[data-note-counter]");
  const count = () => { counter.textContent = format(s.charsLeft, {left: 2000 - area.value.length}); };
  area.addEventListener("input", count);
  count();
  noteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = noteForm.querySelector("button");
    button.disabled = true;
    try {
      await send("note.create", {text: area.value});
      area.value = "";
      count();
    } catch (error) { /* shown */ } finally {
      button.disabled = false;
      area.focus();
    }
  });
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) noteForm.requestSubmit();
  });
}

const clusterForm = document.querySelector("[data-cluster-form]");
if (clusterForm) {
  clusterForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = clusterForm.querySelector("input");
    try {
      await send("cluster.create", {name: input.value});
      input.value = "";
    } catch (error) { /* shown */ }
  });
}

// --- start ----------------------------------------------------------------------------------

lanesRoot.replaceChildren();
orderLanes();
renderAllNotes();
renderProposals();
day.apply(dayData.state);
live = new LiveClient({
  streams,
  onEvent,
  onStatus: (kind, detail) => day.status(kind, detail),
  onRevoked: () => stopped(s.revoked),
});
day.start(live);
live.start();
document.body.dataset.ready = "1";
