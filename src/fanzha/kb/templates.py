"""Text templates: the phrasings, slot vocabularies and composition tables of the training texts and the
synthetic world, as data under ``kb/data/templates/``, with their schema and their checks.

One file per part, one model each, `Templates` holding them all:

- ``slots.yaml`` (`SlotsFile`): what ``{platform}``, ``{item}``, ``{name}`` … become, in the order drawn;
- ``world.yaml`` (`WorldFile`): the sim's phrasings of every scam move and of ordinary life, its evasive
  spellings and typos;
- ``reports.yaml`` (`ReportsFile`): victims' and officers' reports of a scam;
- ``training.yaml``, ``training_benign.yaml``, ``training_registers.yaml``, ``training_letters.yaml``: the
  training texts' one-line phrasings and the parts, weights and separators they are composed from.

`load_templates()` reads them with `fanzha.kb.yamlsrc` (libyaml) and checks them; a problem raises
`KnowledgeBaseError` listing every one as ``file:line: CODE message`` (`check_templates` returns them instead).
The shipped files are read once per process, when a generator first asks (`fanzha.text.templates`), never when
the detector starts. Rendering is `fanzha.text.templates`; this module only reads and checks.

What code asks of the data is declared here, in one place: `DRAWS` (the slots code computes, and the
vocabularies each reads), `COMPOSERS` (the genres code composes), `REQUIRED` (the families code asks for by
name) and `RENDERER_SLOTS` (the tables whose code fills other placeholders than the slots of slots.yaml).

Codes:
    E105, E101, E102, E106  a template file missing, unreadable, not YAML, a key given twice (as for every
                            file of the knowledge base: `fanzha.kb.yamlsrc.read_into`)
    E140  a template file that is not a mapping of tables
    E141  an unknown key (a misspelt field or table name)
    E142  a list or mapping with too few entries (empty, or fewer than its composer draws at once)
    E143  a value of the wrong type or range (text where a list belongs, a pair that is not two texts …)
    E144  a placeholder ``{x}`` that names no slot of slots.yaml nor one that the table's renderer fills
    E145  a malformed placeholder (an unmatched brace, a format spec or conversion, an attribute or index)
    E147  a family, table or vocabulary that code asks for is missing
    E148  a name that refers to nothing: an unknown draw, vocabulary, composer, genre or world move
    E149  a file under templates/ that nothing reads
"""

from __future__ import annotations

import difflib
import functools
import string
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    model_validator,
)

from fanzha.errors import KnowledgeBaseError
from fanzha.kb.yamlsrc import Issue, Source, read_into, relative

__all__ = [
    "COMPOSERS",
    "DRAWS",
    "REQUIRED",
    "RENDERER_SLOTS",
    "Templates",
    "check_templates",
    "default_root",
    "load_templates",
]

# -- what code asks of the data ---------------------------------------------------------------------------------

#: The slots computed by code (`fanzha.text.templates.DRAWS`: numbers, codes, dates, names made of parts) and the
#: vocabularies of slots.yaml each one reads. A slot of slots.yaml written ``{draw: NAME}`` names one of them.
DRAWS: dict[str, tuple[str, ...]] = {
    "name": ("given", "surnames"),
    "amount": (),
    "big": (),
    "pct": (),
    "rate": (),
    "gb": (),
    "code": (),
    "code4": (),
    "phone": ("phone_prefixes",),
    "tail": (),
    "order": (),
    "order4": (),
    "tracking": ("tracking_prefixes",),
    "card": (),
    "qq": (),
    "wx": (),
    "room": (),
    "url": ("url_hosts",),
    "date": (),
    "time": (),
    "day": (),
    "month": (),
    "n": (),
    "mult": ("multiples",),
    "staff": ("staff_surnames",),
    "staff_no": (),
    "comp": (),
    "fee": (),
    "days": (),
    "plate": ("plate_provinces",),
    "train": (),
    "seat": (),
    "level": (),
    "app_name": ("fake_task_apps", "syllables", "app_suffixes"),
    "boss": ("boss_surnames", "titles"),
    "link": ("links", "link_hosts"),
    "company": ("syllables", "company_kinds"),
    "masked_qq": ("masks",),
    "masked_wx": ("masks",),
    "masked_phone": ("masks",),
    "small": (),
    "mid": (),
    "large": (),
    "wan": (),
    "orders": (),
    "comm": (),
    "hour": (),
    "min": (),
    "landline": ("area_codes",),
    "fake_link": ("brand_tokens", "refund_tokens", "cheap_tlds"),
}

