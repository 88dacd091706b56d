"""API for online monitoring: points with their limits, readings (filtered, paged by cursor) and
alerts (explained by the enterprise, resolved by staff)."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from enterprises import selectors as enterprise_selectors
from govern import roles
from govern.errors import InvalidInput, PermissionDenied
from govern.params import int_param
from monitoring import limits, selectors, services
from monitoring.models import Alert, Interval, MonitoringPoint, PollutantLimit, Reading

from .common import NOT_BLANK


class LimitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = PollutantLimit
        fields = ("id", "code", "name", "limit", "unit", "legal_source", "updated_at")
        read_only_fields = ("code", "unit", "updated_at")


class PointSerializer(serializers.ModelSerializer):
    pollutants = LimitSerializer(many=True, read_only=True)
    default_pollutants = serializers.BooleanField(
        write_only=True,
        default=True,
        help_text="Report NMHC, benzene, toluene, xylene and flow with the default limits.",
    )

    class Meta:
        model = MonitoringPoint
        fields = (
            "id",
            "mn",
            "password",
            "enterprise",
            "outlet",
            "st",
            "retired_at",
            "last_seen_at",
            "last_hour_at",
            "pollutants",
            "default_pollutants",
        )
        read_only_fields = ("retired_at", "last_seen_at", "last_hour_at")
        extra_kwargs = {"password": {"write_only": True}}


class PointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Monitoring points (managers create them and edit limits; enterprises see their own)."""

    serializer_class = PointSerializer
    queryset = MonitoringPoint.objects.none()
    filterset_fields = ("enterprise", "st")

    def get_queryset(self):
        return selectors.point_list(user=self.request.user).order_by("pk")

    def create(self, request, *args, **kwargs):
        data = PointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        enterprise = enterprise_selectors.enterprise_get(
            user=request.user, pk=values["enterprise"].pk
        )
        point = services.point_create(
            enterprise=enterprise,
            mn=values["mn"],
            outlet=values["outlet"],
            st=values["st"],
            password=values.get("password") or "123456",
            pollutants=limits.DEFAULTS if values.get("default_pollutants", True) else (),
            by=request.user,
        )
        return Response(PointSerializer(point).data, status=201)

    @extend_schema(request=LimitSerializer, responses=LimitSerializer)
    @action(detail=True, methods=["patch"], url_path=r"limits/(?P<code>[A-Za-z0-9]{1,12})")
    def limit(self, request, pk=None, code=None):
        """Change one pollutant's limit and its legal source (managers)."""
        point = self.get_object()
        row = point.pollutants.filter(code=code).first()
        if row is None:
            raise InvalidInput(_("This point does not report that pollutant."), field="code")
        data = LimitSerializer(row, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.limit_update(
            limit=row,
            value=values.get("limit", row.limit),
            legal_source=values.get("legal_source", row.legal_source),
            by=request.user,
        )
        return Response(LimitSerializer(row).data)

    @extend_schema(request=None, responses=PointSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire the point: its packets are quarantined from now on (managers)."""
        point = services.point_retire(point=self.get_object(), by=request.user)
        return Response(PointSerializer(point).data)


class ReadingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reading
        fields = ("point", "code", "cn", "data_time", "avg", "min", "max", "cou", "flag")


class ReadingCursor(CursorPagination):
    ordering = ("data_time", "id")
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000


def _time(request, name: str):
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        value = parse_datetime(text.replace(" ", "+"))
    except ValueError:  # well-formed but impossible, e.g. month 13
        value = None
    if value is None:
        raise InvalidInput(
            _("Write the time as ISO 8601, e.g. 2026-11-25T10:00:00+08:00."), field=name
        )
    return value


class ReadingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stored readings, oldest first, paged by cursor (stable while new data arrives)."""

    serializer_class = ReadingSerializer
    queryset = Reading.objects.none()
    pagination_class = ReadingCursor
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("point", OpenApiTypes.INT, description="Monitoring point id"),
            OpenApiParameter("pollutant", OpenApiTypes.STR, description="Pollutant code, a24088"),
            OpenApiParameter(
                "interval", OpenApiTypes.INT, description="2051 minute, 2061 hour, 2031 day"
            ),
            OpenApiParameter("start", OpenApiTypes.DATETIME),
            OpenApiParameter("end", OpenApiTypes.DATETIME),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        queryset = selectors.reading_list(user=self.request.user)
        if "point" in params:
            point = int_param(params.get("point"))
            if point is None:
                raise InvalidInput(_("Give the point's id as a number."), field="point")
            queryset = queryset.filter(point_id=point)
        if params.get("pollutant"):
            queryset = queryset.filter(code=params["pollutant"][:12])
        if "interval" in params:
            interval = int_param(params.get("interval"))
            if interval not in Interval.values:
                raise InvalidInput(_("Interval is 2051, 2061 or 2031."), field="interval")
            queryset = queryset.filter(cn=interval)
        start, end = _time(self.request, "start"), _time(self.request, "end")
        if start:
            queryset = queryset.filter(data_time__gte=start)
        if end:
            queryset = queryset.filter(data_time__lte=end)
        return queryset


class AlertSerializer(serializers.ModelSerializer):
    point_mn = serializers.CharField(source="point.mn", read_only=True)
    outlet = serializers.CharField(source="point.outlet", read_only=True)
    planned_inspection = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = (
            "id",
            "point",
            "point_mn",
            "outlet",
            "enterprise",
            "kind",
            "code",
            "flag",
            "status",
            "first_time",
            "last_time",
            "hours",
            "peak",
            "limit",
            "legal_source",
            "opened_at",
            "explanation",
            "explained_at",
            "resolution",
            "resolved_at",
            "planned_inspection",
        )

    def get_planned_inspection(self, alert) -> int | None:
        planned = alert.planned_inspections.all()
        return planned[0].pk if planned else None


class ExplainSerializer(serializers.Serializer):
    explanation = serializers.CharField(max_length=2000, validators=[NOT_BLANK])


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000, validators=[NOT_BLANK])


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monitoring alerts: exceedances, bad data flags and silence."""

    serializer_class = AlertSerializer
    queryset = Alert.objects.none()
    filterset_fields = ("status", "kind", "enterprise", "point")

    def get_queryset(self):
        return (
            selectors.alert_list(user=self.request.user)
            .prefetch_related("planned_inspections")
            .order_by("-last_time", "-id")
        )

    @extend_schema(request=ExplainSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def explain(self, request, pk=None):
        """The enterprise explains what happened (its own accounts only)."""
        data = ExplainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_explain(
            alert=self.get_object(), explanation=data.validated_data["explanation"], by=request.user
        )
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=ResolveSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """An inspector or manager resolves the alert."""
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_resolve(
            alert=self.get_object(), resolution=data.validated_data["resolution"], by=request.user
        )
        return Response(AlertSerializer(alert).data)


class LiveSerializer(serializers.Serializer):
    point = serializers.IntegerField(source="point.pk")
    mn = serializers.CharField(source="point.mn")
    outlet = serializers.CharField(source="point.outlet")
    enterprise = serializers.IntegerField(source="point.enterprise_id")
    enterprise_name = serializers.CharField(source="point.enterprise.name")
    district = serializers.CharField(source="point.enterprise.district.name")
    sector = serializers.CharField(source="point.enterprise.sector.name")
    last_hour_at = serializers.DateTimeField(source="point.last_hour_at", allow_null=True)
    silent = serializers.BooleanField()
    exceeding = serializers.SerializerMethodField()

    def get_exceeding(self, row) -> list[str]:
        return [alert.code for alert in row.exceeding]


class LiveView(generics.ListAPIView):
    """Points now in exceedance or silent (staff), filtered by district and sector ids."""

    serializer_class = LiveSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        if not roles.is_staff_role(self.request.user):
            raise PermissionDenied()
        params = self.request.query_params
        return selectors.live_points(
            user=self.request.user,
            district=int_param(params.get("district")),
            sector=int_param(params.get("sector")),
        )
