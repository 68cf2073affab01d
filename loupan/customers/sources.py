"""The company's default source channels (来源渠道), the list api-v1.md names."""

from __future__ import annotations

DEFAULT_SOURCES = [
    ("walk_in", "自然到访", "Walk-in"),
    ("phone", "来电", "Phone call"),
    ("online", "网络", "Online"),
    ("referral", "老带新", "Referral"),
    ("agency", "代理渠道", "Agency"),
    ("event", "活动", "Event"),
    ("outdoor_ad", "户外广告", "Outdoor ad"),
    ("other", "其他", "Other"),
]


def ensure_default_sources() -> None:
    """Create the default channels that are missing (a fresh or flushed database)."""
    from .models import SourceChannel

    for order, (code, name, name_en) in enumerate(DEFAULT_SOURCES):
        SourceChannel.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
