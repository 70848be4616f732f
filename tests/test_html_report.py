"""HTML reports (graders/html_report.py): structure, escaping, no instructor detail, and a real
headless Chromium that renders every page kind with its plots and without console errors."""
from __future__ import annotations

import base64
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graders import html_report
from graders.results import Adjustment, ExerciseResult, Results, Status, TestResult

HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
SECRET = "INSTRUCTOR-ONLY-DETAIL-7f3a"


def sample_results(seed: int = 0, hostile: bool = True) -> Results:
    loss = [1.0 / (1 + 0.3 * i) + 0.01 * ((i * 7 + seed) % 3) for i in range(20)]
    returns = [math.sin(i / 5) * 20 + i * 0.8 + ((i * 13 + seed) % 11) for i in range(150)]
    train = ExerciseResult("train-mlp", 4.0, [
        TestResult("test_fit_reduces_loss", Status.PASS, 2.0, message="loss fell", id="visible::fit",
                   series={"loss": loss, "val_loss": [v + 0.1 for v in loss], "accuracy": [1 - v / 2 for v in loss]},
                   metrics={"val_accuracy": 0.91}, detail=SECRET),
        TestResult("test_hidden_overfit", Status.FAIL, 2.0, visibility="hidden",
                   message=HOSTILE if hostile else "validation loss rose", probes="stops before it overfits",
                   topic="regularization", id="hidden::overfit", detail=SECRET),
    ], adjustments=[Adjustment(-0.5, "hint 1 taken: use early stopping")], detail=SECRET)
    rl = ExerciseResult("q-learning-cartpole", 3.0, [
        TestResult("test_learns", Status.PASS if seed % 2 == 0 else Status.FAIL, 3.0, message="average return 180",
                   series={"episode_returns": returns}, id="visible::learns"),
    ])
    missing = ExerciseResult("softmax", 2.0, [], error=Status.MISSING, message="no submission file")
    return Results([train, rl, missing], {"mode": "local", "submission": "alice", "time": "2024-05-01T10:00:00"})


def sample_batch() -> dict[str, Results]:
    return {f"student{i:02d}": sample_results(seed=i, hostile=(i == 3)) for i in range(6)}


def sample_debrief() -> dict:
    return {
        "session_id": "mock-42", "started": "2024-05-01T10:00:00", "deadline": "2024-05-01T11:00:00",
        "submitted": "2024-05-01T11:05:00", "results": sample_results(),
        "times": {"train-mlp": 1500.0, "q-learning-cartpole": 1200.0, "softmax": None},
        "hints": {"train-mlp": 1},
        "concepts": [{"card": "bias-variance", "question": "Explain the bias-variance trade-off.", "score": 1.5,
                      "max": 3, "mentioned": [True, False, True], "covered": [True, False, True],
                      "answer": "More data lowers variance.",
                      "key_points": ["bias is systematic error", HOSTILE, "more data lowers variance"]},
                     {"card": "dropout", "question": "What does dropout do at test time?", "score": None,
                      "max": 2, "mentioned": [], "key_points": ["nothing is dropped"]}],
        "concept_score": 1.5, "concept_max": 5,
        "study_next": [{"topic": "regularization", "why": "the hidden overfitting check failed",
                        "exercises": ["train-mlp"], "cards": ["bias-variance", "dropout"]}],
        "verdict": "Lean hire: solid coding, " + HOSTILE,
    }


