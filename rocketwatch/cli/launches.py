"""The commands about launches and events: `launches`, `launch ID`, `events`, `mute`/`unmute`,
`reminders`, `export-ics`, with the JSON shapes scripts rely on."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from rocketwatch.cli.common import clip, ljust, open_store, path_text, print_table, utc_text, width
from rocketwatch.i18n import _, ngettext
from rocketwatch.session import Session
from rocketwatch.timefmt import net_words

if TYPE_CHECKING:
    from rocketwatch.ll2.events import Event
    from rocketwatch.ll2.model import Launch
    from rocketwatch.store import Store
    from rocketwatch.store.launches import LaunchChange

log = logging.getLogger(__name__)


def launch_json(launch: Launch, store: Store) -> dict[str, Any]:
    """One launch as `launches --json` prints it (picture and patch paths from the picture cache)."""
    image, thumbnail = store.images.paths_for(launch.image_url)
    best = launch.best_webcast
    return {
        "id": launch.id,
        "name": launch.name,
        "net": utc_text(launch.net),
        "net_precision": launch.net_precision,
        "status": launch.status_abbrev,
        "provider": launch.provider,
        "location": launch.location,
        "image_url": launch.image_url,
        "image_path": str(image) if image else None,
        "thumbnail_path": str(thumbnail) if thumbnail else None,
        "webcast_url": best.url if best else None,
        "webcast_live": launch.webcast_live,
        "webcasts": [
            {
                "url": link.url,
                "title": link.title,
                "publisher": link.publisher,
                "language": link.language,
                "priority": link.priority,
                "live": link.live,
                "start": utc_text(link.start),
                "end": utc_text(link.end),
            }
            for link in launch.webcasts
        ],
        "landings": [
            {
                "stage": stage.stage,
                "serial": stage.serial,
                "flight_number": stage.flight_number,
                "reused": stage.reused,
                "attempt": stage.attempt,
                "success": stage.success,
                "location": stage.location,
                "type": stage.type,
            }
            for stage in launch.landings
        ],
        "patches": [
            {
                "name": patch.name,
                "image_url": patch.image_url,
                "image_path": path_text(store.images.paths_for(patch.image_url)[0]),
            }
            for patch in launch.patches
        ],
        "updates": [
            {
                "created_at": utc_text(update.created_at),
                "author": update.author,
                "comment": update.comment,
                "info_url": update.info_url or None,
            }
            for update in launch.updates
        ],
        "programs": list(launch.programs),
        "probability": launch.probability,
        "weather_concerns": launch.weather_concerns or None,
        "muted": store.mutes.is_muted(launch.id),
    }


def cmd_launches(session: Session, args: argparse.Namespace) -> int:
    with open_store(session) as store:
        launches = store.launches.upcoming()
        if args.json:
            print(
                json.dumps([launch_json(launch, store) for launch in launches], indent=2, ensure_ascii=False)
            )
            return 0
    if not launches:
        print(_("No launches stored yet. Fetch them with: rocketwatch run"))
        return 0
    rows = [(_("NET (local)"), _("STATUS"), _("LAUNCH"), _("PROVIDER"), _("LOCATION"))]
    for launch in launches:
        rows.append(
            (
                net_words(launch.net, launch.net_precision),
                launch.status_abbrev,
                clip(launch.name, 48),
                clip(launch.provider, 28),
                clip(launch.location, 36),
            )
        )
    print_table(rows)
    return 0


def cmd_launch(session: Session, args: argparse.Namespace) -> int:
    """One launch with everything kept about it and its slip timeline (changes, oldest first)."""
    with open_store(session) as store:
        launch = store.launches.get(args.launch_id)
        if launch is None:
            print(_no_launch(args.launch_id), file=sys.stderr)
            return 1
        data = launch_json(launch, store)
        changes = store.launches.changes(launch_id=launch.id)
    data["changes"] = [
        {"seen_at": utc_text(change.noticed_at), "field": change.field, "old": change.old, "new": change.new}
        for change in changes
    ]
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    for line in launch_lines(launch, data, changes):
        print(line)
    return 0


def launch_lines(launch: Launch, data: dict[str, Any], changes: Sequence[LaunchChange]) -> list[str]:
    """The plain-text page of `launch ID`, in the detail pane's words (rocketwatch.launch_words)."""
    from rocketwatch import launch_words

    rows: list[tuple[str, str]] = [
        (_("NET"), f"{launch_words.net_local_and_utc(launch)} ({launch.status_name})"),
        (_("From"), f"{launch.pad}, {launch.location}"),
        (_("By"), f"{launch.provider} · {launch.rocket}"),
    ]
    if launch.probability is not None:
        weather = _("{percent} go").format(percent=f"{launch.probability}%")
        if launch.weather_concerns:
            weather = f"{weather}; {launch.weather_concerns}"
        rows.append((_("Weather"), weather))
    if launch.programs:
        rows.append((_("Program"), ", ".join(launch.programs)))
    for link in launch.webcasts:
        title, details = launch_words.webcast_title(link), launch_words.webcast_details(link)
        rows.append((_("Webcast"), f"{title} ({details}): {link.url}"))
    for stage in launch.landings:
        booster, landing = launch_words.booster_words(stage), launch_words.landing_words(stage)
        rows.append((_("Booster"), f"{booster}: {landing}"))
    for patch in data["patches"]:
        name = patch["name"]
        if not patch["image_path"]:
            name = _("{name} (picture not kept)").format(name=name)
        rows.append((_("Patch"), name))
    for update in launch_words.newest_first(launch.updates)[:5]:
        comment = clip(" ".join(update.comment.split()), 100)
        rows.append((_("Update"), f"{launch_words.update_heading(update)}: {comment}"))
    # The labels line up in a column as wide as the widest of them in this language (8 in English).
    columns = max(8, *(width(label) for label, _text in rows)) + 1
    lines = [launch.name, *(f"  {ljust(label, columns)}{text}" for label, text in rows)]
    timeline = launch_words.timeline(changes, precision=launch.net_precision)
    if timeline:
        lines.append(_("Changes RocketWatch saw (oldest first):"))
        lines += [f"  {what} ({seen})" for what, seen in timeline]
    return lines


