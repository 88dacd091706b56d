"""API for evidence (multipart upload, versions, review) and deadline extensions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from enterprises.models import RemediationTask
from evidence import selectors, services
from evidence.models import DeadlineExtension, EvidenceFile, EvidenceSubmission
from govern import roles
from govern.files import stored_file_response
from inspections.models import RectificationOrder

from .common import files_of


class EvidenceFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = ("id", "sha256", "size", "content_type", "original_name")


class EvidenceSerializer(serializers.ModelSerializer):
    files = EvidenceFileSerializer(many=True, read_only=True)

    class Meta:
        model = EvidenceSubmission
        fields = (
            "id",
            "enterprise",
            "task",
            "order",
            "version",
            "note",
            "status",
            "submitted_at",
            "review_comment",
            "reviewed_at",
            "files",
        )


class EvidenceInputSerializer(serializers.Serializer):
    task = serializers.IntegerField(required=False)
    order = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField())

    def validate(self, attrs):
        if bool(attrs.get("task")) == bool(attrs.get("order")):
            raise serializers.ValidationError({"task": [_("Give either a task or an order.")]})
        return attrs


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _target(user, data):
    kind = "task" if data.get("task") else "order"
    return selectors.target_get(user=user, kind=kind, pk=data[kind])


class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EvidenceSerializer
    queryset = EvidenceSubmission.objects.none()  # for the schema; get_queryset scopes by user
    filterset_fields = ("enterprise", "task", "order", "status")
    ordering_fields = ("submitted_at",)

    def get_queryset(self):
        qs = EvidenceSubmission.objects.prefetch_related("files").order_by("-submitted_at", "-id")
        if roles.is_staff_role(self.request.user):
            return qs
        return qs.filter(enterprise_id=self.request.user.enterprise_id or 0)

    @extend_schema(
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: EvidenceSerializer},
    )
    def create(self, request):
        data = EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = services.evidence_submit(
            target=_target(request.user, data.validated_data),
            uploads=files_of(request),
            note=data.validated_data["note"],
            by=request.user,
        )
        return Response(EvidenceSerializer(submission).data, status=201)

    def get_parsers(self):
        # Uploads are multipart; reviews also take JSON.
        if getattr(self, "action", None) == "create":
            return [MultiPartParser(), FormParser()]
        return super().get_parsers()

    @extend_schema(request=DecisionSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        submission = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reviewed = services.evidence_review(
            submission=submission,
            accept=data.validated_data["accept"],
            comment=data.validated_data["comment"],
            by=request.user,
        )
        return Response(EvidenceSerializer(reviewed).data)


class EvidenceFileViewSet(viewsets.GenericViewSet):
    serializer_class = EvidenceFileSerializer
    queryset = (
        EvidenceFile.objects.none()
    )  # for the schema; downloads go through the scoped selector

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence = selectors.evidence_file_get(user=request.user, pk=pk)
        return stored_file_response(
            evidence.file.name,
            content_type=evidence.content_type,
            filename=evidence.original_name or evidence.sha256[:12],
            user=request.user,
        )


class ExtensionSerializer(serializers.ModelSerializer):
    task = serializers.PrimaryKeyRelatedField(
        queryset=RemediationTask.objects.all(), required=False, allow_null=True
    )
    order = serializers.PrimaryKeyRelatedField(
        queryset=RectificationOrder.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = DeadlineExtension
        fields = (
            "id",
            "enterprise",
            "task",
            "order",
            "current_deadline",
            "requested_deadline",
            "reason",
            "status",
            "requested_at",
            "decision_comment",
            "decided_at",
        )
        read_only_fields = (
            "enterprise",
            "current_deadline",
            "status",
            "requested_at",
            "decision_comment",
            "decided_at",
        )

    def validate(self, attrs):
        if bool(attrs.get("task")) == bool(attrs.get("order")):
            raise serializers.ValidationError({"task": [_("Give either a task or an order.")]})
        return attrs

    def create(self, validated_data):
        user = self.context["request"].user
        kind = "task" if validated_data.get("task") else "order"
        target = selectors.target_get(user=user, kind=kind, pk=validated_data[kind].pk)
        return services.extension_request(
            target=target,
            requested_deadline=validated_data["requested_deadline"],
            reason=validated_data["reason"],
            by=user,
        )


class ExtensionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ExtensionSerializer
    queryset = DeadlineExtension.objects.none()  # for the schema; get_queryset scopes by user
    filterset_fields = ("status", "enterprise")

    def get_queryset(self):
        qs = DeadlineExtension.objects.order_by("-requested_at", "-id")
        if roles.is_staff_role(self.request.user):
            return qs
        return qs.filter(enterprise_id=self.request.user.enterprise_id or 0)

    @extend_schema(request=DecisionSerializer, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        extension = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.extension_decide(
            extension=extension,
            approve=data.validated_data["accept"],
            comment=data.validated_data["comment"],
            by=request.user,
        )
        return Response(ExtensionSerializer(decided).data)
