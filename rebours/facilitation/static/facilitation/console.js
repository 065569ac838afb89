// The facilitator's console: run the agenda and its timer, drive the wall, talk to every screen,
// watch the groups' progress, and manage who joined.

import {LiveClient} from "../live/live.js";
import {DayView, element, readJson} from "./day.js";

const dayData = readJson("day-data");
const staff = readJson("staff-data");
const streams = readJson("streams");
const s = readJson("console-strings");
const groups = readJson("groups-data");
const grid = document.querySelector(".console-grid");
const workshop = Number(grid.dataset.workshop);
const organise = grid.dataset.organise === "1";
const errorBox = document.querySelector("[data-console-error]");
const okBox = document.querySelector("[data-console-ok]");
const day = new DayView(s);
const people = new Map(staff.participants.map((row) => [row.person, row]));
let live;
let noticeTimer;

function notice(box, message) {
  errorBox.hidden = true;
  okBox.hidden = true;
  box.textContent = message;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
}

async function send(name, payload = {}) {
  try {
    return await live.command(name, {workshop, ...payload});
  } catch (error) {
    notice(errorBox, error.message);
    throw error;
  }
}

// --- the day's controls follow its state ----------------------------------------------------

function reflect(state) {
  const running = state.phase === "running";
  const paused = Boolean(state.timer && state.timer.paused_at);
  for (const button of document.querySelectorAll("[data-command]")) {
    const name = button.dataset.command;
    if (name === "day.start") button.hidden = running;
    if (name === "timer.pause") button.hidden = !state.timer || paused;
    if (name === "timer.resume") button.hidden = !paused;
    if (name === "timer.extend" || name === "agenda.skip") button.disabled = !state.timer;
    if (name === "day.mode") {
      const on = button.dataset.mode === state.mode;
      button.classList.toggle("is-on", on);
      button.setAttribute("aria-pressed", String(on));
    }
    if (name === "wall.show" && !button.dataset.article) {
      const on = button.dataset.view === state.wall.view;
      button.classList.toggle("is-on", on);
      button.setAttribute("aria-pressed", String(on));
    }
  }
  for (const row of document.querySelectorAll("[data-agenda] li[data-item]")) {
    const current = state.item && Number(row.dataset.item) === state.item.id;
    row.classList.toggle("is-current", Boolean(current));
    if (current) row.setAttribute("aria-current", "step"); else row.removeAttribute("aria-current");
  }
  for (const row of document.querySelectorAll("[data-articles] li")) {
    const article = state.wall.view === "press" && state.wall.article;
    row.classList.toggle("is-current", Boolean(article && Number(row.dataset.article) === article.id));
  }
}
day.onChange(reflect);

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-command]");
  if (!button) return;
  const name = button.dataset.command;
  const payload = {};
  if (button.dataset.item) payload.item = Number(button.dataset.item);
  if (button.dataset.seconds) payload.seconds = Number(button.dataset.seconds);
  if (button.dataset.mode) payload.mode = button.dataset.mode;
  if (button.dataset.view) payload.view = button.dataset.view;
  if (button.dataset.article) payload.article = Number(button.dataset.article);
  // Skipping names the item on screen, so that two presses at once skip only one item.
  if (name === "agenda.skip") payload.item = day.state && day.state.item ? day.state.item.id : null;
  button.disabled = true;
  send(name, payload).then((result) => {
    if (name === "participant.balance") notice(okBox, s.saved);
    return result;
  }).catch(() => {}).finally(() => { button.disabled = false; if (day.state) reflect(day.state); });
});

const messageForm = document.querySelector("[data-message-form]");
messageForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const input = messageForm.querySelector("input");
  send("day.message", {text: input.value}).then(() => { notice(okBox, s.sent); input.value = ""; }).catch(() => {});
});
messageForm.querySelector("[data-clear-message]").addEventListener("click", () => {
  send("day.message", {text: ""}).catch(() => {});
});

