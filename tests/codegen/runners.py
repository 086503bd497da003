"""Run a generated snippet with the program its target needs; read back status and body.

The snippets run unmodified, except that the shell targets get one more option on their last
line so the status can be read (curl ``-w``, HTTPie ``--print=hb``). Python SDK snippets run
under ``runpy`` so the ``response`` they print can be read back as data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# Where .ci/run installs the Node SDK (npm install --prefix .cache/node-sdk smartcar@10).
NODE_SDK_DIR = Path(os.environ.get("CARMAN_NODE_SDK_DIR", REPO / ".cache" / "node-sdk"))
VENV_BIN = Path(sys.executable).parent


def http_program() -> str | None:
    """HTTPie's ``http``: beside the test venv's python, else on PATH."""
    beside = VENV_BIN / "http"
    return str(beside) if beside.exists() else shutil.which("http")


def require(target_id: str) -> None:
    """Skip (naming what is missing) when the program a target needs is not here."""
    if target_id in ("js-fetch", "js-sdk") and shutil.which("node") is None:
        pytest.skip("node is not on PATH (JavaScript snippets need Node 18+)")
    if target_id == "js-sdk" and not (NODE_SDK_DIR / "node_modules" / "smartcar").is_dir():
        message = (
            f"the Node SDK is not installed in {NODE_SDK_DIR} "
            "(.ci/run does: npm install --prefix .cache/node-sdk smartcar@10)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    if target_id == "go" and shutil.which("go") is None:
        pytest.skip("go is not on PATH (the Go snippets need a Go toolchain)")
    if target_id in ("curl", "httpie") and shutil.which("bash") is None:
        pytest.skip("bash is not on PATH")
    if target_id == "curl" and shutil.which("curl") is None:
        pytest.skip("curl is not on PATH")
    if target_id == "httpie" and http_program() is None:
        pytest.skip("HTTPie (http) is not installed (pip install '.[test]' brings it)")


@dataclass
class Ran:
    status: int | None
    body: str  # the response body the snippet printed
    data: Any = None  # SDK targets: the response object, as JSON-like data
    stdout: str = ""
    stderr: str = ""


_PY_SDK_RUNNER = """
import json, runpy, sys
namespace = runpy.run_path(sys.argv[1], run_name="__main__")

def plain(value):
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)

print("@@RESPONSE@@" + json.dumps(plain(namespace["response"])))
"""


def run(target_id: str, text: str, workdir: Path, env: dict[str, str] | None = None) -> Ran:
    require(target_id)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCAR_")}
    environment.update(NO_PROXY="*", no_proxy="*")
    environment.update(env or {})
    workdir.mkdir(parents=True, exist_ok=True)
    if target_id in ("python-httpx", "python-requests"):
        path = workdir / "snippet.py"
        path.write_text(text, encoding="utf-8")
        return _status_then_body(_exec([sys.executable, str(path)], environment, workdir))
    if target_id == "python-sdk":
        path = workdir / "snippet.py"
        path.write_text(text, encoding="utf-8")
        done = _exec([sys.executable, "-c", _PY_SDK_RUNNER, str(path)], environment, workdir)
        marker = done.stdout.rsplit("@@RESPONSE@@", 1)
        assert len(marker) == 2, f"no response printed:\n{done.stdout}\n{done.stderr}"
        return Ran(200, "", json.loads(marker[1]), done.stdout, done.stderr)
    if target_id == "js-fetch":
        path = workdir / "snippet.mjs"
        path.write_text(text, encoding="utf-8")
        return _status_then_body(_exec(["node", str(path)], environment, workdir))
    if target_id == "js-sdk":
        path = workdir / "snippet.js"
        path.write_text(text, encoding="utf-8")
        environment["NODE_PATH"] = str(NODE_SDK_DIR / "node_modules")
        done = _exec(["node", str(path)], environment, workdir)
        return Ran(200, "", json.loads(done.stdout), done.stdout, done.stderr)
    if target_id == "go":
        path = workdir / "main.go"
        path.write_text(text, encoding="utf-8")
        environment.setdefault("GOCACHE", str(workdir / "gocache"))
        environment.setdefault("GOFLAGS", "-mod=mod")
        return _status_then_body(_exec(["go", "run", str(path)], environment, workdir))
    if target_id == "curl":
        path = workdir / "snippet.sh"
        path.write_text(text.rstrip("\n") + " \\\n  -sS -w '\\n%{http_code}'\n", encoding="utf-8")
        done = _exec(["bash", str(path)], environment, workdir)
        body, _, status = done.stdout.rpartition("\n")
        return Ran(int(status), body, None, done.stdout, done.stderr)
    if target_id == "httpie":
        path = workdir / "snippet.sh"
        path.write_text(text.rstrip("\n") + " \\\n  --print=hb\n", encoding="utf-8")
        environment["PATH"] = f"{VENV_BIN}{os.pathsep}{environment.get('PATH', '')}"
        environment["HTTPIE_CONFIG_DIR"] = str(workdir / "httpie-config")
        done = _exec(["bash", str(path)], environment, workdir)
        head, _, body = done.stdout.replace("\r\n", "\n").partition("\n\n")
        status = int(head.split()[1])
        return Ran(status, body.rstrip("\n"), None, done.stdout, done.stderr)
    raise AssertionError(f"no runner for {target_id}")


def _exec(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    said = f"{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, f"{argv[0]} failed ({done.returncode}):\n{said}"
    return done


def _status_then_body(done: subprocess.CompletedProcess[str]) -> Ran:
    status, _, body = done.stdout.partition("\n")
    return Ran(int(status), body.removesuffix("\n"), None, done.stdout, done.stderr)


def sdk_body(data: Any) -> Any:
    """An SDK's response as the API's body: without meta/headers, unwrapped from ``body``."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("meta", "headers")}
        if set(data) == {"body"}:
            return data["body"]
    return data
