"""Create demo users and about 300 plausible enterprises spread over sectors, districts and states."""

import functools
import io
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from PIL import Image, ImageDraw

from deadlines.services import run_daily
from demo.emergency import create_demo_emergency
from demo.enforcement import (
    create_demo_enforcement,
    create_demo_registers,
    create_demo_service_records,
)
from demo.evidence import create_demo_portal
from demo.inspections import create_demo_inspections
from demo.materials import create_demo_materials
from demo.monitoring import create_demo_monitoring
from enterprises import mapping, services
from enterprises.models import (
    ClosureCheck,
    Criterion,
    District,
    Enterprise,
    IndustrialPark,
    ReductionBasis,
    RemediationTask,
    Sector,
    State,
)
from enterprises.parks import suitable_parks
from enterprises.validators import uscc_check_character
from govern import clock, roles
from govern.models import User
from notices import selectors as notice_selectors
from notices import services as notice_services

DEMO_PASSWORD = "govern-demo"
DEMO_USERS = [
    # username, role group, full name (family, given)
    ("manager", roles.MANAGER, "陈", "建国"),
    ("inspector", roles.INSPECTOR, "林", "志强"),
    ("inspector2", roles.INSPECTOR, "黄", "晓梅"),
    ("inspector3", roles.INSPECTOR, "郑", "伟东"),
    ("inspector4", roles.INSPECTOR, "许", "丽华"),
    ("enterprise", roles.ENTERPRISE, "蔡", "明辉"),
]
BRANDS = [
    "鸿达",
    "华泰",
    "恒信",
    "永兴",
    "联丰",
    "嘉盛",
    "宏图",
    "荣昌",
    "金源",
    "新亚",
    "通达",
    "盛丰",
    "利源",
    "锦华",
    "泰和",
    "万豪",
    "顺安",
    "福源",
    "天成",
    "中闽",
    "闽南",
    "海峡",
    "东南",
    "凯盛",
    "远航",
    "百川",
    "佳美",
    "宝龙",
    "协和",
    "兴业",
]
SECTOR_WORDS = {
    "petrochemical": ["石化", "石油化工"],
    "chemical": ["化工", "精细化工"],
    "industrial_coating": ["机械", "家具", "汽车配件"],
    "packaging_printing": ["包装印刷", "彩印"],
    "footwear": ["鞋业", "鞋服"],
    "resin_crafts": ["工艺品", "树脂工艺"],
    "rubber_plastics": ["塑胶制品", "橡塑"],
    "textile_dyeing": ["印染", "纺织印染"],
    "oil_storage": ["石油销售", "油品储运"],
    "chemical_fibre": ["化纤", "化学纤维"],
    "steel": ["钢铁"],
    "cement": ["水泥"],
    "building_materials": ["建材", "石材"],
    "nonferrous": ["铝业", "有色金属"],
    "coking": ["焦化"],
    "paper": ["纸业"],
}
# Where each sector clusters in Quanzhou (district codes), so the demo looks like the city.
SECTOR_HOMES = {
    "petrochemical": ["quangang", "huian"],
    "chemical": ["quangang", "huian", "nanan"],
    "footwear": ["jinjiang", "licheng", "fengze", "nanan"],
    "textile_dyeing": ["shishi", "jinjiang"],
    "resin_crafts": ["dehua", "huian", "licheng"],
    "packaging_printing": ["jinjiang", "licheng", "luojiang", "nanan"],
    "oil_storage": ["quangang", "fengze", "nanan", "anxi"],
    "chemical_fibre": ["jinjiang", "shishi"],
    "cement": ["anxi", "yongchun"],
}
SECTOR_WEIGHTS = {
    "footwear": 14,
    "industrial_coating": 12,
    "packaging_printing": 10,
    "textile_dyeing": 9,
    "rubber_plastics": 9,
    "resin_crafts": 7,
    "chemical": 7,
    "oil_storage": 6,
    "petrochemical": 4,
    "chemical_fibre": 4,
}
STATE_WEIGHTS = [
    (State.REGISTERED, 20),
    (State.GRADED, 24),
    (State.REMEDIATING, 26),
    (State.COMPLIANT, 12),
    (State.RELOCATING, 8),
    (State.RELOCATED, 4),
    (State.CLOSED, 6),
]
MATERIALS = [
    "溶剂型涂料、稀释剂",
    "水性油墨、洗车水",
    "溶剂型胶粘剂、处理剂",
    "不饱和树脂、固化剂",
    "苯乙烯、丙烯腈",
    "甲苯、二甲苯",
    "汽油、柴油",
    "定型机油烟",
]
FACILITIES = [
    "活性炭吸附",
    "活性炭吸附+催化燃烧",
    "RTO蓄热式焚烧",
    "UV光氧+活性炭",
    "水喷淋+活性炭",
    "油气回收装置",
    "无",
]
SURNAMES = "陈林黄张吴王蔡李郑许洪庄苏施曾"
GIVEN = [
    "建华",
    "志明",
    "秀英",
    "国强",
    "丽娟",
    "文彬",
    "少华",
    "清水",
    "雅琴",
    "振东",
    "美玲",
    "金山",
]
TASK_TEXT = {
    "source_substitution": "以水性涂料/油墨替代溶剂型原辅材料，替代比例不低于80%",
    "collection": "生产车间密闭改造，废气收集效率提升至90%以上",
    "treatment": "淘汰低效UV光氧设施，升级为活性炭吸附+催化燃烧",
    "monitoring": "安装VOCs在线监测设备并与生态环境部门联网",
    "records": "建立原辅材料、活性炭更换及设施运行管理台账",
}
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def demo_uscc(rng: random.Random, district: District) -> str:
    division = district.division_code or "350500"
    first17 = "91" + division + "".join(rng.choice(ORG_ALPHABET) for _ in range(9))
    return first17 + uscc_check_character(first17)