#: The genres composed by code from parts (`fanzha.text.templates.COMPOSERS`); training_benign.yaml gives their
#: weights.
COMPOSERS: tuple[str, ...] = (
    "user_question_composed",
    "local_ad",
    "chat",
    "greeting",
    "shop_dialogue",
    "short",
    "sales_intro",
    "user_question_more",
    "news_story",
    "polite_marketing",
    "agent_chat",
    "user_ask",
    "polite_letter",
)

#: The variants of a sim campaign (the sim draws from these): each has a contact move and a report pretext.
SCAM_VARIANTS: tuple[str, ...] = (
    "quality_refund",
    "lost_parcel",
    "membership_cancel",
    "credit_repair",
    "reserve_fund",
    "tax_refund",
)

#: The families code asks for by name (the sim's campaigns, ordinary life and reports; the training generator's
#: refusals), by table: ``file.table``.
REQUIRED: dict[str, tuple[str, ...]] = {
    "world.scam": (
        *(f"contact.{v}" for v in SCAM_VARIANTS),
        "move.add_qq",
        "move.add_wechat",
        "move.meeting",
        "move.remote",
        "move.qq_group",
        "exec.fbs_sms",
        "exec.card_password",
        "exec.collect_cards",
        "exec.qr_pay",
        "exec.credit_low",
        "exec.test_transfer",
        "exec.test_returned",
        "exec.reserve_open",
        "exec.reserve_return",
        "exec.loan",
        "exec.bank_call",
        "exec.otp",
        "exec.transfer",
        "exec.more",
        "close",
        "victim.refuse",
    ),
    "world.benign": (
        "courier_sms",
        "courier_call",
        "refund_notice",
        "cs_chat",
        "bank_otp",
        "bank_call",
        "work_meeting",
        "remote_help",
        "loan_sms",
        "reserve_fund_notice",
        "family_chat",
        "marketing_sms",
        "friend_add",
        "friend_chat",
    ),
    "world.lookalike": (
        "contact_call",
        "contact_add",
        "contact_hello",
        "meeting_notice",
        "share_payment",
        "dealer_call",
        "dealer_chat",
        "agent_call",
        "agent_chat",
        "courier_comp_call",
        "courier_comp_chat",
        "shop_comp_chat",
        "platform_refund_sms",
        "official_sms",
        "bank_debit",
        "thanks",
    ),
    "reports.pretext": SCAM_VARIANTS,
    "reports.steps": ("app", "meeting", "loan", "test"),
    "reports.contact": ("call", "sms", "wechat", "app"),
    "reports.ids": (
        "caller",
        "caller_tail",
        "bank_caller",
        "qq",
        "wx",
        "room",
        "card",
        "card_tail",
        "pay",
        "url",
        "shop",
        "order",
        "tracking",
        "hotline",
        "own_phone",
    ),
    "reports.unrelated": (
        "part_time",
        "investment",
        "police_impersonation",
        "loan",
        "game",
        "genuine_cs",
        "genuine_courier",
    ),
}

_LITERAL: tuple[bool, frozenset[str]] = (False, frozenset())
# fanzha.sim.reports fills the reports with str.format and exactly these values
_REPORT_SLOTS = frozenset({
    "name", "age", "gender", "when", "contact", "platform", "courier", "item", "mult", "app", "lender", "loan",
    "test", "n", "amount", "bank", "who", "pay_app", "bank_app", "caller", "caller_tail", "bank_caller", "qq", "wx",
    "room", "card", "card_tail", "pay", "url", "shop", "order", "tracking", "hotline", "own_phone",
})  # fmt: skip

