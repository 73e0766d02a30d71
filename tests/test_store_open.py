"""Opening the store while another process writes must never mistake the live database for a damaged one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from rocketwatch.paths import paths_for
from rocketwatch.store import Store

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from rocketwatch.paths import paths_for
    from rocketwatch.store import Store
    store = Store.open(paths_for(Path(sys.argv[1])))
    print("ready", flush=True)
    for number in range(1, 100_000):
        run_id = store.runs.create("scheduled", ("download_launches",), 1)
        store.runs.append_log(store.runs.start_try(run_id, "download_launches")[0], "x" * 20_000)
        if number % 3 == 0:
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
""")


def test_opening_a_live_database_during_checkpoints_never_moves_it_aside(tmp_path) -> None:
    paths = paths_for(tmp_path)
    Store.open(paths).close()
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)],
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
    ) as writer:
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
            for _ in range(150):
                with Store.open(paths) as reader:
                    assert reader.recovered_from is None, "a live database was moved aside"
                    reader.runs.count()
        finally:
            writer.kill()
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_a_migration_another_process_made_meanwhile_is_not_made_again(tmp_path: Path) -> None:
    """The tray and a scheduled `rocketwatch run` opening an older database at once: the second one read
    the old schema version before the first migrated it, and must not run the same step again."""
    from rocketwatch.store.database import SCHEMA_VERSION, Database

    db = Database(tmp_path / "rocketwatch.sqlite3")
    real = db.connection()

    class SeenBeforeTheOtherMigrated:
        """The connection as the second process saw it: the version before the other one's migration."""

        def __init__(self) -> None:
            self.first = True

        def execute(self, sql: str, *args: object) -> object:
            if sql == "PRAGMA user_version" and self.first:
                self.first = False
                return real.execute("SELECT 3")
            return real.execute(sql, *args)

    db._migrate(SeenBeforeTheOtherMigrated())  # type: ignore[arg-type]  # a stand-in connection
    assert real.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
