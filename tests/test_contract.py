"""graders/contract.py: clauses parsed from a statement, markers read from test files, gaps reported."""
from graders import contract, manifest


def test_clauses_are_parsed_from_the_contract_section_only():
    text = """# Title

## Problem
- **C9** not a clause: outside the section

## Contract

- **C1** first clause
  continues here.
- **C2** second clause

## Contract notes
- **C3** not a clause either
"""
    clauses = contract.parse_clauses(text)
    assert [(c.id, c.text) for c in clauses] == [("C1", "first clause continues here."), ("C2", "second clause")]


def test_markers_on_functions_classes_and_modules(tmp_path):
    test_file = tmp_path / "test_x.py"
    test_file.write_text('''import pytest
pytestmark = [pytest.mark.clause("C1")]

@pytest.mark.points(2)
@pytest.mark.clause("C2", "C3", probes="a wrong axis")
def test_a(learner):
    pass

@pytest.mark.clause("C4")
class TestGroup:
    def test_b(self):
        pass

def helper():
    pass
''', encoding="utf-8")
    found, unmarked = contract.file_enforcements(test_file)
    by_name = {e.test.split("::", 1)[1]: e for e in found}
    assert by_name["test_a"].clauses == ("C1", "C2", "C3") and by_name["test_a"].probes == "a wrong axis"
    assert by_name["TestGroup::test_b"].clauses == ("C1", "C4")
    assert unmarked == []


def test_gaps_are_problems(tmp_path):
    report = contract.ContractReport("roc_auc", [contract.Clause("C1", "x"), contract.Clause("C2", "y")],
                                     [contract.Enforcement("t::test_a", ("C1", "C7"))], ["t::test_b"])
    problems = "\n".join(report.problems())
    assert "C2 is enforced by no test" in problems
    assert "cites clause C7" in problems
    assert "t::test_b declares no clause" in problems
    assert "C1 is enforced" not in problems


def test_every_statement_has_a_fully_enforced_contract():
    """Every statement has its Contract section, every clause is enforced, every hidden test is marked."""
    for slug in manifest.all_slugs():
        assert contract.report(slug).problems() == [], slug
