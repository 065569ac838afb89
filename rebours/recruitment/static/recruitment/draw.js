// Follows a draw being computed (or re-run) on the organisers' page: polls its JSON status and
// reloads the page once it is finished, so that what shows is the server's page. Without
// JavaScript the page refreshes itself (a <noscript> refresh), so this only makes it smoother.

const POLL_MS = 1000;
const MAX_POLL_MS = 8000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function follow(box) {
  const url = box.dataset.drawStatus;
  let wait = POLL_MS;
  for (;;) {
    await sleep(wait);
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
      wait = POLL_MS;
    } catch {
      wait = Math.min(wait * 2, MAX_POLL_MS); // the server restarts, the network hiccups
      continue;
    }
    box.dataset.state = data.status;
    if (data.finished) {
      window.location.reload();
      return;
    }
  }
}

for (const box of document.querySelectorAll("[data-draw-status]")) {
  follow(box);
}