#: The placeholders of the tables that are not rendered with the slots of slots.yaml alone, by ``file.table``
#: prefix (the longest one that matches a text's place decides): whether the slots of slots.yaml are filled, and
#: which placeholders the code that renders the table fills itself. Every other table is rendered with the slots
#: of slots.yaml. "Literal" tables are inserted as written: into or after a rendered text, or as names.
RENDERER_SLOTS: dict[str, tuple[bool, frozenset[str]]] = {
    "slots": _LITERAL,  # slot values are inserted as they are
    "slots.vocab.links": (False, frozenset({"host", "code"})),  # the link draw fills these
    "world.lookalike": (True, frozenset({"dealer", "car", "agency", "deposit", "hotline", "colleague"})),
    "world.evasions": _LITERAL,
    "world.typos": _LITERAL,
    "reports": (False, _REPORT_SLOTS),
    "training.opt_out_genres": _LITERAL,
    "training.opt_out": _LITERAL,
    "training.separators": _LITERAL,
    "training.sim_scripts": _LITERAL,
    "training_benign.questions.forms": (False, frozenset({"s", "v", "p"})),  # subject, verb, problem
    "training_benign.questions.subjects": _LITERAL,
    "training_benign.questions.verbs": _LITERAL,
    "training_benign.questions.problems": _LITERAL,
    "training_benign.questions.tails": _LITERAL,
    "training_benign.questions.more": (True, frozenset({"s"})),  # a subject, then the slots
    "training_benign.local_ads.openers": (True, frozenset({"b"})),  # the business's name
    "training_benign.chat": _LITERAL,
    "training_benign.short": _LITERAL,
    "training_benign.doubled": _LITERAL,
    "training_benign.marketing.separators": _LITERAL,
    "training_benign.agents.separators": _LITERAL,
    "training_benign.news.separators": _LITERAL,
    "training_registers.emoji": _LITERAL,
    "training_registers.separators": _LITERAL,
    "training_registers.unpunctuated": _LITERAL,
    "training_letters.separators": _LITERAL,
}

# -- schema -----------------------------------------------------------------------------------------------------

Texts = Annotated[tuple[str, ...], Field(min_length=1)]
Family = Annotated[dict[str, Texts], Field(min_length=1)]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Slot(_Table):
    """A slot: one of its own `values`, one entry of a `vocab`ulary, or computed by a code `draw`. In YAML, a
    plain list stands for its values."""

    values: Texts | None = None
    vocab: str | None = None
    draw: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _list_is_values(cls, data: Any) -> Any:
        return {"values": data} if isinstance(data, list | tuple) else data

    @model_validator(mode="after")
    def _exactly_one(self) -> Slot:
        if sum(x is not None for x in (self.values, self.vocab, self.draw)) != 1:
            raise ValueError("a slot is a list of values, {vocab: NAME} or {draw: NAME}")
        return self


class SlotsFile(_Table):
    vocab: Family
    slots: Annotated[dict[str, Slot], Field(min_length=1)]


class Evasion(_Table):
    word: Annotated[str, Field(min_length=1)]
    alts: Texts


class WorldFile(_Table):
    scam: Family
    benign: Family
    lookalike: Family
    evasions: Annotated[tuple[Evasion, ...], Field(min_length=1)]
    typos: Annotated[tuple[tuple[str, str], ...], Field(min_length=1)]


class Pair(_Table):
    victim: str
    police: str


class Phrasings(_Table):
    """Several phrasings of one sentence, in the victim's words and in the police's."""

    victim: Texts
    police: Texts


class ReportsFile(_Table):
    open_victim: Texts
    open_police: Texts
    contact: Annotated[dict[str, str], Field(min_length=1)]
    pretext: Annotated[dict[str, Pair], Field(min_length=1)]
    steps: Annotated[dict[str, Pair], Field(min_length=1)]
    loss: Texts
    loss_police: Texts
    ids: Annotated[dict[str, Phrasings], Field(min_length=1)]
    repeat_victim: Texts
    repeat_police: Texts
    unrelated: Family
    stopped: Texts


# composed_scam draws one or two pretexts and requests, verbose_scam up to three, without replacement
Parts3 = Annotated[tuple[str, ...], Field(min_length=3)]


class Parts(_Table):
    openers: Texts
    pretexts: Parts3
    requests: Parts3


class TrainingSeparators(_Table):
    parts: Texts
    mixed: Texts


