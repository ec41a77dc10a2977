"""One registry mechanism for every named component: lookup, aliases, coded errors listing the valid names."""

from __future__ import annotations

import pytest

from fanzha.errors import InputError
from fanzha.registry import Registry
from fanzha.sim.config import PRESETS
from fanzha.trace.backends import BACKENDS
from fanzha.trace.policies import POLICIES


def test_lookup_alias_and_order() -> None:
    reg: Registry[int] = Registry("thing", code="E999", option="--thing")
    reg.register("one", 1)

    @reg.register("two")
    def _two() -> int:
        return 2

    reg.alias("uno", "one")
    assert reg.get("one") == 1 and reg["uno"] == 1 and reg.get("two")() == 2
    assert list(reg) == ["one", "two"] and reg.names(aliases=True) == ["one", "two", "uno"]
    assert "uno" in reg and "three" not in reg and len(reg) == 2
    with pytest.raises(ValueError):
        reg.register("one", 3)
    with pytest.raises(ValueError):
        reg.alias("x", "nothing")


@pytest.mark.parametrize(
    ("registry", "code", "option", "valid"),
    [
        (PRESETS, "E421", "--preset", ["small", "medium", "large"]),
        (POLICIES, "E507", "--policy", ["fifo", "lifo", "proportional", "poison"]),
        (BACKENDS, "E509", "--backend", ["duckdb", "numpy"]),
    ],
)
def test_every_registry_fails_the_same_way(
    registry: Registry[object], code: str, option: str, valid: list[str]
) -> None:
    assert registry.names() == valid
    with pytest.raises(InputError) as err:
        registry.get("nope")
    assert err.value.code == code and err.value.where == option
    assert err.value.hint() == "可选：" + ", ".join(valid)
    assert err.value.render("en") == f"{option}: {code} {err.value.message('en')} (valid: {', '.join(valid)})"
