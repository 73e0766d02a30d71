"""The three tasks of a run: download_launches >> get_pictures >> notify.

Each is a plain function over a RunContext; later tasks work from what earlier ones saved.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rocketwatch import APP_NAME
from rocketwatch.fileio import DISK_FULL, write_atomic
from rocketwatch.ll2.client import LL2Client, LL2Error, clamp_limit, endpoint_for
from rocketwatch.ll2.model import Launch, ParsedPage
from rocketwatch.ll2.parse import PageError, parse_page_bytes
from rocketwatch.notify import Notification, NotifyError, Subject
from rocketwatch.pipeline.context import Cancelled, RunContext, TaskError
from rocketwatch.store.ledger import SENT, SUPPRESSED
from rocketwatch.timefmt import has_countdown, net_words, when_words

if TYPE_CHECKING:
    from rocketwatch.images import ImageOutcome

PAGE_FILE = "launches.json"
# A picture that failed is asked for again only after this long (hosts recover; LL2 rarely fixes URLs).
FAILED_IMAGE_COOLDOWN = timedelta(hours=6)
FINISHED_STATUSES = ("Success", "Failure", "Partial Failure")
# LL2's upcoming list keeps launches of the last 24 hours. A launch is "recent", not upcoming, once it has
# an outcome, or when its NET passed this long ago and it is not in flight (LL2 moves a slipped NET).
RECENT_GRACE = timedelta(hours=1)


def is_recent(launch: Launch, now: datetime) -> bool:
    """True for a launch that already happened (shown and counted apart from the upcoming ones)."""
    if launch.status_abbrev in FINISHED_STATUSES:
        return True
    return launch.net < now - RECENT_GRACE and launch.status_abbrev != "In Flight"


# --- step 1 and 2: get the next launches and keep them ------------------------------------------
def download_launches(ctx: RunContext) -> None:
    source = ctx.config.source
    ctx.log(f"Asking {endpoint_for(source.api_url)} for the next {source.limit} launches")
    client = LL2Client(source.api_url, token=source.token, timeout=ctx.config.pipeline.timeout,
                       max_rate_limit_wait=source.max_rate_limit_wait, sleep=ctx.sleep)
    try:
        with client:
            result = client.fetch_upcoming(source.limit)
    except LL2Error as error:
        ctx.store.runs.add_api_requests(ctx.run_id, getattr(error, "requests", 1) or 0)
        ctx.check_cancelled()
        raise TaskError(str(error)) from error
    ctx.store.runs.add_api_requests(ctx.run_id, result.requests)
    if result.waited_s:
        ctx.log(f"Waited {result.waited_s:.0f} s for LL2's rate limit")
    page = _parse(result.body)
    ctx.page = page
    write_atomic(ctx.run_dir / PAGE_FILE, result.body)
    ctx.check_cancelled()
    upsert = ctx.store.launches.upsert(page.launches, ctx.run_id, now=ctx.now())
    ctx.store.runs.set_stats(ctx.run_id, launches=upsert.seen, new_launches=upsert.new,
                             changed_launches=upsert.changed)
    ctx.log(f"Kept {upsert.seen} launches: {upsert.new} new, {upsert.changed} changed")
    if page.count is not None and page.count > len(page.launches) + page.skipped:
        ctx.log(f"LL2 lists {page.count} upcoming launches in all; RocketWatch asks for one page of "
                f"{clamp_limit(source.limit)} per run to stay within LL2's rate limit ([source] limit)")
    if page.skipped:
        reasons = "; ".join(page.skip_reasons[:5])
        ctx.log(f"Skipped {page.skipped} records LL2 sent without a usable id or NET ({reasons})")


def _parse(body: bytes) -> ParsedPage:
    try:
        return parse_page_bytes(body)
    except PageError as error:
        raise TaskError(str(error)) from error


def saved_page(ctx: RunContext) -> ParsedPage:
    """The launch page this run downloaded (a retry reuses it), parsed once per process."""
    if ctx.page is not None:
        return ctx.page
    try:
        body = (ctx.run_dir / PAGE_FILE).read_bytes()
    except FileNotFoundError:
        raise TaskError("The launch list this run downloaded is missing; run the pipeline again") from None
    ctx.page = _parse(body)
    return ctx.page


# --- step 3 and 4: get the pictures and keep them --------------------------------------------------
def private_api_host(api_url: str) -> bool:
    """True when the API itself is on loopback or a private network (the stand-in, a LAN mirror)."""
    host = urlsplit(api_url).hostname or ""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def get_pictures(ctx: RunContext) -> None:
    from rocketwatch.images import DiskFull, ImageFetcher, ImagesUnreachable, make_thumbnail

    page = saved_page(ctx)
    urls = list(dict.fromkeys(launch.image_url for launch in page.launches if launch.image_url))
    to_fetch, cached, known_bad = _sort_images(ctx, urls, make_thumbnail)
    ctx.log(f"{len(urls)} distinct pictures: {len(cached)} already kept, {len(to_fetch)} to download")
    done = len(urls) - len(to_fetch)
    ctx.progress(done, len(urls))

    def on_result(_outcome: object) -> None:
        nonlocal done
        done += 1
        ctx.progress(done, len(urls))

    pipeline = ctx.config.pipeline
    fetcher = ImageFetcher(ctx.paths.images_dir, ctx.paths.thumbnails_dir,
                           concurrency=pipeline.image_concurrency, max_bytes=pipeline.max_image_bytes,
                           timeout=pipeline.timeout,
                           allow_private_hosts=private_api_host(ctx.config.source.api_url), cancel=ctx.cancel)
    try:
        with fetcher:
            outcomes = fetcher.fetch_all(to_fetch, on_result=on_result)
    except ImagesUnreachable as error:
        # Not recorded as picture failures: the next try of this task asks for all of them again.
        raise TaskError(f"Could not reach the picture server ({', '.join(error.hosts)})") from error
    except DiskFull as error:
        # Keep what was saved; the rest are not failures of the pictures: a retry asks for them again.
        _record_outcomes(ctx, error.saved)
        ctx.store.images.touch(urls, ctx.now())
        raise TaskError(DISK_FULL) from error
    ctx.check_cancelled()
    downloaded, failed = _record_outcomes(ctx, outcomes)
    ctx.store.images.touch(urls, ctx.now())
    ctx.store.runs.set_stats(ctx.run_id, images_distinct=len(urls), images_downloaded=downloaded,
                             images_cached=len(cached), images_failed=failed + len(known_bad))
    ctx.log(f"Pictures: {downloaded} downloaded, {len(cached)} already kept, "
            f"{failed + len(known_bad)} failed")


def _record_outcomes(ctx: RunContext, outcomes: Sequence[ImageOutcome]) -> tuple[int, int]:
    """Record each picture's file or failure reason; returns (downloaded, failed)."""
    downloaded = failed = 0
    for outcome in outcomes:
        if outcome.ok and outcome.file:
            downloaded += 1
            ctx.store.images.record_success(
                outcome.url, file=outcome.file, thumbnail=outcome.thumbnail, format=outcome.format,
                width=outcome.width, height=outcome.height, size_bytes=outcome.size_bytes, run_id=ctx.run_id)
        else:
            failed += 1
            reason = outcome.reason or "unknown problem"
            ctx.store.images.record_failure(outcome.url, reason, permanent=False, run_id=ctx.run_id)
            ctx.log(f"Picture skipped: {outcome.url[:200]}: {reason}")
    return downloaded, failed


