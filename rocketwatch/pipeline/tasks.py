"""The tasks of a run: download_launches >> get_pictures >> notify >> download_events.

Each is a plain function over a RunContext; later tasks work from what earlier ones saved.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rocketwatch.addresses import private_api_host
from rocketwatch.fileio import disk_full_words, write_atomic
from rocketwatch.i18n import _, ngettext
from rocketwatch.ll2.client import FetchResult, LL2Client, LL2Error, RateLimited, clamp_limit, endpoint_for
from rocketwatch.ll2.model import Launch, ParsedPage, is_recent
from rocketwatch.ll2.parse import MAX_SKIP_REASONS, PageError, parse_page_bytes
from rocketwatch.notify import Notification, NotifyError, Subject
from rocketwatch.pipeline.alerting import REFRESH_TRIGGER, alert_run
from rocketwatch.pipeline.context import Cancelled, NotRetryable, RunContext, TaskError
from rocketwatch.pipeline.dag import SKIPPED_TASK, TASK_IDS, TASK_TITLES, task_title
from rocketwatch.rate_limit import hourly_request_limit
from rocketwatch.resources import app_icon_path
from rocketwatch.store.ledger import SENT, SUPPRESSED
from rocketwatch.timefmt import has_countdown, net_words, when_words

if TYPE_CHECKING:
    from rocketwatch.images import ImageFetcher, ImageOutcome

PAGE_FILE = "launches.json"
EVENTS_FILE = "events.json"
# A picture that failed is asked for again only after this long (hosts recover; LL2 rarely fixes URLs).
FAILED_IMAGE_COOLDOWN = timedelta(hours=6)
MAX_PAGES = 20  # [source] pages is at most this


# --- step 1 and 2: get the next launches and keep them ------------------------------------------
def download_launches(ctx: RunContext) -> None:
    source = ctx.config.source
    ctx.log(
        f"Asking {endpoint_for(source.api_url)} for the next {clamp_limit(source.limit)} launches "
        f"({source.mode} mode)"
    )
    client = _client(ctx)
    with client:
        first = _fetch(ctx, lambda: client.fetch_upcoming(source.limit, source.mode))
        page = _parse(first)  # a first page that is not launches fails the try
        _remove_later_pages(ctx.run_dir)
        write_atomic(ctx.run_dir / PAGE_FILE, first)
        pages = [page]
        del first
        pages += _follow_next_pages(ctx, client, page)
    page = merge_pages(pages)
    ctx.page = page
    ctx.check_cancelled()
    upsert = ctx.store.launches.upsert(page.launches, ctx.run_id, now=ctx.now())
    ctx.store.runs.set_stats(
        ctx.run_id, launches=upsert.seen, new_launches=upsert.new, changed_launches=upsert.changed
    )
    ctx.log(f"Kept {upsert.seen} launches: {upsert.new} new, {upsert.changed} changed")
    if page.skipped:
        reasons = "; ".join(page.skip_reasons[:5])
        ctx.log(f"Skipped {page.skipped} records LL2 sent without a usable id or NET ({reasons})")
    if page.dropped_parts:
        parts = ", ".join(f"{count} {part}" for part, count in page.dropped_parts)
        ctx.log(f"Left out broken or surplus parts of some launches (the launches are kept): {parts}")


def _client(ctx: RunContext) -> LL2Client:
    """The LL2 client for this try. A token no request can carry fails the task at once (no retry
    changes the settings)."""
    source = ctx.config.source
    try:
        return LL2Client(
            source.api_url,
            token=source.token,
            timeout=ctx.config.pipeline.timeout,
            max_rate_limit_wait=source.max_rate_limit_wait,
            sleep=ctx.sleep,
        )
    except LL2Error as error:
        raise NotRetryable(str(error)) from error


def _fetch(ctx: RunContext, fetch: Callable[[], FetchResult]) -> bytes:
    """One page from LL2, its requests counted for the run; a failure is the try's failure. LL2's rate
    limit closed for longer than RocketWatch waits is not tried again in this run: each try would only
    spend another refused request."""
    try:
        result = fetch()
    except LL2Error as error:
        ctx.store.runs.add_api_requests(ctx.run_id, getattr(error, "requests", 1) or 0)
        ctx.check_cancelled()
        if isinstance(error, RateLimited):
            raise NotRetryable(str(error)) from error
        raise TaskError(str(error)) from error
    ctx.store.runs.add_api_requests(ctx.run_id, result.requests)
    if result.waited_s:
        ctx.log(f"Waited {result.waited_s:.0f} s for LL2's rate limit")
    return result.body


def _follow_next_pages(ctx: RunContext, client: LL2Client, first: ParsedPage) -> list[ParsedPage]:
    """Pages 2.. up to [source] pages, each one request, never beyond the hourly budget. A later page
    that fails ends the following; the pages already fetched are kept."""
    source = ctx.config.source
    pages: list[ParsedPage] = []
    next_url = first.next_url
    number = 1
    while next_url and number < source.pages:
        limit = hourly_request_limit(source.token)
        used = ctx.store.runs.api_requests_since(ctx.now() - timedelta(hours=1))
        if used >= limit:
            ctx.log(
                f"Not following LL2's next page: the last hour's {used} requests use up LL2's "
                f"{limit} an hour; the next run asks again",
                logging.WARNING,
            )
            return pages
        number += 1
        ctx.check_cancelled()
        try:
            body = _fetch(ctx, partial(client.fetch_next, next_url))
            page = _parse(body)
        except TaskError as error:
            ctx.log(
                f"Page {number} of LL2's list could not be used, keeping the first {number - 1}: {error}",
                logging.WARNING,
            )
            return pages
        write_atomic(ctx.run_dir / page_file(number), body)
        pages.append(page)
        next_url = page.next_url
    if next_url:
        total = f"{first.count} upcoming launches in all" if first.count is not None else "more launches"
        ctx.log(
            f"LL2 lists {total}; RocketWatch followed {number} page{'s' if number != 1 else ''} of "
            f"{clamp_limit(source.limit)} ([source] pages, each page one request of LL2's "
            f"{hourly_request_limit(source.token)} an hour)"
        )
    return pages


def page_file(number: int) -> str:
    """The file of a run's n-th saved page: launches.json, launches-2.json, ..."""
    return PAGE_FILE if number == 1 else f"launches-{number}.json"


