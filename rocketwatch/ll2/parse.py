"""Turns LL2's JSON answers into Launch values, whatever shape or types the fields arrive in.

A record without an id or a readable NET is skipped and counted; nothing else here ever raises.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

from rocketwatch.i18n import _
from rocketwatch.ll2.model import (
    MAX_INFO_LINKS,
    MAX_LANDINGS,
    MAX_PATCHES,
    MAX_PROGRAMS,
    MAX_UPDATES,
    MAX_WEBCASTS,
    PRECISION_ORDER,
    STATUS_ABBREVS,
    InfoLink,
    Landing,
    Launch,
    ParsedPage,
    Patch,
    Update,
    Webcast,
    best_webcast,
)

TEXT_LIMIT = 500
DESCRIPTION_LIMIT = 10_000
ID_LIMIT = 200
SHORT_LIMIT = 40
URL_LIMIT = 2048
IMAGE_URL_LIMIT = 8192
MAX_SKIP_REASONS = 20
COMMENT_LIMIT = 2_000
# Items of one list looked at, at most: a hostile page cannot make one launch cost unbounded work.
MAX_ITEMS_READ = 1_000
# LL2 2.0.0/2.1.0 flags for a placeholder date or time, and the precision each one means.
TBD_PRECISION = (("tbddate", "M"), ("tbdtime", "DAY"))
UNKNOWN = "Unknown"
UNNAMED = "Unnamed launch"

# Control characters (C0, DEL, C1), lone surrogates (no text file or database can hold them) and the
# bidirectional embedding, override and isolate controls, which can make text read in a different order
# than it is stored (right-to-left text itself is kept: it needs none of them).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")
_CONTROL_KEEPING_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_SINGLE_LINE_SPACES = re.compile(r"[\t\n\r\v\f\u2028\u2029]")
_URL_SPOILERS = re.compile(r"[\x00-\x20\x7f-\x9f\ud800-\udfff]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


class PageError(ValueError):
    """LL2's answer as a whole could not be read as a page of launches.

    ``retryable`` is False when asking again cannot help: LL2 answered in full, with something else."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


def parse_page_bytes(body: bytes) -> ParsedPage:
    """Decode one LL2 answer (raw bytes) and parse it as a page of launches."""
    return parse_page(decode_json(body))


def decode_json(body: bytes) -> object:
    """The JSON value in ``body``, or PageError saying in plain words why there is none."""
    if not body.strip():
        raise PageError(_("LL2's answer is not JSON (the answer was empty)"))
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        web_page = body.lstrip()[:1] == b"<"
        raise PageError(
            _("LL2's answer is not JSON ({reason})").format(reason=_why_not_json(body, exc)),
            retryable=not web_page,
        ) from exc
    except UnicodeDecodeError as exc:
        raise PageError(_("LL2's answer is not JSON (it is not readable text)")) from exc
    except (ValueError, RecursionError) as exc:
        raise PageError(_("LL2's answer is not JSON (it holds values too large to read)")) from exc


def _why_not_json(body: bytes, error: json.JSONDecodeError) -> str:
    """A short, plain reason why ``body`` failed to decode."""
    if body.lstrip()[:1] == b"<":
        return _("it looks like a web page")
    if _looks_cut_off(error.doc):
        return _("it stops part-way; the download may have been cut off")
    return _("it is broken near character {position}").format(position=error.pos)


def _looks_cut_off(text: str) -> bool:
    """True when ``text`` ends inside a string or with brackets still open."""
    outside_strings = _JSON_STRING.sub("", text)
    if '"' in outside_strings:
        return True
    opened = outside_strings.count("[") + outside_strings.count("{")
    closed = outside_strings.count("]") + outside_strings.count("}")
    return opened > closed


