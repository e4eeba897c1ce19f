"""The Welsh catalogues: gathering the strings to translate, and reading and writing `.po` and
`.mo` files, in plain Python (no GNU gettext tools, no Babel).

Each app keeps its catalogue in `linkwork/<app>/locale/cy/LC_MESSAGES/django.po`, compiled to
`django.mo` beside it; both are committed. `linkwork gather_messages` brings every catalogue up
to date: strings marked in the app's Python (`_()`, `gettext`, `gettext_lazy`, `gettext_noop`,
`ngettext`) and Jinja2 templates (`{% trans %}`, `_()`), plus the labels, hints, choices and
messages of the person-facing forms the app names (`person_facing_forms` on its `AppConfig`),
whose words come from shared lists (needs, languages, ways of contact) rather than marked
strings. Translations already written are kept; strings no longer used are dropped.

An app names the files a person sees in `person_facing` on its `AppConfig`: every string
marked in those files, and every string of its person-facing forms, must have a Welsh
translation (`tests/unit/core/test_welsh_catalogues.py`).
"""

from __future__ import annotations

import ast
import gettext
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

LINKWORK = Path(__file__).resolve().parent.parent
# Django's own Welsh catalogue states the same rule; each catalogue must agree with it.
PLURAL_FORMS = "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;"
HEADER = (
    "Project-Id-Version: linkwork\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Language: cy\n"
    f"Plural-Forms: {PLURAL_FORMS}\n"
)
PYTHON_MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
PLURAL_MARKERS = {"ngettext", "ngettext_lazy"}


@dataclass
class Entry:
    """One string of a catalogue: its English `msgid` (and plural), Welsh `msgstr` (one per
    plural form), where it is used, and whether the translation is only a guess (fuzzy)."""

    msgid: str
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=lambda: [""])
    references: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.msgid, self.msgid_plural)

    @property
    def translated(self) -> bool:
        return not self.fuzzy and all(text.strip() for text in self.msgstr)


# --- Gathering ----------------------------------------------------------------------------


def extract_python(path: Path) -> Iterator[tuple[str, str, int]]:
    """(msgid, msgid_plural, line) for each marked string literal in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        if name not in PYTHON_MARKERS or not node.args:
            continue
        texts = [a.value for a in node.args[:2] if isinstance(a, ast.Constant)]
        if not texts or not isinstance(texts[0], str):
            continue
        if name in PLURAL_MARKERS and len(texts) == 2 and isinstance(texts[1], str):
            yield texts[0], texts[1], node.lineno
        else:
            yield texts[0], "", node.lineno


# Only parsed for its marked strings, never rendered.
_JINJA = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"], autoescape=True)


def extract_jinja(path: Path) -> Iterator[tuple[str, str, int]]:
    """(msgid, msgid_plural, line) for each string marked in a Jinja2 template."""
    source = path.read_text(encoding="utf-8")
    # `extract_translations` is added to the environment by the i18n extension.
    for line, _function, message in _JINJA.extract_translations(source):  # type: ignore[attr-defined]
        if isinstance(message, str):
            yield message, "", line
        elif message and isinstance(message[0], str):
            plural = message[1] if len(message) > 1 and isinstance(message[1], str) else ""
            yield message[0], plural, line


def source_files(app_dir: Path) -> list[Path]:
    """The Python modules and Jinja2 templates of an app (and, for core, the project's own
    templates), migrations and management commands aside."""
    files = [
        path
        for path in sorted(app_dir.rglob("*.py"))
        if "migrations" not in path.parts and "management" not in path.parts
    ]
    files += sorted(app_dir.rglob("*.jinja"))
    if app_dir.name == "core":
        files += sorted((LINKWORK / "templates").rglob("*.jinja"))
    return files


def marked_strings(paths: Iterable[Path]) -> dict[tuple[str, str], list[str]]:
    """Every string marked in `paths`, with where it is used ("linkwork/x/y.py:12")."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        extract = extract_jinja if path.suffix == ".jinja" else extract_python
        where = path.relative_to(LINKWORK.parent).as_posix()
        for msgid, plural, line in sorted(extract(path), key=lambda found: found[2]):
            if msgid:
                found.setdefault((msgid, plural), []).append(f"{where}:{line}")
    return found


