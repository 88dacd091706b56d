"""API for notices: metadata, PDF download, corrections, grading notices and batches."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises import selectors as enterprise_selectors
from enterprises.models import District, Enterprise
from govern import roles
from govern.files import stored_file_response
from notices import selectors, services
from notices.models import Notice, NoticeBatch

from .common import NOT_BLANK


class NoticeSerializer(serializers.ModelSerializer):
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = (
            "id",
            "number",
            "kind",
            "year",
            "sequence",
            "enterprise",
            "deadline",
            "status",
            "issued_at",
            "rendered_at",
            "sha256",
            "size",
            "verification_code",
            "supersedes",
            "superseded_by",
            "correction_reason",
        )

    def get_superseded_by(self, notice) -> int | None:
        successor = getattr(notice, "superseded_by", None)
        return successor.pk if successor else None


class CorrectionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, validators=[NOT_BLANK])


class GradingNoticeSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())


class BatchSerializer(serializers.ModelSerializer):
    ready = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True)

    class Meta:
        model = NoticeBatch
        fields = ("id", "kind", "district", "total", "ready", "failed", "created_at")
        read_only_fields = ("kind", "total", "created_at")
        extra_kwargs = {
            "district": {"required": True, "allow_null": False, "queryset": District.objects.all()}
        }


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    filterset_fields = ("enterprise", "kind", "status", "year")
    ordering_fields = ("issued_at", "sequence")

    def get_queryset(self):
        return selectors.notice_list(user=self.request.user).order_by("-issued_at", "-id")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        notice = self.get_object()
        if not notice.is_ready:
            raise Http404
        return stored_file_response(
            notice.file.name,
            content_type="application/pdf",
            filename=f"{notice.number}.pdf",
            user=request.user,
        )

    @extend_schema(request=CorrectionSerializer, responses={201: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        data = CorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        corrected = services.notice_correct(
            notice=self.get_object(), reason=data.validated_data["reason"], by=request.user
        )
        return Response(NoticeSerializer(corrected).data, status=201)

    @extend_schema(request=GradingNoticeSerializer, responses={201: NoticeSerializer})
    @action(detail=False, methods=["post"], url_path="grading")
    def grading(self, request):
        data = GradingNoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enterprise = enterprise_selectors.enterprise_get(
            user=request.user, pk=data.validated_data["enterprise"].pk
        )
        notice = services.grading_notice_issue(enterprise=enterprise, by=request.user)
        return Response(NoticeSerializer(notice).data, status=201)


class BatchViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Grading notices for a whole district; the batch shows how many are rendered."""

    serializer_class = BatchSerializer

    def get_queryset(self):
        if not roles.is_manager(self.request.user):
            return NoticeBatch.objects.none()
        return NoticeBatch.objects.all()

    def retrieve(self, request, pk=None):
        self.get_object()  # 404 unless visible
        return Response(BatchSerializer(selectors.batch_progress(batch_id=pk)).data)

    def create(self, request):
        data = BatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.notice_batch_issue(
            district=data.validated_data["district"], by=request.user
        )
        return Response(
            BatchSerializer(selectors.batch_progress(batch_id=batch.pk)).data, status=201
        )
