"""Which attributes of a multi-label ARFF file are labels: the Mulan ``.xml`` that names them,
MEKA's ``-C N`` in the relation name, or the caller's ``n_labels`` and ``labels_first``; where
they disagree, an error that says what to pass, or a :class:`LabelSourceWarning` when the
authoritative one (the .xml) is followed. Read through :mod:`xmlstudy.data.arff`.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path
from xml.parsers import expat

from xmlstudy.data.arff_header import ArffFile
from xmlstudy.data.errors import LabelColumnsError, MissingDataFile, ParseError


def read_mulan_labels(xml_path: str | Path) -> list[tuple[str, int]]:
    """The (name, line) of each label in a Mulan ``.xml`` file, in file order (nested labels of a
    hierarchy flattened)."""
    xml_path = Path(xml_path)
    if not xml_path.is_file():
        raise MissingDataFile(f"Mulan label file {xml_path} does not exist; give the path of the "
                              f".xml that comes with the .arff")
    labels: list[tuple[str | None, int]] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(tag, attributes):
        if tag.rsplit(" ", 1)[-1] == "label":
            labels.append((attributes.get("name"), parser.CurrentLineNumber))

    parser.StartElementHandler = start
    try:
        with open(xml_path, "rb") as handle:
            parser.ParseFile(handle)
    except expat.ExpatError as err:
        raise ParseError(xml_path, err.lineno, f"malformed Mulan label XML "
                                               f"({expat.errors.messages[err.code]})") from None
    for name, line in labels:
        if name is None:
            raise ParseError(xml_path, line, 'a <label> without a name="..." attribute')
    if not labels:
        raise ParseError(xml_path, None, "expected <label name=\"...\"> elements listing the labels")
    return labels


def read_mulan_label_names(xml_path: str | Path) -> list[str]:
    """The label names listed in a Mulan ``.xml`` file, in file order."""
    return [name for name, _ in read_mulan_labels(xml_path)]


def meka_option(relation: str) -> int | None:
    """The ``N`` of ``-C N`` in a MEKA relation name (negative: the labels are the last ``|N|``)."""
    match = re.search(r"-C\s+(-?\d+)", relation)
    return int(match.group(1)) if match and int(match.group(1)) != 0 else None


def meka_label_count(relation: str, path: str | Path = "") -> int:
    """:func:`meka_option`, or a ParseError when the relation has none."""
    n = meka_option(relation)
    if n is None:
        raise ParseError(path, None, f"relation {relation!r} has no '-C N' option; MEKA files name the "
                                     f"number of labels there (e.g. @relation 'IMDB: -C 28')")
    return n


def _side(first: bool, k: int) -> str:
    return f"the first {k}" if first else f"the last {k}"


def _xml_columns(arff: ArffFile, xml_path: Path) -> tuple[list[int], bool]:
    """The label columns named by a Mulan .xml, in its order, and whether they come first.

    They must be exactly the last (or first) attributes of the file: an attribute that is not
    named but sits among or after them would silently become a feature.
    """
    labels = read_mulan_labels(xml_path)
    seen: dict[str, int] = {}
    for name, line in labels:
        if name in seen:
            raise ParseError(xml_path, line, f"label {name!r} is listed twice (first on line "
                                             f"{seen[name]}); list each label once")
        seen[name] = line
    position = {name: i for i, name in enumerate(arff.names)}
    unknown = [(name, line) for name, line in labels if name not in position]
    if unknown:
        raise ParseError(xml_path, unknown[0][1],
                         f"{len(unknown)} labels of the .xml are not attributes of this file "
                         f"{arff.path} (e.g. {[n for n, _ in unknown[:3]]}); the .xml and .arff "
                         f"do not belong together")
    cols = [position[name] for name, _ in labels]
    k, total, chosen = len(cols), len(arff.attributes), set(cols)
    if k >= total:
        raise ParseError(xml_path, None, f"the .xml names every attribute of {arff.path} as a label; "
                                         f"a data set needs at least one feature")
    if chosen == set(range(total - k, total)):
        return cols, False
    if chosen == set(range(k)):
        return cols, True
    if max(cols) == total - 1:  # meant to be last: something unnamed lies among them
        stray = next(i for i in range(min(cols), total) if i not in chosen)
    elif min(cols) == 0:
        stray = next(i for i in range(max(cols)) if i not in chosen)
    else:
        stray = max(cols) + 1
    attr = arff.attributes[stray]
    raise ParseError(xml_path, None,
                     f"the {k} labels it names are not the last (or first) attributes of "
                     f"{arff.path}: attribute {attr.name!r} (line {attr.line}) lies among or after "
                     f"them but is not named, so it would be read as a feature. Fix: add it to the "
                     f".xml if it is a label; Mulan files keep all labels together at the end")


def label_columns(arff: ArffFile, *, xml: str | Path | None = None, n_labels: int | None = None,
                  labels_first: bool | None = None) -> tuple[list[int], str]:
    """The label columns of ``arff`` (in label order) and where that came from, in words.

    Sources: the Mulan ``xml``, MEKA's ``-C N`` in the relation name, and the caller's
    ``n_labels`` / ``labels_first``. Those given must agree: a ``-C`` that disagrees with the
    .xml is ignored with a :class:`LabelSourceWarning` (the .xml is authoritative for a Mulan
    file); one that disagrees with a partial argument stops and says what to pass. Both
    arguments together override ``-C`` (for a file whose relation name is stale).
    """
    total = len(arff.attributes)
    if n_labels is not None and (isinstance(n_labels, bool) or not isinstance(n_labels, int)
                                 or not 1 <= n_labels < total):
        raise LabelColumnsError(
            f"n_labels={n_labels!r}: {arff.path} has {total} attributes, so n_labels must be an "
            f"integer in 1..{total - 1} (at least one attribute is a feature)")
    if labels_first not in (None, True, False):
        raise LabelColumnsError(f"labels_first={labels_first!r}; expected True, False or None")
    where = f"{arff.path}:{arff.relation_line}"
    c = meka_option(arff.relation)
    c_says = None if c is None else (abs(c), c > 0)
    both = n_labels is not None and labels_first is not None
    if xml is not None:
        cols, first = _xml_columns(arff, Path(xml))
        k = len(cols)
        if n_labels not in (None, k) or labels_first not in (None, first):
            raise LabelColumnsError(
                f"{xml} names {_side(first, k)} attributes of {arff.path} as labels, but "
                f"n_labels={n_labels!r}, labels_first={labels_first!r} were passed; pass "
                f"n_labels={k}, labels_first={first} (or none), or fix the .xml")
        source = f"the Mulan label file {xml}"
        if c_says not in (None, (k, first)) and not both:
            # Mulan reads its labels from the .xml alone; a -C in the relation name is MEKA's
            # convention, often left stale when a MEKA file was converted (or the other way).
            names = [arff.attributes[j].name for j in cols]
            shown = ", ".join(names) if k <= 6 else ", ".join(names[:3] + ["..."] + names[-2:])
            warnings.warn(
                f"{where}: the relation's '-C {c}' says {_side(c > 0, abs(c))} attributes are "
                f"labels, but {xml} names {_side(first, k)} ({shown}); the .xml is authoritative "
                f"for a Mulan file, so its {k} labels are used. To silence this, remove '-C {c}' "
                f"from the @relation line or make it '-C {k if first else -k}'",
                LabelSourceWarning, stacklevel=2)
            source += f" (the relation's stale '-C {c}' ignored)"
        return cols, source
    if both:
        k, first = n_labels, labels_first
        source = f"n_labels={k}, labels_first={first}"
        if c_says not in (None, (k, first)):
            source += f" (overriding the relation's '-C {c}')"
    elif c_says is not None:
        k, first = c_says
        if n_labels not in (None, k) or labels_first not in (None, first):
            raise ParseError(where, None,
                             f"the relation's '-C {c}' says {_side(first, k)} attributes are labels, "
                             f"but n_labels={n_labels!r}, labels_first={labels_first!r} were passed. "
                             f"Pass both n_labels= and labels_first= to override -C, or neither")
        source = f"'-C {c}' in the relation name"
        if k >= total:
            raise ParseError(where, None, f"'-C {c}' asks for {k} labels but the file has only "
                                          f"{total} attributes")
    elif n_labels is not None:
        k = n_labels
        ends = [f for f in (True, False)
                if all(a.binary for a in (arff.attributes[:k] if f else arff.attributes[-k:]))]
        if len(ends) != 1:
            what = "both" if ends else "neither"
            raise LabelColumnsError(
                f"{arff.path}: {what} the first and the last {k} attributes are {{0,1}}; pass "
                f"labels_first=True or False to say where the labels are")
        first = ends[0]
        source = f"n_labels={k} ({_side(first, k)} attributes are the {{0,1}} ones)"
    else:
        raise LabelColumnsError(
            f"cannot tell which attributes of {arff.path} are labels: pass xml= (the Mulan .xml "
            f"naming them), or n_labels= and labels_first=, or use a MEKA file whose @relation "
            f"carries '-C N' (N labels first, -N labels last)")
    cols = list(range(k)) if first else list(range(total - k, total))
    for j in cols:
        attr = arff.attributes[j]
        if not attr.binary:
            hint = (f"If the labels are {_side(not first, k)} attributes, pass n_labels={k}, "
                    f"labels_first={not first}; for a Mulan file, give the .xml that names the "
                    f"labels (xml=, or <name>.xml beside the file), which overrides -C")
            raise ParseError(arff.path, attr.line,
                             f"{source} makes {attr.name!r} a label, but it is declared "
                             f"{attr.declared()}; labels are {{0,1}} attributes. {hint}")
    return cols, source


class LabelSourceWarning(UserWarning):
    """Two sources of the label columns disagreed and the authoritative one was followed."""

