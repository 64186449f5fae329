"""The authorisation policy over HTTP: every role × unit relation × action, through the API
endpoints that perform the action, answers as ``documents.policy.is_allowed`` says.

Twenty-five people: a clerk, drafter, leader, auditor and administrator in each of five units,
one per relation to the Bến Tre city federation (own, parent, child, sibling, unrelated). That
federation issues the outgoing plans (to a grassroots union below it, none of the five) and
receives the incoming plans (from a district federation of Thanh Hóa), so the relation is to the
issuing unit for the issuer's actions and to the receiving unit for the recipient's actions.

The expected answer is computed, never written out: ``is_allowed`` with the person as the API
knows them (``/me``), the document's parties and the unit tree the API serves (``/units``). A
refusal is a 403 with a message in Vietnamese and English and leaves the document's history as it
was; an allowed call is never refused (an action that changes the document gets a document of its
own, in the state the action needs, and must succeed). The page and the downloads answer as the
API does, and no register or search lists a document to someone who may not view it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from documents.accounts import Role, account_id_for
from documents.policy import Action, Actor, DocumentParties, Relation, is_allowed, relation
from documents.units import UnitInfo, UnitTree
from tests.e2e.flow import PLAN_SUBJECT, draft_plan, plan_at, receipt_id
from tests.e2e.pdfs import small_pdf
from tests.stack import Stack, sign_in_page

ISSUER = "bentre-tp"
UNIT_OF = {
    Relation.OWN: ISSUER,
    Relation.PARENT: "bentre",
    Relation.CHILD: "thcs-phutan",
    Relation.SIBLING: "bentre-kcn",
    Relation.UNRELATED: "thanhhoa-vc",
}
OUT_TO = "may-viettien"  # receives the outgoing plans: below the issuer, none of the five
IN_FROM = "yendinh"  # sends the incoming plans to the issuer
DEMO_SUFFIX = {Role.CLERK: "vanthu", Role.DRAFTER: "chuyenvien", Role.LEADER: "lanhdao"}
NEW_SUFFIX = {Role.AUDITOR: "kiemtra", Role.ADMIN: "quantri"}
NEW_PASSWORD = "Ma-tran-quyen-2026"
DEMO_PASSWORD = "congdoan2026"
SUBJECT = "Kế hoạch kiểm tra ma trận phân quyền"


def username(role: Role, rel: Relation) -> str:
    return f"{UNIT_OF[rel]}.{(DEMO_SUFFIX | NEW_SUFFIX)[role]}"


PEOPLE = [(role, rel) for role in Role for rel in Relation]

# -- targets: what a call acts on ---------------------------------------------------------


@dataclass
class Target:
    document_id: str
    parties: DocumentParties
    receipt_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Caller:
    """A person's client (a bearer token; for a page's form, a session cookie and its CSRF
    token, as a browser sends them) and username."""

    client: httpx.Client
    name: str
    csrf: str = ""


Send = Callable[[Caller, Target], httpx.Response]
Rule = Callable[[Actor, DocumentParties, UnitTree], bool]


@dataclass(frozen=True)
class Call:
    """One API endpoint performing ``action`` on a target of kind ``kind``."""

    action: Action
    name: str
    kind: str
    send: Send
    changes: bool = False  # a command: refused, the document's history stays as it was
    fresh: bool = True  # a command allowed gets a target of its own (else the shared one)
    rule: Rule | None = None  # the policy, narrowed as the endpoint's service narrows it
    form: bool = False  # a page's form: the answer is a page (303 to it, or the refusal)

    def expected(self, actor: Actor, parties: DocumentParties, tree: UnitTree) -> bool:
        if self.rule is not None:
            return self.rule(actor, parties, tree)
        return is_allowed(actor, self.action, parties, tree)


def get(path: str) -> Send:
    def send(caller: Caller, target: Target) -> httpx.Response:
        return caller.client.get(path.format(doc=target.document_id, receipt=target.receipt_id))

    return send


def post(path: str, body: dict[str, Any] | None = None) -> Send:
    def send(caller: Caller, target: Target) -> httpx.Response:
        url = path.format(doc=target.document_id, receipt=target.receipt_id)
        if body is None:
            return caller.client.post(url)
        filled = {k: v.format(**target.extra) if isinstance(v, str) else v for k, v in body.items()}
        return caller.client.post(url, json=filled)

    return send


def form_post(path: str, fields: dict[str, Any] | None = None, upload: bool = False) -> Send:
    """A page's form, posted as the browser posts it (session cookie, CSRF token)."""

    def send(caller: Caller, target: Target) -> httpx.Response:
        url = path.format(doc=target.document_id)
        data = {"csrf_token": caller.csrf, **(fields or {})}
        pdf = {"file": ("ban-sua.pdf", small_pdf("Dự thảo sửa lại"), "application/pdf")}
        return caller.client.post(url, data=data, files=pdf if upload else None)

    return send