def _sort_images(ctx: RunContext, urls: list[str],
                 make_thumbnail: Callable[[Path, Path], bool]) -> tuple[list[str], list[str], list[str]]:
    """Split URLs into (to download, already kept, failed recently and not asked for again)."""
    to_fetch: list[str] = []
    cached: list[str] = []
    known_bad: list[str] = []
    for url in urls:
        record = ctx.store.images.get(url)
        file = ctx.store.images.absolute(record.file) if record else None
        if record and file and file.is_file():
            cached.append(url)
            thumbnail = ctx.store.images.absolute(record.thumbnail)
            if thumbnail is None or not thumbnail.is_file():
                target = ctx.paths.thumbnails_dir / f"{file.stem}.jpg"
                ctx.store.images.set_thumbnail(url, target if make_thumbnail(file, target) else None)
        elif record and record.failed_at and ctx.now() - record.failed_at < FAILED_IMAGE_COOLDOWN:
            known_bad.append(url)
        else:
            to_fetch.append(url)
    return to_fetch, cached, known_bad


# --- step 5: tell me ----------------------------------------------------------------------------------------
def summary_text(ctx: RunContext) -> Notification:
    """'12 upcoming launches, 3 new', 'Next: Falcon 9 Block 5 | Starlink 10-9 in 5 h 12 min (Sat 16:00 CET)'
    and, apart, the launches of the last 24 hours that LL2's list also holds (the gallery's "Recent")."""
    page = saved_page(ctx)
    now = ctx.now()
    recent = [launch for launch in page.launches if is_recent(launch, now)]
    upcoming = sorted((launch for launch in page.launches if not is_recent(launch, now)),
                      key=lambda launch: launch.net)
    first_seen = ctx.store.launches.first_seen_in(ctx.run_id)
    new = sum(launch.id in first_seen for launch in upcoming)
    count = len(upcoming)
    title = f"{count} upcoming launch{'es' if count != 1 else ''}, {new} new"
    also = ""
    if recent:
        also = f"Also {len(recent)} recent launch{'es' if len(recent) != 1 else ''} of the last 24 hours"
    if not upcoming:
        body = "No upcoming launches in LL2's list right now."
        return Notification(title, f"{body}\n{also}" if also else body)
    first: Launch = next((launch for launch in upcoming if launch.net >= now), upcoming[0])
    body = f"Next: {first.name} {when_words(first.net, first.net_precision, now)}"
    if has_countdown(first.net_precision):
        body += f" ({net_words(first.net, first.net_precision, zone=True)})"
    if first.location != "Unknown":
        body += f"\n{first.pad}, {first.location}" if first.pad != "Unknown" else f"\n{first.location}"
    if also:
        body += f"\n{also}"
    _, thumbnail = ctx.store.images.paths_for(first.image_url)
    return Notification(title, body, icon=thumbnail)


