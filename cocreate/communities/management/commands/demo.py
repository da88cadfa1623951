"""`cocreate demo`: a bilingual demo community, created through the same actions
the site uses. Idempotent: running it again changes nothing. The brand, people
and text are invented."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cocreate.accounts.models import User
from cocreate.communities import actions
from cocreate.communities.models import Community, Membership, Role

DEMO_PASSWORD = "cocreate-demo-2026"
SLUG = "nimbus-riders"

MISSION = """Nimbus Bikes makes city bicycles. **Nimbus Riders** is where the people who ride
them decide, with us, what we build next.

Nimbus 云朵单车做城市自行车。**云朵骑士会**是骑行者和我们一起决定下一步做什么的地方。"""

VALUES = """- **We create together** – not "I" create, but "we" create. 不是"我"创造，而是"我们"一起创造。
- **Open answers** – staff answer in public, and every decision comes with its reason. 官方公开回答，每个决定都说明理由。
- **Fair credit** – every idea that ships names the people who brought it. 每个落地的点子都署上提出者的名字。"""

RULES = """1. Be kind and stay on topic. 友善交流，不跑题。
2. Ideas you post here are not confidential; you keep your rights to them. 在这里发布的点子不保密，你保留自己的权利。
3. Staff answers are marked *official*. 官方回答会标注为"官方"。
4. Moderators may hide posts that break these rules and must say why. 版主可以隐藏违规内容，并且必须说明原因。"""

RULES_V2 = (
    RULES
    + """