def draft(caller: Caller, _: Target) -> httpx.Response:
    signer = f"{caller.name.rsplit('.', 1)[0]}.lanhdao"
    return draft_plan(caller.client, recipients=[OUT_TO], signer=signer, subject=SUBJECT)


def revise(caller: Caller, target: Target) -> httpx.Response:
    return caller.client.post(
        f"/api/v1/documents/{target.document_id}/revise",
        files={"file": ("ban-sua.pdf", small_pdf("Dự thảo sửa lại"), "application/pdf")},
    )


def sender_side(actor: Actor, parties: DocumentParties, tree: UnitTree) -> bool:
    """Dispatch status (progress, recipients, overdue): the issuer's side only — recipients do
    not read each other's status (``DispatchService._sender_view``)."""
    return is_allowed(actor, Action.VIEW, DocumentParties(parties.issuer_unit_id), tree)


def auditor_view(actor: Actor, parties: DocumentParties, tree: UnitTree) -> bool:
    """The access log: auditors who may view the document (``AccessService.access_log``)."""
    return actor.has(Role.AUDITOR) and is_allowed(actor, Action.VIEW, parties, tree)


def in_future() -> str:
    return (date.today() + timedelta(days=30)).isoformat()


def viewing(side: str, kind: str) -> list[Call]:
    """The reads of a document: its detail (with the history), the PDF and the attachment, the
    signature validation report, the approval and signing states, the dispatch, the copies,
    the dispatch status, the access log, and its page."""
    d = "/api/v1/documents/{doc}"
    return [
        Call(Action.VIEW, f"{side}-detail", kind, get(d)),
        Call(Action.VIEW, f"{side}-pdf", kind, get(d + "/file")),
        Call(Action.VIEW, f"{side}-attachment", kind, get(d + "/attachments/1/file")),
        Call(Action.VIEW, f"{side}-validation", kind, get(d + "/validation")),
        Call(Action.VIEW, f"{side}-approval", kind, get(d + "/approval")),
        Call(Action.VIEW, f"{side}-signing", kind, get(d + "/signing")),
        Call(Action.VIEW, f"{side}-dispatch", kind, get(d + "/dispatch")),
        Call(Action.VIEW, f"{side}-copies", kind, get(d + "/copies")),
        Call(Action.VIEW, f"{side}-page", kind, get("/documents/{doc}")),
        Call(Action.VIEW, f"{side}-signing-page", kind, get("/documents/{doc}/signing")),
        Call(Action.VIEW, f"{side}-progress", kind, get(d + "/progress"), rule=sender_side),
        Call(Action.VIEW, f"{side}-recipients", kind, get(d + "/recipients"), rule=sender_side),
        Call(Action.VIEW, f"{side}-overdue", kind, get(d + "/overdue"), rule=sender_side),
        Call(Action.VIEW, f"{side}-access-log", kind, get(d + "/access-log"), rule=auditor_view),
    ]