def form_strings(form: Any) -> list[str]:
    """The words a form shows that are not marked in its source: each field's label, hint,
    choices (unless the field is named in the form's `untranslated_choices`, such as a list
    of GP practices from the database) and messages that are not Django's own."""
    from linkwork.core.forms import django_default_messages

    skip = set(getattr(form, "untranslated_choices", ()))
    words: list[str] = []
    for name, field_ in form.fields.items():
        words += [str(field_.label or ""), str(field_.help_text or "")]
        what = getattr(field_, "what", None)
        if isinstance(what, str):
            words.append(what)
        if name not in skip:
            for _value, text in getattr(field_, "choices", []) or []:
                if not isinstance(text, list | tuple):
                    words.append(str(text))
        defaults = django_default_messages(field_)
        words += [str(m) for m in field_.error_messages.values() if str(m) not in defaults]
    seen: dict[str, None] = {}
    for word in words:
        if word.strip():
            seen.setdefault(word, None)
    return list(seen)


def _forms(app_config: Any) -> list[Any]:
    from django.utils.module_loading import import_string

    return [import_string(path)() for path in getattr(app_config, "person_facing_forms", ())]


def gather(app_config: Any) -> list[Entry]:
    """The entries an app's catalogue should have, translations still empty: strings marked
    in its sources, then the words of its person-facing forms not already among them."""
    app_dir = Path(app_config.path)
    found = marked_strings(source_files(app_dir))
    for form in _forms(app_config):
        for word in form_strings(form):
            found.setdefault((word, ""), []).append(f"form:{type(form).__name__}")
    entries = [
        Entry(msgid=msgid, msgid_plural=plural, references=list(dict.fromkeys(where)))
        for (msgid, plural), where in found.items()
    ]
    return sorted(entries, key=lambda entry: _place(entry.references[0]))


def _place(reference: str) -> tuple[str, int]:
    """("linkwork/x/y.py", 12) from "linkwork/x/y.py:12"; forms' words sort after files."""
    path, _, line = reference.rpartition(":")
    return (path, int(line)) if line.isdigit() else ("~" + reference, 0)


def person_facing_strings(app_config: Any) -> set[tuple[str, str]]:
    """The strings of an app that a person sees: those marked in the files its `AppConfig`
    names in `person_facing` (paths inside the app), and its person-facing forms' words."""
    app_dir = Path(app_config.path)
    paths = [app_dir / name for name in getattr(app_config, "person_facing", ())]
    if app_dir.name == "core":
        paths += [LINKWORK / "templates" / "page.jinja", LINKWORK / "templates" / "layout.jinja"]
    keys = set(marked_strings(paths))
    for form in _forms(app_config):
        keys |= {(word, "") for word in form_strings(form)}
    return keys


def merge(gathered: list[Entry], existing: list[Entry]) -> list[Entry]:
    """The gathered entries, keeping each translation (and its fuzzy mark) already written."""
    known = {entry.key: entry for entry in existing}
    for entry in gathered:
        if entry.key in known:
            entry.msgstr = known[entry.key].msgstr or entry.msgstr
            entry.fuzzy = known[entry.key].fuzzy
        if entry.msgid_plural and len(entry.msgstr) < 4:
            entry.msgstr = [*entry.msgstr, *[""] * (4 - len(entry.msgstr))]
    return gathered


# --- .po files ----------------------------------------------------------------------------


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    )
    return f'"{escaped}"'


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    out: list[str] = []
    index = 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while index < len(body):
        character = body[index]
        if character == "\\" and index + 1 < len(body):
            out.append(escapes.get(body[index + 1], body[index + 1]))
            index += 2
        else:
            out.append(character)
            index += 1
    return "".join(out)


def _field_lines(keyword: str, text: str) -> list[str]:
    if "\n" in text.rstrip("\n") or len(text) > 70:
        parts = text.splitlines(keepends=True) if "\n" in text else [text]
        return [f'{keyword} ""', *(_quote(part) for part in parts)]
    return [f"{keyword} {_quote(text)}"]