class TrainingFile(_Table):
    benign: Family
    opt_out_genres: Texts
    opt_out: Texts
    scam: Family
    tails: Texts
    parts: Annotated[dict[str, Parts], Field(min_length=1)]
    fillers: Texts
    separators: TrainingSeparators
    sim_scripts: Annotated[tuple[Texts, ...], Field(min_length=1)]


class Questions(_Table):
    forms: Texts
    subjects: Texts
    verbs: Texts
    problems: Texts
    lead_ins: Texts
    more: Texts
    tails: Texts


class LocalAds(_Table):
    # a business: its name and at least four lines (an ad draws two to four of them)
    businesses: Annotated[tuple[Annotated[tuple[str, ...], Field(min_length=5)], ...], Field(min_length=1)]
    openers: Texts
    closers: Texts


class Chat(_Table):
    parts: Texts
    separators: Texts


class Greetings(_Table):
    texts: Texts
    senders: Texts


class ShopDialogue(_Table):
    user: Texts
    agent: Texts


class Sales(_Table):
    openers: Texts
    who: Texts
    pitch: Texts
    close: Texts


class Marketing(_Table):
    who: Texts
    offer: Texts
    action: Texts
    opt_out: Texts
    separators: Texts


class Agents(_Table):
    greetings: Texts
    who: Texts
    offer: Texts
    close: Texts
    separators: Texts


class Asks(_Table):
    prefixes: Texts
    forms: Texts
    tails: Texts


class News(_Table):
    who: Texts
    hook: Texts
    turn: Texts
    end: Texts
    separators: Texts


class TrainingBenignFile(_Table):
    composed: Annotated[dict[str, PositiveInt], Field(min_length=1)]
    registers: Annotated[dict[str, PositiveFloat], Field(min_length=1)]
    families: Family
    questions: Questions
    local_ads: LocalAds
    chat: Chat
    greetings: Greetings
    shop_dialogue: ShopDialogue
    short: Texts
    sales: Sales
    marketing: Marketing
    agents: Agents
    asks: Asks
    news: News
    doubled: Texts


class Kind(_Table):
    sms: Texts
    cs: Texts
    opener: Texts
    pretext: Texts
    request: Texts


class RegisterSeparators(_Table):
    end: Texts
    notice: Texts
    chat: Texts
    chat_opener: Texts
    paragraph: Texts


class TrainingRegistersFile(_Table):
    weights: Annotated[dict[str, PositiveFloat], Field(min_length=1)]
    kinds: Annotated[dict[str, Kind], Field(min_length=1)]
    tags: Family
    notice_heads: Texts
    notice_closes: Texts
    chat_openers: Texts
    emoji: Texts
    fillers: Texts
    separators: RegisterSeparators
    unpunctuated: Texts


class Letter(_Table):
    who: Texts
    situation: Texts
    purpose: Texts
    ask: Texts
    soft: Texts


class BenignLetter(_Table):
    who: Texts
    say: Texts
    move: Texts


Share = Annotated[float, Field(gt=0, le=1)]


class TrainingLettersFile(_Table):
    share: Annotated[dict[str, Share], Field(min_length=1)]
    early: Annotated[float, Field(ge=0, le=1)]
    greetings: Texts
    closings: Texts
    separators: Texts
    letters: Annotated[dict[str, Letter], Field(min_length=1)]
    benign: BenignLetter


class Templates(_Table):
    """Every template file, validated."""

    slots: SlotsFile
    world: WorldFile
    reports: ReportsFile
    training: TrainingFile
    training_benign: TrainingBenignFile
    training_registers: TrainingRegistersFile
    training_letters: TrainingLettersFile


#: file stem → its model
FILES: dict[str, type[_Table]] = {
    "slots": SlotsFile,
    "world": WorldFile,
    "reports": ReportsFile,
    "training": TrainingFile,
    "training_benign": TrainingBenignFile,
    "training_registers": TrainingRegistersFile,
    "training_letters": TrainingLettersFile,
}
_FIELD_NAMES = sorted({f for m in _Table.__subclasses__() for f in m.model_fields})

# -- loading ----------------------------------------------------------------------------------------------------


def default_root() -> Path:
    """The templates shipped in the package."""
    return Path(str(resources.files("fanzha.kb") / "data" / "templates"))