D = "/api/v1/documents/{doc}"
R = "/api/v1/receipts/{receipt}"
CALLS = [
    Call(Action.DRAFT, "create", "none", draft, changes=True, fresh=False),
    Call(Action.SUBMIT, "submit", "drafted", post(D + "/submit"), changes=True),
    Call(Action.REVISE, "revise", "drafted", revise, changes=True),
    Call(Action.SIGN, "sign", "submitted", post(D + "/sign"), changes=True),
    Call(Action.RETURN, "return", "submitted", post(D + "/return", {"comment": "Sửa lại."}), True),
    Call(Action.ISSUE, "issue", "signed", post(D + "/issue"), changes=True),
    Call(
        Action.ISSUE,
        "replace",
        "pair",
        post(D + "/replace", {"replacement_id": "{replacement}"}),
        changes=True,
    ),
    Call(Action.RECALL, "recall", "dispatched", post(D + "/recall", {"reason": "Sai sót."}), True),
    Call(Action.FILE, "file", "dispatched", post(D + "/file", {"folder_id": "{folder}"}), True),
    Call(
        Action.COPY,
        "copy-outgoing",
        "dispatched",
        post(D + "/copies", {"form": "sao_y"}),
        changes=True,
        fresh=False,
    ),
    *viewing("outgoing", "dispatched"),
    *viewing("incoming", "incoming"),
    Call(Action.VIEW, "incoming-stamped", "incoming", get(R + "/stamped-file")),
    Call(Action.RECEIVE, "register", "delivered", post(R + "/register"), changes=True),
    Call(Action.RECEIVE, "acknowledge", "incoming", post(R + "/acknowledge"), changes=True),
    Call(Action.RECEIVE, "return", "incoming", post(R + "/return", {"reason": "Gửi nhầm."}), True),
    Call(
        Action.RECEIVE,
        "forward",
        "incoming",
        post(R + "/forward", {"units": [OUT_TO]}),  # a workflow delivers: its own document
        changes=True,
    ),
    Call(Action.RECEIVE, "confirm-destruction", "recalled", post(R + "/confirm-destruction"), True),
    Call(
        Action.DIRECT,
        "direct",
        "incoming",
        post(R + "/direct", {"direction": "Giao văn phòng."}),
        changes=True,
        fresh=False,
    ),
    Call(
        Action.DIRECT,
        "assign",
        "incoming",
        post(R + "/assign", {"handler": f"{ISSUER}.chuyenvien", "deadline": in_future()}),
        changes=True,
    ),
    Call(Action.HANDLE, "progress", "assigned", post(R + "/progress", {"note": "Đang làm."}), True),
    Call(Action.HANDLE, "complete", "assigned", post(R + "/complete", {"note": "Xong."}), True),
    Call(
        Action.COPY,
        "copy-incoming",
        "incoming",
        post(D + "/copies", {"form": "sao_y"}),
        changes=True,
        fresh=False,
    ),
]
P = "/documents/{doc}"
TEXT = {"text": "Ý kiến, lý do hoặc ghi chú."}
COPY = {"form": "sao_y"}


def page_form(
    action: Action,
    name: str,
    kind: str,
    path: str,
    fields: dict[str, Any] | None = None,
    **how: bool,
) -> Call:
    """A command given through the document page's form (``how``: ``upload``, ``fresh``)."""
    send = form_post(P + path, fields, upload=how.get("upload", False))
    return Call(action, f"{name}-page", kind, send, True, how.get("fresh", True), form=True)


