"""Opening the store while another process writes must never mistake the live database for a damaged one."""

from __future__ import annotations

import subprocess
import sys
import textwrap

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
