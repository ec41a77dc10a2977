"""Rendering the text templates of ``kb/data/templates`` (`fanzha.kb.templates`): slot filling, phrasing draws,
evasive spellings and typos, surface variety, and the composition of the training texts from their parts.

The synthetic world (`fanzha.sim`) and the training texts (`fanzha.classify.synth`) both render through this
module, so neither imports the other. Two entry points:

- `TextBank(rng)`: the world's phrasings (world.yaml) with the slots the caller gives (a slot it does not give
  renders empty), varied with evasive spellings (V信, 扣扣, 退 款) and typos;
- `TrainingTexts` (`training_texts()` for the shipped templates): draws a value for every slot a phrasing names
  (slots.yaml: a list, a vocabulary, or a `DRAWS` function here) and composes the training genres: scams in
  registers and letters, composed benign genres (`COMPOSERS`), decorations.

Every draw comes from the random generator passed in, in a fixed order, so a seed gives the same texts; the
order of every list in the data is part of that. The templates are read once per process, on first use.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from fanzha.kb.templates import Templates, load_templates

Gen = np.random.Generator
Vocab = Mapping[str, tuple[str, ...]]


class Rng(Protocol):
    """The two draws `TextBank` uses (a `numpy.random.Generator` or the sim's `FastRng`)."""

    def random(self) -> float: ...

    def integers(self, lo: int, hi: int | None = None) -> int: ...


# -- the world's phrasings --------------------------------------------------------------------------------------


class TextBank:
    """Renders the world's phrasings (world.yaml) with slots, evasive spellings and typos."""

    def __init__(self, rng: Rng, templates: Templates | None = None) -> None:
        world = (templates or load_templates()).world
        self.rng = rng
        self._scam = world.scam
        self._benign = world.benign
        self._lookalike = world.lookalike
        self._evasions = world.evasions
        self._typos = world.typos

    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.rng.integers(len(options)))]

    def scam(
        self, family: str, slots: Mapping[str, object], *, evasion: float = 0.3, typo: float = 0.12
    ) -> str:
        text = self.pick(self._scam[family]).format_map(_Given(slots))
        return self.vary(text, evasion=evasion, typo=typo)

    def benign(self, family: str, slots: Mapping[str, object], *, typo: float = 0.05) -> str:
        text = self.pick(self._benign[family]).format_map(_Given(slots))
        return self.vary(text, evasion=0.0, typo=typo)

    def lookalike(self, family: str, slots: Mapping[str, object], *, typo: float = 0.05) -> str:
        """Ordinary life that looks like a scam (world.yaml `lookalike`: kept apart from `benign`, which the
        training texts draw from, so adding to it changes no training text)."""
        text = self.pick(self._lookalike[family]).format_map(_Given(slots))
        return self.vary(text, evasion=0.0, typo=typo)

    def vary(self, text: str, *, evasion: float, typo: float) -> str:
        rng = self.rng
        if evasion > 0:
            for ev in self._evasions:
                if ev.word in text and rng.random() < evasion:
                    alts = ev.alts
                    text = text.replace(ev.word, alts[int(rng.integers(len(alts)))], 1)
        if typo > 0 and rng.random() < typo:
            src, dst = self._typos[int(rng.integers(len(self._typos)))]
            text = text.replace(src, dst, 1)
        return text

    def vary_kept(self, text: Spanned, *, typo: float) -> Spanned:
        """A typo (as `vary` draws it) outside the spans of `text`, whose spans are kept on their characters: the
        report generator writes identifiers into a text and records where they are."""
        rng = self.rng
        if typo <= 0 or rng.random() >= typo:
            return text
        src, dst = self._typos[int(rng.integers(len(self._typos)))]
        at = 0
        while (i := text.text.find(src, at)) >= 0:
            if not any(i < e and s < i + len(src) for _, s, e in text.spans):
                shift = len(dst) - len(src)
                spans = tuple(
                    (n, s + shift if s >= i + len(src) else s, e + shift if e >= i + len(src) else e)
                    for n, s, e in text.spans
                )
                return Spanned(text.text[:i] + dst + text.text[i + len(src) :], spans)
            at = i + 1
        return text


@dataclass(frozen=True, slots=True)
class Spanned:
    """A text and named spans [start, end) in it: what a slot holds when the parts it was made of must be found
    in the output (the identifiers a synthetic report mentions)."""

    text: str
    spans: tuple[tuple[str, int, int], ...] = ()

    def __str__(self) -> str:
        return self.text


