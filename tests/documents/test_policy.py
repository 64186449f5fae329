"""The authorisation policy as a matrix: roles × unit relations × actions."""

from __future__ import annotations

from uuid import uuid4

import pytest

from documents.accounts import Role
from documents.policy import Action, Actor, DocumentParties, Relation, is_allowed, relation
from documents.units import UnitInfo, UnitTree

#        root
#      /      \
#   prov-a   prov-b
#   /    \
# up-a1  up-a2
#   |
# base-a1
CODES = {
    "root": None,
    "prov-a": "root",
    "prov-b": "root",
    "up-a1": "prov-a",
    "up-a2": "prov-a",
    "base-a1": "up-a1",
}
IDS = {code: uuid4() for code in CODES}
TREE = UnitTree(
    UnitInfo(IDS[c], c, c, c, c, "x", IDS[p] if p else None, "") for c, p in CODES.items()
)
# The document is issued by up-a1; seen from each unit, the relation to the issuer is:
RELATION_TO_ISSUER = {
    "up-a1": Relation.OWN,
    "prov-a": Relation.PARENT,
    "root": Relation.PARENT,
    "base-a1": Relation.CHILD,
    "up-a2": Relation.SIBLING,
    "prov-b": Relation.UNRELATED,
}
# The specification, written out: which roles of the issuing unit may do what ...
ISSUER_SIDE = {
    Action.DRAFT: {Role.DRAFTER},
    Action.SUBMIT: {Role.DRAFTER},
    Action.REVISE: {Role.DRAFTER},
    Action.SIGN: {Role.LEADER},
    Action.RETURN: {Role.LEADER},
    Action.ISSUE: {Role.CLERK},
    Action.RECALL: {Role.LEADER, Role.CLERK},
    Action.FILE: {Role.CLERK},
}
# ... and which roles of a receiving unit.
RECIPIENT_SIDE = {
    Action.RECEIVE: {Role.CLERK},
    Action.DIRECT: {Role.LEADER},
    Action.HANDLE: {Role.CLERK, Role.DRAFTER, Role.LEADER},
}


def person(unit: str, role: Role) -> Actor:
    return Actor(uuid4(), f"{unit}.{role}", "Người thử", IDS[unit], frozenset({role.value}))


def test_relations_are_computed_from_the_tree() -> None:
    for unit, expected in RELATION_TO_ISSUER.items():
        assert relation(TREE, IDS[unit], IDS["up-a1"]) is expected


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("unit", list(RELATION_TO_ISSUER))
@pytest.mark.parametrize("action", list(Action))
def test_policy_matrix(role: Role, unit: str, action: Action) -> None:
    """Document issued by up-a1, addressed to base-a1 (its child)."""
    assert set(Action) == {*ISSUER_SIDE, *RECIPIENT_SIDE, Action.COPY, Action.VIEW}
    parties = DocumentParties(IDS["up-a1"], (IDS["base-a1"],))
    allowed = is_allowed(person(unit, role), action, parties, TREE)
    own = RELATION_TO_ISSUER[unit] is Relation.OWN
    recipient = unit == "base-a1"
    if action in ISSUER_SIDE:
        expected = own and role in ISSUER_SIDE[action]
    elif action in RECIPIENT_SIDE:
        expected = recipient and role in RECIPIENT_SIDE[action]
    elif action is Action.COPY:  # the clerk of a unit holding it, issuer or recipient
        expected = (own or recipient) and role is Role.CLERK
    else:  # VIEW: the parties, and auditors above either party
        above_a_party = unit in ("prov-a", "root") or (unit == "up-a1")
        expected = own or recipient or (role is Role.AUDITOR and above_a_party)
    assert allowed is expected
