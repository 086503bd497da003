"""carman's benchmarks: ``python -m benchmarks`` (``--quick``, ``--out PATH``).

One module per measurement, each with a ``run(...)`` that returns a ``Section`` (figures with
their targets, plus raw details for the JSON):

- ``startup``: process start to the first complete frame in tmux, carman against a bare
  Textual app (Header + Footer, ``bare_app.py``) measured the same way.
- ``large_response``: 20 KB / 1.25 MB / 6.25 MB JSON bodies over loopback: time to the first
  body lines, delay of a key pressed while the body renders, peak memory (VmHWM).
- ``history``: 100,000 stored exchanges: search times and the query the history screen runs.
- ``send_overhead``: carman's send pipeline against bare pooled httpx on the same server.

Speed targets live here, never in timed tests (``tests/benchmarks`` only checks the shape).
"""