def _remove_later_pages(run_dir: Path) -> None:
    """Pages 2.. of an earlier try of this run (a new try fetches them again)."""
    for path in run_dir.glob("launches-*.json"):
        path.unlink(missing_ok=True)


def merge_pages(pages: Sequence[ParsedPage]) -> ParsedPage:
    """One page from several: each launch once (LL2's list can shift between requests), counts added."""
    if len(pages) == 1:
        return pages[0]
    launches: dict[str, Launch] = {}
    dropped: Counter[str] = Counter()
    for page in pages:
        for launch in page.launches:
            launches.setdefault(launch.id, launch)
        dropped.update(dict(page.dropped_parts))
    return ParsedPage(
        launches=tuple(launches.values()),
        skipped=sum(page.skipped for page in pages),
        count=pages[0].count,
        next_url=pages[-1].next_url,
        skip_reasons=tuple(reason for page in pages for reason in page.skip_reasons)[:MAX_SKIP_REASONS],
        dropped_parts=tuple(sorted(dropped.items())),
    )


def _parse(body: bytes) -> ParsedPage:
    try:
        return parse_page_bytes(body)
    except PageError as error:
        if not error.retryable:
            raise NotRetryable(str(error)) from error
        raise TaskError(str(error)) from error


def saved_page(ctx: RunContext) -> ParsedPage:
    """The launch pages this run downloaded (a retry reuses them), parsed once per process."""
    if ctx.page is not None:
        return ctx.page
    pages: list[ParsedPage] = []
    for number in range(1, MAX_PAGES + 1):
        try:
            body = (ctx.run_dir / page_file(number)).read_bytes()
        except FileNotFoundError:
            if number == 1:
                raise TaskError(
                    _("The launch list this run downloaded is missing; run the pipeline again")
                ) from None
            break
        pages.append(_parse(body))
    ctx.page = merge_pages(pages)
    return ctx.page