def notify(ctx: RunContext) -> None:
    """Launch alerts first, then the run summary. Alerts go first because they are the time-critical
    part: a summary that cannot be shown fails the task, and by then every alert was already claimed
    and shown, so a retry neither holds an alert back nor repeats one. A "refresh" run (the tray asking
    LL2 again just before a reminder) shows its alerts but no summary."""
    from rocketwatch.pipeline.alerting import REFRESH_TRIGGER, alert_run

    alerts = alert_run(ctx)
    if alerts:
        ctx.log(f"{len(alerts)} launch alert{'s' if len(alerts) != 1 else ''} for this run")
    run = ctx.store.runs.get(ctx.run_id)
    if run is not None and run.trigger == REFRESH_TRIGGER:
        ctx.log("A refresh before a reminder: no run summary")
        return
    notification = summary_text(ctx)
    key = f"run-{ctx.run_id}-summary"
    if not ctx.store.ledger.claim(key, kind="summary", title=notification.title, body=notification.body,
                                  run_id=ctx.run_id, now=ctx.now()):
        ctx.log("The summary of this run was already sent; not sending it twice")
        return
    if not ctx.config.notifications.run_summary:
        ctx.store.ledger.settle(key, SUPPRESSED, None, now=ctx.now())
        ctx.log(f"Run summaries are turned off: {notification.title}")
        return
    try:
        backend = ctx.notifier.send(Notification(notification.title, notification.body,
                                                 icon=notification.icon or app_icon(),
                                                 subject=Subject.gallery()))
    except NotifyError as error:
        raise TaskError(f"Could not show the notification: {error}") from error
    ctx.store.ledger.settle(key, SENT, backend, now=ctx.now())
    where = ("written to the log (no desktop notification service here)" if backend == "log"
             else f"sent to the desktop through {backend}")
    ctx.log(f"Summary {where}: {notification.title} — {notification.body.splitlines()[0]}")


def app_icon() -> Path | None:
    from rocketwatch.resources import resource_path

    try:
        icon = resource_path("icons", "rocketwatch.png")
    except FileNotFoundError:
        return None
    return icon if icon.is_file() else None


TASKS: tuple[tuple[str, Callable[[RunContext], None]], ...] = (
    ("download_launches", download_launches),
    ("get_pictures", get_pictures),
    ("notify", notify),
)
TASK_IDS: tuple[str, ...] = tuple(task_id for task_id, _ in TASKS)
TASK_TITLES = {
    "download_launches": "Getting the launch list from Launch Library 2",
    "get_pictures": "Getting the launch pictures",
    "notify": f"Showing the {APP_NAME} summary",
}

__all__ = ["TASKS", "TASK_IDS", "TASK_TITLES", "Cancelled", "TaskError"]