_FORMATTER = string.Formatter()


def render_spans(template: str, values: Mapping[str, object]) -> Spanned:
    """`template` filled as `str.format_map` fills it (a slot not given renders empty), with the span of every
    slot filled, named by the slot; a `Spanned` value brings its own spans along, inside its slot's."""
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    for literal, field, _spec, _conv in _FORMATTER.parse(template):
        out.append(literal)
        pos += len(literal)
        if field is None:
            continue
        value = values.get(field, "")
        text = str(value)
        if isinstance(value, Spanned):
            spans.extend((n, pos + a, pos + b) for n, a, b in value.spans)
        if text:
            spans.append((field, pos, pos + len(text)))
        out.append(text)
        pos += len(text)
    return Spanned("".join(out), tuple(spans))


def join_spans(parts: Sequence[Spanned | str], sep: str = "") -> Spanned:
    """The parts one after the other (with `sep` between them), their spans moved to where they land."""
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    for i, part in enumerate(parts):
        if i and sep:
            out.append(sep)
            pos += len(sep)
        if isinstance(part, Spanned):
            spans.extend((n, pos + a, pos + b) for n, a, b in part.spans)
            text = part.text
        else:
            text = part
        out.append(text)
        pos += len(text)
    return Spanned("".join(out), tuple(spans))


