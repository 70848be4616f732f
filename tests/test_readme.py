"""Every `python grade.py ...` command the README shows names a real command with real options."""
import re
import shlex

import click
import pytest

from graders import cli, paths


def readme_commands() -> list[str]:
    text = paths.ROOT.joinpath("README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
    inline = re.findall(r"`(python grade\.py [^`]+)`", text)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    commands = [line for line in lines if line.startswith("python grade.py")] + inline
    found = []
    for command in commands:
        found += [part.strip() for part in command.split("&&") if part.strip().startswith("python grade.py")]
    return sorted(set(found))


def parse(args: list[str]) -> None:
    """Resolve the command chain and parse the leaf's options as click would, without running it."""
    command: click.Command = cli.main
    context = click.Context(command, info_name="grade.py")
    while isinstance(command, click.Group) and args and not args[0].startswith("-"):
        name, command, args = command.resolve_command(context, args)
        context = click.Context(command, info_name=name, parent=context)
    try:
        command.make_context(context.info_name, list(args), parent=context.parent)
    except click.BadParameter as exc:  # a path that only exists on the reader's machine
        if "does not exist" not in str(exc):
            raise


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_parses(command, monkeypatch):
    monkeypatch.setenv("MLKIT_LANG", "en")  # `--lang zh` switches the process: restored after the test
    placeholders = {"SLUG": "activations", "FORMAT": "json", "FILE": "README.md", "SESSION": "x", "OUT": "out"}
    parse([placeholders.get(a, a) for a in shlex.split(command)[2:]])


def test_the_readme_shows_the_mock_commands():
    shown = " ".join(readme_commands())
    for sub in ("mock start", "mock status", "mock hint", "mock check", "mock submit", "mock debrief",
                "mock abandon", "concepts", "progress", "report"):
        assert f"grade.py {sub}" in shown