def _no_launch(launch_id: str) -> str:
    return "rocketwatch: " + _("no stored launch has the id {id}").format(id=repr(launch_id))


def cmd_reminders(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.pipeline.alerting import planned_reminders

    now = datetime.now(UTC)
    with open_store(session) as store:
        planned = planned_reminders(store, session.config, now)
    if args.json:
        print(json.dumps([item.to_json() for item in planned], indent=2, ensure_ascii=False))
        return 0
    if not planned:
        print(
            _(
                "No reminders to come. Launches get them when their NET is known to the hour "
                "(see [alerts] in the config file)."
            )
        )
        return 0
    from rocketwatch.alerts import lead_words

    rows = [(_("REMINDS AT (local)"), _("BEFORE"), _("NET (local)"), _("LAUNCH"))]
    for item in planned:
        lead = timedelta(seconds=item.lead_s)
        rows.append(
            (
                net_words(item.fire_at, "MIN"),
                lead_words(lead),
                net_words(item.fire_at + lead, "MIN"),
                clip(item.name, 60),
            )
        )
    print_table(rows)
    return 0


def event_json(event: Event, store: Store) -> dict[str, Any]:
    """One event as `events --json` prints it (the picture's path from the picture cache)."""
    image, _thumbnail = store.images.paths_for(event.image_url or None)
    return {
        "id": event.id,
        "name": event.name,
        "type": event.type,
        "date": utc_text(event.date),
        "date_precision": event.date_precision,
        "location": event.location,
        "description": event.description,
        "image_url": event.image_url or None,
        "image_path": path_text(image),
        "webcast_url": event.webcast_url or None,
        "launch_ids": list(event.launch_ids),
    }


def cmd_events(session: Session, args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    with open_store(session) as store:
        events = store.events.upcoming(since=now - timedelta(days=1))
        if args.json:
            print(json.dumps([event_json(event, store) for event in events], indent=2, ensure_ascii=False))
            return 0
    if not events:
        if session.config.source.events:
            print(_("No events stored yet. rocketwatch run"))
        else:
            print(_("No events stored yet. Turn them on with [source] events = true, then: rocketwatch run"))
        return 0
    rows = [(_("DATE (local)"), _("TYPE"), _("EVENT"), _("LOCATION"))]
    for event in events:
        rows.append(
            (
                net_words(event.date, event.date_precision),
                clip(event.type, 20),
                clip(event.name, 48),
                clip(event.location, 36),
            )
        )
    print_table(rows)
    return 0


def cmd_mute(session: Session, args: argparse.Namespace) -> int:
    """`mute ID` / `unmute ID`: kept in the store, so the tray app (which plans again) and every later
    run follow it."""
    with open_store(session) as store:
        launch = store.launches.get(args.launch_id)
        if launch is None:
            print(_no_launch(args.launch_id), file=sys.stderr)
            return 1
        if args.command == "mute":
            changed = store.mutes.mute(launch.id)
            words = _("Muted: {launch}") if changed else _("Already muted: {launch}")
        else:
            changed = store.mutes.unmute(launch.id)
            words = _("Unmuted: {launch}") if changed else _("Not muted: {launch}")
        print(words.format(launch=launch.name))
    return 0


def cmd_export_ics(session: Session, args: argparse.Namespace) -> int:
    from rocketwatch.calendar import export_ics

    target = args.file.expanduser()
    if not target.parent.is_dir():
        words = _("cannot write {file}: the folder {folder} does not exist").format(
            file=target, folder=target.parent
        )
        print(f"rocketwatch: {words}", file=sys.stderr)
        return 1
    if target.is_dir():
        words = _("cannot write {file}: it is a folder; name a file such as {example}").format(
            file=target, example=target / "launches.ics"
        )
        print(f"rocketwatch: {words}", file=sys.stderr)
        return 1
    try:
        with open_store(session) as store:
            count = export_ics(store, target, session.config.alerts)
    except OSError as error:
        words = _("cannot write {file}: {reason}").format(file=target, reason=error.strerror)
        print(f"rocketwatch: {words}", file=sys.stderr)
        return 1
    words = ngettext("Wrote {count} launch to {file}", "Wrote {count} launches to {file}", count)
    print(words.format(count=count, file=target))
    return 0