def sample_progress() -> dict:
    return {
        "tracks": [{"track": "foundations", "title": "Foundations", "solved": 6, "attempted": 8, "total": 10,
                    "points": 55.0, "max_points": 100.0},
                   {"track": "deep-learning", "title": "Deep learning", "solved": 2, "attempted": 5, "total": 12,
                    "points": 20.0, "max_points": 120.0},
                   {"track": "rl", "title": "Reinforcement learning", "solved": 0, "attempted": 0, "total": 6,
                    "points": 0.0, "max_points": 60.0}],
        "mocks": [{"date": "2024-04-01T10:00:00", "minutes": 55.0, "coding_score": 4.0, "coding_max": 9.0,
                   "concept_score": 2.0, "concept_max": 5},
                  {"date": "2024-04-15T10:00:00", "minutes": 60.0, "coding_score": 6.0, "coding_max": 9.0,
                   "concept_score": None, "concept_max": 5},
                  {"date": "2024-05-01T10:00:00", "minutes": 65.0, "coding_score": 6.5, "coding_max": 9.0,
                   "concept_score": 1.5, "concept_max": 5}],
        "weak_topics": [{"topic": "regularization", "failures": 4}, {"topic": HOSTILE, "failures": 1}],
        "next": "dropout-from-scratch",
    }


def pages() -> dict[str, str]:
    return {
        "results": html_report.results_page(sample_results(), title="Report for " + HOSTILE),
        "batch": html_report.batch_page(sample_batch()),
        "mock": html_report.mock_page(sample_debrief()),
        "progress": html_report.progress_page(sample_progress()),
    }


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return pages()


def images(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]*)"', html)


def test_every_page_is_self_contained_and_escaped(rendered):
    for kind, html in rendered.items():
        assert html.startswith("<!DOCTYPE html>"), kind
        assert SECRET not in html, kind
        assert "<script>alert" not in html and "<img src=x" not in html, kind
        assert re.findall(r"<script>", html) == ["<script>"], kind  # only the page's own check
        assert not re.search(r'(src|href)="(?!data:|#)', html), kind  # nothing from the network
        assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html, kind
        for src in images(html):
            assert src.startswith("data:image/svg+xml;base64,")
            assert base64.b64decode(src.split(",", 1)[1]).lstrip().startswith(b"<?xml")
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in rendered["results"]
    for kind in ("mock", "progress"):
        assert "&lt;script&gt;alert" in rendered[kind], kind


def test_results_page_shows_tests_adjustments_and_curves(rendered):
    html = rendered["results"]
    for text in ("train-mlp", "q-learning-cartpole", "softmax", "test_hidden_overfit", "hidden",
                 "stops before it overfits", "topic: regularization", "hint 1 taken: use early stopping",
                 "-0.5 points", "no submission file", "val_accuracy = 0.91", "missing", 'href="#ex-1-train-mlp"',
                 'id="ex-1-train-mlp"'):
        assert text in html, text
    # score bars, loss+val_loss, accuracy, episode returns
    assert len(images(html)) == 4
    assert "episode_returns of test_learns: episode returns with a moving average" in html
    assert "loss, val_loss of test_fit_reduces_loss: curves" in html


def test_batch_page_counts_what_the_class_got_wrong(rendered):
    html = rendered["batch"]
    # every student fails the hidden check; odd seeds fail test_learns; all miss softmax
    assert re.search(r"test_hidden_overfit<span class=\"tag\">hidden</span>.*?stops before it overfits"
                     r".*?<td class=\"num\">6/6</td>", html, re.S)
    assert re.search(r"test_learns.*?<td class=\"num\">3/6</td>", html, re.S)
    assert "exercise did not run (missing)" in html
    assert all(f"student{i:02d}" in html for i in range(6))
    assert len(images(html)) == 1 + 3  # total scores + one histogram per exercise
    assert "&lt;script&gt;alert" not in html  # messages are not on the class page, only probes


def test_mock_and_progress_pages(rendered):
    mock = rendered["mock"]
    for text in ("mock-42", "Lean hire", "submitted 5 min after the deadline", "not scored", "25 min",
                 "Explain the bias-variance trade-off.", 'class="hit"', 'class="miss"', 'class="unscored"',
                 "key term found", "More data lowers variance.", "(no answer written)", "regularization",
                 "bias-variance, dropout"):
        assert text in mock, text
    assert len(images(mock)) == 2 + 3  # score and time bars, then the curves (loss, accuracy, returns)
    progress = rendered["progress"]
    for text in ("Foundations", "6", "dropout-from-scratch", "not scored", "penalties, dropout"):
        assert text in progress, text
    assert len(images(progress)) == 2