# The first enterprises show the paths a random draw might miss: a relocated enterprise regraded in
# its park, and a manager's override onto another path (remediation instead of relocation; closure
# of a tier-B enterprise).
SHOWCASE = {
    1: (State.RELOCATED, "regrade"),
    2: (State.COMPLIANT, "override"),
    3: (State.CLOSED, "override"),
}
CLUSTER_SIZE = 5


class DemoTimeline:
    """An enterprise's history: services called inside ``step()`` run on the domain clock
    (``govern.clock``) at a later moment in the past, so log entries, deadlines and dates fall
    where they would have."""

    def __init__(self, rng: random.Random, *, start, end):
        self.rng, self.moment, self.end = rng, start, end - timedelta(minutes=5)

    def here(self):
        return clock.at(self.moment)

    def step(self, low: int = 15, high: int = 90):
        self.moment = min(self.moment + timedelta(days=self.rng.randint(low, high)), self.end)
        return self.here()


@functools.cache
def demo_document_bytes() -> bytes:
    image = Image.new("RGB", (320, 240), (120, 130, 110))
    ImageDraw.Draw(image).rectangle([40, 40, 280, 200], outline=(255, 255, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def demo_document() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场核查照片.jpg", demo_document_bytes())


class Command(BaseCommand):
    help = "Load demo users and enterprises (refused when DEBUG is off unless --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=300, help="how many enterprises (default 300)"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="load even when DEBUG is off")

    def handle(self, *args, count, seed, force, **options):
        translation.activate(settings.LANGUAGE_CODE)
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data is for development: DEBUG is off. Use --force to load it anyway."
            )
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if User.objects.filter(username="manager").exists() and Enterprise.objects.exists():
            self.stdout.write("Demo data is already loaded.")
        else:
            with transaction.atomic():
                users = self.create_users()
                rng = random.Random(seed)
                self.create_enterprises(rng=rng, count=count, users=users)
                self.progress("officers, categories and discharge permits")
                create_demo_registers(rng=rng, users=users)
                self.progress("inspections, evidence and notices")
                create_demo_inspections(rng=rng, users=users)
                create_demo_portal(rng=rng, users=users)
                self.progress("online monitoring data")
                create_demo_monitoring(rng=rng, users=users)
                self.progress("material ledgers and treatment facilities")
                create_demo_materials(rng=rng, users=users)
                self.progress("performance grades, emergency lists and a past warning")
                create_demo_emergency(rng=rng, users=users)
                self.progress("random inspections of last quarter and penalty cases")
                create_demo_enforcement(rng=rng, users=users)
                create_demo_service_records(rng=rng, users=users)
                self.create_targets(rng=rng, manager=users["manager"])
                self.create_cluster(rng=rng, users=users)
                self.issue_grading_notices(users=users)
                self.progress("rendering the notices")
            run_daily()  # the daily deadline job, as the scheduler would run it this morning
            self.progress("done", end="\n")
        self.print_logins()

    def progress(self, what: str, end: str = "") -> None:
        """One line that rewrites itself (a terminal), instead of a line per step."""
        self.stdout.write(f"\rLoading demo: {what:<48}", ending=end)
        self.stdout.flush()

    def create_users(self) -> dict[str, User]:
        users = {}
        for username, group, last, first in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"last_name": last, "first_name": first}
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=group))
            users[username] = user
        admin, _ = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        return users

    def create_enterprises(self, *, rng: random.Random, count: int, users: dict[str, User]) -> None:
        manager, inspector = users["manager"], users["inspector"]
        sectors = list(Sector.objects.all())
        districts = {d.code: d for d in District.objects.all()}
        parks = list(IndustrialPark.objects.select_related("district"))
        weights = [SECTOR_WEIGHTS.get(s.code, 1) for s in sectors]
        states, state_weights = zip(*STATE_WEIGHTS, strict=True)
        used_names: set[str] = set()
        portal_enterprise = None
        now = clock.now()
        for number in range(1, count + 1):
            if number % 10 == 0 or number == count:
                self.progress(f"enterprises {number}/{count}")
            sector = rng.choices(sectors, weights)[0]
            district = districts[rng.choice(SECTOR_HOMES.get(sector.code, list(districts)))]
            park = (
                next((p for p in parks if p.district_id == district.pk), None)
                if rng.random() < 0.3
                else None
            )
            place = district.name.rstrip("区县市") if district.kind != "zone" else "泉州"
            name = f"{place}{rng.choice(BRANDS)}{rng.choice(SECTOR_WORDS[sector.code])}有限公司"
            while name in used_names:
                name = name.replace("有限公司", f"{rng.randint(2, 9)}厂有限公司", 1)
            used_names.add(name)
            baseline = Decimal(rng.choice([0.8, 1.5, 3, 6, 12, 25, 60, 150])) * Decimal(
                rng.uniform(0.6, 1.4)
            )
            # Each enterprise's history runs through the real services on a demo clock, starting
            # up to two years ago, so due dates, trends and yearly reductions look like a real city.
            timeline = DemoTimeline(rng, start=now - timedelta(days=rng.randint(60, 720)), end=now)
            # Placed inside its district on the shipped map: in a built-up area if it is in one,
            # beside its park if it has one.
            built_up = rng.random() < 0.35
            where = mapping.point_in_district(district.code, rng, built_up=built_up and not park)
            park_at = mapping.map_data()["parks"].get(park.code) if park else None
            if park_at:
                where = (
                    park_at[0] + rng.uniform(-0.012, 0.012),
                    park_at[1] + rng.uniform(-0.01, 0.01),
                )
            where = where or (118.6, 24.9)
            with timeline.here():
                enterprise = services.enterprise_register(
                    data={
                        "name": name,
                        "sector": sector,
                        "district": district,
                        "park": park,
                        "address": f"福建省泉州市{district.name}{rng.choice(['工业路', '滨江路', '科技路', '创业大道', '兴业街'])}{rng.randint(1, 399)}号",
                        "latitude": Decimal(f"{where[1]:.6f}"),
                        "longitude": Decimal(f"{where[0]:.6f}"),
                        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
                        "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                        "contact_phone": f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
                        "in_built_up_area": built_up,
                        "exit_due_year": rng.choice([None, None, 2026, 2027]),
                        "handles_hazardous_chemicals": sector.code
                        in {"petrochemical", "chemical", "oil_storage"},
                        "baseline_voc_tpa": baseline.quantize(Decimal("0.001")),
                        "baseline_nox_tpa": (baseline * Decimal("0.3")).quantize(Decimal("0.001")),
                        "main_voc_materials": rng.choice(MATERIALS),
                        "treatment_facilities": rng.choice(FACILITIES),
                    },
                    uscc=demo_uscc(rng, district),
                    by=inspector,
                    reason="污染源普查登记",
                )
            target, showcase = SHOWCASE.get(number, (rng.choices(states, state_weights)[0], ""))
            self.advance(
                enterprise,
                target,
                showcase=showcase,
                rng=rng,
                timeline=timeline,
                inspector=inspector,
                manager=manager,
                parks=parks,
            )
            if portal_enterprise is None and target == State.REMEDIATING:
                portal_enterprise = enterprise
        users["enterprise"].enterprise = portal_enterprise or Enterprise.objects.first()
        users["enterprise"].save()

    def advance(
        self, enterprise, target, *, showcase="", rng, timeline, inspector, manager, parks
    ) -> None:
        if target == State.REGISTERED:
            return
        if target == State.CLOSED and not showcase and rng.random() < 0.5:
            with timeline.step():
                services.enterprise_close(
                    enterprise=enterprise, by=manager, reason="无证经营，依法取缔"
                )
            self.verify_closure(enterprise, rng=rng, timeline=timeline, inspector=inspector)
            return
        # Most follow their tier's path; a few take another one on a manager's override.
        override = ""
        tier = {State.RELOCATING: "C", State.RELOCATED: "C", State.CLOSED: "D"}.get(
            target
        ) or rng.choice("AABBB")
        if target in (State.REMEDIATING, State.COMPLIANT) and (
            showcase == "override" or rng.random() < 0.08
        ):
            tier, override = "C", "企业承诺原址提标改造并通过专家论证，经局务会研究同意不予搬迁"
        elif target == State.CLOSED and (showcase == "override" or rng.random() < 0.25):
            tier, override = "B", "企业主动申请关停退出，经研究同意"
        low = {"A": 85, "B": 70, "C": 50, "D": 20}[tier]
        total = rng.randint(low, min(100, low + 14))
        scores = dict.fromkeys(Criterion.values, total // 5)
        for criterion in list(Criterion.values)[: total % 5]:
            scores[criterion] += 1
        with timeline.step():
            services.enterprise_grade(
                enterprise=enterprise, scores=scores, by=inspector, reason="现场核查后评定"
            )
        if target == State.GRADED:
            return
        if target == State.CLOSED:
            with timeline.step():
                services.enterprise_close(
                    enterprise=enterprise,
                    by=manager,
                    reason="D级企业，按分级结果关停" if not override else "企业申请关停",
                    override_reason=override,
                )
            self.verify_closure(enterprise, rng=rng, timeline=timeline, inspector=inspector)
            return
        if target in (State.RELOCATING, State.RELOCATED):
            options = suitable_parks(enterprises=[enterprise])
            if not options:  # no park takes it: it exits instead, on a manager's override
                with timeline.step():
                    services.enterprise_close(
                        enterprise=enterprise,
                        by=manager,
                        reason="无合规园区可承接，依法关停退出",
                        override_reason="石化化工项目只能进入湄洲湾石化基地，园区已无空余地块",
                    )
                return
            with timeline.step():
                services.enterprise_start_relocation(
                    enterprise=enterprise,
                    park=rng.choice(options),
                    by=manager,
                    reason="C级企业，实施退城入园",
                )
            enterprise.refresh_from_db()
            milestones = list(enterprise.relocation_project.milestones.order_by("kind"))
            done = (
                len(milestones)
                if target == State.RELOCATED
                else rng.randint(0, len(milestones) - 1)
            )
            self.complete_milestones(milestones[:done], timeline=timeline, inspector=inspector)
            if target == State.RELOCATED:
                with timeline.step(1, 10):
                    services.enterprise_complete_relocation(
                        enterprise=enterprise, by=manager, reason="新厂区验收合格"
                    )
                if showcase == "regrade" or rng.random() < 0.5:  # relocated is not the end
                    with timeline.step(20, 60):
                        services.enterprise_grade(
                            enterprise=enterprise,
                            scores=dict.fromkeys(Criterion.values, 16),
                            by=inspector,
                            reason="入园后重新评定",
                        )
            return
        accepted = target == State.COMPLIANT
        with timeline.step():
            services.remediation_plan_save(
                enterprise=enterprise, summary="一企一策整治方案", by=inspector
            )
            tasks = [
                services.remediation_task_add(
                    enterprise=enterprise,
                    data={
                        "measure": measure,
                        "description": TASK_TEXT[measure],
                        "owner": enterprise.contact_name,
                        "expected_voc_reduction_tpa": (
                            enterprise.baseline_voc_tpa * Decimal("0.2")
                        ).quantize(Decimal("0.001")),
                    },
                    by=inspector,
                )
                for measure in rng.sample(list(RemediationTask.Measure), k=rng.randint(1, 3))
            ]
            services.enterprise_start_remediation(
                enterprise=enterprise,
                by=manager if override else inspector,
                reason="按一企一策启动整治",
                override_reason=override,
            )
        if accepted:
            # The evidence of these tasks is not replayed; their review is, through the services.
            for task in tasks:
                with timeline.step(20, 60):
                    services.task_evidence_received(task=task)
                    services.task_accept(task=task, by=inspector)
            declared = services.declared_reduction(enterprise=enterprise)
            basis = rng.choice(list(ReductionBasis))
            with timeline.step(10, 40):
                services.enterprise_certify_compliant(
                    enterprise=enterprise,
                    by=inspector,
                    reason="整治任务全部验收通过",
                    verified_voc_reduction_tpa=(
                        declared * Decimal(rng.uniform(0.6, 1.05))
                    ).quantize(Decimal("0.001")),
                    reduction_basis=basis,
                    reduction_reference={
                        ReductionBasis.TEST_REPORT: f"闽环检字〔{clock.today().year}〕第{rng.randint(100, 999)}号",
                        ReductionBasis.MATERIAL_LEDGER: f"{clock.today().year}年上半年原辅材料台账",
                        ReductionBasis.MONITORING: f"{clock.today():%Y年%m月}在线监测数据",
                    }[basis],
                )

    def complete_milestones(self, milestones, *, timeline, inspector) -> None:
        for milestone in milestones:
            with timeline.step(10, 40):
                services.milestone_complete(
                    milestone=milestone,
                    actual_date=clock.today(),
                    uploads=[demo_document()],
                    note="",
                    by=inspector,
                )

    def create_cluster(self, *, rng: random.Random, users) -> None:
        """A cluster of scattered footwear workshops in Jinjiang, consolidated into the Jinjiang
        Economic Development Zone as one project, half-way through its milestones."""
        manager, inspector = users["manager"], users["inspector"]
        jinjiang = District.objects.get(code="jinjiang")
        footwear = Sector.objects.get(code="footwear")
        start = clock.now() - timedelta(days=200)
        timeline = DemoTimeline(rng, start=start, end=clock.now())
        with timeline.here():
            cluster = services.cluster_create(
                data={
                    "name": "晋江陈埭镇鞋材加工作坊集群",
                    "district": jinjiang,
                    "description": "沿街分散的鞋材胶粘、喷漆小作坊，无组织排放，整合入园集中治理。",
                },
                by=inspector,
            )
            for n in range(1, CLUSTER_SIZE + 1):
                services.enterprise_register(
                    data={
                        "name": f"晋江陈埭第{n}鞋材加工厂",
                        "sector": footwear,
                        "district": jinjiang,
                        "address": f"福建省泉州市晋江市陈埭镇沿街{n * 17}号",
                        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
                        "in_built_up_area": True,
                        "baseline_voc_tpa": Decimal("0.800"),
                        "site_area_m2": Decimal(rng.randint(300, 900)),
                        "cluster": cluster,
                    },
                    uscc=demo_uscc(rng, jinjiang),
                    by=inspector,
                    reason="散乱污排查登记",
                )
        with timeline.step(10, 20):
            project = services.cluster_consolidate(
                cluster=cluster,
                park=IndustrialPark.objects.get(code="jinjiang_edz"),
                by=manager,
                reason="散乱污作坊整合入园，统一建设废气收集治理设施",
            )
        milestones = list(project.milestones.order_by("kind"))
        self.complete_milestones(milestones[:3], timeline=timeline, inspector=inspector)

    def verify_closure(self, enterprise, *, rng, timeline, inspector) -> None:
        checks = list(ClosureCheck.objects.filter(closure__enterprise=enterprise).order_by("item"))
        for check in checks[: rng.choice([0, 3, 5, 5])]:
            with timeline.step(3, 20):
                services.closure_check_verify(
                    check=check,
                    verified_on=clock.today(),
                    uploads=[demo_document()],
                    note="",
                    by=inspector,
                )

    def issue_grading_notices(self, *, users) -> None:
        """Grading notices for a few districts and the portal's enterprise; the rest await a batch."""
        manager = users["manager"]
        for enterprise in notice_selectors.grading_batch_candidates().filter(
            Q(district__code__in=["licheng", "fengze", "luojiang"])
            | Q(pk=users["enterprise"].enterprise_id)
        ):
            notice_services.grading_notice_issue(enterprise=enterprise, by=manager)

    def create_targets(self, *, rng: random.Random, manager) -> None:
        year = clock.today().year
        for district in District.objects.all():
            services.district_target_set(
                district=district,
                year=year,
                voc_reduction_tpa=Decimal(rng.randint(20, 120)),
                by=manager,
            )

    def print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for username, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {role}")
        self.stdout.write(f"  {'admin':<11} superuser (Django admin at /admin/)")
