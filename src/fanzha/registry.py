"""Registries: named components that code looks up by name, one mechanism for all of them.

A `Registry` holds components of one kind (sim presets, trace policies, trace backends, knowledge-base
validators, text scorers …) under stable names. Components register where they are defined::

    POLICIES = Registry[Policy]("policy", code="E507", option="--policy")
    POLICIES.register("fifo", FifoPolicy())

    @BACKENDS.register("duckdb")
    def _duckdb(ledger): ...

A failed lookup is a coded error (the registry's own code, whose catalogue message takes the params ``name`` and
``valid``) that lists the valid names, as spaCy's and catalogue's registries do. Aliases map another name to a registered one (``haircut`` → ``proportional``).

A registry may also name an entry-point group (``fanzha.scorers``): a package installed beside fanzha — or
one of fanzha's own upper floors — registers a component there without the lower floor importing it; the
group is read on the first lookup of a name that is not registered yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Generic, TypeVar, overload

from fanzha.errors import InputError

T = TypeVar("T")


class Registry(Generic[T]):
    """Components of one kind by name, in registration order."""

    def __init__(
        self,
        kind: str,
        *,
        code: str,
        option: str | None = None,
        entry_points: str | None = None,
    ) -> None:
        """`kind` names the components (in Python's own errors); `code` is the error of a failed lookup (its
        message takes ``name`` and ``valid``); `option` is the command-line option that names them (the error's
        location); `entry_points` an entry-point group."""
        self.kind = kind
        self.code = code
        self.option = option
        self.group = entry_points
        self._items: dict[str, T] = {}
        self._aliases: dict[str, str] = {}
        self._loaded = entry_points is None

    @overload
    def register(self, name: str) -> Callable[[T], T]: ...

    @overload
    def register(self, name: str, obj: T) -> T: ...

    def register(self, name: str, obj: T | None = None) -> T | Callable[[T], T]:
        """Register `obj` under `name` (or use as a decorator). A name is registered once."""

        def add(item: T) -> T:
            if name in self._items or name in self._aliases:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._items[name] = item
            return item

        return add if obj is None else add(obj)

    def alias(self, name: str, target: str) -> None:
        """Let `name` look up the component registered as `target`."""
        if target not in self._items:
            raise ValueError(f"alias {name!r} of unknown {self.kind} {target!r}")
        self._aliases[name] = target

    def _load_entry_points(self) -> None:
        if self._loaded or self.group is None:
            return
        self._loaded = True
        for ep in metadata.entry_points(group=self.group):
            if ep.name not in self._items:
                self._items[ep.name] = ep.load()

    def get(self, name: str) -> T:
        """The component called `name`; E-code of this registry listing the valid names when there is none."""
        key = self._aliases.get(name, name)
        if key not in self._items:
            self._load_entry_points()
        try:
            return self._items[key]
        except KeyError:
            raise InputError(self.code, where=self.option, name=name, valid=self.names()) from None

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __contains__(self, name: object) -> bool:
        self._load_entry_points()
        return name in self._items or name in self._aliases

    def names(self, *, aliases: bool = False) -> list[str]:
        """The registered names, in registration order (with the aliases after them when asked)."""
        self._load_entry_points()
        return [*self._items, *(self._aliases if aliases else ())]

    def items(self) -> Iterator[tuple[str, T]]:
        self._load_entry_points()
        return iter(list(self._items.items()))

    def __len__(self) -> int:
        self._load_entry_points()
        return len(self._items)
