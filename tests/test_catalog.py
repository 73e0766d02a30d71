"""The catalog of providers and locations RocketWatch has seen: full names, LL2 ids, how many launches,
renames followed by id, launches kept before ids joined by name; checked against a real detailed page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import SAMPLES

from rocketwatch.ll2.model import Launch
from rocketwatch.ll2.parse import parse_launch
from rocketwatch.paths import paths_for
from rocketwatch.standin import load_fixture_records
from rocketwatch.store import Store
from rocketwatch.store.catalog import CatalogEntry

NET = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
CASC = "China Aerospace Science and Technology Corporation"


def launch(
    launch_id: str,
    provider: str,
    provider_id: int | None,
    location: str = "Unknown",
    location_id: int | None = None,
) -> Launch:
    return Launch(
        id=launch_id,
        name=launch_id,
        net=NET,
        provider=provider,
        provider_id=provider_id,
        location=location,
        location_id=location_id,
    )


def test_providers_and_locations_with_full_names_ids_and_counts(tmp_path: Path) -> None:
    with Store.open(paths_for(tmp_path)) as store:
        store.launches.upsert(
            [
                launch("a", "SpaceX", 121, "Cape Canaveral SFS, FL, USA", 12),
                launch("b", "SpaceX", 121, "Vandenberg SFB, CA, USA", 11),
                launch("c", CASC, 88, "Jiuquan Satellite Launch Center, People's Republic of China", 17),
                launch("d", "Unknown", None),
                launch("e", "rocket lab", None, "Rocket Lab Launch Complex 1, Mahia Peninsula, New Zealand"),
            ],
            None,
        )
        assert store.catalog.providers() == [
            CatalogEntry(CASC, 88, 1),
            CatalogEntry("rocket lab", None, 1),
            CatalogEntry("SpaceX", 121, 2),
        ]
        assert store.catalog.locations() == [
            CatalogEntry("Cape Canaveral SFS, FL, USA", 12, 1),
            CatalogEntry("Jiuquan Satellite Launch Center, People's Republic of China", 17, 1),
            CatalogEntry("Rocket Lab Launch Complex 1, Mahia Peninsula, New Zealand", None, 1),
            CatalogEntry("Vandenberg SFB, CA, USA", 11, 1),
        ]


def test_a_renamed_provider_is_one_entry_under_its_newest_name(tmp_path: Path) -> None:
    with Store.open(paths_for(tmp_path)) as store:
        seen = datetime(2026, 1, 1, tzinfo=UTC)
        store.launches.upsert([launch("old", "Rocket Lab Ltd", 147)], None, now=seen)
        store.launches.upsert([launch("new", "Rocket Lab", 147)], None, now=seen + timedelta(days=1))
        store.launches.upsert([launch("older", "Rocket Lab", None)], None, now=seen - timedelta(days=9))
        assert store.catalog.providers() == [CatalogEntry("Rocket Lab", 147, 3)]


def test_an_empty_store_offers_nothing(tmp_path: Path) -> None:
    with Store.open(paths_for(tmp_path)) as store:
        assert store.catalog.providers() == [] and store.catalog.locations() == []


def test_the_catalog_of_a_real_detailed_page_names_every_provider_and_location(
    tmp_path: Path, ll2_fixtures_dir: Path
) -> None:
    records = load_fixture_records(ll2_fixtures_dir / SAMPLES["2.2.0-detailed"])
    launches = [item for item in map(parse_launch, records) if item is not None]
    providers = {
        record["launch_service_provider"]["name"]: record["launch_service_provider"]["id"]
        for record in records
    }
    locations = {record["pad"]["location"]["name"]: record["pad"]["location"]["id"] for record in records}
    with Store.open(paths_for(tmp_path)) as store:
        store.launches.upsert(launches, None)
        offered = store.catalog.providers()
        assert {entry.name for entry in offered} == set(providers)
        assert sum(entry.launches for entry in offered) == len(launches)
        assert all(entry.ll2_id in (None, providers[entry.name]) for entry in offered)
        assert {entry.name for entry in store.catalog.locations()} == set(locations)
        assert all(entry.ll2_id in (None, locations[entry.name]) for entry in store.catalog.locations())
