"""API for the registry, the lifecycle, tier policy, remediation plans, relocation, closure and targets."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises import selectors, services
from enterprises.filters import EnterpriseFilter
from enterprises.models import (
    CRITERION_MAX,
    MAX_TPA,
    ClosureCheck,
    ClosureRecord,
    Criterion,
    DistrictTarget,
    Enterprise,
    GovernancePath,
    GradingAssessment,
    IndustrialPark,
    ReductionBasis,
    RelocationMilestone,
    RelocationProject,
    RemediationPlan,
    RemediationTask,
    ScatteredCluster,
    State,
    Tier,
    TierPolicy,
    TierPolicyVersion,
    TransitionLog,
)
from enterprises.parks import park_fill, suitable_parks
from govern import clock, roles
from govern.errors import PermissionDenied
from govern.params import int_param

from .common import NOT_BLANK, files_of

# --- serializers -------------------------------------------------------------------------------


class EnterpriseSerializer(serializers.ModelSerializer):
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)
    uscc_override_reason = serializers.CharField(required=False, allow_blank=True, write_only=True)
    tier = serializers.ChoiceField(
        choices=Tier.choices, allow_blank=True, read_only=True, help_text="Empty until graded."
    )
    governance_path = serializers.ChoiceField(
        choices=GovernancePath.choices,
        allow_blank=True,
        read_only=True,
        help_text="The path the tier policy (or a manager's override) set; empty until graded.",
    )
    reduction_basis = serializers.ChoiceField(
        choices=ReductionBasis.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty until certified compliant.",
    )

    class Meta:
        model = Enterprise
        fields = (
            "id",
            "uscc",
            "uscc_override_reason",
            *services.REGISTRY_FIELDS,
            "sector_name",
            "district_name",
            "state",
            "tier",
            "governance_path",
            "path_override_reason",
            "relocation_project",
            "verified_voc_reduction_tpa",
            "reduction_basis",
            "reduction_reference",
            "built_up_exit_on",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "state",
            "tier",
            "governance_path",
            "path_override_reason",
            "relocation_project",
            "verified_voc_reduction_tpa",
            "reduction_basis",
            "reduction_reference",
            "built_up_exit_on",
            "created_at",
            "updated_at",
        )
        extra_kwargs = {
            "uscc": {"validators": []}
        }  # the service checks the code and its uniqueness

    def validate(self, attrs):
        if self.instance is not None and "uscc" in attrs and attrs["uscc"] != self.instance.uscc:
            raise serializers.ValidationError({"uscc": [_("The credit code cannot be changed.")]})
        return attrs

    def create(self, validated_data):
        by = self.context["request"].user
        uscc = validated_data.pop("uscc")
        override = validated_data.pop("uscc_override_reason", "")
        return services.enterprise_register(
            data=validated_data, uscc=uscc, uscc_override_reason=override, by=by
        )

    def update(self, instance, validated_data):
        validated_data.pop("uscc", None)
        validated_data.pop("uscc_override_reason", None)
        return services.enterprise_update(
            enterprise=instance, data=validated_data, by=self.context["request"].user
        )


class TransitionLogSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True)

    class Meta:
        model = TransitionLog
        fields = (
            "id",
            "transition",
            "from_state",
            "to_state",
            "actor",
            "reason",
            "override_reason",
            "created_at",
        )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, validators=[NOT_BLANK])
    override_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Required (managers only) for a step off the path the tier policy set.",
    )
    expected_state = serializers.ChoiceField(choices=State.choices, required=False)


class RelocationInputSerializer(ReasonSerializer):
    park = serializers.PrimaryKeyRelatedField(queryset=IndustrialPark.objects.all())


class CertifyInputSerializer(ReasonSerializer):
    verified_voc_reduction_tpa = serializers.DecimalField(
        max_digits=10, decimal_places=3, min_value=0, max_value=MAX_TPA
    )
    reduction_basis = serializers.ChoiceField(choices=ReductionBasis.choices)
    reduction_reference = serializers.CharField(max_length=200, validators=[NOT_BLANK])


class GradeInputSerializer(ReasonSerializer):
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


for _criterion in Criterion:
    GradeInputSerializer._declared_fields[_criterion.value] = serializers.IntegerField(
        min_value=0, max_value=CRITERION_MAX
    )


class AssessmentSerializer(serializers.ModelSerializer):
    governance_path = serializers.ChoiceField(
        choices=GovernancePath.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = GradingAssessment
        fields = (
            "id",
            "enterprise",
            *Criterion.values,
            "total_score",
            "suggested_tier",
            "tier",
            "override_reason",
            "policy_version",
            "governance_path",
            "assessed_by",
            "assessed_at",
        )


class TierPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = TierPolicy
        fields = (
            "id",
            "tier",
            "min_score",
            "governance_path",
            "remediation_deadline_days",
            "inspection_interval_days",
            "rectification_deadline_days",
            "description",
            "updated_at",
        )
        read_only_fields = ("tier", "updated_at")


class TaskSerializer(serializers.ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        source="plan.enterprise", queryset=Enterprise.objects.all()
    )
    deadline = serializers.DateField(required=False)

    class Meta:
        model = RemediationTask
        fields = (
            "id",
            "enterprise",
            "measure",
            "description",
            "deadline",
            "owner",
            "expected_voc_reduction_tpa",
            "status",
        )
        read_only_fields = ("status",)


class PlanSerializer(serializers.ModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = RemediationPlan
        fields = ("id", "enterprise", "summary", "created_at", "tasks")


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = RelocationMilestone
        fields = ("id", "kind", "planned_date", "actual_date", "note")
        read_only_fields = ("kind", "actual_date")


class RelocationProjectSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    progress = serializers.IntegerField(read_only=True)

    class Meta:
        model = RelocationProject
        fields = (
            "id",
            "enterprise",
            "cluster",
            "members",
            "target_park",
            "created_at",
            "completed_at",
            "cancelled_at",
            "cancel_reason",
            "progress",
            "milestones",
        )


class MilestoneDoneSerializer(serializers.Serializer):
    actual_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)
    files = serializers.ListField(child=serializers.FileField(), required=False)


class ClosureCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClosureCheck
        fields = ("id", "item", "verified_on", "note")


class ClosureSerializer(serializers.ModelSerializer):
    checks = ClosureCheckSerializer(many=True, read_only=True)

    class Meta:
        model = ClosureRecord
        fields = ("id", "enterprise", "ordered_at", "reason", "verified_on", "checks")


class ClosureVerifySerializer(serializers.Serializer):
    verified_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)
    files = serializers.ListField(child=serializers.FileField())


class DistrictTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = DistrictTarget
        fields = ("id", "district", "year", "voc_reduction_tpa", "updated_at")
        read_only_fields = ("updated_at",)
        validators = []  # set_target updates the existing target of the year

    def create(self, validated_data):
        return services.district_target_set(by=self.context["request"].user, **validated_data)


class ParkSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)
    plots_taken = serializers.SerializerMethodField()
    plots_incoming = serializers.SerializerMethodField()
    fill_percent = serializers.SerializerMethodField()

    class Meta:
        model = IndustrialPark
        fields = (
            "id",
            "code",
            "name",
            "name_en",
            "district",
            "district_name",
            "is_chemical_park",
            "is_petrochemical_base",
            "accepts_hazardous_chemicals",
            "accepted_sectors",
            "capacity_plots",
            "capacity_area_m2",
            "plots_taken",
            "plots_incoming",
            "fill_percent",
        )

    def _fill(self, park):
        return self.context["fill"][park.pk]

    def get_plots_taken(self, park) -> int:
        return self._fill(park).plots_taken

    def get_plots_incoming(self, park) -> int:
        return self._fill(park).plots_incoming

    def get_fill_percent(self, park) -> int | None:
        return self._fill(park).percent


class PolicyImpactSerializer(serializers.Serializer):
    changes = serializers.ListField(child=serializers.DictField())
    path_moves = serializers.IntegerField()
    reschedules = serializers.IntegerField()
    suggestion_changes = serializers.IntegerField()


# --- views ---------------------------------------------------------------------------------------


def _transition_action(name: str, input_serializer):
    """A POST action that runs one lifecycle transition through its service."""

    def run(self, request, pk=None):
        enterprise = self.get_object()
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if name == "grade":
            scores = {c: values.pop(c) for c in Criterion.values}
            services.enterprise_grade(
                enterprise=enterprise, scores=scores, by=request.user, **values
            )
        else:
            services.SIMPLE_TRANSITIONS[name](enterprise=enterprise, by=request.user, **values)
        return Response(
            EnterpriseSerializer(selectors.enterprise_get(user=request.user, pk=enterprise.pk)).data
        )

    # DRF records the method's name when decorating, so it is named first.
    run.__name__ = f"transition_{name}"
    run = action(
        detail=True, methods=["post"], url_path=f"transitions/{name}", url_name=f"transition-{name}"
    )(run)
    return extend_schema(
        request=input_serializer, responses=EnterpriseSerializer, summary=f"Transition: {name}"
    )(run)


class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprises the caller may see (an enterprise token sees only its own)."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    ordering_fields = ("name", "created_at", "baseline_voc_tpa", "state", "tier")
    ordering = ("name", "id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.enterprise_list(user=self.request.user)

    def perform_create(self, serializer):
        if not roles.is_staff_role(self.request.user):
            raise PermissionDenied()
        serializer.save()

    @extend_schema(responses=TransitionLogSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="transitions",
        pagination_class=None,
        filterset_class=None,
    )
    def transition_log(self, request, pk=None):
        enterprise = self.get_object()
        return Response(
            TransitionLogSerializer(
                selectors.enterprise_timeline(enterprise=enterprise), many=True
            ).data
        )

    @extend_schema(responses=ParkSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="suitable-parks",
        pagination_class=None,
        filterset_class=None,
    )
    def suitable_parks(self, request, pk=None):
        """The parks this enterprise may move into now (sector, hazardous-chemical and capacity
        rules)."""
        enterprise = self.get_object()
        return Response(
            ParkSerializer(
                suitable_parks(enterprises=[enterprise]),
                many=True,
                context={"fill": park_fill()},
            ).data
        )

    transition_grade = _transition_action("grade", GradeInputSerializer)
    transition_start_remediation = _transition_action("start_remediation", ReasonSerializer)
    transition_certify_compliant = _transition_action("certify_compliant", CertifyInputSerializer)
    transition_start_relocation = _transition_action("start_relocation", RelocationInputSerializer)
    transition_complete_relocation = _transition_action("complete_relocation", ReasonSerializer)
    transition_close = _transition_action("close", ReasonSerializer)


class TierPolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TierPolicySerializer
    queryset = TierPolicy.objects.all()
    pagination_class = None
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.tier_policy_update(
            policy=serializer.instance, data=serializer.validated_data, by=self.request.user
        )

    @extend_schema(request=TierPolicySerializer, responses=PolicyImpactSerializer)
    @action(detail=True, methods=["post"])
    def preview(self, request, pk=None):
        """What a PATCH with this body would change and how many enterprises it would move."""
        if not roles.is_manager(request.user):
            raise PermissionDenied()
        policy = self.get_object()
        data = TierPolicySerializer(policy, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        impact = services.tier_policy_impact(policy=policy, data=data.validated_data)
        return Response(
            PolicyImpactSerializer(
                {
                    "changes": [
                        {**c, "old": str(c["old"]), "new": str(c["new"])} for c in impact.changes
                    ],
                    "path_moves": impact.path_moves,
                    "reschedules": impact.reschedules,
                    "suggestion_changes": impact.suggestion_changes,
                }
            ).data
        )


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssessmentSerializer
    filterset_fields = ("enterprise", "tier")
    ordering_fields = ("assessed_at", "total_score")

    def get_queryset(self):
        return GradingAssessment.objects.filter(
            enterprise__in=selectors.enterprise_list(user=self.request.user)
        ).order_by("-assessed_at", "-id")


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    filterset_fields = ("enterprise",)

    def get_queryset(self):
        return (
            RemediationPlan.objects.filter(
                enterprise__in=selectors.enterprise_list(user=self.request.user)
            )
            .prefetch_related(
                Prefetch("tasks", queryset=RemediationTask.objects.select_related("plan"))
            )
            .order_by("id")
        )


class TaskViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TaskSerializer
    filterset_fields = ("status", "measure")
    ordering_fields = ("deadline",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            RemediationTask.objects.filter(
                plan__enterprise__in=selectors.enterprise_list(user=self.request.user)
            )
            .select_related("plan")
            .order_by("deadline", "id")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("plan")["enterprise"]
        serializer.instance = services.remediation_task_add(
            enterprise=enterprise, data=data, by=self.request.user
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("plan", None)
        serializer.instance = services.remediation_task_update(
            task=serializer.instance, data=data, by=self.request.user
        )


class RelocationProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RelocationProjectSerializer
    filterset_fields = ("enterprise", "target_park")

    def get_queryset(self):
        return (
            selectors.relocation_projects_visible(user=self.request.user)
            .prefetch_related("milestones", "members")
            .order_by("id")
        )


class MilestoneViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = MilestoneSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return RelocationMilestone.objects.filter(
            project__in=selectors.relocation_projects_visible(user=self.request.user)
        ).order_by("id")

    def perform_update(self, serializer):
        serializer.instance = services.milestone_update(
            milestone=serializer.instance,
            planned_date=serializer.validated_data.get(
                "planned_date", serializer.instance.planned_date
            ),
            note=serializer.validated_data.get("note", serializer.instance.note),
            by=self.request.user,
        )

    @extend_schema(
        request={"multipart/form-data": MilestoneDoneSerializer}, responses=MilestoneSerializer
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def complete(self, request, pk=None):
        milestone = self.get_object()
        data = MilestoneDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.milestone_complete(
            milestone=milestone,
            actual_date=data.validated_data["actual_date"],
            note=data.validated_data.get("note", ""),
            uploads=files_of(request),
            by=request.user,
        )
        return Response(MilestoneSerializer(done).data)


class ClosureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClosureSerializer
    filterset_fields = ("enterprise",)

    def get_queryset(self):
        return (
            ClosureRecord.objects.filter(
                enterprise__in=selectors.enterprise_list(user=self.request.user)
            )
            .prefetch_related("checks")
            .order_by("id")
        )


class ClosureCheckViewSet(viewsets.GenericViewSet):
    serializer_class = ClosureCheckSerializer

    def get_queryset(self):
        return ClosureCheck.objects.filter(
            closure__enterprise__in=selectors.enterprise_list(user=self.request.user)
        )

    @extend_schema(
        request={"multipart/form-data": ClosureVerifySerializer}, responses=ClosureCheckSerializer
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def verify(self, request, pk=None):
        check = self.get_object()
        data = ClosureVerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verified = services.closure_check_verify(
            check=check,
            verified_on=data.validated_data["verified_on"],
            note=data.validated_data.get("note", ""),
            uploads=files_of(request),
            by=request.user,
        )
        return Response(ClosureCheckSerializer(verified).data)


@extend_schema_view(
    create=extend_schema(
        description="Set (create or replace) a district's target for a year; managers."
    )
)
class DistrictTargetViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = DistrictTargetSerializer
    queryset = DistrictTarget.objects.order_by("year", "district_id")
    filterset_fields = ("year", "district")


# --- parks, clusters, policy versions, the built-up-area exit list --------------------------------


class ParkViewSet(viewsets.ReadOnlyModelViewSet):
    """Industrial parks with the rules of what they accept and how full they are."""

    serializer_class = ParkSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return IndustrialPark.objects.select_related("district").prefetch_related(
            "accepted_sectors"
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "fill": park_fill()}


class ClusterSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ScatteredCluster
        fields = ("id", "name", "district", "description", "members", "created_at")
        read_only_fields = ("created_at",)
        extra_kwargs = {"name": {"validators": []}}  # the service reports a taken name

    def create(self, validated_data):
        return services.cluster_create(data=validated_data, by=self.context["request"].user)


class ConsolidateInputSerializer(ReasonSerializer):
    park = serializers.PrimaryKeyRelatedField(queryset=IndustrialPark.objects.all())


class ClusterViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Clusters of scattered small enterprises (散乱污); staff only."""

    serializer_class = ClusterSerializer
    filterset_fields = ("district",)

    def get_queryset(self):
        if not roles.is_staff_role(self.request.user):
            return ScatteredCluster.objects.none()
        return ScatteredCluster.objects.prefetch_related("members").order_by("name", "id")

    @extend_schema(request=ConsolidateInputSerializer, responses=RelocationProjectSerializer)
    @action(detail=True, methods=["post"])
    def consolidate(self, request, pk=None):
        """Move the cluster's operating members into a park as one project (managers)."""
        cluster = self.get_object()
        data = ConsolidateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("expected_state", None)
        project = services.cluster_consolidate(cluster=cluster, by=request.user, **values)
        return Response(RelocationProjectSerializer(project).data, status=201)


class PolicyVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.display_name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = TierPolicyVersion
        fields = ("id", "number", "policies", "changes", "moved", "created_by", "created_at")


class PolicyVersionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PolicyVersionSerializer
    queryset = TierPolicyVersion.objects.select_related("created_by").order_by("-number")
    filter_backends = []


class ExitRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    name = serializers.CharField(source="enterprise.name")
    district = serializers.IntegerField(source="enterprise.district_id")
    sector = serializers.IntegerField(source="enterprise.sector_id")
    handles_hazardous_chemicals = serializers.BooleanField(
        source="enterprise.handles_hazardous_chemicals"
    )
    decision = serializers.CharField()
    stage = serializers.CharField()
    due_year = serializers.IntegerField()
    left_on = serializers.DateField(source="enterprise.built_up_exit_on")
    status = serializers.CharField()


class BuiltUpExitView(APIView):
    """The built-up-area exit list (managers): ?district=, ?left=1 for those still to leave."""

    @extend_schema(
        responses=ExitRowSerializer(many=True),
        parameters=[
            OpenApiParameter("district", int, required=False),
            OpenApiParameter("left", str, required=False, enum=["1"]),
        ],
    )
    def get(self, request):
        if not roles.is_manager(request.user):
            raise PermissionDenied()
        district = request.query_params.get("district")
        if district and int_param(district) is None:
            raise ValidationError({"district": [_("Choose a district by its number.")]})
        rows = selectors.built_up_exit_list(
            user=request.user,
            today=clock.today(),
            filters={"district": int_param(district), "left": request.query_params.get("left")},
        )
        return Response(ExitRowSerializer(rows, many=True).data)
