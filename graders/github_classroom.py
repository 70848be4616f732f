"""GitHub Classroom: a workflow that grades a student's repository with the kit.

    python grade.py export github-classroom OUT --kit-repo ORG/KIT [--exercises a,b]

writes OUT/.github/workflows/classroom.yml for the assignment's template repository (the student
bundle). Hidden tests must not live in the students' repositories, so the workflow checks out the
instructor's private copy of the kit (ORG/KIT, with a read-only token in the KIT_TOKEN secret) next
to the student's code. One step per exercise prints the kit's runner result (`grade --format
github-classroom`, base64 JSON with per-test scores, so partial credit survives) as its output
`result`; `classroom-resources/autograding-grading-reporter@v1` reads them from `<STEP>_RESULTS`.
The reporter strips the environment, so every step sets what it needs inline.
"""
from __future__ import annotations

from pathlib import Path

WORKFLOW = Path(".github") / "workflows" / "classroom.yml"


def step_id(slug: str) -> str:
    """A step id; the reporter reads the step's result from the environment as <ID upper-cased>_RESULTS."""
    return slug


def quoted(text: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + text.replace("'", "''") + "'"


def grading_command(slug: str) -> str:
    """The shell command one step runs (from the workspace holding `kit/` and `submission/`)."""
    return (f'echo "result=$(TF_CPP_MIN_LOG_LEVEL=3 python kit/grade.py grade {slug} --target submission '
            f'--secure --format github-classroom)" >> "$GITHUB_OUTPUT"')


def workflow(slugs: list[str], kit_repo: str) -> str:
    lines = [
        "# Written by `python grade.py export github-classroom`; grades with the ML interview kit.",
        "name: Autograding Tests",
        "'on':",
        "  - push",
        "  - workflow_dispatch",
        "  - repository_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "      - name: Check out the submission",
        "        uses: actions/checkout@v4",
        "        with:",
        "          path: submission",
        "      - name: Check out the kit (hidden tests stay out of students' repositories)",
        "        uses: actions/checkout@v4",
        "        with:",
        f"          repository: {kit_repo}",
        "          token: ${{ secrets.KIT_TOKEN }}",
        "          path: kit",
        "      - uses: actions/setup-python@v5",
        "        with:",
        "          python-version: '3.11'",
        "      - name: Install the kit",
        "        run: python -m pip install -e kit",
    ]
    for slug in slugs:
        lines += [
            f"      - name: {slug}",
            f"        id: {step_id(slug)}",
            f"        run: {quoted(grading_command(slug))}",
        ]
    lines += [
        "      - name: Autograding Reporter",
        "        uses: classroom-resources/autograding-grading-reporter@v1",
        "        env:",
    ]
    lines += [f"          {step_id(slug).upper()}_RESULTS: "
              f"\"${{{{steps.{step_id(slug)}.outputs.result}}}}\"" for slug in slugs]
    lines += [
        "        with:",
        f"          runners: {','.join(step_id(s) for s in slugs)}",
    ]
    return "\n".join(lines) + "\n"


def write_workflow(out: Path, slugs: list[str], kit_repo: str) -> Path:
    path = Path(out) / WORKFLOW
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(workflow(slugs, kit_repo), encoding="utf-8")
    return path
