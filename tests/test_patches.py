"""The audit corpus stores wrong answers as unified diffs of the solution (graders/patches.py)."""
import pytest

from graders.patches import PatchError, apply_patch, make_patch

SOLUTION = "import numpy as np\n\n\ndef f(x):\n    return x + 1\n\n\ndef g(x):\n    return 2 * x\n"
WRONG = SOLUTION.replace("return 2 * x", "return 3 * x")


def test_round_trip():
    patch = make_patch(SOLUTION, WRONG, "ex.py")
    assert "-    return 2 * x" in patch and "+    return 3 * x" in patch
    assert apply_patch(SOLUTION, patch) == WRONG


def test_applies_after_the_solution_grew_above_the_hunk():
    patch = make_patch(SOLUTION, WRONG, "ex.py")
    moved = SOLUTION.replace("import numpy as np\n", "import numpy as np\nimport math\n\nK = 3\n")
    assert apply_patch(moved, patch) == WRONG.replace("import numpy as np\n", "import numpy as np\nimport math\n\nK = 3\n")


def test_several_hunks_and_a_missing_final_newline():
    wrong = SOLUTION.replace("x + 1", "x - 1").replace("2 * x", "x * x").rstrip("\n")
    patch = make_patch(SOLUTION, wrong, "ex.py", context=0)
    assert patch.count("@@ -") == 2
    assert apply_patch(SOLUTION, patch) == wrong + "\n"


def test_a_patch_whose_context_changed_is_refused():
    patch = make_patch(SOLUTION, WRONG, "ex.py")
    with pytest.raises(PatchError, match="does not match"):
        apply_patch(SOLUTION.replace("return 2 * x", "return x + x"), patch)
