"""A child process that appends edits forever, acknowledging each committed one on stdout.

Used by the crash tests: the parent kills it with SIGKILL at a random moment.
"""

from __future__ import annotations

import sys
from pathlib import Path

from support import TEST_KEY
from workbench.project import Project
from workbench.tools.registry import get_tool


def main() -> None:
    path = Path(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "append"
    project = Project.open(path, key=TEST_KEY, operator="Worker")
    if mode == "hold":
        print("ready", flush=True)
        sys.stdin.readline()
        return
    clip = project.clips()[0]
    if mode == "add":  # add one edit, close (folding the WAL back if it can) and exit
        project.add_edit(clip.id, tool=get_tool("denoise"), parameters={}, frames=(0, 5))
        project.close()
        return
    n = 0
    while True:
        n += 1
        edit = project.add_edit(
            clip.id,
            tool=get_tool("denoise"),
            parameters={"n": n, "padding": "x" * (n % 50)},
            frames=(0, 5),
        )
        if n % 3 == 0:
            project.revert_edit(edit.id)
        seq, _ = project.log.head()
        print(f"ack {seq}", flush=True)


if __name__ == "__main__":
    main()
