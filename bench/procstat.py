"""Peak memory of a running process, read from /proc (Linux): used by the benchmarks and the size-cap test."""

from __future__ import annotations

from pathlib import Path


def peak_rss_kb(pid: int) -> int:
    """VmHWM (peak resident set) of a running process, in KB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_peak_rss_kb(pid: int) -> tuple[int, int]:
    """(VmHWM of ``pid``, sum of VmHWM over ``pid`` and its children) in KB; (0, 0) once gone."""
    own = peak_rss_kb(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return own, own + sum(peak_rss_kb(int(c)) for c in children)
