"""API for the deadline list, notifications and the dashboard figures."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard import services as dashboard_services
from deadlines import selectors
from govern import roles
from govern.errors import PermissionDenied
from govern.models import Notification
from govern.notifications import mark_read
from govern.params import int_param

from .common import Pagination


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(source="pk")
    enterprise = serializers.IntegerField(source="enterprise.pk")
    enterprise_name = serializers.CharField(source="enterprise.name")
    title = serializers.CharField()
    due = serializers.DateField()
    owner = serializers.CharField()
    status = serializers.CharField()


class DeadlinePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DeadlineSerializer(many=True)


class DeadlineListView(APIView):
    """Open deadlines, soonest first. ``?page=`` for the first pages; every response's ``next`` link
    carries a keyset ``cursor``, so walking deep into 300,000 deadlines costs the same as page 1."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", enum=list(selectors.KINDS)),
            OpenApiParameter("state", enum=["overdue", "soon"]),
            OpenApiParameter("district", OpenApiTypes.INT),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, description="from a previous response's next link"
            ),
        ],
        responses=DeadlinePageSerializer,
    )
    def get(self, request):
        params = request.query_params
        items = selectors.deadline_items(
            user=request.user,
            kind=params.get("kind") if params.get("kind") in selectors.KINDS else None,
            state=params.get("state") if params.get("state") in ("overdue", "soon") else None,
            district=int_param(params.get("district")),
        )
        size = int_param(params.get("page_size"), maximum=Pagination.max_page_size) or (
            Pagination.page_size
        )
        cursor = selectors.Cursor.parse(params.get("cursor"))
        if cursor is None and params.get("cursor") is not None:
            raise ValidationError(
                {"cursor": [_("Use the cursor from a previous response's next link.")]}
            )
        if cursor is None:
            # A page number (OFFSET): fine for the first pages a person opens; the next link
            # switches to the keyset cursor.
            page = int_param(params.get("page"), maximum=MAX_PAGE) or 1
            start = (page - 1) * size
            rows = items[start : start + size + 1]
            more = len(rows) > size
            rows = rows[:size]
            following = (
                selectors.Cursor(rows[-1].due, rows[-1].kind, rows[-1].pk)
                if more and rows
                else None
            )
            return self._page(request, items, rows, following, page > 1)
        rows, following = items.page_after(cursor, size)
        return self._page(request, items, rows, following, cursor is not None)

    def _page(self, request, items, rows, following, has_previous):
        def link(**changes):
            query = request.query_params.copy()
            query.pop("page", None)
            for key, value in changes.items():
                query[key] = value
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return Response(
            {
                "count": items.count(),
                "next": link(cursor=following.token()) if following else None,
                "previous": None,
                "results": DeadlineSerializer(rows, many=True).data,
            }
        )


MAX_PAGE = 100_000


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ("id", "level", "title", "body", "url", "created_at", "read_at")


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset is the user's own
    filterset_fields = ("level",)

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by(
            "-created_at", "-id"
        )

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return Response({"marked": mark_read(user=request.user, notification_id=int(pk))})

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": mark_read(user=request.user)})


class DashboardView(APIView):
    """The dashboard's figures (managers)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                description="2000-2100; other values mean the current year",
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        if not roles.is_manager(request.user):
            raise PermissionDenied()
        board = dashboard_services.dashboard_current(
            year=int_param(request.query_params.get("year"), minimum=2000, maximum=2100),
        )
        return Response(
            {
                "year": board.year,
                "total": board.total,
                "by_state": board.state_totals(),
                "by_tier": board.tier_totals(),
                "by_district_state": [
                    {"district": d, "state": s, "count": n}
                    for (d, s), n in board.by_district_state.items()
                ],
                "by_sector_tier": [
                    {"sector": s, "tier": t, "count": n}
                    for (s, t), n in board.by_sector_tier.items()
                ],
                "overdue": [
                    {"kind": k, "district": d, "count": n} for (k, d), n in board.overdue.items()
                ],
                "voc_reduction": [
                    {
                        "district": d,
                        "achieved": str(v),
                        "target": str(board.targets.get(d)) if d in board.targets else None,
                    }
                    for d, v in board.achieved.items()
                ],
                "relocation_progress": board.relocation_overall,
                "trend": [
                    {"month": m.isoformat(), **c, "voc_reduction": str(r)}
                    for m, c, r in board.trend
                ],
            }
        )
