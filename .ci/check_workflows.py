"""Checks the GitHub workflows offline; any finding fails the run.

Run: `uv run --group audit python .ci/check_workflows.py [WORKFLOW ...]` (default: .github/workflows/*)

1. GitHub's workflow schema (check-jsonschema's copy of SchemaStore's schema);
2. shellcheck on every bash `run:` script (with `${{ ... }}` read as a variable, as actionlint does);
3. zizmor, the workflow security audit (its offline audits, pedantic: every finding counts; an accepted
   exception is a `# zizmor: ignore[...]` comment in the workflow with the reason beside it).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def bash_scripts(workflow: Path) -> list[tuple[str, str]]:
    """(where, script) for each `run:` of a job that runs on bash (Linux and macOS runners by default)."""
    document = YAML(typ="safe").load(workflow.read_text(encoding="utf-8"))
    default_shell = ((document.get("defaults") or {}).get("run") or {}).get("shell")
    scripts = []
    for job_name, job in (document.get("jobs") or {}).items():
        runner = str(job.get("runs-on", ""))
        job_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell", default_shell)
        for index, step in enumerate(job.get("steps") or []):
            if "run" not in step:
                continue
            shell = step.get("shell", job_shell) or ("pwsh" if runner.startswith("windows") else "bash")
            if shell == "bash":
                where = f"{workflow.name}: jobs.{job_name}.steps[{index}] {step.get('name', '')}".rstrip()
                scripts.append((where, EXPRESSION.sub("${GITHUB_EXPRESSION}", step["run"])))
    return scripts


def shellcheck(workflow: Path) -> bool:
    clean = True
    with tempfile.TemporaryDirectory() as folder:
        for number, (where, script) in enumerate(bash_scripts(workflow)):
            path = Path(folder) / f"step{number}.sh"
            path.write_text(script, encoding="utf-8")  # line numbers as in the run: block
            result = subprocess.run(
                ["shellcheck", "--shell=bash", "--format=gcc", str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                clean = False
                print(f"shellcheck: {where}\n{result.stdout.replace(str(path), 'run')}", file=sys.stderr)
    return clean


def main(argv: list[str]) -> int:
    workflows = [Path(name).resolve() for name in argv] or WORKFLOWS
    if not workflows:
        print("no workflows under .github/workflows", file=sys.stderr)
        return 1
    files = [str(path) for path in workflows]
    steps = {
        "schema": subprocess.run(
            ["check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files], check=False
        ).returncode
        == 0,
        "shellcheck": all([shellcheck(path) for path in workflows]),
        "zizmor": subprocess.run(
            ["zizmor", "--offline", "--no-progress", "--persona=pedantic", *files], check=False
        ).returncode
        == 0,
    }
    for name, passed in steps.items():
        print(f"{name}: {'clean' if passed else 'FINDINGS'}")
    return 0 if all(steps.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
