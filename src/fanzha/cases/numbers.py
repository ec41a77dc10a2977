"""The scam numbers a centre pushes to the telephone operators (涉诈号码, issue 19).

A centre that files a report with a loss learns the number the scammer called from ("来电显示16530211655", "那个号码是
…", "嫌疑人使用电话…", "后又有号码951495冒充银行客服来电"). In China such numbers go from the centres to the operators'
list of fraud numbers; an operator that sees a listed number call a subscriber tells the centre at once (涉诈来电预警:
how the centre in the seeds could call 田先生 during his scam). `scam_numbers` makes that list from cases
(`fanzha.cases.intake`), for `fanzha.sim.telemetry` to play the operator.

What a report names that is *not* the scammer's number, and is not listed:
- the reporter's own number (报警人联系电话, 我的电话: the intake's role `victim`) and a service number the lexicon
  knows (96110, 95188: role `public`; the operator also never lists a number registered to a bank or courier);
- a number the reporter called to check (事后打了官方电话02152638601核实, 后来我打…问了): the words before it say the
  reporter called it, or the words after say 核实 / 问;
- every number of a report without a loss: a person who reports a genuine courier outlet's call "to be safe"
  (快递网点…打电话说我的快递破损了要赔偿，我担心是诈骗，来报备一下，没有转账) or names a courier is not a case.

A number is listed `LISTING["delay_h"]` hours after the report (the centre checks the case and pushes the number:
a run, not the same second), each number once, at its earliest report.

The same reports name the gang's QQ and WeChat accounts (加了QQ号276197647, 对方微信kf_mvxj7n); `listing` gives them
beside the numbers, by the same rules (a report with a loss, the role `reported`, an hour after the report): the
accounts whose records the centre asks the platform for (调证), as it asks the operator for a number's (话单). The
leak source (`fanzha.cases.leaks.read_contacts`) reads the people they reached from those records.

Only reports list: an alert of the warning engine filed as a case (`Case.origin`) names the numbers that called
the alerted person, but an alert is no loss the police confirmed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fanzha.cases.model import Case
from fanzha.records.units import US_PER_SECOND

#: hours from a report to its numbers being on the operators' list
LISTING: dict[str, float] = {"delay_h": 1.0}
#: words before a number that say the reporter called it (to check), within the same clause
_CALLED_BY_REPORTER = re.compile(r"(拨打|打了|我打|打给|打到|致电|回拨|回电)[^。；;，,！!？?]*$")
#: words right after a number that say it was called to check
_CHECK_AFTER = re.compile(r"^[^。；;，,]{0,2}(核实|问|咨询|查询)")


#: the kinds of identifier a report names that are the gang's own accounts, listed by `listing`
LISTED_KINDS = ("phone", "qq", "wechat_id")


def scam_numbers(cases: Iterable[Case], *, delay_h: float | None = None) -> dict[str, int]:
    """number → time µs from which it is listed: the numbers reports with a loss name as the scammer's."""
    return {key: t for (_, key), (t, _) in listing(cases, delay_h=delay_h, kinds=("phone",)).items()}


def reported_losses(cases: Iterable[Case]) -> list[tuple[int, str, str]]:
    """(time µs, the victim's person id, report id) of the reports with a loss that name their victim, in time
    order: what the victim's bank learns of a report (it lists the phones that emptied the account:
    `fanzha.banks.devices`)."""
    return sorted(
        (c.time, c.person_id, c.report_id)
        for c in cases
        if c.origin == "report" and c.loss_fen > 0 and c.person_id
    )


def listing(
    cases: Iterable[Case], *, delay_h: float | None = None, kinds: tuple[str, ...] = LISTED_KINDS
) -> dict[tuple[str, str], tuple[int, str]]:
    """(kind, key) → (time µs from which it is listed, the case that listed it): the numbers and accounts of
    `kinds` that reports with a loss name as the scammer's, each at its earliest report."""
    delay = int((LISTING["delay_h"] if delay_h is None else delay_h) * 3600 * US_PER_SECOND)
    out: dict[tuple[str, str], tuple[int, str]] = {}
    for case in cases:
        if case.origin != "report" or case.loss_fen <= 0:  # an alert filed as a case lists nothing
            continue
        text = case.text
        for m in case.mentions:
            if m.kind not in kinds or m.role != "reported" or m.key is None:
                continue
            if m.kind == "phone":  # a number the reporter called, or called to check, is no scammer's
                if m.start is None or m.end is None:
                    continue
                if _CALLED_BY_REPORTER.search(text[max(0, m.start - 16) : m.start]):
                    continue
                if _CHECK_AFTER.search(text[m.end : m.end + 6]):
                    continue
            t = case.time + delay
            key = (m.kind, m.key)
            if key not in out or (t, case.case_id) < out[key]:
                out[key] = (t, case.case_id)
    return out