def test_empty_inputs_render():
    for html in (html_report.results_page(Results()), html_report.batch_page({}), html_report.mock_page({}),
                 html_report.progress_page({})):
        assert "</html>" in html and not images(html)


def test_plots_are_deterministic_and_tolerate_bad_values():
    from graders import plots
    series = {"loss": [1.0, float("nan"), float("inf"), 0.5], "$x^{": [1.0, 2.0]}  # mathtext would raise
    assert plots.line_chart(series, "a $b") == plots.line_chart(series, "a $b")
    long = plots.line_chart({"episode_returns": [float(i % 17) for i in range(100_000)]})
    assert len(long) < 400_000  # thinned
    assert plots.moving_average([1.0, 2.0, 3.0, 4.0], 2)[1:] == [1.5, 2.5, 3.5]
    assert html_report.results_page(sample_results()) == html_report.results_page(sample_results())


def test_write_is_atomic(tmp_path):
    out = html_report.write("<html></html>", tmp_path / "sub" / "report.html")
    assert out.read_text() == "<html></html>"
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    pytest.fail("install chromium: apt-get install -y chromium")


def browse(binary: str, page: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--no-first-run", "--hide-scrollbars", f"--user-data-dir={page.parent / 'profile'}",
                           *args, page.as_uri()], capture_output=True, text=True, timeout=120)


def test_pages_render_in_a_headless_browser(tmp_path, rendered):
    binary = chromium()
    keep = os.environ.get("REPORT_SCREENSHOTS")  # a folder: report_<kind>.png are copied there
    for kind, html in rendered.items():
        page = html_report.write(html, tmp_path / f"{kind}.html")
        done = browse(binary, page, "--enable-logging=stderr", "--v=1", "--virtual-time-budget=5000", "--dump-dom")
        body = re.search(r"<body([^>]*)>", done.stdout)
        assert body, f"{kind}: no DOM dumped\n{done.stderr[-2000:]}"
        count = len(images(html))
        assert f'data-images="{count}/{count}"' in body.group(1), f"{kind}: {body.group(1)}"
        assert 'data-errors="0"' in body.group(1), f"{kind}: {body.group(1)}"
        console = [line for line in done.stderr.splitlines()
                   if "CONSOLE" in line or "Content Security Policy" in line or "Uncaught" in line]
        assert not console, f"{kind}: console output\n" + "\n".join(console)
        shot = tmp_path / f"report_{kind}.png"
        browse(binary, page, f"--screenshot={shot}", "--window-size=1280,2000")
        assert shot.exists() and shot.stat().st_size > 20_000, f"{kind}: no screenshot"
        if keep:
            shutil.copy(shot, Path(keep) / shot.name)


# ------------------------------------------------------------------ through the command line

def grade_py(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    import sys
    from graders import paths
    return subprocess.run([sys.executable, str(paths.ROOT / "grade.py"), *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd or paths.ROOT, env={**os.environ, **(env or {})})


def test_report_command_renders_a_saved_results_file(tmp_path):
    saved = tmp_path / "results.json"
    saved.write_text(sample_results().to_json(), encoding="utf-8")
    done = grade_py("report", str(saved), "--out", str(tmp_path / "r.html"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in page or "data:image/svg+xml" in page
    missing = grade_py("report", "--mock", "nope", "--out", str(tmp_path / "x.html"),
                       env={"MLKIT_HOME": str(tmp_path / "home")})
    assert missing.returncode == 1 and "no mock session 'nope'" in missing.stderr


def test_batch_report_shows_the_class(tmp_path):
    from graders import paths
    for student, source in (("alice", paths.solution_path("activations")), ("bob", paths.stub_path("activations"))):
        (tmp_path / "subs" / student).mkdir(parents=True)
        shutil.copy(source, tmp_path / "subs" / student / "activations.py")
    done = grade_py("batch", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--exercises", "activations",
                    "--insecure", "--report")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "alice" in page and "bob" in page and "activations" in page
