"""Base pieces for API endpoints: the scoped viewset."""

from __future__ import annotations

from rest_framework import viewsets


class ScopedViewSetMixin:
    """Fetch every row through ``Model.objects.visible_to(user)``: scoped by default.

    Single objects come from the same queryset, so an out-of-scope id is a 404.
    Subclasses shape the queryset with ``scoped_queryset`` (select_related etc.).
    """

    def get_queryset(self):  # noqa: ANN201
        model = self.queryset.model
        return self.scoped_queryset(model.objects.visible_to(self.request.user))

    def scoped_queryset(self, qs):  # noqa: ANN001, ANN201
        return qs


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