def read_po(path: Path) -> list[Entry]:
    """The entries of a `.po` file, the header aside."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    references: list[str] = []
    fuzzy = False

    def finish() -> None:
        nonlocal current
        if current is not None and current.msgid:
            entries.append(current)
        current = None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#:"):
            if current is not None and target and target[0] == "msgstr":
                finish()
            references += line[2:].split()
        elif line.startswith("#,"):
            if current is not None and target and target[0] == "msgstr":
                finish()
            fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            assert current is not None
            current.msgid_plural = _unquote(line[len("msgid_plural ") :])
            target = ("msgid_plural", 0)
        elif line.startswith("msgid "):
            finish()
            current = Entry(msgid=_unquote(line[6:]), references=references, fuzzy=fuzzy)
            current.msgstr = []
            references, fuzzy = [], False
            target = ("msgid", 0)
        elif line.startswith("msgstr"):
            assert current is not None
            keyword, _, value = line.partition(" ")
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            while len(current.msgstr) <= index:
                current.msgstr.append("")
            current.msgstr[index] = _unquote(value)
            target = ("msgstr", index)
        elif line.startswith('"') and current is not None and target is not None:
            text = _unquote(line)
            if target[0] == "msgid":
                current.msgid += text
            elif target[0] == "msgid_plural":
                current.msgid_plural += text
            else:
                current.msgstr[target[1]] += text
    finish()
    return entries


def write_po(path: Path, entries: Iterable[Entry], note: str) -> None:
    """Write `entries` as a `.po` file, with `note` as its opening comment."""
    lines = [f"# {text}" if text else "#" for text in note.splitlines()]
    lines += ['msgid ""', 'msgstr ""', *(_quote(part) for part in HEADER.splitlines(True)), ""]
    for entry in entries:
        for reference in entry.references:
            lines.append(f"#: {reference}")
        if entry.fuzzy:
            lines.append("#, fuzzy")
        lines += _field_lines("msgid", entry.msgid)
        if entry.msgid_plural:
            lines += _field_lines("msgid_plural", entry.msgid_plural)
            for index in range(4):
                text = entry.msgstr[index] if index < len(entry.msgstr) else ""
                lines += _field_lines(f"msgstr[{index}]", text)
        else:
            lines += _field_lines("msgstr", entry.msgstr[0] if entry.msgstr else "")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


# --- .mo files ----------------------------------------------------------------------------


def compiled(entries: Iterable[Entry]) -> dict[str, str]:
    """What the `.mo` file of these entries holds: translated, non-fuzzy entries only, keyed as
    GNU gettext keys them (a plural's forms joined by NUL), with the header under ""."""
    catalogue = {"": HEADER}
    for entry in entries:
        if not entry.translated:
            continue
        if entry.msgid_plural:
            catalogue[f"{entry.msgid}\0{entry.msgid_plural}"] = "\0".join(entry.msgstr)
        else:
            catalogue[entry.msgid] = entry.msgstr[0]
    return catalogue


def write_mo(path: Path, entries: Iterable[Entry]) -> None:
    """Compile entries to a GNU `.mo` file (little-endian, revision 0, no hash table)."""
    catalogue = compiled(entries)
    keys = sorted(catalogue)
    ids = [key.encode("utf-8") for key in keys]
    strs = [catalogue[key].encode("utf-8") for key in keys]
    count = len(keys)
    key_table = 7 * 4
    value_table = key_table + count * 8
    data_start = value_table + count * 8
    offsets: list[int] = []
    blob = b""
    for text in [*ids, *strs]:
        offsets += [len(text), data_start + len(blob)]
        blob += text + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, key_table, value_table, 0, 0)
    path.write_bytes(header + struct.pack(f"<{4 * count}I", *offsets) + blob)


def read_mo(path: Path) -> dict[str, str]:
    """The catalogue a `.mo` file holds, as `compiled` gives it (plurals joined by NUL)."""
    with path.open("rb") as file:
        translations = gettext.GNUTranslations(file)
    raw: dict[Any, str] = translations._catalog  # type: ignore[attr-defined]
    catalogue: dict[str, str] = {}
    plurals: dict[str, dict[int, str]] = {}
    for key, value in raw.items():
        if isinstance(key, tuple):
            plurals.setdefault(key[0], {})[key[1]] = value
        else:
            catalogue[key] = value
    for msgid, forms_ in plurals.items():
        catalogue[msgid] = "\0".join(forms_[index] for index in sorted(forms_))
    return catalogue


def catalogue_paths(app_dir: Path) -> tuple[Path, Path]:
    folder = app_dir / "locale" / "cy" / "LC_MESSAGES"
    return folder / "django.po", folder / "django.mo"


def mo_matches_po(app_dir: Path) -> bool:
    """Whether the app's compiled `.mo` says exactly what its `.po` says."""
    po, mo = catalogue_paths(app_dir)
    expected = compiled(read_po(po))
    found = read_mo(mo)
    # GNUTranslations files plural keys under the singular msgid alone.
    expected = {key.split("\0")[0]: value for key, value in expected.items()}
    return found == expected