5. Prototype testers are chosen by lot among members who apply. 原型测试者从报名的成员中抽签产生。"""
)

PEOPLE: list[tuple[str, str, str]] = [
    # (display name, short bio, language)
    ("Mara Lindqvist", "Head of community at Nimbus Bikes.", "en"),
    ("陈思远", "Nimbus 产品经理，负责通勤系列。", "zh-hans"),
    ("Tobias Reinholt", "Frame engineer. Ask me about geometry.", "en"),
    ("李晓雯", "社区运营，每周五整理大家的建议。", "zh-hans"),
    ("Priya Raman", "Moderator. Riding since I was six.", "en"),
    ("王浩然", "版主，骑行十年的老车友。", "zh-hans"),
    ("Jonas Eberle", "Moderator and weekend mechanic.", "en"),
    ("赵雨桐", "Nimbus 设计师，喜欢画草图。", "zh-hans"),
    ("Camille Ferraud", "Nimbus support team.", "en"),
    ("孙立", "Nimbus 工厂质检工程师。", "zh-hans"),
    ("Samuel Okafor", "Nimbus electrical engineer (e-assist).", "en"),
    ("周敏", "Nimbus 门店店长。", "zh-hans"),
    ("Greta Holm", "Partner: runs a cargo bike rental in the old town.", "en"),
    ("刘建国", "合作伙伴：城市骑行俱乐部负责人。", "zh-hans"),
    ("Aiko Tanabe", "Partner: urban planning researcher.", "en"),
    ("Leo Marchetti", "Daily commuter, 14 km each way.", "en"),
    ("张可欣", "每天骑车上班，关心雨天骑行。", "zh-hans"),
    ("Nadia Petrova", "Two kids, one cargo bike.", "en"),
    ("黄子轩", "大学生，骑车去图书馆。", "zh-hans"),
    ("Owen Gallagher", "I fix old bikes for fun.", "en"),
    ("吴佳怡", "周末骑行拍照爱好者。", "zh-hans"),
    ("Fatima Zahra Idrissi", "Night-shift nurse, rides home at 2 am.", "en"),
    ("郑凯", "喜欢改装车灯。", "zh-hans"),
    ("Henrik Solberg", "Winter rider. Studded tyres forever.", "en"),
    ("林若曦", "骑行新手，正在学习换内胎。", "zh-hans"),
    ("Ana Ribeiro", "Architect; cares about bike parking.", "en"),
    ("何志强", "外卖骑手，每天骑八十公里。", "zh-hans"),
    ("Marcus Lindgren", "Commuter and amateur racer.", "en"),
    ("高雅", "带孩子骑行的妈妈。", "zh-hans"),
    ("Ines Castillo", "Teacher; rides to school with my class.", "en"),
    ("罗斌", "喜欢长途骑行，去过青海湖。", "zh-hans"),
    ("Daniel Weiss", "Software developer, rides to the office.", "en"),
    ("谢婉婷", "关注骑行安全和夜间可见度。", "zh-hans"),
    ("Yusuf Demir", "Courier. Brakes matter.", "en"),
    ("韩磊", "山地车转城市车的骑友。", "zh-hans"),
    ("Sofia Kowalska", "Student, bike + train every day.", "en"),
    ("冯晨", "喜欢折叠车，住在地铁站附近。", "zh-hans"),
    ("Emil Andersen", "Retired engineer, rides every morning.", "en"),
    ("邓美玲", "社区志愿者，组织周末骑行。", "zh-hans"),
    ("Lucía Moreno", "Photographer; my bike carries my gear.", "en"),
    ("曹宇", "喜欢研究变速系统。", "zh-hans"),
    ("Tom Whitaker", "Dad of three, cargo bike convert.", "en"),
    ("彭静", "通勤二十公里，想要更好的挡泥板。", "zh-hans"),
    ("Hannah Becker", "Riding in a hilly town.", "en"),
    ("蒋涛", "电助力车用户。", "zh-hans"),
    ("Ravi Shankar", "Bike commuter and tinkerer.", "en"),
    ("沈悦", "喜欢复古车型。", "zh-hans"),
    ("Chloé Martin", "I ride to the market every Saturday.", "en"),
    ("丁浩", "自行车维修师傅。", "zh-hans"),
    ("Mateo Rossi", "New to cycling, loving it.", "en"),
    ("许诺", "研究生，骑车做田野调查。", "zh-hans"),
    ("Olivia Brennan", "Runs a kids' bike club.", "en"),
    ("唐亮", "骑车送孩子上学。", "zh-hans"),
    ("Kwame Mensah", "Bike mechanic apprentice.", "en"),
    ("范琳", "喜欢在河边骑行。", "zh-hans"),
    ("Elena Vasquez", "Long-distance tourer.", "en"),
    ("宋杰", "骑行俱乐部队长。", "zh-hans"),
    ("Niels de Vries", "Grew up riding in Utrecht.", "en"),
    ("马丽娜", "喜欢给自行车拍视频。", "zh-hans"),
    ("Arjun Mehta", "Commuter; wants better locks.", "en"),
]

ROLES = (
    [Role.STAFF] * 3 + [Role.MODERATOR] * 4 + [Role.EMPLOYEE] * 5 + [Role.PARTNER] * 3
)  # after the owner (person 0); everyone else is a member

APPLICANTS: list[tuple[str, str, str, list[str]]] = [
    (
        "Petra Novak",
        "Cyclist in a rainy city.",
        "en",
        ["Every day, 9 km each way.", "Better mudguards and a chain cover that lasts."],
    ),
    (
        "钱多多",
        "想给电助力车提建议。",
        "zh-hans",
        ["每周骑四五次，主要是通勤。", "希望电池可以拆下来在办公室充电。"],
    ),
    (
        "Benedikt Graf",
        "Mountain biker moving to the city.",
        "en",
        ["Weekends mostly.", "Sharing what I know about suspension for rough city streets."],
    ),
    (
        "叶青",
        "骑行摄影师。",
        "zh-hans",
        ["每天都骑。", "想分享骑行路线和照片，也想参与新车型的设计讨论。"],
    ),
    (
        "Rosa Lindahl",
        "Bike-to-school parent.",
        "en",
        ["Twice a day with my son.", "A child seat that fits the Nimbus rack."],
    ),
    ("Felix Braun", "Student.", "en", ["Most days.", "I want to test prototypes."]),
]

QUESTIONS = [
    "How often do you ride? 你多久骑一次车？",
    "What would you like to bring to Nimbus Riders? 你想为云朵骑士会带来什么？",
]


def _email(index: int) -> str:
    return f"rider{index:02d}@nimbus-demo.example"


class Command(BaseCommand):
    help = "Load the bilingual demo community (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="only load when the database has no community at all",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Community.objects.exists():
            self.stdout.write("The database already has communities; demo not loaded.")
            return
        if Community.objects.filter(slug=SLUG).exists():
            self.stdout.write("The demo is already loaded.")
            return
        with transaction.atomic():
            self._load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: http://127.0.0.1:8000/c/{SLUG}/ - sign in as "
                f"{_email(0)} (owner), admin@nimbus-demo.example (site staff) or "
                f"{_email(20)} (member) with the password {DEMO_PASSWORD}"
            )
        )

    def _user(
        self, email: str, name: str, bio: str, language: str, password: str, **extra: Any
    ) -> User:
        user, _created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": name,
                "bio": bio,
                "language": language,
                "password": password,
                "email_confirmed_at": timezone.now(),
                "languages": ["English"] if language == "en" else ["中文", "English"],
                **extra,
            },
        )
        return user

    def _load(self) -> None:
        # One hash for every demo account: hashing 60 passwords would take a minute.
        password = make_password(DEMO_PASSWORD)
        admin = self._user(
            "admin@nimbus-demo.example",
            "Site admin",
            "Runs this cocreate site.",
            "en",
            password,
            is_staff=True,
        )
        people = [
            self._user(_email(i), name, bio, lang, password)
            for i, (name, bio, lang) in enumerate(PEOPLE)
        ]
        owner = people[0]

        community = actions.create_community(
            admin,
            name="Nimbus Riders · 云朵骑士会",
            slug=SLUG,
            description=(
                "The community of Nimbus Bikes riders: shape the next city bike with "
                "us. 云朵单车骑行者社区：和我们一起设计下一辆城市自行车。"
            ),
            join_policy="application",
            application_questions=QUESTIONS,
            mission=MISSION,
            values=VALUES,
            rules=RULES,
        )
        # The site admin hands the community to its owner, then steps back.
        handover = actions.create_invitation(admin, community, note="Community owner")
        actions.change_role(admin, actions.accept_invitation(owner, handover.code), Role.OWNER)
        actions.leave(admin, community)
        actions.edit_charter(
            owner,
            community,
            mission=MISSION,
            values=VALUES,
            rules=RULES_V2,
            summary="Add the prototype tester rule / 增加原型测试者规则",
        )

        # Members arrive through applications that the staff accept.
        for person in people[1:]:
            application = actions.apply(
                person,
                community,
                answers=["Most days. 几乎每天。", "Ideas and feedback. 点子和反馈。"],
            )
            actions.decide_application(
                owner, application, accept=True, message="Welcome! 欢迎加入！"
            )
        for person, role in zip(people[1:], ROLES, strict=False):
            membership = Membership.objects.get(community=community, user=person)
            actions.change_role(owner, membership, role)

        for i, (name, bio, lang, answers) in enumerate(APPLICANTS):
            applicant = self._user(f"applicant{i}@nimbus-demo.example", name, bio, lang, password)
            actions.apply(applicant, community, answers=answers)

        staff = people[1]
        commuters = actions.create_circle(
            staff,
            community,
            name="Commuters · 通勤族",
            slug="nimbus-commuters",
            description="Rain, rush hour and range: riding to work every day. 每天骑车上班的人。",
        )
        cargo = actions.create_circle(
            staff,
            community,
            name="Cargo & Family · 载物与亲子",
            slug="nimbus-cargo",
            description="Kids, groceries and cargo bikes. 带娃、买菜和载物自行车。",
        )
        for index, person in enumerate(people[15:]):
            actions.join(person, commuters if index % 3 else cargo)
            if index % 5 == 0:
                actions.join(person, cargo if index % 3 else commuters)
        actions.propose_circle(
            people[20],
            community,
            name="Night Riders · 夜骑队",
            slug="nimbus-night-riders",
            description="Lights, visibility and safe routes after dark. 夜间骑行的灯光与安全。",
        )

        insiders = actions.create_community(
            admin,
            name="Nimbus Insiders · 云朵内测团",
            slug="nimbus-insiders",
            description="Private prototype testing group. 私密的原型测试小组。",
            visibility="private",
            join_policy="invitation",
            seat_limit=25,
            mission="Test prototypes early and report honestly. 提前试用原型，如实反馈。",
        )
        actions.create_invitation(
            admin,
            insiders,
            expires_in_days=30,
            max_uses=10,
            note="Spring prototype round / 春季原型测试",
        )
        for person in people[15:20]:
            invitation = actions.create_invitation(admin, insiders, expires_in_days=7, max_uses=1)
            actions.accept_invitation(person, invitation.code)
