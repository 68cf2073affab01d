"""Importing customers (the old sales system) and club members (the members system).

Fields are cleaned by the customers' own ``clean_customer_data``; owners come from the
old salesperson names (a unique active colleague of that name at the row's site), else
the customer lands in the site's pool. Duplicates: the same phone at one site, or the
same ID number, inside the file or against the database. Members are customers flagged
``is_club_member``: a member whose phone is already a customer at that site is merged
into that customer (membership set, blank fields filled), not reported as a duplicate.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_bulk, snapshot
from loupan.core.errors import ValidationFailed
from loupan.core.masking import mask_phone
from loupan.core.scoping import scope_for
from loupan.customers.choices import CustomerStatus
from loupan.customers.models import Customer, SourceChannel
from loupan.customers.services import AUDITED_FIELDS
from loupan.customers.validation import clean_customer_data, name_initials
from loupan.org.models import Site, User

from . import values as v
from .engine import Importer, Row
from .fastinsert import audit_rows, insert_objects
from .legacy import LegacyLinks

STATUS_NAMES = {
    "意向": "lead", "线索": "lead", "潜在": "lead", "来访": "visited", "到访": "visited", "已来访": "visited",
    "认购": "subscribed", "已认购": "subscribed", "签约": "contracted", "已签约": "contracted",
    "业主": "owner", "已交房": "owner", "流失": "lost", "无效": "lost",
}  # fmt: skip
DATA_FIELDS = (
    "name", "phone", "gender", "birth_date", "id_number", "income_band", "occupation", "district",
    "source", "status", "notes", "intent_budget_min", "intent_budget_max", "intent_area_min",
    "intent_area_max", "intent_bedrooms", "intent_level",
)  # fmt: skip
STATUSES = frozenset(CustomerStatus.values)
MEMBER_FIELDS = ("name", "phone", "gender", "birth_date", "id_number", "notes")


class CustomerImporter(Importer):
    kind = "customers"
    members = False

    def prepare(self) -> None:
        scope = scope_for(self.actor)
        self.sites = {
            s.code.upper(): s for s in Site.objects.filter(is_active=True) if scope.covers_site(s.pk)
        }
        self.sources: dict[str, str] = {}
        for code, name, name_en in SourceChannel.objects.filter(is_active=True).values_list(
            "code", "name", "name_en"
        ):
            for key in (code, name, name_en):
                if key:
                    self.sources[key.strip().lower()] = code
        self.active_sources = set(self.sources.values())
        self.people: dict[str, list[tuple[int, set[int], str]]] = {}
        users = User.objects.filter(is_active=True).prefetch_related("sites")
        for user in users:
            where = {s.pk for s in user.sites.all()}
            anywhere = user.role in ("admin", "company_manager")
            for key in {user.full_name.strip(), user.username}:
                if key:
                    self.people.setdefault(key, []).append((user.pk, where, "*" if anywhere else ""))
        self.links = LegacyLinks(self.job, self.kind)
        self.now = timezone.now()

    # --- one row ---------------------------------------------------------------------------

    def _owner(self, name: str, site: Site) -> int | None:
        matches = [pk for pk, sites, anywhere in self.people.get(name, []) if anywhere or site.pk in sites]
        return matches[0] if len(matches) == 1 else None

    def _clean(self, row: Row) -> tuple[Site, dict[str, Any]] | None:
        site = self.sites.get(v.text(row.values.get("site")).upper())
        if site is None and row.values.get("site") is not None:
            self.error(row, "site", _("Unknown site code, or a site outside your scope."))
        keys = MEMBER_FIELDS if self.members else DATA_FIELDS
        data = {k: row.values[k] for k in keys if row.values.get(k) not in (None, "")}
        if "source" in data:
            code = self.sources.get(str(data["source"]).lower())
            if code is None:
                self.error(row, "source", _("Unknown source channel."))
            data["source"] = code
        if "status" in data:
            status = STATUS_NAMES.get(data["status"], str(data["status"]).lower())
            if status not in STATUSES:
                self.error(row, "status", _("Unknown status."))
            data["status"] = status
        if "intent_level" in data:
            data["intent_level"] = str(data["intent_level"]).upper()[:1]
        if self.members:
            data["is_club_member"] = True
            data["club_joined_on"] = row.values.get("club_joined_on")
        try:
            cleaned = clean_customer_data(data, sources=self.active_sources)
        except ValidationFailed as exc:
            for name, messages in exc.errors.items():
                self.error(row, name, " ".join(messages))
            return None
        if not row.ok or site is None:
            return None
        return site, cleaned

    # --- one chunk -------------------------------------------------------------------------

    def handle(self, rows: list[Row]) -> None:
        candidates = [(row, *c) for row in rows if row.ok and (c := self._clean(row))]
        if not candidates:
            return
        links = self.links.fetch([row.values["legacy_id"] for row, _s, _d in candidates])
        phones = {(s.pk, d["phone"]) for _r, s, d in candidates}
        ids = {d["id_number"] for _r, _s, d in candidates if d.get("id_number")}
        by_phone: dict[tuple[int, str], tuple[int, str]] = {}
        query = Q()
        for site_id in {s for s, _p in phones}:
            query |= Q(site_id=site_id, phone__in=[p for s, p in phones if s == site_id])
        for pk, site_id, phone, owner in Customer.objects.filter(query).values_list(
            "pk", "site_id", "phone", "owner__full_name"
        ):
            by_phone[(site_id, phone)] = (pk, owner or "")
        by_id = dict(Customer.objects.filter(id_number__in=ids).values_list("id_number", "pk")) if ids else {}
        found = {pk for pk, _o in by_phone.values()} | set(by_id.values())
        rows_of = self.links.rows_in_this_job(found)

        creates, updates, seen_phone, seen_id, seen_lid = [], [], {}, {}, {}
        for row, site, data in candidates:
            lid = v.text(row.values["legacy_id"])
            link = links.get(lid)
            first = seen_lid.get(lid) or (
                link.row if link is not None and link.job_id == self.job.pk else None
            )
            if first:
                self.error(row, "legacy_id", _("The same legacy ID as row %(row)d.") % {"row": first})
                continue
            seen_lid[lid] = row.number
            target = link.object_id if link else None
            key = (site.pk, data["phone"])
            if key in seen_phone:
                self.error(
                    row, "phone", _("The same phone as row %(row)d at this site.") % {"row": seen_phone[key]}
                )
                continue
            hit = by_phone.get(key)
            if hit and hit[0] != target:
                if hit[0] in rows_of:
                    self.error(
                        row,
                        "phone",
                        _("The same phone as row %(row)d at this site.") % {"row": rows_of[hit[0]]},
                    )
                    continue
                if not (self.members and target is None):
                    owner = hit[1] or _("public pool")
                    self.error(row, "phone", _("Already registered at this site (%(phone)s, %(owner)s).")
                               % {"phone": mask_phone(data["phone"]), "owner": owner})  # fmt: skip
                    continue
                target = hit[0]  # a member who is already a customer: merge
            id_number = data.get("id_number")
            if id_number:
                other = seen_id.get(id_number) or by_id.get(id_number)
                if id_number in seen_id or (other and other != target and other in rows_of):
                    self.error(row, "id_number", _("The same ID number as row %(row)d.")
                               % {"row": seen_id.get(id_number) or rows_of[other]})  # fmt: skip
                    continue
                if other and other != target:
                    self.error(row, "id_number", _("This ID number belongs to another customer already."))
                    continue
                seen_id[id_number] = row.number
            seen_phone[key] = row.number
            if target is None:
                creates.append((row, site, data))
            elif link is not None and link.row_hash == row.hash:
                self.links.touch(link, row)
                self.outcome.unchanged += 1
            else:
                updates.append((row, target, data, link))
        self._create(creates)
        self._update(updates)
        self.links.flush()

    # --- writes ----------------------------------------------------------------------------

    def _create(self, creates: list[tuple[Row, Site, dict[str, Any]]]) -> None:
        if not creates:
            return
        customers = []
        for row, site, data in creates:
            owner_name = v.text(row.values.get("owner"))
            owner_id = self._owner(owner_name, site) if owner_name else None
            registered = row.values.get("created_at") or self.now
            if self.members:
                data.setdefault("status", CustomerStatus.OWNER)
            customers.append(
                Customer(
                    site=site,
                    owner_id=owner_id,
                    credited_to_id=owner_id,
                    registered_by=self.actor,
                    in_pool=owner_id is None,
                    pooled_at=None if owner_id else self.now,
                    created_at=registered,
                    last_touched_at=self.now,
                    **data,
                )  # fmt: skip
            )
        insert_objects(Customer, customers)
        query = Q()
        for site_id in {c.site_id for c in customers}:
            query |= Q(site_id=site_id, phone__in=[c.phone for c in customers if c.site_id == site_id])
        ids = {
            (s, p): pk for pk, s, p in Customer.objects.filter(query).values_list("pk", "site_id", "phone")
        }
        for customer in customers:
            customer.pk = ids[(customer.site_id, customer.phone)]
        self.links.add([(row, c.pk) for (row, _s, _d), c in zip(creates, customers, strict=True)])
        audit_rows(
            actor=self.actor, action="create", object_type="customer",
            changes_by_id={
                c.pk: {k: [None, x] for k, x in snapshot(c, AUDITED_FIELDS).items() if x not in (None, "", False)}
                for c in customers
            },
        )  # fmt: skip
        self.outcome.created += len(customers)

    def _update(self, updates: list[tuple[Row, int, dict[str, Any], Any]]) -> None:
        if not updates:
            return
        current = Customer.objects.in_bulk([t for _r, t, _d, _l in updates])
        changed_fields: set[str] = set()
        changes_by_id, objs, new_links = {}, [], []
        for row, target, data, link in updates:
            customer = current[target]
            before = snapshot(customer, AUDITED_FIELDS)
            merge = link is None  # a member merged into an existing customer: fill blanks only
            for name, value in data.items():
                if name in ("name_initials", "phone_last4"):
                    continue
                if merge and name not in ("is_club_member", "club_joined_on") and getattr(customer, name):
                    continue
                setattr(customer, name, value)
            customer.name_initials, customer.phone_last4 = name_initials(customer.name), customer.phone[-4:]
            after = snapshot(customer, AUDITED_FIELDS)
            diff = {k: [before[k], x] for k, x in after.items() if before[k] != x}
            if link is None:
                new_links.append((row, target))
            else:
                self.links.touch(link, row)
            if not diff:
                self.outcome.unchanged += 1
                continue
            changed_fields |= set(diff)
            customer.updated_at = self.now
            changes_by_id[target] = diff
            objs.append(customer)
        if objs:
            names = sorted({*changed_fields, "updated_at", "name_initials", "phone_last4"})
            Customer.objects.bulk_update(objs, names, batch_size=500)
            audit_bulk(
                actor=self.actor, action="import_update", object_type="customer", changes_by_id=changes_by_id
            )
        self.links.add(new_links)
        self.outcome.updated += len(objs)


class MemberImporter(CustomerImporter):
    kind = "members"
    members = True
