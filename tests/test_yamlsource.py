import tracemalloc

from cemkit._internal.content.yamlsource import MAX_FILE_BYTES, MappingNode, ScalarNode, locate, parse_yaml, to_data


def codes(data: bytes) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.code) for d in parse_yaml(data, "x.yaml").diagnostics]


def test_yaml_11_surprises_stay_text() -> None:
    """`no`, `on`, dates, octal-looking and sexagesimal-looking values are read as the text written."""
    parsed = parse_yaml(b"a: no\nb: on\nc: 2024-03-01\nd: 0755\ne: 1:30\nf: yes\ng: off\n", "x.yaml")
    assert to_data(parsed.root) == {
        "a": "no", "b": "on", "c": "2024-03-01", "d": "0755", "e": "1:30", "f": "yes", "g": "off"
    }  # fmt: skip


def test_core_schema_scalars_are_typed() -> None:
    """Plain true/false, integers, floats and null keep their types; quoted values stay text."""
    parsed = parse_yaml(b"a: true\nb: 2003\nc: 1.5\nd: null\ne: '2003'\nf: ~\n", "x.yaml")
    assert to_data(parsed.root) == {"a": True, "b": 2003, "c": 1.5, "d": None, "e": "2003", "f": None}


def test_every_value_keeps_its_line_and_column() -> None:
    """Nested values can be located by the keys and indexes that lead to them."""
    parsed = parse_yaml(b"top:\n  items:\n    - first\n    - {name: second}\n", "x.yaml")
    assert parsed.root is not None
    node = locate(parsed.root, ("top", "items", 1, "name"))
    assert isinstance(node, ScalarNode)
    assert (node.line, node.col, node.value) == (4, 14, "second")
    key = locate(parsed.root, ("top", "items"), key=True)
    assert (key.line, key.col) == (2, 3)


def test_position_inside_block_scalar() -> None:
    """A position inside a literal block points at the character in the file."""
    parsed = parse_yaml(b"text: |\n    first line\n    second <b>\n", "x.yaml")
    assert isinstance(parsed.root, MappingNode)
    node = parsed.root.entries["text"][1]
    assert isinstance(node, ScalarNode)
    offset = node.text.index("<b>")
    assert node.position_at(offset) == (3, 12)


def test_alias_bomb_is_rejected_without_expanding() -> None:
    """A billion-laughs file is refused at its first anchor, and memory stays flat."""
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    data = "\n".join(rows).encode()
    assert len(data) < 600
    tracemalloc.start()
    parsed = parse_yaml(data, "bomb.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert parsed.diagnostics[0].code == "yaml-anchor"
    assert (parsed.diagnostics[0].line, parsed.diagnostics[0].col) == (1, 4)
    assert peak < 5_000_000
    assert parsed.diagnostics[-1].code == "too-many-problems"


def test_oversized_file_is_refused_before_parsing() -> None:
    """Files over 256 KB are refused with a message at 1:1."""
    assert codes(b"a: " + b"x" * MAX_FILE_BYTES) == [(1, 1, "file-too-large")]


def test_utf8_bom_is_accepted() -> None:
    """A byte-order mark some editors write does not count as content."""
    parsed = parse_yaml("\ufeffa: 1\n".encode(), "x.yaml")
    assert parsed.diagnostics == []
    assert to_data(parsed.root) == {"a": 1}


def test_all_problems_in_one_file_are_reported() -> None:
    """Several structural problems in one file are reported together."""
    found = codes(b"a: &x 1\nb: *x\na: 2\n<<: {c: 1}\n")
    assert [code for *_, code in found] == ["yaml-anchor", "yaml-alias", "duplicate-key", "yaml-merge-key"]


def test_explicit_tags_on_collections_are_refused() -> None:
    """Tags on mappings and sequences are refused like tags on scalars."""
    assert codes(b"a: !!set {x: null}\nb: !!omap [x: 1]\n") == [(1, 4, "yaml-tag"), (2, 4, "yaml-tag")]
