#!/usr/bin/env python3
"""Checks the shape of the code under src/ (run by `./x test`):

- no import cycles between files: a file's `use`/path references to other modules of the crate
  (comments and test modules left out) form no cycle;
- no function longer than 120 lines, and no Leptos `#[component]` longer than 150.

Prints every problem found and exits 1 if there is any. A rough reader of Rust, not a parser: it
reads `crate::`, `super::` and `self::` paths and `use super::{a, b}` lists, and counts a
function from its `fn` line to the closing brace at the same indentation.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
MAX_FN = 120
MAX_COMPONENT = 150


def sources():
    out = {}
    for d, _, files in os.walk(ROOT):
        for f in files:
            if f.endswith(".rs"):
                p = os.path.join(d, f)
                with open(p, encoding="utf-8") as fh:
                    out[p] = fh.read()
    return out


def module_path(p):
    rel = os.path.relpath(p, ROOT)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return ("crate", *rel)


def code_only(src):
    src = re.split(r"#\[cfg\(test\)\]\s*mod \w+", src)[0]
    return re.sub(r"//[^\n]*", "", src)


def import_edges(files):
    mods = {module_path(p): p for p in files}
    edges = {}
    for p, src in files.items():
        me = module_path(p)
        code = code_only(src)
        deps = set()
        for m in re.finditer(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)", code):
            parts = m.group(1).split("::")
            if parts[0] == "crate":
                cur, parts = ["crate"], parts[1:]
            elif parts[0] == "super":
                cur = list(me)
                while parts and parts[0] == "super":
                    cur, parts = cur[:-1], parts[1:]
            else:
                cur, parts = list(me), parts[1:]
            best = None
            for i in range(len(parts) + 1):
                t = tuple(cur + parts[:i])
                if t in mods:
                    best = t
            if best and best != me:
                deps.add(best)
        for m in re.finditer(r"use (super|crate(?:::\w+)*)::\{([^}]*)\}", code):
            pre = m.group(1).split("::")
            cur = list(me[:-1]) if pre[0] == "super" else ["crate"] + pre[1:]
            for name in re.findall(r"\b(\w+)\b", m.group(2)):
                t = tuple(cur + [name])
                if t in mods and t != me:
                    deps.add(t)
        edges[me] = deps
    return edges


def cycles(edges):
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(comp)

    for v in edges:
        if v not in index:
            visit(v)
    return found


def long_functions(files):
    out = []
    for p, src in files.items():
        lines = src.split("\n")
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*)(pub(\([^)]*\))? )?(async )?(const )?(unsafe )?fn (\w+)", line)
            if not m:
                continue
            indent = m.group(1)
            component = i > 0 and lines[i - 1].strip() == "#[component]"
            for j in range(i + 1, len(lines)):
                if lines[j].startswith(indent + "}") and len(lines[j].strip()) <= 2:
                    n = j - i + 1
                    limit = MAX_COMPONENT if component else MAX_FN
                    if n > limit:
                        out.append(f"{os.path.relpath(p, ROOT)}:{i + 1}: {m.group(7)} is {n} lines (at most {limit})")
                    break
    return out


def main():
    files = sources()
    problems = []
    for comp in cycles(import_edges(files)):
        names = sorted("::".join(m[1:]) for m in comp)
        problems.append("import cycle between " + ", ".join(names))
    problems += long_functions(files)
    for p in problems:
        print(f"structure: {p}")
    if problems:
        return 1
    print(f"structure: {len(files)} files, no import cycle, no function over {MAX_FN} lines (components {MAX_COMPONENT})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