const joinForm = document.querySelector("[data-join-form]");
if (joinForm) {
  joinForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(joinForm);
    try {
      await send("join.settings", {is_open: form.get("is_open") === "on", group_choice: form.get("group_choice")});
      await send("board.budget", {dot_budget: Number(form.get("dot_budget"))});
      notice(okBox, s.saved);
    } catch (error) { /* shown */ }
  });
}

const renew = document.querySelector("[data-renew-link]");
if (renew) {
  renew.addEventListener("click", async () => {
    // Two steps, like removals: the first press asks, the second renews.
    if (!renew.dataset.armed) {
      renew.dataset.armed = "1";
      setTimeout(() => { delete renew.dataset.armed; }, 5000);
      notice(okBox, s.confirmRenew);
      return;
    }
    delete renew.dataset.armed;
    try {
      const result = await send("join.renew");
      document.querySelector("#join-link").value = new URL(result.path, location.href).href;
      const qr = document.querySelector("[data-qr]");
      qr.src = `${qr.src.split("?")[0]}?v=${Date.now()}`;
      notice(okBox, s.saved);
    } catch (error) { /* shown */ }
  });
}

// --- participants ---------------------------------------------------------------------------

const tbody = document.querySelector("[data-participants] tbody");
const countBadge = document.querySelector("[data-participant-count]");

function renderPeople() {
  tbody.replaceChildren();
  for (const row of people.values()) {
    const tr = element("tr");
    tr.dataset.person = String(row.person);
    tr.append(element("td", "", row.name));
    const cell = element("td");
    const select = element("select");
    select.setAttribute("aria-label", `${s.assign}: ${row.name}`);
    if (row.board === null) {
      const waiting = element("option", "", s.waiting);
      waiting.value = "";
      select.append(waiting);
    }
    for (const group of groups) {
      const option = element("option", "", group.title);
      option.value = String(group.id);
      select.append(option);
    }
    select.value = row.board === null ? "" : String(row.board);
    select.addEventListener("change", () => {
      if (select.value) send("participant.assign", {person: row.person, board: Number(select.value)}).catch(() => {});
    });
    cell.append(select);
    tr.append(cell);
    if (organise) {
      const remove = element("button", "button--small button--quiet", s.remove);
      remove.type = "button";
      remove.addEventListener("click", () => {
        if (remove.dataset.armed) {
          send("participant.remove", {person: row.person}).catch(() => {});
        } else {
          remove.dataset.armed = "1";
          remove.textContent = s.confirmRemove;
          setTimeout(() => { delete remove.dataset.armed; remove.textContent = s.remove; }, 5000);
        }
      });
      const td = element("td");
      td.append(remove);
      tr.append(td);
    }
    tbody.append(tr);
  }
  countBadge.textContent = String(people.size);
}

// --- progress: a light periodic read, the same for one group or two hundred -----------------

const progressTable = document.querySelector("[data-progress]");
async function refreshProgress() {
  try {
    const response = await fetch(progressTable.dataset.url, {credentials: "same-origin"});
    if (!response.ok) return;
    const body = await response.json();
    for (const group of body.groups) {
      const row = progressTable.querySelector(`tr[data-board="${group.board}"]`);
      if (!row) continue;
      for (const field of ["members", "notes", "clusters", "proposals"]) {
        row.querySelector(`[data-field="${field}"]`).textContent = String(group[field]);
      }
      row.querySelector('[data-field="meter"]').value = group.proposals;
    }
  } catch (error) { /* the next round will try again */ }
}

// --- start ----------------------------------------------------------------------------------

function onEvent(event) {
  const p = event.payload;
  switch (event.kind) {
    case "day.state":
      day.apply(p);
      break;
    case "participant.joined":
    case "participant.assigned":
      people.set(p.person, p);
      renderPeople();
      break;
    case "participant.removed":
      people.delete(p.person);
      renderPeople();
      break;
    default:
      break;
  }
}

renderPeople();
day.apply(dayData.state);
live = new LiveClient({streams, onEvent, onStatus: (kind, detail) => day.status(kind, detail)});
day.start(live);
live.start();
refreshProgress();
setInterval(refreshProgress, 5000);
document.body.dataset.ready = "1";
