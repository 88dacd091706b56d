"""The REST API under /api/: a router of viewsets, the schema, and browsable docs served locally."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from . import deadlines, enterprises, inspections, monitoring, notices, portal


class Router(DefaultRouter):
    """Object ids in paths are whole numbers that fit a bigint; anything else is a 404, never a 500."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not getattr(viewset, "lookup_value_regex", None):
            viewset.lookup_value_regex = r"[0-9]{1,18}"
        return super().get_lookup_regex(viewset, lookup_prefix)


router = Router()
router.register("enterprises", enterprises.EnterpriseViewSet, basename="enterprise")
router.register("tier-policies", enterprises.TierPolicyViewSet, basename="tier-policy")
router.register("assessments", enterprises.AssessmentViewSet, basename="assessment")
router.register("remediation-plans", enterprises.PlanViewSet, basename="remediation-plan")
router.register("remediation-tasks", enterprises.TaskViewSet, basename="remediation-task")
router.register(
    "relocation-projects", enterprises.RelocationProjectViewSet, basename="relocation-project"
)
router.register("milestones", enterprises.MilestoneViewSet, basename="milestone")
router.register("closures", enterprises.ClosureViewSet, basename="closure")
router.register("closure-checks", enterprises.ClosureCheckViewSet, basename="closure-check")
router.register("district-targets", enterprises.DistrictTargetViewSet, basename="district-target")
router.register("parks", enterprises.ParkViewSet, basename="park")
router.register("clusters", enterprises.ClusterViewSet, basename="cluster")
router.register(
    "tier-policy-versions", enterprises.PolicyVersionViewSet, basename="tier-policy-version"
)
router.register("visits", inspections.VisitViewSet, basename="visit")
router.register("rectification-orders", inspections.OrderViewSet, basename="rectification-order")
router.register("inspections-due", inspections.DueViewSet, basename="inspection-due")
router.register("planned-inspections", inspections.PlannedViewSet, basename="planned-inspection")
router.register("random-draws", inspections.DrawViewSet, basename="random-draw")
router.register("monitoring-points", monitoring.PointViewSet, basename="monitoring-point")
router.register("readings", monitoring.ReadingViewSet, basename="reading")
router.register("alerts", monitoring.AlertViewSet, basename="alert")
router.register("evidence", portal.EvidenceViewSet, basename="evidence")
router.register("evidence-files", portal.EvidenceFileViewSet, basename="evidence-file")
router.register("extensions", portal.ExtensionViewSet, basename="extension")
router.register("notices", notices.NoticeViewSet, basename="notice")
router.register("notice-batches", notices.BatchViewSet, basename="notice-batch")
router.register("notifications", deadlines.NotificationViewSet, basename="notification")

# The API's documentation pages are third-party UIs that inject style elements and (ReDoc) start a
# worker from a blob; they get just that on top of the site's policy. Scripts stay 'self' only.
docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})

urlpatterns = [
    path("", include(router.urls)),
    path("deadlines/", deadlines.DeadlineListView.as_view(), name="deadlines"),
    path("built-up-exit/", enterprises.BuiltUpExitView.as_view(), name="built-up-exit"),
    path("dashboard/", deadlines.DashboardView.as_view(), name="dashboard"),
    path("monitoring/live/", monitoring.LiveView.as_view(), name="monitoring-live"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("redoc/", docs_csp(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
]