def parse_page(data: object) -> ParsedPage:
    """Parse decoded JSON from LL2: a dict whose "results" is a list of launch records."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise PageError(
            _("LL2 answered with JSON that is not a list of launches but {what}").format(
                what=_what_came(data)
            ),
            retryable=False,
        )
    launches: list[Launch] = []
    reasons: list[str] = []
    skipped = 0
    dropped: Counter[str] = Counter()
    for number, record in enumerate(data["results"], start=1):
        launch_or_reason = read_launch(record, dropped)
        if isinstance(launch_or_reason, Launch):
            launches.append(launch_or_reason)
            continue
        skipped += 1
        if len(reasons) < MAX_SKIP_REASONS:
            reasons.append(f"record {number}: {launch_or_reason}")
    return ParsedPage(
        launches=tuple(launches),
        skipped=skipped,
        count=_count(data.get("count")),
        next_url=_url(data.get("next"), URL_LIMIT) or None,
        skip_reasons=tuple(reasons),
        dropped_parts=tuple(sorted(dropped.items())),
    )


def parse_launch(record: object) -> Launch | None:
    """One LL2 launch record as a Launch, or None when it has no usable id or NET."""
    launch_or_reason = read_launch(record)
    return launch_or_reason if isinstance(launch_or_reason, Launch) else None


def read_launch(record: object, dropped: Counter[str] | None = None) -> Launch | str:
    """One LL2 launch record as a Launch, or a short reason why it cannot be used.

    ``dropped`` counts the parts of a usable launch that were left out as broken ("video links")."""
    if not isinstance(record, dict):
        return f"not a launch record ({_json_kind(record)})"
    launch_id = _launch_id(record.get("id"))
    if not launch_id:
        return "it has no id"
    raw_net = record.get("net")
    net = _utc(raw_net)
    if net is None:
        if raw_net is None or raw_net == "":
            return f"launch {_quoted(launch_id)} has no NET"
        return f"launch {_quoted(launch_id)} has a NET that is not a date: {_quoted(raw_net)}"
    return _launch(record, launch_id, net, dropped if dropped is not None else Counter())


def _launch(record: dict, launch_id: str, net: datetime, dropped: Counter[str]) -> Launch:
    """Build the Launch from a record known to have an id and a NET."""
    status = _dict(record.get("status"))
    mission = _dict(record.get("mission"))
    pad = _dict(record.get("pad"))
    location = _dict(pad.get("location"))
    provider = _dict(record.get("launch_service_provider"))
    image = _image(record.get("image"))
    webcasts = _webcasts(record, mission, dropped)
    best = best_webcast(webcasts)
    return Launch(
        id=launch_id,
        name=_text(record.get("name")) or UNNAMED,
        net=net,
        net_precision=_precision(record),
        window_start=_utc(record.get("window_start")),
        window_end=_utc(record.get("window_end")),
        status_id=_int(status.get("id")),
        status_abbrev=_status_abbrev(status),
        status_name=_text(status.get("name")) or _status_abbrev(status),
        hold_reason=_text(record.get("holdreason")),
        fail_reason=_text(record.get("failreason")),
        provider=_text(provider.get("name")) or UNKNOWN,
        rocket=_rocket(record.get("rocket")) or UNKNOWN,
        mission_name=_text(mission.get("name")),
        mission_description=_description(mission.get("description")),
        mission_type=_text(mission.get("type")),
        orbit=_text(_dict(mission.get("orbit")).get("name")),
        pad=_text(pad.get("name")) or UNKNOWN,
        location=_text(location.get("name")) or UNKNOWN,
        country=_country(pad, location),
        probability=_probability(record.get("probability")),
        webcast_live=record.get("webcast_live") is True,
        webcast_url=best.url if best else "",
        last_updated=_utc(record.get("last_updated")),
        image_url=image["image_url"] or None,
        thumbnail_url=image["thumbnail_url"] or None,
        image_credit=image["credit"],
        image_license=image["license"],
        image_license_url=image["license_url"],
        provider_id=_int(provider.get("id")),
        location_id=_int(location.get("id")),
        webcasts=webcasts,
        landings=_landings(_dict(record.get("rocket")).get("launcher_stage"), dropped),
        patches=_patches(record.get("mission_patches"), dropped),
        updates=_updates(record.get("updates"), dropped),
        programs=_programs(record.get("program"), dropped),
        info_links=_info_links(record, mission, dropped),
        weather_concerns=_text(record.get("weather_concerns"), TEXT_LIMIT * 2),
        hashtag=_text(record.get("hashtag"), SHORT_LIMIT * 2),
        flightclub_url=_url(record.get("flightclub_url"), URL_LIMIT),
    )


def _precision(record: dict) -> str | None:
    """LL2's NET precision; 2.0.0/2.1.0's ``tbddate``/``tbdtime`` make it at least month or day."""
    precision = _text(_dict(record.get("net_precision")).get("abbrev"), SHORT_LIMIT) or None
    for flag, vague in TBD_PRECISION:
        if record.get(flag) is True and _coarseness(precision) < _coarseness(vague):
            precision = vague
    return precision


def _coarseness(precision: str | None) -> int:
    """How vague a precision is: None (exact) and SEC are 0; unknown abbreviations count as exact."""
    return PRECISION_ORDER.index(precision) if precision in PRECISION_ORDER else 0


# --- the parts of a detailed launch: each broken part is dropped alone and counted ----------------
def _items(value: object, part: str, dropped: Counter[str]) -> Iterator[object]:
    """The items of a JSON list (at most MAX_ITEMS_READ); a present non-list counts as dropped."""
    if value is None:
        return iter(())
    if not isinstance(value, list):
        dropped[part] += 1
        return iter(())
    if len(value) > MAX_ITEMS_READ:
        dropped[part] += len(value) - MAX_ITEMS_READ
    return iter(value[:MAX_ITEMS_READ])


def _webcasts(record: dict, mission: dict, dropped: Counter[str]) -> tuple[Webcast, ...]:
    """Every video link (2.3.0 ``vid_urls``, 2.2.0 ``vidURLs``, the mission's), best first, capped."""
    found: dict[str, Webcast] = {}
    for key, holder in (("vid_urls", record), ("vidURLs", record), ("vid_urls", mission)):
        for item in _items(holder.get(key), "video links", dropped):
            webcast = _webcast(item)
            if webcast is None:
                dropped["video links"] += 1
            elif webcast.url not in found:
                found[webcast.url] = webcast
    ordered = sorted(found.values(), key=_webcast_order)
    if len(ordered) > MAX_WEBCASTS:
        dropped["video links"] += len(ordered) - MAX_WEBCASTS
    return tuple(ordered[:MAX_WEBCASTS])


def _webcast_order(link: Webcast) -> tuple[bool, int, datetime]:
    """Best first: live, then the lowest priority number, then the soonest start (like best_webcast)."""
    far = datetime.max.replace(tzinfo=UTC)
    return (not link.live, link.priority if link.priority is not None else 1_000_000, link.start or far)


def _webcast(item: object) -> Webcast | None:
    """One video link from an object or a bare address; None when it has no http(s) address."""
    if isinstance(item, str):
        url = _url(item, URL_LIMIT)
        return Webcast(url) if url else None
    if not isinstance(item, dict):
        return None
    url = _url(item.get("url"), URL_LIMIT)
    if not url:
        return None
    language = item.get("language")
    if isinstance(language, dict):
        language_name = _text(language.get("name"), SHORT_LIMIT) or _text(language.get("code"), SHORT_LIMIT)
    else:
        language_name = _text(language, SHORT_LIMIT)
    kind = item.get("type")
    return Webcast(
        url=url,
        title=_text(item.get("title")),
        publisher=_text(item.get("publisher")),
        language=language_name,
        type=_text(_dict(kind).get("name") if isinstance(kind, dict) else kind, SHORT_LIMIT * 2),
        priority=_int_within(item.get("priority")),
        live=item.get("live") is True,
        start=_utc(item.get("start_time")),
        end=_utc(item.get("end_time")),
    )


def _landings(value: object, dropped: Counter[str]) -> tuple[Landing, ...]:
    """Each launcher stage: booster serial and flight, reuse, and its landing (2.2.0 and 2.3.0 names)."""
    stages: list[Landing] = []
    for item in _items(value, "launcher stages", dropped):
        if not isinstance(item, dict):
            dropped["launcher stages"] += 1
            continue
        if len(stages) == MAX_LANDINGS:
            dropped["launcher stages"] += 1
            continue
        launcher = _dict(item.get("launcher"))
        landing = _dict(item.get("landing"))
        place = _dict(landing.get("landing_location") or landing.get("location"))
        kind = _dict(landing.get("type"))
        stage_type = item.get("type")
        stages.append(
            Landing(
                stage=_text(
                    _dict(stage_type).get("name") if isinstance(stage_type, dict) else stage_type, SHORT_LIMIT
                ),
                serial=_text(launcher.get("serial_number"), SHORT_LIMIT),
                flight_number=_int_within(item.get("launcher_flight_number")),
                reused=_bool(item.get("reused")),
                attempt=_bool(landing.get("attempt")),
                success=_bool(landing.get("success")),
                location=_text(place.get("name")),
                location_abbrev=_text(place.get("abbrev"), SHORT_LIMIT),
                type=_text(kind.get("name")),
                type_abbrev=_text(kind.get("abbrev"), SHORT_LIMIT),
            )
        )
    return tuple(stages)


def _patches(value: object, dropped: Counter[str]) -> tuple[Patch, ...]:
    """Mission patches with an http(s) picture address, each address once, capped."""
    found: dict[str, Patch] = {}
    for item in _items(value, "mission patches", dropped):
        url = _url(_dict(item).get("image_url"), URL_LIMIT)
        if not url:
            dropped["mission patches"] += 1
        elif url not in found and len(found) < MAX_PATCHES:
            found[url] = Patch(name=_text(_dict(item).get("name")) or "Mission patch", image_url=url)
    return tuple(found.values())


def _updates(value: object, dropped: Counter[str]) -> tuple[Update, ...]:
    """LL2's dated comments, newest first, at most MAX_UPDATES (undated ones last)."""
    updates: list[Update] = []
    for item in _items(value, "updates", dropped):
        if not isinstance(item, dict):
            dropped["updates"] += 1
            continue
        update = Update(
            created_at=_utc(item.get("created_on")),
            author=_text(item.get("created_by"), SHORT_LIMIT * 2),
            comment=_cap(_description(item.get("comment")), COMMENT_LIMIT),
            info_url=_url(item.get("info_url"), URL_LIMIT),
        )
        if update.comment or update.info_url:
            updates.append(update)
        else:
            dropped["updates"] += 1
    oldest = datetime.min.replace(tzinfo=UTC)
    updates.sort(key=lambda update: update.created_at or oldest, reverse=True)
    return tuple(updates[:MAX_UPDATES])


def _programs(value: object, dropped: Counter[str]) -> tuple[str, ...]:
    """The names of the programs a launch belongs to ("Starlink", "Artemis")."""
    names: dict[str, None] = {}
    for item in _items(value, "programs", dropped):
        name = _text(_dict(item).get("name") if isinstance(item, dict) else item)
        if name and len(names) < MAX_PROGRAMS:
            names[name] = None
    return tuple(names)


def _info_links(record: dict, mission: dict, dropped: Counter[str]) -> tuple[InfoLink, ...]:
    """Pages about the launch (2.3.0 ``info_urls``, 2.2.0 ``infoURLs``, the mission's), each once."""
    found: dict[str, InfoLink] = {}
    for key, holder in (("info_urls", record), ("infoURLs", record), ("info_urls", mission)):
        for item in _items(holder.get(key), "information links", dropped):
            url = _url(_dict(item).get("url") if isinstance(item, dict) else item, URL_LIMIT)
            if not url:
                dropped["information links"] += 1
            elif url not in found and len(found) < MAX_INFO_LINKS:
                found[url] = InfoLink(url, _text(_dict(item).get("title")))
    return tuple(found.values())


def _launch_id(value: object) -> str:
    """The record's id as text: a non-empty string, or an integer written out."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if abs(value) < 10**100 else ""
    return _text(value, ID_LIMIT)


def _status_abbrev(status: dict) -> str:
    """The short status name: LL2's abbrev, else the known abbrev for its id, else its name."""
    abbrev = _text(status.get("abbrev"), SHORT_LIMIT)
    if abbrev:
        return abbrev
    status_id = _int(status.get("id"))
    if status_id in STATUS_ABBREVS:
        return STATUS_ABBREVS[status_id]
    return _text(status.get("name")) or UNKNOWN


def _rocket(value: object) -> str:
    """The rocket's full name (e.g. "Falcon 9 Block 5"), else its short name."""
    configuration = _dict(_dict(value).get("configuration"))
    return _text(configuration.get("full_name")) or _text(configuration.get("name"))


def _country(pad: dict, location: dict) -> str:
    """The launch country: the pad's country name (2.3.0), else a country code."""
    return (
        _text(_dict(pad.get("country")).get("name"))
        or _text(location.get("country_code"))
        or _text(pad.get("country_code"))
    )


def _probability(value: object) -> int | None:
    """Launch probability as a percentage, or None when LL2 gave no usable number."""
    number = _int(value)
    return number if number is not None and 0 <= number <= 100 else None


def _image(value: object) -> dict[str, str]:
    """Image fields from a URL string (2.0.0-2.2.0) or an image object (2.3.0)."""
    fields = {"image_url": "", "thumbnail_url": "", "credit": "", "license": "", "license_url": ""}
    if isinstance(value, str):
        fields["image_url"] = _image_url(value)
    elif isinstance(value, dict):
        license_ = _dict(value.get("license"))
        fields["image_url"] = _image_url(value.get("image_url"))
        fields["thumbnail_url"] = _image_url(value.get("thumbnail_url"))
        fields["credit"] = _text(value.get("credit"))
        fields["license"] = _text(license_.get("name"))
        fields["license_url"] = _url(license_.get("link"), URL_LIMIT)
    return fields


def _image_url(value: object) -> str:
    """An image address kept as given (trimmed); checking it is the downloader's job."""
    if not isinstance(value, str) or len(value) > IMAGE_URL_LIMIT:
        return ""
    if _LONE_SURROGATE.search(value):
        return ""
    return value.strip()


def _url(value: object, limit: int) -> str:
    """An http(s) address with nothing odd in it, else "" (never cut: a cut URL is wrong)."""
    if not isinstance(value, str) or len(value) > limit + 64:
        return ""
    url = value.strip()
    if len(url) > limit or _URL_SPOILERS.search(url):
        return ""
    if not url.lower().startswith(("http://", "https://")):
        return ""
    return url


def _text(value: object, limit: int = TEXT_LIMIT) -> str:
    """A one-line plain-text field: strings only, controls removed, trimmed and capped."""
    if not isinstance(value, str):
        return ""
    text = _SINGLE_LINE_SPACES.sub(" ", value[: limit * 4])
    return _cap(_CONTROL.sub("", text).strip(), limit)


def _description(value: object) -> str:
    """A multi-line plain-text field: like _text, but line breaks and tabs are kept."""
    if not isinstance(value, str):
        return ""
    text = _LINE_BREAKS.sub("\n", value[: DESCRIPTION_LIMIT * 4])
    return _cap(_CONTROL_KEEPING_LINES.sub("", text).strip(), DESCRIPTION_LIMIT)


def _cap(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def _utc(value: object) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime; a time without offset is taken as UTC."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _int(value: object) -> int | None:
    """An integer that is really an integer (JSON true/false are not numbers here)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _int_within(value: object, limit: int = 1_000_000) -> int | None:
    """A modest integer (a priority, a flight number), or None."""
    number = _int(value)
    return number if number is not None and abs(number) <= limit else None


def _bool(value: object) -> bool | None:
    """JSON true/false, or None when LL2 did not say (or said something else)."""
    return value if isinstance(value, bool) else None


def _count(value: object) -> int | None:
    """The page's total count when LL2 gave a sensible one."""
    number = _int(value)
    return number if number is not None and number >= 0 else None


def _dict(value: object) -> dict:
    """``value`` when it is a JSON object, else an empty one, so lookups can chain."""
    return value if isinstance(value, dict) else {}


def _what_came(data: object) -> str:
    """What a wrong-shaped answer holds, in words: a single launch, an error message, an object."""
    if isinstance(data, dict):
        detail = data.get("detail") if isinstance(data.get("detail"), str) else data.get("error")
        if isinstance(detail, str) and detail.strip():
            return _("an error message: “{message}”").format(message=_text(detail, 120))
        if _launch_id(data.get("id")) and ("net" in data or "name" in data):
            name = _text(data.get("name"), 120)
            return _("a single launch (“{name}”)").format(name=name) if name else _("a single launch")
        keys = [_text(key, SHORT_LIMIT) for key in list(data)[:5]]
        if not keys:
            return _("an empty object")
        more = ", …" if len(data) > 5 else ""
        return _("an object with the keys {keys}").format(keys=", ".join(keys) + more)
    if isinstance(data, list):
        return _("a bare list, without the page around it")
    return _json_kind(data)


def _json_kind(value: object) -> str:
    """What kind of JSON value this is, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a text")
    if isinstance(value, list):
        return _("a list")
    return type(value).__name__


def _quoted(value: object) -> str:
    """A value shown briefly and safely inside a message."""
    text = _text(value, SHORT_LIMIT) if isinstance(value, str) else _json_kind(value)
    return f"“{text}”" if isinstance(value, str) else text
