"""The grader's client: start the agent's service, drive it, and record what happened.

Copied into the grading sandbox and run there (standard library only, so the client works
inside bubblewrap's private network namespace, on loopback):

    python .probe/probe.py .probe/plan.json .probe/results.json

It starts `python serve.py --port PORT` from the workspace root, waits for GET /health,
then sends the valid batches one at a time, the invalid requests, several clients at once,
and a few requests while another client stalls halfway through sending its request. It
records raw observations only (status, parsed body, seconds); the grader judges them.
"""

import base64
import http.client
import json
import socket
import subprocess
import sys
import threading
import time

STARTUP_SECONDS = 40  # generous: loading scikit-learn on a busy machine takes seconds
REPEATS = 6  # concurrent load: each client sends its own batch REPEATS times
STALL_SECONDS = 1.5  # how long the stalled client holds its half-sent request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 10):
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        status, raw = response.status, response.read(8 * 1024 * 1024)
    except Exception as exc:  # refused, reset, timed out: all are observations
        return {"status": None, "error": f"{type(exc).__name__}", "seconds": _since(start)}
    finally:
        conn.close()
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    return {"status": status, "json": data, "text": raw[:200].decode("utf-8", "replace"),
            "seconds": _since(start)}  # fmt: skip


def _since(start: float) -> float:
    return round(time.monotonic() - start, 4)


def start_server(port: int, log):
    proc = subprocess.Popen(
        [sys.executable, "serve.py", "--port", str(port)], stdout=log, stderr=log
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc, f"serve.py exited with code {proc.returncode} before it was healthy"
        if call(port, "GET", "/health", timeout=2)["status"] == 200:
            return proc, None
        time.sleep(0.1)
    return proc, f"GET /health did not answer 200 within {STARTUP_SECONDS} s"


def load(port: int, batches: list) -> list:
    results = [[] for _ in batches]

    def client(k: int) -> None:
        body = json.dumps({"rows": batches[k]}).encode()
        results[k] = [{"batch": k, **call(port, "POST", "/predict", body)} for _ in range(REPEATS)]

    threads = [threading.Thread(target=client, args=(k,)) for k in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [r for per_client in results for r in per_client]


def stalled(port: int, body: bytes) -> list:
    """Requests sent while another connection has sent headers and half of its body."""
    slow = socket.create_connection(("127.0.0.1", port), timeout=10)
    slow.sendall(
        b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 4096\r\n\r\n{"rows": ['
    )
    closer = threading.Timer(STALL_SECONDS, slow.close)
    closer.start()
    time.sleep(0.2)  # let the server pick up the stalled connection first
    results = [call(port, "POST", "/predict", body) for _ in range(3)]
    closer.join()
    return results


def main() -> None:
    plan_path, out_path = sys.argv[1], sys.argv[2]
    with open(plan_path) as handle:
        plan = json.load(handle)
    results = {"started": False}
    port = free_port()
    begin = time.monotonic()
    with open(".probe/server.log", "wb") as log:
        proc, problem = start_server(port, log)
        try:
            results["startup_error"] = problem
            if problem is None:
                results["started"] = True
                results["startup_seconds"] = _since(begin)
                results["health"] = call(port, "GET", "/health")
                results["valid"] = [
                    call(port, "POST", "/predict", json.dumps({"rows": rows}).encode())
                    for rows in plan["valid"]
                ]
                results["invalid"] = [
                    {"name": p["name"], "field": p["field"],
                     **call(port, "POST", "/predict", base64.b64decode(p["body"]))}
                    for p in plan["invalid"]
                ]  # fmt: skip
                results["load"] = load(port, plan["load"])
                small = json.dumps({"rows": plan["valid"][0]}).encode()
                results["stalled"] = stalled(port, small)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
    with open(".probe/server.log", "rb") as handle:
        results["server_log_tail"] = handle.read()[-2000:].decode("utf-8", "replace")
    with open(out_path, "w") as handle:
        json.dump(results, handle)


if __name__ == "__main__":
    main()