def load_templates(root: Path | None = None) -> Templates:
    """The templates under `root` (default: the shipped ones, read once per process), checked.

    Raises `KnowledgeBaseError` listing every problem as ``file:line: CODE message``.
    """
    if root is None:
        return _shipped()
    return _load(root)


@functools.cache
def _shipped() -> Templates:
    return _load(default_root())


def _load(root: Path) -> Templates:
    templates, issues = check_templates(root)
    if templates is None or any(i.severity == "error" for i in issues):
        raise KnowledgeBaseError([str(i) for i in issues])
    return templates


def check_templates(root: Path | None = None) -> tuple[Templates | None, list[Issue]]:
    """Read and check the templates under `root`: (the templates, or None when a file did not validate; every
    problem found)."""
    root = root or default_root()
    issues: list[Issue] = []
    sources: dict[str, Source] = {}
    models: dict[str, _Table] = {}
    for name, model in FILES.items():
        src = _read(root / f"{name}.yaml", issues)
        if src is None:
            continue
        sources[name] = src
        try:
            models[name] = model.model_validate(src.data)
        except ValidationError as exc:
            issues.extend(_schema_issues(src, exc))
    known = {f"{name}.yaml" for name in FILES}
    for p in sorted([*root.glob("*.yaml"), *root.glob("*.yml")]):
        if p.name not in known:
            issues.append(Issue.of(relative(p), 1, "E149"))
    raw_slots = sources["slots"].data.get("slots") if "slots" in sources else None
    slot_names = set(raw_slots) if isinstance(raw_slots, dict) else set()
    for name, src in sources.items():
        issues.extend(_placeholder_issues(name, src, slot_names))
    issues.extend(_cross_issues(models, sources))
    if len(models) < len(FILES):
        return None, issues
    return Templates.model_validate(models), issues


def _read(p: Path, issues: list[Issue]) -> Source | None:
    file = relative(p)
    if not p.exists():
        issues.append(Issue.of(file, 1, "E105"))
        return None
    src = read_into(p, file, issues, typed=False)  # every scalar as the text written
    if src is None:
        return None
    if not isinstance(src.data, dict):
        issues.append(Issue.of(file, 1, "E140"))
        return None
    return src


def _schema_issues(src: Source, exc: ValidationError) -> Iterator[Issue]:
    for err in exc.errors():
        loc = tuple(err["loc"])
        where = ".".join(map(str, loc)) or "file"
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            near = difflib.get_close_matches(key, _FIELD_NAMES, n=1)
            yield Issue.of(src.file, src.line_of(loc), "E141", field=where, close=near[0] if near else None)
        elif kind == "too_short":
            yield Issue.of(src.file, src.line_of(loc), "E142", field=where, reason=err["msg"])
        elif kind == "missing":
            yield Issue.of(src.file, src.line_of(loc), "E147", field=where, name=str(loc[-1]))
        else:
            yield Issue.of(src.file, src.line_of(loc), "E143", field=where, reason=err["msg"])


# -- placeholders -----------------------------------------------------------------------------------------------

_FORMATTER = string.Formatter()


def _texts(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, text) of every string of `data`, mapping keys excepted."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _texts(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _texts(v, (*path, i))


def _fill_of(name: str, path: tuple[str | int, ...]) -> tuple[bool, frozenset[str]]:
    """(whether the slots of slots.yaml are filled, the placeholders the renderer fills) for a text at `path`."""
    keys = [name, *(str(p) for p in path if isinstance(p, str))]
    for n in range(len(keys), 0, -1):
        rule = RENDERER_SLOTS.get(".".join(keys[:n]))
        if rule is not None:
            return rule
    return True, frozenset()


def _placeholder_issues(name: str, src: Source, slot_names: set[str]) -> Iterator[Issue]:
    for path, text in _texts(src.data, ()):
        try:
            fields = [(f, spec, conv) for _, f, spec, conv in _FORMATTER.parse(text) if f is not None]
        except ValueError:
            yield Issue.of(src.file, src.line_of(path), "E145", field=_where(path), placeholder=text)
            continue
        if not fields:
            continue
        with_slots, extra = _fill_of(name, path)
        for field, spec, conv in fields:
            if not field.isidentifier() or spec or conv:
                written = f"{{{field}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
                yield Issue.of(src.file, src.line_of(path), "E145", field=_where(path), placeholder=written)
            elif field not in extra and not (with_slots and field in slot_names):
                allowed = sorted(set(extra) | (slot_names if with_slots else set()))
                near = difflib.get_close_matches(field, allowed, n=1)
                yield Issue.of(
                    src.file,
                    src.line_of(path),
                    "E144",
                    field=_where(path),
                    slot=field,
                    valid=", ".join(allowed) or "-",
                    close=near[0] if near else None,
                )


