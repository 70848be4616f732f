"""The Results JSON (schema 2), as `grade --json` prints it: learner-facing, no instructor detail."""
from ..results import Results


def render(results: Results) -> str:
    return results.to_json() + "\n"
