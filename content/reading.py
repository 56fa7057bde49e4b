"""Read YAML content and validate it: the reading every seed kind shares, plus directives and templates.

A file with a mistake is refused with a ContentError naming the file, the place
(section and item key) and the problem, so an editor can fix it at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from content.models import Directive, Item, Template
from core.errors import ContentError
from core.fields import NOT_TEXT

M = TypeVar("M", bound=BaseModel)
# A model-level rule's message that starts with one of these names its own place ("item sp-x: …").
PLACES = ("item ", "section ", "objective ", "drill type ", "rule ", "inject ")


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that gives a key twice (it would keep the last one unsaid)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                continue  # a merge (<<) may override; a key that is not a scalar fails on its own
            key = self.construct_object(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError("while constructing a mapping", node.start_mark,
                                                        f"found the key {key!r} twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    """The parsed YAML of a file; a missing, unreadable, non-UTF-8 or malformed file is a ContentError, and
    so is one giving a key twice in a mapping, nested too deeply to read, or holding a text with a
    character no text may hold (core.fields.NOT_TEXT: a control character such as NUL, written as an escape)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # _Loader is a SafeLoader
    except RecursionError:
        raise ContentError(str(path), "-", "nested too deeply to read / 嵌套层次过深，无法读取") from None
    except FileNotFoundError:
        raise ContentError(str(path), "-", "file not found / 文件不存在") from None
    except IsADirectoryError:
        raise ContentError(str(path), "-", "a folder, not a file / 这是文件夹而不是文件") from None
    except UnicodeDecodeError as exc:
        raise ContentError(str(path), f"byte {exc.start}", "not UTF-8 text / 文件不是 UTF-8 编码") from None
    except OSError as exc:
        raise ContentError(str(path), "-", f"cannot be read / 无法读取: {exc.strerror}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
        detail = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ContentError(str(path), where, f"not valid YAML / YAML 格式错误: {detail}") from None
    except yaml.YAMLError as exc:
        raise ContentError(str(path), "-", f"not valid YAML / YAML 格式错误: {exc}") from None
    _refuse_bad_text(raw, path)
    return raw


def _refuse_bad_text(raw: Any, path: Path) -> None:
    """A ContentError naming the first text (key or value) with a character no text may hold, and its place."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(raw, ())]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, dict):
            for key, value in reversed(list(node.items())):
                _check_text(key, raw, loc, path)
                stack.append((value, (*loc, key)))
        elif isinstance(node, list):
            stack.extend((value, (*loc, i)) for i, value in reversed(list(enumerate(node))))
        else:
            _check_text(node, raw, loc, path)


def _check_text(value: Any, raw: Any, loc: tuple[Any, ...], path: Path) -> None:
    if isinstance(value, str) and NOT_TEXT.search(value):
        raise ContentError(str(path), _place(raw, loc), "a control character or another character no text may"
                           " hold (such as \\0) / 含有控制字符等不能出现在文本中的字符（如 \\0）")


def _place(raw: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into 'section grid-stable › item sp-x › text_zh'."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            if isinstance(node, dict) and "key" in node:
                parts[-1:] = [f"{parts[-1].rstrip('s') if parts else 'entry'} {node['key']}"]
            elif isinstance(node, dict) and "id" in node:
                parts[-1:] = [f"{parts[-1].rstrip('s') if parts else 'entry'} {node['id']}"]
            else:
                parts.append(f"#{step + 1}")
        elif isinstance(node, dict) and step in node:
            node = node[step]
            parts.append(str(step))
        else:
            parts.append(str(step))
    return " › ".join(parts) or "-"


def validate(model: type[M], raw: Any, file: Path) -> M:
    """Validate raw YAML data against a model, or raise a ContentError for the first problem."""
    if not isinstance(raw, dict):
        raise ContentError(str(file), "-", "expected a mapping at the top level / 顶层应为映射")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _place(raw, tuple(err["loc"]))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required field is missing / 缺少必填字段"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field / 未知字段"
        if ":" in msg and msg.split(":")[0].startswith(PLACES):
            # A model-level rule already names the place.
            inner, msg = msg.split(":", 1)
            if where == "-":
                where = inner
            elif not where.endswith(inner):  # the error's own location may already name it
                where = f"{where} › {inner}"
            msg = msg.strip()
        raise ContentError(str(file), where, msg) from None


def load_directives(path: Path) -> dict[str, Directive]:
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("directives"), list):
        raise ContentError(str(path), "-", "expected a list under 'directives' / 缺少 directives 列表")
    out: dict[str, Directive] = {}
    for i, entry in enumerate(raw["directives"]):
        d = validate(Directive, entry, path) if isinstance(entry, dict) else None
        if d is None:
            raise ContentError(str(path), f"directive #{i + 1}", "expected a mapping / 应为映射")
        if d.id in out:
            raise ContentError(str(path), f"directive {d.id}", "duplicate directive ID / 指令编号重复")
        out[d.id] = d
    return out


def check_sources(file: Path, where: str, sources: list[str], directives: dict[str, Directive]) -> None:
    for source in sources:
        if source not in directives:
            raise ContentError(str(file), where, f"unknown directive ID {source!r} / 未知的指令编号 {source}")


def load_template(path: Path, directives: dict[str, Directive]) -> Template:
    template = validate(Template, read_yaml(path), path)
    if template.key != path.stem:
        raise ContentError(str(path), "key", f"template key {template.key!r} must match the file name {path.stem!r}")
    for section in template.sections:
        for item in section.items:
            check_sources(path, f"section {section.key} › item {item.key} › sources", item.sources, directives)
    return template


def load_templates(folder: Path, directives: dict[str, Directive]) -> dict[str, Template]:
    """Every template in the folder. An item key names one obligation: two templates may share an
    item only by carrying it word for word the same (a campaign running both counts it once)."""
    templates: dict[str, Template] = {}
    first: dict[str, tuple[str, Item]] = {}
    for path in sorted(folder.glob("*.yaml")):
        template = load_template(path, directives)
        for item in template.items():
            if item.key in first and first[item.key][1] != item:
                raise ContentError(
                    str(path), f"item {item.key}",
                    f"shared with template {first[item.key][0]} but not the same there (a shared item must be "
                    f"identical in every template) / 与模板 {first[item.key][0]} 中的同名条目不一致（共用条目在各模板中须完全相同）",
                )
            first.setdefault(item.key, (template.key, item))
        templates[template.key] = template
    if not templates:
        raise ContentError(str(folder), "-", "no template files found / 没有找到模板文件")
    return templates