ASSIGNMENT = {"handler": f"{ISSUER}.chuyenvien", "deadline": in_future()}
PAGE_CALLS = [
    page_form(Action.SUBMIT, "submit", "drafted", "/submit"),
    page_form(Action.REVISE, "revise", "drafted", "/step/revise", upload=True),
    page_form(Action.SIGN, "sign", "submitted", "/sign"),
    page_form(Action.RETURN, "return", "submitted", "/step/return", TEXT),
    page_form(Action.ISSUE, "issue", "signed", "/issue"),
    page_form(Action.RECALL, "recall", "dispatched", "/step/recall", TEXT),
    page_form(Action.COPY, "copy-outgoing", "dispatched", "/copies", COPY, fresh=False),
    page_form(Action.RECEIVE, "register", "delivered", "/register"),
    page_form(Action.RECEIVE, "acknowledge", "incoming", "/acknowledge"),
    page_form(Action.RECEIVE, "return", "incoming", "/step/return_to_sender", TEXT),
    page_form(Action.RECEIVE, "forward", "incoming", "/forward", {"units": OUT_TO}),
    page_form(Action.RECEIVE, "confirm-destruction", "recalled", "/step/confirm_destruction"),
    page_form(Action.DIRECT, "direct", "incoming", "/step/direct", TEXT, fresh=False),
    page_form(Action.DIRECT, "assign", "incoming", "/step/assign", ASSIGNMENT),
    page_form(Action.HANDLE, "progress", "assigned", "/step/progress", TEXT),
    page_form(Action.HANDLE, "complete", "assigned", "/step/complete", TEXT),
    page_form(Action.COPY, "copy-incoming", "incoming", "/copies", COPY, fresh=False),
]
CELLS = [(role, rel, call) for call in [*CALLS, *PAGE_CALLS] for role, rel in PEOPLE]


def cell_id(cell: tuple[Role, Relation, Call]) -> str:
    role, rel, call = cell
    suffix = "" if call.name == call.action.value else f"-{call.name}"
    return f"{role.value}-{rel.value}-{call.action.value}{suffix}"


# -- the world: people, the tree, documents ------------------------------------------------

OUTGOING = ("drafted", "submitted", "signed", "dispatched", "pair")
INCOMING = ("delivered", "incoming", "recalled", "assigned")
SHARED_AS = {"pair": "dispatched"}  # refused, a replacement by itself is refused as well


