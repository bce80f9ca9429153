"""The package layout: sub-packages along the data flow, no import cycles, small modules
and functions, the answer stage talking to retrieval only through its protocols, the
query side never importing the builder, and light imports for `--help`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "bot"
MAX_LINES = 300
MAX_FUNCTION_LINES = 60
# Layers, bottom to top: a module may import its own layer and the layers below it.
LAYERS = {
    "bot.errors": 0,
    "bot.records": 0,
    "bot.retrieval": 0,
    "bot.display": 0,
    "bot.digest": 0,
    "bot.progress": 0,
    "bot.paths": 0,
    "bot.safe_io": 0,
    "bot.ingest": 1,
    "bot.encoder": 1,
    "bot.index": 2,
    "bot.indexer": 3,
    "bot.answer": 3,
    "bot.opening": 4,
    "bot.cluster": 4,  # one more backend and its opening, beside bot.opening
    "bot.evaluation": 5,
    "bot.interfaces": 6,
    "bot": 7,  # the package's own __init__ re-exports, lazily
    "bot.__main__": 7,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str) -> set[str]:
    """Every bot module `path` imports, anywhere in the file: top level, inside functions
    and under TYPE_CHECKING all count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "bot")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "bot":
                continue
            for alias in node.names:  # "from . import tokens" imports a module
                sub = f"{mod}.{alias.name}"
                out.add(sub if (ROOT / Path(*sub.split("."))).with_suffix(".py").exists() else mod)
    return out


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in _imports(p, name) if m in modules and m != name}
        for name, p in modules.items()
    }


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _layer(module: str) -> int:
    best = max((k for k in LAYERS if module == k or module.startswith(k + ".")), key=len)
    return LAYERS[best]


def test_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            # A package's __init__ is not an import of its sub-modules' importers.
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_layers_only_import_downwards() -> None:
    wrong = [
        f"{a} imports {b}"
        for a, deps in _graph().items()
        for b in deps
        if _layer(b) > _layer(a) and not a.startswith(b + ".")  # a package importing itself
    ]
    assert wrong == []


def test_query_side_never_imports_the_builder() -> None:
    graph = _graph()
    serving = [m for m in graph if _in(m, "bot.index", "bot.answer", "bot.ingest", "bot.retrieval")]
    assert [f"{m} -> {d}" for m in serving for d in graph[m] if _in(d, "bot.indexer")] == []
    importers = sorted(m for m, deps in graph.items() if any(_in(d, "bot.indexer") for d in deps))
    assert [m for m in importers if not _in(m, "bot.indexer")] == [
        "bot.cluster.build",  # `python -m bot index --cluster`
        "bot.cluster.embed",
        "bot.cluster.merged",
        "bot.cluster.shards",
        "bot.opening",  # the rebuild decision, and `python -m bot index`
    ]


def test_the_answer_stage_reaches_retrieval_only_through_its_protocols() -> None:
    """bot/answer/ imports nothing from bot.index (nor the builder): a new backend is one
    class behind `bot.retrieval`'s Retriever and Lexicon."""
    graph = _graph()
    answer = [m for m in graph if m.startswith("bot.answer")]
    assert [
        f"{m} -> {d}"
        for m in answer
        for d in graph[m]
        if _in(d, "bot.index", "bot.indexer", "bot.opening")
    ] == []


def test_no_function_is_too_long() -> None:
    long = []
    for p in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{p.relative_to(ROOT)}:{node.name} ({n} lines)")
    assert long == []


def test_nltk_is_imported_only_behind_the_scipy_guard() -> None:
    """`bot/ingest/_nltk.py` keeps nltk from importing scipy.stats (0.6 s, 50 MB); a module
    importing nltk at run time must import that guard first, as ingest's modules do."""
    unguarded = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = False
        for node in tree.body:  # top-level statements, in order
            if isinstance(node, ast.ImportFrom) and node.names[0].name == "_nltk":
                guarded = True
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if any(n.split(".")[0] == "nltk" for n in names) and not guarded:
                unguarded.append(str(path.relative_to(ROOT)))
    assert unguarded == []


def test_no_module_is_too_long() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_help_and_import_bot_load_no_numpy_scipy_nltk_or_model() -> None:
    for args in (["-c", "import bot"], ["-m", "bot", "--help"]):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        heavy = {
            line.rsplit("|", 1)[-1].strip()
            for line in result.stderr.splitlines()
            if line.rsplit("|", 1)[-1].strip().split(".")[0]
            in ("numpy", "scipy", "nltk", "onnxruntime", "tokenizers")
        }
        assert heavy == set(), args
