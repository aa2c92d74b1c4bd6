"""book.methods: every public name resolves to a function of the module it is listed under."""
import importlib

import pytest

import book.methods as methods


@pytest.mark.parametrize("name", sorted(methods.PUBLIC))
def test_public_name_is_a_function_of_its_module(name):
    module = importlib.import_module(f"book.methods.{methods.PUBLIC[name]}")
    assert callable(getattr(module, name))
    assert getattr(methods, name) is getattr(module, name)


def test_an_unknown_name_is_refused_by_name():
    with pytest.raises(AttributeError, match="no 'not_a_method'"):
        methods.not_a_method  # noqa: B018


def test_short_imports_for_readers():
    from book import change_table, period_summary
    from book.methods import change_table as ct2

    assert change_table is ct2 and callable(period_summary)