class World:
    """The 25 people's clients, the tree the API serves, and documents made on demand: one
    shared document per state for every call that may not change it, and a fresh one for each
    allowed command."""

    def __init__(self, stack: Stack, resources: ExitStack) -> None:
        self.stack = stack
        self.resources = resources
        self.clients: dict[str, httpx.Client] = {}
        admin = self.client("quantri")
        for role, suffix in NEW_SUFFIX.items():
            for unit in UNIT_OF.values():
                created = admin.post(
                    "/api/v1/accounts",
                    json={
                        "username": f"{unit}.{suffix}",
                        "full_name": f"Người thử {role.value} {unit}",
                        "unit": unit,
                        "roles": [role.value],
                        "password": NEW_PASSWORD,
                    },
                )
                assert created.status_code == 201, created.text
        self.actors: dict[str, Actor] = {}
        self.passwords: dict[str, str] = {}
        self.sessions: dict[str, Caller] = {}
        for role, rel in PEOPLE:
            name = username(role, rel)
            password = NEW_PASSWORD if role in NEW_SUFFIX else DEMO_PASSWORD
            self.passwords[name] = password
            client = self.client(name, password)
            me = client.get("/api/v1/me").json()
            unit_id, roles = UUID(me["unit"]["id"]), frozenset(me["roles"])
            self.actors[name] = Actor(account_id_for(name), name, me["full_name"], unit_id, roles)
        rows = admin.get("/api/v1/units").json()
        self.units = {row["code"]: UUID(row["id"]) for row in rows}
        self.tree = UnitTree(
            UnitInfo(
                UUID(row["id"]),
                row["code"],
                row["name"],
                row["name"],
                row["abbreviation"],
                row["level"],
                UUID(row["parent_id"]) if row["parent_id"] else None,
                "",
            )
            for row in rows
        )
        self.shared: dict[str, Target] = {}
        self.documents: dict[str, DocumentParties] = {}  # every document made here
        self.issuer_clerk = self.client(f"{ISSUER}.vanthu")
        folder = self.issuer_clerk.post(
            "/api/v1/folders",
            json={"year": date.today().year, "code": "MT-01", "title": "Ma trận phân quyền"},
        )
        assert folder.status_code == 201, folder.text
        self.folder = folder.json()["id"]

    def client(self, name: str, password: str = DEMO_PASSWORD) -> httpx.Client:
        if name not in self.clients:
            self.clients[name] = self.stack.client(name, password)
            self.resources.callback(self.clients[name].close)
        return self.clients[name]

    def caller(self, person: str, form: bool = False) -> Caller:
        """The person with their bearer token; for a page's form, signed in through the
        sign-in page (a session cookie) with the CSRF token the pages carry."""
        if not form:
            return Caller(self.clients[person], person)
        if person not in self.sessions:
            browser = httpx.Client(base_url=self.stack.api_url, timeout=60)
            self.resources.callback(browser.close)
            signed_in = sign_in_page(browser, person, self.passwords[person])
            assert signed_in.status_code == 303, signed_in.text[:500]
            found = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/").text)
            assert found, "no CSRF token on the home page"
            self.sessions[person] = Caller(browser, person, found[1])
        return self.sessions[person]

    def parties(self, kind: str, person: str) -> DocumentParties:
        if kind in OUTGOING:
            return DocumentParties(self.units[ISSUER], (self.units[OUT_TO],))
        if kind in INCOMING:
            return DocumentParties(self.units[IN_FROM], (self.units[ISSUER],))
        return DocumentParties(self.actors[person].unit_id)  # a new draft: of their own unit

    def target(self, kind: str, fresh: bool, person: str) -> Target:
        if kind == "none":
            return Target("", self.parties(kind, person))
        if fresh:
            return self.make(kind, person)
        kind = SHARED_AS.get(kind, kind)
        if kind not in self.shared:
            self.shared[kind] = self.make(kind, f"{ISSUER}.chuyenvien")
        return self.shared[kind]

    def make(self, kind: str, person: str) -> Target:
        stage = "dispatched" if kind == "pair" else kind
        if kind in INCOMING:
            target = self.incoming(kind, person)
        else:
            document_id = self.plan(stage, ISSUER, OUT_TO)
            target = Target(document_id, self.parties(kind, person))
        target.extra = {"folder": self.folder, "replacement": target.document_id}
        if kind == "pair":
            target.extra["replacement"] = self.plan(stage, ISSUER, OUT_TO)
        return target

    def plan(self, stage: str, unit: str, to: str) -> str:
        attachment = ("phu-luc.pdf", small_pdf("Phụ lục kèm theo"), "application/pdf")
        files = [("attachments", attachment)]
        document_id = plan_at(self.stack, stage, unit, [to], subject=SUBJECT, files=files)
        self.documents[document_id] = DocumentParties(self.units[unit], (self.units[to],))
        return document_id

    def incoming(self, kind: str, person: str) -> Target:
        """A plan of ``IN_FROM`` delivered to the issuer's unit, then registered (``incoming``),
        assigned to ``person`` (``assigned``), or recalled by its sender (``recalled``)."""
        document_id = self.plan("dispatched", IN_FROM, ISSUER)
        clerk = self.issuer_clerk
        receipt = receipt_id(clerk, document_id)
        if kind in ("incoming", "assigned"):
            registered = clerk.post(f"/api/v1/receipts/{receipt}/register")
            assert registered.status_code == 200, registered.text
        if kind == "assigned":
            handler = person if person.startswith(f"{ISSUER}.") else f"{ISSUER}.chuyenvien"
            assigned = self.client(f"{ISSUER}.lanhdao").post(
                f"/api/v1/receipts/{receipt}/assign",
                json={"handler": handler, "deadline": in_future()},
            )
            assert assigned.status_code == 200, assigned.text
        if kind == "recalled":
            sender = self.client(f"{IN_FROM}.vanthu")
            recalled = sender.post(
                f"/api/v1/documents/{document_id}/recall", json={"reason": "Thu hồi để sửa."}
            )
            assert recalled.status_code == 200, recalled.text
        return Target(document_id, self.parties(kind, person), receipt)

    def history_length(self, target: Target, person: str) -> int:
        """The document's history as its issuer's clerk reads it; for a new draft, the
        person's outbox."""
        if not target.document_id:
            return len(self.clients[person].get("/api/v1/outbox").json())
        detail = self.issuer_clerk.get(f"/api/v1/documents/{target.document_id}")
        assert detail.status_code == 200, detail.text
        return len(detail.json()["history"])


