#!/usr/bin/env python3
"""The compose demo's webhook receiver: accepts trailrouter's POSTs (JSON arrays of events) and prints one line per
batch with a running total, so that `docker-compose logs webhook` shows what arrived. Answers 200 to a JSON array,
400 to anything else (trailrouter then retries and dead-letters: a malformed batch would show). Python's standard
library only: no image of its own to pull."""
import http.server
import json
import os
import sys
import threading

total = 0
lock = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global total
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            events = json.loads(body)
            if not isinstance(events, list):
                raise ValueError("not a JSON array")
        except ValueError as e:
            self.send_response(400)
            self.end_headers()
            print(f"refused a batch: {e}", flush=True)
            return
        names = ", ".join(sorted({f"{e.get('kind') or '?'}:{e.get('name') or '?'}" for e in events}))
        with lock:
            total += len(events)
            # one write per line, under the lock: print() writes the text and its newline separately, so batches
            # answered side by side ran together on one line, and their totals out of order
            sys.stdout.write(f"received batch events={len(events)} total={total} {names}\n")
            sys.stdout.flush()
        self.send_response(200)
        self.end_headers()

    def do_GET(self):
        body = json.dumps({"total": total}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(os.environ.get("HTTP_PORT", "8080"))
    print(f"receiver listening on {port}", flush=True)
    sys.stdout.flush()
    http.server.ThreadingHTTPServer(("0.0.0.0", port), Receiver).serve_forever()
