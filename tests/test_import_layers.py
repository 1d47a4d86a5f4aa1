"""gan_core's modules form layers: no module imports (even inside a function) one that
imports it back, directly or round a loop. Read from the source with ast, so a cycle
hidden in a late import counts too."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "gan_core"


def module_files() -> dict[str, Path]:
    out = {}
    for path in (ROOT / PACKAGE).rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imported(name: str, path: Path, node, modules) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in modules}
    base = node.module or ""
    if node.level:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    # `from . import metrics` imports the module gan_core.metrics, not just the package
    subs = {f"{base}.{a.name}" for a in node.names} & modules.keys()
    return subs or ({base} & modules.keys())


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    graph = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                deps |= imported(name, path, node, modules)
        graph[name] = deps - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state = {}  # name -> "open" while on the DFS path, "done" after

    def visit(node, path):
        state[node] = "open"
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                return path[path.index(dep):] + [node, dep] if dep in path else [node, dep]
            if dep not in state:
                found = visit(dep, path + [node])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [])
            if found:
                return found
    return None


def test_the_graph_sees_late_imports():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert find_cycle(graph) is not None
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert "gan_core.run" in import_graph()["gan_core.trainer"]


def test_gan_core_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_checkpoints_and_the_lower_layers_stay_below_the_trainer():
    graph = import_graph()
    assert not graph["gan_core.checkpoints"] & {"gan_core.run", "gan_core.trainer"}
    assert "gan_core.images" not in graph["gan_core.distributions"]
    assert "gan_core.classifier" not in graph["gan_core.images"]