# --- step 3 and 4: get the pictures and keep them --------------------------------------------------
def get_pictures(ctx: RunContext) -> None:
    """Each distinct launch picture and mission patch, fetched once ever, with thumbnails. A patch is
    kept by the same rules as a picture; one that fails leaves its launch shown without it."""
    from rocketwatch.images import DiskFull, ImagesUnreachable, make_thumbnail, thumbnail_name

    page = saved_page(ctx)
    urls = list(dict.fromkeys(launch.image_url for launch in page.launches if launch.image_url))
    pictures = set(urls)
    patch_urls = list(
        dict.fromkeys(
            patch.image_url
            for launch in page.launches
            for patch in launch.patches
            if patch.image_url not in pictures
        )
    )
    every_url = urls + patch_urls
    to_fetch, cached, known_bad = _sort_images(ctx, every_url, make_thumbnail, thumbnail_name)
    fetch_pictures = [url for url in to_fetch if url in pictures]
    cached_pictures = [url for url in cached if url in pictures]
    bad_pictures = [url for url in known_bad if url in pictures]
    ctx.log(
        f"{len(urls)} distinct pictures: {len(cached_pictures)} already kept, "
        f"{len(fetch_pictures)} to download"
    )
    if patch_urls:
        ctx.log(
            f"{len(patch_urls)} distinct mission patches: {len(cached) - len(cached_pictures)} already "
            f"kept, {len(to_fetch) - len(fetch_pictures)} to download"
        )
    done = len(every_url) - len(to_fetch)
    ctx.progress(done, len(every_url))

    def on_result(_outcome: object) -> None:
        nonlocal done
        done += 1
        ctx.progress(done, len(every_url))

    try:
        with _picture_fetcher(ctx) as fetcher:
            outcomes = fetcher.fetch_all(to_fetch, on_result=on_result)
    except ImagesUnreachable as error:
        # Not recorded as picture failures: the next try of this task asks for all of them again.
        hosts = ", ".join(error.hosts)
        raise TaskError(_("Could not reach the picture server ({hosts})").format(hosts=hosts)) from error
    except DiskFull as error:
        # Keep what was saved; the rest are not failures of the pictures: a retry asks for them again.
        _record_outcomes(ctx, error.saved)
        ctx.store.images.touch(every_url, ctx.now())
        raise TaskError(disk_full_words()) from error
    ctx.check_cancelled()
    _record_outcomes(ctx, outcomes)
    saved = {outcome.url for outcome in outcomes if outcome.ok and outcome.file}
    tried = {outcome.url for outcome in outcomes}
    downloaded, failed = len(saved & pictures), len((tried - saved) & pictures)
    ctx.store.images.touch(every_url, ctx.now())
    # The run's picture figures count every file kept: launch pictures and mission patches.
    ctx.store.runs.set_stats(
        ctx.run_id,
        images_distinct=len(every_url),
        images_downloaded=len(saved),
        images_cached=len(cached),
        images_failed=len(tried - saved) + len(known_bad),
    )
    ctx.log(
        f"Pictures: {downloaded} downloaded, {len(cached_pictures)} already kept, "
        f"{failed + len(bad_pictures)} failed"
    )
    if patch_urls:
        patches_ok, patches_failed = len(saved - pictures), len(tried - saved - pictures)
        ctx.log(
            f"Mission patches: {patches_ok} downloaded, {patches_failed} failed "
            "(a launch whose patch failed is shown without it)"
        )


def _picture_fetcher(ctx: RunContext) -> ImageFetcher:
    """The picture fetcher for launch pictures, patches and event pictures alike: one set of limits and
    safety rules from [pipeline], private hosts allowed only when the API itself is on one."""
    from rocketwatch.images import ImageFetcher

    pipeline = ctx.config.pipeline
    return ImageFetcher(
        ctx.paths.images_dir,
        ctx.paths.thumbnails_dir,
        concurrency=pipeline.image_concurrency,
        max_bytes=pipeline.max_image_bytes,
        timeout=pipeline.timeout,
        allow_private_hosts=private_api_host(ctx.config.source.api_url),
        cancel=ctx.cancel,
    )