class _Given(dict[str, object]):
    """format_map helper: a slot the caller did not give renders as an empty string rather than failing."""

    def __init__(self, values: Mapping[str, object]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return ""


# -- slots drawn by code ----------------------------------------------------------------------------------------


def _one(rng: Gen, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _some(rng: Gen, options: Sequence[str], lo: int, hi: int) -> list[str]:
    k = min(len(options), int(rng.integers(lo, hi + 1)))
    return [options[int(i)] for i in rng.choice(len(options), size=k, replace=False)]


def _digits(rng: Gen, n: int) -> str:
    return "".join(str(int(d)) for d in rng.integers(0, 10, n))


def _amount(v: Vocab, rng: Gen) -> str:
    r = rng.random()
    if r < 0.3:
        return str(int(rng.integers(1, 200)))
    if r < 0.6:
        return f"{rng.integers(10, 3000)}.{rng.integers(0, 100):02d}"
    if r < 0.85:
        return str(int(rng.integers(1, 60)) * 100)
    return str(int(rng.integers(1, 50)) * 1000)


def _name(v: Vocab, rng: Gen) -> str:
    given_names = v["given"]
    given = given_names[int(rng.integers(len(given_names)))]
    if rng.random() < 0.6:
        given += given_names[int(rng.integers(len(given_names)))]
    return _one(rng, v["surnames"]) + given


_URL_CODE = string.ascii_lowercase + string.digits
_LINK_CODE = "abcdefghjkmnpqrstuvwxyz0123456789"


def _url(v: Vocab, rng: Gen) -> str:
    code = "".join(_URL_CODE[int(i)] for i in rng.integers(0, len(_URL_CODE), int(rng.integers(4, 8))))
    hosts = v["url_hosts"]
    return f"{hosts[int(rng.integers(len(hosts)))]}/{code}"


def _link(v: Vocab, rng: Gen) -> str:
    code = "".join(_LINK_CODE[int(i)] for i in rng.integers(0, len(_LINK_CODE), int(rng.integers(4, 8))))
    return _one(rng, v["links"]).replace("{host}", _one(rng, v["link_hosts"])).replace("{code}", code)


def _landline(v: Vocab, rng: Gen) -> str:
    """A landline as SMS print it: an area code, then seven or eight digits, sometimes split by a hyphen."""
    area = _one(rng, v["area_codes"])
    local = str(int(rng.integers(2, 9))) + _digits(rng, 7 if len(area) == 3 else 6 + int(rng.integers(0, 2)))
    return f"{area}{_one(rng, ['-', '', ' ', '-'])}{local}"


def _fake_link(v: Vocab, rng: Gen) -> str:
    """A look-alike link: a brand's initials and a refund or claim word on a cheap domain, sometimes a path."""
    code = "".join(_LINK_CODE[int(i)] for i in rng.integers(0, len(_LINK_CODE), int(rng.integers(2, 5))))
    host = f"{_one(rng, v['brand_tokens'])}{_one(rng, ['-', '', '-'])}{_one(rng, v['refund_tokens'])}"
    host += f".{_one(rng, v['cheap_tlds'])}"
    prefix = _one(rng, ["", "", "https://", "http://", "www."])
    return prefix + host + (f"/{code}" if rng.random() < 0.5 else "")


def _syllables(v: Vocab, rng: Gen, k: int) -> str:
    syl = v["syllables"]
    return "".join(syl[int(i)] for i in rng.integers(0, len(syl), k))


def _app_name(v: Vocab, rng: Gen) -> str:
    if rng.random() < 0.15:
        return _one(rng, v["fake_task_apps"])
    return _syllables(v, rng, int(rng.integers(2, 4))) + _one(rng, v["app_suffixes"])


def _masked(v: Vocab, rng: Gen, digits: int) -> str:
    if rng.random() < 0.3:
        return _one(rng, v["masks"])
    return "".join(str(int(d)) for d in rng.integers(0, 10, digits))


def _money(rng: Gen, lo: int, hi: int, step: int) -> str:
    return str(int(rng.integers(lo // step, hi // step + 1)) * step)


def _wx(v: Vocab, rng: Gen) -> str:
    letters = list("abcdefghkmnpqrstwxyz")
    return "".join(str(rng.choice(letters)) for _ in range(int(rng.integers(3, 6)))) + _digits(
        rng, int(rng.integers(2, 5))
    )


#: The slots computed by code, by the name slots.yaml gives as ``{draw: NAME}``; each reads the vocabularies that
#: `fanzha.kb.templates.DRAWS` lists for it.
DRAWS: dict[str, Callable[[Vocab, Gen], str]] = {
    "name": _name,
    "amount": _amount,
    "big": lambda v, rng: str(int(rng.integers(1, 50)) * 10000),
    "pct": lambda v, rng: str(int(rng.integers(3, 40))),
    "rate": lambda v, rng: f"{rng.integers(2, 9)}.{rng.integers(0, 10)}",
    "gb": lambda v, rng: str(int(rng.choice([1, 2, 5, 10, 20, 30, 40, 60, 100]))),
    "code": lambda v, rng: _digits(rng, int(rng.choice([4, 6, 6, 6]))),
    "code4": lambda v, rng: f"{rng.integers(1, 30)}-{rng.integers(1, 6)}-{_digits(rng, 4)}",
    "phone": lambda v, rng: str(rng.choice(v["phone_prefixes"])) + _digits(rng, 9),
    "tail": lambda v, rng: _digits(rng, 4),
    "order": lambda v, rng: _digits(rng, 18),
    "order4": lambda v, rng: _digits(rng, 4),
    "tracking": lambda v, rng: str(rng.choice(v["tracking_prefixes"])) + _digits(rng, 12),
    "card": lambda v, rng: "62" + _digits(rng, 17),
    "qq": lambda v, rng: str(int(rng.integers(10_000_000, 3_999_999_999))),
    "wx": _wx,
    "room": lambda v, rng: f"{rng.integers(100, 999)} {rng.integers(100, 999)} {rng.integers(100, 999)}",
    "url": _url,
    "date": lambda v, rng: f"{rng.integers(1, 13)}月{rng.integers(1, 29)}日",
    "time": lambda v, rng: f"{rng.integers(6, 23)}:{rng.choice(['00', '15', '30', '45'])}",
    "day": lambda v, rng: str(int(rng.integers(1, 29))),
    "month": lambda v, rng: str(int(rng.integers(1, 13))),
    "n": lambda v, rng: str(int(rng.integers(2, 9))),
    "mult": lambda v, rng: str(rng.choice(v["multiples"])),
    "staff": lambda v, rng: str(rng.choice(v["staff_surnames"])),
    "staff_no": lambda v, rng: _digits(rng, 5),
    "comp": lambda v, rng: str(int(rng.integers(50, 2000))),
    "fee": lambda v, rng: str(int(rng.choice([98, 198, 298, 399, 599, 800, 1200]))),
    "days": lambda v, rng: str(int(rng.integers(2, 30))),
    "plate": lambda v, rng: (
        str(rng.choice(v["plate_provinces"])) + str(rng.choice(list("ABCDEF"))) + _digits(rng, 5)
    ),
    "train": lambda v, rng: str(rng.choice(["G", "D", "K", "Z"])) + str(int(rng.integers(10, 9000))),
    "seat": lambda v, rng: f"{rng.integers(1, 17)}车{rng.integers(1, 20)}{rng.choice(list('ABCDF'))}号",
    "level": lambda v, rng: str(int(rng.integers(2, 30))),
    "app_name": _app_name,
    "boss": lambda v, rng: _one(rng, v["boss_surnames"]) + _one(rng, v["titles"]),
    "link": _link,
    "company": lambda v, rng: _syllables(v, rng, 2) + _one(rng, v["company_kinds"]) + "公司",
    "masked_qq": lambda v, rng: _masked(v, rng, int(rng.integers(8, 11))),
    "masked_wx": lambda v, rng: _masked(v, rng, int(rng.integers(6, 10))),
    "masked_phone": lambda v, rng: _masked(v, rng, 11),
    "small": lambda v, rng: _money(rng, 10, 300, 10),
    "mid": lambda v, rng: _money(rng, 300, 5000, 100),
    "large": lambda v, rng: _money(rng, 5000, 200000, 1000),
    "wan": lambda v, rng: str(int(rng.integers(1, 51))) + "万",
    "orders": lambda v, rng: str(int(rng.integers(3, 31))),
    "comm": lambda v, rng: str(int(rng.choice([5, 8, 10, 12, 15, 20, 30]))),
    "hour": lambda v, rng: str(int(rng.integers(1, 24))),
    "min": lambda v, rng: str(int(rng.choice([5, 10, 15, 20, 30]))),
    "landline": _landline,
    "fake_link": _fake_link,
}


def _slot_drawer(templates: Templates, name: str) -> Callable[[Gen], str]:
    spec = templates.slots.slots[name]
    vocab = templates.slots.vocab
    if spec.draw is not None:
        return functools.partial(DRAWS[spec.draw], vocab)
    options = spec.values if spec.values is not None else vocab[spec.vocab or ""]
    return lambda rng: options[int(rng.integers(len(options)))]


class _Drawn(dict[str, str]):
    """A mapping that draws a value for each slot the first time it is asked for (the same slot twice in
    one text gets the same value); a name that is no slot renders empty."""

    def __init__(self, drawers: Mapping[str, Callable[[Gen], str]], rng: Gen) -> None:
        super().__init__()
        self.drawers = drawers
        self.rng = rng

    def __missing__(self, key: str) -> str:
        fn = self.drawers.get(key)
        value = fn(self.rng) if fn is not None else ""
        self[key] = value
        return value


def _join(rng: Gen, parts: list[str], seps: Sequence[str], ends: Sequence[str]) -> str:
    out = ""
    for i, p in enumerate(parts):
        out += p
        if i < len(parts) - 1:
            out += _one(rng, seps)
    return out + _one(rng, ends)


_PUNCT = re.compile(r"[，。！？、；：,.!?;:～~]")
_LONG_DIGITS = re.compile(r"\d{5,}")


# -- the training texts -----------------------------------------------------------------------------------------


class TrainingTexts:
    """The training texts' slots and composers over one set of templates."""

    def __init__(self, templates: Templates) -> None:
        self.t = templates
        self.drawers: dict[str, Callable[[Gen], str]] = {
            name: _slot_drawer(templates, name) for name in templates.slots.slots
        }

    # slots
    def slots(self, rng: Gen) -> _Drawn:
        """A slot mapping that draws each value when a phrasing first names it."""
        return _Drawn(self.drawers, rng)

    def render(self, rng: Gen, template: str) -> str:
        return template.format_map(_Drawn(self.drawers, rng))

    def all_slots(self, rng: Gen) -> dict[str, str]:
        """A value for every slot, drawn in the order of slots.yaml (the world's phrasings read a plain
        mapping)."""
        return {key: fn(rng) for key, fn in self.drawers.items()}

    # decorations
    def decorate_benign(self, rng: Gen, text: str, genre: str) -> str:
        """A marketing genre's text, sometimes with an opt-out line appended."""
        tr = self.t.training
        if genre in tr.opt_out_genres and rng.random() < 0.6:
            opt = _one(rng, tr.opt_out)
            if opt and opt not in text:
                text = f"{text}{opt}"
        return text

    def surface(self, rng: Gen, text: str) -> str:
        """The same text as phones show it: no punctuation, half-width punctuation, masked numbers, emoji,
        spaces. Applied alike to scams and benign texts, so none of it tells one from the other."""
        rg = self.t.training_registers
        r = rng.random()
        if r < 0.08:
            text = _PUNCT.sub(_one(rng, rg.unpunctuated), text)
        elif r < 0.16:
            text = text.replace("，", ",").replace("！", "!").replace("？", "?").replace("：", ":")
        if rng.random() < 0.15:
            mask = _one(rng, self.t.slots.vocab["masks"])
            text = _LONG_DIGITS.sub(mask, text)
        if rng.random() < 0.06:
            text += _one(rng, rg.emoji)
        if rng.random() < 0.04:
            text = text.replace("。", "。\n")
        return text

    # scams of training.yaml
    def one_line_scam(self, rng: Gen, category: str) -> str:
        """One or two one-line pitches of `category` and a tail."""
        tr = self.t.training
        slots = self.slots(rng)
        options = tr.scam[category]
        parts = [_one(rng, options)]
        if rng.random() < 0.35:  # a second move of the same scam
            parts.append(_one(rng, options))
        parts.append(_one(rng, tr.tails))
        return "".join(parts).format_map(slots)

    def composed_scam(self, rng: Gen, category: str) -> str:
        """A scam of `category`: an opening, one or two pretexts and one or two requests, with pressure lines."""
        tr = self.t.training
        parts_of = tr.parts[category]
        openers, pretexts, actions = parts_of.openers, parts_of.pretexts, parts_of.requests
        slots = self.slots(rng)
        parts: list[str] = []
        if rng.random() < 0.8:
            parts.append(_one(rng, openers))
        for i in rng.choice(len(pretexts), size=int(rng.integers(1, 3)), replace=False):
            parts.append(pretexts[int(i)])
        for i in rng.choice(len(actions), size=int(rng.integers(1, 3)), replace=False):
            parts.append(actions[int(i)])
        tail = _one(rng, tr.tails)
        seps = tr.separators.parts
        text = "".join(p + _one(rng, seps) for p in parts) + tail
        return text.format_map(slots)

    def verbose_scam(self, rng: Gen, category: str) -> str:
        """A longer scam of `category` (an opening, up to three pretexts and requests, fillers between)."""
        tr = self.t.training
        parts_of = tr.parts[category]
        parts = [_one(rng, parts_of.openers)]
        for pool, most in ((parts_of.pretexts, 3), (parts_of.requests, 3)):
            for i in rng.choice(len(pool), size=int(rng.integers(1, most + 1)), replace=False):
                parts.append(pool[int(i)])
                if rng.random() < 0.4:
                    parts.append(_one(rng, tr.fillers))
        seps = tr.separators.parts
        return "".join(p + _one(rng, seps) for p in parts).format_map(self.slots(rng))

    # scams of training_registers.yaml and training_letters.yaml (templates: slots unrendered)
    def scam_template(self, rng: Gen, category: str) -> str:
        """A scam of `category` as a template (slots unrendered), in one of four registers or as a letter."""
        rg = self.t.training_registers
        share = self.t.training_letters.share
        if category in share and rng.random() < share[category]:
            return self.letter_template(rng, category)
        k = rg.kinds[category]
        tags = rg.tags[category]
        seps = rg.separators
        r = rng.random()
        if r < 0.25:  # a short one-line pitch
            text = _one(rng, k.sms)
            if rng.random() < 0.3:
                text = _one(rng, tags) + text
            return text
        if r < 0.5:  # a polite notice
            head = _one(rng, rg.notice_heads)
            who = _one(rng, k.cs if rng.random() < 0.6 else k.opener)
            body = [who, *_some(rng, k.pretext, 1, 2), *_some(rng, k.request, 1, 2)]
            text = head + _join(rng, body, seps.notice, seps.end) + _one(rng, rg.notice_closes)
            if rng.random() < 0.25:
                text = _one(rng, tags) + text
            return text
        if r < 0.75:  # a chatty message
            parts = [_one(rng, k.opener if rng.random() < 0.7 else k.cs)]
            parts += _some(rng, k.pretext, 1, 2) + _some(rng, k.request, 1, 2)
            if rng.random() < 0.3:
                parts.insert(int(rng.integers(1, len(parts) + 1)), _one(rng, rg.fillers))
            pre = _one(rng, rg.chat_openers)
            text = (pre + _one(rng, seps.chat_opener) if pre else "") + _join(rng, parts, seps.chat, seps.end)
            if rng.random() < 0.35:
                text += _one(rng, rg.emoji)
            return text
        # a longer paragraph
        parts = [_one(rng, k.cs if rng.random() < 0.5 else k.opener)]
        parts += _some(rng, k.pretext, 2, 4)
        if rng.random() < 0.5:
            parts.append(_one(rng, rg.fillers))
        parts += _some(rng, k.request, 1, 3)
        text = _join(rng, parts, seps.paragraph, seps.end)
        if rng.random() < 0.5:
            text += _one(rng, rg.notice_closes)
        return text

    def letter_template(self, rng: Gen, category: str) -> str:
        """A scam of `category` as a courteous letter: greeting, who writes, the situation, then the ask or
        (early stage) only a soft move."""
        lt = self.t.training_letters
        letter = lt.letters[category]
        parts = [_one(rng, letter.who), *_some(rng, letter.situation, 1, 2)]
        if rng.random() < 0.4:
            parts.append(_one(rng, letter.purpose))
        if rng.random() < lt.early:
            parts.append(_one(rng, letter.soft))
        else:
            parts += _some(rng, letter.ask, 1, 2)
        end = self.t.training_registers.separators.end
        return _one(rng, lt.greetings) + _join(rng, parts, lt.separators, end) + _one(rng, lt.closings)

    def benign_template(self, rng: Gen, genre: str) -> str:
        """A benign text of `genre` in the scams' vocabulary: a family's phrasing as a template (sometimes two
        of the same family together), or a composer's finished text (rendering it again changes nothing)."""
        tb = self.t.training_benign
        if genre not in tb.families:
            return COMPOSERS[genre](self, rng)
        options = tb.families[genre]
        text = _one(rng, options)
        if rng.random() < 0.15:
            text += _one(rng, tb.doubled) + _one(rng, options)
        return text

    # composed benign genres (COMPOSERS): each returns a finished text, its slots drawn last
    def user_question(self, rng: Gen) -> str:
        """A user's own question about their account, payment, loan or order (what fintech and shop
        customer-service chats are full of)."""
        q = self.t.training_benign.questions
        form = _one(rng, q.forms)
        text = form.format(s=_one(rng, q.subjects), v=_one(rng, q.verbs), p=_one(rng, q.problems))
        if rng.random() < 0.25:
            text = self.render(rng, _one(rng, q.lead_ins)) + "，" + text
        return text + _one(rng, q.tails)

    def user_question_more(self, rng: Gen) -> str:
        """More of the user's own questions (complaints, phone numbers, proofs of repayment)."""
        q = self.t.training_benign.questions
        form = _one(rng, q.more)
        text = self.render(rng, form.replace("{s}", _one(rng, q.subjects)))
        return text + _one(rng, q.tails)

    def local_ad(self, rng: Gen) -> str:
        """A local business's marketing SMS: estate, salons, restaurants, schools, insurers, car dealers …"""
        ads = self.t.training_benign.local_ads
        parts = _one_of(rng, ads.businesses)
        name = parts[0]
        picks = [
            parts[int(i)]
            for i in rng.choice(np.arange(1, len(parts)), size=int(rng.integers(2, 5)), replace=False)
        ]
        template = _one(rng, ads.openers)
        opener = template.replace("{b}", name)
        body = "，".join(picks)
        if "{b}" not in template:
            body = f"{name}{body}"
        closer = _one(rng, ads.closers)
        return self.render(rng, f"{opener}{body}。{closer}")

    def chat(self, rng: Gen) -> str:
        """Family and friends' everyday messages, one to four short utterances."""
        chat = self.t.training_benign.chat
        k = int(rng.integers(1, 5))
        sep = _one(rng, chat.separators)
        return sep.join(chat.parts[int(i)] for i in rng.integers(0, len(chat.parts), k))

    def greeting(self, rng: Gen) -> str:
        """Holiday and birthday greetings, often from shops and companies."""
        g = self.t.training_benign.greetings
        text = self.render(rng, _one(rng, g.texts))
        if rng.random() < 0.4:
            text = self.render(rng, _one(rng, g.senders)) + text
        return text

    def shop_dialogue(self, rng: Gen) -> str:
        """An in-app chat between a buyer and a shop's customer service (the real kind: it stays on the
        platform and asks for nothing)."""
        d = self.t.training_benign.shop_dialogue
        turns = []
        for i in range(int(rng.integers(2, 9))):
            pool = d.user if i % 2 == 0 else d.agent
            turns.append(self.render(rng, _one(rng, pool)))
        return "\n".join(turns)

    def short(self, rng: Gen) -> str:
        """One or two words on their own: a short text is not a scam because one of its words is the scam's."""
        words = self.t.training_benign.short
        k = int(rng.integers(1, 3))
        return "".join(words[int(i)] for i in rng.integers(0, len(words), k))

    def sales_intro(self, rng: Gen) -> str:
        """A salesperson introducing themselves by name and company: estate, cars, insurance, salons,
        schools, recruiters — "您好，我是…" is how scams begin too, and how most sales messages do."""
        s = self.t.training_benign.sales
        who = _one(rng, s.who)
        pitch = _one(rng, s.pitch)
        close = _one(rng, s.close)
        opener = _one(rng, s.openers)
        return self.render(rng, f"{opener}{who}，{pitch}。{close}")

    def polite_letter(self, rng: Gen) -> str:
        """A courteous letter in the scams' surface (same greetings and self-introductions) that asks for
        nothing."""
        lt = self.t.training_letters
        b = lt.benign
        parts = [_one(rng, b.who), *_some(rng, b.say, 1, 2)]
        move = _one(rng, b.move)
        if move:
            parts.append(move)
        end = self.t.training_registers.separators.end
        text = _one(rng, lt.greetings) + _join(rng, parts, lt.separators, end) + _one(rng, lt.closings)
        return self.render(rng, text)

    def polite_marketing(self, rng: Gen) -> str:
        """A company's promotion in the notice register ("尊敬的用户，您好！我们是…"): no request for money."""
        m = self.t.training_benign.marketing
        rg = self.t.training_registers
        parts = [_one(rng, m.who), *_some(rng, m.offer, 1, 2), *_some(rng, m.action, 1, 2)]
        text = (
            _one(rng, rg.notice_heads)
            + _join(rng, parts, m.separators, rg.separators.end)
            + _one(rng, rg.notice_closes)
        )
        if rng.random() < 0.4:
            text += _one(rng, m.opt_out)
        return self.render(rng, text)

    def agent_chat(self, rng: Gen) -> str:
        """An estate, car or insurance agent's message: introduces himself, offers, leaves a number."""
        a = self.t.training_benign.agents
        rg = self.t.training_registers
        parts = [_one(rng, a.greetings) + _one(rng, a.who)]
        parts += _some(rng, a.offer, 1, 2) + [_one(rng, a.close)]
        text = _join(rng, parts, a.separators, rg.separators.end)
        if rng.random() < 0.2:
            text += _one(rng, rg.emoji)
        return self.render(rng, text)

    def user_ask(self, rng: Gen) -> str:
        """A user's own first-person question about their loan, game, dating or job account."""
        a = self.t.training_benign.asks
        text = _one(rng, a.forms)
        if rng.random() < 0.3:
            text = _one(rng, a.prefixes) + text
        return self.render(rng, text + _one(rng, a.tails))

    def news_story(self, rng: Gen) -> str:
        """A news or police report retelling a scam of one of these kinds (third person, after the fact)."""
        n = self.t.training_benign.news
        parts = [
            _one(rng, n.who) + _one(rng, n.hook),
            _one(rng, n.turn),
            *_some(rng, n.end, 1, 2),
        ]
        return self.render(rng, _join(rng, parts, n.separators, self.t.training_registers.separators.end))


def _one_of(rng: Gen, options: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    return options[int(rng.integers(len(options)))]


#: The genres composed by code, by the name training_benign.yaml weighs them under (the same names as
#: `fanzha.kb.templates.COMPOSERS`).
COMPOSERS: dict[str, Callable[[TrainingTexts, Gen], str]] = {
    "user_question_composed": TrainingTexts.user_question,
    "local_ad": TrainingTexts.local_ad,
    "chat": TrainingTexts.chat,
    "greeting": TrainingTexts.greeting,
    "shop_dialogue": TrainingTexts.shop_dialogue,
    "short": TrainingTexts.short,
    "sales_intro": TrainingTexts.sales_intro,
    "user_question_more": TrainingTexts.user_question_more,
    "news_story": TrainingTexts.news_story,
    "polite_marketing": TrainingTexts.polite_marketing,
    "agent_chat": TrainingTexts.agent_chat,
    "user_ask": TrainingTexts.user_ask,
    "polite_letter": TrainingTexts.polite_letter,
}


@functools.cache
def training_texts() -> TrainingTexts:
    """The training texts' composers over the shipped templates (read on first use)."""
    return TrainingTexts(load_templates())
