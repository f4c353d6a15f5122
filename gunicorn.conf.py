"""gunicorn's settings for servq; gunicorn reads this file from the working directory by itself:
`.venv/bin/gunicorn servq.wsgi`. Environment: WEB_CONCURRENCY (processes, default 2 per core),
GUNICORN_THREADS (threads per process, default 4), BIND (default 127.0.0.1:8000).
See docs/decisions/0006-intake-under-load.md for the measurements behind it.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
# Few threads per process: a request waits on the database several times, and each time it needs the
# GIL back; with many threads it queues behind them.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A process accepts a connection only while it has room for it, so requests waiting for a free
# thread stay in the shared listen queue and go to whichever process frees up first, instead of
# queueing inside a busy one while another idles (without this, p95 latency under load was 1.8× the
# median; with it, 1.2×). Twice the threads leaves room for kept-alive connections.
worker_connections = 2 * threads
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
