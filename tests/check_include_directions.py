#!/usr/bin/env python3
"""Fails when an #include crosses the source tree's folders in a forbidden direction.

The engine's folders form layers (docs/ARCHITECTURE.md, "Folder dependencies"): a folder may include
its own headers and those of lower layers, never a higher layer nor another folder of its own layer.
The engine never includes ui/, app/ or sim/. The simulator is an independent implementation of the
server: it includes nothing of the engine (not even its Frame struct; it has its own in
sim/channelframe.h) and calls none of the engine's decoders, so that a test world never shares the
parser under test.

Usage: check_include_directions.py SRC_DIR      checks the tree, prints each violation, exits 1 if any
       check_include_directions.py --self-test  checks that planted violations are found
"""

import os
import re
import sys
import tempfile

# Lower number = lower layer. Folders of one layer do not include each other.
ENGINE_LAYERS = {
    "base": 0,
    "config": 1,
    "protocol": 1,
    "tokens": 2,
    "proxy": 3,
    "tunnel": 4,
    "ops": 5,
}
OUTSIDE_ENGINE = ("ui", "app", "sim")
# Engine decoders the simulator must not call (it reads the client's frames with QJsonDocument).
SIM_FORBIDDEN_CALLS = ("decodeFrame", "parseJson", "parseProxyRequest", "readJson")

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_SUFFIXES = (".h", ".cpp")


def sources(folder):
    for root, _dirs, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES):
                yield os.path.join(root, name)


def includes(path):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            match = INCLUDE.match(line)
            if match:
                yield number, match.group(1)


def check_engine(src):
    problems = []
    engine = os.path.join(src, "engine")
    for path in sources(engine):
        relative = os.path.relpath(path, engine)
        folder = relative.split(os.sep)[0]
        if folder not in ENGINE_LAYERS:
            problems.append(f"engine/{relative}: folder '{folder}' has no layer in ENGINE_LAYERS")
            continue
        for number, target in includes(path):
            where = f"engine/{relative}:{number}: #include \"{target}\""
            if ".." in target.split("/"):
                problems.append(f"{where}: no relative paths; name the folder")
                continue
            parts = target.split("/")
            if len(parts) == 1:
                # A bare name must be a neighbour in the same folder.
                if not os.path.exists(os.path.join(os.path.dirname(path), target)):
                    problems.append(f"{where}: bare name that is not in engine/{folder}/")
                continue
            other = parts[0]
            if other in OUTSIDE_ENGINE:
                problems.append(f"{where}: the engine never includes {other}/")
            elif other not in ENGINE_LAYERS:
                problems.append(f"{where}: unknown folder '{other}'")
            elif other != folder and ENGINE_LAYERS[other] >= ENGINE_LAYERS[folder]:
                kind = "a higher layer" if ENGINE_LAYERS[other] > ENGINE_LAYERS[folder] else "a folder of the same layer"
                problems.append(f"{where}: {folder}/ must not include {kind} ({other}/)")
    return problems


def check_sim(src):
    problems = []
    sim = os.path.join(src, "sim")
    calls = re.compile(r"\b(" + "|".join(SIM_FORBIDDEN_CALLS) + r")\s*\(")
    for path in sources(sim):
        relative = os.path.relpath(path, src)
        for number, target in includes(path):
            folder = target.split("/")[0] if "/" in target else None
            if folder in ENGINE_LAYERS:
                problems.append(f"{relative}:{number}: #include \"{target}\": the simulator includes nothing "
                                "of the engine")
            elif folder in ("ui", "app"):
                problems.append(f"{relative}:{number}: #include \"{target}\": the simulator never includes {folder}/")
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                code = line.split("//", 1)[0]
                match = calls.search(code)
                if match:
                    problems.append(f"{relative}:{number}: calls the engine's {match.group(1)}(); the "
                                    "simulator decodes with its own, independent code")
    return problems


def check(src):
    return check_engine(src) + check_sim(src)


def write(root, relative, text):
    path = os.path.join(root, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def self_test():
    """The checker must find each kind of violation it exists for, and accept a clean tree."""
    with tempfile.TemporaryDirectory() as root:
        write(root, "engine/base/utf8.h", "#pragma once\n")
        write(root, "engine/protocol/frame.h", '#include "base/utf8.h"\n')
        write(root, "engine/proxy/forwarder.h", '#include "protocol/frame.h"\n#include "base/utf8.h"\n')
        write(root, "engine/tunnel/tunnel.h", '#include "proxy/forwarder.h"\n')
        write(root, "engine/ops/report.cpp", '#include "tunnel/tunnel.h"\n#include "report.h"\n')
        write(root, "engine/ops/report.h", "#pragma once\n")
        write(root, "sim/simulator.h", '#include "sim/channelframe.h"\n#include "sim/other.h"\n')
        clean = check(root)
        if clean:
            print("self-test: a clean tree was refused:\n  " + "\n  ".join(clean))
            return 1
        planted = {
            "engine/protocol/parser.cpp": '#include "proxy/forwarder.h"\n',    # up a layer
            "engine/config/settings.cpp": '#include "protocol/frame.h"\n',     # same layer
            "engine/tunnel/sink.h": '#include "ui/mainwindow.h"\n',            # engine → ui
            "engine/proxy/x.cpp": '#include "../ops/report.h"\n',              # relative path
            "engine/base/y.cpp": '#include "tunnel.h"\n',                      # bare name elsewhere
            "sim/reader.cpp": '#include "protocol/jsonparser.h"\n',            # sim → engine parser
            "sim/data.h": '#include "protocol/frame.h"\n',                    # sim → engine data
            "sim/front.cpp": "auto f = decodeFrame(bytes);\n",                 # sim calls the decoder
        }
        for relative, text in planted.items():
            write(root, relative, text)
        found = check(root)
        missed = [p for p in planted if not any(line.startswith(p + ":") for line in found)]
        if missed or len(found) != len(planted):
            print("self-test: expected one violation per planted file, got:\n  " + "\n  ".join(found))
            print("missed: " + ", ".join(missed))
            return 1
    print(f"self-test: {len(planted)} planted violations found, clean tree accepted")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems = check(argv[1])
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} include(s) against the folder dependencies (docs/ARCHITECTURE.md)")
        return 1
    print("include directions: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
