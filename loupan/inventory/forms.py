"""Forms of the inventory pages: a project, a building with its unit template."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import BuildingTemplate, StackSpec


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    city = forms.CharField(label=_("City"), max_length=40, required=False)
    district = forms.CharField(label=_("District"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class BuildingForm(forms.Form):
    name = forms.CharField(label=_("Building name"), max_length=60, help_text=_('For example "8号楼".'))
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=200)
    first_floor = forms.IntegerField(
        label=_("First floor with units"), min_value=1, max_value=200, initial=1,
        help_text=_("Floors below it (shops, lobby) get no units."),
    )  # fmt: skip
    unit_price = forms.DecimalField(
        label=_("Starting price per m²"), required=False, min_value=Decimal("0.01"), max_digits=12,
        decimal_places=2, help_text=_("Optional; a price list sets the prices later."),
    )  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        floors, first = data.get("floors"), data.get("first_floor")
        if floors and first and first > floors:
            self.add_error("first_floor", _("The first floor must be between 1 and the top floor."))
        return data


class StackForm(forms.Form):
    """One unit per floor of the template: stack 01, 02, ..."""

    layout = forms.CharField(
        label=_("Layout"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"placeholder": "3室2厅2卫"}),
    )  # fmt: skip
    bedrooms = forms.IntegerField(label=_("Bedrooms"), min_value=0, max_value=20, required=False)
    area = forms.DecimalField(
        label=_("Area (m²)"), min_value=Decimal("1"), max_digits=8, decimal_places=2, required=False
    )
    orientation = forms.CharField(label=_("Orientation"), max_length=20, required=False)

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(k) for k in ("layout", "bedrooms", "area", "orientation"))

    def clean(self) -> dict:
        data = super().clean()
        if any(data.get(k) for k in ("layout", "bedrooms", "orientation")) and not data.get("area"):
            self.add_error("area", _("Give the area of this unit."))
        return data


StackFormSet = forms.formset_factory(StackForm, extra=8, max_num=20)


def template_from(form: BuildingForm, stacks: forms.BaseFormSet) -> BuildingTemplate | None:
    """The unit template described on the page, or None when no stack was filled in."""
    specs = [
        StackSpec(
            layout=f.cleaned_data["layout"],
            bedrooms=f.cleaned_data.get("bedrooms"),
            area=f.cleaned_data["area"],
            orientation=f.cleaned_data.get("orientation", ""),
        )  # fmt: skip
        for f in stacks.forms
        if f.cleaned_data and not f.is_blank()
    ]
    if not specs:
        return None
    return BuildingTemplate(
        stacks=specs, first_floor=form.cleaned_data.get("first_floor") or 1,
        unit_price=form.cleaned_data.get("unit_price"),
    )  # fmt: skip


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    """Lines of "key value" (spaces, tabs or commas between) as pairs; blank lines skipped."""
    pairs = []
    for n, line in enumerate(text.splitlines(), start=1):
        parts = [p for p in line.replace(",", " ").replace("，", " ").replace("\t", " ").split(" ") if p]
        if not parts:
            continue
        if len(parts) != 2:
            raise forms.ValidationError(
                _("Line %(n)d: write %(what)s and an amount.") % {"n": n, "what": what}
            )
        pairs.append((parts[0], parts[1]))
    return pairs


class PriceListForm(forms.Form):
    """A new price list version: one price for every unit, then per-unit lines and floor premiums."""

    default_price = forms.DecimalField(
        label=_("Price per m² for every unit"), required=False, min_value=Decimal("0.01"), max_digits=12,
        decimal_places=2, help_text=_("Units not listed below get this price."),
    )  # fmt: skip
    prices = forms.CharField(
        label=_("Prices per unit"), required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "1801 32000\n1802 31500"}),
        help_text=_("One unit a line: number and price per m²."),
    )  # fmt: skip
    floor_premiums = forms.CharField(
        label=_("Floor premiums"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "18 800\n17 600"}),
        help_text=_("One floor a line: floor and the amount per m² added (0 or more)."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_prices(self) -> dict[str, str]:
        return dict(_pairs(self.cleaned_data.get("prices", ""), _("a unit number")))

    def clean_floor_premiums(self) -> dict[str, str]:
        return dict(_pairs(self.cleaned_data.get("floor_premiums", ""), _("a floor")))

    def prices_for(self, numbers: list[str]) -> dict[str, object]:
        """Every unit's price: the default, overridden by the listed ones."""
        default = self.cleaned_data.get("default_price")
        prices: dict[str, object] = {n: default for n in numbers} if default else {}
        prices.update(self.cleaned_data["prices"])
        return prices


class UnitForm(forms.Form):
    """A unit's description and price; ``locked`` fields (a unit in a deal) are shown, not edited."""

    number = forms.CharField(label=_("Number"), max_length=20)
    floor = forms.IntegerField(label=_("Floor"), min_value=-10, max_value=200)
    layout = forms.CharField(
        label=_("Layout"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "3室2厅2卫"}),
    )
    bedrooms = forms.IntegerField(label=_("Bedrooms"), min_value=0, max_value=20, required=False)
    area = forms.DecimalField(
        label=_("Building area (m²)"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    inner_area = forms.DecimalField(
        label=_("Inner area (m²)"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2, required=False
    )
    orientation = forms.CharField(label=_("Orientation"), max_length=20, required=False)
    unit_price = forms.DecimalField(
        label=_("Price per m²"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2, required=False
    )
    total_price = forms.DecimalField(
        label=_("Total price"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2, required=False,
        help_text=_("Leave it to follow the price per m² times the area."),
    )  # fmt: skip

    def __init__(self, *args: object, locked: frozenset[str] = frozenset(), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in locked & set(self.fields):
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Fixed while the unit is in a deal.")

    def changes(self) -> dict[str, object]:
        """The fields the user changed (the service recomputes the total from a new price or area)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if not self.fields[name].disabled}


class PriceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Price list file (XLSX or CSV)"),
        help_text=_(
            "Columns 房号 and 单价 (price per m²) for every unit; optionally 楼层 and 楼层差价 (floor premium per m²)."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
