// Follows the renderings in progress on the organisers' page: polls each one's JSON status,
// moves its <progress> bar, and reloads the page when one finishes, so that the list of
// versions (and its download link) is the server's. Without JavaScript the page refreshes
// itself (a <noscript> refresh), so this only makes it smoother.

const POLL_MS = 1000;
const MAX_POLL_MS = 8000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function follow(job) {
  const url = job.dataset.bookletStatus;
  const bar = job.querySelector("progress");
  const step = job.querySelector("[data-step]");
  const percent = job.querySelector("[data-percent]");
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
    bar.value = data.progress;
    bar.textContent = `${data.progress} %`;
    step.textContent = data.step_label;
    percent.textContent = `${data.progress} %`;
    job.dataset.state = data.status;
    if (data.status === "ready" || data.status === "failed") {
      if (data.status === "ready") {
        bar.value = 100;
        percent.textContent = "100 %";
      }
      await sleep(600);
      window.location.reload();
      return;
    }
  }
}

for (const job of document.querySelectorAll("[data-booklet-status]")) {
  follow(job);
}
