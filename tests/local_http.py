"""A small HTTP server on 127.0.0.1 for offline download tests (get_file, keras.datasets).

    with LocalServer(root) as server:      # serves the files under `root`
        server.url                         # 'http://127.0.0.1:<port>'
        server.requests                    # paths requested so far, in order

Besides the files, it answers two kinds of misbehaving download:
    /truncated/<n>   declares Content-Length n but sends n // 2 bytes, then closes
    /missing/...     404 (as does any path with no file)
"""

from __future__ import annotations

import functools
import http.server
import threading


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path.startswith("/truncated/"):
            declared = int(self.path.rsplit("/", 1)[1])
            self.send_response(200)
            self.send_header("Content-Length", str(declared))
            self.end_headers()
            self.wfile.write(b"t" * (declared // 2))
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, *args):  # keep the test output quiet
        pass


class LocalServer:
    def __init__(self, root):
        handler = functools.partial(_Handler, directory=str(root))
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.requests = []
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list:
        return self._httpd.requests

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