@pytest.fixture(scope="module")
def world(stack: Stack) -> Iterator[World]:
    with ExitStack() as resources:
        yield World(stack, resources)


def test_the_five_units_stand_in_the_five_relations(world: World) -> None:
    issuer = world.units[ISSUER]
    for rel, unit in UNIT_OF.items():
        assert relation(world.tree, world.units[unit], issuer) is rel
    assert not {OUT_TO, IN_FROM} & set(UNIT_OF.values())


@pytest.mark.parametrize(("role", "rel", "call"), CELLS, ids=list(map(cell_id, CELLS)))
def test_the_api_answers_as_the_policy(world: World, role: Role, rel: Relation, call: Call) -> None:
    person = username(role, rel)
    allowed = call.expected(world.actors[person], world.parties(call.kind, person), world.tree)
    target = world.target(call.kind, allowed and call.changes and call.fresh, person)
    before = world.history_length(target, person) if call.changes else 0
    answer = call.send(world.caller(person, call.form), target)
    said = f"{person} {call.name}: {answer.status_code} {answer.text[:400]}"
    if allowed:  # a page's form answers with its page again (post/redirect/get)
        assert 200 <= answer.status_code < 300 or answer.status_code == 303, said
        if call.changes and call.fresh:
            assert world.history_length(target, person) > before, f"{said}: nothing recorded"
        return
    assert answer.status_code == 403, said
    if call.form or call.name.endswith("-page"):
        assert "Không thực hiện được (403)" in answer.text, said
        assert "CSRF" not in answer.text, said
        assert SUBJECT not in answer.text and PLAN_SUBJECT not in answer.text
    else:
        refusal = answer.json()
        assert refusal["error"] == "forbidden" and refusal["message"] and refusal["message_en"]
        assert not answer.content.startswith(b"%PDF")
    if call.changes:
        assert world.history_length(target, person) == before, f"{said}: the history changed"


def listed(client: httpx.Client) -> dict[str, set[str]]:
    """The documents each register and the search list to the person."""
    found = client.get("/api/v1/search", params={"q": "ma trận phân quyền", "page_size": 100})
    assert found.status_code in (200, 422), found.text  # 422: no hit, page 1 past the last
    return {
        "outbox": {row["document_id"] for row in client.get("/api/v1/outbox").json()},
        "inbox": {row["document_id"] for row in client.get("/api/v1/inbox").json()},
        "search": {hit["document_id"] for hit in found.json().get("hits", [])},
    }


@pytest.mark.parametrize(("role", "rel"), PEOPLE, ids=[f"{r.value}-{x.value}" for r, x in PEOPLE])
def test_no_list_shows_a_document_the_person_may_not_view(
    world: World, role: Role, rel: Relation
) -> None:
    """Every document made here that a register or the search lists, the person may view;
    and the search does find the shared outgoing and incoming plans for whoever may view them
    (so that an empty answer cannot pass for a careful one)."""
    shared = [
        world.target(kind, False, f"{ISSUER}.chuyenvien") for kind in ("dispatched", "incoming")
    ]
    person = username(role, rel)
    actor = world.actors[person]
    lists = listed(world.clients[person])
    for where, ids in lists.items():
        for document_id in ids & set(world.documents):
            parties = world.documents[document_id]
            assert is_allowed(actor, Action.VIEW, parties, world.tree), (person, where)
    for target in shared:
        may_view = is_allowed(actor, Action.VIEW, target.parties, world.tree)
        assert (target.document_id in lists["search"]) is may_view, (person, target)
