"""The demo company's plan: its sites, staff and agency, and the names they carry."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass

from .vocabulary import (
    _ESTATE_WORDS,
    _PLACE_WORDS,
    AGENCY_NAME,
    COMPANY_NAME,
    DEMO_PREFIX,
    DISTRICTS,
    FEMALE_CHARS,
    MALE_CHARS,
    MOBILE_PREFIXES,
    NEUTRAL_CHARS,
    SITES,
    SURNAME_WEIGHTS,
    SURNAMES,
)


@dataclass(frozen=True)
class SitePlan:
    code: str
    name: str
    address: str
    pool_after_days: int


@dataclass(frozen=True)
class UserPlan:
    username: str
    full_name: str
    role: str
    site_codes: tuple[str, ...] = ()
    agent: bool = False
    mobile: str = ""


@dataclass
class OrgPlan:
    company_name: str
    agency_name: str
    agency_contract_start: dt.date
    sites: list[SitePlan]
    users: list[UserPlan]


@dataclass(frozen=True)
class SiteStaff:
    """A site as the customer generator needs it: ids and who sells there."""

    site_id: int
    pool_after_days: int
    sales_ids: tuple[int, ...]
    agent_ids: tuple[int, ...] = ()
    weight: float = 1.0


class Names:
    """Chinese personal names and mainland mobile numbers from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames, self._surname_cum = SURNAMES, list(itertools.accumulate(SURNAME_WEIGHTS))

    def name(self, gender: str) -> str:
        rng = self.rng
        surname = self._surnames[bisect.bisect_right(self._surname_cum, rng.random() * self._surname_cum[-1])]
        chars = MALE_CHARS if gender == "M" else FEMALE_CHARS if gender == "F" else NEUTRAL_CHARS
        if rng.random() < 0.62:  # three-character names are the majority
            first = chars[int(rng.random() * len(chars))] if rng.random() < 0.7 else NEUTRAL_CHARS[
                int(rng.random() * len(NEUTRAL_CHARS))]  # fmt: skip
            return surname + first + chars[int(rng.random() * len(chars))]
        return surname + chars[int(rng.random() * len(chars))]

    def mobile(self) -> str:
        rng = self.rng
        return MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))] + f"{int(rng.random() * 1e8):08d}"


def plan_org(seed: int, *, today: dt.date, n_sites: int | None = None) -> OrgPlan:
    """The company, its sites and staff. ``n_sites`` None: the demo's 3-4 sites."""
    rng = random.Random(f"org-{seed}")
    names = Names(rng)
    if n_sites is None:
        n_sites = rng.choice((3, 4))
    sites: list[SitePlan] = []
    if n_sites <= len(SITES):
        chosen = sorted(rng.sample(range(len(SITES)), n_sites))
        sites = [SitePlan(SITES[i][1], SITES[i][0], SITES[i][2], SITES[i][3]) for i in chosen]
    else:
        combos = [p + e for p in _PLACE_WORDS for e in _ESTATE_WORDS]
        rng.shuffle(combos)
        for i in range(n_sites):
            base = combos[i % len(combos)]
            name = base if i < len(combos) else f"{base}{i // len(combos) + 1}期"
            district = DISTRICTS[i % len(DISTRICTS)][0]
            sites.append(
                SitePlan(f"P{i + 1:04d}", name, f"{district}{_PLACE_WORDS[i % 20]}路{100 + i}号", 30)
            )
    users = [
        UserPlan(f"{DEMO_PREFIX}admin", "系统管理员", "admin", mobile=names.mobile()),
        UserPlan(f"{DEMO_PREFIX}cm", names.name("M"), "company_manager", mobile=names.mobile()),
    ]
    for site in sites:
        slug = site.code.lower()
        gender = rng.choice("MF")
        users.append(UserPlan(f"{DEMO_PREFIX}sm_{slug}", names.name(gender), "site_manager", (site.code,),
                              mobile=names.mobile()))  # fmt: skip
        for k in range(rng.randint(4, 6)):
            gender = "F" if rng.random() < 0.6 else "M"
            users.append(UserPlan(f"{DEMO_PREFIX}{slug}_s{k + 1}", names.name(gender), "sales", (site.code,),
                                  mobile=names.mobile()))  # fmt: skip
    for site in sites[:2]:  # the agency sells at two sites
        slug = site.code.lower()
        for k in range(2):
            users.append(UserPlan(f"{DEMO_PREFIX}agent_{slug}_{k + 1}", names.name(rng.choice("MF")), "agent",
                                  (site.code,), agent=True, mobile=names.mobile()))  # fmt: skip
    start = today - dt.timedelta(days=400)
    return OrgPlan(COMPANY_NAME, AGENCY_NAME, start, sites, users)
