"""Guarded states, one shape for every workflow (plans' review, cases' handling, and those to come).

A workflow is a set of transitions: an action, the states it may start from, the state it leads to,
its label, and optionally the capacities allowed to take it. ``check`` returns the transition or
raises ``TransitionRefused`` (a ServiceError) saying why, in the user's words. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from servq.core.errors import ServiceError


class TransitionRefused(ServiceError):
    """An action the object's state, or the user's capacity, does not allow; the message says which."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: str
    # Who may take it; empty: anyone the service already let act on the object.
    capacities: frozenset[str] = field(default_factory=frozenset)


class Workflow:
    def __init__(
        self,
        noun: str,
        transitions: Iterable[Transition],
        *,
        state_names: Mapping[str, str] | None = None,
        refusal: str = "{noun}目前的狀態不能「{label}」。",
    ) -> None:
        self.noun = noun
        self.transitions = {t.action: t for t in transitions}
        self.state_names = dict(state_names or {})
        self.refusal = refusal

    def __contains__(self, action: object) -> bool:
        return action in self.transitions

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def check(self, action: str, state: str, capacities: Iterable[str] | None = None) -> Transition:
        transition = self.transitions.get(action)
        if transition is None:
            raise TransitionRefused(f"未知的動作「{action}」。")
        if state not in transition.sources:
            name = self.state_names.get(state, state)
            raise TransitionRefused(self.refusal.format(noun=self.noun, state=name, label=transition.label))
        if capacities is not None and transition.capacities and not transition.capacities & set(capacities):
            raise TransitionRefused(f"您沒有「{transition.label}」這份{self.noun}的權限。")
        return transition

    def allowed(self, state: str, capacities: Iterable[str] | None = None) -> list[Transition]:
        held = None if capacities is None else set(capacities)
        return [
            t
            for t in self.transitions.values()
            if state in t.sources and (held is None or not t.capacities or t.capacities & held)
        ]