def _record_outcomes(ctx: RunContext, outcomes: Sequence[ImageOutcome]) -> tuple[int, int]:
    """Record each picture's file or failure reason; returns (downloaded, failed)."""
    downloaded = failed = 0
    for outcome in outcomes:
        if outcome.ok and outcome.file:
            downloaded += 1
            ctx.store.images.record_success(
                outcome.url,
                file=outcome.file,
                thumbnail=outcome.thumbnail,
                format=outcome.format,
                width=outcome.width,
                height=outcome.height,
                size_bytes=outcome.size_bytes,
                run_id=ctx.run_id,
            )
        else:
            failed += 1
            reason = outcome.reason or _("unknown problem")
            ctx.store.images.record_failure(outcome.url, reason, permanent=False, run_id=ctx.run_id)
            ctx.log(f"Picture skipped: {outcome.url[:200]}: {reason}")
    return downloaded, failed


def _sort_images(
    ctx: RunContext,
    urls: list[str],
    make_thumbnail: Callable[[Path, Path], bool],
    thumbnail_name: Callable[[str], str],
) -> tuple[list[str], list[str], list[str]]:
    """Split URLs into (to download, already kept, failed recently and not asked for again)."""
    from rocketwatch.images import thumbnail_name

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
                target = ctx.paths.thumbnails_dir / thumbnail_name(file.name)
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
    upcoming = sorted(
        (launch for launch in page.launches if not is_recent(launch, now)), key=lambda launch: launch.net
    )
    first_seen = ctx.store.launches.first_seen_in(ctx.run_id)
    new = sum(launch.id in first_seen for launch in upcoming)
    count = len(upcoming)
    title = ngettext(
        "{count} upcoming launch, {new} new", "{count} upcoming launches, {new} new", count
    ).format(count=count, new=new)
    also = ""
    if recent:
        also = ngettext(
            "Also {count} recent launch of the last 24 hours",
            "Also {count} recent launches of the last 24 hours",
            len(recent),
        ).format(count=len(recent))
    if not upcoming:
        body = _("No upcoming launches in LL2's list right now.")
        return Notification(title, f"{body}\n{also}" if also else body)
    first: Launch = next((launch for launch in upcoming if launch.net >= now), upcoming[0])
    when = when_words(first.net, first.net_precision, now)
    if has_countdown(first.net_precision):
        body = _("Next: {launch} {when} ({net})").format(
            launch=first.name, when=when, net=net_words(first.net, first.net_precision, zone=True)
        )
    else:
        body = _("Next: {launch} {when}").format(launch=first.name, when=when)
    if first.location != "Unknown":
        body += f"\n{first.pad}, {first.location}" if first.pad != "Unknown" else f"\n{first.location}"
    if also:
        body += f"\n{also}"
    _image, thumbnail = ctx.store.images.paths_for(first.image_url)
    return Notification(title, body, icon=thumbnail)


def notify(ctx: RunContext) -> None:
    """Launch alerts first, then the run summary. Alerts go first because they are the time-critical
    part: a summary that cannot be shown fails the task, and by then every alert was already claimed
    and shown, so a retry neither holds an alert back nor repeats one. A "refresh" run (the tray asking
    LL2 again just before a reminder) shows its alerts but no summary."""
    alerts = alert_run(ctx)
    if alerts:
        ctx.log(f"{len(alerts)} launch alert{'s' if len(alerts) != 1 else ''} for this run")
    run = ctx.store.runs.get(ctx.run_id)
    if run is not None and run.trigger == REFRESH_TRIGGER:
        ctx.log("A refresh before a reminder: no run summary")
        return
    notification = summary_text(ctx)
    key = f"run-{ctx.run_id}-summary"
    if not ctx.store.ledger.claim(
        key,
        kind="summary",
        title=notification.title,
        body=notification.body,
        run_id=ctx.run_id,
        now=ctx.now(),
    ):
        ctx.log("The summary of this run was already sent; not sending it twice")
        return
    if not ctx.config.notifications.run_summary:
        ctx.store.ledger.settle(key, SUPPRESSED, None, now=ctx.now())
        ctx.log(f"Run summaries are turned off: {notification.title}")
        return
    try:
        backend = ctx.notifier.send(
            Notification(
                notification.title,
                notification.body,
                icon=notification.icon or app_icon_path(),
                subject=Subject.gallery(),
            )
        )
    except NotifyError as error:
        raise TaskError(_("Could not show the notification: {error}").format(error=error)) from error
    ctx.store.ledger.settle(key, SENT, backend, now=ctx.now())
    where = (
        "written to the log (no desktop notification service here)"
        if backend == "log"
        else f"sent to the desktop through {backend}"
    )
    ctx.log(f"Summary {where}: {notification.title} — {notification.body.splitlines()[0]}")


