"""The authorisation policy as a matrix: roles × unit relations × actions."""

from __future__ import annotations

from uuid import uuid4

import pytest

from documents.accounts import Role
from documents.policy import (
    Action,
    Actor,
    DocumentParties,
    Relation,
    holds,
    is_allowed,
    relation,
)
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
# Two units merged since (status "merged"), keeping their parent: old-a1 into up-a1 (same
# parent), old-b1 into base-a1 from another province — and old-b0 into old-b1 before that.
MERGED = {
    "old-a1": ("prov-a", "up-a1"),
    "old-b1": ("prov-b", "base-a1"),
    "old-b0": ("prov-b", "old-b1"),
}
IDS = {code: uuid4() for code in [*CODES, *MERGED]}
TREE = UnitTree(
    [
        *(UnitInfo(IDS[c], c, c, c, c, "x", IDS[p] if p else None, "") for c, p in CODES.items()),
        *(
            UnitInfo(IDS[c], c, c, c, c, "x", IDS[p], "", "merged", IDS[into])
            for c, (p, into) in MERGED.items()
        ),
    ]
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


def test_merge_chains_lead_to_the_surviving_unit() -> None:
    assert TREE.successor(IDS["old-b0"]) == IDS["base-a1"]
    assert TREE.merge_chain(IDS["old-b0"]) == [IDS["old-b0"], IDS["old-b1"], IDS["base-a1"]]
    assert TREE.successor(IDS["up-a1"]) == IDS["up-a1"]
    assert set(TREE.absorbed(IDS["base-a1"])) == {IDS["base-a1"], IDS["old-b1"], IDS["old-b0"]}


def test_holds_answers_equal_ids_without_loading_the_tree() -> None:
    def no_tree() -> UnitTree:
        raise AssertionError("the tree was loaded")

    assert holds(IDS["up-a1"], IDS["up-a1"], no_tree)
    assert holds(IDS["up-a1"], IDS["old-a1"], lambda: TREE)
    assert holds(IDS["old-b1"], IDS["old-b0"], lambda: TREE)  # an intermediate heir too
    assert not holds(IDS["old-a1"], IDS["up-a1"], lambda: TREE)  # never the other way
    issuer_side = DocumentParties(IDS["up-a1"], (IDS["base-a1"],))
    assert is_allowed(person("up-a1", Role.CLERK), Action.ISSUE, issuer_side, no_tree)


# The document is issued by old-a1 (merged into up-a1) to old-b0 (merged, through old-b1, into
# base-a1); seen from each unit, its relation to the issuer — "merged into my unit" for the
# unit the issuer merged into:
MERGED_INTO_MINE = "merged into my unit"
RELATION_TO_MERGED_ISSUER: dict[str, str] = {
    "old-a1": Relation.OWN,
    "up-a1": MERGED_INTO_MINE,
    "prov-a": Relation.PARENT,
    "root": Relation.PARENT,
    "up-a2": Relation.SIBLING,
    "base-a1": Relation.UNRELATED,  # but old-b0, a recipient, merged into it
    "prov-b": Relation.UNRELATED,  # but it is old-b0's parent: above a recipient
    "old-b1": Relation.UNRELATED,  # old-b0 merged into it, before it merged in turn
}
RECIPIENT_HEIRS = {"old-b1", "base-a1"}  # the recipient old-b0 merged into them


def test_merged_into_my_unit_is_the_only_relation_the_tree_does_not_give() -> None:
    for unit, expected in RELATION_TO_MERGED_ISSUER.items():
        computed = relation(TREE, IDS[unit], IDS["old-a1"])
        # up-a1 and old-a1 share a parent: siblings in the tree, heir and merged unit here
        assert computed is (Relation.SIBLING if expected == MERGED_INTO_MINE else expected)


# What the heir of a merged unit may do with the merged unit's documents: read, receive and
# handle, copy, recall and file — never draft, sign or issue in the merged unit's name.
FOLLOWING_MERGES = {
    Action.RECALL,
    Action.FILE,
    Action.VIEW,
    Action.COPY,
    Action.RECEIVE,
    Action.DIRECT,
    Action.HANDLE,
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("unit", list(RELATION_TO_MERGED_ISSUER))
@pytest.mark.parametrize("action", list(Action))
def test_policy_matrix_of_a_merged_units_document(role: Role, unit: str, action: Action) -> None:
    parties = DocumentParties(IDS["old-a1"], (IDS["old-b0"],))
    allowed = is_allowed(person(unit, role), action, parties, TREE)
    issuer_relation = RELATION_TO_MERGED_ISSUER[unit]
    own = issuer_relation is Relation.OWN
    heir = issuer_relation == MERGED_INTO_MINE
    recipient = unit in RECIPIENT_HEIRS
    follows = action in FOLLOWING_MERGES
    if action in ISSUER_SIDE:
        expected = (own or (heir and follows)) and role in ISSUER_SIDE[action]
    elif action in RECIPIENT_SIDE:
        expected = recipient and role in RECIPIENT_SIDE[action]
    elif action is Action.COPY:
        expected = (own or heir or recipient) and role is Role.CLERK
    else:  # VIEW: the parties and their heirs, and auditors above a party (as it was placed)
        above_a_party = unit in ("prov-a", "root", "prov-b")
        expected = own or heir or recipient or (role is Role.AUDITOR and above_a_party)
    assert allowed is expected
