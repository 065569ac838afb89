// The results page: colleges as tabs (the page reads without this, as sections one under the
// other), and a live refresh when a ballot is cast or the vote closes.
import {LiveClient} from "../live/live.js";

const REFRESH_DELAY_MS = 800;

function setupTabs(root, wanted) {
  const nav = root.querySelector("[data-college-tabs]");
  if (!nav) return;
  const tabs = [...nav.querySelectorAll("[data-tab-for]")];
  const panels = new Map([...root.querySelectorAll("[data-college-panel]")].map((p) => [p.id, p]));
  if (!tabs.length) return;
  nav.setAttribute("role", "tablist");
  nav.classList.add("is-tabs");

  function select(id, focus) {
    for (const tab of tabs) {
      const on = tab.dataset.tabFor === id;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      const panel = panels.get(tab.dataset.tabFor);
      if (panel) panel.hidden = !on;
      if (on && focus) tab.focus();
    }
    nav.dataset.selected = id;
  }

  tabs.forEach((tab, index) => {
    const id = tab.dataset.tabFor;
    tab.id = `tab-${id}`;
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", id);
    const panel = panels.get(id);
    if (panel) {
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
    }
    tab.addEventListener("click", (event) => {
      event.preventDefault();
      select(id, false);
      history.replaceState(null, "", `#${id}`);
    });
    tab.addEventListener("keydown", (event) => {
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
      else if (event.key === "Home") next = tabs[0];
      else if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        select(next.dataset.tabFor, true);
      }
    });
  });
  const fromHash = location.hash.slice(1);
  const initial = [wanted, fromHash].find((id) => id && panels.has(id)) || tabs[0].dataset.tabFor;
  select(initial, false);
}

async function refresh() {
  const response = await fetch(location.pathname, {credentials: "same-origin", headers: {"Accept": "text/html"}});
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const current = document.querySelector("[data-college-tabs]");
  const selected = current ? current.dataset.selected : null;
  for (const selector of ["[data-results]", "[data-selection-status]", "#favourites"]) {
    const old = document.querySelector(selector);
    const replacement = fresh.querySelector(selector);
    if (old && replacement) old.replaceWith(document.adoptNode(replacement));
  }
  setupTabs(document.querySelector("[data-results]"), selected);
}

function start() {
  const region = document.querySelector("[data-results]");
  if (!region) return;
  setupTabs(region, null);
  const stream = region.dataset.stream;
  const seq = Number(region.dataset.seq || 0);
  if (!stream) return;
  let timer = null;
  const client = new LiveClient({
    streams: {[stream]: seq},
    onEvent: () => {
      // Several ballots often arrive together: refresh once they settle.
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_DELAY_MS);
    },
  });
  client.start();
  // A vote that closes at its set time sends no event: refresh then, when the results may show.
  const closesAt = Date.parse(region.dataset.closesAt || "");
  const wait = closesAt - Date.now();
  if (Number.isFinite(wait) && wait > 0 && wait < 2 ** 31 - 1) setTimeout(refresh, wait + 1000);
}

start();
