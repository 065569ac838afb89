"""The event log behind every live screen.

Each change that others must see is stored as an Event in a Stream (a "room": one group's board,
a workshop's wall, a proposal being edited) with a sequence number that increases by one per
stream. Clients remember the last number they saw and resume from it after a reconnect.
"""

from django.db import models


class Stream(models.Model):
    name = models.CharField(max_length=100, unique=True)  # "board:12", "workshop:3"
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seq}"


class Event(models.Model):
    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.stream_id} #{self.seq} {self.kind}"

    def as_message(self) -> dict:
        return {
            "type": "event",
            "stream": self.stream.name,
            "seq": self.seq,
            "kind": self.kind,
            "payload": self.payload,
            "at": self.created_at.isoformat(),
        }
