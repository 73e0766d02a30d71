"""LL2's upcoming events kept in the store: each event once by id, its latest version, soonest first.

An event LL2 stops listing stays until retention; the gallery shows events from a day ago onwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rocketwatch.ll2.events import Event
from rocketwatch.store.database import Database, to_text, utc_now

RECENT_EVENTS = timedelta(days=1)


class EventStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def upsert(self, events: Sequence[Event], run_id: int | None, *, now: datetime | None = None) -> int:
        """Keep these events (new ones added, known ones replaced by LL2's latest); returns how many."""
        moment = to_text(now or utc_now())
        with self.db.transaction() as tx:
            for event in events:
                tx.execute(
                    "INSERT INTO events (id, name, type, date, image_url, data, first_seen_at, last_seen_at,"
                    " last_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                    " name = excluded.name, type = excluded.type, date = excluded.date,"
                    " image_url = excluded.image_url, data = excluded.data,"
                    " last_seen_at = excluded.last_seen_at, last_run_id = excluded.last_run_id",
                    (
                        event.id,
                        event.name,
                        event.type,
                        to_text(event.date),
                        event.image_url or None,
                        event.to_data(),
                        moment,
                        moment,
                        run_id,
                    ),
                )
        return len(events)

    def upcoming(self, since: datetime | None = None, limit: int | None = None) -> list[Event]:
        """Events from `since` (default: a day ago) on, soonest first."""
        start = since if since is not None else utc_now() - RECENT_EVENTS
        sql = "SELECT data FROM events WHERE date >= ? ORDER BY date, name"
        params: tuple = (to_text(start),)
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return [Event.from_data(row[0]) for row in self.db.execute(sql, params)]

    def get(self, event_id: str) -> Event | None:
        row = self.db.execute("SELECT data FROM events WHERE id = ?", (event_id,)).fetchone()
        return Event.from_data(row[0]) if row else None

    def image_urls(self) -> set[str]:
        """The pictures events use (retention keeps them like the launches')."""
        return {row[0] for row in self.db.execute("SELECT image_url FROM events WHERE image_url IS NOT NULL")}