def _where(path: tuple[str | int, ...]) -> str:
    return ".".join(map(str, path)) or "file"


# -- cross-references -------------------------------------------------------------------------------------------


def _cross_issues(models: dict[str, _Table], sources: dict[str, Source]) -> Iterator[Issue]:
    """The references between tables, each checked when the files it needs did validate."""

    def at(name: str, *path: str | int) -> tuple[str, int]:
        src = sources[name]
        return src.file, src.line_of(path)

    slots = models.get("slots")
    world = models.get("world")
    reports = models.get("reports")
    tr = models.get("training")
    tb = models.get("training_benign")
    rg = models.get("training_registers")
    lt = models.get("training_letters")
    if isinstance(slots, SlotsFile):
        vocab = slots.vocab
        for key, slot in slots.slots.items():
            if slot.draw is not None and slot.draw not in DRAWS:
                yield _refers(at("slots", "slots", key), f"slots.{key}.draw", slot.draw, DRAWS)
            elif slot.vocab is not None and slot.vocab not in vocab:
                yield _refers(at("slots", "slots", key), f"slots.{key}.vocab", slot.vocab, vocab)
            elif slot.draw is not None:
                for need in DRAWS[slot.draw]:
                    if need not in vocab:
                        yield Issue.of(*at("slots", "vocab"), "E147", field="vocab", name=need)
    tables: dict[str, dict[str, Any]] = {}
    if isinstance(world, WorldFile):
        tables |= {"world.scam": world.scam, "world.benign": world.benign}
    if isinstance(reports, ReportsFile):
        tables |= {
            "reports.pretext": reports.pretext,
            "reports.steps": reports.steps,
            "reports.contact": reports.contact,
            "reports.ids": reports.ids,
            "reports.unrelated": reports.unrelated,
        }
    for table, have in tables.items():
        file, key = table.split(".")
        for missing in (n for n in REQUIRED[table] if n not in have):
            yield Issue.of(*at(file, key), "E147", field=table, name=missing)

    if isinstance(tr, TrainingFile):
        for genre in tr.opt_out_genres:
            if genre not in tr.benign:
                yield _refers(at("training", "opt_out_genres"), "opt_out_genres", genre, tr.benign)
        for category in tr.scam:
            if category not in tr.parts:
                yield Issue.of(*at("training", "parts"), "E147", field="parts", name=category)
        for i, script in enumerate(tr.sim_scripts):
            for move in script:
                if isinstance(world, WorldFile) and move not in world.scam:
                    yield _refers(at("training", "sim_scripts", i), f"sim_scripts.{i}", move, world.scam)

    if isinstance(tb, TrainingBenignFile):
        for genre in tb.composed:
            if genre not in COMPOSERS:
                yield _refers(at("training_benign", "composed", genre), "composed", genre, COMPOSERS)
        for genre in tb.registers:
            if genre not in tb.families and genre not in COMPOSERS:
                yield _refers(
                    at("training_benign", "registers", genre), "registers", genre, [*tb.families, *COMPOSERS]
                )

    if isinstance(rg, TrainingRegistersFile):
        for category in rg.weights:
            for table, have in (("kinds", rg.kinds), ("tags", rg.tags)):
                if category not in have:
                    yield Issue.of(*at("training_registers", table), "E147", field=table, name=category)
    if isinstance(lt, TrainingLettersFile):
        for category in lt.share:
            if category not in lt.letters:
                yield Issue.of(*at("training_letters", "letters"), "E147", field="letters", name=category)


def _refers(where: tuple[str, int], field: str, name: str, valid: Iterable[str]) -> Issue:
    """E148: `name` at `field` names nothing of `valid`."""
    return Issue.of(*where, "E148", field=field, name=name, valid=", ".join(sorted(valid)))
