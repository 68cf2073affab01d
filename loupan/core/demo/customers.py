"""The customer generator: customers with their interests and a year of activities."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from decimal import Decimal
from typing import Any

from loupan.core.validators import id_number_checksum
from loupan.customers.validation import name_initials

from .org import Names, SiteStaff
from .vocabulary import (
    _CALL_NOTES,
    _DEAL_NOTES,
    _EMAIL_NOTES,
    _FOLLOW_KINDS,
    _MESSAGE_NOTES,
    _NOTE_NOTES,
    _REVISIT_NOTES,
    _VISIT_NOTES,
    BUDGET_BY_INCOME,
    CUSTOMER_NOTES,
    DEAL_STATUSES,
    DISTRICT_CODES,
    DISTRICTS,
    FLOORS,
    INCOME_BANDS,
    INTEREST_WEIGHTS,
    INTERESTS,
    OCCUPATIONS,
    POOL_SHARE,
    PURPOSES,
    RETIRED,
    SHANGHAI,
    SOURCES,
    STATUSES,
)


def _cum(weighted: list[tuple[Any, int]] | tuple) -> tuple[list[Any], list[int]]:
    values = [v for v, _w in weighted]
    return values, list(itertools.accumulate(w for _v, w in weighted))


class CustomerGenerator:
    """Customers with their interests and activities, one at a time, deterministically.

    ``customer()`` returns a dict of Customer attributes plus ``"interests"`` (tag names)
    and ``"activities"`` (dicts of Activity attributes without ``customer_id``).
    """

    def __init__(self, seed: int, *, today: dt.date, sites: list[SiteStaff], cross_site_share: float = 0.02):
        self.rng = random.Random(f"customers-{seed}")
        self.names = Names(self.rng)
        self.today = today
        self.midnight = dt.datetime.combine(today, dt.time.min, tzinfo=SHANGHAI)
        self.sites = sites
        self._site_cum = list(itertools.accumulate(s.weight for s in sites))
        self._sales_cum = {
            s.site_id: list(itertools.accumulate(0.6 + self.rng.random() for _u in s.sales_ids))
            for s in sites
        }  # some salespeople get more customers than others
        self._phones: dict[int, set[str]] = {s.site_id: set() for s in sites}
        self._people: list[tuple] = []  # a sample of earlier customers, who may visit another site
        self._cross = cross_site_share
        self._initials: dict[str, str] = {}
        self._districts = _cum(DISTRICTS)
        self._occupations = _cum(OCCUPATIONS)
        self._sources = _cum(SOURCES)
        self._purposes = _cum(PURPOSES)
        self._statuses = _cum(STATUSES)
        self._statuses_no_lead = _cum([s for s in STATUSES if s[0] != "lead"])
        self._kinds = {k: _cum(v) for k, v in _FOLLOW_KINDS.items()}

    # -- small helpers ---------------------------------------------------------------
    def _pick(self, table: tuple[list[Any], list[int]]) -> Any:
        values, cum = table
        return values[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def _at(self, days_ago: int, minute: int) -> dt.datetime:
        """A local time ``days_ago`` days before today, ``minute`` minutes after midnight."""
        return self.midnight - dt.timedelta(days=days_ago, minutes=-minute)

    def _initials_of(self, name: str) -> str:
        value = self._initials.get(name)
        if value is None:
            value = self._initials[name] = name_initials(name)
        return value

    def _age(self) -> int:
        r = self.rng.random()
        if r < 0.12:
            return self.rng.randint(22, 27)
        if r < 0.45:
            return self.rng.randint(28, 35)
        if r < 0.77:
            return self.rng.randint(36, 45)
        if r < 0.91:
            return self.rng.randint(46, 55)
        return self.rng.randint(56, 70)

    def _income(self, age: int) -> str:
        weights = (8, 35, 28, 19, 10) if age >= 30 else (14, 52, 22, 9, 3)
        return self.rng.choices(INCOME_BANDS, weights)[0]

    def _id_number(self, district: str, birth: dt.date, gender: str) -> str:
        seq = self.rng.randint(0, 99)
        sex = self.rng.choice("13579" if gender == "M" else "02468")
        first17 = f"{DISTRICT_CODES[district]}{birth:%Y%m%d}{seq:02d}{sex}"
        return first17 + id_number_checksum(first17)

    def _unique_phone(self, site_id: int) -> str:
        taken = self._phones[site_id]
        while True:
            phone = self.names.mobile()
            if phone not in taken:
                taken.add(phone)
                return phone

    # -- one customer ------------------------------------------------------------------
    def customer(self) -> dict[str, Any]:
        rng = self.rng
        site = self.sites[bisect.bisect_right(self._site_cum, rng.random() * self._site_cum[-1])]
        person = None
        if self._people and rng.random() < self._cross:
            candidate = self._people[int(rng.random() * len(self._people))]
            if candidate[0] not in self._phones[site.site_id]:
                person = candidate
                self._phones[site.site_id].add(candidate[0])
        if person is None:
            r = rng.random()
            gender = "M" if r < 0.52 else "F" if r < 0.975 else "U"
            name = self.names.name(gender)
            age = self._age()
            born = self.today.replace(year=self.today.year - age) if not (
                self.today.month == 2 and self.today.day == 29) else dt.date(self.today.year - age, 2, 28)  # fmt: skip
            birth = born - dt.timedelta(days=int(rng.random() * 364) + 1)
            district = self._pick(self._districts)
            person = (self._unique_phone(site.site_id), name, gender, birth, age, district)
            if len(self._people) < 5000:
                self._people.append(person)
            elif rng.random() < 0.01:
                self._people[int(rng.random() * 5000)] = person
        phone, name, gender, birth, age, district = person
        if gender == "U" and rng.random() < 0.5:
            birth, age = None, None

        income = self._income(age or 35)
        occupation = RETIRED if (age or 0) >= 58 and rng.random() < 0.7 else self._pick(self._occupations)
        source = self._pick(self._sources)
        status = self._pick(self._statuses_no_lead if source == "walk_in" else self._statuses)
        is_deal = status in DEAL_STATUSES
        in_pool = not is_deal and rng.random() < POOL_SHARE

        # Owner: agents bring agency customers at their sites; salespeople the rest.
        if source == "agency" and site.agent_ids and rng.random() < 0.85:
            seller = site.agent_ids[int(rng.random() * len(site.agent_ids))]
        else:
            cum = self._sales_cum[site.site_id]
            seller = site.sales_ids[bisect.bisect_right(cum, rng.random() * cum[-1])]

        # Intention: budget from income, area from budget, bedrooms from area.
        lo, hi = BUDGET_BY_INCOME[income]
        has_intention = not (status == "lead" and rng.random() < 0.2)
        budget_min = budget_max = area_min = area_max = bedrooms = None
        purpose = level = floor = ""
        if has_intention:
            b_min = lo + int(rng.random() * (hi - lo) * 0.7) // 10 * 10
            b_max = b_min + 30 + int(rng.random() * max(40, b_min * 0.4)) // 10 * 10
            price = 3.0 + rng.random() * 1.8  # 10,000 yuan per m2
            mid = (b_min + b_max) / 2 / price
            a_min = max(40, int(mid * 0.9) // 5 * 5)
            a_max = max(a_min + 10, int(mid * 1.1) // 5 * 5)
            bedrooms = 1 if mid < 70 else 2 if mid < 95 else 3 if mid < 130 else 4 if mid < 180 else 5
            budget_min, budget_max = Decimal(b_min * 10000), Decimal(b_max * 10000)
            area_min, area_max = Decimal(a_min), Decimal(a_max)
            purpose = self._pick(self._purposes)
            if purpose == "upgrade" and bedrooms < 3:
                purpose = "self_use"
            floor = FLOORS[int(rng.random() * len(FLOORS))]
        if is_deal:
            level = "A"
        elif status == "lost":
            level = "D"
        elif has_intention or rng.random() < 0.5:
            level = rng.choices("ABCD", (8, 24, 42, 26) if status == "visited" else (3, 14, 45, 38))[0]

        interests = []
        for _ in range(rng.choices((0, 1, 2, 3), (25, 35, 28, 12))[0]):
            tag = rng.choices(INTERESTS, INTEREST_WEIGHTS)[0]
            if tag not in interests:
                interests.append(tag)

        # Time line: the latest touch first, then the registration before it.
        pool_days = site.pool_after_days
        if in_pool:
            last_ago = rng.randint(pool_days + 1, 330)
        elif is_deal:
            last_ago = 1 + int(120 * rng.random() ** 2)
        elif rng.random() < 0.12:  # about to go to the pool: the warnings have work
            last_ago = rng.randint(max(1, pool_days - 3), pool_days - 1)
        else:
            last_ago = 1 + int((pool_days - 2) * rng.random() ** 1.5)
        n_acts = 1 + min(int(rng.expovariate(0.23)), 19)
        if is_deal:
            n_acts = max(n_acts, 3)
        elif status == "visited" and n_acts < 2 and source != "walk_in":
            n_acts = 2
        created_ago = last_ago if n_acts == 1 else last_ago + 1 + int((364 - last_ago) * rng.random() ** 1.6)
        n_acts = min(n_acts, 1 + (created_ago - last_ago) * 3)  # at most three a day
        created_minute = 9 * 60 + int(rng.random() * 10 * 60)
        created_at = self._at(created_ago, created_minute)

        days = sorted(rng.randint(last_ago, created_ago) for _ in range(n_acts - 2))
        days = [created_ago, *reversed(days), last_ago][:n_acts] if n_acts > 1 else [created_ago]
        activities = []
        visited = status != "lead" and (status != "lost" or rng.random() < 0.5)
        seen_visit = False
        building = rng.randint(1, 12)
        notes_vars = {"bed": bedrooms or 3, "b": (budget_max or 2000000) // 10000, "n": building,
                      "m": building % 12 + 1, "u": f"{rng.randint(2, 30)}0{rng.randint(1, 4)}"}  # fmt: skip
        minute = created_minute
        for i, day in enumerate(days):
            if i == 0:
                minute = created_minute + 5 + int(rng.random() * 40)
                if visited and source in ("walk_in", "referral", "agency", "event"):
                    kind = "visit"
                else:
                    kind = (
                        "call"
                        if source in ("phone", "outdoor_ad", "other") or rng.random() < 0.6
                        else "message"
                    )
            else:
                previous_day = days[i - 1]
                minute = minute + 30 + int(rng.random() * 120) if day == previous_day else (
                    9 * 60 + int(rng.random() * 11 * 60))  # fmt: skip
                kind = self._pick(self._kinds["other" if visited else "lead"])
                if visited and not seen_visit and (i == 1 or rng.random() < 0.5):
                    kind = "visit"
            if kind in ("visit", "revisit"):
                kind = "revisit" if seen_visit else "visit"
                seen_visit = True
            if is_deal and i == len(days) - 1:
                kind, text = "note", _DEAL_NOTES[status]
            else:
                text = rng.choice(
                    {"call": _CALL_NOTES, "message": _MESSAGE_NOTES, "visit": _VISIT_NOTES,
                     "revisit": _REVISIT_NOTES, "note": _NOTE_NOTES, "email": _EMAIL_NOTES}[kind]
                )  # fmt: skip
            occurred = self._at(day, min(minute, 23 * 60 + 50))
            next_action = None
            if i < len(days) - 1 and rng.random() < 0.5:
                next_action = occurred + dt.timedelta(days=rng.randint(1, 7))
            activities.append(
                {
                    "user_id": seller,
                    "kind": kind,
                    "occurred_at": occurred,
                    "notes": text.format(**notes_vars),
                    "next_action_at": next_action,
                }  # fmt: skip
            )
        if visited and not seen_visit:  # a visited customer had at least one visit
            first = activities[0]
            first["kind"], first["notes"] = "visit", _VISIT_NOTES[0].format(**notes_vars)
        if status == "lost":
            activities[-1]["kind"], activities[-1]["notes"] = "note", rng.choice(_NOTE_NOTES[3:])

        # Today's work: the next action of the latest follow-up.
        last = activities[-1]
        last_touched = last["occurred_at"]
        if not in_pool and status != "lost":
            r = rng.random()
            if r < 0.22 and last_ago >= 2:  # overdue
                last["next_action_at"] = self._at(rng.randint(1, min(last_ago - 1, 7)), 10 * 60)
            elif r < 0.34:  # today
                last["next_action_at"] = self._at(0, (9 + int(rng.random() * 9)) * 60 + rng.choice((0, 30)))
            elif r < 0.72:  # coming days
                last["next_action_at"] = self._at(-rng.randint(1, 14), 10 * 60 + rng.choice((0, 240)))
            else:
                last["next_action_at"] = None
        else:
            last["next_action_at"] = None

        return {
            "site_id": site.site_id,
            "owner_id": None if in_pool else seller,
            "registered_by_id": seller,
            "credited_to_id": seller,
            "name": name,
            "name_initials": self._initials_of(name),
            "phone": phone,
            "phone_last4": phone[-4:],
            "id_number": self._id_number(district, birth, gender) if is_deal and birth else "",
            "gender": gender,
            "birth_date": birth,
            "income_band": income,
            "occupation": occupation,
            "district": district,
            "source_id": source,
            "notes": CUSTOMER_NOTES[int(rng.random() * len(CUSTOMER_NOTES))] if rng.random() < 0.3 else "",
            "status": status,
            "in_pool": in_pool,
            "pooled_at": last_touched + dt.timedelta(days=pool_days) if in_pool else None,
            "last_touched_at": last_touched,
            "next_action_at": None if in_pool else last["next_action_at"],
            "intent_budget_min": budget_min,
            "intent_budget_max": budget_max,
            "intent_area_min": area_min,
            "intent_area_max": area_max,
            "intent_bedrooms": bedrooms,
            "intent_purpose": purpose,
            "intent_level": level,
            "intent_floor": floor,
            "created_at": created_at,
            "updated_at": last_touched,
            "interests": interests,
            "activities": activities,
        }


CUSTOMER_FIELDS = [
    "site_id", "owner_id", "registered_by_id", "credited_to_id", "name", "name_initials", "phone",
    "phone_last4", "id_number", "gender", "birth_date", "income_band", "occupation", "district",
    "source_id", "notes", "status", "in_pool", "pooled_at", "last_touched_at", "next_action_at",
    "intent_budget_min", "intent_budget_max", "intent_area_min", "intent_area_max", "intent_bedrooms",
    "intent_purpose", "intent_level", "intent_floor", "created_at", "updated_at",
]  # fmt: skip
ACTIVITY_FIELDS = ["user_id", "kind", "occurred_at", "notes", "next_action_at"]
