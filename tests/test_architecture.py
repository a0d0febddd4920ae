"""The layering holds: bot/ knows no Telegram, handlers/ no SQL and no Chinese literals."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys

from tests.conftest import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_bot_module_imports_without_loading_telegram() -> None:
    modules = [
        m.name
        for m in pkgutil.walk_packages([str(ROOT / "bot")], prefix="bot.")
        if not m.name.endswith("__main__")
    ]
    code = (
        f"import importlib, sys\nfor name in {modules!r}: importlib.import_module(name)\n"
        "print('telegram' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False"


def _handler_sources() -> list:
    return sorted((ROOT / "handlers").glob("*.py"))


def test_handlers_never_import_sqlalchemy() -> None:
    for path in _handler_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "sqlalchemy" for n in names), path


def test_handlers_hold_no_chinese_literals() -> None:
    for path in _handler_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                assert not CJK.search(node.value), f"{path.name}:{node.lineno}: {node.value!r}"


def test_texts_placeholders_are_named() -> None:
    texts = importlib.import_module("bot.texts")
    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, str):
            assert "{}" not in value, name


def _placeholders(template: str) -> set[str]:
    import string

    return {
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field
    }


def test_every_catalog_sentence_is_filled_with_exactly_its_placeholders() -> None:
    texts = importlib.import_module("bot.texts")
    checked = 0
    for path in [*sorted((ROOT / "bot").rglob("*.py")), *_handler_sources()]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "format"
            ):
                continue
            target = node.func.value
            if not (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "texts"
            ):
                continue
            template = getattr(texts, target.attr)
            if any(k.arg is None for k in node.keywords):
                continue  # **kwargs: checked where they are built
            given = {k.arg for k in node.keywords}
            assert given == _placeholders(template), (
                f"{path.name}:{node.lineno} texts.{target.attr}"
            )
            checked += 1
    assert checked > 50


def test_every_catalog_text_is_used() -> None:
    """A sentence nobody says is a sentence nobody keeps up to date."""
    texts = importlib.import_module("bot.texts")
    catalog = (ROOT / "bot" / "texts.py").read_text(encoding="utf-8")
    code = "".join(
        path.read_text(encoding="utf-8")
        for folder in ("bot", "handlers")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "texts.py"
    )
    unused = [
        name
        for name in vars(texts)
        if name.isupper()
        and not re.search(rf"\b{name}\b", code)
        and len(re.findall(rf"\b{name}\b", catalog)) < 2  # or used by another catalog entry
    ]
    assert unused == []
