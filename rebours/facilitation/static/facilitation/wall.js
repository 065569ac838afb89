// The wall: a projector view that follows the day and every group's board, with no interaction.

import {LiveClient} from "../live/live.js";
import {DayView, element, format, readJson} from "./day.js";

const WALL_NOTES = 40;
const NEWEST = 3; // the newest notes come first, so a note just posted shows at once
const dayData = readJson("day-data");
const streams = readJson("streams");
const s = readJson("day-strings");
const day = new DayView(s);

// Per board: its notes (id -> {text, dots, position}) and its number of clusters.
const boards = new Map();
for (const section of document.querySelectorAll("[data-board]")) {
  boards.set(Number(section.dataset.board), {section, notes: new Map(), clusters: new Set()});
}
const initial = readJson("wall-boards", null);

function showView(state) {
  for (const view of document.querySelectorAll("[data-view]")) view.hidden = view.dataset.view !== state.wall.view;
  document.body.className = document.body.className.replace(/\bwall--\w+/g, "").trim() + ` wall--${state.wall.view}`;
  const article = state.wall.article;
  if (article) {
    document.querySelector("[data-press-index]").textContent = format(s.article, article);
    document.querySelector("[data-press-date]").textContent = article.dated;
    document.querySelector("[data-press-headline]").textContent = article.headline;
    document.querySelector("[data-press-lede]").textContent = article.lede;
  }
}

function renderBoard(id) {
  const board = boards.get(id);
  if (!board) return;
  const all = [...board.notes.values()];
  const newest = [...all].sort((a, b) => b.position - a.position).slice(0, NEWEST);
  const rest = all.filter((note) => !newest.includes(note)).sort((a, b) => b.dots - a.dots || b.position - a.position);
  const ranked = [...newest, ...rest].slice(0, WALL_NOTES);
  const list = board.section.querySelector("[data-wall-notes]");
  list.replaceChildren(...ranked.map((note, index) => {
    const li = element("li", index < NEWEST ? "wall-note is-new" : "wall-note");
    li.dataset.note = String(note.id);
    li.append(element("span", "wall-note__text", note.text));
    if (note.dots) li.append(" ", element("span", "wall-note__dots", `${note.dots} ●`));
    return li;
  }));
  showCount(board.section, "notes", board.notes.size);
  showCount(board.section, "clusters", board.clusters.size);
}

// "1 note", "2 notes"; in French 0 is singular too: the page's language decides.
const plurals = new Intl.PluralRules(document.documentElement.lang || "fr");
function showCount(section, what, n) {
  section.querySelector(`[data-count="${what}"]`).textContent = String(n);
  const label = section.querySelector(`[data-count-label="${what}"]`);
  label.textContent = plurals.select(n) === "one" ? label.dataset.one : label.dataset.other;
}

async function refreshMosaic() {
  const list = document.querySelector("[data-mosaic]");
  try {
    const response = await fetch(list.dataset.url, {credentials: "same-origin"});
    if (!response.ok) return;
    const body = await response.json();
    // About sqrt(1.6 × tiles) columns fill a 16:9 wall with 16:10 tiles.
    let columns = 1;
    while (columns * columns < 1.6 * body.tiles.length) columns += 1;
    list.className = `mosaic mosaic--wall cols-${Math.min(columns, 12)}`;
    list.replaceChildren(...body.tiles.map((tile) => {
      const li = element("li", `mosaic__tile palette-${tile.palette}`);
      const frame = element("div", "mosaic__frame");
      if (tile.image) {
        const image = element("img", "mosaic__image");
        image.src = tile.image;
        image.alt = tile.alt;
        frame.append(image);
      } else {
        const blank = element("div", "mosaic__image image-missing");
        blank.append(element("span", "", "▨"));
        frame.append(blank);
      }
      frame.append(element("span", "mosaic__caption", tile.title));
      li.append(frame);
      return li;
    }));
  } catch (error) { /* keep what is shown */ }
}

function onEvent(event) {
  const p = event.payload;
  if (event.kind === "day.state") {
    day.apply(p);
    return;
  }
  if (event.kind === "join.renewed") {
    location.reload(); // a new join link: show its QR code
    return;
  }
  const id = Number(event.stream.split(":")[1]);
  const board = boards.get(id);
  if (!board || !event.stream.startsWith("board:")) return;
  switch (event.kind) {
    case "note.created":
    case "note.updated":
      board.notes.set(p.note.id, p.note);
      break;
    case "note.deleted":
      board.notes.delete(p.id);
      break;
    case "dot.changed": {
      const note = board.notes.get(p.note);
      if (note) note.dots = p.dots;
      break;
    }
    case "cluster.created":
      board.clusters.add(p.cluster.id);
      break;
    case "cluster.deleted":
      board.clusters.delete(p.id);
      break;
    default:
      return;
  }
  renderBoard(id);
}

for (const [id, snapshot] of Object.entries(initial || {})) {
  const board = boards.get(Number(id));
  if (!board) continue;
  for (const note of snapshot.notes) board.notes.set(note.id, note);
  for (const cluster of snapshot.clusters) board.clusters.add(cluster.id);
}

day.onChange((state, previous) => {
  showView(state);
  if (state.wall.view === "mosaic" && (!previous || previous.wall.view !== "mosaic")) refreshMosaic();
});
day.apply(dayData.state);
const live = new LiveClient({streams, onEvent, onStatus: (kind, detail) => day.status(kind, detail)});
day.start(live);
live.start();
document.body.dataset.ready = "1";
