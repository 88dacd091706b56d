"""API for site visits, rectification orders, planned inspections, the due list and random draws."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from enterprises import selectors as enterprise_selectors
from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise
from govern import roles
from govern.errors import InvalidInput
from govern.models import User
from govern.params import int_param
from inspections import selectors, services
from inspections.models import (
    ChecklistResult,
    PlannedInspection,
    RandomDraw,
    RectificationOrder,
    SiteVisit,
    VisitAddendum,
    VisitPhoto,
)

from .common import files_of


class ResultSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.text", read_only=True)
    legal_basis = serializers.CharField(source="item.legal_basis", read_only=True)

    class Meta:
        model = ChecklistResult
        fields = ("id", "item", "legal_basis", "outcome", "note")


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitPhoto
        fields = ("id", "result", "sha256", "size", "content_type", "original_name", "uploaded_at")


class OrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationOrder
        fields = (
            "id",
            "enterprise",
            "visit",
            "finding",
            "requirement",
            "legal_basis",
            "deadline",
            "status",
            "closed_by_visit",
            "closed_at",
            "created_at",
        )


class AddendumSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitAddendum
        fields = ("id", "author", "text", "created_at")
        read_only_fields = ("author", "created_at")


class VisitSerializer(serializers.ModelSerializer):
    results = ResultSerializer(many=True, read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SiteVisit
        fields = (
            "id",
            "enterprise",
            "inspectors",
            "checklist",
            "planned",
            "is_follow_up",
            "started_at",
            "ended_at",
            "location",
            "conclusion",
            "conclusion_text",
            "status",
            "submitted_at",
            "results",
        )


class VisitStartSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    co_inspectors = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    started_at = serializers.DateTimeField(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=300)
    is_follow_up = serializers.BooleanField(required=False, default=False)
    planned = serializers.PrimaryKeyRelatedField(
        queryset=PlannedInspection.objects.all(), required=False, allow_null=True
    )


class ResultInputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(
        choices=[("", "")] + list(ChecklistResult.Outcome.choices), allow_blank=True
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RecordSerializer(serializers.Serializer):
    results = ResultInputSerializer(many=True, required=False)
    conclusion = serializers.ChoiceField(
        choices=[("", "")] + list(SiteVisit.Conclusion.choices), required=False, allow_blank=True
    )
    conclusion_text = serializers.CharField(required=False, allow_blank=True)
    ended_at = serializers.DateTimeField(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PhotoInputSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField())
    result = serializers.IntegerField(required=False)


class OrderInputSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    legal_basis = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )
    deadline = serializers.DateField(required=False)
    finding = serializers.IntegerField(required=False)


class SubmitSerializer(serializers.Serializer):
    verified_orders = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class AddendumInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Site visit records: drafts are edited by their inspectors; submitted records only get addenda."""

    serializer_class = VisitSerializer
    filterset_fields = ("enterprise", "status", "is_follow_up")
    ordering_fields = ("started_at",)

    def get_queryset(self):
        return (
            selectors.visit_list(user=self.request.user)
            .prefetch_related("results__item")
            .order_by("-started_at", "-id")
        )

    def _result(self, visit, result_id):
        if result_id is None:
            return None
        result = visit.results.filter(pk=result_id).first()
        if result is None:
            raise InvalidInput(_("That checklist item belongs to another visit."), field="result")
        return result

    @extend_schema(request=VisitStartSerializer, responses={201: VisitSerializer})
    def create(self, request):
        data = VisitStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        enterprise = enterprise_selectors.enterprise_get(
            user=request.user, pk=values["enterprise"].pk
        )
        visit = services.visit_start(
            enterprise=enterprise,
            inspectors=values["co_inspectors"],
            started_at=values.get("started_at"),
            location=values.get("location", ""),
            is_follow_up=values.get("is_follow_up", False),
            planned=values.get("planned"),
            by=request.user,
        )
        return Response(VisitSerializer(visit).data, status=201)

    @extend_schema(request=RecordSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        visit = self.get_object()
        data = RecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        results = {r["id"]: (r["outcome"], r.get("note", "")) for r in values.pop("results", [])}
        services.visit_record(visit=visit, results=results, by=request.user, **values)
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(
        request={"multipart/form-data": PhotoInputSerializer},
        responses={201: PhotoSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        visit = self.get_object()
        data = PhotoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = self._result(visit, data.validated_data.get("result"))
        photos = [
            services.visit_add_photo(visit=visit, upload=f, result=result, by=request.user)
            for f in files_of(request)
        ]
        return Response(PhotoSerializer(photos, many=True).data, status=201)

    @extend_schema(request=OrderInputSerializer, responses={201: OrderSerializer})
    @action(detail=True, methods=["post"])
    def orders(self, request, pk=None):
        visit = self.get_object()
        data = OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        finding = self._result(visit, values.pop("finding", None))
        order = services.order_issue(visit=visit, finding=finding, by=request.user, **values)
        return Response(OrderSerializer(order).data, status=201)

    @extend_schema(request=SubmitSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def submit(self, request, pk=None):
        visit = self.get_object()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.visit_submit(
            visit=visit, verified_orders=data.validated_data["verified_orders"], by=request.user
        )
        return Response(VisitSerializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(request=AddendumInputSerializer, responses={201: AddendumSerializer})
    @action(detail=True, methods=["post"])
    def addenda(self, request, pk=None):
        visit = self.get_object()
        data = AddendumInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        addendum = services.visit_add_addendum(
            visit=visit, text=data.validated_data["text"], by=request.user
        )
        return Response(AddendumSerializer(addendum).data, status=201)


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    filterset_fields = ("enterprise", "status", "visit")
    ordering_fields = ("deadline", "created_at")

    def get_queryset(self):
        return selectors.order_list(user=self.request.user).order_by("deadline", "id")


class DueSerializer(serializers.ModelSerializer):
    last_inspected = serializers.DateTimeField(read_only=True, allow_null=True)
    next_due = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Enterprise
        fields = ("id", "name", "district", "tier", "state", "last_inspected", "next_due")


class DueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Enterprises due for inspection within ``within`` days (default 14) or overdue; staff only."""

    serializer_class = DueSerializer
    filterset_class = EnterpriseFilter
    ordering_fields = ("next_due",)

    def get_queryset(self):
        within = int_param(self.request.query_params.get("within"), minimum=0, maximum=365)
        within = 14 if within is None else within
        if not roles.is_staff_role(self.request.user):
            return Enterprise.objects.none()
        return selectors.inspection_due_list(user=self.request.user, within_days=within)


class PlannedSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlannedInspection
        fields = ("id", "enterprise", "reason", "due_date", "inspectors", "draw", "order", "status")


class PlannedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PlannedSerializer
    queryset = PlannedInspection.objects.none()  # for the schema; get_queryset scopes by user
    filterset_fields = ("reason", "enterprise")

    def get_queryset(self):
        return selectors.planned_for(user=self.request.user)


class DrawSerializer(serializers.ModelSerializer):
    inspectors = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, write_only=True
    )
    sector = serializers.IntegerField(required=False, write_only=True)
    district = serializers.IntegerField(required=False, write_only=True)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**62)

    class Meta:
        model = RandomDraw
        fields = (
            "id",
            "period",
            "seed",
            "filters",
            "quotas",
            "pool",
            "inspector_pool",
            "due_date",
            "created_at",
            "inspectors",
            "sector",
            "district",
        )
        read_only_fields = ("filters", "pool", "inspector_pool", "created_at")
        extra_kwargs = {
            "quotas": {
                "required": True,
                "help_text": 'Percent per tier, e.g. {"A": 5, "C": 25, "-": 5}; "-" is ungraded.',
            }
        }

    def validate_quotas(self, value):
        tiers = {"A", "B", "C", "D", "-"}
        numbers = isinstance(value, dict) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
        )
        if not numbers or not set(value) <= tiers:
            raise serializers.ValidationError(_('An object of tier ("A"-"D", "-") → percentage.'))
        return value

    def create(self, validated_data):
        filters = {k: validated_data.pop(k) for k in ("sector", "district") if k in validated_data}
        pool = EnterpriseFilter(filters, queryset=Enterprise.objects.all()).qs
        return services.draw_create(
            pool_queryset=pool, filters=filters, by=self.context["request"].user, **validated_data
        )


class DrawViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Random draws (双随机): managers only."""

    serializer_class = DrawSerializer
    filter_backends = []

    def get_queryset(self):
        if not roles.is_manager(self.request.user):
            return RandomDraw.objects.none()
        return RandomDraw.objects.order_by("-created_at", "-id")