# --- LL2's upcoming events ([source] events) ------------------------------------------------------------
def download_events(ctx: RunContext) -> str | None:
    """One more request: LL2's upcoming events, kept in the store with their pictures (same cache and
    rules as launch pictures). Its own task: a failure here leaves the run's launches as they are."""
    from rocketwatch.ll2.client import events_endpoint
    from rocketwatch.ll2.events import EVENTS_LIMIT, parse_events_bytes

    source = ctx.config.source
    if not source.events:
        ctx.log("Events are turned off ([source] events = false)")
        return SKIPPED_TASK
    limit = hourly_request_limit(source.token)
    used = ctx.store.runs.api_requests_since(ctx.now() - timedelta(hours=1))
    if used >= limit:
        ctx.log(
            f"Not asking for events: the last hour's {used} requests use up LL2's {limit} an hour; "
            "the next run asks again",
            logging.WARNING,
        )
        return SKIPPED_TASK
    ctx.log(f"Asking {events_endpoint(source.api_url)} for the next {EVENTS_LIMIT} events")
    client = _client(ctx)
    with client:
        body = _fetch(ctx, lambda: client.fetch_events(EVENTS_LIMIT))
    try:
        page = parse_events_bytes(body)
    except PageError as error:
        raise TaskError(str(error)) from error
    write_atomic(ctx.run_dir / EVENTS_FILE, body)
    ctx.check_cancelled()
    ctx.store.events.upsert(page.events, ctx.run_id, now=ctx.now())
    ctx.log(f"Kept {len(page.events)} events")
    if page.skipped:
        ctx.log(
            f"Skipped {page.skipped} events LL2 sent without a usable id or date "
            f"({'; '.join(page.skip_reasons[:5])})",
            logging.WARNING,
        )
    _event_pictures(ctx, [event.image_url for event in page.events if event.image_url])
    return None


def _event_pictures(ctx: RunContext, urls: list[str]) -> None:
    """The events' pictures, each distinct one fetched once ever (a picture that fails is logged; the
    event is shown without it)."""
    from rocketwatch.images import DiskFull, ImagesUnreachable, make_thumbnail, thumbnail_name

    to_fetch, cached, known_bad = _sort_images(ctx, list(dict.fromkeys(urls)), make_thumbnail, thumbnail_name)
    if to_fetch:
        try:
            with _picture_fetcher(ctx) as fetcher:
                outcomes = fetcher.fetch_all(to_fetch)
        except ImagesUnreachable as error:
            ctx.log(
                f"Event pictures: could not reach {', '.join(error.hosts)}; the next run asks again",
                logging.WARNING,
            )
            return
        except DiskFull as error:  # keep what was saved; the rest are asked for again, not failures
            _record_outcomes(ctx, error.saved)
            raise TaskError(disk_full_words()) from error
        ctx.check_cancelled()  # a cancelled picture is not a failed one (no 6 h cooldown for it)
        downloaded, failed = _record_outcomes(ctx, outcomes)
    else:
        downloaded = failed = 0
    ctx.store.images.touch(urls, ctx.now())
    ctx.log(
        f"Event pictures: {downloaded} downloaded, {len(cached)} already kept, "
        f"{failed + len(known_bad)} failed"
    )


TASKS: tuple[tuple[str, Callable[[RunContext], str | None]], ...] = (
    ("download_launches", download_launches),
    ("get_pictures", get_pictures),
    ("notify", notify),
    ("download_events", download_events),
)
if tuple(task_id for task_id, _function in TASKS) != TASK_IDS:  # dag.py names them in the same order
    raise RuntimeError("pipeline.dag.TASK_IDS and pipeline.tasks.TASKS disagree")

__all__ = ["TASKS", "TASK_IDS", "TASK_TITLES", "Cancelled", "TaskError", "task_title"]
