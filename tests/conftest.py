"""What tests share across files: the lessons executed by tests/test_lessons.py, which tests/test_site.py builds the
course website from (a lesson not found there, as when test_site.py runs alone, is executed by the build itself)."""

import pytest


@pytest.fixture(scope="session")
def executed_lessons(tmp_path_factory):
    return tmp_path_factory.mktemp("executed-lessons")
