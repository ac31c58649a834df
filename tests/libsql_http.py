"""A small libSQL-over-HTTP server for tests: the ``/v1/execute`` and ``/v1/batch`` subset of
the Hrana HTTP protocol that libsql-client's ``http://`` client speaks, over a real SQLite file.

It is not sqld (no registry here ships sqld's binary); it lets the tests drive agentmem's
remote-URL path through libsql-client's own HTTP client, on loopback only.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _from_proto(v: dict[str, Any]) -> Any:
    kind = v["type"]
    if kind == "null":
        return None
    if kind == "integer":
        return int(v["value"])
    if kind == "float":
        return float(v["value"])
    if kind == "text":
        return v["value"]
    if kind == "blob":
        return base64.b64decode(v["base64"])
    raise ValueError(f"unknown value type {kind!r}")


def _to_proto(value: Any) -> dict[str, Any]:
    if value is None:
        return {"type": "null"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "value": value}
    if isinstance(value, bytes):
        return {"type": "blob", "base64": base64.b64encode(value).decode()}
    return {"type": "text", "value": str(value)}


class LibsqlHttpServer:
    """``with LibsqlHttpServer(path) as url:`` serves the database on a free loopback port."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.lock = threading.Lock()  # one writer at a time, as a server would
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                server.requests += 1
                try:
                    if self.path.endswith("/v1/execute"):
                        with server.lock:
                            result = {"result": server._execute(body["stmt"])}
                    elif self.path.endswith("/v1/batch"):
                        with server.lock:
                            result = {"result": server._batch(body["batch"]["steps"])}
                    else:
                        self.send_error(404)
                        return
                    status, payload = 200, result
                except sqlite3.Error as exc:
                    status, payload = 400, {"message": str(exc), "code": "SQLITE_ERROR"}
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _execute(self, stmt: dict[str, Any]) -> dict[str, Any]:
        args = [_from_proto(a) for a in stmt.get("args", [])]
        cur = self.db.execute(stmt["sql"], args)
        rows = cur.fetchall()
        return {
            "cols": [{"name": d[0]} for d in (cur.description or ())],
            "rows": [[_to_proto(v) for v in row] for row in rows],
            "affected_row_count": max(cur.rowcount, 0),
            "last_insert_rowid": str(cur.lastrowid) if cur.lastrowid is not None else None,
        }

    def _batch(self, steps: list[dict[str, Any]]) -> dict[str, Any]:
        results: list[Any] = [None] * len(steps)
        errors: list[Any] = [None] * len(steps)

        def holds(cond: dict[str, Any] | None) -> bool:
            if cond is None:
                return True
            kind = cond["type"]
            if kind == "ok":
                return results[cond["step"]] is not None
            if kind == "error":
                return errors[cond["step"]] is not None
            if kind == "not":
                return not holds(cond["cond"])
            if kind == "and":
                return all(holds(c) for c in cond["conds"])
            if kind == "or":
                return any(holds(c) for c in cond["conds"])
            raise ValueError(f"unknown condition {kind!r}")

        for i, step in enumerate(steps):
            if not holds(step.get("condition")):
                continue
            try:
                results[i] = self._execute(step["stmt"])
            except sqlite3.Error as exc:
                errors[i] = {"message": str(exc), "code": "SQLITE_ERROR"}
        return {"step_results": results, "step_errors": errors}

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.db.close()
