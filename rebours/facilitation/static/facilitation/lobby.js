// The lobby: a participant waits until an organiser puts them in a group, then goes to its board.

import {LiveClient} from "../live/live.js";
import {DayView, readJson} from "./day.js";

const dayData = readJson("day-data");
const person = readJson("person-stream");
const strings = readJson("day-strings");
const day = new DayView(strings);
day.apply(dayData.state);

const live = new LiveClient({
  streams: {[dayData.stream]: dayData.seq, [person.stream]: person.seq},
  onEvent(event) {
    if (event.kind === "day.state") day.apply(event.payload);
    if (event.kind === "participant.assigned") location.assign(event.payload.url);
    if (event.kind === "participant.removed") {
      live.stop();
      document.querySelector("[data-lobby-removed]").hidden = false;
    }
  },
  onStatus: (kind, detail) => day.status(kind, detail),
});
day.start(live);
live.start();
document.body.dataset.ready = "1";
