"""JUnit XML (one testsuite per exercise), for CI systems that show test reports."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..results import Results, Status

ERRORS = {Status.ERROR, Status.TIMEOUT, Status.MEMORY, Status.CRASH, Status.PROTOCOL, Status.MISSING,
          Status.REFUSED}


def render(results: Results) -> str:
    suites = ET.Element("testsuites", name="ml-interview-kit", tests=str(sum(len(e.tests) for e in results.exercises)),
                        time=f"{sum(e.duration for e in results.exercises):.3f}")
    for exercise in results.exercises:
        failures = sum(t.status not in ERRORS and t.status is not Status.PASS for t in exercise.tests)
        errors = sum(t.status in ERRORS for t in exercise.tests) + (exercise.error is not None and not exercise.tests)
        suite = ET.SubElement(suites, "testsuite", name=exercise.slug, tests=str(len(exercise.tests)),
                              failures=str(failures), errors=str(errors), time=f"{exercise.duration:.3f}")
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="score",
                      value=f"{exercise.score:.4g}/{exercise.max_score:.4g}")
        if exercise.error is not None and not exercise.tests:
            case = ET.SubElement(suite, "testcase", classname=exercise.slug, name="grading", time="0.000")
            ET.SubElement(case, "error", type=exercise.status.value, message=exercise.message)
        for test in exercise.tests:
            case = ET.SubElement(suite, "testcase", classname=f"{exercise.slug}.{test.visibility}", name=test.name,
                                 time=f"{test.duration:.3f}")
            if test.status is not Status.PASS:
                kind = "error" if test.status in ERRORS else "failure"
                ET.SubElement(case, kind, type=test.status.value, message=test.message).text = test.message
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
