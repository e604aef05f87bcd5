"""Applying Gradio's streaming diffs (sse_v2 and later).

After the first full value of an output, Gradio sends a list of edits
``[op, path, value]`` per output; ``[]`` means unchanged.  Token streaming is
almost always ``append`` of a suffix to one string, so :class:`OutputValue`
collects consecutive appends to the same path in a list and joins them only
when the value is read or another edit arrives: each token costs O(1), not a
copy of the whole reply.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

__all__ = ["DiffError", "OutputValue"]


class DiffError(ValueError):
    """An edit does not fit the value it is applied to."""


class OutputValue:
    """One output's value, kept up to date by :meth:`apply`."""

    __slots__ = ("_root", "_hot_path", "_pieces")

    def __init__(self, value: Any) -> None:
        self._root: List[Any] = [value]  # a holder, so the empty path is not special
        self._hot_path: Optional[List[Any]] = None
        self._pieces: List[str] = []

    @property
    def value(self) -> Any:
        self._flush()
        return self._root[0]

    def apply(self, edits: Sequence[Any]) -> None:
        """Apply one message's edits for this output, in order.

        Raises :class:`DiffError` when an edit cannot apply; the value is then
        left as it was before the failing edit.
        """
        if not isinstance(edits, list):
            raise DiffError(f"edits are not a list: {edits!r}")
        i, count = 0, len(edits)
        while i < count:
            edit = edits[i]
            try:
                op, path, arg = edit
            except (TypeError, ValueError):
                raise DiffError(f"malformed edit {edit!r}") from None
            if op == "append" and path == self._hot_path and isinstance(arg, str):
                self._pieces.append(arg)
            elif op == "delete":
                i = self._delete_run(edits, i)
                continue
            else:
                self._flush()
                self._apply_one(op, path, arg)
            i += 1

    def _flush(self) -> None:
        if self._hot_path is not None:
            parent, key = self._locate(self._hot_path)
            parent[key] = "".join(self._pieces)
            self._hot_path = None
            self._pieces = []

    def _locate(self, path: Any) -> Tuple[Any, Any]:
        """The container holding ``path``'s last step, and that step."""
        if not isinstance(path, list):
            raise DiffError(f"edit path is not a list: {path!r}")
        parent: Any = self._root
        key: Any = 0
        try:
            for step in path:
                parent = parent[key]
                key = step
                if isinstance(parent, list):
                    if not isinstance(key, int) or isinstance(key, bool):
                        raise DiffError(f"list index {key!r} in path {path!r}")
                elif not isinstance(parent, dict):  # not into strings or numbers
                    raise DiffError(f"path {path!r} goes through a {type(parent).__name__}")
        except (KeyError, IndexError, TypeError) as exc:
            raise DiffError(f"path {path!r} does not exist") from exc
        return parent, key

    def _apply_one(self, op: Any, path: Any, arg: Any) -> None:
        parent, key = self._locate(path)
        try:
            if op == "replace":
                parent[key] = arg
            elif op == "append":
                current = parent[key]
                if isinstance(current, str) and isinstance(arg, str):
                    # later appends to this path are collected, not concatenated
                    self._hot_path, self._pieces = path, [current, arg]
                else:
                    parent[key] = current + arg
            elif op == "add":
                if isinstance(parent, list):
                    if not 0 <= key <= len(parent):
                        raise DiffError(f"add at {path!r} past the end")
                    parent.insert(key, arg)
                else:
                    parent[key] = arg
            else:
                raise DiffError(f"unknown diff operation {op!r}")
        except (KeyError, IndexError, TypeError) as exc:
            raise DiffError(f"cannot {op} at {path!r}") from exc

    def _delete_run(self, edits: Sequence[Any], start: int) -> int:
        """Apply the deletes starting at ``edits[start]``; return the next index.

        Gradio deletes the tail of a shrinking list one index at a time, after
        the edits for the list's common prefix, and the indices it sends
        differ by version: the original positions up to 5.29.0; from 5.29.1
        each is lowered by the number of index deletes before it in the same
        list's edits, nested ones included, so they repeat the first position
        (``[k]``, ``[k]``) or, after a nested shrink, point at the wrong
        element or below zero.  What every version agrees on is the number:
        a run of ``n`` deletes on one parent list removes its last ``n`` items.
        """
        self._flush()
        _, path, _ = edits[start]
        if not isinstance(path, list) or not path:
            raise DiffError(f"cannot delete at {path!r}")
        parent, key = self._locate(path)
        if not isinstance(parent, list):
            try:
                del parent[key]
            except (KeyError, TypeError) as exc:
                raise DiffError(f"cannot delete {path!r}") from exc
            return start + 1
        parent_path = path[:-1]
        end = start + 1
        while end < len(edits) and _is_delete_under(edits[end], parent_path):
            end += 1
        count = end - start
        # the first index is the list's new length, or less (shifted): never more
        if not isinstance(key, int) or isinstance(key, bool) or not count <= len(parent) or key > len(parent) - count:
            raise DiffError(f"cannot delete {count} item(s) at {path!r} from a list of {len(parent)}")
        del parent[len(parent) - count :]
        return end


def _is_delete_under(edit: Any, parent_path: List[Any]) -> bool:
    return (
        isinstance(edit, (list, tuple))
        and len(edit) == 3
        and edit[0] == "delete"
        and isinstance(edit[1], list)
        and edit[1][:-1] == parent_path
    )
